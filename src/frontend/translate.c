/*
 * translate.c - frontend_translate(): the text verify applies to a real
 * PostgreSQL. For the cockroach dialect that is crdb_rewrite()'s text
 * (in its for_pg variant) plus statement-level translation of what
 * PostgreSQL would reject when it runs the statement. Every line keeps
 * its number: all changes but one keep the length and the newlines, and
 * that one (inline indexes) only appends to the line of a CREATE TABLE's
 * ';'. doc/cockroach.md lists every rule.
 *
 *   added (same line, after the table's ';'):
 *     each inline INDEX / UNIQUE INDEX / INVERTED INDEX of a CREATE TABLE
 *     as CREATE [UNIQUE] INDEX [IF NOT EXISTS name] ON table [USING gin] (...)
 *   blanked (no effect on the schema PostgreSQL builds):
 *     SET CLUSTER SETTING ...   https://cockroachlabs.com/docs/stable/set-cluster-setting
 *     ALTER ... CONFIGURE ZONE  https://cockroachlabs.com/docs/v20.1/configure-zone
 *     ALTER TABLE ... SPLIT AT / UNSPLIT / SCATTER (range placement)
 *                               https://cockroachlabs.com/docs/v25.2/alter-table
 *     SET <CockroachDB session variable>, USE <database>
 *                               https://cockroachlabs.com/docs/v24.3/set-vars
 *   rewritten:
 *     unique_rowid()            -> "random()*2e9  " (a random key, see the doc)
 *                               https://cockroachlabs.com/docs/stable/serial
 *     JSON as a type            -> JSONB (one byte longer: columns after it on
 *                               that line move by one)
 *                               https://cockroachlabs.com/docs/stable/jsonb
 *     CREATE INVERTED INDEX ... ON t (...) -> ... ON t USING gin (...)
 *                               https://cockroachlabs.com/docs/v20.1/inverted-indexes
 *   skipped with a warning (CockroachDB-only data statements):
 *     UPSERT, [SHOW ...] / [statement] as a table expression, crdb_internal.*
 *                               https://cockroachlabs.com/docs/v2.1/table-expressions
 *   refused with file:line:col:
 *     ALTER TABLE ... ALTER PRIMARY KEY  https://cockroachlabs.com/docs/v22.1/alter-primary-key
 */
#include "frontend/crdb.h"
#include "frontend/crdb_scan.h"
#include "exitcodes.h"
#include "util/strbuf.h"

#include <pg_query/pg_query.pb-c.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* CockroachDB session variables PostgreSQL does not know (SET would fail). */
static const char *const crdb_session_vars[] = {
	"sql_safe_updates", "default_int_size", "serial_normalization", "database",
	"autocommit_before_ddl", "use_declarative_schema_changer", "disallow_full_table_scans",
	"require_explicit_primary_keys", "override_multi_region_zone_config",
	"default_transaction_use_follower_reads", "enable_implicit_select_for_update",
	"enable_zigzag_join", "reorder_joins_limit", "vectorize", "distsql",
	"stub_catalog_tables", "strict_ddl_atomicity", "sql_safe_updates",
};

/* A change of length: del bytes at `at` replaced by text. */
typedef struct Edit {
	int at, del;
	const char *text;
	size_t seq;        /* the order they were made in, for equal offsets */
} Edit;

typedef struct Tr {
	Arena *a;
	const Source *src;
	char *out;
	Err *err;
	PGC_VEC(Edit) edits;
} Tr;

static void edit(Tr *tr, int at, int del, const char *text)
{
	Edit e = {at, del, text, tr->edits.n};
	VEC_PUSH(tr->a, tr->edits, e);
}

/* The original text between two tokens holds the word w (blanked by the rewrite)? */
static bool gap_has(const Tr *tr, int from, int to, const char *w)
{
	size_t n = strlen(w);
	for (int i = from; i + (int)n <= to; i++)
		if (strncasecmp(tr->src->text + i, w, n) == 0)
			return true;
	return false;
}

static bool is_punct(const CrdbTok *t)
{
	return t->tok < 256 || t->tok == PG_QUERY__TOKEN__TYPECAST;
}

static void blank_range(char *out, int from, int to)
{
	for (int i = from; i < to; i++)
		if (out[i] != '\n' && out[i] != '\r')
			out[i] = ' ';
}

static bool is_crdb_var(const char *text, const CrdbTok *t)
{
	static const char prefix[] = "experimental_";
	size_t n = (size_t)(t->end - t->start);
	if (text[t->start] == '"')
		return false;
	if (n > sizeof(prefix) - 1 && strncasecmp(text + t->start, prefix, sizeof(prefix) - 1) == 0)
		return true;
	for (size_t i = 0; i < sizeof(crdb_session_vars) / sizeof(crdb_session_vars[0]); i++)
		if (crdb_tok_is(text, t, crdb_session_vars[i]))
			return true;
	return false;
}

static int translate_stmt(void *ctx, const char *text, const CrdbTok *t, int n, int semi_end)
{
	(void)semi_end;
	Tr *tr = ctx;
	int from = t[0].start, to = t[n - 1].end;
	bool harmless = false;
#define W(i, w) ((i) < n && crdb_tok_is(text, &t[i], (w)))
#define K(i, k) ((i) < n && t[i].tok == (k))
	if (K(0, PG_QUERY__TOKEN__SET)) {
		int i = 1;
		if (K(i, PG_QUERY__TOKEN__SESSION) || K(i, PG_QUERY__TOKEN__LOCAL))
			i++;
		if (W(i, "cluster") && W(i + 1, "setting"))
			harmless = true;
		else if (i < n && is_crdb_var(text, &t[i]))
			harmless = true;
	} else if (W(0, "use") && n == 2) {
		harmless = true;
	} else if (K(0, PG_QUERY__TOKEN__ALTER)) {
		for (int i = 1; i < n; i++) {
			if ((W(i, "configure") && W(i + 1, "zone")) || W(i, "scatter") || W(i, "unsplit") ||
			    (W(i, "split") && K(i + 1, PG_QUERY__TOKEN__AT))) {
				harmless = true;
				break;
			}
			if (K(i, PG_QUERY__TOKEN__ALTER) && K(i + 1, PG_QUERY__TOKEN__PRIMARY) &&
			    K(i + 2, PG_QUERY__TOKEN__KEY) && K(1, PG_QUERY__TOKEN__TABLE)) {
				SrcLoc l = srcloc_at(tr->src->path, tr->src->text, tr->src->len, t[i].start);
				return err_set(tr->err, PGC_EXIT_USAGE,
				               "%s:%d:%d: ALTER TABLE ... ALTER PRIMARY KEY is CockroachDB-only and "
				               "cannot be translated for PostgreSQL; write it as DROP CONSTRAINT <pkey> "
				               "followed by ADD PRIMARY KEY (...) (CockroachDB also keeps the old key "
				               "as a UNIQUE index)",
				               l.file, l.line, l.col);
			}
		}
	}
	if (harmless) {
		blank_range(tr->out, from, to);
		return 0;
	}
	/* CockroachDB-only data statements: PostgreSQL cannot run them, and
	 * they do not change the schema; skipped with a warning */
	if (K(0, PG_QUERY__TOKEN__SELECT) || K(0, PG_QUERY__TOKEN__INSERT) || K(0, PG_QUERY__TOKEN__UPDATE) ||
	    K(0, PG_QUERY__TOKEN__DELETE_P) || K(0, PG_QUERY__TOKEN__WITH) || W(0, "upsert")) {
		const char *why = W(0, "upsert") ? "UPSERT" : NULL;
		for (int i = 0; !why && i < n; i++) {
			if (K(i, PG_QUERY__TOKEN__ASCII_91) && i > 0 &&
			    (K(i - 1, PG_QUERY__TOKEN__FROM) || K(i - 1, PG_QUERY__TOKEN__JOIN) ||
			     K(i - 1, PG_QUERY__TOKEN__ASCII_44) || K(i - 1, PG_QUERY__TOKEN__ASCII_40) ||
			     K(i - 1, PG_QUERY__TOKEN__IN_P)))
				why = "a [statement] used as a table expression";
			else if (W(i, "crdb_internal") && K(i + 1, PG_QUERY__TOKEN__ASCII_46))
				why = "crdb_internal";
		}
		if (why) {
			SrcLoc l = srcloc_at(tr->src->path, tr->src->text, tr->src->len, from);
			log_warning("%s:%d:%d: CockroachDB-only data statement (%s) skipped: PostgreSQL cannot run it, "
			            "and it does not change the schema",
			            l.file, l.line, l.col, why);
			blank_range(tr->out, from, to);
			return 0;
		}
	}
	/* CREATE [UNIQUE] INVERTED INDEX (INVERTED blanked by the rewrite): a GIN index */
	if (K(0, PG_QUERY__TOKEN__CREATE)) {
		int ix = K(1, PG_QUERY__TOKEN__UNIQUE) ? 2 : 1;
		if (K(ix, PG_QUERY__TOKEN__INDEX) && gap_has(tr, t[ix - 1].end, t[ix].start, "inverted")) {
			bool using = false;
			for (int i = ix; i < n; i++) {
				if (K(i, PG_QUERY__TOKEN__USING))
					using = true;
				if (K(i, PG_QUERY__TOKEN__ASCII_40)) {
					if (!using)
						edit(tr, t[i].start, 0, "USING gin ");
					break;
				}
			}
		}
	}
	/* JSON as a type: JSONB (CockroachDB's JSON is JSONB) */
	bool ddl_cols = (K(0, PG_QUERY__TOKEN__CREATE) || K(0, PG_QUERY__TOKEN__ALTER)) && (K(1, PG_QUERY__TOKEN__TABLE) ||
	                (K(2, PG_QUERY__TOKEN__TABLE) && !K(1, PG_QUERY__TOKEN__ASCII_40)));
	bool domain = K(0, PG_QUERY__TOKEN__CREATE) && K(1, PG_QUERY__TOKEN__DOMAIN_P);
	for (int i = 1; i < n; i++) {
		if (!W(i, "json") || K(i + 1, PG_QUERY__TOKEN__ASCII_40) || K(i + 1, PG_QUERY__TOKEN__ASCII_46))
			continue;
		bool type = K(i - 1, PG_QUERY__TOKEN__TYPECAST) || K(i - 1, PG_QUERY__TOKEN__TYPE_P) ||
		            (domain && K(i - 1, PG_QUERY__TOKEN__AS));
		if (!type && i >= 2 && ddl_cols && !is_punct(&t[i - 1]))
			type = K(i - 2, PG_QUERY__TOKEN__ASCII_40) || K(i - 2, PG_QUERY__TOKEN__ASCII_44) ||
			       K(i - 2, PG_QUERY__TOKEN__COLUMN) || K(i - 2, PG_QUERY__TOKEN__ADD_P) ||
			       K(i - 2, PG_QUERY__TOKEN__EXISTS);
		if (!type && K(i - 1, PG_QUERY__TOKEN__AS))
			for (int k = 0; k + 1 < i; k++)
				if (W(k, "cast") && K(k + 1, PG_QUERY__TOKEN__ASCII_40))
					type = true;
		if (type)
			edit(tr, t[i].end, 0, "B");
	}
	for (int i = 0; i + 2 < n; i++) {
		if (W(i, "unique_rowid") && K(i + 1, PG_QUERY__TOKEN__ASCII_40) && K(i + 2, PG_QUERY__TOKEN__ASCII_41) &&
		    t[i + 2].end - t[i].start == 14)
			memcpy(tr->out + t[i].start, "random()*2e9  ", 14);
	}
#undef W
#undef K
	return 0;
}

static int edit_cmp(const void *x, const void *y)
{
	const Edit *a = x, *b = y;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

char *frontend_translate(Arena *a, const Source *src, Dialect d, Err *err)
{
	if (d == DIALECT_POSTGRES)
		return src->text;
	CrdbRewrite rw;
	CrdbInsertVec ins = {0};
	if (crdb_rewrite_mode(a, src, &rw, &ins, err) != 0)
		return NULL;
	/* auto: a file without CockroachDB-only syntax is applied as written */
	if (d == DIALECT_AUTO && !rw.first_syntax)
		return src->text;
	Tr tr = {a, src, rw.text, err, {0}};
	int r = crdb_each_statement(rw.text, src->len, translate_stmt, &tr);
	if (r != 0) {
		if (r < 0 && (!err || err->code == 0))
			err_set(err, PGC_EXIT_INTERNAL, "%s: could not read the scanner's output", src->path);
		return NULL;
	}
	for (size_t i = 0; i < ins.n; i++)
		edit(&tr, ins.items[i].at, 0, ins.items[i].text);
	if (tr.edits.n == 0)
		return rw.text;
	/* Inline indexes as CREATE INDEX statements, after their table's ';'
	 * on the same line, and the few edits that change a length: line
	 * numbers stay exact everywhere. */
	qsort(tr.edits.items, tr.edits.n, sizeof(Edit), edit_cmp);
	StrBuf sb = STRBUF_INIT;
	size_t pos = 0;
	for (size_t i = 0; i < tr.edits.n; i++) {
		size_t at = (size_t)tr.edits.items[i].at;
		if (at < pos)
			continue;
		sb_add(&sb, rw.text + pos, at - pos);
		sb_adds(&sb, tr.edits.items[i].text);
		pos = at + (size_t)tr.edits.items[i].del;
	}
	sb_add(&sb, rw.text + pos, src->len - pos);
	char *out = arena_strndup(a, sb.buf, sb.len);
	sb_release(&sb);
	return out;
}
