/*
 * test_erase.c - the SQL `pgcascade erase` writes, as text and parsed by
 * libpg_query (PostgreSQL's own grammar), for both dialects. CockroachDB
 * has no binary here: its statements are checked as text against what its
 * documentation says (hidden rowid column for a table without a primary
 * key, https://www.cockroachlabs.com/docs/stable/primary-key; WITH
 * [RECURSIVE], https://www.cockroachlabs.com/docs/stable/common-table-expressions;
 * no ctid) and parsed. The live behaviour is in t0700/t0710.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis/analysis.h"
#include "erase/erase.h"
#include "frontend/frontend.h"

#include <pg_query.h>
#include <string.h>

static const char *SCHEMA =
	"CREATE TABLE users (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), name STRING);\n"
	"CREATE TABLE sessions (user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE, token STRING);\n"
	"CREATE TABLE posts (id INT8 PRIMARY KEY, user_id UUID NOT NULL REFERENCES users (id) ON DELETE CASCADE,\n"
	"  INDEX (user_id));\n"
	"CREATE TABLE comments (id INT8 PRIMARY KEY, post_id INT8 NOT NULL REFERENCES posts (id),\n"
	"  author_id UUID REFERENCES users (id) ON DELETE CASCADE);\n"
	"CREATE TABLE replies (id INT8 PRIMARY KEY, parent_id INT8 REFERENCES replies (id) ON DELETE CASCADE,\n"
	"  user_id UUID REFERENCES users (id) ON DELETE CASCADE);\n"
	"CREATE TABLE audit (id INT8 PRIMARY KEY, user_id UUID);\n"
	"CREATE TABLE orders (id INT8, shop STRING, user_id UUID REFERENCES users (id) ON DELETE CASCADE,\n"
	"  PRIMARY KEY (shop, id));\n"
	"CREATE TABLE bookmarks (id INT8 PRIMARY KEY, post_id INT8 REFERENCES posts (id) ON DELETE SET NULL);\n";

static const NullEdge *null_edge(const ErasePlan *p, const char *table)
{
	for (size_t i = 0; i < p->nulls.n; i++)
		if (strcmp(p->nulls.items[i]->child->name, table) == 0)
			return p->nulls.items[i];
	fail_msg("no SET NULL edge to %s", table);
	return NULL;
}

static void plan_for(Arena *a, Dialect d, ErasePlan *p)
{
	Model *m = model_new(a);
	SourceList sl = {0};
	Source s = {"crdb.sql", arena_strdup(a, SCHEMA), strlen(SCHEMA)};
	VEC_PUSH(a, sl, s);
	Err e = {0};
	assert_int_equal(frontend_load(m, &sl, DIALECT_COCKROACH, &e), 0);
	AnalysisOptions ao = {0};
	Analysis an;
	assert_int_equal(analyze(m, &ao, &an, &e), 0);
	ErasePolicy pol = {0};
	assert_int_equal(erase_plan_build(m, &an, &pol, d, NULL, p, &e), 0);
}

static void assert_parses(const char *sql)
{
	PgQueryParseResult r = pg_query_parse(sql);
	if (r.error)
		fail_msg("does not parse: %s\n%s", r.error->message, sql);
	pg_query_free_parse_result(r);
}

static const EraseNode *node(const ErasePlan *p, const char *table)
{
	for (size_t i = 0; i < p->nodes.n; i++)
		if (strcmp(p->nodes.items[i]->t->name, table) == 0)
			return p->nodes.items[i];
	fail_msg("no node %s", table);
	return NULL;
}

static void test_crdb_script(void **state)
{
	(void)state;
	Arena *a = arena_new();
	ErasePlan p;
	plan_for(a, DIALECT_COCKROACH, &p);
	assert_true(p.static_blockers); /* comments.post_id is NO ACTION: children first */
	StrBuf sb = STRBUF_INIT;
	erase_script(&p, &sb);
	assert_parses(sb.buf);
	assert_null(strstr(sb.buf, "ctid"));
	assert_non_null(strstr(sb.buf, "-- dialect: cockroach"));
	assert_non_null(strstr(sb.buf, "SELECT x.rowid AS pgc_rowid, x.user_id FROM public.sessions x"));
	assert_non_null(strstr(sb.buf, "DELETE FROM public.sessions x WHERE x.rowid IN (SELECT s.pgc_rowid FROM pgc_r"));
	assert_non_null(strstr(sb.buf, "WITH RECURSIVE pgc_w AS ("));
	assert_non_null(strstr(sb.buf, "DELETE FROM public.audit x WHERE x.id IN"));
	/* the root row goes last */
	const char *last = strstr(sb.buf, "DELETE FROM public.users x WHERE x.id = $1;\n");
	assert_non_null(last);
	assert_string_equal(last + strlen("DELETE FROM public.users x WHERE x.id = $1;\n"), "");
	/* comments go before posts (children first) */
	assert_true(strstr(sb.buf, "DELETE FROM public.comments") < strstr(sb.buf, "DELETE FROM public.posts"));
	sb_reset(&sb);
	erase_batch_sql(&p, node(&p, "sessions"), &sb);
	assert_string_equal(sb.buf, "DELETE FROM public.sessions x WHERE x.rowid = ANY($1::INT8[])");
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_batch_sql(&p, node(&p, "orders"), &sb);
	assert_non_null(strstr(sb.buf, "DELETE FROM public.orders x WHERE (x.shop, x.id) IN (SELECT k.shop, k.id FROM pg_catalog.json_to_recordset($1::json) AS k(shop "));
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_batch_sql(&p, node(&p, "posts"), &sb);
	assert_non_null(strstr(sb.buf, "DELETE FROM public.posts x WHERE x.id = ANY($1::"));
	assert_parses(sb.buf);
	/* a batch: one statement choosing its rows itself, by identity (no ctid) */
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "sessions"), 500, false, NULL, 0, &sb);
	assert_string_equal(sb.buf, "WITH pgc_r0 AS (SELECT x.id FROM public.users x WHERE x.id = $1)\n"
	                            "DELETE FROM public.sessions x WHERE x.rowid IN (SELECT x.rowid FROM public.sessions x "
	                            "WHERE x.user_id IN (SELECT p.id FROM pgc_r0 p) LIMIT 500)");
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "orders"), 7, false, NULL, 0, &sb);
	assert_non_null(strstr(sb.buf, "DELETE FROM public.orders x WHERE (x.shop, x.id) IN (SELECT x.shop, x.id FROM public.orders x WHERE "));
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "audit"), 7, true, NULL, 0, &sb);
	assert_string_equal(sb.buf, "DELETE FROM public.audit x WHERE x.id IN (SELECT x.id FROM public.audit x WHERE x.user_id = $1 LIMIT 7)");
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "replies"), 7, false, NULL, 0, &sb);
	assert_non_null(strstr(sb.buf, "WITH RECURSIVE pgc_w AS ("));
	assert_non_null(strstr(sb.buf, "DELETE FROM public.replies x WHERE x.id IN (SELECT s.id FROM pgc_r"));
	assert_parses(sb.buf);
	/* a SET NULL edge's rows, N at a time before their parents go, by
	 * primary key (transaction_rows_written_err counts them) */
	sb_reset(&sb);
	erase_null_batch_sql(&p, null_edge(&p, "bookmarks"), 9, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, "UPDATE public.bookmarks x SET post_id = NULL WHERE x.id IN (SELECT x.id FROM "
	                               "public.bookmarks x WHERE x.post_id IN (SELECT p.id FROM pgc_r"));
	assert_non_null(strstr(sb.buf, " LIMIT 9)"));
	assert_null(strstr(sb.buf, "ctid"));
	sb_reset(&sb);
	erase_count_sql(&p, &sb);
	assert_parses(sb.buf);
	sb_reset(&sb);
	erase_verify_sql(&p, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, "'owner column public.audit.user_id', count(*) FROM public.audit x WHERE x.user_id = $1"));
	sb_release(&sb);
	arena_free(a);
}

static void test_pg_script(void **state)
{
	(void)state;
	Arena *a = arena_new();
	ErasePlan p;
	plan_for(a, DIALECT_POSTGRES, &p);
	StrBuf sb = STRBUF_INIT;
	erase_script(&p, &sb);
	assert_parses(sb.buf);
	assert_null(strstr(sb.buf, "x.rowid"));
	assert_non_null(strstr(sb.buf, "SELECT x.ctid AS pgc_rowid, x.user_id FROM public.sessions x"));
	sb_reset(&sb);
	erase_batch_sql(&p, node(&p, "sessions"), &sb);
	assert_string_equal(sb.buf, "DELETE FROM public.sessions x WHERE x.ctid = ANY($1::tid[])");
	/* a batch: one statement, rows chosen by ctid in the statement itself,
	 * one UNION ALL branch per way into the set */
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "comments"), 500, false, NULL, 0, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, "DELETE FROM public.comments x WHERE x.ctid = ANY(ARRAY(SELECT x.ctid FROM public.comments x WHERE "));
	assert_non_null(strstr(sb.buf, " UNION ALL SELECT x.ctid FROM public.comments x WHERE "));
	assert_non_null(strstr(sb.buf, " LIMIT 500))"));
	/* with a leaf: the DELETE in a CTE, the leaf's deleted-row counter read
	 * in the same statement */
	EraseNode *leaf = (EraseNode *)node(&p, "comments");
	sb_reset(&sb);
	erase_batch_delete_sql(&p, node(&p, "posts"), 90, false, &leaf, 1, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, ",\n     pgc_d AS (DELETE FROM public.posts x WHERE x.ctid = ANY(ARRAY(SELECT x.ctid FROM public.posts x WHERE "));
	assert_non_null(strstr(sb.buf, " LIMIT 90)) RETURNING 1)\nSELECT (SELECT count(*) FROM pgc_d), "
	                               "pg_catalog.pg_stat_get_xact_tuples_deleted('public.comments'::pg_catalog.regclass)"));
	sb_reset(&sb);
	erase_heavy_leaf_sql(&p, node(&p, "posts"), leaf, 90, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, "DELETE FROM public.comments y WHERE y.ctid = ANY(ARRAY(SELECT y.ctid FROM public.comments y "
	                               "WHERE y.post_id IN (SELECT h.id FROM public.posts h WHERE h.ctid = ANY(ARRAY(SELECT x.ctid FROM public.posts x WHERE "));
	sb_reset(&sb);
	erase_null_batch_sql(&p, null_edge(&p, "bookmarks"), 9, &sb);
	assert_parses(sb.buf);
	assert_non_null(strstr(sb.buf, "UPDATE public.bookmarks x SET post_id = NULL WHERE x.ctid = ANY(ARRAY(SELECT x.ctid FROM "
	                               "public.bookmarks x WHERE x.post_id IN (SELECT p.id FROM pgc_r"));
	assert_non_null(strstr(sb.buf, " LIMIT 9))"));
	/* the same model gives the same script (emit --check compares bytes) */
	StrBuf again = STRBUF_INIT;
	ErasePlan q;
	plan_for(a, DIALECT_POSTGRES, &q);
	erase_script(&q, &again);
	sb_reset(&sb);
	erase_script(&p, &sb);
	assert_string_equal(sb.buf, again.buf);
	assert_string_equal(p.fingerprint, q.fingerprint);
	sb_release(&sb);
	sb_release(&again);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crdb_script),
		cmocka_unit_test(test_pg_script),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
