/*
 * fuzz_sources.c - libFuzzer target for the sources loader: file names,
 * order, nesting, and the dbmate, Prisma and diesel layouts.
 *
 * The input describes a directory tree, one record per header line:
 *
 *     > path/of/file.sql      a file; the lines up to the next header are its text
 *     / path/of/dir           an empty directory
 *     @ path -> target        a symlink (target: "." or a sibling name, so
 *                             loops are possible but nothing leaves the tree)
 *
 * Paths are cleaned (no "..", no absolute paths, bounded length). When
 * the input starts with "!", each top-level entry is passed as its own
 * argument, in record order; otherwise the root directory is. A first
 * line "= NAME" forces --layout NAME (the tool layouts of layout.c), and
 * "= NAME Namespace=x" also sets a pop template option. The tree
 * is built in a private temp dir, then sources_collect and frontend_load
 * run on it, and the tree is removed. Errors are results; crashes,
 * leaks, hangs and sanitizer reports are bugs.
 */
#include "frontend/frontend.h"
#include "frontend/layout.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/err.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_RECORDS 64
#define MAX_COMPONENT 100
#define MAX_DEPTH 8

static char base[PATH_MAX];   /* private temp dir, made once */
static char root[PATH_MAX];   /* base/t: rebuilt for every input */

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	remove(p);
	return 0;
}

static void rm_tree(const char *p)
{
	nftw(p, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Cleans the path in [s, s+n) into out (relative to root); returns its depth. */
static int clean_path(const char *s, size_t n, char *out, size_t outsz)
{
	size_t o = 0;
	int depth = 0;
	out[0] = '\0';
	size_t i = 0;
	while (i < n && depth < MAX_DEPTH) {
		while (i < n && s[i] == '/')
			i++;
		size_t b = i;
		while (i < n && s[i] != '/')
			i++;
		size_t cl = i - b;
		if (cl == 0 || (cl == 1 && s[b] == '.') || (cl == 2 && s[b] == '.' && s[b + 1] == '.'))
			continue;
		if (cl > MAX_COMPONENT)
			cl = MAX_COMPONENT;
		if (o + cl + 2 >= outsz)
			break;
		if (o)
			out[o++] = '/';
		for (size_t k = 0; k < cl; k++)
			out[o++] = s[b + k] ? s[b + k] : '_';
		out[o] = '\0';
		depth++;
	}
	return depth;
}

/* Makes the parent directories of root/rel (ignoring failures). */
static void make_parents(const char *rel)
{
	char p[PATH_MAX];
	int n = snprintf(p, sizeof(p), "%s/%s", root, rel);
	if (n < 0 || (size_t)n >= sizeof(p))
		return;
	for (char *q = p + strlen(root) + 1; *q; q++) {
		if (*q == '/') {
			*q = '\0';
			mkdir(p, 0755);
			*q = '/';
		}
	}
}

static void remove_base(void)
{
	rm_tree(base);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!base[0]) {
		log_set_quiet(1);
		const char *tmp = getenv("TMPDIR");
		snprintf(base, sizeof(base), "%s/pgc-fuzz-sources.XXXXXX", tmp ? tmp : "/tmp");
		if (!mkdtemp(base))
			abort();
		snprintf(root, sizeof(root), "%s/t", base);
		atexit(remove_base);
	}
	rm_tree(root);
	if (mkdir(root, 0755) != 0)
		abort();

	const char *s = (const char *)data, *end = s + size;
	int per_entry = size > 0 && s[0] == '!';
	SourceOptions so = {0};
	char opt_line[128] = "";
	const char *set[1];
	if (size > 2 && s[0] == '=' && s[1] == ' ') {
		const char *nl = memchr(s, '\n', size);
		size_t n = (size_t)((nl ? nl : s + size) - (s + 2));
		if (n >= sizeof(opt_line))
			n = sizeof(opt_line) - 1;
		memcpy(opt_line, s + 2, n);
		opt_line[n] = '\0';
		char *sp = strchr(opt_line, ' ');
		if (sp) {
			*sp = '\0';
			set[0] = sp + 1;
			so.sets = set;
			so.nsets = 1;
		}
		Err lerr = {0};
		if (layout_parse(opt_line, &so.layout, &lerr) < 0)
			so.layout = LAYOUT_AUTO;
		s = nl ? nl + 1 : s + size;
	}
	so.verbose = true;
	char *tops[MAX_RECORDS];
	int ntops = 0, nrec = 0;
	const char *p = s;
	while (p < end && nrec < MAX_RECORDS) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		const char *line_end = eol ? eol : end;
		char kind = *p;
		if (kind != '>' && kind != '/' && kind != '@') {
			p = eol ? eol + 1 : end;
			continue;
		}
		const char *hdr = p + 1, *hdr_end = line_end;
		p = eol ? eol + 1 : end;
		/* The body runs to the next header line. */
		const char *body = p, *body_end = p;
		if (kind == '>') {
			while (body_end < end) {
				const char *nl = memchr(body_end, '\n', (size_t)(end - body_end));
				const char *next = nl ? nl + 1 : end;
				if (next < end && (*next == '>' || *next == '/' || *next == '@')) {
					body_end = next;
					break;
				}
				body_end = next;
			}
			p = body_end;
		}
		char rel[512], target[MAX_COMPONENT + 1] = "";
		if (kind == '@') {
			const char *arrow = NULL;
			for (const char *q = hdr; q + 3 < hdr_end; q++)
				if (q[0] == ' ' && q[1] == '-' && q[2] == '>' && q[3] == ' ') {
					arrow = q;
					break;
				}
			if (!arrow)
				continue;
			size_t tl = (size_t)(hdr_end - (arrow + 4));
			if (tl == 0 || tl > MAX_COMPONENT || memchr(arrow + 4, '/', tl) || memchr(arrow + 4, '\0', tl) ||
			    (tl == 2 && arrow[4] == '.' && arrow[5] == '.'))
				continue;
			memcpy(target, arrow + 4, tl);
			target[tl] = '\0';
			hdr_end = arrow;
		}
		while (hdr < hdr_end && *hdr == ' ')
			hdr++;
		if (clean_path(hdr, (size_t)(hdr_end - hdr), rel, sizeof(rel)) == 0)
			continue;
		nrec++;
		make_parents(rel);
		char full[PATH_MAX];
		snprintf(full, sizeof(full), "%s/%s", root, rel);
		if (kind == '>') {
			int fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd < 0)
				continue;
			size_t left = (size_t)(body_end - body);
			const char *b = body;
			while (left > 0) {
				ssize_t w = write(fd, b, left);
				if (w <= 0)
					break;
				b += w;
				left -= (size_t)w;
			}
			close(fd);
		} else if (kind == '/') {
			mkdir(full, 0755);
		} else {
			if (symlink(target, full) != 0)
				continue;
		}
		/* Top-level entries, once each, in record order. */
		char top[512];
		size_t tl = strcspn(rel, "/");
		snprintf(top, sizeof(top), "%s/%.*s", root, (int)tl, rel);
		int seen = 0;
		for (int i = 0; i < ntops; i++)
			seen |= strcmp(tops[i], top) == 0;
		if (!seen && (tops[ntops] = strdup(top)) != NULL)
			ntops++;
	}

	Arena *a = arena_new();
	Model *m = model_new(a);
	SourceList sl = {0};
	Err err = {0};
	const char *dir_arg[1] = {root};
	const char *const *paths = per_entry ? (const char *const *)tops : dir_arg;
	int npaths = per_entry ? ntops : 1;
	if (npaths > 0 && sources_collect_with(a, paths, npaths, &so, &sl, &err) == 0)
		frontend_load(m, &sl, DIALECT_AUTO, &err);
	arena_free(a);
	for (int i = 0; i < ntops; i++)
		free(tops[i]);
	rm_tree(root);
	return 0;
}
