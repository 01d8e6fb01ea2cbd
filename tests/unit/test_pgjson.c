/*
 * test_pgjson.c - the JSON path gives the tree the protobuf path gives.
 *
 * For each statement, pgjson_read() of pg_query_parse()'s JSON, packed
 * again by protobuf-c, must be byte for byte pg_query_parse_protobuf()'s
 * output: on hand-written statements where libpg_query 15-4.0's JSON
 * loses an Integer (0 and negative values print as {}) and pgjson.c
 * rebuilds it from the tokens, on statements it must decline (the
 * protobuf path then reads them), and on every statement of every SQL
 * file under tests/fixtures and tests/golden.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frontend/pgjson.h"

#include <dirent.h>
#include <stdbool.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A malloc'd allocator whose blocks are freed together (test only). */
typedef struct Pool {
	void **p;
	size_t n, cap;
	ProtobufCAllocator pa;
} Pool;

static void *pool_alloc(void *data, size_t n)
{
	Pool *pl = data;
	if (pl->n == pl->cap) {
		pl->cap = pl->cap ? 2 * pl->cap : 256;
		pl->p = realloc(pl->p, pl->cap * sizeof(void *));
		assert_non_null(pl->p);
	}
	void *b = malloc(n);
	assert_non_null(b);
	return pl->p[pl->n++] = b;
}

static void pool_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

static void pool_reset(Pool *pl)
{
	for (size_t i = 0; i < pl->n; i++)
		free(pl->p[i]);
	pl->n = 0;
}

static Pool pool = {.pa = {pool_alloc, pool_free, &pool}};
static PgJson *pj;

typedef enum { READ, DECLINED, EITHER } Want;

/* Checks one statement: 1 when the JSON path read it, 0 when it declined,
 * -1 when the statement does not parse. */
static int same_tree(const char *sql, Want want)
{
	PgQueryProtobufParseResult p = pg_query_parse_protobuf(sql);
	PgQueryParseResult j = pg_query_parse(sql);
	int read = -1;
	assert_int_equal(!p.error, !j.error);
	if (!p.error) {
		PgQuery__ParseResult *t =
		    pgjson_read(pj, sql, strlen(sql), j.parse_tree, strlen(j.parse_tree), &pool.pa);
		read = t != NULL;
		if (!t && getenv("PGJSON_VERBOSE"))
			print_message("declined: %s\n", sql);
		if (want != EITHER && read != (want == READ ? 1 : 0))
			fail_msg("%s: expected the JSON path to %s it", sql, want == READ ? "read" : "decline");
		if (t) {
			size_t n = pg_query__parse_result__get_packed_size(t);
			uint8_t *b = malloc(n ? n : 1);
			assert_non_null(b);
			assert_int_equal(pg_query__parse_result__pack(t, b), n);
			if (n != p.parse_tree.len || memcmp(b, p.parse_tree.data, n) != 0)
				fail_msg("trees differ: %s", sql);
			free(b);
		}
	}
	pool_reset(&pool);
	pg_query_free_parse_result(j);
	pg_query_free_protobuf_parse_result(p);
	return read;
}

static void test_lost_integers(void **state)
{
	(void)state;
	static const char *const mended[] = {
		"CREATE TABLE t (a int DEFAULT -5, b int DEFAULT 0, c int DEFAULT - /* x */ 7, d int DEFAULT -(3))",
		"CREATE TABLE t (a int DEFAULT - - 0, b bigint DEFAULT -2147483647, c int DEFAULT -- 9\n -4)",
		"CREATE TABLE t (a int[] DEFAULT '{}', b text[0], c int ARRAY, d int ARRAY[0], e int[][3][])",
		"CREATE TABLE t (a numeric(5,-2), b varchar(10)[] DEFAULT ARRAY['a,b'], c double precision[])",
		"CREATE TABLE t (a \"char\"[], b timestamp(3) with time zone[], c \"int4\"[ ], d int /* c */ [ /* d */ ])",
		"CREATE TABLE t (a int CHECK (a > -1 AND a < 0))",
		"ALTER TABLE t ALTER COLUMN a SET DEFAULT -1, ALTER COLUMN b TYPE int[] USING '{}'",
		"CREATE TABLE p5 PARTITION OF p FOR VALUES FROM (-10) TO (0)",
		"SELECT -1, 0, ARRAY[0, -1], '{1}'::int[]",
		/* past the first 48-byte window: read again in 256 bytes */
		"CREATE TABLE t (a \"a type whose name is long, longer than the window\"[0][], "
		"b timestamp(3) with time zone /* a comment between the name and the bounds */ [])",
		"CREATE TABLE t (a int ARRAY /* a comment that pushes the bound out of the window */ [0])",
	};
	static const char *const declined[] = {
		/* an Integer DefElem argument: neither rule applies */
		"CREATE SEQUENCE s INCREMENT BY -1 MINVALUE -100 START WITH 0",
		"ALTER TABLE t ALTER COLUMN a SET STATISTICS -1",
		/* the 64-byte window ends inside the constant: not trusted */
		"CREATE TABLE t (a int DEFAULT -                                                       12345678)",
	};
	static const char *const plain[] = {
		"CREATE TABLE t (id bigserial PRIMARY KEY, u bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE)",
		"CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS i ON s.t USING btree (lower(a), b DESC) WHERE c IS NULL",
		"ALTER TABLE t ADD CONSTRAINT f FOREIGN KEY (a, b) REFERENCES u (x, y) MATCH FULL ON DELETE SET NULL (a) NOT VALID",
		"CREATE TABLE \"Quoted\" (\"a\"\"b\" text DEFAULT E'\\n\\u00e9' COLLATE \"C\")",
		"CREATE TYPE mood AS ENUM ('sad', 'ok'); CREATE DOMAIN d AS int CHECK (VALUE > 5)",
	};
	for (size_t i = 0; i < sizeof(mended) / sizeof(mended[0]); i++)
		same_tree(mended[i], READ);
	for (size_t i = 0; i < sizeof(declined) / sizeof(declined[0]); i++)
		same_tree(declined[i], DECLINED);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		same_tree(plain[i], READ);
}

static size_t nfiles, nstmts, nread;

static void check_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *text = NULL;
	size_t len = 0, cap = 0, r;
	do {
		if (len + 65536 + 1 > cap) {
			cap = 2 * cap + 65536 + 1;
			text = realloc(text, cap);
			assert_non_null(text);
		}
		r = fread(text + len, 1, cap - len - 1, f);
		len += r;
	} while (r > 0);
	fclose(f);
	text[len] = '\0';
	nfiles++;
	PgQuerySplitResult sr = pg_query_split_with_scanner(text);
	for (int k = 0; !sr.error && k < sr.n_stmts; k++) {
		char *q = strndup(text + sr.stmts[k]->stmt_location, (size_t)sr.stmts[k]->stmt_len);
		assert_non_null(q);
		int rd = same_tree(q, EITHER);
		nstmts += rd >= 0;
		nread += rd == 1;
		free(q);
	}
	pg_query_free_split_result(sr);
	free(text);
}

static void walk(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (stat(path, &st) != 0)
			continue;
		size_t n = strlen(e->d_name);
		if (S_ISDIR(st.st_mode))
			walk(path);
		else if (n > 4 && strcmp(e->d_name + n - 4, ".sql") == 0)
			check_file(path);
	}
	closedir(d);
}

static void test_fixtures(void **state)
{
	(void)state;
	walk("tests/fixtures");
	walk("tests/golden");
	print_message("%zu files, %zu statements that parse, %zu read from JSON\n", nfiles, nstmts, nread);
	assert_true(nfiles > 50);
	assert_true(nread * 20 > nstmts * 19); /* the JSON path is the rule, not the exception */
}

int main(void)
{
	pj = pgjson_new();
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lost_integers),
		cmocka_unit_test(test_fixtures),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	pgjson_free(pj);
	free(pool.p);
	pg_query_exit();
	return rc;
}
