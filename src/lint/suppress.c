/*
 * suppress.c - suppression comments; see suppress.h.
 *
 * One pass of libpg_query's scanner gives every token with its byte
 * range, comments included. Statements are the runs of non-comment
 * tokens between semicolons; each ignore comment is bound to one of
 * them by position (inside, trailing on its last line, or above it).
 */
#include "lint/suppress.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <string.h>

static int line_of(const FileSuppressions *fs, int off)
{
	int lo = 0, hi = fs->nlines - 1;
	while (lo < hi) {
		int mid = (lo + hi + 1) / 2;
		if (fs->line_starts[mid] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo + 1;
}

static void index_lines(Arena *a, const char *text, size_t len, FileSuppressions *fs)
{
	int n = 1;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			n++;
	fs->line_starts = arena_alloc(a, (size_t)n * sizeof(int));
	fs->nlines = 0;
	fs->line_starts[fs->nlines++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			fs->line_starts[fs->nlines++] = (int)i + 1;
}

static SrcLoc loc_at(const FileSuppressions *fs, int off)
{
	int line = line_of(fs, off);
	SrcLoc l = {fs->file, line, off - fs->line_starts[line - 1] + 1, off};
	return l;
}

static bool rule_char(char c)
{
	return isalnum((unsigned char)c) || c == '-' || c == '_';
}

/*
 * Parses a comment body (the text between "--" and the end of line, or
 * inside a block comment). Returns NULL when it is not a directive.
 */
static Suppression *parse_directive(Arena *a, const char *body, size_t n)
{
	static const char ign[] = "pgcascade:ignore", file_sfx[] = "-file";
	size_t i = 0;
	while (i < n && isspace((unsigned char)body[i]))
		i++;
	if (n - i < sizeof(ign) - 1 || strncmp(body + i, ign, sizeof(ign) - 1) != 0)
		return NULL;
	i += sizeof(ign) - 1;
	Suppression *s = arena_alloc(a, sizeof(*s));
	s->stmt = -1;
	if (n - i >= sizeof(file_sfx) - 1 && strncmp(body + i, file_sfx, sizeof(file_sfx) - 1) == 0) {
		s->whole_file = true;
		i += sizeof(file_sfx) - 1;
	}
	if (i < n && !isspace((unsigned char)body[i]))
		return NULL; /* e.g. pgcascade:ignored */
	PGC_VEC(const char *) rules = {0};
	for (;;) {
		while (i < n && isspace((unsigned char)body[i]))
			i++;
		size_t st = i;
		while (i < n && rule_char(body[i]))
			i++;
		if (i == st)
			break;
		VEC_PUSH(a, rules, arena_strndup(a, body + st, i - st));
		size_t j = i;
		while (j < n && isspace((unsigned char)body[j]))
			j++;
		if (j < n && body[j] == ',') {
			i = j + 1;
			continue;
		}
		break;
	}
	s->rules = rules.items;
	s->nrules = (int)rules.n;
	while (i < n && isspace((unsigned char)body[i]))
		i++;
	size_t e = n;
	while (e > i && isspace((unsigned char)body[e - 1]))
		e--;
	if (e > i)
		s->reason = arena_strndup(a, body + i, e - i);
	return s;
}

/* Directive in the comment text [start, end) of text, or NULL. */
static Suppression *comment_directive(Arena *a, const char *text, int start, int end)
{
	const char *c = text + start;
	size_t n = (size_t)(end - start);
	if (n >= 2 && c[0] == '-' && c[1] == '-')
		return parse_directive(a, c + 2, n - 2);
	if (n >= 4 && c[0] == '/' && c[1] == '*')
		return parse_directive(a, c + 2, n - (c[n - 2] == '*' && c[n - 1] == '/' ? 4 : 2));
	return NULL;
}

/* Without the scanner (unterminated quote and the like): "--" comments, line by line. */
static void scan_fallback(Arena *a, const char *text, size_t len, FileSuppressions *fs)
{
	for (int l = 0; l < fs->nlines; l++) {
		int st = fs->line_starts[l];
		int en = l + 1 < fs->nlines ? fs->line_starts[l + 1] - 1 : (int)len;
		for (int i = st; i + 1 < en; i++) {
			if (text[i] == '-' && text[i + 1] == '-') {
				Suppression *s = comment_directive(a, text, i, en);
				if (s) {
					s->loc = loc_at(fs, i);
					VEC_PUSH(a, fs->sups, s);
				}
				break;
			}
		}
	}
}

void suppress_scan(Arena *a, const char *file, const char *text, size_t len, FileSuppressions *out)
{
	memset(out, 0, sizeof(*out));
	out->file = file;
	index_lines(a, text, len, out);
	if (!memmem(text, len, "pgcascade:ignore", 16))
		return; /* the common case: nothing to bind */
	PgQueryScanResult r = pg_query_scan(text);
	PgQuery__ScanResult *sr = NULL;
	if (!r.error)
		sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	if (!sr) {
		pg_query_free_scan_result(r);
		scan_fallback(a, text, len, out);
		return;
	}
	out->scanned = true;
	size_t nt = sr->n_tokens;
	int *stmt_of = arena_alloc(a, (nt ? nt : 1) * sizeof(int)); /* -1 for comments */
	int cur = -1;
	for (size_t i = 0; i < nt; i++) {
		PgQuery__ScanToken *t = sr->tokens[i];
		if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT) {
			stmt_of[i] = -1;
			continue;
		}
		bool semi = t->token == PG_QUERY__TOKEN__ASCII_59;
		if (cur < 0 && semi) {
			stmt_of[i] = -2; /* empty statement */
			continue;
		}
		if (cur < 0) {
			StmtSpan sp = {t->start, t->start, line_of(out, t->start), 0};
			VEC_PUSH(a, out->stmts, sp);
			cur = (int)out->stmts.n - 1;
		}
		stmt_of[i] = cur;
		StmtSpan *sp = &out->stmts.items[cur];
		sp->end = t->end - 1;
		sp->end_line = line_of(out, t->end > t->start ? t->end - 1 : t->start);
		if (semi)
			cur = -1;
	}
	for (size_t i = 0; i < nt; i++) {
		if (stmt_of[i] != -1)
			continue;
		PgQuery__ScanToken *t = sr->tokens[i];
		Suppression *s = comment_directive(a, text, t->start, t->end);
		if (!s)
			continue;
		s->loc = loc_at(out, t->start);
		VEC_PUSH(a, out->sups, s);
		if (s->whole_file)
			continue;
		/* previous and next statement tokens */
		int prev = -1, next = -1;
		for (int j = (int)i - 1; j >= 0; j--)
			if (stmt_of[j] >= 0) {
				prev = j;
				break;
			}
		for (size_t j = i + 1; j < nt; j++)
			if (stmt_of[j] >= 0) {
				next = (int)j;
				break;
			}
		int line = s->loc.line;
		if (prev >= 0 && next >= 0 && stmt_of[prev] == stmt_of[next]) {
			s->stmt = stmt_of[prev]; /* inside the statement */
			continue;
		}
		if (prev >= 0 && out->stmts.items[stmt_of[prev]].end_line == line) {
			s->stmt = stmt_of[prev]; /* trailing, on the statement's last line */
			continue;
		}
		/* above: a chain of comment lines without a gap down to the statement */
		int end_line = line_of(out, t->end > t->start ? t->end - 1 : t->start);
		for (size_t j = i + 1; j < nt; j++) {
			PgQuery__ScanToken *u = sr->tokens[j];
			if (stmt_of[j] == -2)
				break;
			if (line_of(out, u->start) > end_line + 1)
				break;
			if (stmt_of[j] >= 0) {
				s->stmt = stmt_of[j];
				break;
			}
			end_line = line_of(out, u->end > u->start ? u->end - 1 : u->start);
		}
	}
	pg_query__scan_result__free_unpacked(sr, NULL);
	pg_query_free_scan_result(r);
}

int suppress_stmt_at(const FileSuppressions *fs, int offset)
{
	int lo = 0, hi = (int)fs->stmts.n - 1, found = -1;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (fs->stmts.items[mid].start <= offset) {
			found = mid;
			lo = mid + 1;
		} else {
			hi = mid - 1;
		}
	}
	if (found >= 0 && offset > fs->stmts.items[found].end)
		return -1;
	return found;
}

static bool names_rule(const Suppression *s, const char *rule)
{
	for (int i = 0; i < s->nrules; i++)
		if (strcmp(s->rules[i], rule) == 0)
			return true;
	return false;
}

Suppression *suppress_match(FileSuppressions *fs, const char *rule, int offset)
{
	if (!fs || fs->sups.n == 0)
		return NULL;
	int st = fs->scanned ? suppress_stmt_at(fs, offset) : -1;
	int line = line_of(fs, offset);
	Suppression *file_level = NULL;
	for (size_t i = 0; i < fs->sups.n; i++) {
		Suppression *s = fs->sups.items[i];
		if (!names_rule(s, rule))
			continue;
		if (s->whole_file) {
			if (!file_level)
				file_level = s;
			continue;
		}
		bool hit = fs->scanned ? (st >= 0 && s->stmt == st)
		                       : (s->loc.line == line || s->loc.line + 1 == line);
		if (hit) {
			s->used = true;
			return s;
		}
	}
	if (file_level)
		file_level->used = true;
	return file_level;
}
