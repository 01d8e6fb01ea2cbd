/*
 * test_check.c - the CHECK solver (verify/check.c) against PostgreSQL:
 * for each CHECK expression, the candidates it yields for its column are
 * sent to the suite's server, and `SELECT <check expr>` over each value
 * must return true (enum columns too: their comparisons follow the
 * labels' order). The expected answer is PostgreSQL's, never ours.
 * Connects through PGHOST/PGPORT/PGUSER (scripts/test.sh exports them);
 * without a server the test fails.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

#include "util/strbuf.h"
#include "util/quote.h"
#include "verify/seed.h"

typedef struct Case {
	const char *col, *type, *expr;
	bool domain;
	int min_hints;       /* candidates we must produce */
} Case;

static const Case cases[] = {
	/* disjunctions and conjunctions of comparisons */
	{"token_type", "integer", "token_type = 1 OR token_type = 2", false, 2},
	{"token_type", "integer", "CHECK (((token_type = 1) OR (token_type = 2)))", false, 2},
	{"age", "integer", "CHECK (((age >= 18) AND (age < 130)))", false, 1},
	{"x", "integer", "x IS NOT NULL AND x > 10", false, 1},
	{"n", "integer", "(n < -5) OR (n > 100)", false, 2},
	{"q", "numeric", "q > 0.1 AND q < 0.2", false, 1},
	/* IN, = ANY, BETWEEN */
	{"status", "text", "status IN ('active', 'it''s')", false, 2},
	{"status", "text", "CHECK ((status = ANY (ARRAY['active'::text, 'disabled'::text])))", false, 2},
	{"n", "integer", "n BETWEEN 5 AND 9", false, 1},
	{"pct", "numeric", "pct BETWEEN 0.5 AND 0.7", false, 1},
	{"d", "date", "d >= '2020-01-01'::date", false, 1},
	/* LIKE and regular expressions */
	{"slug", "text", "slug LIKE 'usr\\_%'", false, 1},
	{"slug", "text", "slug ILIKE 'AB%cd'", false, 1},
	{"code", "text", "code ~ '^[A-Z]{3}-[0-9]+$'", false, 1},
	{"email", "text", "email ~* '^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$'", false, 1},
	{"hex", "text", "hex ~ '^(0x|0X)?[0-9a-f]+$'", false, 1},
	{"zip", "text", "zip ~ '^\\d{5}(-\\d{4})?$'", false, 1},
	/* length bounds */
	{"name", "text", "length(name) >= 3 AND length(name) <= 10", false, 1},
	{"title", "text", "char_length(btrim(title)) > 0", false, 1},
	{"code", "character varying(6)", "CHECK ((char_length((code)::text) = 6))", false, 1},
	{"s", "text", "character_length(s) < 4 AND s <> ''", false, 1},
	{"t", "text", "length(t) BETWEEN 6 AND 8", false, 1},
	/* a pattern and a length bound together: the pattern's string, grown to the bound */
	{"code", "text", "code ~ '^X[0-9]{3}$' AND char_length(code) = 4", false, 1},
	{"t", "text", "t LIKE 'abc%' AND length(t) BETWEEN 6 AND 8", false, 1},
	{"o", "text", "o IS NOT NULL AND o ~ '^zz' AND length(o) >= 5", false, 1},
	/* LIKE as pg_get_constraintdef() prints it (the operator ~~), which is what the seeder reads */
	{"t", "text", "CHECK (((t ~~ 'abc%'::text) AND ((length(t) >= 6) AND (length(t) <= 8))))", false, 1},
	{"t", "text", "CHECK ((t ~~* 'AB%'::text))", false, 1},
	/* domain checks: VALUE is the column */
	{"value", "text", "CHECK ((VALUE ~ '^[0-9]{5}$'::text))", true, 1},
	{"value", "integer", "CHECK (((VALUE > 0) AND (VALUE < 100)))", true, 1},
	{"value", "text", "CHECK (((VALUE)::text = ANY ((ARRAY['YES'::character varying, 'NO'::character varying])::text[])))",
	 true, 2},
};

static void test_candidates_satisfy_the_check(void **state)
{
	(void)state;
	PGconn *conn = PQconnectdb("dbname=postgres");
	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	Arena *a = arena_new();
	int bad = 0, checked = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		const Case *c = &cases[i];
		const char **v;
		int n = seed_check_hints(a, c->expr, c->col, c->domain, &v);
		if (n < c->min_hints) {
			printf("# %s: %d candidate(s), expected at least %d\n", c->expr, n, c->min_hints);
			bad++;
		}
		/* the check's own expression, over one row holding the value */
		const char *e = c->expr;
		if (strncmp(e, "CHECK ", 6) == 0)
			e += 6;
		StrBuf sb = STRBUF_INIT;
		sb_addf(&sb, "SELECT (%s) FROM (SELECT $1::%s AS ", e, c->type);
		sb_add_ident(&sb, c->col);
		sb_adds(&sb, ") s");
		for (int k = 0; k < n; k++) {
			const char *p[1] = {v[k]};
			checked++;
			PGresult *r = PQexecParams(conn, sb.buf, 1, NULL, p, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_TUPLES_OK) {
				printf("# %s with %s = '%s': %s\n", c->expr, c->col, v[k], PQresultErrorMessage(r));
				bad++;
			} else if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
				printf("# %s is not true for %s = '%s' (PostgreSQL says '%s')\n", c->expr, c->col, v[k],
				       PQgetvalue(r, 0, 0));
				bad++;
			}
			PQclear(r);
		}
		sb_release(&sb);
	}
	arena_free(a);
	PQfinish(conn);
	printf("# %d values checked against PostgreSQL, %d problems\n", checked, bad);
	assert_int_equal(bad, 0);
}

/* Enum columns: comparisons follow the labels' sort order (not the text's),
 * and every candidate must be a label. The type is created in the
 * session's temporary schema, so nothing stays on the server. */
static const char *const mood[] = {"happy", "sad", "meh", "angry"};
static const struct {
	const char *expr;
	int min_hints;
} enum_cases[] = {
	{"m > 'sad'", 2},                              /* meh, angry: not "sadz" */
	{"m <> 'happy'", 3},
	{"m IN ('meh', 'sad')", 2},
	{"m = 'meh' OR m = 'angry'", 2},
	{"m BETWEEN 'sad' AND 'meh'", 2},
	{"m >= 'meh' AND m <> 'angry'", 1},
	{"CHECK ((m < 'meh'::pg_temp.mood) AND (m <> 'happy'::pg_temp.mood))", 1},
	{"m IS NOT NULL AND m <= 'happy'", 1},
	{"m NOT IN ('happy', 'sad')", 2},
	{"CHECK ((m <> ALL (ARRAY['happy'::pg_temp.mood, 'sad'::pg_temp.mood, 'meh'::pg_temp.mood])))", 1},
};

static void test_enum_candidates_satisfy_the_check(void **state)
{
	(void)state;
	PGconn *conn = PQconnectdb("dbname=postgres");
	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	PGresult *r = PQexec(conn, "CREATE TYPE pg_temp.mood AS ENUM ('happy', 'sad', 'meh', 'angry')");
	assert_int_equal(PQresultStatus(r), PGRES_COMMAND_OK);
	PQclear(r);
	Arena *a = arena_new();
	int bad = 0, checked = 0;
	for (size_t i = 0; i < sizeof(enum_cases) / sizeof(*enum_cases); i++) {
		const char *e = enum_cases[i].expr, **v;
		int n = seed_check_hints_enum(a, e, "m", mood, 4, &v);
		if (n < enum_cases[i].min_hints) {
			printf("# %s: %d candidate(s), expected at least %d\n", e, n, enum_cases[i].min_hints);
			bad++;
		}
		if (strncmp(e, "CHECK ", 6) == 0)
			e += 6;
		StrBuf sb = STRBUF_INIT;
		sb_addf(&sb, "SELECT (%s) FROM (SELECT $1::pg_temp.mood AS m) s", e);
		for (int k = 0; k < n; k++) {
			const char *p[1] = {v[k]};
			checked++;
			r = PQexecParams(conn, sb.buf, 1, NULL, p, NULL, NULL, 0);
			if (PQresultStatus(r) != PGRES_TUPLES_OK || strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
				printf("# %s with m = '%s': %s\n", enum_cases[i].expr, v[k],
				       PQresultStatus(r) == PGRES_TUPLES_OK ? "not true" : PQresultErrorMessage(r));
				bad++;
			}
			PQclear(r);
		}
		sb_release(&sb);
	}
	arena_free(a);
	PQfinish(conn);
	printf("# %d enum values checked against PostgreSQL, %d problems\n", checked, bad);
	assert_int_equal(bad, 0);
}

/* Checks over several columns: the row seeding tries first, some columns
 * fixed (as a foreign key fixes them), must satisfy the check. */
typedef struct RowCase {
	const char *expr;
	int ncols;
	const char *cols[4], *types[4], *fixed[4];
} RowCase;

static const RowCase row_cases[] = {
	/* ente's families: the admin may be its own member only as SELF/CLOSED */
	{"CHECK ((((admin_id <> member_id) AND (status <> ALL (ARRAY['SELF'::text, 'CLOSED'::text]))) OR "
	 "((admin_id = member_id) AND (status = ANY (ARRAY['SELF'::text, 'CLOSED'::text])))))",
	 3, {"admin_id", "member_id", "status"}, {"bigint", "bigint", "text"}, {"7", NULL, NULL}},
	/* the same, the equality written the other way round, the fixed column second */
	{"(member_id = admin_id AND status IN ('SELF')) OR (member_id <> admin_id AND status = 'INVITED')",
	 3, {"member_id", "admin_id", "status"}, {"bigint", "bigint", "text"}, {NULL, "9", NULL}},
	/* two free columns tied by an equality, one with a bound */
	{"a = b AND a > 5", 2, {"a", "b"}, {"integer", "integer"}, {NULL, NULL}},
	{"b = a AND a BETWEEN 3 AND 4", 2, {"a", "b"}, {"integer", "integer"}, {NULL, NULL}},
	/* ente's emergency_contact: a state decides whether the key is NULL */
	{"CHECK ((((state = ANY (ARRAY['REVOKED'::text, 'DELETED'::text])) AND (encrypted_key IS NULL)) OR "
	 "((state <> ALL (ARRAY['REVOKED'::text, 'DELETED'::text])) AND (encrypted_key IS NOT NULL))))",
	 2, {"state", "encrypted_key"}, {"text", "text"}, {NULL, NULL}},
	/* a cast on each side of the equality */
	{"(lower_code)::text = (code)::text", 2, {"code", "lower_code"}, {"character varying(8)", "text"}, {"ab", NULL}},
};

static void test_rows_satisfy_the_check(void **state)
{
	(void)state;
	PGconn *conn = PQconnectdb("dbname=postgres");
	assert_int_equal(PQstatus(conn), CONNECTION_OK);
	Arena *a = arena_new();
	int bad = 0;
	for (size_t i = 0; i < sizeof(row_cases) / sizeof(*row_cases); i++) {
		const RowCase *c = &row_cases[i];
		const char *v[4] = {0};
		seed_check_row(a, c->expr, c->cols, c->fixed, c->ncols, v);
		const char *e = c->expr;
		if (strncmp(e, "CHECK ", 6) == 0)
			e += 6;
		StrBuf sb = STRBUF_INIT;
		sb_addf(&sb, "SELECT (%s) FROM (SELECT ", e);
		for (int k = 0; k < c->ncols; k++) {
			sb_addf(&sb, "%s$%d::%s AS ", k ? ", " : "", k + 1, c->types[k]);
			sb_add_ident(&sb, c->cols[k]);
		}
		sb_adds(&sb, ") s");
		PGresult *r = PQexecParams(conn, sb.buf, c->ncols, NULL, v, NULL, NULL, 0);
		/* a CHECK passes unless false: NULL is fine for the server, but
		 * the row is meant to make it true */
		if (PQresultStatus(r) != PGRES_TUPLES_OK || strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
			printf("# %s is not true for", c->expr);
			for (int k = 0; k < c->ncols; k++)
				printf(" %s = %s", c->cols[k], v[k] ? v[k] : "NULL");
			printf(" (%s)\n", PQresultStatus(r) == PGRES_TUPLES_OK ? PQgetvalue(r, 0, 0) : PQresultErrorMessage(r));
			bad++;
		}
		PQclear(r);
		sb_release(&sb);
	}
	arena_free(a);
	PQfinish(conn);
	printf("# %zu rows checked against PostgreSQL, %d problems\n", sizeof(row_cases) / sizeof(*row_cases), bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_candidates_satisfy_the_check),
		cmocka_unit_test(test_enum_candidates_satisfy_the_check),
		cmocka_unit_test(test_rows_satisfy_the_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
