/*
 * test_naming.c - makeObjectName, the column "addition", and the
 * collision loops of ChooseConstraintName / ChooseRelationName.
 *
 * Expected strings were produced by PostgreSQL 15 for the same inputs
 * (see tests/fixtures/pg/02_naming.sql and 03_truncation.sql).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frontend/naming.h"

#include <string.h>

static Arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = arena_new();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	return 0;
}

static char *repeat(const char *s, int n)
{
	size_t len = strlen(s);
	char *p = arena_alloc(arena, len * (size_t)n + 1);
	for (int i = 0; i < n; i++)
		memcpy(p + len * (size_t)i, s, len);
	return p;
}

static void test_make_short(void **state)
{
	(void)state;
	assert_string_equal(pgname_make(arena, "posts", "user_id", "fkey"), "posts_user_id_fkey");
	assert_string_equal(pgname_make(arena, "posts", NULL, "pkey"), "posts_pkey");
	assert_string_equal(pgname_make(arena, "t", NULL, NULL), "t");
	assert_string_equal(pgname_make(arena, "t", "a", NULL), "t_a");
}

static void test_make_trims_longer_first(void **state)
{
	(void)state;
	/* 63 a's (a truncated 66-byte table name) and 62 b's: 57 bytes are
	 * left for the two parts; the longer one is trimmed first. */
	char *n = pgname_make(arena, repeat("a", 63), repeat("b", 62), "fkey");
	assert_string_equal(n, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbb_fkey");
	assert_int_equal(strlen(n), 63);
	/* label fkey1 is one byte longer: the trim moves */
	const char *t = "long_child_table_name_number_one_for_collision_tests";
	const char *c = "user_id_with_an_extremely_long_column_name_for_collisions_1";
	assert_string_equal(pgname_make(arena, t, c, "fkey"),
	                    "long_child_table_name_number__user_id_with_an_extremely_lo_fkey");
	assert_string_equal(pgname_make(arena, t, c, "fkey1"),
	                    "long_child_table_name_number_user_id_with_an_extremely_lo_fkey1");
	/* a long table, short column: only the table is trimmed */
	assert_string_equal(pgname_make(arena, "organization_membership_invitations_pending_review_by_admins",
	                                "invited_user_id", "fkey"),
	                    "organization_membership_invitations_pendin_invited_user_id_fkey");
	assert_string_equal(pgname_make(arena, "organization_membership_invitations_pending_review_by_admins",
	                                NULL, "pkey"),
	                    "organization_membership_invitations_pending_review_by_admi_pkey");
}

static void test_make_multibyte(void **state)
{
	(void)state;
	/* "a" + 31 x "é" (63 bytes): 56 bytes would split an "é", so 55. */
	char *name1 = arena_printf(arena, "a%s", repeat("\xc3\xa9", 31));
	char *want = arena_printf(arena, "a%s_x_fkey", repeat("\xc3\xa9", 27));
	char *n = pgname_make(arena, name1, "x", "fkey");
	assert_string_equal(n, want);
	assert_int_equal(strlen(n), 62);
	assert_int_equal(pgname_mbcliplen("a\xc3\xa9", 2, 2), 1);
	assert_int_equal(pgname_mbcliplen("a\xc3\xa9", 3, 3), 3);
	assert_int_equal(pgname_mbcliplen("abc", 3, 2), 2);
}

static void test_addition(void **state)
{
	(void)state;
	const char *cols[] = {"tenant_id", "author_id"};
	assert_string_equal(pgname_addition(arena, cols, 2), "tenant_id_author_id");
	const char *expr[] = {NULL, "a"};
	assert_string_equal(pgname_addition(arena, expr, 2), "expr_a");
	/* stops once 63 bytes are reached (the result is later clipped) */
	const char *many[] = {repeat("x", 40), repeat("y", 40), "z"};
	char *a = pgname_addition(arena, many, 3);
	assert_int_equal(strlen(a), 81);
	assert_null(strchr(a, 'z'));
}

static void test_choose_constraint_collisions(void **state)
{
	(void)state;
	Model *m = model_new(arena);
	assert_string_equal(pgname_choose_constraint(m, "public", "posts", "user_id", "fkey"), "posts_user_id_fkey");
	model_note_conname(m, "public", "posts_user_id_fkey");
	assert_string_equal(pgname_choose_constraint(m, "public", "posts", "user_id", "fkey"), "posts_user_id_fkey1");
	model_note_conname(m, "public", "posts_user_id_fkey1");
	assert_string_equal(pgname_choose_constraint(m, "public", "posts", "user_id", "fkey"), "posts_user_id_fkey2");
	/* another schema is another namespace */
	assert_string_equal(pgname_choose_constraint(m, "s", "posts", "user_id", "fkey"), "posts_user_id_fkey");
	/* a freed name is reused */
	model_forget_conname(m, "public", "posts_user_id_fkey");
	assert_string_equal(pgname_choose_constraint(m, "public", "posts", "user_id", "fkey"), "posts_user_id_fkey");
}

static void test_choose_relation(void **state)
{
	(void)state;
	Model *m = model_new(arena);
	Table *t = model_add_table(m, "public", "t_a_idx", (SrcLoc){0});
	(void)t;
	/* a table already called t_a_idx: the index gets t_a_idx1 */
	assert_string_equal(pgname_choose_relation(m, "public", "t", "a", "idx", false), "t_a_idx1");
	/* constraint indexes also avoid constraint names */
	model_note_conname(m, "public", "t_a_key");
	assert_string_equal(pgname_choose_relation(m, "public", "t", "a", "key", true), "t_a_key1");
	assert_string_equal(pgname_choose_relation(m, "public", "t", "a", "key", false), "t_a_key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_make_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_make_trims_longer_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_make_multibyte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_addition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_choose_constraint_collisions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_choose_relation, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
