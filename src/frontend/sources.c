/*
 * sources.c - finds, orders and reads migration files (see
 * doc/sources.md for the rules, which this file implements exactly).
 *
 * Arguments are applied in the order given. A file argument is read as
 * it is; a directory argument contributes its own *.sql files and the
 * migration.sql / up.sql of its immediate subdirectories (Prisma,
 * diesel), down migrations excluded, sorted by version and then by name.
 * Every file is read whole into the arena and checked (NUL bytes,
 * UTF-8); dbmate files keep only their up section, the rest blanked
 * with spaces so that every byte offset, and so every line:col, is the
 * one in the user's file.
 */
#include "frontend/layout.h"
#include "exitcodes.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

int sources_stat_error(Err *err, const char *path, int e)
{
	if (e == ELOOP)
		return err_set(err, PGC_EXIT_USAGE, "%s: symbolic link loop", path);
	if (e == ENOENT || e == ENOTDIR)
		return err_set(err, PGC_EXIT_USAGE, "%s: no such file or directory", path);
	return err_set(err, PGC_EXIT_USAGE, "%s: cannot access: %s", path, err_errno(e));
}

/*
 * Length of the valid UTF-8 sequence at p (at most n bytes), or 0 when
 * it is not valid (overlong forms, surrogates and values past U+10FFFF
 * are invalid, as PostgreSQL's pg_utf8_islegal says).
 */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t len;
	unsigned lo = 0x80, hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		len = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		len = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		len = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	if (n < len)
		return 0;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return len;
}

/* NUL bytes and invalid UTF-8 are input errors with their place. */
static int check_text(const Source *s, Err *err)
{
	const unsigned char *p = (const unsigned char *)s->text;
	const void *nul = memchr(p, 0, s->len);
	if (nul) {
		SrcLoc l = srcloc_at(s->path, s->text, s->len, (int)((const unsigned char *)nul - p));
		return err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: NUL byte in input", s->path, l.line, l.col);
	}
	for (size_t i = 0; i < s->len;) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		size_t n = utf8_len(p + i, s->len - i);
		if (n == 0) {
			SrcLoc l = srcloc_at(s->path, s->text, s->len, (int)i);
			return err_set(err, PGC_EXIT_USAGE,
			               "%s:%d:%d: invalid UTF-8 byte sequence (0x%02x); the file must be UTF-8",
			               s->path, l.line, l.col, p[i]);
		}
		i += n;
	}
	return 0;
}

/* Is the line at p (up to its newline) "--[ \t]*migrate:<what>" + end/blank? */
static bool dbmate_marker(const char *p, const char *end, const char *what)
{
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return false;
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	size_t n = strlen(what);
	if ((size_t)(end - p) < n || memcmp(p, what, n) != 0)
		return false;
	p += n;
	return p == end || *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t';
}

/*
 * dbmate: when a line "-- migrate:up" is present, only the lines between
 * it and the next "-- migrate:down" are kept; every other byte becomes a
 * space (newlines stay), the marker lines included.
 */
static void dbmate_blank(Source *s)
{
	char *t = s->text, *end = t + s->len;
	bool found = false;
	for (char *p = t; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (dbmate_marker(p, le, "migrate:up")) {
			found = true;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!found)
		return;
	bool keep = false;
	for (char *p = t; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		bool blank_line = !keep;
		if (dbmate_marker(p, le, "migrate:up")) {
			keep = true;
			blank_line = true;
		} else if (dbmate_marker(p, le, "migrate:down")) {
			keep = false;
			blank_line = true;
		}
		if (blank_line)
			memset(p, ' ', (size_t)(le - p));
		p = nl ? nl + 1 : end;
	}
}

/*
 * goose (pressly/goose v3, internal/sqlparser/parser.go): annotations
 * are comment lines "-- +goose <word>". Only the statements after
 * "-- +goose Up" and before "-- +goose Down" run going up; everything
 * from "Down" on is the down migration. "StatementBegin" ... "StatementEnd"
 * is one statement, sent as is, and it ends at StatementEnd even when
 * its last line has no ';'.
 *
 * Returns the keyword after "+goose" (case-insensitive match of what),
 * or false.
 */
static bool goose_marker(const char *p, const char *end, const char *what)
{
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 2 || p[0] != '-' || p[1] != '-')
		return false;
	p += 2;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 6 || memcmp(p, "+goose", 6) != 0)
		return false;
	p += 6;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	size_t n = strlen(what);
	if ((size_t)(end - p) < n || strncasecmp(p, what, n) != 0)
		return false;
	p += n;
	return p == end || *p == '\n' || *p == '\r' || *p == ' ' || *p == '\t';
}

/*
 * Keeps the Up section of a goose file: every other byte (lines before
 * "-- +goose Up", the Down section, the annotation lines) becomes a
 * space, newlines stay; a StatementEnd line becomes ';' so that the
 * statement ends there as goose ends it (an extra ';' after one that
 * already ended is an empty statement, which changes nothing).
 */
static void goose_blank(Source *s)
{
	char *t = s->text, *end = t + s->len;
	bool found = false;
	for (char *p = t; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		if (goose_marker(p, le, "up")) {
			found = true;
			break;
		}
		p = nl ? nl + 1 : end;
	}
	if (!found)
		return;
	bool keep = false, down = false;
	for (char *p = t; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		bool blank_line = !keep;
		bool semi = false;
		if (!down && goose_marker(p, le, "up")) {
			keep = true;
			blank_line = true;
		} else if (goose_marker(p, le, "down")) {
			keep = false;
			down = true;
			blank_line = true;
		} else if (keep && goose_marker(p, le, "statementend")) {
			blank_line = true;
			semi = true;
		} else if (keep && (goose_marker(p, le, "statementbegin") ||
		                    goose_marker(p, le, "no") || goose_marker(p, le, "envsub"))) {
			blank_line = true;
		}
		if (blank_line) {
			memset(p, ' ', (size_t)(le - p));
			if (semi && le > p)
				*p = ';';
		}
		p = nl ? nl + 1 : end;
	}
}

/*
 * Reads the whole file into the arena. The size from fstat() lets a
 * 100 MB migration cost 100 MB; a file that reports no size (/proc,
 * pipes) or grows while read continues on the heap and is copied once.
 */
static int read_file(Arena *a, const char *path, Source *out, Err *err)
{
	int ret = -1;
	char *heap = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ELOOP || errno == ENOENT)
			return sources_stat_error(err, path, errno);
		return err_set(err, PGC_EXIT_USAGE, "%s: cannot open: %s", path, err_errno(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot stat: %s", path, err_errno(errno));
		goto out;
	}
	size_t cap = st.st_size > 0 ? (size_t)st.st_size : 0;
	char *buf = arena_alloc(a, cap + 1);
	size_t len = 0;
	for (;;) {
		char extra;
		char *dst = len < cap ? buf + len : &extra;
		size_t want = len < cap ? cap - len : 1;
		ssize_t r = read(fd, dst, want);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			err_set(err, PGC_EXIT_USAGE, "%s: cannot read: %s", path, err_errno(errno));
			goto out;
		}
		if (r == 0)
			break;
		if (dst == &extra) {
			/* more than fstat said: move to the heap and grow */
			size_t nc = cap ? cap * 2 : 65536;
			char *nb = xrealloc(heap, nc + 1);
			if (!heap)
				memcpy(nb, buf, len);
			heap = buf = nb;
			cap = nc;
			buf[len] = extra;
		}
		len += (size_t)r;
		if (len > ((size_t)1 << 31)) {
			err_set(err, PGC_EXIT_USAGE, "%s: file is larger than 2 GB", path);
			goto out;
		}
	}
	if (heap) {
		buf = arena_alloc(a, len + 1);
		memcpy(buf, heap, len);
	}
	buf[len] = '\0';
	out->text = buf;
	out->len = len;
	ret = 0;
out:
	free(heap);
	close(fd);
	return ret;
}

int sources_load_file(Arena *a, const char *shown, SourceList *out, Err *err)
{
	Source s = {shown, NULL, 0};
	if (read_file(a, shown, &s, err) != 0)
		return -1;
	if (check_text(&s, err) != 0)
		return -1;
	/* A UTF-8 byte order mark is not SQL: blank it, offsets unchanged. */
	if (s.len >= 3 && memcmp(s.text, "\xEF\xBB\xBF", 3) == 0)
		memset(s.text, ' ', 3);
	dbmate_blank(&s);
	goose_blank(&s);
	VEC_PUSH(a, *out, s);
	return 0;
}

int sources_collect_with(Arena *a, const char *const *paths, int npaths, const SourceOptions *o,
                         SourceList *out, Err *err)
{
	for (int i = 0; i < npaths; i++) {
		const char *p = paths[i];
		struct stat st;
		if (!p || !*p)
			return err_set(err, PGC_EXIT_USAGE, "empty path argument");
		if (stat(p, &st) != 0) {
			int e = errno;
			if (e == ENOENT && lstat(p, &st) == 0)
				return err_set(err, PGC_EXIT_USAGE, "%s: dangling symbolic link", p);
			return sources_stat_error(err, p, e);
		}
		if (S_ISDIR(st.st_mode)) {
			if (layout_collect_dir(a, p, o, out, err) != 0)
				return -1;
		} else if (S_ISREG(st.st_mode)) {
			if (sources_load_file(a, arena_strdup(a, p), out, err) != 0)
				return -1;
		} else {
			return err_set(err, PGC_EXIT_USAGE, "%s: not a regular file or directory", p);
		}
	}
	return 0;
}

int sources_collect(Arena *a, const char *const *paths, int npaths, SourceList *out, Err *err)
{
	SourceOptions o = {0};
	return sources_collect_with(a, paths, npaths, &o, out, err);
}
