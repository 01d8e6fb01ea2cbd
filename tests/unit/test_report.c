/*
 * test_report.c - the audit reporters on a hand-built model: the JSON
 * contract (parsed back with json-c), the text summary and finding
 * lines, dot and mermaid, --format names, and write errors.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis.h"
#include "exitcodes.h"
#include "report/report.h"
#include "report/words.h"
#include "shape.h"

typedef struct Fixture {
	Arena *a;
	Model *m;
	Analysis an;
} Fixture;

/* users <- oauth_tokens (no action) ; users <- decisions (cascade) <- feedback (no action);
 * teams (set null to users) <- members ; audit_log.user_id without FK ; a parse error. */
static int setup(void **state)
{
	Fixture *fx = calloc(1, sizeof(*fx));
	fx->a = arena_new();
	Model *m = fx->m = model_new(fx->a);
	m->dialect = DIALECT_POSTGRES;
	Table *u = shape_table(m, "users"), *ot = shape_table(m, "oauth_tokens"),
	      *d = shape_table(m, "decisions"), *fb = shape_table(m, "decision_feedback"),
	      *tm = shape_table_in(m, "org", "Teams"), *mem = shape_table(m, "members"),
	      *log = shape_table(m, "audit_log");
	ForeignKey *fk = shape_fk(m, "oauth_tokens_user_id_fkey", ot, "user_id", u, FK_NO_ACTION);
	fk->origin.file = "migrations/002-oauth-tokens.sql";
	fk->origin.line = 3;
	fk->origin.col = 3;
	fk->ref_loc = fk->origin; /* findings point at the REFERENCES clause */
	shape_fk(m, "decisions_user_id_fkey", d, "user_id", u, FK_CASCADE);
	fk = shape_fk(m, "decision_feedback_decision_id_fkey", fb, "decision_id", d, FK_NO_ACTION);
	fk->name_predicted = true;
	shape_fk(m, "Teams \"owner\"", tm, "owner_id", u, FK_SET_NULL);
	shape_fk(m, "members_team_id_fkey", mem, "team_id", tm, FK_CASCADE);
	model_add_column(m, log, "user_id", "uuid");
	SrcLoc l = {"migrations/009-bad.sql", 4, 7, 50};
	model_add_finding(m, "parse-error", SEV_ERROR, l, "syntax error at or near \"TABEL\"");
	Err e = {0};
	if (analyze(m, NULL, &fx->an, &e) != 0)
		fail_msg("analyze: %s", e.msg);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	Fixture *fx = *state;
	arena_free(fx->a);
	free(fx);
	return 0;
}

/* Runs a reporter into a string; the caller frees it. */
static char *render(Fixture *fx, ReportFormat fmt, bool color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	Err e = {0};
	assert_int_equal(report_audit(f, fx->m, &fx->an, fmt, color, &e), 0);
	fclose(f);
	return buf;
}

static json_object *get(json_object *o, const char *k)
{
	json_object *v = NULL;
	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("missing key %s in %s", k, json_object_to_json_string(o));
	return v;
}

static const char *gets(json_object *o, const char *k)
{
	return json_object_get_string(get(o, k));
}

static void test_json_contract(void **state)
{
	Fixture *fx = *state;
	char *s = render(fx, FMT_JSON, false);
	json_object *doc = json_tokener_parse(s);
	assert_non_null(doc);
	assert_int_equal(json_object_get_int(get(doc, "version")), 1);

	json_object *roots = get(doc, "roots");
	assert_int_equal(json_object_array_length(roots), 1);
	json_object *r = json_object_array_get_idx(roots, 0);
	assert_string_equal(gets(r, "schema"), "public");
	assert_string_equal(gets(r, "table"), "users");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(r, "columns"), 0)), "id");

	/* Every FK of the model, sorted by schema, table, name. */
	json_object *fks = get(doc, "foreign_keys");
	assert_int_equal(json_object_array_length(fks), 5);
	assert_string_equal(gets(json_object_array_get_idx(fks, 0), "schema"), "org");
	assert_string_equal(gets(json_object_array_get_idx(fks, 0), "name"), "Teams \"owner\"");
	assert_string_equal(gets(json_object_array_get_idx(fks, 0), "on_delete"), "set null");
	json_object *ot = json_object_array_get_idx(fks, 4);
	assert_string_equal(gets(ot, "name"), "oauth_tokens_user_id_fkey");
	assert_string_equal(gets(ot, "table"), "oauth_tokens");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(ot, "columns"), 0)), "user_id");
	assert_string_equal(gets(ot, "ref_schema"), "public");
	assert_string_equal(gets(ot, "ref_table"), "users");
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(ot, "ref_columns"), 0)), "id");
	assert_string_equal(gets(ot, "on_delete"), "no action");
	assert_string_equal(gets(ot, "on_update"), "no action");
	assert_false(json_object_get_boolean(get(ot, "deferrable")));
	assert_true(json_object_get_boolean(get(ot, "validated")));
	json_object *org = get(ot, "origin");
	assert_string_equal(gets(org, "file"), "migrations/002-oauth-tokens.sql");
	assert_int_equal(json_object_get_int(get(org, "line")), 3);
	assert_int_equal(json_object_get_int(get(org, "column")), 3);
	assert_non_null(strstr(s, "\"migrations/002-oauth-tokens.sql\"")); /* no escaped slashes */

	json_object *cl = get(doc, "closure");
	assert_int_equal(json_object_array_length(cl), 3);
	json_object *c0 = json_object_array_get_idx(cl, 0);
	assert_string_equal(gets(c0, "table"), "decisions");
	assert_int_equal(json_object_get_int(get(c0, "depth")), 1);
	assert_string_equal(json_object_get_string(json_object_array_get_idx(get(c0, "via"), 0)),
	                    "decisions_user_id_fkey");
	assert_string_equal(gets(json_object_array_get_idx(cl, 2), "table"), "decision_feedback");
	assert_int_equal(json_object_get_int(get(json_object_array_get_idx(cl, 2), "depth")), 2);

	json_object *fa = get(doc, "findings");
	/* sorted by file: shape.sql (feedback edge, audit_log table), migrations/... */
	assert_int_equal(json_object_array_length(fa), 4);
	json_object *f0 = json_object_array_get_idx(fa, 0);
	assert_string_equal(gets(f0, "rule"), "fk-blocks-delete");
	assert_string_equal(gets(f0, "file"), "migrations/002-oauth-tokens.sql");
	assert_string_equal(gets(f0, "severity"), "error");
	assert_string_equal(gets(f0, "constraint"), "oauth_tokens_user_id_fkey");
	assert_int_equal(json_object_get_int(get(f0, "depth")), 1);
	assert_int_equal(json_object_get_int(get(f0, "line")), 3);
	assert_int_equal(json_object_get_int(get(f0, "column")), 3);
	assert_string_equal(gets(f0, "blocks"), "always");
	assert_string_equal(gets(f0, "help"), "+ ON DELETE CASCADE");
	assert_string_equal(gets(f0, "message"),
	                    "users <- oauth_tokens (oauth_tokens_user_id_fkey): ON DELETE NO ACTION blocks DELETE FROM users");
	json_object *f1 = json_object_array_get_idx(fa, 1);
	assert_string_equal(gets(f1, "rule"), "parse-error");
	assert_true(json_object_get_type(get(f1, "table")) == json_type_null);
	json_object *f2 = json_object_array_get_idx(fa, 2);
	assert_string_equal(gets(f2, "rule"), "user-column-no-fk");
	assert_string_equal(gets(f2, "severity"), "warning");
	assert_string_equal(gets(f2, "table"), "audit_log");
	json_object *f3 = json_object_array_get_idx(fa, 3);
	assert_string_equal(gets(f3, "constraint"), "decision_feedback_decision_id_fkey");
	assert_int_equal(json_object_get_int(get(f3, "depth")), 2);
	assert_int_equal(json_object_array_length(get(f3, "path")), 2);
	assert_true(json_object_get_boolean(get(f3, "predicted_name")));
	json_object_put(doc);
	free(s);
}

static void test_text(void **state)
{
	Fixture *fx = *state;
	char *s = render(fx, FMT_TEXT, false);
	const char *want =
		"root users (id): 3 tables in the deletion closure (depth 1: 2, depth 2: 1), "
		"3 foreign keys inside it (and 1 SET NULL/SET DEFAULT edge into it), 2 blocking the delete\n"
		"5 foreign keys in the schema; 4 findings: 3 errors, 1 warning, 0 info\n"
		"\n"
		"migrations/002-oauth-tokens.sql:3:3: error: users <- oauth_tokens (oauth_tokens_user_id_fkey): "
		"ON DELETE NO ACTION blocks DELETE FROM users [fk-blocks-delete]\n"
		"migrations/009-bad.sql:4:7: error: syntax error at or near \"TABEL\" [parse-error]\n";
	assert_memory_equal(s, want, strlen(want));
	assert_null(strchr(s, '\033'));
	free(s);
	s = render(fx, FMT_TEXT, true);
	assert_non_null(strstr(s, "\033[1;31merror:\033[0m"));
	assert_non_null(strstr(s, "\033[1;33mwarning:\033[0m"));
	free(s);

	/* live mode: schema.table instead of a place */
	Finding f = {0};
	f.rule = "fk-blocks-delete";
	f.severity = SEV_ERROR;
	f.schema = "public";
	f.table = "t";
	f.message = "m";
	char *buf = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&buf, &len);
	report_finding_gcc(mf, &f, false);
	fclose(mf);
	assert_string_equal(buf, "public.t: error: m [fk-blocks-delete]");
	free(buf);
}

static void test_graphs(void **state)
{
	Fixture *fx = *state;
	char *s = render(fx, FMT_DOT, false);
	assert_non_null(strstr(s, "digraph closure {"));
	assert_non_null(strstr(s, "\"public.users\" [label=\"users\", style=bold"));
	assert_non_null(strstr(s, "\"public.oauth_tokens\" -> \"public.users\" [label=\"oauth_tokens_user_id_fkey\\nON DELETE NO ACTION\", color=red"));
	assert_non_null(strstr(s, "\"public.decisions\" -> \"public.users\" [label=\"decisions_user_id_fkey\\nON DELETE CASCADE\"];"));
	/* SET NULL stops the walk: drawn dashed, members not drawn at all */
	assert_non_null(strstr(s, "\"org.Teams\" -> \"public.users\" [label=\"Teams \\\"owner\\\"\\nON DELETE SET NULL\", style=dashed"));
	assert_null(strstr(s, "members"));
	free(s);
	s = render(fx, FMT_MERMAID, false);
	assert_non_null(strstr(s, "flowchart RL\n"));
	assert_non_null(strstr(s, "|\"oauth_tokens_user_id_fkey: ON DELETE NO ACTION\"|"));
	assert_non_null(strstr(s, "Teams #quot;owner#quot;: ON DELETE SET NULL"));
	assert_non_null(strstr(s, "linkStyle "));
	assert_non_null(strstr(s, "stroke:red"));
	assert_null(strstr(s, "members"));
	free(s);
}

static void test_formats_and_write_errors(void **state)
{
	Fixture *fx = *state;
	assert_int_equal(report_format_parse("text"), FMT_TEXT);
	assert_int_equal(report_format_parse("json"), FMT_JSON);
	assert_int_equal(report_format_parse("dot"), FMT_DOT);
	assert_int_equal(report_format_parse("mermaid"), FMT_MERMAID);
	assert_int_equal(report_format_parse("gcc"), FMT_GCC);
	assert_int_equal(report_format_parse("sarif"), FMT_SARIF);
	assert_int_equal(report_format_parse("github"), FMT_GITHUB);
	assert_int_equal(report_format_parse("JSON"), -1);
	assert_int_equal(report_format_parse(""), -1);
	assert_int_equal(report_format_parse(NULL), -1);
	static const ReportFormat fmts[] = {FMT_TEXT, FMT_JSON, FMT_DOT, FMT_MERMAID};
	for (size_t i = 0; i < 4; i++) {
		FILE *full = fopen("/dev/full", "w");
		assert_non_null(full);
		Err e = {0};
		assert_int_equal(report_audit(full, fx->m, &fx->an, fmts[i], false, &e), -1);
		assert_int_equal(e.code, PGC_EXIT_INTERNAL);
		fclose(full);
	}
}

/* A loader may leave a reference unresolved; nothing may crash on it. */
static void test_unresolved_reference(void **state)
{
	(void)state;
	Fixture fx = {0};
	fx.a = arena_new();
	fx.m = model_new(fx.a);
	Table *u = shape_table(fx.m, "users"), *t = shape_table(fx.m, "t");
	shape_fk(fx.m, "t_user", t, "user_id", u, FK_CASCADE);
	ForeignKey *dangling = shape_fk(fx.m, "t_gone", t, "gone_id", u, FK_SET_NULL);
	dangling->ref = NULL;
	table_column(t, "gone_id")->not_null = true;
	Err e = {0};
	assert_int_equal(analyze(fx.m, NULL, &fx.an, &e), 0);
	static const ReportFormat fmts[] = {FMT_TEXT, FMT_JSON, FMT_DOT, FMT_MERMAID};
	for (size_t i = 0; i < 4; i++)
		free(render(&fx, fmts[i], false));
	arena_free(fx.a);
}

/* The one vocabulary: every command writes these the same way. */
static void test_words(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *t = shape_table(m, "twin_profiles");
	Table *x = shape_table(m, "explanation_records");
	ForeignKey *e1 = shape_fk(m, "twin_profiles_user_id_fkey", t, "user_id", u, FK_NO_ACTION);
	ForeignKey *e2 = shape_fk(m, "explanation_records_profile_id_fkey", x, "profile_id", t, FK_SET_NULL);
	const ForeignKey *path[] = {e1, e2};
	StrBuf sb = STRBUF_INIT;
	words_path(&sb, u, path, 2);
	const char *want = "users <- twin_profiles (twin_profiles_user_id_fkey) <- explanation_records "
	                   "(explanation_records_profile_id_fkey)";
	assert_string_equal(sb.buf, want);
	/* from the names alone (verify's and a finding's path): the same string */
	const char *names[] = {"twin_profiles_user_id_fkey", "explanation_records_profile_id_fkey"};
	sb_reset(&sb);
	words_path_names(&sb, m, u, "users", names, 2);
	assert_string_equal(sb.buf, want);
	sb_reset(&sb);
	words_edge(&sb, e2);
	assert_string_equal(sb.buf, "twin_profiles <- explanation_records (explanation_records_profile_id_fkey)");
	sb_reset(&sb);
	words_edge_named(&sb, m, "public", "twin_profiles", "twin_profiles_user_id_fkey");
	assert_string_equal(sb.buf, "users <- twin_profiles (twin_profiles_user_id_fkey)");
	sb_reset(&sb);
	words_edge_named(&sb, m, "app", "gone", "gone_fkey");
	assert_string_equal(sb.buf, "? <- app.gone (gone_fkey)");
	assert_string_equal(words_action(FK_NO_ACTION), "ON DELETE NO ACTION");
	assert_string_equal(words_action(FK_SET_NULL), "ON DELETE SET NULL");
	assert_string_equal(words_action_named("no action"), "ON DELETE NO ACTION");
	assert_string_equal(words_action_named("restrict"), "ON DELETE RESTRICT");
	sb_reset(&sb);
	words_count(&sb, 1, "foreign key", "foreign keys");
	sb_adds(&sb, "; ");
	words_count(&sb, 31, "foreign key", "foreign keys");
	sb_adds(&sb, "; ");
	words_findings(&sb, 1, 0, 2);
	assert_string_equal(sb.buf, "1 foreign key; 31 foreign keys; 1 error, 0 warnings, 2 info");
	sb_reset(&sb);
	words_dialect(&sb, DIALECT_COCKROACH, "a.sql:6:11", "STRING type");
	assert_string_equal(sb.buf, "dialect: cockroach (a.sql:6:11: STRING type)");
	sb_release(&sb);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_json_contract, setup, teardown),
		cmocka_unit_test_setup_teardown(test_text, setup, teardown),
		cmocka_unit_test_setup_teardown(test_graphs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_formats_and_write_errors, setup, teardown),
		cmocka_unit_test(test_unresolved_reference),
		cmocka_unit_test(test_words),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
