/*
 * test_analysis.c - root_parse, the closure walk and the findings, on
 * hand-built models (shape.h).
 *
 * Run with "--shape FILE" it is instead a driver for
 * tests/integration/t0200-blocks.sh: it builds the model described in
 * FILE and prints the audit JSON, so the blocks classification can be
 * checked against PostgreSQL before a loader is available.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analysis/analysis.h"
#include "exitcodes.h"
#include "report/report.h"
#include "shape.h"

/* --- root_parse --------------------------------------------------------- */

static void test_root_parse_ok(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Root r;
	Err e = {0};
	assert_int_equal(root_parse(a, "users", &r, &e), 0);
	assert_string_equal(r.schema, "public");
	assert_string_equal(r.table, "users");
	assert_int_equal(r.ncols, 0);

	assert_int_equal(root_parse(a, "Auth.USERS", &r, &e), 0);
	assert_string_equal(r.schema, "auth");
	assert_string_equal(r.table, "users");

	assert_int_equal(root_parse(a, "\"Users\"", &r, &e), 0);
	assert_string_equal(r.schema, "public");
	assert_string_equal(r.table, "Users");

	assert_int_equal(root_parse(a, "users(id)", &r, &e), 0);
	assert_int_equal(r.ncols, 1);
	assert_string_equal(r.cols[0], "id");

	assert_int_equal(root_parse(a, "  auth.\"Us\"\"ers\" ( id , \"Tenant\" ) ", &r, &e), 0);
	assert_string_equal(r.schema, "auth");
	assert_string_equal(r.table, "Us\"ers");
	assert_int_equal(r.ncols, 2);
	assert_string_equal(r.cols[0], "id");
	assert_string_equal(r.cols[1], "Tenant");
	assert_string_equal(r.spec, "  auth.\"Us\"\"ers\" ( id , \"Tenant\" ) ");

	/* An unreserved keyword is a fine table name; names truncate at 63 bytes. */
	assert_int_equal(root_parse(a, "account", &r, &e), 0);
	char longname[100];
	memset(longname, 'x', 80);
	longname[80] = '\0';
	assert_int_equal(root_parse(a, longname, &r, &e), 0);
	assert_int_equal(strlen(r.table), 63);
	arena_free(a);
}

static void test_root_parse_rejects(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", "users;", "users; drop table x", "users(id) on delete cascade", "db.auth.users",
		"users(id", "users)", "select", "users x", "users match full", "users(id) not valid",
		"'users'", "users(id) deferrable", "1users", "users.", "\"\"",
	};
	Arena *a = arena_new();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		Root r;
		Err e = {0};
		int rc = root_parse(a, bad[i], &r, &e);
		if (rc == 0)
			fail_msg("accepted bad --root %s", bad[i]);
		assert_int_equal(e.code, PGC_EXIT_USAGE);
		assert_non_null(strstr(e.msg, "--root"));
	}
	arena_free(a);
}

/* Random specs from the characters that matter: never a crash (ASan), and
 * whatever is accepted has a table name and sane columns. */
static void test_root_parse_random(void **state)
{
	(void)state;
	static const char alphabet[] = "aZ_.\"(), ;'-/*$\\\n\x01\xc3\xa9";
	Arena *a = arena_new();
	unsigned seed = 12345;
	int accepted = 0;
	for (int i = 0; i < 5000; i++) {
		char spec[24];
		int n = (int)(rand_r(&seed) % (sizeof(spec) - 1));
		for (int k = 0; k < n; k++)
			spec[k] = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];
		spec[n] = '\0';
		Root r;
		Err e = {0};
		if (root_parse(a, spec, &r, &e) == 0) {
			accepted++;
			assert_non_null(r.table);
			assert_true(r.table[0] != '\0');
			for (int k = 0; k < r.ncols; k++)
				assert_non_null(r.cols[k]);
		} else {
			assert_int_equal(e.code, PGC_EXIT_USAGE);
		}
	}
	print_message("# %d of 5000 random specs accepted\n", accepted);
	arena_free(a);
}

/* --- helpers ------------------------------------------------------------ */

static const ClosureEntry *entry(const Analysis *an, const char *table)
{
	for (size_t i = 0; i < an->closure.n; i++)
		if (strcmp(an->closure.items[i]->table->name, table) == 0)
			return an->closure.items[i];
	return NULL;
}

static const Finding *finding(const Analysis *an, const char *rule, const char *constraint)
{
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (strcmp(f->rule, rule) == 0 && (!constraint || (f->constraint && strcmp(f->constraint, constraint) == 0)))
			return f;
	}
	return NULL;
}

static int count_rule(const Analysis *an, const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < an->findings.n; i++)
		n += strcmp(an->findings.items[i]->rule, rule) == 0;
	return n;
}

static void run(Model *m, Analysis *an)
{
	Err e = {0};
	AnalysisOptions o = {0};
	if (analyze(m, &o, an, &e) != 0)
		fail_msg("analyze: %s", e.msg);
}

/* --- closure ------------------------------------------------------------ */

static void test_closure_depth_via(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *d = shape_table(m, "decisions"),
	      *fb = shape_table(m, "decision_feedback"), *tm = shape_table(m, "teams"),
	      *memb = shape_table(m, "memberships"), *lonely = shape_table(m, "lonely");
	shape_fk(m, "decisions_user_id_fkey", d, "user_id", u, FK_NO_ACTION);
	shape_fk(m, "fb_decision_id_fkey", fb, "decision_id", d, FK_NO_ACTION);
	shape_fk(m, "fb_user_id_fkey", fb, "user_id", u, FK_CASCADE);
	shape_fk(m, "teams_owner_fkey", tm, "owner_id", u, FK_SET_NULL);
	shape_fk(m, "memberships_team_fkey", memb, "team_id", tm, FK_CASCADE);
	(void)lonely;
	Analysis an;
	run(m, &an);
	assert_int_equal(an.roots.n, 1);
	assert_string_equal(an.roots.items[0]->cols[0], "id");
	assert_int_equal(an.closure.n, 2);
	const ClosureEntry *e = entry(&an, "decision_feedback");
	assert_non_null(e);
	assert_int_equal(e->depth, 1);
	assert_int_equal(e->nvia, 2);
	assert_string_equal(e->via[0]->name, "fb_decision_id_fkey");
	assert_string_equal(e->via[1]->name, "fb_user_id_fkey");
	assert_int_equal(entry(&an, "decisions")->depth, 1);
	/* SET NULL keeps teams' row: neither teams nor memberships is reached. */
	assert_null(entry(&an, "teams"));
	assert_null(entry(&an, "memberships"));
	assert_true(analysis_in_closure(&an, u));
	assert_true(analysis_in_closure(&an, d));
	assert_false(analysis_in_closure(&an, tm));
	/* sorted by depth then name */
	assert_string_equal(an.closure.items[0]->table->name, "decision_feedback");
	assert_string_equal(an.closure.items[1]->table->name, "decisions");
	arena_free(a);
}

static void test_closure_cycles_self(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *x = shape_table(m, "x"), *y = shape_table(m, "y"),
	      *c = shape_table(m, "comments");
	shape_fk(m, "x_user", x, "user_id", u, FK_CASCADE);
	shape_fk(m, "x_y", x, "y_id", y, FK_CASCADE);
	shape_fk(m, "y_x", y, "x_id", x, FK_CASCADE);
	shape_fk(m, "c_user", c, "user_id", u, FK_CASCADE);
	shape_fk(m, "c_parent", c, "parent_id", c, FK_NO_ACTION);
	shape_fk(m, "users_invited_by", u, "invited_by", u, FK_NO_ACTION);
	Analysis an;
	run(m, &an);
	assert_int_equal(entry(&an, "x")->depth, 1);
	assert_int_equal(entry(&an, "y")->depth, 2);
	assert_int_equal(entry(&an, "x")->nvia, 2);
	assert_int_equal(entry(&an, "comments")->nvia, 2);
	assert_null(entry(&an, "users")); /* the root is not its own closure entry */
	/* A self-reference below the root: with one owner the cascade removes
	 * the row first; a reply by another user is not removed (issue 9). */
	const Finding *f = finding(&an, "fk-blocks-delete", "c_parent");
	assert_non_null(f);
	assert_string_equal(f->single_owner_blocks, "not-on-postgres");
	assert_string_equal(f->blocks, "always");
	assert_int_equal(f->depth, 2);
	/* A self-reference on the root points at other users' rows. */
	f = finding(&an, "fk-blocks-delete", "users_invited_by");
	assert_non_null(f);
	assert_string_equal(f->blocks, "always");
	assert_int_equal(f->depth, 1);
	arena_free(a);
}

static void test_closure_long_chain_and_fan_in(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users");
	Table *prev = u;
	char name[64];
	for (int i = 0; i < 500; i++) {
		snprintf(name, sizeof(name), "chain%03d", i);
		Table *t = shape_table(m, name);
		snprintf(name, sizeof(name), "chain%03d_fk", i);
		shape_fk(m, name, t, "parent_id", prev, FK_CASCADE);
		prev = t;
	}
	Table *hub = shape_table(m, "hub");
	for (int i = 0; i < 20000; i++) {
		snprintf(name, sizeof(name), "hub_user_%05d", i);
		shape_fk(m, name, hub, arena_printf(a, "u%d", i % 10), u, i % 2 ? FK_CASCADE : FK_NO_ACTION);
	}
	clock_t t0 = clock();
	Analysis an;
	run(m, &an);
	double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(an.closure.n, 501);
	assert_int_equal(entry(&an, "chain499")->depth, 500);
	assert_int_equal(entry(&an, "hub")->nvia, 20000);
	assert_int_equal(count_rule(&an, "fk-blocks-delete"), 10000);
	/* Every NO ACTION edge of hub has cascading siblings at the same level. */
	assert_string_equal(finding(&an, "fk-blocks-delete", "hub_user_00000")->blocks, "order-dependent");
	if (secs > 5.0)
		fail_msg("analysis took %.2fs", secs);
	print_message("# 500-chain + 20,000 FKs into users: %.3fs (ASan)\n", secs);
	arena_free(a);
}

/* --- fk-blocks-delete: the blocks classification ------------------------ */

/* users <- p (cascade), users <- a (cascade) [<- b (cascade)]*; c -> last (cascade), c -> p (no action) */
static const char *classify_chain(int clevel, bool p_first, char action, bool deferred,
                                  const char **outcome)
{
	static char blocks[32];
	static char res[16];
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users");
	Table *p = shape_table(m, "p"), *anc = shape_table(m, "a");
	if (p_first) {
		shape_fk(m, "p_user", p, "user_id", u, FK_CASCADE);
		shape_fk(m, "a_user", anc, "user_id", u, FK_CASCADE);
	} else {
		shape_fk(m, "a_user", anc, "user_id", u, FK_CASCADE);
		shape_fk(m, "p_user", p, "user_id", u, FK_CASCADE);
	}
	Table *last = anc;
	for (int i = 2; i < clevel; i++) {
		Table *b = shape_table(m, arena_printf(a, "b%d", i));
		shape_fk(m, arena_printf(a, "b%d_parent", i), b, "parent_id", last, FK_CASCADE);
		last = b;
	}
	Table *c = shape_table(m, "c");
	if (clevel == 1)
		shape_fk(m, "c_user", c, "user_id", u, FK_CASCADE);
	else
		shape_fk(m, "c_parent", c, "parent_id", last, FK_CASCADE);
	ForeignKey *e = shape_fk(m, "c_p", c, "p_id", p, action);
	e->deferrable = e->initially_deferred = deferred;
	Analysis an;
	run(m, &an);
	const Finding *f = finding(&an, "fk-blocks-delete", "c_p");
	assert_non_null(f);
	assert_int_equal(count_rule(&an, "fk-blocks-delete"), 1);
	/* Plain columns tie nothing to the owner: for any data, always. */
	assert_string_equal(f->blocks, "always");
	assert_null(f->order_outcome);
	snprintf(blocks, sizeof(blocks), "%s", f->single_owner_blocks);
	snprintf(res, sizeof(res), "%s", f->single_owner_outcome ? f->single_owner_outcome : "-");
	if (outcome)
		*outcome = res;
	assert_int_equal(f->depth, 2);
	assert_int_equal(f->npath, 2);
	assert_string_equal(f->path[0], "p_user");
	assert_string_equal(f->path[1], "c_p");
	assert_string_equal(f->help, "+ ON DELETE CASCADE");
	arena_free(a);
	return blocks;
}

static void test_blocks_levels(void **state)
{
	(void)state;
	const char *out;
	/* The three facts, checked on PostgreSQL 15. */
	assert_string_equal(classify_chain(1, true, FK_NO_ACTION, false, NULL), "not-on-postgres");
	assert_string_equal(classify_chain(3, true, FK_NO_ACTION, false, NULL), "always");
	assert_string_equal(classify_chain(2, true, FK_NO_ACTION, false, &out), "order-dependent");
	/* p's rows go first, so its check is queued before c's cascade: fails. */
	assert_string_equal(out, "fails");
	assert_string_equal(classify_chain(2, false, FK_NO_ACTION, false, &out), "order-dependent");
	assert_string_equal(out, "passes");
	/* RESTRICT runs at the same point as NO ACTION. */
	assert_string_equal(classify_chain(3, true, FK_RESTRICT, false, NULL), "always");
	assert_string_equal(classify_chain(2, false, FK_RESTRICT, false, &out), "order-dependent");
	assert_string_equal(out, "passes");
	/* INITIALLY DEFERRED is checked at commit, after every cascade. */
	assert_string_equal(classify_chain(3, true, FK_NO_ACTION, true, NULL), "not-on-postgres");
}

/* Live: triggers fire in name order, and the name carries the OID as text. */
static void test_blocks_live_trigger_name_order(void **state)
{
	(void)state;
	for (int live = 0; live < 2; live++) {
		Arena *a = arena_new();
		Model *m = model_new(a);
		m->live = live;
		Table *u = shape_table(m, "users"), *p = shape_table(m, "p"), *anc = shape_table(m, "a"),
		      *c = shape_table(m, "c");
		/* constraint OIDs; their ON DELETE triggers are 100000 and 99999 */
		shape_fk(m, "p_user", p, "user_id", u, FK_CASCADE)->seq = 99999;
		shape_fk(m, "a_user", anc, "user_id", u, FK_CASCADE)->seq = 99998;
		shape_fk(m, "c_a", c, "a_id", anc, FK_CASCADE)->seq = 100001;
		shape_fk(m, "c_p", c, "p_id", p, FK_NO_ACTION)->seq = 100002;
		Analysis an;
		run(m, &an);
		const Finding *f = finding(&an, "fk-blocks-delete", "c_p");
		assert_string_equal(f->single_owner_blocks, "order-dependent");
		/* numeric order: a's rows go first, c is gone before the check;
		 * text order: "100000" < "99999", p's rows go first: fails */
		assert_string_equal(f->single_owner_outcome, live ? "fails" : "passes");
		assert_string_equal(f->blocks, "always");
		arena_free(a);
	}
}

static void test_blocks_message_and_only_path(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *d = shape_table(m, "decisions"),
	      *fb = shape_table(m, "decision_feedback");
	shape_fk(m, "decisions_user_id_fkey", d, "user_id", u, FK_CASCADE);
	shape_fk(m, "decision_feedback_decision_id_fkey", fb, "decision_id", d, FK_NO_ACTION);
	Analysis an;
	run(m, &an);
	const Finding *f = finding(&an, "fk-blocks-delete", "decision_feedback_decision_id_fkey");
	assert_non_null(f);
	assert_string_equal(f->message,
	        "users <- decisions (decisions_user_id_fkey) <- decision_feedback "
	        "(decision_feedback_decision_id_fkey): ON DELETE NO ACTION blocks DELETE FROM users");
	assert_string_equal(f->blocks, "always"); /* nothing else removes feedback rows */
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->table, "decision_feedback");
	assert_int_equal(f->loc.line, 1001);
	assert_int_equal(an.nerrors, 1);
	arena_free(a);
}

static void test_blocks_held_back_parent_and_crdb(void **state)
{
	(void)state;
	/* p is held back by a NO ACTION edge; c is classified as if it cascaded. */
	for (int crdb = 0; crdb < 2; crdb++) {
		Arena *a = arena_new();
		Model *m = model_new(a);
		m->dialect = crdb ? DIALECT_COCKROACH : DIALECT_POSTGRES;
		Table *u = shape_table(m, "users"), *p = shape_table(m, "p"), *c = shape_table(m, "c");
		shape_fk(m, "p_user", p, "user_id", u, FK_NO_ACTION);
		shape_fk(m, "c_user", c, "user_id", u, FK_CASCADE);
		shape_fk(m, "c_p", c, "p_id", p, FK_NO_ACTION);
		Analysis an;
		run(m, &an);
		assert_string_equal(finding(&an, "fk-blocks-delete", "p_user")->blocks, "always");
		assert_string_equal(finding(&an, "fk-blocks-delete", "c_p")->single_owner_blocks,
		                    crdb ? "always" : "not-on-postgres");
		assert_string_equal(finding(&an, "fk-blocks-delete", "c_p")->blocks, "always");
		assert_int_equal(an.nerrors, 2);
		arena_free(a);
	}
}

/* A composite FK child(owner_id, col) -> parent(owner_id, id). */
static ForeignKey *comp_fk(Model *m, const char *name, Table *child, const char *col, Table *parent,
                           char action)
{
	ForeignKey *fk = shape_fk(m, name, child, col, parent, action);
	fk->cols = arena_alloc(m->arena, 2 * sizeof(*fk->cols));
	fk->cols[0] = "owner_id";
	fk->cols[1] = arena_strdup(m->arena, col);
	fk->ncols = 2;
	fk->ref_cols = arena_alloc(m->arena, 2 * sizeof(*fk->ref_cols));
	fk->ref_cols[0] = "owner_id";
	fk->ref_cols[1] = "id";
	fk->nref_cols = 2;
	return fk;
}

/* The owner tie (issue 9): only a composite key through the owner column,
 * into a table every deleted row of which belongs to a deleted owner,
 * proves that no other owner's row can block. */
static void test_blocks_owner_tie(void **state)
{
	(void)state;
	for (int variant = 0; variant < 6; variant++) {
		Arena *a = arena_new();
		Model *m = model_new(a);
		m->dialect = variant == 5 ? DIALECT_COCKROACH : DIALECT_POSTGRES;
		Table *u = shape_table(m, "users"), *fo = shape_table(m, "folders"), *n = shape_table(m, "notes"),
		      *c = shape_table(m, "comments");
		shape_fk(m, "folders_owner", fo, "owner_id", u, FK_CASCADE);
		shape_fk(m, "notes_owner", n, "owner_id", u, FK_CASCADE);
		/* 1: a plain cascade from folders lets B's notes be deleted with A */
		if (variant == 1)
			shape_fk(m, "notes_folder", n, "folder_id", fo, FK_CASCADE);
		else
			comp_fk(m, "notes_folder", n, "folder_id", fo, FK_CASCADE);
		/* 2: the comment's owner edge is SET NULL on a nullable column (still tied);
		 * 3: SET DEFAULT could write another owner into it (not tied);
		 * 4: no owner edge of its own (not tied) */
		if (variant == 2)
			shape_fk(m, "comments_owner", c, "owner_id", u, FK_SET_NULL);
		else if (variant == 3)
			shape_fk(m, "comments_owner", c, "owner_id", u, FK_SET_DEFAULT);
		else if (variant != 4)
			shape_fk(m, "comments_owner", c, "owner_id", u, FK_CASCADE);
		else
			model_add_column(m, c, "owner_id", "integer");
		comp_fk(m, "comments_note", c, "note_id", n, FK_NO_ACTION);
		comp_fk(m, "comments_reply", c, "parent_id", c, FK_RESTRICT);
		/* a plain SET NULL edge deletes nothing: comments stays tied */
		shape_fk(m, "comments_pin", c, "pin_note_id", n, FK_SET_NULL);
		/* a plain reference from another owner's table: always */
		Table *l = shape_table(m, "links");
		shape_fk(m, "links_owner", l, "owner_id", u, FK_CASCADE);
		shape_fk(m, "comments_note_plain", l, "note_id", n, FK_NO_ACTION);
		Analysis an;
		run(m, &an);
		const char *want = variant == 0 || variant == 2 ? "not-on-postgres" : "always";
		assert_string_equal(finding(&an, "fk-blocks-delete", "comments_note_plain")->blocks, "always");
		if (variant == 4) {
			/* comments is reached only through its composite edges */
			assert_string_equal(finding(&an, "fk-blocks-delete", "comments_note")->blocks, "always");
		} else {
			assert_string_equal(finding(&an, "fk-blocks-delete", "comments_note")->blocks,
			                    variant == 1 ? "always" : want);
			assert_string_equal(finding(&an, "fk-blocks-delete", "comments_reply")->blocks, want);
		}
		arena_free(a);
	}
	/* Two FKs on the owner column into the root: both fire on the root row. */
	for (int cascade_first = 0; cascade_first < 2; cascade_first++) {
		Arena *a = arena_new();
		Model *m = model_new(a);
		m->dialect = DIALECT_POSTGRES;
		Table *u = shape_table(m, "users"), *d = shape_table(m, "docs");
		if (cascade_first)
			shape_fk(m, "docs_owner_c", d, "owner_id", u, FK_CASCADE);
		shape_fk(m, "docs_owner_na", d, "owner_id", u, FK_NO_ACTION);
		if (!cascade_first)
			shape_fk(m, "docs_owner_c", d, "owner_id", u, FK_CASCADE);
		Analysis an;
		run(m, &an);
		const Finding *f = finding(&an, "fk-blocks-delete", "docs_owner_na");
		assert_string_equal(f->blocks, "order-dependent");
		assert_string_equal(f->order_outcome, cascade_first ? "passes" : "fails");
		arena_free(a);
	}
}

/* --- set-null-not-null, user-column-no-fk, roots ------------------------ */

static void test_set_null_not_null(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *t = shape_table(m, "t"), *s = shape_table(m, "s");
	Table *other = shape_table(m, "other"), *unrelated = shape_table(m, "unrelated");
	ForeignKey *f1 = shape_fk(m, "t_user", t, "user_id", u, FK_SET_NULL);
	table_column(t, "user_id")->not_null = true;
	ForeignKey *f2 = shape_fk(m, "s_user", s, "user_id", u, FK_SET_NULL);
	model_add_column(m, s, "tenant_id", "integer")->not_null = true;
	/* SET NULL (user_id) only touches user_id: fine although tenant_id is NOT NULL. */
	f2->cols = arena_alloc(a, 2 * sizeof(char *));
	f2->cols[0] = "tenant_id";
	f2->cols[1] = "user_id";
	f2->ncols = 2;
	f2->set_cols = arena_alloc(a, sizeof(char *));
	f2->set_cols[0] = "user_id";
	f2->nset_cols = 1;
	/* Anywhere in the schema, not only in the closure. */
	shape_fk(m, "unrelated_other", unrelated, "other_id", other, FK_SET_DEFAULT);
	table_column(unrelated, "other_id")->not_null = true;
	/* A primary-key column is NOT NULL without saying so. */
	Table *pk = shape_table(m, "pkt");
	shape_fk(m, "pkt_id_user", pk, "id", u, FK_SET_NULL);
	table_column(pk, "id")->not_null = false;
	shape_fk(m, "other_self", other, "x_id", other, FK_SET_DEFAULT);
	Column *x = table_column(other, "x_id");
	x->not_null = true;
	x->default_expr = "0"; /* SET DEFAULT with a default: sound */
	Analysis an;
	run(m, &an);
	assert_int_equal(count_rule(&an, "set-null-not-null"), 3);
	assert_non_null(finding(&an, "set-null-not-null", "pkt_id_user"));
	const Finding *f = finding(&an, "set-null-not-null", "t_user");
	assert_non_null(f);
	assert_ptr_equal(f->fk, f1);
	assert_non_null(strstr(f->message, "t.user_id"));
	assert_non_null(finding(&an, "set-null-not-null", "unrelated_other"));
	assert_null(finding(&an, "set-null-not-null", "s_user"));
	arena_free(a);
}

static void test_owner_columns(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *u = shape_table(m, "users"), *t = shape_table(m, "t"), *s = shape_table(m, "s");
	shape_fk(m, "t_user", t, "user_id", u, FK_CASCADE);
	model_add_column(m, s, "user_id", "uuid");
	model_add_column(m, s, "owner_user_id", "uuid");
	model_add_column(m, t, "created_by", "uuid");
	Analysis an;
	run(m, &an);
	assert_int_equal(count_rule(&an, "user-column-no-fk"), 1);
	const Finding *f = finding(&an, "user-column-no-fk", NULL);
	assert_string_equal(f->table, "s");
	assert_int_equal(f->severity, SEV_WARNING);
	assert_int_equal(an.nwarnings, 1);
	assert_string_equal(f->help, "+ REFERENCES users(id) ON DELETE CASCADE");

	static const char *pats[] = {"*user_id", "created_*"};
	AnalysisOptions o = {0};
	o.owner_patterns = pats;
	o.nowner = 2;
	Err e = {0};
	Analysis an2;
	assert_int_equal(analyze(m, &o, &an2, &e), 0);
	assert_int_equal(count_rule(&an2, "user-column-no-fk"), 3);
	arena_free(a);

	/* Several roots: a column goes to the root its name spells, else the first. */
	a = arena_new();
	m = model_new(a);
	shape_table(m, "teams");
	shape_table(m, "users");
	Table *x = shape_table(m, "x");
	model_add_column(m, x, "user_id", "integer");
	model_add_column(m, x, "team_id", "integer");
	model_add_column(m, x, "owner_id", "integer");
	static const char *two[] = {"teams", "users"};
	static const char *any[] = {"*_id"};
	AnalysisOptions ro2 = {0};
	ro2.roots = two;
	ro2.nroots = 2;
	ro2.owner_patterns = any;
	ro2.nowner = 1;
	assert_int_equal(analyze(m, &ro2, &an, &e), 0);
	assert_int_equal(count_rule(&an, "user-column-no-fk"), 3);
	for (size_t i = 0; i < an.findings.n; i++) {
		const Finding *uf = an.findings.items[i];
		const char *want = strstr(uf->message, "x.user_id") ? "users" : "teams";
		assert_string_equal(uf->root_table, want);
	}
	arena_free(a);

	/* singular: ies -> y, sses -> ss, s -> "" */
	static const struct { const char *root, *col; } cases[] = {
		{"companies", "company_id"}, {"classes", "class_id"}, {"accounts", "account_id"},
		{"person", "person_id"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		a = arena_new();
		m = model_new(a);
		shape_table(m, cases[i].root);
		Table *c = shape_table(m, "child");
		model_add_column(m, c, cases[i].col, "integer");
		model_add_column(m, c, "unrelated_id", "integer");
		const char *roots[] = {cases[i].root};
		AnalysisOptions ro = {0};
		ro.roots = roots;
		ro.nroots = 1;
		assert_int_equal(analyze(m, &ro, &an, &e), 0);
		assert_int_equal(count_rule(&an, "user-column-no-fk"), 1);
		assert_non_null(strstr(finding(&an, "user-column-no-fk", NULL)->message, cases[i].col));
		arena_free(a);
	}
}

static void test_roots_and_sorting(void **state)
{
	(void)state;
	Arena *a = arena_new();
	Model *m = model_new(a);
	Table *au = shape_table_in(m, "auth", "Users");
	Table *t = shape_table(m, "t");
	shape_fk(m, "t_user", t, "user_id", au, FK_NO_ACTION);
	Err e = {0};
	Analysis an;
	/* Default root "users" is absent: a usage error naming it. */
	assert_int_equal(analyze(m, NULL, &an, &e), -1);
	assert_int_equal(e.code, PGC_EXIT_USAGE);
	assert_non_null(strstr(e.msg, "public.users"));

	const char *bad[] = {"auth.\"Users\"(nope)"};
	AnalysisOptions o = {0};
	o.roots = bad;
	o.nroots = 1;
	assert_int_equal(analyze(m, &o, &an, &e), -1);
	assert_int_equal(e.code, PGC_EXIT_USAGE);

	const char *good[] = {"auth.\"Users\"", "AUTH.\"Users\"(id)"};
	o.roots = good;
	o.nroots = 2;
	/* loader findings are copied in and sorted with the rest */
	model_add_finding(m, "parse-error", SEV_ERROR, shape_loc(m, 5), "syntax error at or near \"x\"");
	SrcLoc none = {0};
	model_add_finding(m, "dynamic-sql", SEV_INFO, none, "DO block");
	assert_int_equal(analyze(m, &o, &an, &e), 0);
	assert_int_equal(an.roots.n, 1); /* the same table twice is one root */
	assert_int_equal(an.findings.n, 3);
	assert_string_equal(an.findings.items[0]->rule, "dynamic-sql"); /* no file sorts first */
	assert_string_equal(an.findings.items[1]->rule, "parse-error");
	assert_string_equal(an.findings.items[2]->rule, "fk-blocks-delete");
	assert_non_null(strstr(an.findings.items[2]->message, "auth.Users <- t (t_user)"));
	assert_int_equal(an.nerrors, 2);
	assert_int_equal(m->findings.n, 2); /* the model keeps only the loader's */
	arena_free(a);
}

/* --- the --shape driver --------------------------------------------------- */

static int shape_main(const char *path)
{
	int ret = 1;
	Arena *a = arena_new();
	Model *m = model_new(a);
	m->dialect = DIALECT_POSTGRES;
	Err e = {0};
	Analysis an;
	FILE *f = fopen(path, "r");
	if (!f) {
		perror(path);
		goto out;
	}
	int rc = shape_load(m, f);
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "%s: malformed shape\n", path);
		goto out;
	}
	if (analyze(m, NULL, &an, &e) < 0 || report_audit(stdout, m, &an, FMT_JSON, false, &e) < 0) {
		fprintf(stderr, "%s\n", e.msg);
		goto out;
	}
	ret = 0;
out:
	arena_free(a);
	return ret;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--shape") == 0)
		return shape_main(argv[2]);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_parse_ok),
		cmocka_unit_test(test_root_parse_rejects),
		cmocka_unit_test(test_root_parse_random),
		cmocka_unit_test(test_closure_depth_via),
		cmocka_unit_test(test_closure_cycles_self),
		cmocka_unit_test(test_closure_long_chain_and_fan_in),
		cmocka_unit_test(test_blocks_levels),
		cmocka_unit_test(test_blocks_live_trigger_name_order),
		cmocka_unit_test(test_blocks_message_and_only_path),
		cmocka_unit_test(test_blocks_held_back_parent_and_crdb),
		cmocka_unit_test(test_blocks_owner_tie),
		cmocka_unit_test(test_set_null_not_null),
		cmocka_unit_test(test_owner_columns),
		cmocka_unit_test(test_roots_and_sorting),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
