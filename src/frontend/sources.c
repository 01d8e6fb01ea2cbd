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
#include "frontend/frontend.h"
#include "exitcodes.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One numeric version component: digits without leading zeros. */
typedef struct VerPart {
	const char *digits;
	size_t len;
} VerPart;

#define MAX_VER_PARTS 8

typedef struct Entry {
	char *rel;       /* path relative to the directory argument */
	int rank;        /* 0 unversioned, 1 versioned, 2 Flyway repeatable (R__) */
	VerPart ver[MAX_VER_PARTS];
	int nver;
} Entry;

typedef PGC_VEC(Entry) EntryVec;

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static const char *digits_run(const char *p, size_t *len)
{
	const char *s = p;
	while (*p >= '0' && *p <= '9')
		p++;
	*len = (size_t)(p - s);
	return s;
}

static void push_part(Entry *e, const char *d, size_t n)
{
	while (n > 1 && *d == '0') { /* 000001 == 1 */
		d++;
		n--;
	}
	if (e->nver < MAX_VER_PARTS)
		e->ver[e->nver++] = (VerPart){d, n};
}

/*
 * Reads the version from a file or subdirectory name:
 *   Flyway V1__x, V1_1__x, V1.1__x  -> [1], [1,1], [1,1]
 *   leading digit runs joined by one '-', '_' or '.'
 *                                   -> [2], [20240101120000], [1], [2024,1,1,0]
 *                                      (2-x, 20240101120000_x, 000001_x.up,
 *                                       diesel's 2024-01-01-000000_x)
 *   Flyway repeatable R__x          -> rank 2 (after every versioned file)
 *   anything else                   -> rank 0 (before every versioned file)
 */
static void parse_version(const char *name, Entry *e)
{
	size_t n;
	e->nver = 0;
	e->rank = 0;
	if ((name[0] == 'V' || name[0] == 'v') && name[1] >= '0' && name[1] <= '9') {
		const char *p = name + 1;
		for (;;) {
			const char *d = digits_run(p, &n);
			if (n == 0)
				break;
			push_part(e, d, n);
			p = d + n;
			if ((*p == '_' || *p == '.') && p[1] >= '0' && p[1] <= '9')
				p++;
			else
				break;
		}
		if (strncmp(p, "__", 2) == 0) {
			e->rank = 1;
			return;
		}
		e->nver = 0; /* "V2x.sql" is not Flyway: fall through */
	}
	if (strncmp(name, "R__", 3) == 0) {
		e->rank = 2;
		return;
	}
	/* 2-x, 20240101120000_x, 000001_x.up, diesel 2024-01-01-000000_x:
	 * digit runs joined by one '-', '_' or '.' */
	const char *p = name;
	for (;;) {
		const char *d = digits_run(p, &n);
		if (n == 0)
			break;
		push_part(e, d, n);
		e->rank = 1;
		p = d + n;
		if ((*p == '-' || *p == '_' || *p == '.') && p[1] >= '0' && p[1] <= '9')
			p++;
		else
			break;
	}
}

static int cmp_part(const VerPart *a, const VerPart *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->digits, b->digits, a->len);
}

static int cmp_entry(const void *pa, const void *pb)
{
	const Entry *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	for (int i = 0; i < a->nver && i < b->nver; i++) {
		int c = cmp_part(&a->ver[i], &b->ver[i]);
		if (c)
			return c;
	}
	if (a->nver != b->nver)
		return a->nver < b->nver ? -1 : 1;
	return strcmp(a->rel, b->rel);
}

/* Down migrations found in a directory are never applied. */
static bool is_down(const char *base)
{
	if (strcmp(base, "down.sql") == 0 || has_suffix(base, ".down.sql"))
		return true;
	/* Flyway undo: U<version>__<description>.sql */
	return base[0] == 'U' && base[1] >= '0' && base[1] <= '9' && strstr(base, "__") != NULL;
}

static char *join_path(Arena *a, const char *dir, const char *rel)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return arena_printf(a, "/%s", rel);
	return arena_printf(a, "%.*s/%s", (int)n, dir, rel);
}

static int stat_error(Err *err, const char *path, int e)
{
	if (e == ELOOP)
		return err_set(err, PGC_EXIT_USAGE, "%s: symbolic link loop", path);
	if (e == ENOENT || e == ENOTDIR)
		return err_set(err, PGC_EXIT_USAGE, "%s: no such file or directory", path);
	return err_set(err, PGC_EXIT_USAGE, "%s: cannot access: %s", path, strerror(e));
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
			return stat_error(err, path, errno);
		return err_set(err, PGC_EXIT_USAGE, "%s: cannot open: %s", path, strerror(errno));
	}
	struct stat st;
	if (fstat(fd, &st) != 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot stat: %s", path, strerror(errno));
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
			err_set(err, PGC_EXIT_USAGE, "%s: cannot read: %s", path, strerror(errno));
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

static int load_file(Arena *a, const char *shown, SourceList *out, Err *err)
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
	VEC_PUSH(a, *out, s);
	return 0;
}

static void add_entry(EntryVec *v, Arena *tmp, const char *rel, const char *vername)
{
	Entry e = {0};
	e.rel = arena_strdup(tmp, rel);
	parse_version(arena_strdup(tmp, vername), &e); /* Entry.ver points into it: d_name is reused by readdir */
	VEC_PUSH(tmp, *v, e);
}

/* Is dir/rel something we may read? ELOOP and friends are errors. */
static int probe(const char *full, bool relevant, bool *is_file, bool *is_dir, Err *err)
{
	struct stat st;
	*is_file = *is_dir = false;
	if (stat(full, &st) != 0) {
		if (errno == ENOENT && relevant && lstat(full, &st) == 0)
			return err_set(err, PGC_EXIT_USAGE, "%s: dangling symbolic link", full);
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return stat_error(err, full, errno);
	}
	*is_file = S_ISREG(st.st_mode);
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

static int collect_dir(Arena *a, const char *dir, SourceList *out, Err *err)
{
	int ret = -1;
	Arena *tmp = arena_new();
	EntryVec v = {0};
	DIR *d = opendir(dir);
	if (!d) {
		if (errno == ELOOP || errno == ENOENT)
			stat_error(err, dir, errno);
		else
			err_set(err, PGC_EXIT_USAGE, "%s: cannot read directory: %s", dir, strerror(errno));
		goto out;
	}
	struct dirent *de;
	while ((errno = 0, de = readdir(d)) != NULL) {
		const char *name = de->d_name;
		if (name[0] == '.')
			continue; /* ., .., hidden files and directories */
		char *full = join_path(tmp, dir, name);
		bool is_file, is_dir;
		if (probe(full, has_suffix(name, ".sql"), &is_file, &is_dir, err) != 0)
			goto out;
		if (is_file && has_suffix(name, ".sql") && !is_down(name)) {
			add_entry(&v, tmp, name, name);
		} else if (is_dir) {
			/* Prisma <ts>_name/migration.sql, diesel <ts>_name/up.sql */
			static const char *const nested[] = {"migration.sql", "up.sql"};
			for (size_t i = 0; i < sizeof(nested) / sizeof(nested[0]); i++) {
				char *rel = arena_printf(tmp, "%s/%s", name, nested[i]);
				char *sub = join_path(tmp, dir, rel);
				bool f, dd;
				if (probe(sub, true, &f, &dd, err) != 0)
					goto out;
				if (f)
					add_entry(&v, tmp, rel, name);
			}
		}
	}
	if (errno != 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot read directory: %s", dir, strerror(errno));
		goto out;
	}
	if (v.n == 0) {
		err_set(err, PGC_EXIT_USAGE,
		        "%s: directory contains no SQL migration files (*.sql, */migration.sql or */up.sql; down migrations are not counted)",
		        dir);
		goto out;
	}
	qsort(v.items, v.n, sizeof(Entry), cmp_entry);
	for (size_t i = 0; i < v.n; i++) {
		if (load_file(a, join_path(a, dir, v.items[i].rel), out, err) != 0)
			goto out;
	}
	ret = 0;
out:
	if (d)
		closedir(d);
	arena_free(tmp);
	return ret;
}

int sources_collect(Arena *a, const char *const *paths, int npaths, SourceList *out, Err *err)
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
			return stat_error(err, p, e);
		}
		if (S_ISDIR(st.st_mode)) {
			if (collect_dir(a, p, out, err) != 0)
				return -1;
		} else if (S_ISREG(st.st_mode)) {
			if (load_file(a, arena_strdup(a, p), out, err) != 0)
				return -1;
		} else {
			return err_set(err, PGC_EXIT_USAGE, "%s: not a regular file or directory", p);
		}
	}
	return 0;
}
