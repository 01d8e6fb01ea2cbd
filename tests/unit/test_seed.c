/*
 * test_seed.c - verify's value generation: the candidates CHECK
 * constraints suggest (inputs are pg_get_constraintdef() output copied
 * from PostgreSQL 15 for tests/fixtures/verify/type-zoo.sql), and the
 * generic values per type. tests/integration/t0627-seed-pins-oracle.sh reads
 * the pins below and checks each on PostgreSQL (the hints satisfy their
 * CHECK, the generic values are accepted by their type).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/strbuf.h"
#include "verify/seed.h"

/* "a|b|c" of the hints, for compact assertions */
static const char *hints(Arena *a, const char *expr, const char *col, bool domain)
{
	const char **v;
	int n = seed_check_hints(a, expr, col, domain, &v);
	StrBuf sb = STRBUF_INIT;
	for (int i = 0; i < n; i++) {
		if (i)
			sb_addch(&sb, '|');
		sb_adds(&sb, v[i]);
	}
	const char *r = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return r;
}

static void test_check_hints(void **state)
{
	(void)state;
	Arena *a = arena_new();
	/* as PostgreSQL prints them */
	assert_string_equal(hints(a, "CHECK ((status = ANY (ARRAY['active'::text, 'disabled'::text])))", "status", false),
	                    "active|disabled");
	assert_string_equal(hints(a, "CHECK (((code)::text = ANY (ARRAY['A1'::text, 'B2'::text])))", "code", false),
	                    "A1|B2");
	assert_string_equal(hints(a, "CHECK (((level >= 3) AND (level <= 7)))", "level", false), "3");
	assert_string_equal(hints(a, "CHECK (((age >= 18) AND (age < 130)))", "age", false), "18");
	assert_string_equal(hints(a, "CHECK ((n_num > (0)::numeric))", "n_num", false), "1");
	assert_string_equal(hints(a, "CHECK (((VALUE >= 0) AND (VALUE <= 100)))", "pct", true), "0");
	assert_string_equal(hints(a, "CHECK (((VALUE)::text = ANY ((ARRAY['YES'::character varying, "
	                                "'NO'::character varying])::text[])))", "yn", true), "YES|NO");
	assert_string_equal(hints(a, "CHECK ((t_text <> ''::text))", "t_text", false), "");
	assert_string_equal(hints(a, "CHECK ((x < 0))", "x", false), "-1");
	/* not this column */
	assert_string_equal(hints(a, "CHECK ((other = 'a'::text))", "x", false), "");
	/* as users write them */
	assert_string_equal(hints(a, "status IN ('a', 'b''c')", "status", false), "a|b'c");
	assert_string_equal(hints(a, "n BETWEEN 5 AND 9", "n", false), "5");
	assert_string_equal(hints(a, "0 < qty", "qty", false), "1");
	assert_string_equal(hints(a, "(\"My \"\"Col\"\"\" = 'x'::text)", "My \"Col\"", false), "x");
	assert_string_equal(hints(a, "(t >= '-5'::integer)", "t", false), "-5");
	assert_string_equal(hints(a, "(n > -3)", "n", false), "-2");
	/* a fractional range gets a value inside it */
	assert_string_equal(hints(a, "((r > 0.1) AND (r < 0.2))", "r", false), "0.15");
	arena_free(a);
}

static const char *gen(const char *type, int k, long serial)
{
	static char buf[256];
	if (!seed_generic_value(type, k, serial, buf, sizeof(buf)))
		return NULL;
	return buf;
}

static void test_generic_values(void **state)
{
	(void)state;
	assert_string_equal(gen("uuid", 0, 1), "00000000-0000-4000-8000-000000000001");
	assert_string_equal(gen("integer", 0, 100), "100");
	assert_string_equal(gen("smallint", 0, 32000), "1");
	assert_string_equal(gen("numeric(4,2)", 0, 12345), "45");
	assert_string_equal(gen("character varying(3)", 0, 100), "v2s");
	assert_string_equal(gen("character(1)", 0, 37), "1");
	assert_string_equal(gen("bit(4)", 0, 5), "0101");
	assert_string_equal(gen("date", 0, 1), "2000-01-02");
	assert_string_equal(gen("timestamp(3) with time zone", 0, 1), "2000-01-01 00:01:00+00");
	assert_string_equal(gen("bytea", 0, 255), "\\x000000ff");
	assert_string_equal(gen("inet", 0, 258), "10.0.1.2");
	assert_string_equal(gen("jsonb", 0, 1), "{}");
	assert_string_equal(gen("boolean", 1, 1), "false");
	assert_null(gen("boolean", 2, 1));
	assert_string_equal(gen("int4range", 0, 1), "empty");
	assert_string_equal(gen("public.some_unknown_type", 0, 1), "x");
	/* distinct per serial: what UNIQUE needs */
	char a[64], b[64];
	seed_generic_value("text", 0, 7, a, sizeof(a));
	seed_generic_value("text", 0, 8, b, sizeof(b));
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_hints),
		cmocka_unit_test(test_generic_values),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
