/*
 * test_crdb.c - the CockroachDB rewrite (crdb.c) and the translation
 * for PostgreSQL (translate.c). Every rewrite must keep the length and
 * every newline, and PostgreSQL 15's parser must accept the result.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "frontend/crdb.h"
#include "frontend/crdb_scan.h"
#include "frontend/frontend.h"

#include <libpq-fe.h>
#include <pg_query.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Arena *A;

static int setup(void **state)
{
	(void)state;
	A = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	A = NULL;
	return 0;
}

static Source src_of(const char *sql)
{
	Source s = {"t.sql", arena_strdup(A, sql), strlen(sql)};
	return s;
}

/* Same length, same newlines, and PostgreSQL's parser accepts it. */
static void assert_pg_text(const char *orig, const char *out)
{
	assert_non_null(out);
	assert_int_equal(strlen(out), strlen(orig));
	for (size_t i = 0; orig[i]; i++) {
		if (orig[i] == '\n' || out[i] == '\n') {
			if (orig[i] != out[i])
				fail_msg("newline moved at offset %zu", i);
		}
	}
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(out);
	if (r.error)
		fail_msg("PostgreSQL parser rejects rewritten text: %s at %d\n%s", r.error->message,
		         r.error->cursorpos, out);
	pg_query_free_protobuf_parse_result(r);
}

/* Rewrites sql, checks the invariants, and returns the result. */
static CrdbRewrite rw(const char *sql)
{
	Source s = src_of(sql);
	CrdbRewrite out;
	Err err = {0};
	assert_int_equal(crdb_rewrite(A, &s, &out, &err), 0);
	assert_pg_text(sql, out.text);
	return out;
}

static void rw_expect(const char *sql, const char *expect)
{
	CrdbRewrite out = rw(sql);
	assert_string_equal(out.text, expect);
}

static void test_types(void **state)
{
	(void)state;
	rw_expect("CREATE TABLE t (a STRING, b BYTES, c STRING[], d INT8, e FLOAT8, f BOOL);",
	          "CREATE TABLE t (a TEXT  , b BYTEA, c TEXT  [], d INT8, e FLOAT8, f BOOL);");
	rw_expect("create table t (a string(20) not null, b bytes);",
	          "create table t (a text       not null, b bytea);");
	/* a column named string keeps its name; quoted "STRING" is a name */
	rw_expect("CREATE TABLE t (string STRING, \"STRING\" int);",
	          "CREATE TABLE t (string TEXT  , \"STRING\" int);");
	/* strings and comments are never touched */
	rw_expect("CREATE TABLE t (a STRING DEFAULT 'STRING', -- STRING\n b INT /* BYTES */);",
	          "CREATE TABLE t (a TEXT   DEFAULT 'STRING', -- STRING\n b INT /* BYTES */);");
	rw_expect("ALTER TABLE t ADD COLUMN IF NOT EXISTS x STRING, ALTER COLUMN y TYPE BYTES;",
	          "ALTER TABLE t ADD COLUMN IF NOT EXISTS x TEXT  , ALTER COLUMN y TYPE BYTEA;");
	rw_expect("SELECT 'a'::STRING, CAST(b AS STRING(3)), 'x':::STRING AS string FROM t;",
	          "SELECT 'a'::TEXT  , CAST(b AS TEXT     ), 'x':: TEXT   AS string FROM t;");
	CrdbRewrite r = rw("CREATE TABLE t (\n  id INT PRIMARY KEY,\n  name STRING\n);");
	assert_string_equal(r.first_syntax, "STRING type");
	assert_int_equal(r.first_offset, (int)(strstr(r.text, "TEXT") - r.text));
}

static void test_no_crdb_syntax(void **state)
{
	(void)state;
	const char *sql = "CREATE TABLE users (id bigint PRIMARY KEY, email text UNIQUE);\n"
	                  "CREATE INDEX ON users USING hash (email);\n"
	                  "CREATE TABLE s (family int, index int, inverted bool, x varchar(10));";
	CrdbRewrite r = rw(sql);
	assert_string_equal(r.text, sql);
	assert_null(r.first_syntax);
	assert_int_equal(r.indexes.n, 0);
}

static void test_inline_indexes(void **state)
{
	(void)state;
	const char *sql =
		"CREATE TABLE orders (\n"
		"  id INT8 PRIMARY KEY,\n"
		"  user_id INT8 NOT NULL,\n"
		"  Code STRING,\n"
		"  doc JSONB,\n"
		"  INDEX (user_id),\n"
		"  UNIQUE INDEX orders_code_key (\"Code\" ASC, user_id DESC) STORING (doc),\n"
		"  INVERTED INDEX doc_idx (doc),\n"
		"  INDEX partial_idx (lower(Code)) WHERE user_id > 0,\n"
		"  FAMILY f1 (id, user_id),\n"
		"  FAMILY \"f2\" (Code, doc)\n"
		");";
	CrdbRewrite r = rw(sql);
	assert_int_equal(r.indexes.n, 4);
	const CrdbInlineIndex *ix = r.indexes.items;
	assert_int_equal(ix[0].offset, (int)(strstr(sql, "INDEX (user_id)") - sql));
	assert_null(ix[0].name);
	assert_int_equal(ix[0].ncols, 1);
	assert_string_equal(ix[0].cols[0], "user_id");
	assert_false(ix[0].unique || ix[0].inverted || ix[0].partial);

	assert_int_equal(ix[1].offset, (int)(strstr(sql, "UNIQUE INDEX") - sql));
	assert_string_equal(ix[1].name, "orders_code_key");
	assert_int_equal(ix[1].ncols, 2);
	assert_string_equal(ix[1].cols[0], "Code");
	assert_string_equal(ix[1].cols[1], "user_id");
	assert_true(ix[1].unique);
	assert_false(ix[1].inverted);

	assert_string_equal(ix[2].name, "doc_idx");
	assert_true(ix[2].inverted);
	assert_int_equal(ix[2].offset, (int)(strstr(sql, "INVERTED INDEX") - sql));

	assert_string_equal(ix[3].name, "partial_idx");
	assert_true(ix[3].partial);
	assert_int_equal(ix[3].ncols, 1);
	assert_null(ix[3].cols[0]);

	assert_string_equal(r.first_syntax, "STRING type");
	/* only columns remain */
	assert_null(strstr(r.text, "INDEX"));
	assert_null(strstr(r.text, "FAMILY"));
	assert_null(strstr(r.text, "STORING"));
}

static void test_element_commas(void **state)
{
	(void)state;
	/* removed elements first, last, consecutive and alone */
	rw_expect("CREATE TABLE t (INDEX (a), INDEX (b), a INT, b INT);",
	          "CREATE TABLE t (                      a INT, b INT);");
	rw_expect("CREATE TABLE t (a INT, INDEX (a), FAMILY (a), b INT, INDEX i (b));",
	          "CREATE TABLE t (a INT                       , b INT             );");
	rw_expect("CREATE TABLE t (INDEX (a));", "CREATE TABLE t (         );");
	CrdbRewrite r = rw("CREATE TABLE t (a INT, INDEX (a));");
	assert_string_equal(r.first_syntax, "INDEX in CREATE TABLE");
	/* "index varchar(10)" and "family int" are columns */
	rw_expect("CREATE TABLE t (index varchar(10), family numeric(10, 2), FAMILY fam (index));",
	          "CREATE TABLE t (index varchar(10), family numeric(10, 2)                    );");
}

static void test_column_family_qualifier(void **state)
{
	(void)state;
	rw_expect("CREATE TABLE t (a INT FAMILY f1, b STRING CREATE FAMILY f2, c INT CREATE IF NOT EXISTS FAMILY f3);",
	          "CREATE TABLE t (a INT          , b TEXT                   , c INT                               );");
}

static void test_storing_and_hash(void **state)
{
	(void)state;
	rw_expect("CREATE INDEX i ON t (a) STORING (b, c);",
	          "CREATE INDEX i ON t (a)               ;");
	rw_expect("CREATE UNIQUE INDEX i ON t (a) COVERING (b) WHERE a > 0;",
	          "CREATE UNIQUE INDEX i ON t (a)              WHERE a > 0;");
	rw_expect("CREATE INDEX i ON t (ts) USING HASH WITH (bucket_count = 8);",
	          "CREATE INDEX i ON t (ts)                                   ;");
	rw_expect("CREATE INDEX i ON t (ts) USING HASH WITH BUCKET_COUNT = 8;",
	          "CREATE INDEX i ON t (ts)                                 ;");
	/* PostgreSQL's own USING hash (access method) is left alone */
	rw_expect("CREATE INDEX i ON t USING hash (ts);", "CREATE INDEX i ON t USING hash (ts);");
	rw_expect("CREATE TABLE t (id UUID PRIMARY KEY USING HASH, ts INT8, PRIMARY KEY (ts) USING HASH WITH (bucket_count = 4), UNIQUE (id) STORING (ts));",
	          "CREATE TABLE t (id UUID PRIMARY KEY           , ts INT8, PRIMARY KEY (ts)                                   , UNIQUE (id)             );");
	CrdbRewrite r = rw("CREATE INDEX i ON t (a) USING HASH;");
	assert_string_equal(r.first_syntax, "USING HASH (hash-sharded index)");
	assert_int_equal(r.first_offset, 24);
}

static void test_create_inverted_index(void **state)
{
	(void)state;
	CrdbRewrite r = rw("CREATE INVERTED INDEX docs_idx ON docs (meta);");
	assert_string_equal(r.text, "CREATE          INDEX docs_idx ON docs (meta);");
	assert_string_equal(r.first_syntax, "CREATE INVERTED INDEX");
	assert_int_equal(r.first_offset, 7);
	assert_int_equal(r.indexes.n, 0);
	rw_expect("CREATE UNIQUE INVERTED INDEX IF NOT EXISTS i ON t (a);",
	          "CREATE UNIQUE          INDEX IF NOT EXISTS i ON t (a);");
}

static void test_add_constraint_if_not_exists(void **state)
{
	(void)state;
	const char *sql = "ALTER TABLE orders ADD CONSTRAINT IF NOT EXISTS orders_user_fk\n"
	                  "  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;";
	CrdbRewrite r = rw(sql);
	assert_string_equal(r.text, "ALTER TABLE orders ADD CONSTRAINT               orders_user_fk\n"
	                            "  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;");
	assert_int_equal(r.if_not_exists.n, 1);
	assert_int_equal(r.if_not_exists.items[0], 34);
	assert_string_equal(r.first_syntax, "ADD CONSTRAINT IF NOT EXISTS");
	/* PostgreSQL's ADD COLUMN IF NOT EXISTS is not ours */
	r = rw("ALTER TABLE t ADD COLUMN IF NOT EXISTS a int, ADD CONSTRAINT c UNIQUE (a);");
	assert_int_equal(r.if_not_exists.n, 0);
	assert_null(r.first_syntax);
}

static void test_show_create_output(void **state)
{
	(void)state;
	/* what CockroachDB's SHOW CREATE TABLE prints */
	const char *sql =
		"CREATE TABLE public.sessions (\n"
		"\tid UUID NOT NULL DEFAULT gen_random_uuid(),\n"
		"\tuser_id INT8 NOT NULL,\n"
		"\tcreated_at TIMESTAMPTZ NULL DEFAULT current_timestamp():::TIMESTAMPTZ,\n"
		"\trowid INT8 NOT VISIBLE NOT NULL DEFAULT unique_rowid(),\n"
		"\tCONSTRAINT \"primary\" PRIMARY KEY (id ASC),\n"
		"\tCONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE,\n"
		"\tINDEX sessions_user_id_idx (user_id ASC),\n"
		"\tFAMILY \"primary\" (id, user_id, created_at, rowid)\n"
		");\n"
		"DROP INDEX sessions@sessions_user_id_idx;\n"
		"DROP INDEX IF EXISTS public.sessions@sessions_user_id_idx CASCADE;\n";
	CrdbRewrite r = rw(sql);
	assert_int_equal(r.indexes.n, 1);
	assert_string_equal(r.indexes.items[0].name, "sessions_user_id_idx");
	assert_string_equal(r.indexes.items[0].cols[0], "user_id");
	assert_non_null(strstr(r.text, "current_timestamp  :: TIMESTAMPTZ"));
	assert_non_null(strstr(r.text, "PRIMARY KEY (id    )"));
	assert_non_null(strstr(r.text, "rowid INT8             NOT NULL"));
	assert_non_null(strstr(r.text, "DROP INDEX          sessions_user_id_idx;"));
	assert_non_null(strstr(r.text, "DROP INDEX IF EXISTS                 sessions_user_id_idx CASCADE;"));
}

static void test_untouched_and_odd_input(void **state)
{
	(void)state;
	/* an unterminated string: the text before it is still rewritten,
	 * the rest is left for the parser to report */
	const char *sql = "CREATE TABLE a (x STRING);\nSELECT 'oops;\nCREATE TABLE b (y STRING);";
	Source s = src_of(sql);
	CrdbRewrite out;
	Err err = {0};
	assert_int_equal(crdb_rewrite(A, &s, &out, &err), 0);
	assert_int_equal(strlen(out.text), strlen(sql));
	assert_memory_equal(out.text, "CREATE TABLE a (x TEXT  );", 26);
	assert_string_equal(out.text + 27, sql + 27);
	/* empty, comments only, binary garbage: no crash, same length */
	const char *odd[] = {"", "-- only a comment\n", "/* unterminated", "$$ unterminated",
	                     "\x01\x02\xff\xfe;;;((((", "CREATE TABLE (", "CREATE TABLE t (INDEX",
	                     "ALTER TABLE t ADD CONSTRAINT IF", "CREATE INDEX i ON t (a) STORING (",
	                     "CREATE TABLE t (a STRING(", "x:::"};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		Source o = src_of(odd[i]);
		assert_int_equal(crdb_rewrite(A, &o, &out, &err), 0);
		assert_int_equal(strlen(out.text), strlen(odd[i]));
	}
	/* 20,000 nested parentheses: no recursion, the cast inside is found */
	enum { DEEP = 20000 };
	char *deep = arena_alloc(A, 2 * DEEP + 64);
	strcpy(deep, "CREATE TABLE t (a STRING DEFAULT ");
	size_t k = strlen(deep);
	for (int i = 0; i < DEEP; i++)
		deep[k++] = '(';
	memcpy(deep + k, "CAST(1 AS STRING)", 17);
	k += 17;
	for (int i = 0; i < DEEP; i++)
		deep[k++] = ')';
	memcpy(deep + k, ");", 3);
	Source o = src_of(deep);
	assert_int_equal(crdb_rewrite(A, &o, &out, &err), 0);
	assert_int_equal(strlen(out.text), strlen(deep));
	assert_non_null(strstr(out.text, "CAST(1 AS TEXT  )"));
	assert_memory_equal(out.text, "CREATE TABLE t (a TEXT   DEFAULT ", 33);
}

/* Chunked scanning must give exactly the whole-text result. */
static void test_chunks(void **state)
{
	(void)state;
	char *big = NULL;
	size_t cap = 0;
	FILE *f = open_memstream(&big, &cap);
	for (int i = 0; i < 300; i++)
		fprintf(f, "CREATE TABLE t%d (a STRING, b BYTES, INDEX (a), FAMILY f (a, b)); -- c;\n"
		           "INSERT INTO t%d VALUES ('x;y', $$a;b$$);\n", i, i);
	fclose(f);
	Source s = src_of(big);
	CrdbRewrite whole, chunked;
	Err err = {0};
	assert_int_equal(crdb_rewrite(A, &s, &whole, &err), 0);
	assert_int_equal(whole.indexes.n, 300);
	size_t saved = crdb_chunk_size;
	size_t sizes[] = {1, 7, 64, 100, 333, 4096};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		crdb_chunk_size = sizes[k];
		assert_int_equal(crdb_rewrite(A, &s, &chunked, &err), 0);
		assert_string_equal(chunked.text, whole.text);
		assert_int_equal(chunked.indexes.n, 300);
		assert_int_equal(chunked.indexes.items[299].offset, whole.indexes.items[299].offset);
	}
	crdb_chunk_size = saved;
	assert_pg_text(big, whole.text);
	free(big);
}

/* Token soup: random CockroachDB-ish fragments never break the invariants. */
static void test_random_soup(void **state)
{
	(void)state;
	static const char *const frag[] = {
		"CREATE", "TABLE", "INDEX", "UNIQUE", "INVERTED", "FAMILY", "STORING", "COVERING",
		"USING", "HASH", "WITH", "BUCKET_COUNT", "=", "8", "(", ")", "(", ")", ",", ",", ";",
		"STRING", "BYTES", "[", "]", "::", ":::", ":", "CAST", "AS", "ALTER", "ADD", "CONSTRAINT",
		"IF", "NOT", "EXISTS", "VISIBLE", "PRIMARY", "KEY", "ASC", "DESC", "WHERE", "a", "b",
		"\"q\"", "t@i", "@", "DROP", "ON", "current_timestamp", "'s;'", "-- c\n", "/* c */",
		"\n", "COLUMN", "TYPE", "SET", "CLUSTER", "SETTING", "CONFIGURE", "ZONE", "unique_rowid",
		"USE", "PARTITION", "OF", ".", "GIN", "DOMAIN", "FUNCTION", "RETURNS", "$$x$$",
	};
	const size_t nf = sizeof(frag) / sizeof(frag[0]);
	unsigned seed = 12345;
	char buf[2048];
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = 0;
		int ntok = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 60;
		for (int k = 0; k < ntok; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *f = frag[(seed >> 16) % nf];
			size_t fl = strlen(f);
			if (len + fl + 2 >= sizeof(buf))
				break;
			memcpy(buf + len, f, fl);
			len += fl;
			buf[len++] = ((seed >> 8) & 3) ? ' ' : '\n';
		}
		buf[len] = '\0';
		Source s = src_of(buf);
		CrdbRewrite out;
		Err err = {0};
		assert_int_equal(crdb_rewrite(A, &s, &out, &err), 0);
		assert_int_equal(strlen(out.text), len);
		for (size_t i = 0; i < len; i++)
			if ((buf[i] == '\n') != (out.text[i] == '\n'))
				fail_msg("newline moved at %zu in: %s", i, buf);
		for (size_t i = 0; i < out.indexes.n; i++)
			assert_true(out.indexes.items[i].offset >= 0 && (size_t)out.indexes.items[i].offset < len);
		char *t = frontend_translate(A, &s, DIALECT_COCKROACH, &err);
		if (t) {
			int nl_in = 0, nl_out = 0;
			for (const char *p = buf; *p; p++)
				nl_in += *p == '\n';
			for (const char *p = t; *p; p++)
				nl_out += *p == '\n';
			assert_int_equal(nl_in, nl_out);
		}
	}
}

/* The hand-written fixtures: the rewritten file is parsed by PostgreSQL. */
static void test_fixtures(void **state)
{
	(void)state;
	const char *paths[] = {"tests/fixtures/crdb/rewrite"};
	SourceList sl = {0};
	Err err = {0};
	if (sources_collect(A, paths, 1, &sl, &err) != 0)
		fail_msg("%s", err.msg);
	assert_true(sl.n >= 3);
	for (size_t i = 0; i < sl.n; i++) {
		CrdbRewrite out;
		assert_int_equal(crdb_rewrite(A, &sl.items[i], &out, &err), 0);
		assert_non_null(out.first_syntax);
		assert_pg_text(sl.items[i].text, out.text);
		char *t = frontend_translate(A, &sl.items[i], DIALECT_COCKROACH, &err);
		if (!t)
			fail_msg("%s", err.msg);
	}
}

/* ---- translate.c ---- */

static char *tr(const char *sql, Err *err)
{
	Source s = src_of(sql);
	return frontend_translate(A, &s, DIALECT_COCKROACH, err);
}

static void test_translate_postgres_identity(void **state)
{
	(void)state;
	Source s = src_of("CREATE TABLE t (a string);");
	Err err = {0};
	assert_ptr_equal(frontend_translate(A, &s, DIALECT_POSTGRES, &err), s.text);
}

static void test_translate_blanks_harmless(void **state)
{
	(void)state;
	Err err = {0};
	const char *sql = "SET CLUSTER SETTING kv.rangefeed.enabled = true;\n"
	                  "SET sql_safe_updates = false;\n"
	                  "SET experimental_enable_hash_sharded_indexes = on;\n"
	                  "USE defaultdb;\n"
	                  "ALTER TABLE t CONFIGURE ZONE USING gc.ttlseconds = 600;\n"
	                  "ALTER TABLE t SPLIT AT VALUES (1);\n"
	                  "SET search_path = app, public;\n"
	                  "CREATE TABLE t (id INT8 PRIMARY KEY DEFAULT unique_rowid(), s STRING);\n";
	char *out = tr(sql, &err);
	assert_non_null(out);
	assert_pg_text(sql, out);
	assert_null(strstr(out, "CLUSTER"));
	assert_null(strstr(out, "sql_safe_updates"));
	assert_null(strstr(out, "experimental"));
	assert_null(strstr(out, "defaultdb"));
	assert_null(strstr(out, "ZONE"));
	assert_null(strstr(out, "SPLIT"));
	assert_null(strstr(out, "unique_rowid"));
	assert_non_null(strstr(out, "SET search_path = app, public;"));
	assert_non_null(strstr(out, "s TEXT  "));
}

/* Inline indexes become CREATE INDEX statements after the table's ';'. */
static void test_translate_inline_indexes(void **state)
{
	(void)state;
	Err err = {0};
	const char *sql = "CREATE TABLE a (id INT8 PRIMARY KEY, code STRING, doc JSONB,\n"
	                  "  UNIQUE INDEX a_code_key (code ASC) STORING (id), INDEX (id),\n"
	                  "  INVERTED INDEX a_doc_idx (doc), INDEX a_part (lower(code)) WHERE id > 0);\n"
	                  "CREATE TABLE b (code STRING REFERENCES a (code), UNIQUE INDEX (code, \"X\"))";
	char *out = tr(sql, &err);
	assert_non_null(out);
	const char *line1 = "CREATE TABLE a (id INT8 PRIMARY KEY, code TEXT  , doc JSONB \n";
	assert_memory_equal(out, line1, strlen(line1));
	const char *tail = ");"
	                   " CREATE UNIQUE INDEX IF NOT EXISTS a_code_key ON a (code ASC);"
	                   " CREATE INDEX ON a (id);"
	                   " CREATE INDEX IF NOT EXISTS a_doc_idx ON a USING gin (doc);"
	                   " CREATE INDEX IF NOT EXISTS a_part ON a (lower(code)) WHERE id > 0;\n"
	                   "CREATE TABLE b (code TEXT   REFERENCES a (code)";
	if (!strstr(out, tail))
		fail_msg("translated text lacks the expected tail:\n%s", out);
	/* an unnamed UNIQUE INDEX keeps CockroachDB's name <table>_<cols>_key;
	 * the last statement has no ';', so one is added before */
	const char *end = "); CREATE UNIQUE INDEX \"b_code_X_key\" ON b (code, \"X\");";
	assert_string_equal(out + strlen(out) - strlen(end), end);
	/* every line keeps its number */
	int nl_in = 0, nl_out = 0;
	for (const char *p = sql; *p; p++)
		nl_in += *p == '\n';
	for (const char *p = out; *p; p++)
		nl_out += *p == '\n';
	assert_int_equal(nl_in, nl_out);
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(out);
	assert_null(r.error);
	pg_query_free_protobuf_parse_result(r);
}

static void test_translate_errors(void **state)
{
	(void)state;
	Err err = {0};
	assert_null(tr("CREATE TABLE t (id INT8 PRIMARY KEY, b INT8);\n"
	               "ALTER TABLE t ALTER PRIMARY KEY USING COLUMNS (b);", &err));
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "t.sql:2:15: "));
	assert_non_null(strstr(err.msg, "ALTER PRIMARY KEY"));
}

/* Runs sql on c; fails the test with the server's message. */
static PGresult *exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
		PQclear(r);
		fail_msg("PostgreSQL rejected it: %s", msg);
	}
	return r;
}

static const char *one_value(PGconn *c, const char *sql)
{
	PGresult *r = exec_ok(c, sql);
	const char *v = PQntuples(r) ? arena_strdup(A, PQgetvalue(r, 0, 0)) : "";
	PQclear(r);
	return v;
}

/*
 * The translated fixtures run on the suite's real PostgreSQL (PGHOST...
 * from scripts/test.sh; no server is a failure, never a skip), and the
 * schema PostgreSQL builds has what the CockroachDB files declare.
 */
static void test_translate_applies_on_postgres(void **state)
{
	(void)state;
	PGconn *admin = PQconnectdb("dbname=postgres connect_timeout=10");
	if (PQstatus(admin) != CONNECTION_OK) {
		char msg[512];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(admin));
		PQfinish(admin);
		fail_msg("no PostgreSQL (run through scripts/test.sh): %s", msg);
	}
	char db[64];
	snprintf(db, sizeof(db), "pgc_crdb_%d", (int)getpid());
	PQclear(exec_ok(admin, arena_printf(A, "DROP DATABASE IF EXISTS %s", db)));
	PQclear(exec_ok(admin, arena_printf(A, "CREATE DATABASE %s", db)));
	PGconn *c = PQconnectdb(arena_printf(A, "dbname=%s connect_timeout=10", db));
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PQclear(exec_ok(c, "SET client_min_messages = warning"));

	const char *paths[] = {"tests/fixtures/crdb/rewrite"};
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, paths, 1, &sl, &err), 0);
	for (size_t i = 0; i < sl.n; i++) {
		char *t = frontend_translate(A, &sl.items[i], DIALECT_COCKROACH, &err);
		if (!t)
			fail_msg("%s", err.msg);
		PQclear(exec_ok(c, t));
	}
	/* 001: UNIQUE INDEX users_email_key, the unnamed INDEX, the inverted one */
	assert_string_equal(one_value(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'users_email_key'"),
	                    "CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email)");
	assert_string_equal(one_value(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'users_tags_idx'"),
	                    "CREATE INDEX users_tags_idx ON public.users USING gin (tags)");
	/* pkey, email key, the unnamed INDEX, tags_idx; 002 adds users_tags_gin */
	assert_string_equal(one_value(c, "SELECT count(*) FROM pg_indexes WHERE tablename = 'users'"), "5");
	assert_string_equal(one_value(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'users_display_name_idx'"),
	                    "CREATE INDEX users_display_name_idx ON public.users USING btree (display_name)");
	assert_string_equal(one_value(c, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
	                                 "WHERE attrelid = 'users'::regclass AND attname = 'tags'"), "text[]");
	assert_string_equal(one_value(c, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute "
	                                 "WHERE attrelid = 'users'::regclass AND attname = 'avatar'"), "bytea");
	/* 002: the FK added with IF NOT EXISTS, the partial index */
	assert_string_equal(one_value(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
	                                 "WHERE conname = 'orders_user_id_fkey'"),
	                    "FOREIGN KEY (user_id) REFERENCES users(id)");
	assert_string_equal(one_value(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_user_idx'"),
	                    "CREATE INDEX orders_user_idx ON public.orders USING btree (user_id, placed_at DESC) "
	                    "WHERE (note IS NOT NULL)");
	/* unique_rowid() gave a key */
	PQclear(exec_ok(c, "INSERT INTO users (email) VALUES ('a@example.com');"
	                   "INSERT INTO orders (user_id) SELECT id FROM users"));
	assert_string_equal(one_value(c, "SELECT count(*) FROM orders WHERE id > 0"), "1");
	/* 003: sessions, its FK, and the dropped index is gone */
	assert_string_equal(one_value(c, "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
	                                 "WHERE conname = 'sessions_user_id_fkey'"),
	                    "FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE");
	assert_string_equal(one_value(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'sessions_user_id_idx'"), "0");
	assert_string_equal(one_value(c, "SELECT indexdef FROM pg_indexes WHERE indexname = 'sessions_token_key'"),
	                    "CREATE UNIQUE INDEX sessions_token_key ON public.sessions USING btree (token)");
	/* The bundled CockroachDB example applies, and every named inline
	 * index the rewrite recorded is an index PostgreSQL now has, with the
	 * same uniqueness (checked right after its file). */
	PQclear(exec_ok(c, "DROP SCHEMA public CASCADE; CREATE SCHEMA public"));
	const char *ex[] = {"examples/skytwin/schema.sql", "examples/skytwin/migrations"};
	SourceList es = {0};
	assert_int_equal(sources_collect(A, ex, 2, &es, &err), 0);
	int checked = 0;
	for (size_t i = 0; i < es.n; i++) {
		char *t = frontend_translate(A, &es.items[i], DIALECT_COCKROACH, &err);
		if (!t)
			fail_msg("%s", err.msg);
		PQclear(exec_ok(c, t));
		CrdbRewrite rr;
		assert_int_equal(crdb_rewrite(A, &es.items[i], &rr, &err), 0);
		for (size_t k = 0; k < rr.indexes.n; k++) {
			const CrdbInlineIndex *ix = &rr.indexes.items[k];
			if (!ix->name)
				continue;
			const char *pv[1] = {ix->name};
			PGresult *r = PQexecParams(c, "SELECT indexdef LIKE 'CREATE UNIQUE%' FROM pg_indexes WHERE indexname = $1",
			                           1, NULL, pv, NULL, NULL, 0);
			assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
			if (PQntuples(r) != 1)
				fail_msg("%s: index %s not in PostgreSQL", es.items[i].path, ix->name);
			assert_string_equal(PQgetvalue(r, 0, 0), ix->unique ? "t" : "f");
			PQclear(r);
			checked++;
		}
	}
	assert_true(checked > 0);

	/* the blanked CockroachDB-only statements leave something PostgreSQL runs */
	const char *harmless = "SET CLUSTER SETTING kv.rangefeed.enabled = true;\n"
	                       "SET sql_safe_updates = false;\n"
	                       "USE defaultdb;\n"
	                       "CREATE TABLE h (id INT PRIMARY KEY DEFAULT unique_rowid(), s STRING(5));\n"
	                       "ALTER TABLE h CONFIGURE ZONE USING gc.ttlseconds = 600;\n"
	                       "ALTER TABLE h SPLIT AT VALUES (1);\n"
	                       "INSERT INTO h (s) VALUES ('x'), ('y');";
	char *ht = tr(harmless, &err);
	assert_non_null(ht);
	PQclear(exec_ok(c, ht));
	assert_string_equal(one_value(c, "SELECT count(DISTINCT id) FROM h"), "2");
	PQfinish(c);
	PQclear(exec_ok(admin, arena_printf(A, "DROP DATABASE %s", db)));
	PQfinish(admin);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_crdb_syntax, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_element_commas, setup, teardown),
		cmocka_unit_test_setup_teardown(test_column_family_qualifier, setup, teardown),
		cmocka_unit_test_setup_teardown(test_storing_and_hash, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_inverted_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_add_constraint_if_not_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_show_create_output, setup, teardown),
		cmocka_unit_test_setup_teardown(test_untouched_and_odd_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chunks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_soup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixtures, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_postgres_identity, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_blanks_harmless, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_inline_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_applies_on_postgres, setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	pg_query_exit();
	return rc;
}
