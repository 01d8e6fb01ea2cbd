/*
 * crdb.c - the CockroachDB dialect: a length-preserving rewrite that
 * lets PostgreSQL 15's parser (libpg_query) read CockroachDB DDL.
 *
 * Design: the text is never searched with patterns. libpg_query's own
 * scanner cuts it into tokens (so strings, quoted names and comments are
 * never touched), statement by statement, and a few token rules replace
 * a CockroachDB-only word by a PostgreSQL word of the same length
 * (STRING -> "TEXT  ", BYTES -> BYTEA) or overwrite a clause with spaces.
 * Newlines are never overwritten, so every byte offset, line and column
 * in the result is the one in the user's file. What is blanked but
 * matters to the model (inline indexes, IF NOT EXISTS on ADD
 * CONSTRAINT) is returned beside the text. doc/cockroach.md lists every
 * rule with the CockroachDB documentation it follows:
 *
 *   STRING, STRING(n), STRING[]  https://cockroachlabs.com/docs/v20.2/string
 *                                (TEXT is an alias; STRING(n) limits the length)
 *   BYTES                        https://cockroachlabs.com/docs/stable/bytes
 *                                (BYTEA and BLOB are aliases)
 *   INDEX / UNIQUE INDEX / INVERTED INDEX / FAMILY inside CREATE TABLE,
 *   column FAMILY f / CREATE [IF NOT EXISTS] FAMILY f, PRIMARY KEY USING HASH
 *                                https://cockroachlabs.com/docs/v20.1/create-table
 *                                (index_def, family_def, col_qualification)
 *   FAMILY                       https://www.cockroachlabs.com/docs/column-families
 *   STORING / COVERING, CREATE [UNIQUE] INVERTED INDEX, USING HASH in CREATE INDEX
 *                                https://cockroachlabs.com/docs/v20.1/create-index
 *                                https://cockroachlabs.com/docs/v20.1/inverted-indexes
 *   USING HASH [WITH BUCKET_COUNT = n | WITH (bucket_count = n)]
 *                                https://cockroachlabs.com/docs/stable/hash-sharded-indexes.html
 *   ADD CONSTRAINT IF NOT EXISTS, NOT VISIBLE
 *                                https://cockroachlabs.com/docs/v25.2/alter-table
 *                                (alter_table_cmd: ADD CONSTRAINT IF NOT EXISTS name,
 *                                 ALTER COLUMN ... VISIBLE | NOT VISIBLE)
 *   expr:::TYPE (type annotation) https://cockroachlabs.com/docs/stable/scalar-expressions
 *   DROP INDEX / ALTER INDEX table@index
 *                                https://cockroachlabs.com/docs/v21.1/drop-index
 *   PRIMARY KEY (a ASC), current_timestamp(): what SHOW CREATE TABLE prints
 *                                https://cockroachlabs.com/docs/stable/show-create
 */
#include "frontend/crdb.h"
#include "frontend/crdb_scan.h"
#include "exitcodes.h"
#include "util/quote.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define T_IDENT PG_QUERY__TOKEN__IDENT
#define T_LP PG_QUERY__TOKEN__ASCII_40
#define T_RP PG_QUERY__TOKEN__ASCII_41
#define T_COMMA PG_QUERY__TOKEN__ASCII_44
#define T_DOT PG_QUERY__TOKEN__ASCII_46
#define T_COLON PG_QUERY__TOKEN__ASCII_58
#define T_SEMI PG_QUERY__TOKEN__ASCII_59
#define T_EQ PG_QUERY__TOKEN__ASCII_61
#define T_OP PG_QUERY__TOKEN__Op
#define T_ICONST PG_QUERY__TOKEN__ICONST
#define T_TYPECAST PG_QUERY__TOKEN__TYPECAST

size_t crdb_chunk_size = 1 << 20;

/* ---------------------------------------------------------------- */
/* Chunked scanning                                                  */
/* ---------------------------------------------------------------- */

typedef CrdbTokVec TokVec;

/* scan_range (scan.c) with the scanner's rejection as an absolute offset. */
static int scan_at(ScanMem *mem, const char *text, size_t from, size_t to, size_t len, TokVec *v,
                   size_t *errpos)
{
	int cursor = 0;
	const char *msg;
	int r = scan_range(mem, NULL, text, from, to, len, v, &cursor, &msg);
	if (r == 1)
		*errpos = from + (size_t)(cursor > 0 ? cursor - 1 : 0);
	return r;
}

/* Calls fn for each ';'-separated statement in t[0, n). */
static int each_in(const char *text, const CrdbTok *t, size_t n, crdb_stmt_fn fn, void *ctx)
{
	size_t s = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || t[i].tok == T_SEMI) {
			if (i > s) {
				int r = fn(ctx, text, t + s, (int)(i - s), i < n ? t[i].end : -1);
				if (r)
					return r;
			}
			s = i + 1;
		}
	}
	return 0;
}

int crdb_each_statement(const char *text, size_t len, crdb_stmt_fn fn, void *ctx)
{
	TokVec v = {0};
	ScanMem mem = {0};
	size_t pos = 0, chunk = crdb_chunk_size ? crdb_chunk_size : 1;
	int ret = 0;
	while (pos < len && ret == 0) {
		size_t end = len - pos > chunk ? pos + chunk : len;
		size_t errpos = 0;
		int r = scan_at(&mem, text, pos, end, len, &v, &errpos);
		if (r < 0) {
			ret = -1;
			break;
		}
		if (r == 1) {
			/* Keep what lies before the rejected place. */
			if (errpos <= pos || scan_at(&mem, text, pos, errpos, len, &v, &errpos) != 0)
				v.n = 0;
			if (end == len) {
				/* Genuine: the rest is left for the parser to report. */
				ret = each_in(text, v.items, v.n, fn, ctx);
				break;
			}
		} else if (end == len) {
			ret = each_in(text, v.items, v.n, fn, ctx);
			break;
		}
		/* Cut after the last ';': the chunk boundary may split a token. */
		size_t k = v.n;
		while (k > 0 && v.items[k - 1].tok != T_SEMI)
			k--;
		if (k == 0) {
			chunk *= 2; /* one statement longer than the chunk */
			continue;
		}
		ret = each_in(text, v.items, k, fn, ctx);
		pos = (size_t)v.items[k - 1].end;
	}
	free(v.items);
	scan_mem_free(&mem);
	return ret;
}

/* ---------------------------------------------------------------- */
/* Token helpers                                                     */
/* ---------------------------------------------------------------- */

bool crdb_tok_is(const char *text, const CrdbTok *t, const char *w)
{
	size_t n = (size_t)(t->end - t->start);
	if (strlen(w) != n || text[t->start] == '"')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = text[t->start + (int)i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != w[i])
			return false;
	}
	return true;
}

typedef struct Rw {
	Arena *a;
	const Source *src;
	char *out;
	CrdbRewrite *res;
	CrdbInsertVec *ins;  /* NULL unless translating for PostgreSQL */
	int stmt_end;        /* where inserts go: past the ';' (or -1) */
	int stmt_last;       /* end of the statement's last token */
	int tbl_from, tbl_to; /* CREATE TABLE: the table name's bytes */
	int tbl_tok;          /* and the token of its last part */
} Rw;

#define IS(i, w) ((i) < n && crdb_tok_is(rw->src->text, &t[i], (w)))
#define TOK(i, k) ((i) < n && t[i].tok == (k))

/* A name in PostgreSQL's ColId sense: identifier or non-reserved keyword. */
static bool is_name(const CrdbTok *t)
{
	return t->tok == T_IDENT || t->kw == PG_QUERY__KEYWORD_KIND__UNRESERVED_KEYWORD ||
	       t->kw == PG_QUERY__KEYWORD_KIND__COL_NAME_KEYWORD;
}

/* Overwrites [from, to) with spaces, keeping line breaks. */
static void blank(Rw *rw, int from, int to)
{
	for (int i = from; i < to; i++)
		if (rw->out[i] != '\n' && rw->out[i] != '\r')
			rw->out[i] = ' ';
}

static void note(Rw *rw, const char *what, int off)
{
	if (!rw->res->first_syntax || off < rw->res->first_offset) {
		rw->res->first_syntax = what;
		rw->res->first_offset = off;
	}
}

/* Index of the ')' matching the '(' at i, or n when unbalanced. */
static int match_paren(const CrdbTok *t, int n, int i)
{
	int depth = 0;
	for (int j = i; j < n; j++) {
		if (t[j].tok == T_LP)
			depth++;
		else if (t[j].tok == T_RP && --depth == 0)
			return j;
	}
	return n;
}

/* Identifier as PostgreSQL stores it: unquoted folded to lower case,
 * quoted with "" undoubled, truncated to 63 bytes on a character edge. */
static const char *norm_ident(Arena *a, const char *text, const CrdbTok *t)
{
	const char *s = text + t->start;
	size_t n = (size_t)(t->end - t->start);
	char *o = arena_alloc(a, n + 1);
	size_t k = 0;
	if (n >= 2 && s[0] == '"') {
		for (size_t i = 1; i + 1 < n; i++) {
			o[k++] = s[i];
			if (s[i] == '"' && s[i + 1] == '"')
				i++;
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			o[k++] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
		}
	}
	if (k > PGC_NAMEDATALEN - 1) {
		k = PGC_NAMEDATALEN - 1;
		while (k > 0 && ((unsigned char)o[k] & 0xC0) == 0x80)
			k--; /* o[k] would start the cut character's tail */
	}
	o[k] = '\0';
	return o;
}

/* ---------------------------------------------------------------- */
/* Rules                                                             */
/* ---------------------------------------------------------------- */

/* The type at t[i]: STRING -> TEXT, STRING(n) -> TEXT, BYTES -> BYTEA. */
static void rewrite_type(Rw *rw, const CrdbTok *t, int n, int i)
{
	if (i >= n)
		return;
	const char *w = rw->src->text + t[i].start;
	bool lower = w[0] >= 'a' && w[0] <= 'z';
	if (IS(i, "string")) {
		memcpy(rw->out + t[i].start, lower ? "text  " : "TEXT  ", 6);
		note(rw, "STRING type", t[i].start);
		if (TOK(i + 1, T_LP) && TOK(i + 2, T_ICONST) && TOK(i + 3, T_RP))
			blank(rw, t[i + 1].start, t[i + 3].end);
	} else if (IS(i, "bytes")) {
		memcpy(rw->out + t[i].start, lower ? "bytea" : "BYTEA", 5);
		note(rw, "BYTES type", t[i].start);
	}
}

/*
 * Index options PostgreSQL has no word for, in t[s, e):
 * USING HASH [WITH BUCKET_COUNT = n | WITH (bucket_count = n)],
 * STORING (...) / COVERING (...), NOT VISIBLE.
 */
static void index_options(Rw *rw, const CrdbTok *t, int n, int s, int e)
{
	for (int i = s; i < e; i++) {
		if (t[i].tok == PG_QUERY__TOKEN__USING && IS(i + 1, "hash") && i > s &&
		    (t[i - 1].tok == T_RP || t[i - 1].tok == PG_QUERY__TOKEN__KEY)) {
			int j = i + 2;
			if (TOK(j, PG_QUERY__TOKEN__WITH) && IS(j + 1, "bucket_count") && TOK(j + 2, T_EQ) && j + 3 < e)
				j += 4;
			else if (TOK(j, PG_QUERY__TOKEN__WITH) && TOK(j + 1, T_LP) && IS(j + 2, "bucket_count"))
				j = match_paren(t, n, j + 1) + 1;
			if (j > e)
				j = e;
			blank(rw, t[i].start, t[j - 1].end);
			note(rw, "USING HASH (hash-sharded index)", t[i].start);
			i = j - 1;
		} else if ((IS(i, "storing") || IS(i, "covering")) && TOK(i + 1, T_LP)) {
			int j = match_paren(t, n, i + 1);
			if (j >= n)
				j = n - 1;
			blank(rw, t[i].start, t[j].end);
			note(rw, IS(i, "storing") ? "STORING clause" : "COVERING clause", t[i].start);
			i = j;
		} else if (t[i].tok == PG_QUERY__TOKEN__NOT && IS(i + 1, "visible")) {
			blank(rw, t[i].start, t[i + 1].end);
			note(rw, "NOT VISIBLE", t[i].start);
			i++;
		}
	}
}

/* PRIMARY KEY (a ASC) / UNIQUE (a DESC): PostgreSQL takes bare names. */
static void key_list_order(Rw *rw, const CrdbTok *t, int n, int s, int e)
{
	for (int i = s; i < e; i++) {
		bool pk = t[i].tok == PG_QUERY__TOKEN__KEY && i > s && t[i - 1].tok == PG_QUERY__TOKEN__PRIMARY;
		bool uq = t[i].tok == PG_QUERY__TOKEN__UNIQUE;
		if (!(pk || uq) || !TOK(i + 1, T_LP))
			continue;
		int q = match_paren(t, n, i + 1);
		for (int j = i + 2; j < q && j < e; j++) {
			if (t[j].tok == PG_QUERY__TOKEN__ASC || t[j].tok == PG_QUERY__TOKEN__DESC) {
				blank(rw, t[j].start, t[j].end);
				note(rw, "ASC/DESC in a key column list", t[j].start);
			}
		}
		i = q;
	}
}

/* Column qualifications: FAMILY f, CREATE [IF NOT EXISTS] FAMILY [f]. */
static void column_quals(Rw *rw, const CrdbTok *t, int n, int s, int e)
{
	for (int i = s; i < e; i++) {
		int j = i;
		if (t[i].tok == PG_QUERY__TOKEN__CREATE) {
			j = i + 1;
			if (TOK(j, PG_QUERY__TOKEN__IF_P) && TOK(j + 1, PG_QUERY__TOKEN__NOT) && TOK(j + 2, PG_QUERY__TOKEN__EXISTS))
				j += 3;
			if (!TOK(j, PG_QUERY__TOKEN__FAMILY))
				continue;
		} else if (t[i].tok != PG_QUERY__TOKEN__FAMILY) {
			continue;
		}
		int last = j;
		if (j + 1 < e && is_name(&t[j + 1]))
			last = j + 1;
		blank(rw, t[i].start, t[last].end);
		note(rw, "FAMILY clause", t[i].start);
		i = last;
	}
	index_options(rw, t, n, s, e);
	key_list_order(rw, t, n, s, e);
}

/* Is t[s, e) an INDEX/UNIQUE INDEX/INVERTED INDEX table element? */
static int inline_index_kw(Rw *rw, const CrdbTok *t, int n, int s, bool *unique, bool *inverted)
{
	int i = s;
	*unique = *inverted = false;
	if (TOK(i, PG_QUERY__TOKEN__UNIQUE)) {
		*unique = true;
		i++;
	}
	if (IS(i, "inverted")) {
		*inverted = true;
		i++;
	}
	if (!TOK(i, PG_QUERY__TOKEN__INDEX))
		return -1;
	/* "index varchar(10)" is a column named index */
	int j = i + 1;
	if (j < n && t[j].tok != T_LP && t[j].tok != PG_QUERY__TOKEN__USING)
		j++;
	if (TOK(j, PG_QUERY__TOKEN__USING))
		j += 2;
	if (!TOK(j, T_LP) || TOK(j + 1, T_ICONST))
		return -1;
	return i;
}

static bool is_family_def(const CrdbTok *t, int n, int s)
{
	if (!TOK(s, PG_QUERY__TOKEN__FAMILY))
		return false;
	if (TOK(s + 1, T_LP))
		return true;
	return s + 3 < n && is_name(&t[s + 1]) && t[s + 2].tok == T_LP && is_name(&t[s + 3]);
}

/* Records the inline index in t[s, e) whose INDEX keyword is t[k]. */
static void record_index(Rw *rw, const CrdbTok *t, int n, int s, int e, int k, bool unique, bool inverted)
{
	CrdbInlineIndex ix = {0};
	ix.offset = t[s].start;
	ix.unique = unique;
	ix.inverted = inverted;
	int j = k + 1;
	if (j < e && t[j].tok != T_LP && t[j].tok != PG_QUERY__TOKEN__USING)
		ix.name = norm_ident(rw->a, rw->src->text, &t[j++]);
	if (TOK(j, PG_QUERY__TOKEN__USING)) {
		if (IS(j + 1, "gin") || IS(j + 1, "gist"))
			ix.inverted = true;
		j += 2;
	}
	if (TOK(j, T_LP)) {
		int q = match_paren(t, n, j);
		if (q > e)
			q = e;
		int cap = 0;
		for (int i = j + 1; i < q; i++)
			if (t[i].tok == T_COMMA)
				cap++;
		ix.cols = arena_alloc(rw->a, sizeof(char *) * (size_t)(cap + 1));
		int es = j + 1, depth = 0;
		for (int i = j + 1; i <= q; i++) {
			if (i < q && t[i].tok == T_LP)
				depth++;
			else if (i < q && t[i].tok == T_RP)
				depth--;
			if (i == q || (depth == 0 && t[i].tok == T_COMMA)) {
				/* a column, optionally with ASC/DESC/NULLS/COLLATE/opclass */
				bool plain = i > es && is_name(&t[es]);
				for (int m = es + 1; plain && m < i; m++)
					plain = t[m].tok != T_LP && t[m].tok != T_OP && t[m].tok != T_DOT &&
					        t[m].tok != T_TYPECAST && (is_name(&t[m]) ||
					        t[m].tok == PG_QUERY__TOKEN__ASC || t[m].tok == PG_QUERY__TOKEN__DESC ||
					        t[m].tok == PG_QUERY__TOKEN__NULLS_P || t[m].tok == PG_QUERY__TOKEN__FIRST_P ||
					        t[m].tok == PG_QUERY__TOKEN__LAST_P || t[m].tok == PG_QUERY__TOKEN__COLLATE);
				if (i > es && ix.ncols <= cap)
					ix.cols[ix.ncols++] = plain ? norm_ident(rw->a, rw->src->text, &t[es]) : NULL;
				es = i + 1;
			}
		}
		for (int i = q + 1; i < e; i++)
			if (t[i].tok == PG_QUERY__TOKEN__WHERE)
				ix.partial = true;
	}
	VEC_PUSH(rw->a, rw->res->indexes, ix);
}

/* Appends out[from, to) with line breaks turned into spaces. */
static void add_flat(StrBuf *sb, const char *out, int from, int to)
{
	for (int i = from; i < to; i++)
		sb_addch(sb, out[i] == '\n' || out[i] == '\r' ? ' ' : out[i]);
}

/*
 * For PostgreSQL: the inline index t[s, e) (INDEX keyword at t[k]) as a
 * CREATE INDEX statement after its table's statement. The column list
 * and WHERE clause are copied as written (already rewritten).
 */
static void pg_index_stmt(Rw *rw, const CrdbTok *t, int n, int s, int e, int k)
{
	const CrdbInlineIndex *ix = &rw->res->indexes.items[rw->res->indexes.n - 1];
	int lp = k + 1;
	while (lp < e && t[lp].tok != T_LP)
		lp++;
	int q = match_paren(t, n, lp);
	if (lp >= e || q >= e || rw->tbl_from < 0)
		return;
	StrBuf sb = STRBUF_INIT;
	if (rw->stmt_end < 0)
		sb_addch(&sb, ';');
	sb_adds(&sb, ix->unique ? " CREATE UNIQUE INDEX" : " CREATE INDEX");
	if (ix->name) {
		sb_adds(&sb, " IF NOT EXISTS ");
		add_flat(&sb, rw->out, t[k + 1].start, t[k + 1].end);
	} else if (ix->unique) {
		/* CockroachDB names the index of a UNIQUE constraint
		 * <table>_<columns>_key (https://www.cockroachlabs.com/docs/v23.2/unique),
		 * where PostgreSQL's CREATE UNIQUE INDEX would say _idx: keep the
		 * _key name so that a later DROP INDEX t@t_a_key finds it (when
		 * it fits in 63 bytes; otherwise PostgreSQL chooses). */
		StrBuf nm = STRBUF_INIT;
		sb_adds(&nm, norm_ident(rw->a, rw->src->text, &t[rw->tbl_tok]));
		for (int i = 0; i < ix->ncols && nm.len > 0; i++) {
			if (!ix->cols[i])
				sb_reset(&nm);
			else {
				sb_addch(&nm, '_');
				sb_adds(&nm, ix->cols[i]);
			}
		}
		if (nm.len > 0 && nm.len + 4 < PGC_NAMEDATALEN) {
			sb_adds(&nm, "_key");
			sb_addch(&sb, ' ');
			sb_add_ident(&sb, nm.buf);
		}
		sb_release(&nm);
	}
	sb_adds(&sb, " ON ");
	add_flat(&sb, rw->out, rw->tbl_from, rw->tbl_to);
	if (ix->inverted)
		sb_adds(&sb, " USING gin");
	sb_addch(&sb, ' ');
	add_flat(&sb, rw->out, t[lp].start, t[q].end);
	for (int i = q + 1; i < e; i++) {
		if (t[i].tok == PG_QUERY__TOKEN__WHERE) {
			sb_addch(&sb, ' ');
			add_flat(&sb, rw->out, t[i].start, t[e - 1].end);
			break;
		}
	}
	sb_addch(&sb, ';');
	CrdbInsert in = {rw->stmt_end >= 0 ? rw->stmt_end : rw->stmt_last, arena_strndup(rw->a, sb.buf, sb.len)};
	VEC_PUSH(rw->a, *rw->ins, in);
	sb_release(&sb);
}

typedef struct Elem {
	int s, e;      /* token range, without the separating commas */
	bool removed;
} Elem;

static void create_table_elements(Rw *rw, const CrdbTok *t, int n, int lp)
{
	int rp = match_paren(t, n, lp);
	int cap = 1;
	for (int i = lp + 1; i < rp; i++)
		if (t[i].tok == T_COMMA)
			cap++;
	Elem *el = xcalloc((size_t)cap, sizeof(Elem));
	int ne = 0, es = lp + 1, depth = 0;
	for (int i = lp + 1; i <= rp && i <= n; i++) {
		if (i < rp && t[i].tok == T_LP)
			depth++;
		else if (i < rp && t[i].tok == T_RP)
			depth--;
		if (i == rp || i == n || (depth == 0 && t[i].tok == T_COMMA)) {
			if (i > es && ne < cap)
				el[ne++] = (Elem){es, i, false};
			es = i + 1;
		}
	}
	for (int k = 0; k < ne; k++) {
		int s = el[k].s, e = el[k].e;
		bool unique, inverted;
		int ik = inline_index_kw(rw, t, n, s, &unique, &inverted);
		if (ik >= 0) {
			record_index(rw, t, n, s, e, ik, unique, inverted);
			note(rw, inverted ? "INVERTED INDEX in CREATE TABLE"
			         : unique ? "UNIQUE INDEX in CREATE TABLE" : "INDEX in CREATE TABLE", t[s].start);
			if (rw->ins)
				pg_index_stmt(rw, t, n, s, e, ik);
			el[k].removed = true;
		} else if (is_family_def(t, n, s)) {
			note(rw, "FAMILY clause", t[s].start);
			el[k].removed = true;
		} else if (t[s].tok == PG_QUERY__TOKEN__CONSTRAINT || t[s].tok == PG_QUERY__TOKEN__PRIMARY ||
		           t[s].tok == PG_QUERY__TOKEN__UNIQUE || t[s].tok == PG_QUERY__TOKEN__CHECK ||
		           t[s].tok == PG_QUERY__TOKEN__FOREIGN || t[s].tok == PG_QUERY__TOKEN__EXCLUDE ||
		           t[s].tok == PG_QUERY__TOKEN__LIKE) {
			index_options(rw, t, n, s, e);
			key_list_order(rw, t, n, s, e);
		} else if (is_name(&t[s])) {
			rewrite_type(rw, t, n, s + 1);
			column_quals(rw, t, n, s + 2, e);
		}
	}
	/* Blank removed elements with one comma each, so the list stays valid. */
	bool kept_before = false;
	for (int k = 0; k < ne; k++) {
		if (!el[k].removed) {
			kept_before = true;
			continue;
		}
		int from = t[el[k].s].start, to = t[el[k].e - 1].end;
		if (kept_before)
			from = t[el[k].s - 1].start;       /* the comma before */
		else if (k + 1 < ne)
			to = t[el[k].e].end;               /* the comma after */
		blank(rw, from, to);
	}
	free(el);
}

/* Skips a possibly qualified name at t[i]; returns the index after it. */
static int skip_qualified(const CrdbTok *t, int n, int i)
{
	if (i >= n)
		return i;
	i++;
	while (i + 1 < n && t[i].tok == T_DOT)
		i += 2;
	return i;
}

static void create_table(Rw *rw, const CrdbTok *t, int n, int i)
{
	i++; /* TABLE */
	if (TOK(i, PG_QUERY__TOKEN__IF_P) && TOK(i + 1, PG_QUERY__TOKEN__NOT) && TOK(i + 2, PG_QUERY__TOKEN__EXISTS))
		i += 3;
	int name = i;
	i = skip_qualified(t, n, i);
	rw->tbl_from = name < n ? t[name].start : -1;
	rw->tbl_to = i > name ? t[i - 1].end : -1;
	rw->tbl_tok = i > name ? i - 1 : name;
	if (TOK(i, PG_QUERY__TOKEN__PARTITION) && TOK(i + 1, PG_QUERY__TOKEN__OF))
		i = skip_qualified(t, n, i + 2);
	if (TOK(i, T_LP))
		create_table_elements(rw, t, n, i);
	/* Table options after the list may hold none of ours; leave them. */
}

static void create_index(Rw *rw, const CrdbTok *t, int n, int i)
{
	/* t[i] is INDEX; INVERTED may precede it */
	if (i > 0 && IS(i - 1, "inverted")) {
		blank(rw, t[i - 1].start, t[i - 1].end);
		note(rw, "CREATE INVERTED INDEX", t[i - 1].start);
	}
	int on = i;
	while (on < n && t[on].tok != PG_QUERY__TOKEN__ON)
		on++;
	int lp = on;
	while (lp < n && t[lp].tok != T_LP)
		lp++;
	if (lp >= n)
		return;
	int q = match_paren(t, n, lp);
	if (q < n)
		index_options(rw, t, n, q, n);
}

static void alter_table(Rw *rw, const CrdbTok *t, int n, int i)
{
	i++; /* TABLE */
	if (TOK(i, PG_QUERY__TOKEN__IF_P) && TOK(i + 1, PG_QUERY__TOKEN__EXISTS))
		i += 2;
	if (TOK(i, PG_QUERY__TOKEN__ONLY))
		i++;
	i = skip_qualified(t, n, i);
	if (TOK(i, PG_QUERY__TOKEN__Op) && crdb_tok_is(rw->src->text, &t[i], "*"))
		i++;
	int s = i, depth = 0;
	for (int j = i; j <= n; j++) {
		if (j < n && t[j].tok == T_LP)
			depth++;
		else if (j < n && t[j].tok == T_RP)
			depth--;
		if (j < n && !(depth == 0 && t[j].tok == T_COMMA))
			continue;
		/* one subcommand: t[s, j) */
		int e = j;
		if (TOK(s, PG_QUERY__TOKEN__ADD_P) && s + 1 < e) {
			int k = s + 1;
			if (t[k].tok == PG_QUERY__TOKEN__CONSTRAINT) {
				if (TOK(k + 1, PG_QUERY__TOKEN__IF_P) && TOK(k + 2, PG_QUERY__TOKEN__NOT) &&
				    TOK(k + 3, PG_QUERY__TOKEN__EXISTS)) {
					blank(rw, t[k + 1].start, t[k + 3].end);
					VEC_PUSH(rw->a, rw->res->if_not_exists, t[k + 1].start);
					note(rw, "ADD CONSTRAINT IF NOT EXISTS", t[k + 1].start);
				}
				index_options(rw, t, n, k, e);
				key_list_order(rw, t, n, k, e);
			} else if (t[k].tok == PG_QUERY__TOKEN__PRIMARY || t[k].tok == PG_QUERY__TOKEN__UNIQUE ||
			           t[k].tok == PG_QUERY__TOKEN__CHECK || t[k].tok == PG_QUERY__TOKEN__FOREIGN) {
				index_options(rw, t, n, k, e);
				key_list_order(rw, t, n, k, e);
			} else {
				if (t[k].tok == PG_QUERY__TOKEN__COLUMN)
					k++;
				if (TOK(k, PG_QUERY__TOKEN__IF_P) && TOK(k + 1, PG_QUERY__TOKEN__NOT) &&
				    TOK(k + 2, PG_QUERY__TOKEN__EXISTS))
					k += 3;
				rewrite_type(rw, t, n, k + 1);
				column_quals(rw, t, n, k + 2, e);
			}
		} else if (TOK(s, PG_QUERY__TOKEN__ALTER) && s + 1 < e && t[s + 1].tok != PG_QUERY__TOKEN__PRIMARY) {
			for (int k = s + 1; k < e; k++) {
				if (t[k].tok == PG_QUERY__TOKEN__TYPE_P) {
					rewrite_type(rw, t, n, k + 1);
					break;
				}
			}
		}
		s = j + 1;
	}
}

/* DROP INDEX t@i / ALTER INDEX t@i: the index name alone is PostgreSQL's. */
static void table_at_index(Rw *rw, const CrdbTok *t, int n)
{
	for (int i = 2; i + 2 < n; i++) {
		if (t[i + 1].tok == T_OP && crdb_tok_is(rw->src->text, &t[i + 1], "@") && is_name(&t[i]) &&
		    is_name(&t[i + 2]) && t[i].end == t[i + 1].start && t[i + 1].end == t[i + 2].start) {
			int from = i;
			/* a qualified table: s.t@i */
			while (from >= 2 && t[from - 1].tok == T_DOT && is_name(&t[from - 2]))
				from -= 2;
			blank(rw, t[from].start, t[i + 1].end);
			note(rw, "table@index name", t[from].start);
			i += 2;
		}
	}
}

/* Rules that hold anywhere in a statement: casts, :::, now-style (). */
static void expressions(Rw *rw, const CrdbTok *t, int n)
{
	/* depths of the open CAST( parentheses; any depth, 256 nested casts */
	enum { MAXC = 256 };
	int cast_at[MAXC];
	int ncast = 0, depth = 0;
	for (int i = 0; i < n; i++) {
		int k = t[i].tok;
		if (k == T_LP) {
			depth++;
			if (i > 0 && t[i - 1].tok == PG_QUERY__TOKEN__CAST && ncast < MAXC)
				cast_at[ncast++] = depth;
		} else if (k == T_RP) {
			if (ncast > 0 && cast_at[ncast - 1] == depth)
				ncast--;
			if (depth > 0)
				depth--;
		} else if (k == PG_QUERY__TOKEN__AS && ncast > 0 && cast_at[ncast - 1] == depth) {
			rewrite_type(rw, t, n, i + 1);
		} else if (k == T_TYPECAST) {
			int ty = i + 1;
			if (TOK(i + 1, T_COLON) && t[i + 1].start == t[i].end) {
				blank(rw, t[i + 1].start, t[i + 1].end);
				note(rw, "::: type annotation", t[i].start);
				ty++;
			}
			rewrite_type(rw, t, n, ty);
		} else if ((k == PG_QUERY__TOKEN__CURRENT_TIMESTAMP || k == PG_QUERY__TOKEN__CURRENT_DATE ||
		            k == PG_QUERY__TOKEN__CURRENT_TIME || k == PG_QUERY__TOKEN__LOCALTIME ||
		            k == PG_QUERY__TOKEN__LOCALTIMESTAMP) &&
		           TOK(i + 1, T_LP) && TOK(i + 2, T_RP)) {
			blank(rw, t[i + 1].start, t[i + 2].end);
			note(rw, "() after a datetime keyword", t[i + 1].start);
			i += 2;
		}
	}
}

static int rewrite_stmt(void *ctx, const char *text, const CrdbTok *t, int n, int semi_end)
{
	Rw *rw = ctx;
	(void)text;
	rw->stmt_end = semi_end;
	rw->stmt_last = t[n - 1].end;
	rw->tbl_from = rw->tbl_to = -1;
	expressions(rw, t, n);
	int i = 1;
	if (t[0].tok == PG_QUERY__TOKEN__CREATE) {
		if (TOK(i, PG_QUERY__TOKEN__OR) && IS(i + 1, "replace"))
			i += 2;
		while (i < n && (t[i].tok == PG_QUERY__TOKEN__GLOBAL || t[i].tok == PG_QUERY__TOKEN__LOCAL ||
		                 t[i].tok == PG_QUERY__TOKEN__TEMP || t[i].tok == PG_QUERY__TOKEN__TEMPORARY ||
		                 t[i].tok == PG_QUERY__TOKEN__UNLOGGED))
			i++;
		int j = i;
		if (TOK(j, PG_QUERY__TOKEN__UNIQUE))
			j++;
		if (IS(j, "inverted"))
			j++;
		if (TOK(i, PG_QUERY__TOKEN__TABLE))
			create_table(rw, t, n, i);
		else if (TOK(j, PG_QUERY__TOKEN__INDEX))
			create_index(rw, t, n, j);
		else if (TOK(i, PG_QUERY__TOKEN__DOMAIN_P)) {
			for (int k = i; k < n; k++)
				if (t[k].tok == PG_QUERY__TOKEN__AS) {
					rewrite_type(rw, t, n, k + 1);
					break;
				}
		} else if (TOK(i, PG_QUERY__TOKEN__FUNCTION)) {
			for (int k = i; k < n; k++)
				if (t[k].tok == PG_QUERY__TOKEN__RETURNS) {
					rewrite_type(rw, t, n, k + 1);
					break;
				}
		}
	} else if (t[0].tok == PG_QUERY__TOKEN__ALTER && TOK(1, PG_QUERY__TOKEN__TABLE)) {
		alter_table(rw, t, n, 1);
	} else if ((t[0].tok == PG_QUERY__TOKEN__DROP || t[0].tok == PG_QUERY__TOKEN__ALTER) &&
	           TOK(1, PG_QUERY__TOKEN__INDEX)) {
		table_at_index(rw, t, n);
	}
	return 0;
}

/*
 * Every rule above needs one of these words in the text (the scanner and
 * the rules decide the rest). A file without any, such as a large data
 * dump, is copied without being scanned: the scanner costs about as much
 * as the rest of the front end.
 */
static bool may_need_rewrite(const char *text, size_t len)
{
	static const char *const words[] = {
		"string", "bytes", "index", "family", "storing", "covering", "hash", "constraint",
		"visible", ":::", "asc", "desc", "current_", "localtime",
	};
	enum { NW = sizeof(words) / sizeof(words[0]) };
	/* first two bytes, folded with | 0x20 (ASCII letters to lower case) */
	unsigned char pair[256][256 / 8] = {{0}};
	for (int w = 0; w < NW; w++) {
		unsigned char a = (unsigned char)words[w][0], b = (unsigned char)words[w][1];
		pair[a][b / 8] |= (unsigned char)(1u << (b % 8));
	}
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned char c = (unsigned char)text[i] | 0x20, c2 = (unsigned char)text[i + 1] | 0x20;
		if (!(pair[c][c2 / 8] & (1u << (c2 % 8))))
			continue;
		for (int w = 0; w < NW; w++) {
			size_t wl = strlen(words[w]);
			if (len - i >= wl && strncasecmp(text + i, words[w], wl) == 0)
				return true;
		}
	}
	return false;
}

int crdb_rewrite_mode(Arena *a, const Source *src, CrdbRewrite *out, CrdbInsertVec *pg_inserts, Err *err)
{
	memset(out, 0, sizeof(*out));
	out->first_offset = -1;
	out->text = arena_alloc(a, src->len + 1);
	memcpy(out->text, src->text, src->len);
	if (src->len > (size_t)0x7fffffff)
		return err_set(err, PGC_EXIT_USAGE, "%s: file is too large (2 GB at most)", src->path);
	if (!may_need_rewrite(src->text, src->len))
		return 0;
	Rw rw = {a, src, out->text, out, pg_inserts, -1, -1, -1, -1, 0};
	if (crdb_each_statement(src->text, src->len, rewrite_stmt, &rw) < 0)
		return err_set(err, PGC_EXIT_INTERNAL, "%s: could not read the scanner's output", src->path);
	return 0;
}

bool crdb_detect_begin(CrdbDetect *d, Arena *scratch, const Source *src)
{
	memset(&d->res, 0, sizeof(d->res));
	d->res.first_offset = -1;
	d->a = scratch;
	d->src = src;
	if (!may_need_rewrite(src->text, src->len))
		return false;
	if (src->len + 1 > d->cap) {
		free(d->buf);
		d->cap = src->len + 1;
		d->buf = xmalloc(d->cap);
	}
	memcpy(d->buf, src->text, src->len + 1);
	d->res.text = d->buf;
	return true;
}

bool crdb_detect_stmt(CrdbDetect *d, const CrdbTok *t, int n, int semi_end)
{
	Rw rw = {d->a, d->src, d->buf, &d->res, NULL, -1, -1, -1, -1, 0};
	rewrite_stmt(&rw, d->src->text, t, n, semi_end);
	return d->res.first_syntax != NULL;
}

void crdb_detect_free(CrdbDetect *d)
{
	free(d->buf);
	d->buf = NULL;
	d->cap = 0;
}

int crdb_rewrite(Arena *a, const Source *src, CrdbRewrite *out, Err *err)
{
	return crdb_rewrite_mode(a, src, out, NULL, err);
}
