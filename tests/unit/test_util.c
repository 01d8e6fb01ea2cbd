/* test_util.c - arena, strbuf, hashmap and the identifier quoting function. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"
#include "util/hashmap.h"
#include "util/quote.h"
#include "util/strbuf.h"

static void test_arena(void **state)
{
	(void)state;
	Arena *a = arena_new();
	char *s = arena_strdup(a, "hello");
	assert_string_equal(s, "hello");
	assert_null(arena_strdup(a, NULL));
	char *big = arena_alloc(a, 1 << 20);
	big[(1 << 20) - 1] = 'x';
	assert_string_equal(arena_printf(a, "%s-%d", "a", 7), "a-7");
	PGC_VEC(int) v = {0};
	for (int i = 0; i < 1000; i++)
		VEC_PUSH(a, v, i);
	assert_int_equal(v.n, 1000);
	assert_int_equal(v.items[999], 999);
	assert_true(arena_used(a) >= (1 << 20));
	arena_free(a);
}

static void test_strbuf(void **state)
{
	(void)state;
	StrBuf sb = STRBUF_INIT;
	assert_string_equal(sb.buf, "");
	sb_adds(&sb, "ab");
	sb_addf(&sb, "%d", 12);
	sb_addch(&sb, '!');
	assert_string_equal(sb.buf, "ab12!");
	size_t len;
	char *d = sb_detach(&sb, &len);
	assert_int_equal(len, 5);
	assert_string_equal(d, "ab12!");
	free(d);
	assert_string_equal(sb.buf, "");
	sb_release(&sb);
}

static void test_hashmap(void **state)
{
	(void)state;
	Arena *a = arena_new();
	HashMap *m = hm_new(a);
	char key[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof key, "k%d", i);
		hm_put(m, key, (void *)(intptr_t)(i + 1));
	}
	assert_int_equal(hm_count(m), 5000);
	for (int i = 0; i < 5000; i += 2) {
		snprintf(key, sizeof key, "k%d", i);
		assert_int_equal((intptr_t)hm_del(m, key), i + 1);
	}
	assert_int_equal(hm_count(m), 2500);
	assert_null(hm_get(m, "k0"));
	assert_int_equal((intptr_t)hm_get(m, "k1"), 2);
	assert_int_equal((intptr_t)hm_get(m, "k4999"), 5000);
	arena_free(a);
}

/* Parses "CREATE TABLE <quoted> ()" and returns the table name (caller frees). */
static char *roundtrip(const char *name)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "CREATE TABLE ");
	sb_add_ident(&sb, name);
	sb_adds(&sb, " ()");
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sb.buf);
	sb_release(&sb);
	char *out = NULL;
	if (!r.error) {
		PgQuery__ParseResult *pr = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
		if (pr && pr->n_stmts == 1 && pr->stmts[0]->stmt &&
		    pr->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT &&
		    pr->stmts[0]->stmt->create_stmt->relation)
			out = strdup(pr->stmts[0]->stmt->create_stmt->relation->relname);
		pg_query__parse_result__free_unpacked(pr, NULL);
	}
	pg_query_free_protobuf_parse_result(r);
	return out;
}

static void expect_quote(const char *name, const char *quoted)
{
	Arena *a = arena_new();
	assert_string_equal(quote_ident(a, name), quoted);
	char *back = roundtrip(name);
	assert_non_null(back);
	assert_string_equal(back, name);
	free(back);
	arena_free(a);
}

static void test_quote(void **state)
{
	(void)state;
	expect_quote("users", "users");
	expect_quote("user_id2", "user_id2");
	expect_quote("_x", "_x");
	expect_quote("Users", "\"Users\"");
	expect_quote("select", "\"select\"");   /* reserved */
	expect_quote("order", "\"order\"");
	expect_quote("from", "\"from\"");
	expect_quote("user", "\"user\"");       /* reserved */
	expect_quote("between", "\"between\""); /* col_name keyword */
	expect_quote("int", "\"int\"");         /* col_name keyword */
	expect_quote("left", "\"left\"");       /* type_func_name keyword */
	expect_quote("name", "name");           /* unreserved keyword */
	expect_quote("key", "key");
	expect_quote("1abc", "\"1abc\"");
	expect_quote("a b;c", "\"a b;c\"");
	expect_quote("it's", "\"it's\"");
	expect_quote("say \"hi\"", "\"say \"\"hi\"\"\"");
	expect_quote("Robert'); DROP TABLE students;--", "\"Robert'); DROP TABLE students;--\"");
	expect_quote("caf\xc3\xa9", "\"caf\xc3\xa9\"");
	char n63[64];
	memset(n63, 'a', 63);
	n63[63] = '\0';
	expect_quote(n63, n63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arena),
		cmocka_unit_test(test_strbuf),
		cmocka_unit_test(test_hashmap),
		cmocka_unit_test(test_quote),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
