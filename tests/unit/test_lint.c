/*
 * test_lint.c - unit tests of lint's pieces with hand-built models and
 * findings: the policy file, suppression comments, selection of new
 * files, fk-unindexed, the ON DELETE policy, and the output formats
 * (compared with tests/golden/lint/unit.*; PGC_UPDATE_GOLDEN=1 rewrites them).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "frontend/frontend.h"
#include "lint/config.h"
#include "lint/lint.h"
#include "lint/output.h"
#include "lint/suppress.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- policy file ---- */

static void test_config_ok(void **state)
{
	(void)state;
	Arena *a = arena_new();
	LintConfig c;
	config_init(&c);
	Err e = {0};
	const char *text =
		"; pgcascade policy\n"
		"root = users, \"Auth\".users(id, tenant)\n"
		"owner_column = user_id\n"
		"owner_column = *_by_id\n"
		"dialect = cockroach\n"
		"ignore = legacy/, old_*.sql\n"
		"\n"
		"[rules]\n"
		"fk-unindexed = off\n"
		"user-column-no-fk = error\n"
		"\n"
		"[on_delete]\n"
		"teams = set null, cascade\n"
		"audit.\"Log\" = RESTRICT\n";
	assert_int_equal(config_load_string(a, "p.ini", text, &c, &e), 0);
	assert_int_equal(c.roots.n, 2);
	assert_string_equal(c.roots.items[0], "users");
	assert_string_equal(c.roots.items[1], "\"Auth\".users(id, tenant)");
	assert_int_equal(c.owner_patterns.n, 2);
	assert_string_equal(c.owner_patterns.items[1], "*_by_id");
	assert_int_equal(c.dialect, DIALECT_COCKROACH);
	assert_true(c.dialect_set);
	assert_int_equal(c.ignore.n, 2);
	assert_int_equal(config_rule_level(&c, "fk-unindexed", SEV_WARNING), RULE_LEVEL_OFF);
	assert_int_equal(config_rule_level(&c, "user-column-no-fk", SEV_WARNING), SEV_ERROR);
	assert_int_equal(config_rule_level(&c, "fk-blocks-delete", SEV_ERROR), SEV_ERROR);
	const ActionPolicy *p = config_policy_for(&c, "public", "teams");
	assert_non_null(p);
	assert_string_equal(p->actions, "nc");
	assert_int_equal(p->line, 13);
	assert_true(policy_allows(p, FK_SET_NULL));
	assert_false(policy_allows(p, FK_NO_ACTION));
	assert_null(config_policy_for(&c, "public", "Log"));
	p = config_policy_for(&c, "audit", "Log");
	assert_non_null(p);
	assert_string_equal(p->actions, "r");
	arena_free(a);
}

static void expect_config_error(const char *text, const char *msg)
{
	Arena *a = arena_new();
	LintConfig c;
	config_init(&c);
	Err e = {0};
	assert_int_equal(config_load_string(a, "dir/.pgcascade.ini", text, &c, &e), -1);
	assert_int_equal(e.code, PGC_EXIT_USAGE);
	if (strcmp(e.msg, msg) != 0)
		fail_msg("got   \"%s\"\nwant  \"%s\"", e.msg, msg);
	arena_free(a);
}

static void test_config_errors(void **state)
{
	(void)state;
	expect_config_error("root = users\nroots_typo = x\n",
	                    "dir/.pgcascade.ini:2: unknown key \"roots_typo\" (expected root, owner_column, dialect, layout, ignore, rules_url or tolerate)");
	expect_config_error("dialect = mysql\n",
	                    "dir/.pgcascade.ini:1: bad value \"mysql\" for dialect: expected postgres, cockroach or auto");
	expect_config_error("[rules]\nfk-blocks-delete = fatal\n",
	                    "dir/.pgcascade.ini:2: bad value \"fatal\" for rule fk-blocks-delete: expected error, warning, info or off");
	expect_config_error("\n\n[on_delete]\nteams = delete\n",
	                    "dir/.pgcascade.ini:4: bad ON DELETE action \"delete\" for teams: expected cascade, set null, set default, restrict or no action");
	expect_config_error("[rulez]\nx = y\n",
	                    "dir/.pgcascade.ini:2: unknown section [rulez] (expected [pgcascade], [rules], [on_delete] or [erase])");
	expect_config_error("root = users\nthis line has no equals sign\n",
	                    "dir/.pgcascade.ini:2: syntax error: expected \"key = value\" or \"[section]\"");
	expect_config_error("root = users,,teams\n",
	                    "dir/.pgcascade.ini:1: bad value \"users,,teams\" for root: expected table names separated by commas");
	expect_config_error("[on_delete]\n\"unterminated = cascade\n",
	                    "dir/.pgcascade.ini:2: bad table name \"\"unterminated\" in [on_delete]: expected table or schema.table");
	/* the first error wins, with its own line */
	expect_config_error("a = 1\nb = 2\n", "dir/.pgcascade.ini:1: unknown key \"a\" (expected root, owner_column, dialect, layout, ignore, rules_url or tolerate)");
}

static void test_config_unknown_rule(void **state)
{
	(void)state;
	Arena *a = arena_new();
	LintConfig c;
	config_init(&c);
	Err e = {0};
	assert_int_equal(config_load_string(a, "x.ini", "[rules]\nfk-blocks-deletes = off\n", &c, &e), -1);
	assert_non_null(strstr(e.msg, "x.ini:2: unknown rule \"fk-blocks-deletes\" in [rules] (rules: fk-blocks-delete, "));
	arena_free(a);
}

static void test_config_find_and_ignore(void **state)
{
	(void)state;
	Arena *a = arena_new();
	char tmpl[] = "/tmp/pgc-lint-unit.XXXXXX";
	char *dir = mkdtemp(tmpl);
	assert_non_null(dir);
	char *sub = arena_printf(a, "%s/db/migrations", dir);
	char *cmd = arena_printf(a, "mkdir -p %s/legacy && touch %s/001.sql %s/legacy/000.sql %s/old_1.sql", sub, sub, sub, sub);
	assert_int_equal(system(cmd), 0);
	assert_null(config_find(a, sub));
	FILE *f = fopen(arena_printf(a, "%s/db/.pgcascade.ini", dir), "w");
	assert_non_null(f);
	fputs("ignore = migrations/legacy, old_*.sql\n", f);
	fclose(f);
	const char *found = config_find(a, sub);
	assert_non_null(found);
	assert_non_null(strstr(found, "/db/.pgcascade.ini"));
	LintConfig c;
	config_init(&c);
	Err e = {0};
	assert_int_equal(config_load(a, found, &c, &e), 0);
	assert_false(config_path_ignored(&c, arena_printf(a, "%s/001.sql", sub)));
	assert_true(config_path_ignored(&c, arena_printf(a, "%s/legacy/000.sql", sub)));
	assert_true(config_path_ignored(&c, arena_printf(a, "%s/old_1.sql", sub)));
	assert_int_equal(system(arena_printf(a, "rm -rf %s", dir)), 0);
	arena_free(a);
}

/* ---- suppression comments ---- */

static FileSuppressions scan(Arena *a, const char *text)
{
	FileSuppressions fs;
	suppress_scan(a, "m.sql", text, strlen(text), &fs);
	return fs;
}

static int off_of(const char *text, const char *needle)
{
	const char *p = strstr(text, needle);
	assert_non_null(p);
	return (int)(p - text);
}

static void test_suppress_binding(void **state)
{
	(void)state;
	Arena *a = arena_new();
	const char *text =
		"CREATE TABLE a (id int PRIMARY KEY);\n"                                      /* 1 */
		"-- pgcascade:ignore fk-blocks-delete audit rows are kept on purpose\n"       /* 2 */
		"CREATE TABLE b (user_id int REFERENCES users(id));\n"                         /* 3 */
		"CREATE TABLE c (\n"                                                           /* 4 */
		"  user_id int REFERENCES users(id) -- pgcascade:ignore fk-unindexed,fk-blocks-delete tiny table\n" /* 5 */
		");\n"                                                                         /* 6 */
		"CREATE TABLE d (user_id int REFERENCES users(id)); -- pgcascade:ignore fk-blocks-delete\n" /* 7 */
		"-- pgcascade:ignore fk-blocks-delete far away\n"                              /* 8 */
		"\n"                                                                           /* 9 */
		"CREATE TABLE e (user_id int REFERENCES users(id));\n"                         /* 10 */
		"-- pgcascade:ignore fk-blocks-delete first of two\n"                          /* 11 */
		"-- an ordinary comment\n"                                                     /* 12 */
		"CREATE TABLE f (user_id int REFERENCES users(id));\n"                         /* 13 */
		"INSERT INTO a VALUES ('-- pgcascade:ignore fk-blocks-delete not a comment');\n" /* 14 */
		"/* pgcascade:ignore-file user-column-no-fk legacy naming */\n";               /* 15 */
	FileSuppressions fs = scan(a, text);
	assert_true(fs.scanned);
	assert_int_equal(fs.stmts.n, 7);
	assert_int_equal(fs.sups.n, 6);
	/* line above */
	assert_int_equal(fs.sups.items[0]->loc.line, 2);
	assert_int_equal(fs.sups.items[0]->stmt, 1);
	assert_string_equal(fs.sups.items[0]->reason, "audit rows are kept on purpose");
	/* inside, two rules */
	assert_int_equal(fs.sups.items[1]->stmt, 2);
	assert_int_equal(fs.sups.items[1]->nrules, 2);
	assert_string_equal(fs.sups.items[1]->rules[0], "fk-unindexed");
	assert_string_equal(fs.sups.items[1]->rules[1], "fk-blocks-delete");
	assert_string_equal(fs.sups.items[1]->reason, "tiny table");
	/* trailing after the semicolon, without a reason */
	assert_int_equal(fs.sups.items[2]->stmt, 3);
	assert_null(fs.sups.items[2]->reason);
	/* a blank line in between: binds to nothing */
	assert_int_equal(fs.sups.items[3]->stmt, -1);
	/* a block of comment lines right above */
	assert_int_equal(fs.sups.items[4]->stmt, 5);
	/* block comment, whole file */
	assert_true(fs.sups.items[5]->whole_file);
	assert_string_equal(fs.sups.items[5]->reason, "legacy naming");
	assert_int_equal(fs.sups.items[5]->loc.line, 15);
	assert_int_equal(fs.sups.items[5]->loc.col, 1);

	/* matching */
	assert_ptr_equal(suppress_match(&fs, "fk-blocks-delete", off_of(text, "REFERENCES users(id));\nCREATE TABLE c")),
	                 fs.sups.items[0]);
	assert_null(suppress_match(&fs, "fk-unindexed", off_of(text, "REFERENCES users(id));\nCREATE TABLE c")));
	assert_ptr_equal(suppress_match(&fs, "fk-unindexed", off_of(text, "REFERENCES users(id) --")), fs.sups.items[1]);
	assert_null(suppress_match(&fs, "fk-blocks-delete", off_of(text, "e (user_id")));
	assert_ptr_equal(suppress_match(&fs, "user-column-no-fk", off_of(text, "e (user_id")), fs.sups.items[5]);
	assert_true(fs.sups.items[5]->used);
	arena_free(a);
}

static void test_suppress_parse(void **state)
{
	(void)state;
	Arena *a = arena_new();
	FileSuppressions fs = scan(a, "-- pgcascade:ignore\nSELECT 1;\n-- pgcascade:ignored x\nSELECT 2;\n"
	                              "-- pgcascade:ignore a , b  why not \nSELECT 3;\n");
	assert_int_equal(fs.sups.n, 2);
	assert_int_equal(fs.sups.items[0]->nrules, 0);
	assert_int_equal(fs.sups.items[1]->nrules, 2);
	assert_string_equal(fs.sups.items[1]->rules[1], "b");
	assert_string_equal(fs.sups.items[1]->reason, "why not");
	/* the scanner fails (unterminated quote): line rules */
	const char *bad = "CREATE TABLE x (a int REFERENCES users); -- pgcascade:ignore fk-blocks-delete ok\nSELECT 'oops;\n";
	fs = scan(a, bad);
	assert_false(fs.scanned);
	assert_int_equal(fs.sups.n, 1);
	assert_non_null(suppress_match(&fs, "fk-blocks-delete", off_of(bad, "REFERENCES")));
	arena_free(a);
}

/* ---- lint_run with a hand-built model ---- */

typedef struct World {
	Arena *a;
	Model *m;
	Analysis an;
	SourceList src;
	char *dir;
	Table *users, *teams, *posts, *comments, *members;
	ForeignKey *posts_user, *comments_post, *members_team, *members_user;
} World;

static const char *OLD_SQL =
	"CREATE TABLE users (id int PRIMARY KEY);\n"
	"CREATE TABLE teams (id int PRIMARY KEY);\n"
	"CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users(id));\n";
static const char *NEW_SQL =
	"CREATE TABLE comments (\n"
	"  id int PRIMARY KEY,\n"
	"  post_id int REFERENCES posts(id) ON DELETE CASCADE -- pgcascade:ignore fk-unindexed small table\n"
	");\n"
	"-- pgcascade:ignore fk-blocks-delete\n"
	"CREATE TABLE members (team_id int NOT NULL REFERENCES teams ON DELETE SET NULL,\n"
	"  user_id int REFERENCES users(id));\n"
	"-- pgcascade:ignore set-null-not-null nothing to silence here\n"
	"CREATE INDEX ON members (user_id);\n";

static SrcLoc at(World *w, int file, const char *needle)
{
	const Source *s = &w->src.items[file];
	const char *p = strstr(s->text, needle);
	assert_non_null(p);
	return srcloc_at(s->path, s->text, s->len, (int)(p - s->text));
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static Index *add_index(World *w, Table *t, const char *name, const char *col, bool primary)
{
	Index *ix = arena_alloc(w->a, sizeof(*ix));
	ix->name = name;
	ix->table = t;
	ix->cols = arena_alloc(w->a, sizeof(char *));
	ix->cols[0] = col;
	ix->ncols = 1;
	ix->primary = ix->unique = ix->is_constraint = primary;
	model_add_index(w->m, ix, t->schema);
	if (primary)
		t->pk = ix;
	return ix;
}

static ForeignKey *add_fk(World *w, Table *t, const char *name, const char *col, Table *ref, char action,
                          int file, const char *needle)
{
	ForeignKey *fk = model_add_fk(w->m, t, name);
	fk->cols = arena_alloc(w->a, sizeof(char *));
	fk->cols[0] = col;
	fk->ncols = 1;
	fk->ref = ref;
	fk->ref_cols = arena_alloc(w->a, sizeof(char *));
	fk->ref_cols[0] = "id";
	fk->nref_cols = 1;
	fk->on_delete = action;
	fk->ref_loc = at(w, file, needle);
	fk->origin = fk->ref_loc;
	return fk;
}

static Finding *add_finding(World *w, const char *rule, Severity sev, ForeignKey *fk, const char *msg)
{
	Finding *f = arena_alloc(w->a, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	f->schema = fk->table->schema;
	f->table = fk->table->name;
	f->constraint = fk->name;
	f->fk = fk;
	f->loc = fk->ref_loc;
	f->message = msg;
	f->depth = 1;
	f->blocks = strcmp(rule, "fk-blocks-delete") == 0 ? "always" : NULL;
	VEC_PUSH(w->a, w->an.findings, f);
	return f;
}

static void world_init(World *w)
{
	memset(w, 0, sizeof(*w));
	w->a = arena_new();
	w->m = model_new(w->a);
	w->m->dialect = DIALECT_POSTGRES;
	char tmpl[] = "/tmp/pgc-lint-world.XXXXXX";
	w->dir = arena_strdup(w->a, mkdtemp(tmpl));
	const char *paths[2] = {arena_printf(w->a, "%s/001_old.sql", w->dir), arena_printf(w->a, "%s/002_new.sql", w->dir)};
	const char *texts[2] = {OLD_SQL, NEW_SQL};
	for (int i = 0; i < 2; i++) {
		write_file(paths[i], texts[i]);
		Source s = {paths[i], arena_strdup(w->a, texts[i]), strlen(texts[i])};
		VEC_PUSH(w->a, w->src, s);
	}
	SrcLoc none = {0};
	w->users = model_add_table(w->m, "public", "users", none);
	w->teams = model_add_table(w->m, "public", "teams", none);
	w->posts = model_add_table(w->m, "public", "posts", none);
	w->comments = model_add_table(w->m, "public", "comments", none);
	w->members = model_add_table(w->m, "public", "members", none);
	add_index(w, w->users, "users_pkey", "id", true);
	add_index(w, w->teams, "teams_pkey", "id", true);
	add_index(w, w->posts, "posts_pkey", "id", true);
	add_index(w, w->comments, "comments_pkey", "id", true);
	w->posts_user = add_fk(w, w->posts, "posts_user_id_fkey", "user_id", w->users, FK_NO_ACTION, 0, "REFERENCES users");
	w->comments_post = add_fk(w, w->comments, "comments_post_id_fkey", "post_id", w->posts, FK_CASCADE, 1, "REFERENCES posts");
	w->members_team = add_fk(w, w->members, "members_team_id_fkey", "team_id", w->teams, FK_SET_NULL, 1, "REFERENCES teams");
	w->members_user = add_fk(w, w->members, "members_user_id_fkey", "user_id", w->users, FK_NO_ACTION, 1, "REFERENCES users");
	/* CREATE INDEX ON members (user_id) and a partial one on posts */
	add_index(w, w->members, "members_user_id_idx", "user_id", false);
	add_index(w, w->posts, "posts_user_id_partial", "user_id", false)->partial = true;

	Root *r = arena_alloc(w->a, sizeof(*r));
	r->spec = "users";
	r->schema = "public";
	r->table = "users";
	r->t = w->users;
	VEC_PUSH(w->a, w->an.roots, r);
	Table *cl[] = {w->posts, w->comments, w->members};
	int depth[] = {1, 2, 1};
	for (int i = 0; i < 3; i++) {
		ClosureEntry *e = arena_alloc(w->a, sizeof(*e));
		e->root = r;
		e->table = cl[i];
		e->depth = depth[i];
		VEC_PUSH(w->a, w->an.closure, e);
	}
	add_finding(w, "fk-blocks-delete", SEV_ERROR, w->posts_user,
	            "posts_user_id_fkey (ON DELETE NO ACTION) blocks DELETE FROM users: users <- posts");
	add_finding(w, "fk-blocks-delete", SEV_ERROR, w->members_user,
	            "members_user_id_fkey (ON DELETE NO ACTION) blocks DELETE FROM users: users <- members");
	add_finding(w, "set-null-not-null", SEV_ERROR, w->members_team,
	            "members_team_id_fkey sets team_id to NULL on delete, but members.team_id is NOT NULL");
}

static void world_free(World *w)
{
	char cmd[256];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", w->dir);
	assert_int_equal(system(cmd), 0);
	arena_free(w->a);
}

static const Finding *find(const LintResult *r, const char *rule, int line)
{
	for (size_t i = 0; i < r->findings.n; i++)
		if (strcmp(r->findings.items[i]->rule, rule) == 0 && r->findings.items[i]->loc.line == line)
			return r->findings.items[i];
	return NULL;
}

static void dump(const LintResult *r)
{
	for (size_t i = 0; i < r->findings.n; i++) {
		const Finding *f = r->findings.items[i];
		fprintf(stderr, "# %s:%d:%d %s %s: %s\n", f->loc.file ? f->loc.file : "-", f->loc.line, f->loc.col,
		        severity_name(f->severity), f->rule, f->message);
	}
}

static void test_lint_new_file(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	LintOptions o = {0};
	const char *news[] = {w.src.items[1].path};
	o.new_files = news;
	o.nnew = 1;
	o.new_strict = true;
	LintResult r;
	Err e = {0};
	assert_int_equal(lint_run(w.m, &w.an, &w.src, &o, &r, &e), 0);
	dump(&r);
	/* the old file's blocker is not reported; the new one is silenced but
	 * the comment has no reason; comments.post_id has no index but is
	 * silenced with a reason; set-null-not-null is reported, and its ignore on
	 * CREATE INDEX silences nothing. */
	assert_int_equal(r.nchecked, 1);
	assert_int_equal(r.nsuppressed, 2);
	assert_null(find(&r, "fk-blocks-delete", 3));
	assert_null(find(&r, "fk-blocks-delete", 7));
	const Finding *f = find(&r, "suppression-no-reason", 5);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_WARNING);
	/* teams is not reached from users: its unindexed FK is not a finding */
	assert_null(find(&r, "fk-unindexed", 6));
	assert_non_null(find(&r, "set-null-not-null", 6));
	f = find(&r, "unused-suppression", 8);
	assert_non_null(f);
	assert_string_equal(f->message, "pgcascade:ignore set-null-not-null suppresses nothing: no set-null-not-null finding on this statement");
	assert_int_equal(r.findings.n, 3);
	assert_int_equal(r.nerrors, 1);
	assert_int_equal(r.nwarnings, 2);
	world_free(&w);
}

static void test_lint_all_files_and_policy(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	w.m->dialect = DIALECT_COCKROACH;
	LintConfig c;
	config_init(&c);
	Err e = {0};
	assert_int_equal(config_load_string(w.a, "p.ini",
	        "[rules]\nsuppression-no-reason = off\nunused-suppression = info\n"
	        "[on_delete]\nusers = cascade\nposts = restrict\n", &c, &e), 0);
	/* users: only CASCADE allowed; the blockers stay, with the policy's help.
	 * posts: RESTRICT allowed, so comments' CASCADE violates the policy. */
	LintOptions o = {0};
	o.cfg = &c;
	o.all_files = true;
	LintResult r;
	assert_int_equal(lint_run(w.m, &w.an, &w.src, &o, &r, &e), 0);
	dump(&r);
	assert_int_equal(r.nchecked, 2);
	const Finding *f = find(&r, "fk-blocks-delete", 3);
	assert_non_null(f);
	assert_string_equal(f->help, "+ ON DELETE CASCADE");
	f = find(&r, "on-delete-policy", 3);
	assert_non_null(f);
	assert_string_equal(f->message,
	                    "posts <- comments (comments_post_id_fkey): ON DELETE CASCADE, but the policy for references to posts allows only ON DELETE RESTRICT");
	/* posts.user_id only has a partial index: CockroachDB's help */
	f = find(&r, "fk-unindexed", 3);
	assert_non_null(f);
	assert_string_equal(f->help, "CREATE INDEX ON posts (user_id);");
	assert_null(find(&r, "suppression-no-reason", 5));
	f = find(&r, "unused-suppression", 8);
	assert_non_null(f);
	assert_int_equal(f->severity, SEV_INFO);
	world_free(&w);
}

static void test_lint_rule_off(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	LintConfig c;
	config_init(&c);
	Err e = {0};
	assert_int_equal(config_load_string(w.a, "p.ini", "[rules]\nset-null-not-null = off\n", &c, &e), 0);
	LintOptions o = {0};
	o.cfg = &c;
	const char *news[] = {w.src.items[1].path};
	o.new_files = news;
	o.nnew = 1;
	LintResult r;
	assert_int_equal(lint_run(w.m, &w.an, &w.src, &o, &r, &e), 0);
	dump(&r);
	/* the rule is off: no finding, and its ignore comment is not stale */
	assert_null(find(&r, "set-null-not-null", 6));
	assert_null(find(&r, "unused-suppression", 8));
	assert_non_null(find(&r, "suppression-no-reason", 5));
	assert_int_equal(r.nerrors, 0);
	world_free(&w);
}

static void test_lint_new_not_a_source(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	LintOptions o = {0};
	const char *news[] = {"/etc/hostname"};
	o.new_files = news;
	o.nnew = 1;
	o.new_strict = true;
	LintResult r;
	Err e = {0};
	assert_int_equal(lint_run(w.m, &w.an, &w.src, &o, &r, &e), -1);
	assert_int_equal(e.code, PGC_EXIT_USAGE);
	assert_string_equal(e.msg, "/etc/hostname: given with --new but not among the migration files read from the paths");
	world_free(&w);
}

static void test_has_index(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	Index *ix = arena_alloc(w.a, sizeof(*ix));
	const char *cols[] = {"b", "a", "c"};
	ix->table = w.members;
	ix->cols = cols;
	ix->ncols = 3;
	ix->inline_crdb = true;
	model_add_index(w.m, ix, "public");
	const char *ab[] = {"a", "b"}, *ac[] = {"a", "c"}, *b[] = {"b"}, *a1[] = {"a"};
	assert_true(lint_has_index(w.m, w.members, ab, 2));
	assert_false(lint_has_index(w.m, w.members, ac, 2));
	assert_true(lint_has_index(w.m, w.members, b, 1));
	assert_false(lint_has_index(w.m, w.members, a1, 1));
	ix->dropped = true;
	assert_false(lint_has_index(w.m, w.members, ab, 2));
	world_free(&w);
}

/* ---- output ---- */

static char *render(const LintResult *r, LintFormat fmt, const SourceList *src)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	LintOutputOptions o = {fmt, false, NULL, src, NULL};
	Err e = {0};
	assert_int_equal(lint_output(f, r, &o, &e), 0);
	fclose(f);
	return buf;
}

static void golden(const char *name, const char *actual, const char *dir)
{
	char path[512];
	snprintf(path, sizeof(path), "tests/golden/lint/%s", name);
	/* paths in the output are the temporary directory's: make them stable */
	char *stable = NULL;
	size_t sl = 0;
	FILE *s = open_memstream(&stable, &sl);
	size_t dl = strlen(dir);
	for (const char *p = actual; *p;) {
		if (strncmp(p, dir, dl) == 0) {
			fputs("TMP", s);
			p += dl;
		} else {
			fputc(*p++, s);
		}
	}
	fclose(s);
	if (getenv("PGC_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(stable, f);
		fclose(f);
		free(stable);
		/* an update run never passes: the new golden needs a review */
		fail_msg("%s rewritten (PGC_UPDATE_GOLDEN): review the diff, then run without PGC_UPDATE_GOLDEN", path);
	}
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("missing golden file %s", path);
	char *want = NULL;
	size_t cap = 0;
	ssize_t n = getdelim(&want, &cap, '\0', f);
	fclose(f);
	if (n < 0 || strcmp(want, stable) != 0) {
		fprintf(stderr, "# %s differs; actual:\n%s\n", path, stable);
		free(want);
		free(stable);
		fail_msg("%s differs", path);
	}
	free(want);
	free(stable);
}

/* Beside the goldens: every "file:line:col: ... [rule]" line of the gcc
 * output points, in the source text written to the files, at what its rule
 * is about (a foreign key's clause, a suppression comment). */
static void check_positions(const char *gcc, const World *w)
{
	int n = 0;
	for (const char *l = gcc; *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : l + strlen(l)) {
		char one[1024], file[512], rule[64];
		int line = 0, col = 0;
		snprintf(one, sizeof(one), "%.*s", (int)strcspn(l, "\n"), l);
		const char *rb = strrchr(one, '[');
		if (sscanf(one, "%511[^:]:%d:%d:", file, &line, &col) != 3 || !rb || sscanf(rb, "[%63[^]]]", rule) != 1)
			fail_msg("not a gcc finding line: %.80s", one);
		const char *text = NULL;
		for (size_t i = 0; i < w->src.n; i++)
			if (strcmp(w->src.items[i].path, file) == 0)
				text = w->src.items[i].text;
		if (!text)
			fail_msg("%s: not one of the sources", file);
		for (int k = 1; k < line && text; k++)
			text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
		if (!text || col < 1 || (size_t)(col - 1) > strcspn(text, "\n"))
			fail_msg("%s:%d:%d is outside the file", file, line, col);
		const char *at = text + col - 1;
		const char *want = strstr(rule, "suppression") ? "-- pgcascade:ignore" : "REFERENCES ";
		if (strncmp(at, want, strlen(want)) != 0)
			fail_msg("%s:%d:%d [%s] points at \"%.20s\", not \"%s\"", file, line, col, rule, at, want);
		n++;
	}
	assert_int_equal(n, 5);
}

static void test_output_formats(void **state)
{
	(void)state;
	World w;
	world_init(&w);
	LintOptions o = {0};
	o.all_files = true;
	LintResult r;
	Err e = {0};
	assert_int_equal(lint_run(w.m, &w.an, &w.src, &o, &r, &e), 0);
	static const struct { LintFormat f; const char *name; } fmts[] = {
		{LINT_TEXT, "unit.text"}, {LINT_GCC, "unit.gcc"}, {LINT_JSON, "unit.json"},
		{LINT_SARIF, "unit.sarif"}, {LINT_GITHUB, "unit.github"},
	};
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		char *out = render(&r, fmts[i].f, &w.src);
		golden(fmts[i].name, out, w.dir);
		if (fmts[i].f == LINT_GCC)
			check_positions(out, &w);
		free(out);
	}
	/* colour only when asked */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	LintOutputOptions co = {LINT_TEXT, true, NULL, &w.src, NULL};
	assert_int_equal(lint_output(f, &r, &co, &e), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\033[1;31merror[fk-blocks-delete]\033[0m"));
	free(buf);
	/* sarif and github: paths relative to the repository root */
	buf = NULL;
	len = 0;
	f = open_memstream(&buf, &len);
	LintOutputOptions go = {LINT_GITHUB, false, NULL, &w.src, w.dir};
	assert_int_equal(lint_output(f, &r, &go, &e), 0);
	go.format = LINT_SARIF;
	assert_int_equal(lint_output(f, &r, &go, &e), 0);
	fclose(f);
	assert_non_null(strstr(buf, "::error file=001_old.sql,line=3,col=53,title=fk-blocks-delete::"));
	assert_non_null(strstr(buf, "\"uri\": \"002_new.sql\""));
	assert_null(strstr(buf, w.dir));
	free(buf);
	/* an empty result */
	LintResult empty = {0};
	empty.nchecked = 3;
	char *t = render(&empty, LINT_TEXT, NULL);
	assert_string_equal(t, "3 files checked: no findings\n");
	free(t);
	world_free(&w);
}

static void test_clause_length(void **state)
{
	(void)state;
	const char *t = "  user_id INT8 REFERENCES users(id) ON DELETE CASCADE,\n"
	                "  CONSTRAINT x FOREIGN KEY (a, b) REFERENCES \"Team\" (a, b),\n"
	                "  z int REFERENCES public.users\n"
	                "  REFERENCES users(id\n";
	size_t n = strlen(t);
	assert_int_equal(lint_clause_length(t, n, off_of(t, "REFERENCES users(id) ON")), (int)strlen("REFERENCES users(id)"));
	assert_int_equal(lint_clause_length(t, n, off_of(t, "FOREIGN")), (int)strlen("FOREIGN KEY (a, b) REFERENCES \"Team\" (a, b)"));
	assert_int_equal(lint_clause_length(t, n, off_of(t, "REFERENCES public")), (int)strlen("REFERENCES public.users"));
	assert_int_equal(lint_clause_length(t, n, off_of(t, "REFERENCES users(id\n")), (int)strlen("REFERENCES users"));
	assert_int_equal(lint_clause_length(t, n, off_of(t, "user_id")), 7);
	assert_int_equal(lint_clause_length(t, n, off_of(t, ",\n")), 1);
	assert_int_equal(lint_clause_length(t, n, (int)n), 1);
}

/* Random soups of SQL-ish pieces through the scanner-based suppression
 * binder and the policy parser: no crash, no sanitizer report, and every
 * bound statement index is in range. */
static void test_random_soup(void **state)
{
	(void)state;
	static const char *const pieces[] = {
		"-- pgcascade:ignore fk-blocks-delete why\n", "-- pgcascade:ignore-file x\n", "/* pgcascade:ignore a,b */",
		"/*", "*/", "--", "\n", "\n\n", ";", "'", "''", "$$", "$x$", "\"", "CREATE TABLE t (a int REFERENCES u)",
		"(", ")", ",", " ", "\t", "pgcascade:ignore", "[rules]\n", "[on_delete]\n", "a = b\n", "=", "teams = set null\n",
		"\"T\"\".x = cascade\n", "root = users(id, x)\n", "\xc3\xa9", "\r\n",
	};
	unsigned seed = 12345;
	for (int iter = 0; iter < 3000; iter++) {
		Arena *a = arena_new();
		StrBuf sb = STRBUF_INIT;
		seed = seed * 1103515245u + 12345u;
		int n = (int)(seed >> 16) % 40;
		for (int i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			sb_adds(&sb, pieces[(seed >> 16) % (sizeof(pieces) / sizeof(pieces[0]))]);
		}
		FileSuppressions fs;
		suppress_scan(a, "soup.sql", sb.buf, sb.len, &fs);
		for (size_t i = 0; i < fs.sups.n; i++)
			assert_true(fs.sups.items[i]->stmt >= -1 && fs.sups.items[i]->stmt < (int)fs.stmts.n);
		for (int off = 0; off <= (int)sb.len; off += 7)
			(void)suppress_match(&fs, "fk-blocks-delete", off);
		(void)lint_clause_length(sb.buf, sb.len, (int)(seed % (sb.len + 1)));
		LintConfig c;
		config_init(&c);
		Err e = {0};
		if (config_load_string(a, "soup.ini", sb.buf, &c, &e) < 0)
			assert_int_equal(e.code, PGC_EXIT_USAGE);
		sb_release(&sb);
		arena_free(a);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config_ok),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_config_unknown_rule),
		cmocka_unit_test(test_config_find_and_ignore),
		cmocka_unit_test(test_suppress_binding),
		cmocka_unit_test(test_suppress_parse),
		cmocka_unit_test(test_lint_new_file),
		cmocka_unit_test(test_lint_all_files_and_policy),
		cmocka_unit_test(test_lint_rule_off),
		cmocka_unit_test(test_lint_new_not_a_source),
		cmocka_unit_test(test_has_index),
		cmocka_unit_test(test_output_formats),
		cmocka_unit_test(test_clause_length),
		cmocka_unit_test(test_random_soup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
