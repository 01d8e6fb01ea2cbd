/*
 * psql.c - psql input: meta-commands and COPY ... FROM stdin data, which
 * are not SQL, found with PostgreSQL's lexical rules (quotes, dollar
 * quotes, nested comments) and blanked without moving any offset. One
 * scanner serves the front end (which blanks the COPY data too) and
 * verify (which sends each COPY with its data apart); see psql.h.
 */
#include "frontend/psql.h"

#include <string.h>
#include <strings.h>

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

static void blank_range(char *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (t[i] != '\n')
			t[i] = ' ';
}

bool psql_blank(Arena *a, char *t, size_t len, PsqlCopies *copies, bool blank_copy_data)
{
	enum { NORMAL, SQUOTE, ESTRING, DQUOTE, DOLLAR, LINE, BLOCK } st = NORMAL;
	bool changed = false, stmt_start = true, is_copy = false, copy_stdin = false;
	bool prev_from = false;
	size_t stmt_begin = 0;
	int depth = 0;
	const char *tag = NULL;
	size_t taglen = 0;
	for (size_t i = 0; i < len; i++) {
		char c = t[i], n = i + 1 < len ? t[i + 1] : '\0';
		switch (st) {
		case NORMAL:
			if (c == '-' && n == '-') {
				st = LINE;
				i++;
			} else if (c == '/' && n == '*') {
				st = BLOCK;
				depth = 1;
				i++;
			} else if (c == '\'') {
				st = i > 0 && (t[i - 1] == 'E' || t[i - 1] == 'e') &&
				     (i < 2 || !ident_char(t[i - 2])) ? ESTRING : SQUOTE;
			} else if (c == '"') {
				st = DQUOTE;
			} else if (c == '$' && (i == 0 || !ident_char(t[i - 1]))) {
				size_t k = i + 1;
				while (k < len && ident_char(t[k]) && t[k] != '$' && !(k == i + 1 && t[k] >= '0' && t[k] <= '9'))
					k++;
				if (k < len && t[k] == '$') {
					st = DOLLAR;
					tag = t + i;
					taglen = k - i + 1;
					i = k;
				}
			} else if (c == '\\') {
				size_t e = i;
				while (e < len && t[e] != '\n')
					e++;
				blank_range(t, i, e);
				changed = true;
				i = e - 1;
			} else if (c == ';') {
				if (is_copy && copy_stdin) {
					/* data from the next line up to and including "\." */
					size_t k = i + 1;
					while (k < len && t[k] != '\n')
						k++;
					size_t data = k < len ? k + 1 : len, e = data, dend = len;
					while (e < len) {
						size_t le = e;
						while (le < len && t[le] != '\n')
							le++;
						bool end = le - e >= 2 && t[e] == '\\' && t[e + 1] == '.' &&
						           (le - e == 2 || (le - e == 3 && t[e + 2] == '\r'));
						if (end)
							dend = e;
						e = le < len ? le + 1 : len;
						if (end)
							break;
					}
					if (copies) {
						PsqlCopy cb = {stmt_begin, i + 1, data, dend < e ? dend : e, e};
						VEC_PUSH(a, *copies, cb);
					}
					if (blank_copy_data)
						blank_range(t, data, e);
					changed = true;
					i = e - 1;
				}
				stmt_start = true;
				is_copy = copy_stdin = prev_from = false;
			} else if (ident_char(c) && (i == 0 || !ident_char(t[i - 1]))) {
				size_t e = i;
				while (e < len && ident_char(t[e]))
					e++;
				size_t wl = e - i;
				if (stmt_start) {
					is_copy = wl == 4 && strncasecmp(t + i, "copy", 4) == 0;
					stmt_begin = i;
				} else if (is_copy && prev_from && wl == 5 && strncasecmp(t + i, "stdin", 5) == 0)
					copy_stdin = true;
				prev_from = wl == 4 && strncasecmp(t + i, "from", 4) == 0;
				stmt_start = false;
				i = e - 1;
			} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
				stmt_start = false;
				prev_from = false;
			}
			break;
		case SQUOTE:
		case DQUOTE: {
			char q = st == SQUOTE ? '\'' : '"';
			if (c == q) {
				if (n == q)
					i++;
				else
					st = NORMAL;
			}
			break;
		}
		case ESTRING:
			if (c == '\\')
				i++;
			else if (c == '\'') {
				if (n == '\'')
					i++;
				else
					st = NORMAL;
			}
			break;
		case DOLLAR:
			if (c == '$' && i + taglen <= len && memcmp(t + i, tag, taglen) == 0) {
				i += taglen - 1;
				st = NORMAL;
			}
			break;
		case LINE:
			if (c == '\n')
				st = NORMAL;
			break;
		case BLOCK:
			if (c == '/' && n == '*') {
				depth++;
				i++;
			} else if (c == '*' && n == '/') {
				i++;
				if (--depth == 0)
					st = NORMAL;
			}
			break;
		}
	}
	return changed;
}
