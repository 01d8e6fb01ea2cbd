/*
 * test_replay.c - the static front end: classification, parse errors,
 * and the replay of every statement form into the model.
 *
 * Expected names were checked against a real PostgreSQL 15 (the same
 * statements are in tests/fixtures/pg/, which the differential suite
 * applies to a server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frontend/frontend.h"
#include "frontend/classify.h"
#include "frontend/replay.h"

#include <pg_query.h>
#include "util/err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Arena *arena;

static int setup(void **state)
{
	(void)state;
	arena = arena_new();
	log_set_quiet(1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(arena);
	arena = NULL;
	return 0;
}

/* Replays sql (one file called t.sql) as PostgreSQL. */
static Model *load(const char *sql)
{
	Model *m = model_new(arena);
	SourceList sl = {0};
	Source s = {"t.sql", arena_strdup(arena, sql), strlen(sql)};
	VEC_PUSH(arena, sl, s);
	Err e = {0};
	assert_int_equal(frontend_load(m, &sl, DIALECT_POSTGRES, &e), 0);
	assert_int_equal(m->dialect, DIALECT_POSTGRES);
	return m;
}

static Model *load_len(const char *sql, size_t len)
{
	Model *m = model_new(arena);
	SourceList sl = {0};
	char *text = arena_alloc(arena, len + 1);
	memcpy(text, sql, len);
	Source s = {"t.sql", text, len};
	VEC_PUSH(arena, sl, s);
	Err e = {0};
	assert_int_equal(frontend_load(m, &sl, DIALECT_POSTGRES, &e), 0);
	return m;
}

static ForeignKey *fk(Model *m, const char *schema, const char *table, const char *name)
{
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *f = m->fks.items[i];
		if (!f->dropped && strcmp(f->table->schema, schema) == 0 &&
		    strcmp(f->table->name, table) == 0 && strcmp(f->name, name) == 0)
			return f;
	}
	fail_msg("no foreign key %s.%s %s", schema, table, name);
	return NULL;
}

static int live_fks(Model *m)
{
	int n = 0;
	for (size_t i = 0; i < m->fks.n; i++)
		n += !m->fks.items[i]->dropped;
	return n;
}

static int count_findings(Model *m, const char *rule)
{
	int n = 0;
	for (size_t i = 0; i < m->findings.n; i++)
		n += strcmp(m->findings.items[i]->rule, rule) == 0;
	return n;
}

static const Finding *finding(Model *m, const char *rule, int nth)
{
	for (size_t i = 0; i < m->findings.n; i++)
		if (strcmp(m->findings.items[i]->rule, rule) == 0 && nth-- == 0)
			return m->findings.items[i];
	fail_msg("no finding %s", rule);
	return NULL;
}

static Index *index_named(Model *m, const char *name)
{
	for (size_t i = 0; i < m->indexes.n; i++)
		if (!m->indexes.items[i]->dropped && strcmp(m->indexes.items[i]->name, name) == 0)
			return m->indexes.items[i];
	fail_msg("no index %s", name);
	return NULL;
}

static bool has_index(Model *m, const char *name)
{
	for (size_t i = 0; i < m->indexes.n; i++)
		if (!m->indexes.items[i]->dropped && strcmp(m->indexes.items[i]->name, name) == 0)
			return true;
	return false;
}

#define assert_cols(got, n, ...) do { \
		const char *want_[] = {__VA_ARGS__}; \
		assert_int_equal((n), (int)(sizeof(want_) / sizeof(want_[0]))); \
		for (size_t i_ = 0; i_ < sizeof(want_) / sizeof(want_[0]); i_++) \
			assert_string_equal((got)[i_], want_[i_]); \
	} while (0)

/* ---- replay ------------------------------------------------------------ */

static void test_chain(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);\n"
		"CREATE TABLE decisions (\n"
		"  id bigserial PRIMARY KEY,\n"
		"  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE\n"
		");\n"
		"  CREATE TABLE decision_feedback (decision_id bigint,\n"
		"    CONSTRAINT fb FOREIGN KEY (decision_id) REFERENCES decisions (id) ON UPDATE RESTRICT);\n");
	assert_int_equal(live_fks(m), 2);
	ForeignKey *a = fk(m, "public", "decisions", "decisions_user_id_fkey");
	assert_true(a->name_predicted);
	assert_cols(a->cols, a->ncols, "user_id");
	assert_string_equal(a->ref->name, "users");
	assert_cols(a->ref_cols, a->nref_cols, "id"); /* REFERENCES users: its PK */
	assert_int_equal(a->on_delete, FK_CASCADE);
	assert_int_equal(a->on_update, FK_NO_ACTION);
	assert_true(a->validated);
	assert_string_equal(a->origin.file, "t.sql");
	assert_int_equal(a->origin.line, 2);
	assert_int_equal(a->origin.col, 1);
	assert_int_equal(a->ref_loc.line, 4);
	assert_int_equal(a->ref_loc.col, 27); /* the REFERENCES clause */
	ForeignKey *b = fk(m, "public", "decision_feedback", "fb");
	assert_false(b->name_predicted);
	assert_int_equal(b->on_update, FK_RESTRICT);
	assert_int_equal(b->origin.line, 6);
	assert_int_equal(b->origin.col, 3);
	assert_int_equal(b->ref_loc.line, 7);
	assert_int_equal(b->ref_loc.col, 5);
	assert_true(a->seq < b->seq);
	Table *u = model_find_table(m, "public", "users");
	assert_non_null(u);
	assert_non_null(u->pk);
	assert_string_equal(u->pk->name, "users_pkey");
	assert_true(table_column(u, "id")->not_null);
	assert_string_equal(table_column(u, "id")->type, "bigint");
	assert_non_null(table_column(u, "id")->default_expr);
	assert_true(index_named(m, "users_email_key")->is_constraint);
}

static void test_unnamed_same_column(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE posts (id integer PRIMARY KEY, user_id integer REFERENCES users,\n"
		"  FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,\n"
		"  UNIQUE (user_id, id), CHECK (user_id > 0));\n"
		"ALTER TABLE posts ADD FOREIGN KEY (user_id) REFERENCES users;\n");
	assert_int_equal(fk(m, "public", "posts", "posts_user_id_fkey")->on_delete, FK_NO_ACTION);
	assert_int_equal(fk(m, "public", "posts", "posts_user_id_fkey1")->on_delete, FK_CASCADE);
	assert_non_null(fk(m, "public", "posts", "posts_user_id_fkey2"));
	assert_non_null(index_named(m, "posts_user_id_id_key"));
	assert_true(model_conname_taken(m, "public", "posts_user_id_check"));
}

static void test_alter_constraint_order(void **state)
{
	(void)state;
	/* Names and creation order as PostgreSQL 15 gives them (pg_constraint
	 * by oid: b_key, x_key, a_fkey, b_check, b_fkey, id_fkey, a_fkey1,
	 * b_check1). */
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE t (id integer, x integer);\n"
		"ALTER TABLE t ADD FOREIGN KEY (id) REFERENCES users, ADD UNIQUE (x),\n"
		"  ADD COLUMN a integer REFERENCES users,\n"
		"  ADD COLUMN b integer CHECK (b > 0) UNIQUE REFERENCES users,\n"
		"  ADD FOREIGN KEY (a) REFERENCES users ON DELETE CASCADE, ADD CHECK (b > 1);\n");
	ForeignKey *a = fk(m, "public", "t", "t_a_fkey");
	ForeignKey *b = fk(m, "public", "t", "t_b_fkey");
	ForeignKey *id = fk(m, "public", "t", "t_id_fkey");
	ForeignKey *a1 = fk(m, "public", "t", "t_a_fkey1");
	assert_int_equal(a1->on_delete, FK_CASCADE);
	assert_true(a->seq < b->seq && b->seq < id->seq && id->seq < a1->seq);
	assert_true(index_named(m, "t_b_key")->is_constraint);
	assert_true(index_named(m, "t_x_key")->is_constraint);
	assert_true(model_conname_taken(m, "public", "t_b_check"));
	assert_true(model_conname_taken(m, "public", "t_b_check1"));
}

static void test_duplicate_keys_and_dependent_objects(void **state)
{
	(void)state;
	/* Checked on PostgreSQL 15: duplicates within CREATE TABLE merge
	 * (a named one gives its name); ALTER ... ADD UNIQUE equal to the
	 * primary key is a new constraint; dropping a column drops the
	 * CHECKs and expression or partial indexes that read it. */
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, UNIQUE (id), c integer UNIQUE, d integer,\n"
		"  UNIQUE (c), CONSTRAINT named UNIQUE (c), CHECK (d > 0), CHECK (c > d));\n"
		"ALTER TABLE users ADD UNIQUE (id);\n"
		"CREATE INDEX ON users ((d + 1));\n"
		"CREATE INDEX ON users (c) WHERE d > 0;\n"
		"CREATE INDEX ON users (c);\n"
		"ALTER TABLE users DROP COLUMN d;\n");
	assert_true(has_index(m, "users_pkey"));
	assert_true(has_index(m, "named"));           /* the first c key, renamed */
	assert_false(has_index(m, "users_c_key"));
	assert_true(has_index(m, "users_id_key"));   /* the ALTER one */
	assert_false(has_index(m, "users_c_key1"));
	assert_false(has_index(m, "users_expr_idx"));
	assert_false(has_index(m, "users_c_idx"));    /* partial, read d */
	assert_true(has_index(m, "users_c_idx1"));
	assert_false(model_conname_taken(m, "public", "users_d_check"));
	assert_false(model_conname_taken(m, "public", "users_check"));
}

static void test_collision_across_tables(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE a_b (c integer REFERENCES users);\n"
		"CREATE TABLE a (b_c integer REFERENCES users);\n"
		"CREATE SCHEMA s;\n"
		"CREATE TABLE s.a_b (c integer REFERENCES public.users);\n"
		/* a CHECK with the FK's default name: checks are named first */
		"CREATE TABLE likes (user_id integer REFERENCES users,\n"
		"  CONSTRAINT likes_user_id_fkey CHECK (user_id > 0));\n");
	assert_non_null(fk(m, "public", "a_b", "a_b_c_fkey"));
	assert_non_null(fk(m, "public", "a", "a_b_c_fkey1"));
	assert_non_null(fk(m, "s", "a_b", "a_b_c_fkey")); /* other schema: no collision */
	assert_non_null(fk(m, "public", "likes", "likes_user_id_fkey1"));
}

static void test_truncation(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa (\n"
		"  bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb integer REFERENCES users);\n"
		"CREATE TABLE long_child_table_name_number_one_for_collision_tests (\n"
		"  user_id_with_an_extremely_long_column_name_for_collisions_1 integer REFERENCES users,\n"
		"  user_id_with_an_extremely_long_column_name_for_collisions_2 integer REFERENCES users);\n");
	const char *t63 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
	assert_int_equal(strlen(t63), 63);
	assert_non_null(model_find_table(m, "public", t63)); /* identifier truncated */
	ForeignKey *f = fk(m, "public", t63, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbb_fkey");
	assert_int_equal(strlen(f->name), 63);
	/* both clip to the same prefix; fkey1 is one byte longer, so the
	 * second name trims differently (PostgreSQL 15 output) */
	assert_non_null(fk(m, "public", "long_child_table_name_number_one_for_collision_tests",
	                   "long_child_table_name_number__user_id_with_an_extremely_lo_fkey"));
	assert_non_null(fk(m, "public", "long_child_table_name_number_one_for_collision_tests",
	                   "long_child_table_name_number_user_id_with_an_extremely_lo_fkey1"));
}

static void test_multibyte_clip(void **state)
{
	(void)state;
	/* "a" + 40 x "é": the table name is truncated to 63 bytes without
	 * splitting a character, and the FK name clips to 55 + "_x_fkey". */
	char sql[512];
	char name[128] = "a";
	for (int i = 0; i < 40; i++)
		strcat(name, "\xc3\xa9");
	snprintf(sql, sizeof(sql),
	         "CREATE TABLE users (id integer PRIMARY KEY);\n"
	         "CREATE TABLE \"%s\" (x integer REFERENCES users);\n", name);
	Model *m = load(sql);
	char want[128] = "a";
	for (int i = 0; i < 27; i++)
		strcat(want, "\xc3\xa9");
	strcat(want, "_x_fkey");
	size_t n;
	ForeignKey **v = model_sorted_fks(m, &n);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->name, want);
	assert_int_equal(strlen(v[0]->name), 62);
	assert_int_equal(strlen(v[0]->table->name), 63);
}

static void test_quoted_names(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE \"UserProfiles\" (\"Id\" integer PRIMARY KEY,\n"
		"  \"UserId\" integer NOT NULL REFERENCES users (id) ON DELETE CASCADE);\n"
		"CREATE TABLE \"Order\" (\"select\" integer REFERENCES \"UserProfiles\" (\"Id\"),\n"
		"  \"we\"\"ird\" integer REFERENCES USERS);\n"
		"CREATE TABLE Mixed (\"User Id\" integer, CONSTRAINT \"Owner FK\" FOREIGN KEY (\"User Id\") REFERENCES users);\n");
	ForeignKey *a = fk(m, "public", "UserProfiles", "UserProfiles_UserId_fkey");
	assert_cols(a->cols, a->ncols, "UserId");
	ForeignKey *b = fk(m, "public", "Order", "Order_select_fkey");
	assert_string_equal(b->ref->name, "UserProfiles");
	assert_cols(b->ref_cols, b->nref_cols, "Id");
	assert_non_null(fk(m, "public", "Order", "Order_we\"ird_fkey"));
	ForeignKey *c = fk(m, "public", "mixed", "Owner FK");
	assert_cols(c->cols, c->ncols, "User Id");
}

static void test_search_path(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id bigint PRIMARY KEY);\n"
		"CREATE SCHEMA auth;\n"
		"SET search_path TO auth, public;\n"
		"CREATE TABLE identities (id bigint PRIMARY KEY, user_id bigint REFERENCES users);\n"
		"CREATE TABLE users (id bigint PRIMARY KEY);\n"
		"CREATE TABLE tokens (user_id bigint REFERENCES users);\n"
		"SET search_path = nosuch, \"$user\", public;\n"
		"CREATE TABLE notes (user_id bigint REFERENCES users);\n"
		"SET search_path = 'auth, public';\n"
		"CREATE TABLE keys (user_id bigint REFERENCES users);\n"
		"RESET search_path;\n"
		"CREATE TABLE posts (user_id bigint REFERENCES users, identity_id bigint REFERENCES auth.identities);\n"
		"CREATE SCHEMA reports CREATE TABLE monthly (owner_id bigint REFERENCES public.users);\n");
	ForeignKey *a = fk(m, "auth", "identities", "identities_user_id_fkey");
	assert_string_equal(a->ref->schema, "public");
	ForeignKey *b = fk(m, "auth", "tokens", "tokens_user_id_fkey");
	assert_string_equal(b->ref->schema, "auth");
	ForeignKey *c = fk(m, "public", "notes", "notes_user_id_fkey"); /* nosuch skipped */
	assert_string_equal(c->ref->schema, "public");
	ForeignKey *d = fk(m, "auth", "keys", "keys_user_id_fkey");
	assert_string_equal(d->ref->schema, "auth");
	ForeignKey *e = fk(m, "public", "posts", "posts_user_id_fkey");
	assert_string_equal(e->ref->schema, "public");
	assert_string_equal(fk(m, "public", "posts", "posts_identity_id_fkey")->ref->schema, "auth");
	assert_non_null(fk(m, "reports", "monthly", "monthly_owner_id_fkey"));
}

static void test_renames(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, uid integer UNIQUE);\n"
		"CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users,\n"
		"  buyer integer REFERENCES users (uid) ON DELETE CASCADE, legacy integer REFERENCES users);\n"
		"ALTER TABLE orders RENAME CONSTRAINT orders_user_id_fkey TO orders_owner_fk;\n"
		"ALTER TABLE orders RENAME COLUMN buyer TO buyer_id;\n"
		"ALTER TABLE users RENAME COLUMN uid TO public_id;\n"
		"ALTER TABLE orders DROP COLUMN legacy;\n"
		"ALTER TABLE orders ADD COLUMN user_id2 integer;\n"
		"ALTER TABLE orders ADD FOREIGN KEY (user_id2) REFERENCES users ON DELETE SET NULL;\n"
		"CREATE SCHEMA archive;\n"
		"CREATE TABLE old_orders (id integer PRIMARY KEY, user_id integer REFERENCES users);\n"
		"ALTER TABLE old_orders RENAME TO orders_2019;\n"
		"ALTER TABLE orders_2019 SET SCHEMA archive;\n"
		"CREATE TABLE old_orders (user_id integer REFERENCES users);\n");
	ForeignKey *a = fk(m, "public", "orders", "orders_owner_fk");
	assert_false(a->name_predicted);
	assert_int_equal(a->origin.line, 2); /* the statement that created it */
	ForeignKey *b = fk(m, "public", "orders", "orders_buyer_fkey");
	assert_cols(b->cols, b->ncols, "buyer_id");
	assert_cols(b->ref_cols, b->nref_cols, "public_id");
	assert_non_null(fk(m, "public", "orders", "orders_user_id2_fkey"));
	assert_int_equal(live_fks(m), 5);
	Table *o = model_find_table(m, "public", "orders");
	assert_null(table_column(o, "legacy"));
	assert_int_equal(table_column(o, "user_id2")->attnum, 4);
	assert_non_null(fk(m, "archive", "orders_2019", "old_orders_user_id_fkey"));
	assert_non_null(fk(m, "public", "old_orders", "old_orders_user_id_fkey"));
	assert_null(model_find_table(m, "public", "orders_2019"));
	assert_non_null(index_named(m, "old_orders_pkey"));
	assert_string_equal(index_named(m, "old_orders_pkey")->table->schema, "archive");
	assert_non_null(index_named(m, "users_uid_key"));
	assert_string_equal(index_named(m, "users_uid_key")->cols[0], "public_id");
}

static void test_drop_table(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE teams (id integer PRIMARY KEY, owner_id integer REFERENCES users);\n"
		"CREATE TABLE members (team_id integer REFERENCES teams ON DELETE CASCADE,\n"
		"  user_id integer REFERENCES users ON DELETE CASCADE);\n"
		"DROP TABLE teams;\n"                /* fails in PostgreSQL: ignored */
		"DROP TABLE IF EXISTS nothing_here;\n"
		"DROP TABLE teams CASCADE;\n"
		"CREATE TABLE teams (id integer PRIMARY KEY);\n"
		"ALTER TABLE members ADD FOREIGN KEY (team_id) REFERENCES teams;\n"
		"ALTER TABLE members DROP CONSTRAINT members_user_id_fkey;\n"
		"ALTER TABLE members DROP CONSTRAINT IF EXISTS nope;\n"
		"CREATE TABLE p (id integer PRIMARY KEY);\n"
		"CREATE TABLE c (p_id integer REFERENCES p);\n"
		"DROP TABLE p, c;\n");                /* together: no CASCADE needed */
	assert_null(model_find_table(m, "public", "p"));
	assert_null(model_find_table(m, "public", "c"));
	assert_int_equal(live_fks(m), 1);
	ForeignKey *f = fk(m, "public", "members", "members_team_id_fkey");
	assert_int_equal(f->on_delete, FK_NO_ACTION); /* the new one */
	assert_true(m->fks.items[0]->dropped);          /* teams_owner_id_fkey */
	assert_true(m->fks.items[1]->dropped);          /* the old members_team_id_fkey */
}

static void test_partitions(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id bigint PRIMARY KEY);\n"
		"CREATE TABLE events (id bigint NOT NULL, user_id bigint REFERENCES users ON DELETE CASCADE,\n"
		"  on_day date NOT NULL, PRIMARY KEY (id, on_day)) PARTITION BY RANGE (on_day);\n"
		"CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\n"
		"CREATE TABLE tags (event_id bigint, on_day date, FOREIGN KEY (event_id, on_day) REFERENCES events);\n");
	Table *e = model_find_table(m, "public", "events");
	Table *p = model_find_table(m, "public", "events_2024");
	assert_int_equal(e->relkind, 'p');
	assert_int_equal(p->relkind, 'r');
	assert_ptr_equal(p->partition_of, e);
	assert_non_null(table_column(p, "user_id"));
	assert_string_equal(table_column(p, "on_day")->type, "date");
	assert_int_equal(live_fks(m), 2); /* the partition's inherited copy is not listed */
	ForeignKey *t = fk(m, "public", "tags", "tags_event_id_on_day_fkey");
	assert_cols(t->ref_cols, t->nref_cols, "id", "on_day");
	assert_non_null(index_named(m, "events_2024_pkey"));
}

static void test_fk_to_partitioned_table(void **state)
{
	(void)state;
	/* An FK into a partitioned table is also one (unlisted) constraint
	 * per partition, and each takes a name. PostgreSQL 15 gives, in this
	 * order: a_u_fkey (+1, 2), a_u_fkey3 (+4, 5), users_3: 6, 7,
	 * a_u_fkey8 (+9, 10, 11); DROP of a partition fails without CASCADE
	 * and with CASCADE drops every FK into the parent. */
	Model *m = load(
		"CREATE TABLE users (id int PRIMARY KEY) PARTITION BY RANGE (id);\n"
		"CREATE TABLE users_1 PARTITION OF users FOR VALUES FROM (0) TO (10);\n"
		"CREATE TABLE users_2 PARTITION OF users FOR VALUES FROM (10) TO (20);\n"
		"CREATE TABLE a (u int REFERENCES users, FOREIGN KEY (u) REFERENCES users);\n"
		"CREATE TABLE users_3 PARTITION OF users FOR VALUES FROM (20) TO (30);\n"
		"ALTER TABLE a ADD FOREIGN KEY (u) REFERENCES users;\n"
		"DROP TABLE users_1;\n"
		"ALTER TABLE a ADD FOREIGN KEY (u) REFERENCES users;\n");
	assert_non_null(fk(m, "public", "a", "a_u_fkey"));
	assert_non_null(fk(m, "public", "a", "a_u_fkey3"));
	assert_non_null(fk(m, "public", "a", "a_u_fkey8"));
	assert_non_null(fk(m, "public", "a", "a_u_fkey12"));
	assert_int_equal(live_fks(m), 4);
	assert_non_null(model_find_table(m, "public", "users_1"));
	m = load(
		"CREATE TABLE users (id int PRIMARY KEY) PARTITION BY RANGE (id);\n"
		"CREATE TABLE users_1 PARTITION OF users FOR VALUES FROM (0) TO (10);\n"
		"CREATE TABLE users_2 PARTITION OF users FOR VALUES FROM (10) TO (20);\n"
		"CREATE TABLE a (u int REFERENCES users, FOREIGN KEY (u) REFERENCES users);\n"
		"DROP TABLE users_1 CASCADE;\n"
		"ALTER TABLE a ADD FOREIGN KEY (u) REFERENCES users;\n");
	assert_int_equal(live_fks(m), 1);
	assert_non_null(fk(m, "public", "a", "a_u_fkey"));
}

static void test_alter_passes_and_partition_columns(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id bigint PRIMARY KEY);\n"
		"CREATE TABLE t (a int, b int REFERENCES users);\n"
		/* PostgreSQL drops before it sets, whatever the text order */
		"ALTER TABLE t ALTER COLUMN a SET NOT NULL, ALTER COLUMN a DROP NOT NULL;\n"
		/* ... and adds after it drops: the new FK takes the freed name */
		"ALTER TABLE t ADD FOREIGN KEY (b) REFERENCES users ON DELETE CASCADE, DROP CONSTRAINT t_b_fkey;\n"
		/* VALIDATE runs after the ADD of the same statement */
		"ALTER TABLE t ADD CONSTRAINT v FOREIGN KEY (a) REFERENCES users NOT VALID, VALIDATE CONSTRAINT v;\n"
		"CREATE TABLE p (id bigint, user_id bigint REFERENCES users) PARTITION BY HASH (id);\n"
		"CREATE TABLE p0 PARTITION OF p FOR VALUES WITH (MODULUS 2, REMAINDER 0) PARTITION BY HASH (user_id);\n"
		"CREATE TABLE p00 PARTITION OF p0 FOR VALUES WITH (MODULUS 2, REMAINDER 0);\n"
		"ALTER TABLE p ADD COLUMN note text, ALTER COLUMN user_id SET NOT NULL;\n"
		"ALTER TABLE p RENAME COLUMN user_id TO owner_id;\n"

		"CREATE TABLE base (owner_id bigint NOT NULL REFERENCES users);\n"
		"CREATE TABLE kid (x int, owner_id bigint) INHERITS (base);\n");
	Table *t = model_find_table(m, "public", "t");
	assert_true(table_column(t, "a")->not_null);
	assert_int_equal(fk(m, "public", "t", "t_b_fkey")->on_delete, FK_CASCADE);
	assert_true(fk(m, "public", "t", "v")->validated);
	Table *p00 = model_find_table(m, "public", "p00");
	assert_non_null(table_column(p00, "note"));
	assert_true(table_column(p00, "owner_id")->not_null);
	assert_null(table_column(p00, "user_id"));
	assert_cols(fk(m, "public", "p", "p_user_id_fkey")->cols, 1, "owner_id");
	Table *kid = model_find_table(m, "public", "kid");
	assert_int_equal((int)kid->cols.n, 2); /* owner_id merged, then x */
	assert_string_equal(kid->cols.items[0]->name, "owner_id");
	assert_true(table_column(kid, "owner_id")->not_null);
	assert_int_equal(live_fks(m), 4); /* INHERITS copies no FK (checked on PostgreSQL 15) */
}

static void test_if_not_exists_like(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, email text);\n"
		"CREATE TABLE IF NOT EXISTS users (id integer PRIMARY KEY, x integer REFERENCES users);\n"
		"CREATE TABLE accounts (id integer PRIMARY KEY, user_id integer NOT NULL REFERENCES users);\n"
		"CREATE TABLE accounts_copy (LIKE accounts);\n"
		"CREATE TABLE accounts_full (LIKE accounts INCLUDING ALL, note text);\n"
		"CREATE TABLE flags (account_id integer REFERENCES accounts_full);\n");
	assert_int_equal(live_fks(m), 2);
	Table *u = model_find_table(m, "public", "users");
	assert_null(table_column(u, "x"));
	Table *c = model_find_table(m, "public", "accounts_copy");
	assert_non_null(table_column(c, "user_id"));
	assert_true(table_column(c, "user_id")->not_null);
	assert_null(c->pk);
	Table *f = model_find_table(m, "public", "accounts_full");
	assert_non_null(f->pk);
	assert_string_equal(f->pk->name, "accounts_full_pkey");
	assert_string_equal(table_column(f, "note")->type, "text");
	assert_non_null(fk(m, "public", "flags", "flags_account_id_fkey"));
}

static void test_set_null_cols_and_not_valid(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, tenant_id integer NOT NULL, UNIQUE (tenant_id, id));\n"
		"CREATE TABLE docs (tenant_id integer NOT NULL, author_id integer,\n"
		"  FOREIGN KEY (tenant_id, author_id) REFERENCES users (tenant_id, id) ON DELETE SET NULL (author_id));\n"
		"CREATE TABLE orders (user_id integer, approver_id integer,\n"
		"  CONSTRAINT in_create FOREIGN KEY (user_id) REFERENCES users NOT VALID);\n"
		"ALTER TABLE orders ADD CONSTRAINT o_user FOREIGN KEY (user_id) REFERENCES users NOT VALID;\n"
		"ALTER TABLE orders VALIDATE CONSTRAINT o_user;\n"
		"ALTER TABLE orders ADD FOREIGN KEY (approver_id) REFERENCES users NOT VALID;\n");
	ForeignKey *d = fk(m, "public", "docs", "docs_tenant_id_author_id_fkey");
	assert_int_equal(d->on_delete, FK_SET_NULL);
	assert_cols(d->set_cols, d->nset_cols, "author_id");
	assert_true(fk(m, "public", "orders", "in_create")->validated);
	assert_true(fk(m, "public", "orders", "o_user")->validated);
	assert_false(fk(m, "public", "orders", "orders_approver_id_fkey")->validated);
}

static void test_deferrable_match(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, t integer, UNIQUE (t, id));\n"
		"CREATE TABLE a (u integer REFERENCES users DEFERRABLE INITIALLY DEFERRED,\n"
		"  t integer, CONSTRAINT m FOREIGN KEY (t, u) REFERENCES users (t, id) MATCH FULL DEFERRABLE);\n");
	ForeignKey *a = fk(m, "public", "a", "a_u_fkey");
	assert_true(a->deferrable);
	assert_true(a->initially_deferred);
	ForeignKey *b = fk(m, "public", "a", "m");
	assert_int_equal(b->match, 'f');
	assert_true(b->deferrable);
	assert_false(b->initially_deferred);
}

static void test_alter_forms_and_types(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TYPE status AS ENUM ('active', 'banned');\n"
		"ALTER TYPE status ADD VALUE 'new' BEFORE 'active';\n"
		"CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');\n"
		"CREATE TABLE users (id integer NOT NULL, mail email, st status NOT NULL DEFAULT 'active');\n"
		"ALTER TABLE ONLY users ADD PRIMARY KEY (id);\n"
		"ALTER TABLE users ADD UNIQUE (mail);\n"
		"CREATE TABLE t4 (x int GENERATED ALWAYS AS IDENTITY, z int GENERATED ALWAYS AS (x + 1) STORED,\n"
		"  v varchar(20), arr text[], ts timestamptz, n numeric(10,2), ch char(3), f float8,\n"
		"  ts2 timestamp(3), bt bit(3), vb varbit, i2 int2, b bool, tm time, big bigserial);\n"
		"ALTER TABLE IF EXISTS t4 ADD COLUMN owner_id integer REFERENCES users ON DELETE CASCADE,\n"
		"  ALTER COLUMN v SET NOT NULL, ALTER COLUMN ch SET NOT NULL, ALTER COLUMN ch DROP NOT NULL;\n"
		"ALTER TABLE IF EXISTS missing ADD COLUMN x integer;\n"
		"CREATE TABLE later (s status[]);\n"
		"ALTER TYPE status RENAME TO account_status;\n"
		"ALTER DOMAIN email SET NOT NULL;\n");
	Table *u = model_find_table(m, "public", "users");
	assert_string_equal(u->pk->name, "users_pkey");
	assert_non_null(index_named(m, "users_mail_key"));
	Column *st = table_column(u, "st");
	assert_string_equal(st->type, "account_status");
	assert_string_equal(table_column(model_find_table(m, "public", "later"), "s")->type, "account_status[]");
	assert_true(m->types.items[1]->not_null);
	assert_int_equal(st->typtype, 'e');
	assert_string_equal(st->type_schema, "public");
	assert_int_equal(table_column(u, "mail")->typtype, 'd');
	assert_int_equal(m->types.n, 2);
	assert_int_equal(m->types.items[0]->nlabels, 3);
	assert_string_equal(m->types.items[0]->labels[0], "new");
	Table *t = model_find_table(m, "public", "t4");
	static const struct { const char *col, *type; } want[] = {
		{"x", "integer"}, {"v", "character varying(20)"}, {"arr", "text[]"},
		{"ts", "timestamp with time zone"}, {"n", "numeric(10,2)"}, {"ch", "character(3)"},
		{"f", "double precision"}, {"ts2", "timestamp(3) without time zone"}, {"bt", "bit(3)"},
		{"vb", "bit varying"}, {"i2", "smallint"}, {"b", "boolean"},
		{"tm", "time without time zone"}, {"big", "bigint"}, {"owner_id", "integer"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(table_column(t, want[i].col)->type, want[i].type);
	assert_int_equal(table_column(t, "arr")->ndims, 1);
	assert_int_equal(table_column(t, "x")->identity, 'a');
	assert_true(table_column(t, "x")->not_null);
	assert_int_equal(table_column(t, "z")->generated, 's');
	assert_true(table_column(t, "v")->not_null);
	assert_true(table_column(t, "ch")->not_null); /* DROP runs before SET */
	assert_true(table_column(t, "big")->not_null);
	assert_int_equal(fk(m, "public", "t4", "t4_owner_id_fkey")->on_delete, FK_CASCADE);
}

static void test_index_names(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, c text);\n"
		"CREATE INDEX ON t (a);\n"
		"CREATE INDEX ON t (a);\n"
		"CREATE INDEX ON t (a) INCLUDE (b);\n"
		"CREATE INDEX ON t (lower(b), lower(c));\n"
		"CREATE INDEX ON t ((a + 1), (a + 2));\n"
		"CREATE INDEX ON t (CAST(b AS integer));\n"
		"CREATE UNIQUE INDEX named ON t (b) WHERE a > 0;\n"
		"CREATE UNIQUE INDEX IF NOT EXISTS named ON t (c);\n"
		"CREATE INDEX gone ON t (c);\n"
		"DROP INDEX gone;\n");
	assert_non_null(index_named(m, "t_a_idx"));
	assert_non_null(index_named(m, "t_a_idx1"));
	assert_non_null(index_named(m, "t_a_b_idx"));
	assert_non_null(index_named(m, "t_lower_lower1_idx"));
	Index *e = index_named(m, "t_expr_expr1_idx");
	assert_null(e->cols[0]);
	assert_non_null(index_named(m, "t_b_idx"));
	Index *n = index_named(m, "named");
	assert_true(n->unique);
	assert_true(n->partial);
	assert_string_equal(n->cols[0], "b"); /* IF NOT EXISTS kept the first */
	assert_false(has_index(m, "gone"));
}

/* ---- classification and errors ----------------------------------------- */

static void test_data_statements_never_parsed(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		/* PostgreSQL 16: subquery in FROM without an alias */
		"SELECT * FROM (SELECT 1);\n"
		/* CockroachDB */
		"SELECT * FROM [SHOW INDEXES FROM users];\n"
		"INSERT INTO users VALUES (1 2 3) RETURNING;\n"
		"UPDATE users SET id = id + WHERE;\n"
		"WITH x AS (garbage here) SELECT 1;\n"
		"GRANT everything TO nobody at all;\n"
		"COMMENT ON TABLE users IS 'a; b';\n"
		"CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT !!! $$;\n"
		"CREATE TABLE posts (user_id integer REFERENCES users);\n");
	assert_int_equal(m->findings.n, 0);
	assert_non_null(fk(m, "public", "posts", "posts_user_id_fkey"));
}

static void test_long_heads(void **state)
{
	(void)state;
	/* Classification scans only a statement's head, growing it past long
	 * comments and quotes that the first cut ends inside. */
	char *sql = arena_alloc(arena, 8192);
	strcpy(sql, "CREATE TABLE users (id int PRIMARY KEY);\n/*");
	for (int i = 0; i < 200; i++)
		strcat(sql, " long comment;");
	strcat(sql, " */ -- and a line comment\n"
	            "CREATE TABLE a (u int REFERENCES users);\n"
	            "COMMENT ON TABLE a IS 'CREATE TABLE b (u int REFERENCES users); a long text that goes on';\n"
	            "-- x\n-- y\n-- z\n-- w\n-- v\n-- u\n-- t\n-- s\n"
	            "CREATE OR REPLACE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$;\n"
	            "CREATE TABLE c (u int REFERENCES users);\n");
	Model *m = load(sql);
	assert_int_equal((int)m->findings.n, 0);
	assert_non_null(fk(m, "public", "a", "a_u_fkey"));
	assert_null(model_find_table(m, "public", "b"));
	assert_non_null(fk(m, "public", "c", "c_u_fkey"));
	assert_int_equal(fk(m, "public", "a", "a_u_fkey")->origin.line, 3);
}

static void test_classify_tokens(void **state)
{
	(void)state;
	static const struct { const char *sql; StmtClass cls; } cases[] = {
		{"CREATE TABLE t (id int)", STMT_SCHEMA},
		{"create unlogged table t (id int)", STMT_SCHEMA},
		{"CREATE GLOBAL TEMPORARY TABLE t (id int)", STMT_SCHEMA},
		{"/* c */ -- d\n CREATE UNIQUE INDEX i ON t (a)", STMT_SCHEMA},
		{"CREATE SCHEMA s", STMT_SCHEMA},
		{"CREATE TYPE e AS ENUM ('a')", STMT_SCHEMA},
		{"CREATE DOMAIN d AS int", STMT_SCHEMA},
		{"ALTER TABLE t ADD COLUMN x int", STMT_SCHEMA},
		{"ALTER INDEX i RENAME TO j", STMT_SCHEMA},
		{"DROP TABLE t", STMT_SCHEMA},
		{"DROP INDEX i", STMT_SCHEMA},
		{"SET search_path TO a", STMT_SCHEMA},
		{"SET LOCAL search_path = a", STMT_SCHEMA},
		{"SET SCHEMA 'a'", STMT_SCHEMA},
		{"RESET search_path", STMT_SCHEMA},
		{"RESET ALL", STMT_SCHEMA},
		{"SET statement_timeout = 0", STMT_SKIP},
		{"DO $$ BEGIN END $$", STMT_DYNAMIC},
		{"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $x$ BEGIN EXECUTE 'x'; END $x$", STMT_DYNAMIC},
		{"CREATE OR REPLACE PROCEDURE p() LANGUAGE plpgsql AS 'BEGIN EXECUTE ''x''; END'", STMT_DYNAMIC},
		{"CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN PERFORM 1; END $$", STMT_SKIP},
		{"CREATE TRIGGER tr AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()", STMT_SKIP},
		{"CREATE VIEW v AS SELECT 1", STMT_SKIP},
		{"EXECUTE prepared_thing", STMT_SKIP},
		{"INSERT INTO t VALUES (1)", STMT_SKIP},
		{"WITH a AS (SELECT 1) DELETE FROM t", STMT_SKIP},
		{"-- only a comment", STMT_EMPTY},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		TokVec tv = {0};
		Err e = {0};
		int off;
		assert_int_equal(classify_scan(cases[i].sql, 0, &tv, &off, &e), 0);
		Classified c = classify_stmt(arena, cases[i].sql, tv.items, (int)tv.n);
		if (c.cls != cases[i].cls)
			fail_msg("%s: class %d, want %d", cases[i].sql, c.cls, cases[i].cls);
		free(tv.items);
	}
}

static void test_parse_error_statement_3_of_5(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE a (user_id integer REFERENCES users);\n"
		"-- the third statement is broken\n"
		"CREATE TABLE b (\n"
		"    user_id integer REFERENCES users,\n"
		"    oops integer integer\n"
		");\n"
		"CREATE TABLE c (user_id integer REFERENCES users ON DELETE CASCADE);\n"
		"CREATE INDEX ON a (user_id);\n");
	assert_int_equal(count_findings(m, "parse-error"), 1);
	const Finding *f = finding(m, "parse-error", 0);
	assert_int_equal(f->severity, SEV_ERROR);
	assert_string_equal(f->loc.file, "t.sql");
	assert_int_equal(f->loc.line, 6);
	assert_int_equal(f->loc.col, 18); /* the second "integer" */
	assert_non_null(strstr(f->message, "syntax error"));
	assert_non_null(model_find_table(m, "public", "users"));
	assert_non_null(model_find_table(m, "public", "a"));
	/* recover.c: the table and its column names are known from the
	 * tokens (so later ALTER TABLE b ... still applies); a column with
	 * an inline REFERENCES is not (its foreign key is not certain) */
	const Table *b = model_find_table(m, "public", "b");
	assert_non_null(b);
	assert_null(table_column(b, "user_id"));
	assert_non_null(table_column(b, "oops"));
	assert_non_null(strstr(f->message, "its table public.b is known from its tokens (columns oops;"));
	assert_non_null(model_find_table(m, "public", "c"));
	assert_int_equal(live_fks(m), 2);
	assert_true(has_index(m, "a_user_id_idx"));
}

static void test_unterminated(void **state)
{
	(void)state;
	static const struct { const char *sql; int line, col, tables; } cases[] = {
		{"CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nINSERT INTO a VALUES ('oops);\nCREATE TABLE c (id int);\n", 3, 23, 2},
		{"CREATE TABLE a (id int);\nDO $body$ BEGIN\n  NULL;\n", 2, 4, 1},
		{"CREATE TABLE a (id int);\n/* never closed\nCREATE TABLE b (id int);\n", 2, 1, 1},
		{"CREATE TABLE a (id int)\n/* no semicolon before", 2, 1, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		Model *m = load(cases[i].sql);
		assert_int_equal(count_findings(m, "parse-error"), 1);
		const Finding *f = finding(m, "parse-error", 0);
		if (f->loc.line != cases[i].line || f->loc.col != cases[i].col)
			fail_msg("case %zu: %d:%d, want %d:%d (%s)", i, f->loc.line, f->loc.col,
			         cases[i].line, cases[i].col, f->message);
		assert_int_equal((int)m->tables.n, cases[i].tables);
	}
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char sql[] = "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n\0CREATE TABLE c (id int);\n";
	Model *m = load_len(sql, sizeof(sql) - 1);
	assert_int_equal(count_findings(m, "parse-error"), 1);
	const Finding *f = finding(m, "parse-error", 0);
	assert_int_equal(f->loc.line, 3);
	assert_int_equal(f->loc.col, 1);
	assert_int_equal((int)m->tables.n, 2);
}

static void test_deep_expressions(void **state)
{
	(void)state;
	/* a + a + ... nests one level per operator: libpg_query overflows
	 * the stack packing 5,000 of them, so the statement is refused */
	size_t n = 5000;
	char *sql = arena_alloc(arena, 200 + 2 * n + 16 * 1500);
	strcpy(sql, "CREATE TABLE users (id int PRIMARY KEY);\n"
	            "CREATE TABLE t (a int REFERENCES users, CHECK (a");
	for (size_t i = 0; i < n; i++)
		strcat(sql, "+a");
	strcat(sql, " > 0));\n");
	/* AND chains are flat lists: 1,500 comparisons are fine */
	strcat(sql, "CREATE TABLE u (a int REFERENCES users, CHECK (a > 0");
	for (size_t i = 0; i < 1500; i++)
		strcat(sql, " AND a <> 7");
	strcat(sql, "));\n");
	Model *m = load(sql);
	assert_int_equal(count_findings(m, "parse-error"), 1);
	const Finding *f = finding(m, "parse-error", 0);
	assert_int_equal(f->loc.line, 2);
	assert_non_null(strstr(f->message, "nested too deeply"));
	assert_null(model_find_table(m, "public", "t"));
	assert_non_null(fk(m, "public", "u", "u_a_fkey"));
}

static void test_replay_loc_matches_srcloc(void **state)
{
	(void)state;
	const char *text = "a\n\nbc\r\n  d\n\xc3\xa9x\n";
	size_t len = strlen(text);
	Model *m = model_new(arena);
	Replay *r = replay_new(m, DIALECT_POSTGRES);
	replay_set_source(r, "f.sql", text, len, NULL);
	for (int off = 0; off <= (int)len + 2; off++) {
		SrcLoc a = replay_loc(r, off), b = srcloc_at("f.sql", text, len, off);
		assert_int_equal(a.line, b.line);
		assert_int_equal(a.col, b.col);
	}
}

static void test_referenced_but_not_created(void **state)
{
	(void)state;
	/* Supabase-style: auth.users is created by the platform, not by the
	 * project's migrations. The FK is kept, to an assumed table. */
	Model *m = load(
		"CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users ON DELETE CASCADE);\n"
		"CREATE TABLE notes (author uuid REFERENCES auth.users (id), owner uuid REFERENCES profiles);\n");
	Table *u = model_find_table(m, "auth", "users");
	assert_non_null(u);
	assert_non_null(u->pk);
	assert_cols(u->pk->cols, u->pk->ncols, "id");
	ForeignKey *p = fk(m, "public", "profiles", "profiles_id_fkey");
	assert_ptr_equal(p->ref, u);
	assert_cols(p->ref_cols, p->nref_cols, "id");
	assert_ptr_equal(fk(m, "public", "notes", "notes_author_fkey")->ref, u);
	assert_int_equal(live_fks(m), 3);

	/* created later: the real table takes the assumed one's place */
	m = load(
		"CREATE TABLE posts (user_id bigint REFERENCES users);\n"
		"CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
		"CREATE TABLE likes (user_id bigint REFERENCES users);\n");
	Table *t = model_find_table(m, "public", "users");
	assert_ptr_equal(fk(m, "public", "posts", "posts_user_id_fkey")->ref, t);
	assert_ptr_equal(fk(m, "public", "likes", "likes_user_id_fkey")->ref, t);
	assert_string_equal(t->pk->name, "users_pkey");
	assert_string_equal(table_column(t, "id")->type, "bigint");
	assert_int_equal(table_column(t, "email")->attnum, 2);
	assert_int_equal(t->loc.line, 2);
	size_t nt;
	model_sorted_tables(m, &nt);
	assert_int_equal(nt, 3);
}

static void test_psql_script(void **state)
{
	(void)state;
	Model *m = load(
		"\\restrict abc123\n"
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"COPY users (id) FROM stdin;\n"
		"1\n"
		"CREATE TABLE not_sql (x int);\n"
		"\\.\n"
		"INSERT INTO users VALUES (E'a\\'b\\\\'); -- \\ in a comment\n"
		"CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $$ SELECT '\\x' $$;\n"
		"CREATE TABLE a (u integer REFERENCES users); \\gset\n"
		"copy users from STDIN ;\n"
		"2\n");
	assert_int_equal((int)m->findings.n, 0);
	assert_null(model_find_table(m, "public", "not_sql"));
	assert_non_null(fk(m, "public", "a", "a_u_fkey"));
	assert_int_equal(fk(m, "public", "a", "a_u_fkey")->origin.line, 9);
}

static void test_dynamic_sql(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"  DO $$ BEGIN CREATE TABLE x (id int); END $$;\n"
		"CREATE FUNCTION f(t text) RETURNS void LANGUAGE plpgsql AS $fn$\n"
		"BEGIN\n"
		"    EXECUTE format('DROP TABLE %I', t);\n"
		"END $fn$;\n");
	assert_int_equal(count_findings(m, "dynamic-sql"), 2);
	const Finding *d = finding(m, "dynamic-sql", 0);
	assert_int_equal(d->severity, SEV_INFO);
	assert_int_equal(d->loc.line, 2);
	assert_int_equal(d->loc.col, 3);
	const Finding *e = finding(m, "dynamic-sql", 1);
	assert_int_equal(e->loc.line, 5);
	assert_int_equal(e->loc.col, 5);
	assert_null(model_find_table(m, "public", "x")); /* not replayed */
}

static void test_fk_seq_and_origin_order(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY);\n"
		"CREATE TABLE b (u integer REFERENCES users);\n"
		"CREATE TABLE a (u integer REFERENCES users, v integer REFERENCES b (u));\n");
	assert_int_equal(m->fks.n, 3);
	assert_true(fk(m, "public", "b", "b_u_fkey")->seq < fk(m, "public", "a", "a_u_fkey")->seq);
	assert_true(fk(m, "public", "a", "a_u_fkey")->seq < fk(m, "public", "a", "a_v_fkey")->seq);
}

static void test_drop_column_drops_fks_and_indexes(void **state)
{
	(void)state;
	Model *m = load(
		"CREATE TABLE users (id integer PRIMARY KEY, code text UNIQUE);\n"
		"CREATE TABLE t (a integer REFERENCES users, c text REFERENCES users (code));\n"
		"CREATE INDEX ON t (a);\n"
		"ALTER TABLE t DROP COLUMN a;\n"
		"ALTER TABLE users DROP COLUMN code CASCADE;\n");
	assert_int_equal(live_fks(m), 0);
	assert_false(has_index(m, "t_a_idx"));
	assert_false(has_index(m, "users_code_key"));
	assert_true(has_index(m, "users_pkey"));
}

/* Replays sql with the cockroach dialect's naming, straight through
 * replay.c (the CockroachDB rewrite is crdb.c's, tested there). */
static Model *load_crdb_rw(const char *sql, const CrdbRewrite *cr)
{
	Model *m = model_new(arena);
	Replay *r = replay_new(m, DIALECT_COCKROACH);
	replay_set_source(r, "c.sql", sql, strlen(sql), cr);
	PgQueryProtobufParseResult pr = pg_query_parse_protobuf(sql);
	assert_null(pr.error);
	PgQuery__ParseResult *tree = pg_query__parse_result__unpack(NULL, pr.parse_tree.len,
	                                                            (const uint8_t *)pr.parse_tree.data);
	assert_non_null(tree);
	for (size_t i = 0; i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *rs = tree->stmts[i];
		replay_stmt(r, rs->stmt, 0, rs->stmt_location, rs->stmt_location + rs->stmt_len);
	}
	pg_query__parse_result__free_unpacked(tree, NULL);
	pg_query_free_protobuf_parse_result(pr);
	return m;
}

static Model *load_crdb(const char *sql)
{
	return load_crdb_rw(sql, NULL);
}

/* Blanks the first occurrence of what in text (as crdb.c's rewrite
 * does) and returns its offset. */
static int blank(char *text, const char *what)
{
	char *p = strstr(text, what);
	assert_non_null(p);
	memset(p, ' ', strlen(what));
	return (int)(p - text);
}

static void test_cockroach_inline_indexes_and_if_not_exists(void **state)
{
	(void)state;
	char *text = arena_strdup(arena,
		"CREATE TABLE users (id INT8 PRIMARY KEY);\n"
		"CREATE TABLE t (id INT8 PRIMARY KEY, u INT8 REFERENCES users, INDEX (u), UNIQUE INDEX named (id, u));\n"
		"ALTER TABLE t ADD CONSTRAINT IF NOT EXISTS t_u_fkey FOREIGN KEY (u) REFERENCES users ON DELETE CASCADE;\n"
		"ALTER TABLE t ADD CONSTRAINT IF NOT EXISTS other FOREIGN KEY (u) REFERENCES users;\n");
	CrdbRewrite cr = {0};
	static const char *u_col[] = {"u"};
	static const char *id_u[] = {"id", "u"};
	CrdbInlineIndex a = {blank(text, ", INDEX (u)") + 2, NULL, u_col, 1, false, false, false};
	CrdbInlineIndex b = {blank(text, ", UNIQUE INDEX named (id, u)") + 2, "named", id_u, 2, true, false, false};
	VEC_PUSH(arena, cr.indexes, a);
	VEC_PUSH(arena, cr.indexes, b);
	int i1 = blank(text, "IF NOT EXISTS");
	int i2 = blank(text, "IF NOT EXISTS");
	VEC_PUSH(arena, cr.if_not_exists, i1);
	VEC_PUSH(arena, cr.if_not_exists, i2);
	cr.text = text;
	Model *m = load_crdb_rw(text, &cr);
	Index *ia = index_named(m, "t_u_idx");
	assert_true(ia->inline_crdb);
	assert_false(ia->unique);
	assert_string_equal(ia->table->name, "t");
	assert_int_equal(ia->loc.line, 2);
	assert_int_equal(ia->loc.col, a.offset - (int)(strchr(text, '\n') - text));
	Index *ib = index_named(m, "named");
	assert_true(ib->inline_crdb);
	assert_true(ib->unique);
	/* IF NOT EXISTS on an existing name: skipped; on a new one: added */
	assert_int_equal(fk(m, "public", "t", "t_u_fkey")->on_delete, FK_NO_ACTION);
	assert_non_null(fk(m, "public", "t", "other"));
	assert_int_equal(live_fks(m), 2);
}

static void test_auto_dialect_postgres(void **state)
{
	(void)state;
	Model *m = model_new(arena);
	SourceList sl = {0};
	const char *sql = "CREATE TABLE users (id integer PRIMARY KEY);\n"
	                  "CREATE TABLE a (user_id integer REFERENCES users);\n";
	Source s = {"t.sql", arena_strdup(arena, sql), strlen(sql)};
	VEC_PUSH(arena, sl, s);
	Err e = {0};
	assert_int_equal(frontend_load(m, &sl, DIALECT_AUTO, &e), 0);
	assert_int_equal(m->dialect, DIALECT_POSTGRES);
	assert_non_null(fk(m, "public", "a", "a_user_id_fkey"));
}

static void test_cockroach_names(void **state)
{
	(void)state;
	Model *m = load_crdb(
		"CREATE TABLE users (id INT8 PRIMARY KEY, email text UNIQUE);\n"
		"CREATE TABLE posts (id INT8 PRIMARY KEY, user_id INT8 REFERENCES users,\n"
		"  FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE);\n"
		"ALTER TABLE posts ADD FOREIGN KEY (user_id) REFERENCES users;\n"
		/* per-table names: no collision with posts' names */
		"CREATE TABLE a_b (c INT8 REFERENCES users);\n"
		"CREATE TABLE a (b_c INT8 REFERENCES users);\n"
		/* no 63-byte limit */
		"CREATE TABLE organization_membership_invitations_pending_review (\n"
		"  invited_user_identifier_column INT8 REFERENCES users);\n"
		"CREATE INDEX ON posts (user_id);\n");
	assert_non_null(index_named(m, "users_pkey"));
	assert_non_null(index_named(m, "users_email_key"));
	assert_non_null(fk(m, "public", "posts", "posts_user_id_fkey"));
	assert_int_equal(fk(m, "public", "posts", "posts_user_id_fkey_1")->on_delete, FK_CASCADE);
	assert_non_null(fk(m, "public", "posts", "posts_user_id_fkey_2"));
	assert_non_null(fk(m, "public", "a_b", "a_b_c_fkey"));
	assert_non_null(fk(m, "public", "a", "a_b_c_fkey"));
	ForeignKey *l = fk(m, "public", "organization_membership_invitations_pending_review",
	                   "organization_membership_invitations_pending_review_invited_user_identifier_column_fkey");
	assert_true(l->name_predicted);
	assert_non_null(index_named(m, "posts_user_id_idx"));
}

/*
 * Every pg fixture replays without a parse error, under ASan. The FK
 * counts are what PostgreSQL 15 reports (pg_constraint, contype 'f',
 * conparentid = 0) after applying the file; the differential suite
 * compares the full lists.
 */
static void test_fixtures(void **state)
{
	(void)state;
	static const struct { const char *file; int fks, dynamic; } want[] = {
		{"01_chain.sql", 6, 0}, {"02_naming.sql", 12, 0}, {"03_truncation.sql", 6, 0},
		{"04_quoted.sql", 5, 0}, {"05_schemas.sql", 12, 0}, {"06_composite.sql", 3, 0},
		{"07_rename.sql", 6, 0}, {"08_drop.sql", 3, 0}, {"09_partitioned.sql", 8, 0},
		{"10_if_not_exists_like.sql", 8, 0}, {"11_set_null_cols.sql", 3, 0},
		{"12_not_valid.sql", 4, 0}, {"13_alter_forms.sql", 5, 0},
		{"14_skipped_statements.sql", 2, 2}, {"15_psql_script.sql", 3, 0},
	};
	const char *root = getenv("PGC_ROOT") ? getenv("PGC_ROOT") : ".";
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/tests/fixtures/pg/%s", root, want[i].file);
		FILE *f = fopen(path, "rb");
		if (!f)
			fail_msg("cannot open %s", path);
		char *buf = arena_alloc(arena, 1 << 16);
		size_t n = fread(buf, 1, (1 << 16) - 1, f);
		fclose(f);
		Model *m = load_len(buf, n);
		if (live_fks(m) != want[i].fks || count_findings(m, "parse-error") != 0 ||
		    count_findings(m, "dynamic-sql") != want[i].dynamic)
			fail_msg("%s: %d fks (want %d), %d parse errors, %d dynamic-sql (want %d)", want[i].file,
			         live_fks(m), want[i].fks, count_findings(m, "parse-error"),
			         count_findings(m, "dynamic-sql"), want[i].dynamic);
		size_t nf;
		ForeignKey **v = model_sorted_fks(m, &nf);
		for (size_t k = 0; k < nf; k++) {
			assert_non_null(v[k]->origin.file);
			assert_true(v[k]->origin.line > 0);
			assert_true(v[k]->ref_loc.line >= v[k]->origin.line);
			assert_true(v[k]->ncols > 0 && v[k]->ncols == v[k]->nref_cols);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unnamed_same_column, setup, teardown),
		cmocka_unit_test_setup_teardown(test_collision_across_tables, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alter_constraint_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_duplicate_keys_and_dependent_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_multibyte_clip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_quoted_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search_path, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partitions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alter_passes_and_partition_columns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fk_to_partitioned_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_if_not_exists_like, setup, teardown),
		cmocka_unit_test_setup_teardown(test_set_null_cols_and_not_valid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deferrable_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alter_forms_and_types, setup, teardown),
		cmocka_unit_test_setup_teardown(test_index_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_statements_never_parsed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_classify_tokens, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_heads, setup, teardown),
		cmocka_unit_test_setup_teardown(test_parse_error_statement_3_of_5, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unterminated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_nul_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dynamic_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deep_expressions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_psql_script, setup, teardown),
		cmocka_unit_test_setup_teardown(test_referenced_but_not_created, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_loc_matches_srcloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fk_seq_and_origin_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drop_column_drops_fks_and_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cockroach_names, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cockroach_inline_indexes_and_if_not_exists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_dialect_postgres, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fixtures, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
