/*
 * test_db.c - the live loader (src/loader/db.c, live.c) against the test
 * suite's PostgreSQL (PGHOST/PGPORT/PGUSER from scripts/test.sh).
 *
 * Expected values come from the server itself: every foreign key that
 * live_load() puts in the model is rebuilt as SQL and compared with
 * pg_get_constraintdef() of the same constraint, so the test does not
 * trust the loader's own queries. The CockroachDB queries cannot run
 * here; they are checked structurally (they parse, and they avoid the
 * pg_catalog columns CockroachDB fills unreliably).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "loader/live.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TESTDB "pgc_unit_live"
#define FIXTURE "tests/fixtures/pg/90-live-basic.sql"

static Arena *A;

static int setup(void **state)
{
	A = arena_new();
	return 0;
}

static int teardown(void **state)
{
	arena_free(A);
	return 0;
}

/* ---------------------------------------------------------- redaction */

static void check_redact(const char *in, const char *want)
{
	char *got = db_redact(A, in);
	if (strcmp(got, want) != 0)
		fail_msg("db_redact(%s)\n  got:  %s\n  want: %s", in, got, want);
}

static void test_redact(void **state)
{
	/* the parsed options in libpq's order, never the text */
	check_redact("host=h user=u password=secret dbname=d", "user=u password=*** dbname=d host=h");
	check_redact("password = 'a b\\' c' host=h", "password=*** host=h");
	check_redact("host=h dbname=d", "dbname=d host=h");
	check_redact("host=h sslpassword=keypass", "host=h sslpassword=***");
	check_redact("postgresql://bob:pa%40ss@db.example:5432/app?sslmode=require",
	             "user=bob password=*** dbname=app host=db.example port=5432 sslmode=require");
	check_redact("postgres://bob@h/app?password=x1y2z3&application_name=a",
	             "user=bob password=*** dbname=app host=h application_name=a");
	check_redact("postgresql://h/app", "dbname=app host=h");
	check_redact("postgresql://u:p@h1,h2:5433/x", "user=u password=*** dbname=x host=h1,h2 port=,5433");
	check_redact("postgresql://u:p%2F%40%25x@[::1]:5/x", "user=u password=*** dbname=x host=::1 port=5");
	check_redact("host='a b' application_name='it\\'s'", "host='a b' application_name='it\\'s'");
	check_redact("application_name='x\\\\y'", "application_name='x\\\\y'");
	check_redact("mydb", "dbname=mydb");
	/* unencoded '@' or '/' in the user-info: not shown at all */
	check_redact("postgresql://u:p@ss@h/x", "(invalid connection string, not shown)");
	check_redact("postgresql://bob:pa/ss@wo:rd9@127.0.0.1:55811/app", "(invalid connection string, not shown)");
	/* '?' does not end libpq's user-info: the '@' after it still does */
	check_redact("postgresql://bob:se?cr@t2XYZ@h/app", "(invalid connection string, not shown)");
	check_redact("postgresql://u:hs?Gt3cr@slthGGst@", "(invalid connection string, not shown)");
	check_redact("postgresql://u:a@b/c@h/db", "(invalid connection string, not shown)");
	check_redact("postgresql://u:p?q@h/app", "user=u password=*** dbname=app host=h");
	/* a connection string nested in dbname is not expanded by libpq: a database name holding a password */
	check_redact("host=h dbname='postgresql://bob:secretpw@h/app'", "(invalid connection string, not shown)");
	check_redact("postgresql://h/app?dbname=user%3Dbob%20password%3Dsecretpw", "(invalid connection string, not shown)");
	check_redact("postgresql://u:p@h/app?application_name=a%40b", "user=u password=*** dbname=app host=h application_name=a@b");
	/* an '@' after a '/' that ends no user-info, even in the query (found by fuzz_conninfo) */
	check_redact("postgresql://u:\x1c" "5433/x:a?sslmode=disable@h1,h2:", "(invalid connection string, not shown)");
	check_redact("postgresql://u:a@b/c?sslmode=x@h/db", "(invalid connection string, not shown)");
	check_redact("postgresql://h/app?user=a@b", "(invalid connection string, not shown)");
	check_redact("host=h password=two words", "(invalid connection string, not shown)");
	check_redact("", "dbname=''");
	assert_null(db_redact(A, NULL));
}

static void test_describe_errors(void **state)
{
	StrBuf sb = STRBUF_INIT;
	Err err = {0};
	assert_int_equal(db_describe("host=h extra", &sb, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	assert_non_null(strstr(err.msg, "missing \"=\" after \"extra\""));
	memset(&err, 0, sizeof(err));
	assert_int_equal(db_describe("host=h password=S3cr3t extra", &sb, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	assert_null(strstr(err.msg, "S3cr3t"));
	assert_null(strstr(err.msg, "extra"));
	memset(&err, 0, sizeof(err));
	assert_int_equal(db_describe("postgresql://bob:pa/ss@wo:rd9@127.0.0.1:55811/app", &sb, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	assert_null(strstr(err.msg, "ss@wo"));
	assert_null(strstr(err.msg, "rd9"));
	sb_release(&sb);
}

/* ------------------------------------------------------ connect errors */

static void expect_error(const char *conninfo, int want_code, const char *secret, const char *shown)
{
	Err err = {0};
	PGconn *c = db_connect(conninfo, &err);
	if (c) {
		PQfinish(c);
		fail_msg("connected to %s", conninfo);
	}
	assert_int_equal(err.code, want_code);
	if (strstr(err.msg, secret))
		fail_msg("password in message: %s", err.msg);
	if (shown && !strstr(err.msg, shown))
		fail_msg("expected \"%s\" in: %s", shown, err.msg);
}

#define expect_refused(c, s, sh) expect_error((c), PGC_EXIT_DB, (s), (sh))
#define expect_invalid(c, s, sh) expect_error((c), PGC_EXIT_USAGE, (s), (sh))

static void test_connect_errors(void **state)
{
	/* Port 1 on localhost refuses connections. */
	expect_refused("postgresql://bob:Sup3rSecretPw@127.0.0.1:1/app", "Sup3rSecretPw",
	               "(user=bob password=*** dbname=app host=127.0.0.1 port=1)");
	expect_refused("host=127.0.0.1 port=1 user=bob password='Sup3r Secret' dbname=x",
	               "Sup3r Secret", "password=***");
	expect_refused("postgresql://127.0.0.1:1/app?password=Sup3rSecretPw", "Sup3rSecretPw", NULL);
	/* Malformed (input errors), and the password is where the parser trips. */
	expect_invalid("host=h password=two words here", "words", "not shown");
	expect_invalid("postgresql://bob:Sup3rSecretPw@[::1/app", "Sup3rSecretPw", "not shown");
	/* An unencoded '@' or '/' in the password: libpq would take a piece of it for a host. */
	expect_invalid("postgresql://bob:Sup3r@Secret@More@127.0.0.1:1/app", "Secret", "percent-encode");
	expect_invalid("postgresql://bob:pa/ss@wo:rd9@127.0.0.1:1/app", "rd9", "percent-encode");
	/* A wrong host name. */
	expect_refused("postgresql://bob:Sup3rSecretPw@no-such-host.invalid/app", "Sup3rSecretPw",
	               "no-such-host.invalid");
	/* A bad keyword is named. */
	expect_invalid("host=h nosuchoption=1", "\x01", "nosuchoption");
}

static void test_database_url(void **state)
{
	Err err = {0};
	setenv("DATABASE_URL", "postgresql://u:EnvSecret99@127.0.0.1:1/x", 1);
	PGconn *c = db_connect(NULL, &err);
	unsetenv("DATABASE_URL");
	assert_null(c);
	assert_int_equal(err.code, PGC_EXIT_DB);
	assert_null(strstr(err.msg, "EnvSecret99"));
	assert_non_null(strstr(err.msg, "127.0.0.1"));
}

/* ------------------------------------------------------ live database */

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	StrBuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	return sb_detach(&sb, NULL);
}

static void exec_ok(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
		fail_msg("%s: %s", sql, PQresultErrorMessage(r));
	PQclear(r);
}

/* A fresh database with the fixture applied; returns a connection to it. */
static PGconn *fixture_db(void)
{
	Err err = {0};
	PGconn *admin = db_connect("dbname=postgres", &err);
	if (!admin)
		fail_msg("test server: %s", err.msg);
	exec_ok(admin, "DROP DATABASE IF EXISTS " TESTDB " WITH (FORCE)");
	exec_ok(admin, "CREATE DATABASE " TESTDB);
	PQfinish(admin);
	PGconn *c = db_connect("dbname=" TESTDB, &err);
	if (!c)
		fail_msg("%s", err.msg);
	char *sql = slurp(FIXTURE);
	assert_non_null(sql);
	exec_ok(c, sql);
	free(sql);
	return c;
}

static void add_cols(StrBuf *sb, const char **cols, int n)
{
	sb_addch(sb, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_ident(sb, cols[i]);
	}
	sb_addch(sb, ')');
}

/* pg_get_constraintdef()'s spelling, rebuilt from the model. */
static void fk_def(StrBuf *sb, const ForeignKey *fk)
{
	sb_adds(sb, "FOREIGN KEY ");
	add_cols(sb, fk->cols, fk->ncols);
	sb_adds(sb, " REFERENCES ");
	if (strcmp(fk->ref->schema, "public") == 0)
		sb_add_ident(sb, fk->ref->name);
	else
		sb_add_qualified(sb, fk->ref->schema, fk->ref->name);
	add_cols(sb, fk->ref_cols, fk->nref_cols);
	if (fk->match == 'f')
		sb_adds(sb, " MATCH FULL");
	if (fk->on_update != FK_NO_ACTION)
		sb_addf(sb, " ON UPDATE %s", fk_action_sql(fk->on_update));
	if (fk->on_delete != FK_NO_ACTION)
		sb_addf(sb, " ON DELETE %s", fk_action_sql(fk->on_delete));
	if (fk->set_cols) {
		sb_addch(sb, ' ');
		add_cols(sb, fk->set_cols, fk->nset_cols);
	}
	if (fk->deferrable)
		sb_adds(sb, " DEFERRABLE");
	if (fk->initially_deferred)
		sb_adds(sb, " INITIALLY DEFERRED");
	if (!fk->validated)
		sb_adds(sb, " NOT VALID");
}

static void test_live_fks_match_server(void **state)
{
	PGconn *c = fixture_db();
	Model *m = model_new(A);
	Err err = {0};
	if (live_load(m, c, &err) < 0)
		fail_msg("live_load: %s", err.msg);
	assert_true(m->live);
	assert_false(m->server_is_crdb);
	assert_int_equal(m->dialect, DIALECT_POSTGRES);
	assert_true(m->server_version_num >= 120000);

	/* What the server says, independently of the loader's queries. */
	PGresult *r = PQexec(c, "SELECT n.nspname, t.relname, c.conname, "
	                        "pg_get_constraintdef(c.oid), c.oid::bigint FROM pg_constraint c "
	                        "JOIN pg_class t ON t.oid = c.conrelid "
	                        "JOIN pg_namespace n ON n.oid = t.relnamespace "
	                        "WHERE c.contype = 'f' AND c.conparentid = 0 ORDER BY c.oid");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	size_t live = 0;
	for (size_t i = 0; i < m->fks.n; i++)
		live += !m->fks.items[i]->dropped;
	assert_int_equal(live, (size_t)PQntuples(r));
	assert_true(PQntuples(r) >= 9);
	for (int i = 0; i < PQntuples(r); i++) {
		const ForeignKey *fk = m->fks.items[i]; /* same (oid) order */
		assert_string_equal(fk->table->schema, PQgetvalue(r, i, 0));
		assert_string_equal(fk->table->name, PQgetvalue(r, i, 1));
		assert_string_equal(fk->name, PQgetvalue(r, i, 2));
		assert_int_equal(fk->seq, atol(PQgetvalue(r, i, 4)));
		StrBuf sb = STRBUF_INIT;
		fk_def(&sb, fk);
		if (strcmp(sb.buf, PQgetvalue(r, i, 3)) != 0)
			fail_msg("%s\n  model:  %s\n  server: %s", fk->name, sb.buf, PQgetvalue(r, i, 3));
		sb_release(&sb);
	}
	PQclear(r);

	/* Partitions: the table is there, its inherited FK copy is not. */
	Table *part = model_find_table(m, "public", "events_2024");
	assert_non_null(part);
	assert_ptr_equal(part->partition_of, model_find_table(m, "public", "events"));
	assert_int_equal(part->partition_of->relkind, 'p');
	for (size_t i = 0; i < m->fks.n; i++)
		assert_ptr_not_equal(m->fks.items[i]->table, part);
	assert_true(model_find_table(m, "public", "cache")->unlogged);
	assert_non_null(model_find_table(m, "auth", "users"));
	assert_null(model_find_table(m, "pg_catalog", "pg_class"));
	int auth = 0;
	for (size_t i = 0; i < m->schemas.n; i++)
		auth += strcmp(m->schemas.items[i], "auth") == 0;
	assert_int_equal(auth, 1);

	/* Columns. */
	Table *users = model_find_table(m, "public", "users");
	assert_non_null(users->pk);
	assert_string_equal(users->pk->cols[0], "id");
	Column *id = table_column(users, "id");
	assert_string_equal(id->type, "integer");
	assert_true(id->not_null);
	assert_non_null(strstr(id->default_expr, "nextval("));
	Column *score = table_column(users, "score");
	assert_int_equal(score->typtype, 'd');
	assert_string_equal(score->type_schema, "public");
	assert_string_equal(score->type_name, "positive_int");
	Column *tags = table_column(users, "tags");
	assert_string_equal(tags->type, "text[]");
	assert_int_equal(tags->ndims, 1);
	assert_null(tags->type_schema);
	Column *lower = table_column(users, "lower_name");
	assert_int_equal(lower->generated, 's');
	assert_null(lower->default_expr);
	Table *ausers = model_find_table(m, "auth", "users");
	assert_int_equal(table_column(ausers, "id")->identity, 'a');
	Column *mood = table_column(ausers, "mood");
	assert_int_equal(mood->typtype, 'e');
	assert_string_equal(mood->default_expr, "'ok'::mood");
	assert_int_equal(table_column(ausers, "tenant_id")->attnum, 2);

	/* Types. */
	int seen = 0;
	for (size_t i = 0; i < m->types.n; i++) {
		UserType *u = m->types.items[i];
		if (strcmp(u->name, "mood") == 0) {
			assert_int_equal(u->typtype, 'e');
			assert_int_equal(u->nlabels, 3);
			assert_string_equal(u->labels[0], "sad");
			assert_string_equal(u->labels[2], "happy");
			seen++;
		} else if (strcmp(u->name, "positive_int") == 0) {
			assert_int_equal(u->typtype, 'd');
			assert_string_equal(u->base_type, "integer");
			assert_true(u->not_null);
			assert_int_equal(u->nchecks, 1);
			assert_string_equal(u->checks[0], "VALUE > 0");
			seen++;
		}
	}
	assert_int_equal(seen, 2);

	/* Indexes and checks. */
	int ix_seen = 0;
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		if (strcmp(ix->name, "comments_user_idx") == 0) {
			assert_true(ix->partial);
			assert_false(ix->unique);
			assert_false(ix->is_constraint);
			ix_seen++;
		} else if (strcmp(ix->name, "comments_expr_idx") == 0) {
			assert_int_equal(ix->ncols, 2);
			assert_null(ix->cols[0]);
			assert_string_equal(ix->cols[1], "id");
			ix_seen++;
		} else if (strcmp(ix->name, "users_tenant_id_id_key") == 0) {
			assert_true(ix->unique && ix->is_constraint && !ix->primary);
			assert_string_equal(ix->table->schema, "auth");
			assert_int_equal(ix->ncols, 2);
			ix_seen++;
		}
	}
	assert_int_equal(ix_seen, 3);
	assert_true(model_conname_taken(m, "auth", "users_tenant_id_id_key"));
	int ck = 0;
	for (size_t i = 0; i < m->checks.n; i++)
		if (strcmp(m->checks.items[i]->name, "Posts_len") == 0) {
			assert_string_equal(m->checks.items[i]->expr, "length((\"Id\")::text) < 10");
			ck++;
		}
	assert_int_equal(ck, 1);
	PQfinish(c);
}

/* The loader stays inside a read-only transaction: it works when the
 * database defaults to read-only transactions. */
static void test_live_read_only(void **state)
{
	PGconn *c = fixture_db();
	exec_ok(c, "ALTER DATABASE " TESTDB " SET default_transaction_read_only = on");
	PQfinish(c);
	Err err = {0};
	c = db_connect("dbname=" TESTDB, &err);
	assert_non_null(c);
	Model *m = model_new(A);
	if (live_load(m, c, &err) < 0)
		fail_msg("live_load under read-only: %s", err.msg);
	assert_true(m->fks.n >= 9);
	PQfinish(c);
}

/* A role that may not read pg_constraint: a clear PGC_EXIT_DB error. */
static void test_live_no_catalog_rights(void **state)
{
	PGconn *c = fixture_db();
	exec_ok(c, "DROP ROLE IF EXISTS pgc_unit_nobody");
	exec_ok(c, "CREATE ROLE pgc_unit_nobody LOGIN");
	exec_ok(c, "REVOKE SELECT ON pg_catalog.pg_constraint FROM PUBLIC");
	PQfinish(c);
	Err err = {0};
	c = db_connect("dbname=" TESTDB " user=pgc_unit_nobody", &err);
	assert_non_null(c);
	Model *m = model_new(A);
	assert_int_equal(live_load(m, c, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_DB);
	if (!strstr(err.msg, "permission denied") || !strstr(err.msg, "42501") ||
	    !strstr(err.msg, "could not read"))
		fail_msg("unclear message: %s", err.msg);
	/* the connection is still usable: nothing left half-done */
	assert_int_equal(PQtransactionStatus(c), PQTRANS_IDLE);
	PQfinish(c);
	c = db_connect("dbname=" TESTDB, &err);
	exec_ok(c, "GRANT SELECT ON pg_catalog.pg_constraint TO PUBLIC");
	PQfinish(c);
}

/* Extension members are left out unless a user FK points at them;
 * temporary tables are left out. */
static void test_live_extension_and_temp_tables(void **state)
{
	PGconn *c = fixture_db();
	exec_ok(c, "CREATE EXTENSION citext");
	exec_ok(c, "CREATE TABLE ext_lonely (id int PRIMARY KEY)");
	exec_ok(c, "CREATE TABLE ext_ref (id int PRIMARY KEY)");
	exec_ok(c, "ALTER EXTENSION citext ADD TABLE ext_lonely");
	exec_ok(c, "ALTER EXTENSION citext ADD TABLE ext_ref");
	exec_ok(c, "CREATE TABLE uses_ext (ref_id int REFERENCES ext_ref, nick citext)");
	exec_ok(c, "CREATE TEMP TABLE tmp_p (id int PRIMARY KEY)");
	exec_ok(c, "CREATE TEMP TABLE tmp_x (p_id int REFERENCES tmp_p)");
	Model *m = model_new(A);
	Err err = {0};
	if (live_load(m, c, &err) < 0)
		fail_msg("live_load: %s", err.msg);
	assert_null(model_find_table(m, "public", "ext_lonely"));
	assert_non_null(model_find_table(m, "public", "ext_ref"));
	Table *u = model_find_table(m, "public", "uses_ext");
	assert_non_null(u);
	Column *nick = table_column(u, "nick");
	assert_string_equal(nick->type, "citext");
	assert_string_equal(nick->type_name, "citext");
	assert_int_equal(nick->typtype, 'b');
	int found = 0;
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		assert_null(strstr(fk->table->schema, "pg_temp"));
		found += strcmp(fk->name, "uses_ext_ref_id_fkey") == 0 &&
		         fk->ref == model_find_table(m, "public", "ext_ref");
	}
	assert_int_equal(found, 1);
	for (size_t i = 0; i < m->tables.n; i++)
		assert_null(strstr(m->tables.items[i]->schema, "pg_temp"));
	for (size_t i = 0; i < m->types.n; i++)
		assert_string_not_equal(m->types.items[i]->name, "citext");
	PQfinish(c);
}

/* ------------------------------------------ the CockroachDB path */

/*
 * CockroachDB cannot run here. In a throwaway database, information_schema
 * is given the two things CockroachDB documents and PostgreSQL lacks:
 * referential_constraints.table_name / referenced_table_name, and a
 * statistics view (https://www.cockroachlabs.com/docs/stable/information-schema).
 * Then the CockroachDB queries run on PostgreSQL, and the model they
 * give must equal the pg_catalog one on every field they claim to fill.
 */
static const char crdb_emulation[] =
	"DROP VIEW information_schema.referential_constraints;"
	"CREATE VIEW information_schema.referential_constraints AS "
	"SELECT current_database()::text AS constraint_catalog, cn.nspname::text AS constraint_schema, "
	"c.conname::text AS constraint_name, current_database()::text AS unique_constraint_catalog, "
	"rn.nspname::text AS unique_constraint_schema, ui.relname::text AS unique_constraint_name, "
	"CASE c.confmatchtype WHEN 'f' THEN 'FULL' WHEN 'p' THEN 'PARTIAL' ELSE 'NONE' END AS match_option, "
	"CASE c.confupdtype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' "
	"WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS update_rule, "
	"CASE c.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' "
	"WHEN 'r' THEN 'RESTRICT' ELSE 'NO ACTION' END AS delete_rule, "
	"t.relname::text AS table_name, r.relname::text AS referenced_table_name "
	"FROM pg_constraint c JOIN pg_namespace cn ON cn.oid = c.connamespace "
	"JOIN pg_class t ON t.oid = c.conrelid JOIN pg_class r ON r.oid = c.confrelid "
	"JOIN pg_namespace rn ON rn.oid = r.relnamespace JOIN pg_class ui ON ui.oid = c.conindid "
	"WHERE c.contype = 'f' AND c.conparentid = 0;"
	"CREATE VIEW information_schema.statistics AS "
	"SELECT n.nspname::text AS table_schema, t.relname::text AS table_name, "
	"CASE WHEN x.indisunique THEN 'NO' ELSE 'YES' END AS non_unique, "
	"i.relname::text AS index_name, k.ord AS seq_in_index, a.attname::text AS column_name, "
	"CASE WHEN k.ord > x.indnkeyatts THEN 'YES' ELSE 'NO' END AS storing, 'NO'::text AS implicit "
	"FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
	"JOIN pg_namespace n ON n.oid = t.relnamespace "
	"CROSS JOIN LATERAL unnest(x.indkey::int2[]) WITH ORDINALITY k(attnum, ord) "
	"LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum;";

/* Constraint names repeat across tables (as CockroachDB's fk_... names
 * do); a composite FK lists its columns in another order than the key. */
static const char crdb_schema[] =
	"CREATE TABLE users (id int PRIMARY KEY, org int NOT NULL, email text DEFAULT 'x', "
	"UNIQUE (org, id));"
	"CREATE TABLE posts (id int PRIMARY KEY, user_id int, org2 int, author int NOT NULL, "
	"CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users ON DELETE CASCADE, "
	"FOREIGN KEY (author, org2) REFERENCES users (id, org) MATCH FULL ON UPDATE SET NULL "
	"DEFERRABLE INITIALLY DEFERRED);"
	"CREATE TABLE comments (id int PRIMARY KEY, user_id int, post_id int DEFAULT 0 "
	"REFERENCES posts ON DELETE SET DEFAULT, "
	"CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users ON DELETE RESTRICT);"
	"CREATE INDEX comments_post ON comments (post_id) INCLUDE (user_id);"
	"CREATE SCHEMA s2; CREATE TABLE s2.x (uid int CONSTRAINT fk_user REFERENCES users);";

static const ForeignKey *find_fk(const Model *m, const ForeignKey *like)
{
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *f = m->fks.items[i];
		if (strcmp(f->name, like->name) == 0 &&
		    strcmp(f->table->schema, like->table->schema) == 0 &&
		    strcmp(f->table->name, like->table->name) == 0)
			return f;
	}
	return NULL;
}

static void same_list(const char *what, const char **a, int na, const char **b, int nb)
{
	if (na != nb)
		fail_msg("%s: %d vs %d entries", what, na, nb);
	for (int i = 0; i < na; i++)
		if ((a[i] == NULL) != (b[i] == NULL) || (a[i] && strcmp(a[i], b[i]) != 0))
			fail_msg("%s[%d]: %s vs %s", what, i, a[i] ? a[i] : "NULL", b[i] ? b[i] : "NULL");
}

static void test_crdb_path_on_emulated_catalog(void **state)
{
	Err err = {0};
	PGconn *admin = db_connect("dbname=postgres", &err);
	assert_non_null(admin);
	exec_ok(admin, "DROP DATABASE IF EXISTS pgc_unit_crdb WITH (FORCE)");
	exec_ok(admin, "CREATE DATABASE pgc_unit_crdb");
	PQfinish(admin);
	PGconn *c = db_connect("dbname=pgc_unit_crdb", &err);
	assert_non_null(c);
	exec_ok(c, crdb_schema);
	exec_ok(c, crdb_emulation);

	Model *pg = model_new(A), *cr = model_new(A);
	if (live_load_path(pg, c, 0, &err) < 0)
		fail_msg("pg path: %s", err.msg);
	if (live_load_path(cr, c, 1, &err) < 0)
		fail_msg("crdb path: %s", err.msg);
	assert_int_equal(pg->fks.n, 5);
	assert_int_equal(cr->fks.n, pg->fks.n);
	for (size_t i = 0; i < pg->fks.n; i++) {
		const ForeignKey *p = pg->fks.items[i], *q = find_fk(cr, p);
		if (!q)
			fail_msg("crdb path lacks %s.%s %s", p->table->schema, p->table->name, p->name);
		assert_string_equal(q->ref->schema, p->ref->schema);
		assert_string_equal(q->ref->name, p->ref->name);
		same_list(p->name, q->cols, q->ncols, p->cols, p->ncols);
		same_list(p->name, q->ref_cols, q->nref_cols, p->ref_cols, p->nref_cols);
		assert_int_equal(q->on_delete, p->on_delete);
		assert_int_equal(q->on_update, p->on_update);
		assert_int_equal(q->match, p->match);
		assert_int_equal(q->deferrable, p->deferrable);
		assert_int_equal(q->initially_deferred, p->initially_deferred);
	}
	int checked = 0;
	for (size_t i = 0; i < pg->indexes.n; i++) {
		const Index *p = pg->indexes.items[i];
		for (size_t k = 0; k < cr->indexes.n; k++) {
			const Index *q = cr->indexes.items[k];
			if (strcmp(q->name, p->name) || strcmp(q->table->name, p->table->name))
				continue;
			assert_int_equal(q->unique, p->unique);
			assert_int_equal(q->primary, p->primary);
			assert_int_equal(q->is_constraint, p->is_constraint);
			same_list(p->name, q->cols, q->ncols, p->cols, p->ncols);
			checked++;
		}
	}
	assert_int_equal(checked, (int)pg->indexes.n);
	assert_non_null(model_find_table(cr, "public", "comments")->pk);
	for (size_t i = 0; i < pg->tables.n; i++) {
		const Table *p = pg->tables.items[i];
		const Table *q = model_find_table(cr, p->schema, p->name);
		assert_non_null(q);
		assert_int_equal(q->cols.n, p->cols.n);
		for (size_t k = 0; k < p->cols.n; k++) {
			const Column *a = p->cols.items[k], *b = q->cols.items[k];
			assert_string_equal(b->name, a->name);
			assert_string_equal(b->type, a->type);
			assert_int_equal(b->not_null, a->not_null);
			if ((a->default_expr == NULL) != (b->default_expr == NULL))
				fail_msg("%s.%s default: %s vs %s", p->name, a->name,
				         a->default_expr ? a->default_expr : "NULL",
				         b->default_expr ? b->default_expr : "NULL");
		}
	}
	PQfinish(c);
}

/* ------------------------------------------------ query structure */

static void test_queries_structure(void **state)
{
	const char *what, *sql;
	int n = 0;
	for (int crdb = 0; crdb <= 1; crdb++) {
		for (int i = 0; live_query(i, crdb, 150000, &what, &sql) == 0; i++) {
			PgQueryParseResult r = pg_query_parse(sql);
			if (r.error)
				fail_msg("%s query (%s) does not parse: %s", what,
				         crdb ? "crdb" : "pg", r.error->message);
			pg_query_free_parse_result(r);
			if (crdb) {
				/* Columns CockroachDB fills with column IDs instead of
				 * attnums, or filled wrongly in some versions (live.c). */
				const char *bad[] = {"conkey", "confkey", "confdeltype", "confupdtype",
				                     "indkey", "pg_attrdef", "attidentity",
				                     "attgenerated", "conparentid", "pg_inherits"};
				for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++)
					if (strstr(sql, bad[b]))
						fail_msg("crdb %s query uses %s", what, bad[b]);
			}
			n++;
		}
	}
	assert_int_equal(n, 14); /* a fixed number of queries, per dialect */
	assert_int_equal(live_query(6, false, 150000, &what, &sql), 0);
	assert_string_equal(what, "foreign keys");
	assert_non_null(strstr(sql, "confdelsetcols"));
	assert_non_null(strstr(sql, "conparentid = 0"));
	assert_int_equal(live_query(6, false, 140000, &what, &sql), 0);
	assert_null(strstr(sql, "confdelsetcols"));
	assert_int_equal(live_query(6, true, 130000, &what, &sql), 0);
	assert_non_null(strstr(sql, "information_schema.referential_constraints"));
	assert_int_equal(live_query(7, false, 150000, &what, &sql), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_describe_errors),
		cmocka_unit_test(test_connect_errors),
		cmocka_unit_test(test_database_url),
		cmocka_unit_test(test_queries_structure),
		cmocka_unit_test(test_live_fks_match_server),
		cmocka_unit_test(test_live_read_only),
		cmocka_unit_test(test_live_no_catalog_rights),
		cmocka_unit_test(test_live_extension_and_temp_tables),
		cmocka_unit_test(test_crdb_path_on_emulated_catalog),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
