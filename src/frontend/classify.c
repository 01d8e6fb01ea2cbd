/*
 * classify.c - which statements can change the schema, from scanner
 * tokens alone; see classify.h.
 */
#include "frontend/classify.h"
#include "util/xalloc.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int classify_scan(const char *text, int base, TokVec *out, int *err_offset, Err *err)
{
	PgQueryScanResult r = pg_query_scan(text);
	int ret = -1;
	PgQuery__ScanResult *sr = NULL;
	if (r.error) {
		if (err_offset)
			*err_offset = r.error->cursorpos > 0 ? r.error->cursorpos - 1 : 0;
		err_set(err, 0, "%s", r.error->message);
		goto out;
	}
	sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
	if (!sr) {
		if (err_offset)
			*err_offset = 0;
		err_set(err, 0, "cannot read the scanner's output");
		goto out;
	}
	for (size_t i = 0; i < sr->n_tokens; i++) {
		const PgQuery__ScanToken *t = sr->tokens[i];
		if (t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT)
			continue;
		if (out->n == out->cap) {
			size_t nc = out->cap ? 2 * out->cap : 1024;
			out->items = xrealloc(out->items, nc * sizeof(Tok));
			out->cap = nc;
		}
		out->items[out->n++] = (Tok){t->start + base, t->end + base, t->token};
	}
	ret = 0;
out:
	if (sr)
		pg_query__scan_result__free_unpacked(sr, NULL);
	pg_query_free_scan_result(r);
	return ret;
}

static bool is_kw(const Tok *toks, int n, int i, int token)
{
	return i < n && toks[i].token == token;
}

static bool tok_text_is(const char *text, const Tok *t, const char *word)
{
	size_t len = (size_t)(t->end - t->start);
	return strlen(word) == len && strncasecmp(text + t->start, word, len) == 0;
}

/*
 * Looks for an EXECUTE keyword inside a function body (a string
 * constant). Returns its offset in text, or -1. Dollar-quoted bodies
 * give exact offsets; a single-quoted body ('' doubled) gives the
 * offset of the string.
 */
static int body_execute(Arena *a, const char *text, const Tok *body)
{
	const char *s = text + body->start;
	int len = body->end - body->start;
	int inner = 0, inner_len = 0;
	if (len >= 2 && s[0] == '$') {
		const char *close = memchr(s + 1, '$', (size_t)len - 1);
		if (!close)
			return -1;
		int taglen = (int)(close - s) + 1;
		if (len < 2 * taglen)
			return -1;
		inner = taglen;
		inner_len = len - 2 * taglen;
	} else if (len >= 2 && s[0] == '\'') {
		inner = 1;
		inner_len = len - 2;
	} else {
		return -1;
	}
	char *buf = arena_strndup(a, s + inner, (size_t)inner_len);
	if (s[0] == '\'') {
		/* Undouble quotes; offsets inside become approximate. */
		char *w = buf;
		for (char *r = buf; *r; r++) {
			*w++ = *r;
			if (r[0] == '\'' && r[1] == '\'')
				r++;
		}
		*w = '\0';
	}
	PgQueryScanResult r = pg_query_scan(buf);
	int found = -1;
	if (!r.error) {
		PgQuery__ScanResult *sr = pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
		for (size_t i = 0; sr && i < sr->n_tokens; i++) {
			if (sr->tokens[i]->token == PG_QUERY__TOKEN__EXECUTE) {
				found = s[0] == '$' ? body->start + inner + sr->tokens[i]->start : body->start;
				break;
			}
		}
		if (sr)
			pg_query__scan_result__free_unpacked(sr, NULL);
	}
	pg_query_free_scan_result(r);
	return found;
}

bool classify_needs_all(const Tok *t, int n)
{
	int i = 1;
	if (n == 0 || t[0].token != PG_QUERY__TOKEN__CREATE)
		return false;
	if (is_kw(t, n, i, PG_QUERY__TOKEN__OR) && is_kw(t, n, i + 1, PG_QUERY__TOKEN__REPLACE))
		i += 2;
	return is_kw(t, n, i, PG_QUERY__TOKEN__FUNCTION) || is_kw(t, n, i, PG_QUERY__TOKEN__PROCEDURE);
}

Classified classify_stmt(Arena *a, const char *text, const Tok *t, int n)
{
	Classified c = {STMT_EMPTY, 0, 0, NULL};
	if (n == 0)
		return c;
	c.first = t[0].start;
	c.cls = STMT_SKIP;
	int i = 1;
	switch (t[0].token) {
	case PG_QUERY__TOKEN__CREATE:
		if (is_kw(t, n, i, PG_QUERY__TOKEN__OR) && is_kw(t, n, i + 1, PG_QUERY__TOKEN__REPLACE))
			i += 2;
		if (is_kw(t, n, i, PG_QUERY__TOKEN__GLOBAL) || is_kw(t, n, i, PG_QUERY__TOKEN__LOCAL))
			i++;
		if (is_kw(t, n, i, PG_QUERY__TOKEN__TEMP) || is_kw(t, n, i, PG_QUERY__TOKEN__TEMPORARY) ||
		    is_kw(t, n, i, PG_QUERY__TOKEN__UNLOGGED))
			i++;
		if (is_kw(t, n, i, PG_QUERY__TOKEN__UNIQUE))
			i++;
		if (i < n) {
			switch (t[i].token) {
			case PG_QUERY__TOKEN__TABLE:
			case PG_QUERY__TOKEN__INDEX:
			case PG_QUERY__TOKEN__SCHEMA:
			case PG_QUERY__TOKEN__TYPE_P:
			case PG_QUERY__TOKEN__DOMAIN_P:
				c.cls = STMT_SCHEMA;
				break;
			case PG_QUERY__TOKEN__FUNCTION:
			case PG_QUERY__TOKEN__PROCEDURE:
				for (int k = i + 1; k < n; k++) {
					if (t[k].token != PG_QUERY__TOKEN__SCONST)
						continue;
					int off = body_execute(a, text, &t[k]);
					if (off >= 0) {
						c.cls = STMT_DYNAMIC;
						c.dyn_offset = off;
						c.what = "EXECUTE in a function body";
						break;
					}
				}
				break;
			default:
				break;
			}
		}
		break;
	case PG_QUERY__TOKEN__ALTER:
		if (is_kw(t, n, i, PG_QUERY__TOKEN__TABLE) || is_kw(t, n, i, PG_QUERY__TOKEN__INDEX) ||
		    is_kw(t, n, i, PG_QUERY__TOKEN__SCHEMA) || is_kw(t, n, i, PG_QUERY__TOKEN__TYPE_P) ||
		    is_kw(t, n, i, PG_QUERY__TOKEN__DOMAIN_P))
			c.cls = STMT_SCHEMA;
		break;
	case PG_QUERY__TOKEN__DROP:
		if (is_kw(t, n, i, PG_QUERY__TOKEN__TABLE) || is_kw(t, n, i, PG_QUERY__TOKEN__INDEX) ||
		    is_kw(t, n, i, PG_QUERY__TOKEN__SCHEMA) || is_kw(t, n, i, PG_QUERY__TOKEN__TYPE_P) ||
		    is_kw(t, n, i, PG_QUERY__TOKEN__DOMAIN_P))
			c.cls = STMT_SCHEMA;
		break;
	case PG_QUERY__TOKEN__SET:
		if (is_kw(t, n, i, PG_QUERY__TOKEN__SESSION) || is_kw(t, n, i, PG_QUERY__TOKEN__LOCAL))
			i++;
		if (is_kw(t, n, i, PG_QUERY__TOKEN__SCHEMA) ||
		    (i < n && t[i].token == PG_QUERY__TOKEN__IDENT && tok_text_is(text, &t[i], "search_path")))
			c.cls = STMT_SCHEMA;
		break;
	case PG_QUERY__TOKEN__RESET:
		if (is_kw(t, n, i, PG_QUERY__TOKEN__ALL) ||
		    (i < n && t[i].token == PG_QUERY__TOKEN__IDENT && tok_text_is(text, &t[i], "search_path")))
			c.cls = STMT_SCHEMA;
		break;
	case PG_QUERY__TOKEN__DO:
		c.cls = STMT_DYNAMIC;
		c.dyn_offset = t[0].start;
		c.what = "DO block";
		break;
	default:
		break;
	}
	return c;
}

static bool is_operator(int token)
{
	switch (token) {
	case '+': case '-': case '*': case '/': case '%': case '^':
	case '<': case '>': case '=':
	case PG_QUERY__TOKEN__Op:
	case PG_QUERY__TOKEN__TYPECAST:
	case PG_QUERY__TOKEN__LESS_EQUALS:
	case PG_QUERY__TOKEN__GREATER_EQUALS:
	case PG_QUERY__TOKEN__NOT_EQUALS:
	/* Keyword operators nest too: a chain of NOT, IS NULL, COLLATE,
	 * AT TIME ZONE, IN (...) or OPERATOR(...) is as deep as a + chain. */
	case PG_QUERY__TOKEN__NOT:
	case PG_QUERY__TOKEN__IS:
	case PG_QUERY__TOKEN__ISNULL:
	case PG_QUERY__TOKEN__NOTNULL:
	case PG_QUERY__TOKEN__COLLATE:
	case PG_QUERY__TOKEN__AT:
	case PG_QUERY__TOKEN__IN_P:
	case PG_QUERY__TOKEN__OPERATOR:
		return true;
	default:
		return false;
	}
}

int classify_nesting(const Tok *t, int n)
{
	enum { LEVELS = 64 };
	int run[LEVELS] = {0}; /* operators since the last separator, per depth */
	int depth = 0, sum = 0, max = 0;
	for (int i = 0; i < n; i++) {
		int tk = t[i].token;
		if (tk == '(' || tk == '[') {
			depth++;
			if (depth < LEVELS)
				run[depth] = 0;
		} else if (tk == ')' || tk == ']') {
			if (depth > 0) {
				if (depth < LEVELS)
					sum -= run[depth];
				depth--;
			}
		} else if (tk == ',' || tk == PG_QUERY__TOKEN__AND || tk == PG_QUERY__TOKEN__OR) {
			/* separators: AND/OR chains are flat lists in the tree */
			if (depth < LEVELS) {
				sum -= run[depth];
				run[depth] = 0;
			}
		} else if (is_operator(tk)) {
			if (depth < LEVELS)
				run[depth]++;
			sum++;
		}
		if (sum + depth > max)
			max = sum + depth;
	}
	return max;
}
