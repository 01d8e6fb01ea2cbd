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
 *   refused with file:line:col:
 *     ALTER TABLE ... ALTER PRIMARY KEY  https://cockroachlabs.com/docs/v22.1/alter-primary-key
 */
#include "frontend/crdb.h"
#include "frontend/crdb_scan.h"
#include "exitcodes.h"
#include "util/strbuf.h"

#include <pg_query/pg_query.pb-c.h>
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

typedef struct Tr {
	const Source *src;
	char *out;
	Err *err;
} Tr;

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
	for (int i = 0; i + 2 < n; i++) {
		if (W(i, "unique_rowid") && K(i + 1, PG_QUERY__TOKEN__ASCII_40) && K(i + 2, PG_QUERY__TOKEN__ASCII_41) &&
		    t[i + 2].end - t[i].start == 14)
			memcpy(tr->out + t[i].start, "random()*2e9  ", 14);
	}
#undef W
#undef K
	return 0;
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
	Tr tr = {src, rw.text, err};
	int r = crdb_each_statement(rw.text, src->len, translate_stmt, &tr);
	if (r != 0) {
		if (r < 0 && (!err || err->code == 0))
			err_set(err, PGC_EXIT_INTERNAL, "%s: could not read the scanner's output", src->path);
		return NULL;
	}
	if (ins.n == 0)
		return rw.text;
	/* Inline indexes as CREATE INDEX statements, after their table's ';'
	 * on the same line: line numbers stay exact everywhere. */
	StrBuf sb = STRBUF_INIT;
	size_t pos = 0;
	for (size_t i = 0; i < ins.n; i++) {
		size_t at = (size_t)ins.items[i].at;
		sb_add(&sb, rw.text + pos, at - pos);
		sb_adds(&sb, ins.items[i].text);
		pos = at;
	}
	sb_add(&sb, rw.text + pos, src->len - pos);
	char *out = arena_strndup(a, sb.buf, sb.len);
	sb_release(&sb);
	return out;
}
