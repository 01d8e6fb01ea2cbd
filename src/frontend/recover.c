/*
 * recover.c - what can be known for certain from a schema statement
 * that PostgreSQL 15's parser rejects (often syntax of a newer
 * PostgreSQL). The statement stays a parse-error finding; from its
 * tokens we recover:
 *   - CREATE TABLE name ...: the table, so that later ALTER TABLE ...
 *     ADD CONSTRAINT ... FOREIGN KEY statements still apply, with the
 *     column names of its column list;
 *   - CREATE TABLE name [(cols)] AS SELECT ...: the column names of the
 *     column list, else of the target list (an alias, a column's last
 *     name, a function's name, as PostgreSQL names them);
 * and, where the failure looks like newer syntax, a hint that says so.
 * Types are not recovered (unknown in the model).
 */
#include "frontend/recover.h"
#include "frontend/classify.h"

#include "util/strbuf.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct Cur {
	const char *text;
	const Tok *t;
	size_t n, i;
} Cur;

static bool is_kw(const Cur *c, size_t i, const char *kw)
{
	if (i >= c->n)
		return false;
	size_t len = (size_t)(c->t[i].end - c->t[i].start);
	return len == strlen(kw) && strncasecmp(c->text + c->t[i].start, kw, len) == 0;
}

static bool is_ch(const Cur *c, size_t i, char ch)
{
	return i < c->n && c->t[i].end - c->t[i].start == 1 && c->text[c->t[i].start] == ch;
}

/* A token that can be a name: an identifier, a quoted one, or a keyword. */
static bool is_name(const Cur *c, size_t i)
{
	if (i >= c->n)
		return false;
	unsigned char ch = (unsigned char)c->text[c->t[i].start];
	return ch == '"' || ch == '_' || isalpha(ch) || ch >= 0x80;
}

/* The name a token stands for: quoted kept (quotes removed, "" -> "),
 * unquoted folded to lower case (ASCII, as PostgreSQL's downcase). */
static char *name_of(Arena *a, const Cur *c, size_t i)
{
	const char *s = c->text + c->t[i].start;
	size_t len = (size_t)(c->t[i].end - c->t[i].start);
	char *out = arena_alloc(a, len + 1), *o = out;
	if (s[0] == '"') {
		for (size_t k = 1; k + 1 < len; k++) {
			*o++ = s[k];
			if (s[k] == '"' && s[k + 1] == '"')
				k++;
		}
	} else {
		for (size_t k = 0; k < len; k++)
			*o++ = (char)((s[k] >= 'A' && s[k] <= 'Z') ? s[k] + 32 : s[k]);
	}
	*o = '\0';
	return out;
}

static size_t skip_parens(const Cur *c, size_t i)
{
	int depth = 0;
	for (; i < c->n; i++) {
		if (is_ch(c, i, '(') || is_ch(c, i, '['))
			depth++;
		else if (is_ch(c, i, ')') || is_ch(c, i, ']')) {
			if (--depth == 0)
				return i + 1;
		}
	}
	return i;
}

typedef PGC_VEC(const char *) NameVec;

/* Column names of "( item, item, ... )" starting at i ('('); returns past ')'. */
static size_t column_list(Arena *a, const Cur *c, size_t i, NameVec *out)
{
	static const char *const not_cols[] = {"constraint", "primary", "unique", "check", "foreign",
	                                       "exclude", "like", "period", NULL};
	size_t end = skip_parens(c, i);
	bool item_start = true;
	int depth = 0;
	for (size_t k = i + 1; k + 1 < end; k++) {
		if (is_ch(c, k, '(') || is_ch(c, k, '['))
			depth++;
		else if (is_ch(c, k, ')') || is_ch(c, k, ']'))
			depth--;
		else if (depth == 0 && is_ch(c, k, ',')) {
			item_start = true;
			continue;
		}
		if (item_start && depth == 0) {
			item_start = false;
			bool skip = !is_name(c, k);
			for (int w = 0; !skip && not_cols[w]; w++)
				if (is_kw(c, k, not_cols[w]))
					skip = true;
			/* a column with an inline REFERENCES: its foreign key is not
			 * certain, so neither is the column (it would otherwise look
			 * like an owner column without a foreign key) */
			int d2 = 0;
			for (size_t j = k; !skip && j + 1 < end; j++) {
				if (is_ch(c, j, '(') || is_ch(c, j, '['))
					d2++;
				else if (is_ch(c, j, ')') || is_ch(c, j, ']'))
					d2--;
				else if (d2 == 0 && is_ch(c, j, ','))
					break;
				if (is_kw(c, j, "references"))
					skip = true;
			}
			if (!skip)
				VEC_PUSH(a, *out, name_of(a, c, k));
		}
	}
	return end;
}

/* The name PostgreSQL gives one target-list item t[from, to). */
static const char *target_name(Arena *a, const Cur *c, size_t from, size_t to)
{
	if (to <= from)
		return NULL;
	if (to - from >= 2 && is_kw(c, to - 2, "as") && is_name(c, to - 1))
		return name_of(a, c, to - 1);
	if (is_ch(c, to - 1, '*'))
		return NULL; /* t.* / *: the source's columns, unknown here */
	/* expr::type: the expression's name, else the type's */
	int depth = 0;
	for (size_t k = from; k < to; k++) {
		if (is_ch(c, k, '(') || is_ch(c, k, '['))
			depth++;
		else if (is_ch(c, k, ')') || is_ch(c, k, ']'))
			depth--;
		else if (depth == 0 && c->t[k].token == PG_QUERY__TOKEN__TYPECAST && k > from) {
			const char *nm = target_name(a, c, from, k);
			if (nm && strcmp(nm, "?column?") != 0)
				return nm;
			size_t tn = k + 1;
			while (tn + 2 < to && is_ch(c, tn + 1, '.'))
				tn += 2;
			return tn < to && is_name(c, tn) ? name_of(a, c, tn) : "?column?";
		}
	}
	bool dotted = true; /* a.b.c: a column reference */
	for (size_t k = from; k < to; k++)
		if (!((k - from) % 2 == 0 ? is_name(c, k) : is_ch(c, k, '.')))
			dotted = false;
	if (dotted && (to - from) % 2 == 1)
		return name_of(a, c, to - 1);
	/* expr alias (no AS): the last token a name after a ')' or a name */
	if (to - from >= 2 && is_name(c, to - 1) && !is_ch(c, to - 2, '.') &&
	    (is_ch(c, to - 2, ')') || is_name(c, to - 2) || c->t[to - 2].token == PG_QUERY__TOKEN__SCONST ||
	     c->t[to - 2].token == PG_QUERY__TOKEN__ICONST || c->t[to - 2].token == PG_QUERY__TOKEN__FCONST))
		if (!is_kw(c, to - 1, "end"))
			return name_of(a, c, to - 1);
	/* f(...): the function's name */
	if (is_name(c, from)) {
		size_t k = from;
		while (k + 2 < to && is_ch(c, k + 1, '.') && is_name(c, k + 2))
			k += 2;
		if (is_ch(c, k + 1, '(') && skip_parens(c, k + 1) == to)
			return name_of(a, c, k);
	}
	if (is_kw(c, from, "case"))
		return "case";
	return "?column?";
}

/* Target-list names of the SELECT at i. */
static void target_list(Arena *a, const Cur *c, size_t i, NameVec *out)
{
	static const char *const stops[] = {"from", "into", "where", "group", "having", "window", "order",
	                                    "limit", "offset", "fetch", "union", "intersect", "except",
	                                    "with", NULL};
	i++; /* SELECT */
	if (is_kw(c, i, "all"))
		i++;
	else if (is_kw(c, i, "distinct")) {
		i++;
		if (is_kw(c, i, "on") && is_ch(c, i + 1, '('))
			i = skip_parens(c, i + 1);
	}
	size_t from = i;
	for (;;) {
		bool stop = i >= c->n || is_ch(c, i, ';');
		for (int w = 0; !stop && stops[w]; w++)
			if (is_kw(c, i, stops[w]))
				stop = true;
		if (stop || is_ch(c, i, ',')) {
			const char *nm = target_name(a, c, from, i);
			if (nm)
				VEC_PUSH(a, *out, nm);
			if (stop)
				return;
			from = ++i;
			continue;
		}
		if (is_ch(c, i, '(') || is_ch(c, i, '['))
			i = skip_parens(c, i);
		else
			i++;
	}
}

/*
 * Looks like syntax of a newer PostgreSQL? Returns a hint, or NULL.
 * (PostgreSQL release notes: 16 "E.10.3.3 Queries": subqueries in FROM
 * without an alias, non-decimal and underscored integer literals, SQL/JSON
 * constructors and IS JSON, SYSTEM_USER; 17: JSON_TABLE, MERGE ...
 * RETURNING / merge_action(), ALTER COLUMN ... SET EXPRESSION; 18:
 * virtual generated columns, NOT ENFORCED, WITHOUT OVERLAPS / PERIOD.)
 */
static const char *newer_hint(const Cur *c, const char *msg)
{
	if (strstr(msg, "subquery in FROM must have an alias"))
		return "this looks like PostgreSQL 16 syntax (a subquery in FROM without an alias); pgcascade parses with PostgreSQL 15's parser";
	if (strstr(msg, "trailing junk after numeric literal"))
		return "this looks like PostgreSQL 16 syntax (a hexadecimal, octal, binary or underscored number); pgcascade parses with PostgreSQL 15's parser";
	static const struct {
		const char *word, *version;
	} words[] = {
		{"json_object", "16"}, {"json_array", "16"}, {"json_arrayagg", "16"}, {"json_objectagg", "16"},
		{"system_user", "16"}, {"json_table", "17"}, {"json_exists", "17"}, {"json_query", "17"},
		{"json_value", "17"}, {"json_scalar", "17"}, {"json_serialize", "17"}, {"merge_action", "17"},
		{"virtual", "18"}, {"enforced", "18"}, {"overlaps", "18"}, {"period", "18"},
	};
	const char *near = strstr(msg, "at or near \"");
	for (size_t w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
		bool hit = false;
		if (near && strncasecmp(near + 12, words[w].word, strlen(words[w].word)) == 0 &&
		    near[12 + strlen(words[w].word)] == '"')
			hit = true;
		for (size_t k = 0; !hit && k < c->n; k++)
			if (is_kw(c, k, words[w].word) && (k + 1 < c->n && is_ch(c, k + 1, '(')) &&
			    strcmp(words[w].version, "18") != 0)
				hit = true;
		if (hit) {
			static char buf[160];
			snprintf(buf, sizeof buf,
			         "this looks like PostgreSQL %s syntax (%s); pgcascade parses with PostgreSQL 15's parser",
			         words[w].version, words[w].word);
			return buf;
		}
	}
	if (near && (strncasecmp(near + 12, "json\"", 5) == 0 || strncasecmp(near + 12, "not\"", 4) == 0))
		for (size_t k = 0; k + 1 < c->n; k++)
			if (is_kw(c, k, "is") && (is_kw(c, k + 1, "json") || (is_kw(c, k + 1, "not") && is_kw(c, k + 2, "json"))))
				return "this looks like PostgreSQL 16 syntax (IS JSON); pgcascade parses with PostgreSQL 15's parser";
	for (size_t k = 0; k + 2 < c->n; k++)
		if (is_kw(c, k, "set") && is_kw(c, k + 1, "expression"))
			return "this looks like PostgreSQL 17 syntax (ALTER COLUMN ... SET EXPRESSION); pgcascade parses with PostgreSQL 15's parser";
	return NULL;
}

Recovered recover_statement(Arena *a, Replay *r, int first, int end, const char *msg)
{
	Recovered out = {"; the statement is skipped", NULL};
	const char *text = replay_source_text(r);
	if (!text || end <= first)
		return out;
	TokVec toks = {0};
	Err e = {0};
	int eoff = 0;
	char *q = arena_alloc(a, (size_t)(end - first) + 1);
	memcpy(q, text + first, (size_t)(end - first));
	q[end - first] = '\0';
	if (classify_scan(q, 0, &toks, &eoff, &e) < 0) {
		/* the scanner stops at a token it cannot read: use the ones before */
		toks.n = 0;
		q[eoff] = '\0';
		if (classify_scan(q, 0, &toks, &eoff, &e) < 0) {
			free(toks.items);
			return out;
		}
	}
	Cur c = {q, toks.items, toks.n, 0};
	out.hint = newer_hint(&c, msg);
	size_t i = 0;
	if (!is_kw(&c, i++, "create"))
		goto done;
	if (is_kw(&c, i, "global") || is_kw(&c, i, "local"))
		i++;
	if (is_kw(&c, i, "temp") || is_kw(&c, i, "temporary"))
		goto done; /* a temporary table is not part of the schema */
	if (is_kw(&c, i, "unlogged"))
		i++;
	if (!is_kw(&c, i++, "table"))
		goto done;
	if (is_kw(&c, i, "if") && is_kw(&c, i + 1, "not") && is_kw(&c, i + 2, "exists"))
		i += 3;
	if (!is_name(&c, i))
		goto done;
	const char *schema = NULL, *name = name_of(a, &c, i++);
	while (is_ch(&c, i, '.') && is_name(&c, i + 1)) {
		schema = name;
		name = name_of(a, &c, i + 1);
		i += 2;
	}
	NameVec cols = {0};
	if (is_ch(&c, i, '('))
		i = column_list(a, &c, i, &cols);
	/* CREATE TABLE ... AS SELECT: the target list names what the list did not */
	for (size_t k = i; k < c.n; k++) {
		if (is_ch(&c, k, '('))
			k = skip_parens(&c, k) - 1;
		else if (is_kw(&c, k, "as")) {
			size_t s = k + 1;
			while (is_ch(&c, s, '('))
				s++;
			if (is_kw(&c, s, "select")) {
				NameVec tl = {0};
				target_list(a, &c, s, &tl);
				for (size_t j = cols.n; j < tl.n; j++)
					VEC_PUSH(a, cols, tl.items[j]);
			}
			break;
		}
	}
	const char *put = replay_recovered_table(r, schema, name, cols.items, cols.n, first, end);
	if (put) {
		StrBuf sb = STRBUF_INIT;
		sb_addf(&sb, "; the statement is skipped, but its table %s.%s is known from its tokens", put, name);
		if (cols.n) {
			sb_adds(&sb, " (columns ");
			for (size_t j = 0; j < cols.n; j++)
				sb_addf(&sb, "%s%s", j ? ", " : "", cols.items[j]);
			sb_adds(&sb, "; types unknown)");
		}
		out.what = arena_strdup(a, sb.buf);
		sb_release(&sb);
	}
done:
	if (out.hint) {
		out.hint = arena_strdup(a, out.hint);
		out.what = arena_printf(a, "%s; %s", out.what, out.hint);
	}
	free(toks.items);
	return out;
}

int recover_resume(const char *text, int len, int errpos, const char *msg)
{
	/* only a token PostgreSQL 16 reads and 15 does not (0x1F, 0o17,
	 * 0b101, 1_000): after an unterminated quote or comment the next
	 * ';' may be inside it */
	if (!msg || !strstr(msg, "trailing junk after numeric literal"))
		return -1;
	if (errpos < 0 || errpos >= len)
		return -1;
	const char *semi = memchr(text + errpos, ';', (size_t)(len - errpos));
	return semi ? (int)(semi - text) + 1 : -1;
}
