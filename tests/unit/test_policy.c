/*
 * test_policy.c - the [erase] section of .pgcascade.ini (policy/policy.c):
 * lists, quoting, anonymize constants, errors with file:line, and the
 * check against a model (missing table or column: exit 2 with the line).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "lint/config.h"
#include "policy/policy.h"

#include <string.h>

static int load(Arena *a, const char *text, LintConfig *c, Err *e)
{
	config_init(c);
	memset(e, 0, sizeof(*e));
	return config_load_string(a, "p.ini", text, c, e);
}

static void test_policy_ok(void **state)
{
	(void)state;
	Arena *a = arena_new();
	LintConfig c;
	Err e;
	const char *text =
		"[rules]\nfk-unindexed = off\n"
		"[erase]\n"
		"retain = audit.log, \"Invoices\"\n"
		"anonymize = invoices.email=NULL, billing.invoices.name = 'O''Brien, erased'\n"
		"delete-by = events.user_id\n"
		"retain = archive\n";
	assert_int_equal(load(a, text, &c, &e), 0);
	assert_int_equal(c.erase.retain.n, 3);
	assert_string_equal(c.erase.retain.items[0].schema, "audit");
	assert_string_equal(c.erase.retain.items[0].table, "log");
	assert_string_equal(c.erase.retain.items[1].schema, "public");
	assert_string_equal(c.erase.retain.items[1].table, "Invoices");
	assert_int_equal(c.erase.retain.items[2].line, 7);
	assert_int_equal(c.erase.anonymize.n, 2);
	assert_null(c.erase.anonymize.items[0].value);
	assert_string_equal(c.erase.anonymize.items[0].column, "email");
	assert_string_equal(c.erase.anonymize.items[1].schema, "billing");
	assert_string_equal(c.erase.anonymize.items[1].table, "invoices");
	assert_string_equal(c.erase.anonymize.items[1].value, "O'Brien, erased");
	assert_int_equal(c.erase.delete_by.n, 1);
	assert_string_equal(c.erase.delete_by.items[0].column, "user_id");
	assert_string_equal(c.erase.path, "p.ini");
	arena_free(a);
}

static void test_policy_errors(void **state)
{
	(void)state;
	static const struct { const char *text, *msg; } cases[] = {
		{"[erase]\nkeep = x\n", "p.ini:2: unknown key \"keep\" in [erase] (expected retain, anonymize or delete-by)"},
		{"[erase]\n\nretain = a.b.c\n", "p.ini:3: bad item \"a.b.c\" for retain: expected table or schema.table"},
		{"[erase]\nretain = a,,b\n", "p.ini:2: bad value \"a,,b\" for retain: expected items separated by commas"},
		{"[erase]\ndelete-by = events\n", "p.ini:2: bad item \"events\" for delete-by: expected table.column or schema.table.column"},
		{"[erase]\nanonymize = t.c\n", "p.ini:2: bad item \"t.c\" for anonymize: expected table.column=NULL or table.column='constant'"},
		{"[erase]\nanonymize = t.c=42\n", "p.ini:2: bad value \"42\" in \"t.c=42\" for anonymize: expected NULL or a quoted 'constant'"},
		{"[erase]\nanonymize = t.c='x'y\n", "p.ini:2: unexpected text \"y\" after the constant in \"t.c='x'y\" for anonymize"},
		{"[erase]\nanonymize = t.c='x\n", "p.ini:2: bad value \"t.c='x\" for anonymize: expected items separated by commas"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Arena *a = arena_new();
		LintConfig c;
		Err e;
		assert_int_equal(load(a, cases[i].text, &c, &e), -1);
		assert_int_equal(e.code, PGC_EXIT_USAGE);
		assert_string_equal(e.msg, cases[i].msg);
		arena_free(a);
	}
}

static void test_policy_check(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	SrcLoc nowhere = {0};
	Table *inv = model_add_table(m, "public", "invoices", nowhere);
	model_add_column(m, inv, "id", "integer");
	model_add_column(m, inv, "email", "text");
	Table *log = model_add_table(m, "audit", "log", nowhere);
	model_add_column(m, log, "user_id", "integer");
	LintConfig c;
	Err e;
	assert_int_equal(load(a, "[erase]\nretain = audit.log\nanonymize = invoices.email=NULL\n"
	                         "delete-by = audit.log.user_id\n", &c, &e), 0);
	assert_int_equal(policy_check(&c.erase, m, &e), 0);
	assert_true(policy_retained(&c.erase, log));
	assert_false(policy_retained(&c.erase, inv));
	assert_true(policy_anonymized(&c.erase, inv));
	assert_non_null(policy_delete_by(&c.erase, log));
	assert_null(policy_delete_by(&c.erase, inv));

	assert_int_equal(load(a, "[erase]\nretain = audit.log\n\nanonymize = invoices.mail=NULL\n", &c, &e), 0);
	assert_int_equal(policy_check(&c.erase, m, &e), -1);
	assert_int_equal(e.code, PGC_EXIT_USAGE);
	assert_string_equal(e.msg, "p.ini:4: anonymize names column mail of public.invoices, which does not exist");

	assert_int_equal(load(a, "[erase]\nretain = log\n", &c, &e), 0);
	assert_int_equal(policy_check(&c.erase, m, &e), -1);
	assert_string_equal(e.msg, "p.ini:2: retain names table public.log, which does not exist");

	assert_int_equal(load(a, "[erase]\nretain = invoices\nanonymize = invoices.email='x'\n", &c, &e), 0);
	assert_int_equal(policy_check(&c.erase, m, &e), -1);
	assert_string_equal(e.msg, "p.ini:3: table public.invoices is both retained and anonymized");

	ErasePolicy p = {0};
	assert_int_equal(policy_add_retain(a, &p, "audit.log", &e), 0);
	assert_int_equal(policy_add_retain(a, &p, "a.b.c", &e), -1);
	assert_int_equal(policy_check(&p, m, &e), 0);
	assert_true(policy_retained(&p, log));
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_ok),
		cmocka_unit_test(test_policy_errors),
		cmocka_unit_test(test_policy_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
