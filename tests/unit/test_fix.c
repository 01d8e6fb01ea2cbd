/*
 * test_fix.c - unit tests of the migration writer (fix/fix.c), file
 * naming (fix/naming.c) and atomic writes (fix/write.c).
 *
 * The model and findings are built by hand to match SCHEMA below, so the
 * writer is tested on its own. The generated SQL is parsed back with
 * libpg_query (top level, then each DO body as PL/pgSQL, then each SQL
 * statement inside it) and the ALTER TABLEs are checked field by field.
 * Then the whole cycle runs on the real PostgreSQL of the test suite
 * (PGHOST etc. from scripts/test.sh): apply schema and seed, up +
 * validate, delete a user, up again (no DDL: constraint oids unchanged),
 * down (definitions exactly as before), up once more; and the guards:
 * a missing or changed constraint stops the migration with its name.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "analysis/analysis.h"
#include "fix/fix.h"
#include "fix/naming.h"
#include "fix/write.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <libpq-fe.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define NAME63 "order_items_order_id_order_user_fkey_with_a_very_long_name_0063"

static const char SCHEMA[] =
	"CREATE SCHEMA app;\n"
	"CREATE TABLE users (id int PRIMARY KEY);\n"
	"CREATE TABLE app.decisions (id int PRIMARY KEY, user_id int NOT NULL,\n"
	"  CONSTRAINT decisions_user_fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT);\n"
	"CREATE TABLE app.\"Decision Notes\" (id int PRIMARY KEY, \"Decision\" int,\n"
	"  CONSTRAINT \"note's \"\"fk\"\"\" FOREIGN KEY (\"Decision\") REFERENCES app.decisions(id)\n"
	"  ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED);\n"
	"CREATE TABLE \"order\" (id int, user_id int, PRIMARY KEY (id, user_id),\n"
	"  CONSTRAINT order_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id));\n"
	"CREATE TABLE order_items (id int PRIMARY KEY, order_id int, order_user int,\n"
	"  CONSTRAINT " NAME63 " FOREIGN KEY (order_id, order_user)\n"
	"  REFERENCES \"order\"(id, user_id) MATCH FULL);\n"
	"CREATE TABLE a (id int PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE);\n"
	"CREATE TABLE b (id int PRIMARY KEY, user_id int REFERENCES users(id) ON DELETE CASCADE,\n"
	"  a_id int REFERENCES a(id));\n"
	"CREATE TABLE audit (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users(id) ON DELETE SET NULL);\n"
	"CREATE TABLE legacy (id int PRIMARY KEY, user_id int);\n"
	"ALTER TABLE legacy ADD CONSTRAINT legacy_user_fk FOREIGN KEY (user_id) REFERENCES users(id) NOT VALID;\n";

static const char SEED[] =
	"INSERT INTO users VALUES (1), (2);\n"
	"INSERT INTO app.decisions VALUES (10, 1), (20, 2);\n"
	"INSERT INTO app.\"Decision Notes\" VALUES (100, 10), (200, 20);\n"
	"INSERT INTO \"order\" VALUES (5, 1), (6, 2);\n"
	"INSERT INTO order_items VALUES (50, 5, 1), (60, 6, 2);\n"
	"INSERT INTO a VALUES (7, 1), (8, 2);\n"
	"INSERT INTO b VALUES (70, 1, 7), (80, 2, 8);\n"
	"INSERT INTO legacy VALUES (9, 1), (19, 2);\n";

typedef struct Fixture {
	Arena *a;
	Model *m;
	Analysis an;
	Table *users;
} Fixture;

static const char **strv(Arena *a, int n, ...)
{
	const char **v = arena_alloc(a, sizeof(char *) * (size_t)n);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		v[i] = va_arg(ap, const char *);
	va_end(ap);
	return v;
}

static Table *table(Model *m, const char *schema, const char *name, int n, ...)
{
	SrcLoc loc = {0};
	Table *t = model_add_table(m, schema, name, loc);
	va_list ap;
	va_start(ap, n);
	for (int i = 0; i < n; i++) {
		const char *col = va_arg(ap, const char *);
		int not_null = va_arg(ap, int);
		Column *c = model_add_column(m, t, col, "integer");
		c->not_null = not_null;
	}
	va_end(ap);
	return t;
}

static ForeignKey *fk1(Model *m, Table *t, const char *name, const char *col, Table *ref,
                       const char *refcol, char del)
{
	ForeignKey *fk = model_add_fk(m, t, name);
	fk->cols = strv(m->arena, 1, col);
	fk->ncols = 1;
	fk->ref = ref;
	fk->ref_cols = strv(m->arena, 1, refcol);
	fk->nref_cols = 1;
	fk->on_delete = del;
	return fk;
}

static void finding(Fixture *fx, const char *rule, ForeignKey *fk, int depth, const char *blocks,
                    int npath, ...)
{
	Finding *f = arena_alloc(fx->a, sizeof(*f));
	f->rule = rule;
	f->severity = SEV_ERROR;
	f->schema = fk->table->schema;
	f->table = fk->table->name;
	f->constraint = fk->name;
	f->depth = depth;
	f->blocks = blocks;
	f->fk = fk;
	f->root_schema = "public";
	f->root_table = "users";
	f->message = "by hand";
	f->npath = npath;
	f->path = arena_alloc(fx->a, sizeof(char *) * (size_t)(npath ? npath : 1));
	va_list ap;
	va_start(ap, npath);
	for (int i = 0; i < npath; i++)
		f->path[i] = va_arg(ap, const char *);
	va_end(ap);
	VEC_PUSH(fx->a, fx->an.findings, f);
}

/* The model of SCHEMA, and the findings the analysis gives for it. */
static void fixture(Fixture *fx, Dialect d)
{
	memset(fx, 0, sizeof(*fx));
	fx->a = arena_new();
	Model *m = fx->m = model_new(fx->a);
	m->dialect = d;
	Table *users = fx->users = table(m, "public", "users", 1, "id", 1);
	Table *dec = table(m, "app", "decisions", 2, "id", 1, "user_id", 1);
	Table *notes = table(m, "app", "Decision Notes", 2, "id", 1, "Decision", 0);
	Table *order = table(m, "public", "order", 2, "id", 1, "user_id", 1);
	Table *items = table(m, "public", "order_items", 3, "id", 1, "order_id", 0, "order_user", 0);
	Table *ta = table(m, "public", "a", 2, "id", 1, "user_id", 0);
	Table *tb = table(m, "public", "b", 3, "id", 1, "user_id", 0, "a_id", 0);
	Table *audit = table(m, "public", "audit", 2, "id", 1, "user_id", 1);
	Table *legacy = table(m, "public", "legacy", 2, "id", 1, "user_id", 0);

	ForeignKey *f_dec = fk1(m, dec, "decisions_user_fk", "user_id", users, "id", FK_RESTRICT);
	ForeignKey *f_note = fk1(m, notes, "note's \"fk\"", "Decision", dec, "id", FK_NO_ACTION);
	f_note->on_update = FK_CASCADE;
	f_note->deferrable = f_note->initially_deferred = true;
	ForeignKey *f_order = fk1(m, order, "order_user_id_fkey", "user_id", users, "id", FK_NO_ACTION);
	ForeignKey *f_items = model_add_fk(m, items, NAME63);
	f_items->cols = strv(fx->a, 2, "order_id", "order_user");
	f_items->ncols = 2;
	f_items->ref = order;
	f_items->ref_cols = strv(fx->a, 2, "id", "user_id");
	f_items->nref_cols = 2;
	f_items->match = 'f';
	fk1(m, ta, "a_user_id_fkey", "user_id", users, "id", FK_CASCADE);
	fk1(m, tb, "b_user_id_fkey", "user_id", users, "id", FK_CASCADE);
	ForeignKey *f_ba = fk1(m, tb, "b_a_id_fkey", "a_id", ta, "id", FK_NO_ACTION);
	f_ba->name_predicted = true;
	ForeignKey *f_audit = fk1(m, audit, "audit_user_id_fkey", "user_id", users, "id", FK_SET_NULL);
	ForeignKey *f_legacy = fk1(m, legacy, "legacy_user_fk", "user_id", users, "id", FK_NO_ACTION);
	f_legacy->validated = false;

	Root *r = arena_alloc(fx->a, sizeof(*r));
	r->spec = "users";
	r->schema = "public";
	r->table = "users";
	r->t = users;
	VEC_PUSH(fx->a, fx->an.roots, r);
	/* deliberately unsorted, and one FK reached twice */
	finding(fx, "fk-blocks-delete", f_order, 1, "always", 1, "order_user_id_fkey");
	finding(fx, "fk-blocks-delete", f_note, 2, "always", 2, "decisions_user_fk", "note's \"fk\"");
	finding(fx, "fk-blocks-delete", f_dec, 1, "always", 1, "decisions_user_fk");
	finding(fx, "fk-blocks-delete", f_items, 2, "order-dependent", 2, "order_user_id_fkey", NAME63);
	finding(fx, "fk-blocks-delete", f_ba, 2, "not-on-postgres", 2, "a_user_id_fkey", "b_a_id_fkey");
	finding(fx, "fk-blocks-delete", f_ba, 3, "not-on-postgres", 3, "b_user_id_fkey", "x", "b_a_id_fkey");
	finding(fx, "fk-blocks-delete", f_legacy, 1, "always", 1, "legacy_user_fk");
	finding(fx, "set-null-not-null", f_audit, 0, NULL, 0);
}

static void fixture_free(Fixture *fx)
{
	arena_free(fx->a);
}

static FixOutput build(Fixture *fx, int depth, bool minimal)
{
	FixOptions o = {.depth = depth, .minimal = minimal, .command_line = "pgcascade fix test",
	                .lock_timeout = "5s", .up_name = "060-cascade-cleanup.sql",
	                .validate_name = "061-cascade-cleanup-validate.sql"};
	FixOutput out;
	Err err = {0};
	int rc = fix_build(fx->m, &fx->an, &o, &out, &err);
	if (rc != 0)
		fail_msg("fix_build: %s", err.msg);
	return out;
}

/* ---- parse back ---- */

typedef struct Alter {
	char schema[128], rel[128];
	char drop[128], add[128];
	char del, upd, match;
	bool deferrable, initdeferred, not_valid;
	char fk_attrs[256], pk_attrs[256], pktable[256];
	char validate[128];
} Alter;

typedef struct Parsed {
	Alter alters[32];
	int nalters;
	int ndo, nset;
} Parsed;

static const char *jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return "";
	return json_object_get_string(v);
}

static json_object *jobj(json_object *o, const char *key)
{
	json_object *v;
	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

static void join_strings(json_object *arr, char *out, size_t n)
{
	out[0] = 0;
	for (size_t i = 0; arr && i < json_object_array_length(arr); i++) {
		json_object *s = jobj(jobj(json_object_array_get_idx(arr, i), "String"), "sval");
		if (i)
			strncat(out, ",", n - strlen(out) - 1);
		strncat(out, s ? json_object_get_string(s) : "?", n - strlen(out) - 1);
	}
}

static void take_alter(Parsed *p, json_object *ats)
{
	assert_true(p->nalters < 32);
	Alter *al = &p->alters[p->nalters++];
	memset(al, 0, sizeof(*al));
	json_object *rel = jobj(ats, "relation");
	snprintf(al->schema, sizeof(al->schema), "%s", jstr(rel, "schemaname"));
	snprintf(al->rel, sizeof(al->rel), "%s", jstr(rel, "relname"));
	json_object *cmds = jobj(ats, "cmds");
	for (size_t i = 0; cmds && i < json_object_array_length(cmds); i++) {
		json_object *cmd = jobj(json_object_array_get_idx(cmds, i), "AlterTableCmd");
		const char *sub = jstr(cmd, "subtype");
		if (strcmp(sub, "AT_DropConstraint") == 0) {
			snprintf(al->drop, sizeof(al->drop), "%s", jstr(cmd, "name"));
		} else if (strcmp(sub, "AT_ValidateConstraint") == 0) {
			snprintf(al->validate, sizeof(al->validate), "%s", jstr(cmd, "name"));
		} else if (strcmp(sub, "AT_AddConstraint") == 0) {
			json_object *con = jobj(jobj(cmd, "def"), "Constraint");
			assert_string_equal(jstr(con, "contype"), "CONSTR_FOREIGN");
			snprintf(al->add, sizeof(al->add), "%s", jstr(con, "conname"));
			al->del = jstr(con, "fk_del_action")[0];
			al->upd = jstr(con, "fk_upd_action")[0];
			al->match = jstr(con, "fk_matchtype")[0];
			al->deferrable = json_object_get_boolean(jobj(con, "deferrable"));
			al->initdeferred = json_object_get_boolean(jobj(con, "initdeferred"));
			al->not_valid = json_object_get_boolean(jobj(con, "skip_validation"));
			join_strings(jobj(con, "fk_attrs"), al->fk_attrs, sizeof(al->fk_attrs));
			join_strings(jobj(con, "pk_attrs"), al->pk_attrs, sizeof(al->pk_attrs));
			json_object *pk = jobj(con, "pktable");
			snprintf(al->pktable, sizeof(al->pktable), "%s.%s", jstr(pk, "schemaname"),
			         jstr(pk, "relname"));
		} else {
			fail_msg("unexpected ALTER TABLE subcommand %s", sub);
		}
	}
}

static void parse_sql(Parsed *p, const char *sql, int depth);

/* Finds PLpgSQL_stmt_execsql queries anywhere in the PL/pgSQL tree. */
static void walk_plpgsql(Parsed *p, json_object *o, int depth)
{
	assert_true(depth < 64);
	if (json_object_is_type(o, json_type_array)) {
		for (size_t i = 0; i < json_object_array_length(o); i++)
			walk_plpgsql(p, json_object_array_get_idx(o, i), depth + 1);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	json_object_object_foreach(o, key, val) {
		if (strcmp(key, "PLpgSQL_stmt_execsql") == 0) {
			const char *q = jstr(jobj(jobj(val, "sqlstmt"), "PLpgSQL_expr"), "query");
			if (strncmp(q, "ALTER TABLE", 11) == 0)
				parse_sql(p, q, depth + 1);
			else if (strncmp(q, "SELECT c.confdeltype", 20) != 0)
				fail_msg("unexpected SQL inside a DO block: %s", q);
		} else {
			walk_plpgsql(p, val, depth + 1);
		}
	}
}

static void parse_sql(Parsed *p, const char *sql, int depth)
{
	PgQueryParseResult r = pg_query_parse(sql);
	if (r.error)
		fail_msg("generated SQL does not parse: %s at %d\n%s", r.error->message, r.error->cursorpos, sql);
	json_object *root = json_tokener_parse(r.parse_tree);
	json_object *stmts = jobj(root, "stmts");
	for (size_t i = 0; stmts && i < json_object_array_length(stmts); i++) {
		json_object *st = jobj(json_object_array_get_idx(stmts, i), "stmt");
		json_object *v;
		if ((v = jobj(st, "AlterTableStmt"))) {
			take_alter(p, v);
		} else if ((v = jobj(st, "VariableSetStmt"))) {
			p->nset++;
		} else if ((v = jobj(st, "DoStmt"))) {
			p->ndo++;
			json_object *args = jobj(v, "args");
			const char *body = NULL;
			for (size_t k = 0; args && k < json_object_array_length(args); k++) {
				json_object *de = jobj(json_object_array_get_idx(args, k), "DefElem");
				if (strcmp(jstr(de, "defname"), "as") == 0)
					body = jstr(jobj(jobj(de, "arg"), "String"), "sval");
			}
			assert_non_null(body);
			char *fn = malloc(strlen(body) + 128);
			sprintf(fn, "CREATE FUNCTION pgc_t() RETURNS void LANGUAGE plpgsql AS $pgcT$%s$pgcT$", body);
			PgQueryPlpgsqlParseResult pl = pg_query_parse_plpgsql(fn);
			if (pl.error)
				fail_msg("DO body does not parse as PL/pgSQL: %s\n%s", pl.error->message, body);
			json_object *tree = json_tokener_parse(pl.plpgsql_funcs);
			walk_plpgsql(p, tree, depth + 1);
			json_object_put(tree);
			pg_query_free_plpgsql_parse_result(pl);
			free(fn);
		} else {
			fail_msg("unexpected top-level statement in generated SQL");
		}
	}
	json_object_put(root);
	pg_query_free_parse_result(r);
}

static const Alter *find_add(const Parsed *p, const char *name)
{
	for (int i = 0; i < p->nalters; i++)
		if (strcmp(p->alters[i].add, name) == 0)
			return &p->alters[i];
	return NULL;
}

/* ---- tests: SQL text ---- */

static void test_up_parses_to_intended_statements(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	FixOutput out = build(&fx, 0, false);
	if (getenv("PGC_FIX_DUMP"))
		printf("%s\n==== validate\n%s\n==== down\n%s", out.up, out.validate, out.down);
	assert_int_equal(out.nchanges, 6);
	assert_int_equal(out.nvalidate, 5); /* legacy_user_fk stays NOT VALID */
	assert_int_equal(out.ndecisions, 1);
	assert_int_equal(out.npredicted, 1);
	Parsed p = {0};
	parse_sql(&p, out.up, 0);
	assert_int_equal(p.ndo, 6);
	assert_int_equal(p.nset, 2); /* SET lock_timeout, RESET */
	assert_int_equal(p.nalters, 6);
	/* sorted by schema, table, constraint */
	const char *order[] = {"app", "Decision Notes", "app", "decisions", "public", "b",
	                       "public", "legacy", "public", "order", "public", "order_items"};
	for (int i = 0; i < 6; i++) {
		assert_string_equal(p.alters[i].schema, order[2 * i]);
		assert_string_equal(p.alters[i].rel, order[2 * i + 1]);
		assert_string_equal(p.alters[i].drop, p.alters[i].add);
		assert_int_equal(p.alters[i].del, 'c');
		assert_true(p.alters[i].not_valid);
	}
	const Alter *n = find_add(&p, "note's \"fk\"");
	assert_non_null(n);
	assert_int_equal(n->upd, 'c');
	assert_true(n->deferrable);
	assert_true(n->initdeferred);
	assert_string_equal(n->fk_attrs, "Decision");
	assert_string_equal(n->pktable, "app.decisions");
	const Alter *it = find_add(&p, NAME63);
	assert_non_null(it);
	assert_int_equal(it->match, 'f');
	assert_string_equal(it->fk_attrs, "order_id,order_user");
	assert_string_equal(it->pk_attrs, "id,user_id");
	assert_string_equal(it->pktable, "public.order");
	const Alter *d = find_add(&p, "decisions_user_fk");
	assert_int_equal(d->upd, 'a');
	assert_false(d->deferrable);

	Parsed v = {0};
	parse_sql(&v, out.validate, 0);
	assert_int_equal(v.nalters, 5);
	for (int i = 0; i < v.nalters; i++)
		assert_true(v.alters[i].validate[0]);

	Parsed dn = {0};
	parse_sql(&dn, out.down, 0);
	assert_int_equal(dn.nalters, 6 + 5);
	assert_int_equal(find_add(&dn, "decisions_user_fk")->del, 'r');
	assert_int_equal(find_add(&dn, "order_user_id_fkey")->del, 'a');
	assert_int_equal(find_add(&dn, "note's \"fk\"")->upd, 'c');
	fixture_free(&fx);
}

static void test_header(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	FixOutput out = build(&fx, 0, false);
	const char *must[] = {
		"Generated by pgcascade ", "pgcascade fix test",
		"users <- order (order_user_id_fkey) <- order_items (" NAME63 ")",
		"Predicted names", "public.b.b_a_id_fkey",
		"Needs a decision", "public.audit.audit_user_id_fkey",
		"ALTER TABLE public.audit ALTER COLUMN user_id DROP NOT NULL",
		"Verification query", "restore from backup", "061-cascade-cleanup-validate.sql",
		"Locks: ACCESS EXCLUSIVE on app.\"Decision Notes\" and on app.decisions",
		"not --minimal",
	};
	/* lint knows the files fix writes by their first line */
	assert_true(fix_generated(out.up, strlen(out.up)));
	assert_true(fix_generated(out.down, strlen(out.down)));
	assert_false(fix_generated("-- Up migration written by hand\n", 31));
	assert_false(fix_generated("CREATE TABLE t (id int);\n", 25));
	assert_false(fix_generated("-- Up", 5));
	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		if (!strstr(out.up, must[i]))
			fail_msg("header lacks \"%s\":\n%s", must[i], out.up);
	assert_non_null(strstr(out.validate, "Locks: SHARE UPDATE EXCLUSIVE on app.decisions and ROW SHARE on public.users"));
	/* the set-null-not-null edge is never changed */
	assert_null(strstr(out.up, "ALTER TABLE public.audit DROP"));
	fixture_free(&fx);
}

static void test_deterministic(void **state)
{
	(void)state;
	Fixture f1, f2;
	fixture(&f1, DIALECT_POSTGRES);
	fixture(&f2, DIALECT_POSTGRES);
	FixOutput a = build(&f1, 0, false), b = build(&f2, 0, false);
	assert_string_equal(a.up, b.up);
	assert_string_equal(a.validate, b.validate);
	assert_string_equal(a.down, b.down);
	fixture_free(&f1);
	fixture_free(&f2);
}

static void test_depth_and_minimal(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	FixOutput d1 = build(&fx, 1, false);
	assert_int_equal(d1.nchanges, 3);
	assert_int_equal(d1.nleft, 3);
	assert_null(strstr(d1.up, "ALTER TABLE public.order_items"));
	assert_non_null(strstr(d1.up, "--depth 1"));
	fixture_free(&fx);

	fixture(&fx, DIALECT_POSTGRES);
	FixOutput mn = build(&fx, 0, true);
	assert_int_equal(mn.nchanges, 5);
	assert_int_equal(mn.nleft, 1);
	assert_null(strstr(mn.up, "ALTER TABLE public.b "));
	assert_non_null(strstr(mn.up, "public.b.b_a_id_fkey (depth 2, blocks: not-on-postgres): --minimal"));
	fixture_free(&fx);
}

/* Only a NOT VALID FK and one on a partitioned table: no validate file, and the
 * header does not send anyone looking for one. */
static void test_no_validation_needed(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	size_t keep = 0;
	for (size_t i = 0; i < fx.an.findings.n; i++) {
		const Finding *f = fx.an.findings.items[i];
		if (strcmp(f->constraint, "legacy_user_fk") == 0 || strcmp(f->constraint, "order_user_id_fkey") == 0)
			fx.an.findings.items[keep++] = fx.an.findings.items[i];
	}
	fx.an.findings.n = keep;
	((Table *)fx.an.findings.items[0]->fk->table)->relkind = 'p'; /* "order" */
	FixOutput out = build(&fx, 0, false);
	assert_int_equal(out.nchanges, 2);
	assert_int_equal(out.nvalidate, 0);
	assert_null(out.validate);
	assert_non_null(strstr(out.up, "no validation step follows"));
	assert_null(strstr(out.up, "061-cascade-cleanup-validate.sql"));
	Parsed p = {0};
	parse_sql(&p, out.up, 0);
	assert_false(find_add(&p, "order_user_id_fkey")->not_valid); /* partitioned: validated at once */
	assert_true(find_add(&p, "legacy_user_fk")->not_valid);     /* was NOT VALID: stays so */
	assert_non_null(strstr(out.up, "held while the ADD scans"));
	fixture_free(&fx);
}

static void test_nothing_to_fix(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	fx.an.findings.n = 0;
	FixOutput out = build(&fx, 0, false);
	assert_int_equal(out.nchanges, 0);
	assert_null(out.up);
	assert_null(out.down);
	fixture_free(&fx);
}

static void test_cockroach(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_COCKROACH);
	FixOutput out = build(&fx, 0, false);
	assert_int_equal(out.nchanges, 6);
	assert_true(out.no_transaction);
	assert_null(out.validate);
	assert_null(strstr(out.up, "DO $"));
	assert_null(strstr(out.up, "BEGIN"));
	assert_non_null(strstr(out.up, "ALTER TABLE public.\"order\" DROP CONSTRAINT order_user_id_fkey;\n"
	                               "ALTER TABLE public.\"order\" ADD CONSTRAINT IF NOT EXISTS order_user_id_fkey "
	                               "FOREIGN KEY (user_id) REFERENCES public.users (id) ON DELETE CASCADE;\n"));
	/* PostgreSQL's parser has no ADD CONSTRAINT IF NOT EXISTS: drop those words, then parse. */
	char *s = strdup(out.up);
	for (char *q; (q = strstr(s, "ADD CONSTRAINT IF NOT EXISTS "));)
		memmove(q + 15, q + 29, strlen(q + 29) + 1);
	Parsed p = {0};
	parse_sql(&p, s, 0);
	free(s);
	assert_int_equal(p.ndo, 0);
	assert_int_equal(p.nalters, 12); /* one schema change per statement */
	for (int i = 0; i < p.nalters; i++)
		assert_true(!p.alters[i].drop[0] != !p.alters[i].add[0]);
	assert_true(find_add(&p, "legacy_user_fk")->not_valid);
	assert_false(find_add(&p, "order_user_id_fkey")->not_valid);
	/* --minimal is PostgreSQL only */
	FixOptions o = {.minimal = true};
	FixOutput x;
	Err err = {0};
	assert_int_equal(fix_build(fx.m, &fx.an, &o, &x, &err), -1);
	assert_int_equal(err.code, 2);
	fixture_free(&fx);
}

static void test_dollar_tag_and_comment_injection(void **state)
{
	(void)state;
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	/* a name holding the dollar tag and a newline */
	ForeignKey *fk = (ForeignKey *)fx.an.findings.items[0]->fk;
	fk->name = "x$pgcascade$\nDROP TABLE users; --";
	FixOutput out = build(&fx, 0, false);
	Parsed p = {0};
	parse_sql(&p, out.up, 0);
	assert_non_null(find_add(&p, "x$pgcascade$\nDROP TABLE users; --"));
	assert_non_null(strstr(out.up, "DO $pgcascade1$"));
	/* parse_sql fails on any statement but SET/DO/ALTER TABLE, and on any SQL
	 * inside a DO body but the probe and ALTER TABLE: nothing was injected. */
	assert_int_equal(p.nalters, 6);
	for (const char *l = out.up; (l = strchr(l, '\n')) != NULL; l++)
		if (strncmp(l + 1, "-- ", 3) == 0 && strstr(l + 1, "DROP TABLE users") &&
		    strchr(l + 1, '\n') && strstr(l + 1, "DROP TABLE users") < strchr(l + 1, '\n'))
			assert_non_null(strstr(l + 1, "x$pgcascade$?DROP TABLE users"));
	fixture_free(&fx);
}

/* Random names (any byte but NUL, up to 63 bytes) for tables, columns and
 * constraints: the output always parses back to exactly those names. */
static void test_random_names_parse_back(void **state)
{
	(void)state;
	unsigned seed = 12345;
	for (int iter = 0; iter < 60; iter++) {
		Fixture fx;
		fixture(&fx, DIALECT_POSTGRES);
		char *names[4];
		for (int k = 0; k < 4; k++) {
			int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 63;
			names[k] = arena_alloc(fx.a, (size_t)len + 1);
			for (int j = 0; j < len; j++) {
				seed = seed * 1103515245u + 12345u;
				int ch = 1 + (int)((seed >> 16) % 255);
				if (iter % 3 == 0)
					ch = "aZ_ \"'$;-\n(0"[(seed >> 8) % 12];
				names[k][j] = (char)ch;
			}
			names[k][len] = 0;
		}
		ForeignKey *fk = (ForeignKey *)fx.an.findings.items[0]->fk; /* order_user_id_fkey */
		fk->name = names[0];
		((Table *)fk->table)->name = names[1];
		fk->cols = (const char **)&names[2];
		((Table *)fk->ref)->schema = names[3];
		FixOutput out = build(&fx, 0, false);
		if (getenv("PGC_FIX_DUMP_RANDOM")) {
			FILE *df = fopen(getenv("PGC_FIX_DUMP_RANDOM"), "w");
			fputs(out.up, df);
			fclose(df);
		}
		Parsed p = {0};
		parse_sql(&p, out.up, 0);
		const Alter *al = find_add(&p, names[0]);
		if (!al)
			fail_msg("iteration %d: constraint name did not survive", iter);
		assert_string_equal(al->rel, names[1]);
		assert_string_equal(al->fk_attrs, names[2]);
		char pk[256];
		snprintf(pk, sizeof(pk), "%s.users", names[3]);
		if (!strchr(names[2], ','))
			assert_string_equal(al->pktable, pk);
		Parsed d = {0};
		parse_sql(&d, out.down, 0);
		assert_non_null(find_add(&d, names[0]));
		fixture_free(&fx);
	}
}

/* ---- naming ---- */

static void check_names(const char *const *names, int n, const char *override, const char *up,
                        const char *down, const char *validate)
{
	Arena *a = arena_new();
	NamingFile files[16];
	for (int i = 0; i < n; i++) {
		files[i].name = names[i];
		files[i].text = strstr(names[i], "dbmate") ? "-- migrate:up\nSELECT 1;\n-- migrate:down\n" : "";
	}
	FixNames out;
	Err err = {0};
	if (naming_next(a, files, n, override, &out, &err) != 0)
		fail_msg("naming_next: %s", err.msg);
	assert_string_equal(out.up, up);
	if (down)
		assert_string_equal(out.down, down);
	else
		assert_null(out.down);
	assert_string_equal(out.validate, validate);
	arena_free(a);
}

static void test_naming(void **state)
{
	(void)state;
	const char *plain[] = {"002-oauth-tokens.sql", "059-x.sql", "010-y.sql", "schema.sql"};
	check_names(plain, 4, NULL, "060-cascade-cleanup.sql", "060-cascade-cleanup.down.sql",
	            "061-cascade-cleanup-validate.sql");
	const char *gm[] = {"000059_b.up.sql", "000060_c.up.sql", "000060_c.down.sql"};
	check_names(gm, 3, NULL, "000061_cascade_cleanup.up.sql", "000061_cascade_cleanup.down.sql",
	            "000062_cascade_cleanup_validate.up.sql");
	const char *fw[] = {"V1__init.sql", "V60__x.sql", "V7_1__y.sql"};
	check_names(fw, 3, NULL, "V61__cascade_cleanup.sql", "U61__cascade_cleanup.sql",
	            "V62__cascade_cleanup_validate.sql");
	const char *dm[] = {"20240101120000_dbmate_init.sql", "20240305090000_dbmate_more.sql"};
	check_names(dm, 2, NULL, "20240305090001_cascade_cleanup.sql", NULL,
	            "20240305090002_cascade_cleanup_validate.sql");
	const char *ts[] = {"20240101120000_init.sql", "20240305090000_more.sql"};
	check_names(ts, 2, NULL, "20240305090001_cascade_cleanup.sql", "20240305090001_cascade_cleanup.down.sql",
	            "20240305090002_cascade_cleanup_validate.sql");
	check_names(plain, 4, "purge-users", "060-purge-users.sql", "060-purge-users.down.sql",
	            "061-purge-users-validate.sql");
	check_names(plain, 4, "V9__fix.sql", "V9__fix.sql", "U9__fix.sql", "V10__fix_validate.sql");
	check_names(NULL, 0, NULL, "001-cascade-cleanup.sql", "001-cascade-cleanup.down.sql",
	            "002-cascade-cleanup-validate.sql");
	Arena *a = arena_new();
	FixNames out;
	Err err = {0};
	/* pgcascade's own earlier files do not move the version on */
	NamingFile own[] = {{"059-x.sql", ""}, {"060-cascade-cleanup.sql", "-- Up " NAMING_MARKER ": ..."},
	                    {"061-cascade-cleanup-validate.sql", "-- Validate " NAMING_MARKER}};
	assert_int_equal(naming_next(a, own, 3, NULL, &out, &err), 0);
	assert_string_equal(out.up, "060-cascade-cleanup.sql");
	assert_int_equal(naming_next(a, NULL, 0, "../x", &out, &err), -1);
	assert_int_equal(naming_next(a, NULL, 0, "nover.sql", &out, &err), -1);
	arena_free(a);
}

/* ---- atomic writes ---- */

static void test_write_atomic(void **state)
{
	(void)state;
	char dir[] = "/tmp/pgc-fixw.XXXXXX";
	assert_non_null(mkdtemp(dir));
	Err err = {0};
	assert_int_equal(write_check_dir(dir, &err), 0);
	assert_int_equal(write_file_atomic(dir, "a.sql", "hello\n", 6, false, &err), 0);
	assert_true(write_exists(dir, "a.sql"));
	assert_int_equal(write_file_atomic(dir, "a.sql", "other\n", 6, false, &err), -1);
	assert_int_equal(err.code, 2);
	assert_non_null(strstr(err.msg, "already exists"));
	char path[256], buf[16] = {0};
	snprintf(path, sizeof(path), "%s/a.sql", dir);
	FILE *f = fopen(path, "r");
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 6);
	fclose(f);
	assert_string_equal(buf, "hello\n");
	assert_int_equal(write_file_atomic(dir, "a.sql", "forced\n", 7, true, &err), 0);
	setenv("PGCASCADE_FAULT_WRITE", "b.sql", 1);
	assert_int_equal(write_file_atomic(dir, "b.sql", "0123456789", 10, false, &err), -1);
	unsetenv("PGCASCADE_FAULT_WRITE");
	assert_false(write_exists(dir, "b.sql"));
	/* nothing but a.sql is left: no temporary file */
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "test \"$(ls -A %s)\" = a.sql", dir);
	assert_int_equal(system(cmd), 0);
	/* a missing directory is created, with its parents */
	snprintf(path, sizeof(path), "%s/missing/sub", dir);
	assert_int_equal(write_check_dir(path, &err), 0);
	assert_true(write_exists(dir, "missing/sub"));
	/* a directory under a regular file cannot be */
	snprintf(path, sizeof(path), "%s/a.sql/sub", dir);
	assert_int_equal(write_check_dir(path, &err), -1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* ---- the cycle on a real PostgreSQL ---- */

static void noop_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static PGconn *connect_db(const char *db)
{
	char conninfo[256];
	snprintf(conninfo, sizeof(conninfo), "dbname=%s", db);
	PGconn *c = PQconnectdb(conninfo);
	if (PQstatus(c) != CONNECTION_OK)
		fail_msg("cannot connect to the test PostgreSQL (PGHOST=%s): %s",
		         getenv("PGHOST") ? getenv("PGHOST") : "(unset)", PQerrorMessage(c));
	PQsetNoticeProcessor(c, noop_notice, NULL);
	return c;
}

/* Runs sql (several statements: one implicit transaction, as a runner that
 * wraps each file would). Returns NULL on success, else the error message. */
static char *exec(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	char *e = NULL;
	if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK &&
	    PQresultStatus(r) != PGRES_EMPTY_QUERY)
		e = strdup(PQresultErrorMessage(r));
	PQclear(r);
	return e;
}

static void exec_ok(PGconn *c, const char *sql, const char *what)
{
	char *e = exec(c, sql);
	if (e)
		fail_msg("%s failed: %s", what, e);
}

static char *query1(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	if (PQresultStatus(r) != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	StrBuf sb = STRBUF_INIT;
	for (int i = 0; i < PQntuples(r); i++) {
		for (int j = 0; j < PQnfields(r); j++) {
			sb_adds(&sb, PQgetvalue(r, i, j));
			sb_addch(&sb, '|');
		}
		sb_addch(&sb, '\n');
	}
	PQclear(r);
	return sb_detach(&sb, NULL);
}

static const char DEFS[] =
	"SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint "
	"WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname";
static const char OIDS[] =
	"SELECT conrelid::regclass, conname, oid FROM pg_constraint WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname";

static PGconn *fresh(const char *db)
{
	PGconn *c = connect_db("postgres");
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db);
	exec_ok(c, sql, "drop database");
	snprintf(sql, sizeof(sql), "CREATE DATABASE %s", db);
	exec_ok(c, sql, "create database");
	PQfinish(c);
	c = connect_db(db);
	exec_ok(c, SCHEMA, "schema");
	exec_ok(c, SEED, "seed");
	return c;
}

static void drop_db(const char *db)
{
	PGconn *c = connect_db("postgres");
	char sql[256];
	snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s", db);
	exec_ok(c, sql, "drop database");
	PQfinish(c);
}

static void cycle(bool minimal)
{
	const char *db = minimal ? "pgc_unit_fix_minimal" : "pgc_unit_fix";
	Fixture fx;
	fixture(&fx, DIALECT_POSTGRES);
	FixOutput out = build(&fx, 0, minimal);
	PGconn *c = fresh(db);
	char *before = query1(c, DEFS);

	/* 2. up + validate; no blocking edge left; the delete succeeds */
	exec_ok(c, out.up, "up");
	exec_ok(c, out.validate, "validate");
	char *left = query1(c, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND confdeltype IN ('a','r') ORDER BY 1");
	assert_string_equal(left, minimal ? "b_a_id_fkey|\n" : "");
	char *unvalid = query1(c, "SELECT conname FROM pg_constraint WHERE contype = 'f' AND NOT convalidated ORDER BY 1");
	assert_string_equal(unvalid, "legacy_user_fk|\n");
	exec_ok(c, "BEGIN; DELETE FROM users WHERE id = 1; COMMIT;", "DELETE FROM users WHERE id = 1");
	char *rest = query1(c, "SELECT (SELECT count(*) FROM app.decisions) + (SELECT count(*) FROM app.\"Decision Notes\")"
	                       " + (SELECT count(*) FROM \"order\") + (SELECT count(*) FROM order_items)"
	                       " + (SELECT count(*) FROM a) + (SELECT count(*) FROM b) + (SELECT count(*) FROM legacy)");
	assert_string_equal(rest, "7|\n"); /* user 2's rows only */
	char *after_up = query1(c, DEFS), *oids = query1(c, OIDS);

	/* 3. up again: no error and no DDL (same oids, same definitions) */
	exec_ok(c, out.up, "up, second run");
	exec_ok(c, out.validate, "validate, second run");
	char *oids2 = query1(c, OIDS), *defs2 = query1(c, DEFS);
	assert_string_equal(oids2, oids);
	assert_string_equal(defs2, after_up);

	/* 4. down: every constraint exactly as before; a second down is a no-op */
	exec_ok(c, out.down, "down");
	char *after_down = query1(c, DEFS);
	assert_string_equal(after_down, before);
	char *oids3 = query1(c, OIDS);
	exec_ok(c, out.down, "down, second run");
	char *oids4 = query1(c, OIDS);
	assert_string_equal(oids4, oids3);

	/* 5. up once more: it works */
	exec_ok(c, out.up, "up, after down");
	exec_ok(c, out.validate, "validate, after down");
	char *again = query1(c, DEFS);
	assert_string_equal(again, after_up);

	/* fail loudly: a changed definition, then a missing constraint */
	exec_ok(c, out.down, "down before drift");
	exec_ok(c, "ALTER TABLE \"order\" DROP CONSTRAINT order_user_id_fkey, ADD CONSTRAINT order_user_id_fkey "
	           "FOREIGN KEY (user_id) REFERENCES users(id) ON UPDATE CASCADE", "drift");
	char *e = exec(c, out.up);
	assert_non_null(e);
	assert_non_null(strstr(e, "public.\"order\".order_user_id_fkey differs"));
	free(e);
	exec_ok(c, "ALTER TABLE \"order\" DROP CONSTRAINT order_user_id_fkey", "drop");
	e = exec(c, out.up);
	assert_non_null(e);
	assert_non_null(strstr(e, "public.\"order\".order_user_id_fkey is missing"));
	free(e);
	e = exec(c, out.validate);
	assert_non_null(e); /* validate before up: refuses */
	free(e);

	free(before); free(left); free(unvalid); free(rest); free(after_up); free(oids); free(oids2);
	free(defs2); free(after_down); free(oids3); free(oids4); free(again);
	PQfinish(c);
	drop_db(db);
	fixture_free(&fx);
}

/* Hostile names on the real server: a schema, table, column and constraint
 * of random bytes; up, validate and down run and do what they say. */
static void test_random_names_on_postgres(void **state)
{
	(void)state;
	unsigned seed = 777;
	PGconn *admin = connect_db("postgres");
	exec_ok(admin, "DROP DATABASE IF EXISTS pgc_unit_fix_names", "drop");
	exec_ok(admin, "CREATE DATABASE pgc_unit_fix_names", "create");
	PGconn *c = connect_db("pgc_unit_fix_names");
	for (int iter = 0; iter < 12; iter++) {
		Arena *a = arena_new();
		Model *m = model_new(a);
		m->dialect = DIALECT_POSTGRES;
		char *nm[4];
		for (int k = 0; k < 4; k++) {
			int len = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 40;
			nm[k] = arena_alloc(a, (size_t)len + 8);
			for (int j = 0; j < len; j++) {
				seed = seed * 1103515245u + 12345u;
				/* printable ASCII and some UTF-8 (PostgreSQL rejects invalid UTF-8) */
				int ch = 32 + (int)((seed >> 16) % 95);
				nm[k][j] = (char)ch;
			}
			nm[k][len] = 0;
			if (iter % 4 == 0)
				strcat(nm[k], "\xc3\xa9"); /* é */
			if (iter % 4 == 1 && k == 1)
				strcpy(nm[k], "select");
		}
		SrcLoc loc = {0};
		Table *u = model_add_table(m, nm[3], "users", loc);
		model_add_column(m, u, "id", "integer");
		Table *t = model_add_table(m, nm[3], nm[1], loc);
		model_add_column(m, t, nm[2], "integer");
		ForeignKey *fk = fk1(m, t, nm[0], nm[2], u, "id", FK_NO_ACTION);
		Fixture fx = {.a = a, .m = m, .users = u};
		finding(&fx, "fk-blocks-delete", fk, 1, "always", 1, nm[0]);
		FixOptions o = {.command_line = "t"};
		FixOutput out;
		Err err = {0};
		assert_int_equal(fix_build(m, &fx.an, &o, &out, &err), 0);

		StrBuf ddl = STRBUF_INIT;
		sb_adds(&ddl, "DROP SCHEMA IF EXISTS ");
		sb_add_ident(&ddl, nm[3]);
		sb_adds(&ddl, " CASCADE; CREATE SCHEMA ");
		sb_add_ident(&ddl, nm[3]);
		sb_adds(&ddl, "; CREATE TABLE ");
		sb_add_qualified(&ddl, nm[3], "users");
		sb_adds(&ddl, " (id int PRIMARY KEY); CREATE TABLE ");
		sb_add_qualified(&ddl, nm[3], nm[1]);
		sb_adds(&ddl, " (");
		sb_add_ident(&ddl, nm[2]);
		sb_adds(&ddl, " int, CONSTRAINT ");
		sb_add_ident(&ddl, nm[0]);
		sb_adds(&ddl, " FOREIGN KEY (");
		sb_add_ident(&ddl, nm[2]);
		sb_adds(&ddl, ") REFERENCES ");
		sb_add_qualified(&ddl, nm[3], "users");
		sb_adds(&ddl, " (id));");
		exec_ok(c, ddl.buf, "create hostile schema");
		sb_release(&ddl);
		char *before = query1(c, DEFS);
		exec_ok(c, out.up, "up (hostile names)");
		exec_ok(c, out.validate, "validate (hostile names)");
		char *after = query1(c, "SELECT confdeltype, convalidated FROM pg_constraint WHERE contype = 'f'");
		assert_string_equal(after, "c|t|\n");
		exec_ok(c, out.up, "up again (hostile names)");
		exec_ok(c, out.down, "down (hostile names)");
		char *back = query1(c, DEFS);
		assert_string_equal(back, before);
		StrBuf drop = STRBUF_INIT;
		sb_adds(&drop, "DROP SCHEMA ");
		sb_add_ident(&drop, nm[3]);
		sb_adds(&drop, " CASCADE");
		exec_ok(c, drop.buf, "drop hostile schema");
		sb_release(&drop);
		free(before);
		free(after);
		free(back);
		arena_free(a);
	}
	PQfinish(c);
	exec_ok(admin, "DROP DATABASE IF EXISTS pgc_unit_fix_names", "drop");
	PQfinish(admin);
}

static void test_cycle_on_postgres(void **state)
{
	(void)state;
	cycle(false);
}

static void test_cycle_on_postgres_minimal(void **state)
{
	(void)state;
	cycle(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_parses_to_intended_statements),
		cmocka_unit_test(test_header),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_depth_and_minimal),
		cmocka_unit_test(test_nothing_to_fix),
		cmocka_unit_test(test_no_validation_needed),
		cmocka_unit_test(test_cockroach),
		cmocka_unit_test(test_dollar_tag_and_comment_injection),
		cmocka_unit_test(test_random_names_parse_back),
		cmocka_unit_test(test_naming),
		cmocka_unit_test(test_write_atomic),
		cmocka_unit_test(test_cycle_on_postgres),
		cmocka_unit_test(test_cycle_on_postgres_minimal),
		cmocka_unit_test(test_random_names_on_postgres),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
