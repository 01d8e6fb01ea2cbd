/*
 * live.c - the live loader: pg_catalog into the same model the static
 * replay fills.
 *
 * Design:
 * - A fixed number of queries, whatever the number of tables (schemas,
 *   tables, columns, types, indexes, checks, foreign keys), all inside
 *   one read-only transaction, so they see one snapshot (REPEATABLE
 *   READ on PostgreSQL). Read-only means it also works on a standby and
 *   under default_transaction_read_only=on.
 * - Each query returns rows ordered by oid, so the model's vectors come
 *   out in creation order, as in static mode. Lists (key columns, enum
 *   labels) come back as json_agg() and are read with json-c: no parsing
 *   of PostgreSQL's array syntax.
 * - Left out: system schemas (pg_catalog, information_schema, pg_toast,
 *   pg_temp_N, pg_toast_temp_N, and CockroachDB's crdb_internal and
 *   pg_extension), and the FK copies that partitions inherit or that
 *   point at partitions of a referenced partitioned table
 *   (conparentid <> 0): the parent's constraint stands for them, as the
 *   migration that created it does.
 * - Tables that belong to an extension (pg_depend deptype 'e', e.g.
 *   PostGIS's spatial_ref_sys) are left out: migrations do not create
 *   them, and auditing them would only disagree with static mode. An
 *   extension table that a user table references is kept, so every FK
 *   has both ends.
 * - Every PGresult is cleared on every path; a failed query is an
 *   PGC_EXIT_DB error naming what was being read and the server's
 *   message (with SQLSTATE, and a hint for the usual causes).
 *
 * CockroachDB (version() contains "CockroachDB"): its pg_catalog is a
 * compatibility layer; the documentation lists which pg_catalog tables
 * exist and which are empty, but not which columns are filled in:
 *   https://www.cockroachlabs.com/docs/stable/pg-catalog
 * and known bugs show that the attnum-based arrays are not reliable:
 * pg_constraint.conkey/confkey hold column IDs, not attnums
 *   https://github.com/cockroachdb/cockroach/issues/174715
 * and confdeltype/confupdtype were long always 'a'
 *   https://github.com/cockroachdb/cockroach/issues/34862
 * So for CockroachDB we read from pg_catalog only what does not depend on
 * those (oids, names, relkind, atttypid/format_type, attnotnull, contype
 * and pg_get_constraintdef for checks, pg_enum labels) and take foreign
 * keys, indexes and column defaults from information_schema, whose
 * columns CockroachDB documents, including its extra
 * referential_constraints.table_name / referenced_table_name that make
 * constraint names (which repeat across tables there) unambiguous:
 *   https://www.cockroachlabs.com/docs/stable/information-schema
 *   (sections key_column_usage, referential_constraints, statistics,
 *   table_constraints, columns)
 * information_schema has no "validated" flag: CockroachDB FKs are
 * reported as validated. Identity and generated columns are not read.
 * CockroachDB cannot run in the test suite; tests/unit/test_db.c runs
 * these queries on PostgreSQL against an information_schema extended with
 * the columns CockroachDB documents (live_load_path()), and checks that
 * they avoid the unreliable pg_catalog columns.
 */
#include "exitcodes.h"
#include "loader/live.h"
#include "util/strbuf.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- SQL */

#define SCHEMA_FILTER(n) \
	n ".nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', " \
	"'crdb_internal', 'pg_extension') " \
	"AND " n ".nspname NOT LIKE 'pg\\_temp\\_%' " \
	"AND " n ".nspname NOT LIKE 'pg\\_toast\\_temp\\_%'"

/* The relations we load: ordinary and partitioned tables outside system
 * schemas, minus extension members nobody references. */
#define RELS_PG \
	"WITH rels AS MATERIALIZED (SELECT c.oid FROM pg_catalog.pg_class c " \
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " \
	"WHERE c.relkind IN ('r', 'p') AND " SCHEMA_FILTER("n") " " \
	"AND (c.oid NOT IN (SELECT d.objid FROM pg_catalog.pg_depend d " \
	"WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype = 'e') " \
	"OR c.oid IN (SELECT f.confrelid FROM pg_catalog.pg_constraint f " \
	"WHERE f.contype = 'f'))) "

#define RELS_CRDB \
	"WITH rels AS (SELECT c.oid FROM pg_catalog.pg_class c " \
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace " \
	"WHERE c.relkind = 'r' AND " SCHEMA_FILTER("n") ") "

static const char q_schemas[] =
	"SELECT n.nspname FROM pg_catalog.pg_namespace n "
	"WHERE " SCHEMA_FILTER("n") " ORDER BY n.oid";

/* oid, schema, name, relkind, relpersistence, partition parent oid (0) */
static const char q_tables_pg[] =
	RELS_PG
	"SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, "
	"COALESCE((SELECT i.inhparent FROM pg_catalog.pg_inherits i "
	"WHERE i.inhrelid = c.oid AND c.relispartition LIMIT 1), 0) "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.oid IN (SELECT oid FROM rels) ORDER BY c.oid";

static const char q_tables_crdb[] =
	RELS_CRDB
	"SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, 0 "
	"FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"WHERE c.oid IN (SELECT oid FROM rels) ORDER BY c.oid";

/* The element type of an array column, else the column's type. */
#define ELEM_TYPE_JOIN \
	"JOIN pg_catalog.pg_type t ON t.oid = a.atttypid " \
	"JOIN pg_catalog.pg_type et ON et.oid = CASE WHEN t.typcategory = 'A' " \
	"AND t.typelem <> 0 THEN t.typelem ELSE t.oid END " \
	"JOIN pg_catalog.pg_namespace etn ON etn.oid = et.typnamespace "

/* relid, name, type, not null, default, identity, generated,
 * elem typtype, elem type schema, elem type name, ndims */
static const char q_columns_pg[] =
	RELS_PG
	"SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
	"a.attnotnull, CASE WHEN a.attgenerated = '' "
	"THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, "
	"a.attidentity, a.attgenerated, et.typtype, etn.nspname, et.typname, "
	"CASE WHEN t.typcategory = 'A' THEN GREATEST(a.attndims, 1) ELSE 0 END "
	"FROM pg_catalog.pg_attribute a " ELEM_TYPE_JOIN
	"LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
	"WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0 AND NOT a.attisdropped "
	"ORDER BY a.attrelid, a.attnum";

static const char q_columns_crdb[] =
	RELS_CRDB
	"SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
	"a.attnotnull, ic.column_default, '', '', et.typtype, etn.nspname, et.typname, "
	"CASE WHEN t.typcategory = 'A' THEN 1 ELSE 0 END "
	"FROM pg_catalog.pg_attribute a " ELEM_TYPE_JOIN
	"JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
	"JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
	"LEFT JOIN information_schema.columns ic ON ic.table_schema = n.nspname "
	"AND ic.table_name = c.relname AND ic.column_name = a.attname "
	"WHERE a.attrelid IN (SELECT oid FROM rels) AND a.attnum > 0 AND NOT a.attisdropped "
	"ORDER BY a.attrelid, a.attnum";

/* schema, name, typtype, domain base type, domain not null, enum labels
 * (json), domain checks (json of pg_get_constraintdef) */
#define Q_TYPES(extfilter) \
	"SELECT n.nspname, t.typname, t.typtype, " \
	"CASE WHEN t.typtype = 'd' THEN pg_catalog.format_type(t.typbasetype, t.typtypmod) END, " \
	"t.typnotnull, " \
	"(SELECT pg_catalog.json_agg(e.enumlabel ORDER BY e.enumsortorder) " \
	"FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), " \
	"(SELECT pg_catalog.json_agg(pg_catalog.pg_get_constraintdef(k.oid) ORDER BY k.oid) " \
	"FROM pg_catalog.pg_constraint k WHERE k.contypid = t.oid AND k.contype = 'c') " \
	"FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace " \
	"WHERE " SCHEMA_FILTER("n") " AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' " \
	"AND EXISTS (SELECT 1 FROM pg_catalog.pg_class r WHERE r.oid = t.typrelid " \
	"AND r.relkind = 'c')))" extfilter " ORDER BY t.oid"

static const char q_types_pg[] = Q_TYPES(
	" AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
	"WHERE d.classid = 'pg_catalog.pg_type'::pg_catalog.regclass "
	"AND d.objid = t.oid AND d.deptype = 'e')");
static const char q_types_crdb[] = Q_TYPES("");

/* relid, name, unique, primary, is constraint, partial, key columns (json) */
static const char q_indexes_pg[] =
	RELS_PG
	"SELECT x.indrelid, i.relname, x.indisunique, x.indisprimary, "
	"EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k WHERE k.conindid = x.indexrelid "
	"AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u')), "
	"x.indpred IS NOT NULL, "
	"(SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord) "
	"FROM pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY k(attnum, ord) "
	"LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum "
	"WHERE k.ord <= x.indnkeyatts) "
	"FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid "
	"WHERE x.indrelid IN (SELECT oid FROM rels) ORDER BY x.indexrelid";

/* CockroachDB: information_schema.statistics, one row per index column;
 * schema, table, index, unique, primary, is constraint, partial (false),
 * key columns (json, STORING and implicit columns left out). */
static const char q_indexes_crdb[] =
	"SELECT s.table_schema, s.table_name, s.index_name, "
	"bool_and(s.non_unique = 'NO'), "
	"EXISTS (SELECT 1 FROM information_schema.table_constraints tc "
	"WHERE tc.table_schema = s.table_schema AND tc.table_name = s.table_name "
	"AND tc.constraint_name = s.index_name AND tc.constraint_type = 'PRIMARY KEY'), "
	"EXISTS (SELECT 1 FROM information_schema.table_constraints tc "
	"WHERE tc.table_schema = s.table_schema AND tc.table_name = s.table_name "
	"AND tc.constraint_name = s.index_name AND tc.constraint_type IN ('PRIMARY KEY', 'UNIQUE')), "
	"false, "
	"json_agg(s.column_name ORDER BY s.seq_in_index) "
	"FILTER (WHERE s.storing = 'NO' AND s.implicit = 'NO') "
	"FROM information_schema.statistics s "
	"WHERE s.table_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', 'pg_extension') "
	"GROUP BY s.table_schema, s.table_name, s.index_name "
	"ORDER BY s.table_schema, s.table_name, s.index_name";

/* relid, name, pg_get_constraintdef */
#define Q_CHECKS(rels, local) \
	rels "SELECT k.conrelid, k.conname, pg_catalog.pg_get_constraintdef(k.oid) " \
	"FROM pg_catalog.pg_constraint k WHERE k.contype = 'c' " \
	"AND k.conrelid IN (SELECT oid FROM rels)" local " ORDER BY k.oid"
static const char q_checks_pg[] = Q_CHECKS(RELS_PG, " AND k.conislocal");
static const char q_checks_crdb[] = Q_CHECKS(RELS_CRDB, "");

/* oid, name, relid, ref relid, on delete, on update, match, deferrable,
 * deferred, validated, cols (json), ref cols (json), set cols (json) */
#define COLS_OF(arr, rel) \
	"(SELECT pg_catalog.json_agg(a.attname ORDER BY k.ord) " \
	"FROM pg_catalog.unnest(" arr ") WITH ORDINALITY k(attnum, ord) " \
	"JOIN pg_catalog.pg_attribute a ON a.attrelid = " rel " AND a.attnum = k.attnum)"
#define Q_FKS_PG(setcols) \
	RELS_PG \
	"SELECT c.oid, c.conname, c.conrelid, c.confrelid, c.confdeltype, c.confupdtype, " \
	"c.confmatchtype, c.condeferrable, c.condeferred, c.convalidated, " \
	COLS_OF("c.conkey", "c.conrelid") ", " COLS_OF("c.confkey", "c.confrelid") ", " \
	setcols " FROM pg_catalog.pg_constraint c " \
	"WHERE c.contype = 'f' AND c.conparentid = 0 AND c.conrelid IN (SELECT oid FROM rels) " \
	"ORDER BY c.oid"
static const char q_fks_pg15[] = Q_FKS_PG(COLS_OF("c.confdelsetcols", "c.conrelid"));
static const char q_fks_pg12[] = Q_FKS_PG("NULL::pg_catalog.json");

/* CockroachDB: information_schema only (see the file header).
 * schema, table, name, ref schema, ref table, delete_rule, update_rule,
 * match_option, is_deferrable, initially_deferred, cols, ref cols. */
static const char q_fks_crdb[] =
	"SELECT rc.constraint_schema, rc.table_name, rc.constraint_name, "
	"rc.unique_constraint_schema, rc.referenced_table_name, "
	"rc.delete_rule, rc.update_rule, rc.match_option, "
	"tc.is_deferrable, tc.initially_deferred, "
	"(SELECT json_agg(k.column_name ORDER BY k.ordinal_position) "
	"FROM information_schema.key_column_usage k "
	"WHERE k.constraint_schema = rc.constraint_schema AND k.table_name = rc.table_name "
	"AND k.constraint_name = rc.constraint_name), "
	"(SELECT json_agg(u.column_name ORDER BY k.ordinal_position) "
	"FROM information_schema.key_column_usage k "
	"JOIN information_schema.key_column_usage u "
	"ON u.constraint_schema = rc.unique_constraint_schema "
	"AND u.table_name = rc.referenced_table_name "
	"AND u.constraint_name = rc.unique_constraint_name "
	"AND u.ordinal_position = k.position_in_unique_constraint "
	"WHERE k.constraint_schema = rc.constraint_schema AND k.table_name = rc.table_name "
	"AND k.constraint_name = rc.constraint_name) "
	"FROM information_schema.referential_constraints rc "
	"JOIN information_schema.table_constraints tc "
	"ON tc.constraint_schema = rc.constraint_schema AND tc.table_name = rc.table_name "
	"AND tc.constraint_name = rc.constraint_name AND tc.constraint_type = 'FOREIGN KEY' "
	"WHERE rc.constraint_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', "
	"'pg_extension') "
	"ORDER BY rc.constraint_schema, rc.table_name, rc.constraint_name";

enum { Q_SCHEMAS, Q_TABLES, Q_COLUMNS, Q_TYPES, Q_INDEXES, Q_CHECKS, Q_FKS, Q_COUNT };

static const char *const q_what[Q_COUNT] = {
	"schemas", "tables", "columns", "user-defined types", "indexes",
	"check constraints", "foreign keys",
};

static const char *query_text(int which, bool crdb, int version)
{
	switch (which) {
	case Q_SCHEMAS: return q_schemas;
	case Q_TABLES: return crdb ? q_tables_crdb : q_tables_pg;
	case Q_COLUMNS: return crdb ? q_columns_crdb : q_columns_pg;
	case Q_TYPES: return crdb ? q_types_crdb : q_types_pg;
	case Q_INDEXES: return crdb ? q_indexes_crdb : q_indexes_pg;
	case Q_CHECKS: return crdb ? q_checks_crdb : q_checks_pg;
	case Q_FKS:
		if (crdb)
			return q_fks_crdb;
		/* confdelsetcols (ON DELETE SET NULL (cols)) exists from 15 on. */
		return version >= 150000 ? q_fks_pg15 : q_fks_pg12;
	default: return NULL;
	}
}

int live_query(int i, bool crdb, int server_version_num, const char **what, const char **sql)
{
	if (i < 0 || i >= Q_COUNT)
		return -1;
	*what = q_what[i];
	*sql = query_text(i, crdb, server_version_num);
	return 0;
}

/* ------------------------------------------------------------ running */

/*
 * Runs sql; returns the result (the caller PQclear()s it), or NULL with
 * err set to PGC_EXIT_DB naming `what` and the server's message.
 */
static PGresult *run(PGconn *conn, const char *what, const char *sql, Err *err)
{
	PGresult *res = PQexecParams(conn, sql, 0, NULL, NULL, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
		return res;

	const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	StrBuf m = STRBUF_INIT;
	sb_adds(&m, primary ? primary : PQerrorMessage(conn));
	while (m.len && (m.buf[m.len - 1] == '\n' || m.buf[m.len - 1] == ' '))
		sb_setlen(&m, m.len - 1);
	for (size_t i = 0; i < m.len; i++)
		if (m.buf[i] == '\n')
			m.buf[i] = ' ';
	const char *hint = "";
	if (PQstatus(conn) == CONNECTION_BAD)
		hint = "; the connection to the server was lost";
	else if (state && strcmp(state, "42501") == 0)
		hint = "; the role needs SELECT on the pg_catalog tables (granted to PUBLIC by "
		       "default) and USAGE on the schemas to audit";
	else if (state && strcmp(state, "57014") == 0)
		hint = "; the statement timed out or was cancelled: raise statement_timeout for "
		       "this role, or pass options='-c statement_timeout=0' in the conninfo";
	else if (state && strcmp(state, "55P03") == 0)
		hint = "; another session holds a lock on a table being read (a migration?): retry when it "
		       "is released, or raise lock_timeout for this role (options='-c lock_timeout=10s' in "
		       "the conninfo)";
	else if (state && strcmp(state, "25006") == 0)
		hint = "; the server refused a read-only operation";
	err_set(err, PGC_EXIT_DB, "could not read %s from the database: %s%s%s%s", what, m.buf,
	        state ? " (SQLSTATE " : "", state ? state : "", state ? ")" : "");
	if (*hint) {
		size_t l = strlen(err->msg);
		snprintf(err->msg + l, sizeof(err->msg) - l, "%s", hint);
	}
	sb_release(&m);
	PQclear(res);
	return NULL;
}

static const char *val(Arena *a, const PGresult *r, int row, int col)
{
	if (PQgetisnull(r, row, col))
		return NULL;
	return arena_strdup(a, PQgetvalue(r, row, col));
}

static bool bval(const PGresult *r, int row, int col)
{
	return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static char cval(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : PQgetvalue(r, row, col)[0];
}

/*
 * Reads a json_agg() array of strings (NULL entries allowed) into an
 * arena array; *n gets the count. SQL NULL gives NULL with *n = 0.
 */
static const char **json_list(Arena *a, const PGresult *r, int row, int col, int *n)
{
	*n = 0;
	if (PQgetisnull(r, row, col))
		return NULL;
	json_object *j = json_tokener_parse(PQgetvalue(r, row, col));
	if (!j)
		return NULL;
	const char **v = NULL;
	if (json_object_is_type(j, json_type_array)) {
		size_t len = json_object_array_length(j);
		v = arena_alloc(a, (len + 1) * sizeof(*v));
		for (size_t i = 0; i < len; i++) {
			json_object *e = json_object_array_get_idx(j, i);
			v[i] = e && json_object_is_type(e, json_type_string)
			               ? arena_strdup(a, json_object_get_string(e))
			               : NULL;
		}
		*n = (int)len;
	}
	json_object_put(j);
	return v;
}

/* oid -> Table, keyed by the oid's decimal text. */
static Table *by_oid(const HashMap *h, const char *oid)
{
	return oid ? hm_get(h, oid) : NULL;
}

/*
 * "CHECK ((a > 0)) NOT VALID" -> "a > 0": drops the CHECK keyword, what
 * follows the closing parenthesis, and parentheses that wrap the whole
 * expression. Quotes are respected when matching parentheses.
 */
static const char *strip_check(Arena *a, const char *def)
{
	if (!def)
		return NULL;
	const char *p = def;
	if (strncmp(p, "CHECK ", 6) == 0)
		p += 6;
	size_t len = strlen(p);
	for (bool first = true;; first = false) {
		if (len < 2 || p[0] != '(')
			break;
		/* find the parenthesis matching p[0] */
		int depth = 0;
		size_t close = 0;
		char q = 0;
		for (size_t i = 0; i < len; i++) {
			char c = p[i];
			if (q) {
				if (c == q)
					q = 0;
				continue;
			}
			if (c == '\'' || c == '"')
				q = c;
			else if (c == '(')
				depth++;
			else if (c == ')' && --depth == 0) {
				close = i;
				break;
			}
		}
		/* The first pair is CHECK's own: what follows it (NOT VALID,
		 * NO INHERIT) goes. Later pairs must wrap everything. */
		if (!close || (!first && close != len - 1))
			break;
		p++;
		len = close - 1;
	}
	return arena_strndup(a, p, len);
}

static char rule_char(const char *rule)
{
	if (!rule)
		return FK_NO_ACTION;
	if (strcmp(rule, "CASCADE") == 0)
		return FK_CASCADE;
	if (strcmp(rule, "RESTRICT") == 0)
		return FK_RESTRICT;
	if (strcmp(rule, "SET NULL") == 0)
		return FK_SET_NULL;
	if (strcmp(rule, "SET DEFAULT") == 0)
		return FK_SET_DEFAULT;
	return FK_NO_ACTION;
}

static char match_char(const char *opt)
{
	if (opt && strcmp(opt, "FULL") == 0)
		return 'f';
	if (opt && strcmp(opt, "PARTIAL") == 0)
		return 'p';
	return 's';
}

/* ------------------------------------------------------------ loaders */

static void load_schemas(Model *m, const PGresult *r)
{
	for (int i = 0; i < PQntuples(r); i++) {
		const char *s = PQgetvalue(r, i, 0);
		if (strcmp(s, "public") != 0)
			VEC_PUSH(m->arena, m->schemas, arena_strdup(m->arena, s));
	}
}

static void load_tables(Model *m, const PGresult *r, HashMap *oids)
{
	SrcLoc none = {0};
	int n = PQntuples(r);
	for (int i = 0; i < n; i++) {
		Table *t = model_add_table(m, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2), none);
		t->relkind = cval(r, i, 3) == 'p' ? 'p' : 'r';
		t->unlogged = cval(r, i, 4) == 'u';
		hm_put(oids, PQgetvalue(r, i, 0), t);
	}
	for (int i = 0; i < n; i++) {
		const char *parent = PQgetvalue(r, i, 5);
		if (strcmp(parent, "0") != 0) {
			Table *t = by_oid(oids, PQgetvalue(r, i, 0));
			t->partition_of = by_oid(oids, parent);
		}
	}
}

static void load_columns(Model *m, const PGresult *r, const HashMap *oids)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Table *t = by_oid(oids, PQgetvalue(r, i, 0));
		if (!t)
			continue;
		Column *c = model_add_column(m, t, PQgetvalue(r, i, 1), PQgetvalue(r, i, 2));
		c->not_null = bval(r, i, 3);
		c->default_expr = val(m->arena, r, i, 4);
		c->identity = cval(r, i, 5);
		c->generated = cval(r, i, 6);
		c->typtype = cval(r, i, 7);
		const char *ts = PQgetvalue(r, i, 8);
		if (strcmp(ts, "pg_catalog") != 0 && strcmp(ts, "information_schema") != 0) {
			c->type_schema = arena_strdup(m->arena, ts);
			c->type_name = val(m->arena, r, i, 9);
		}
		c->ndims = atoi(PQgetvalue(r, i, 10));
	}
}

static void load_types(Model *m, const PGresult *r)
{
	for (int i = 0; i < PQntuples(r); i++) {
		UserType *u = arena_alloc(m->arena, sizeof(*u));
		u->schema = val(m->arena, r, i, 0);
		u->name = val(m->arena, r, i, 1);
		u->typtype = cval(r, i, 2);
		u->base_type = val(m->arena, r, i, 3);
		u->not_null = bval(r, i, 4);
		u->labels = json_list(m->arena, r, i, 5, &u->nlabels);
		u->checks = json_list(m->arena, r, i, 6, &u->nchecks);
		for (int k = 0; k < u->nchecks; k++)
			u->checks[k] = strip_check(m->arena, u->checks[k]);
		VEC_PUSH(m->arena, m->types, u);
	}
}

static void add_index(Model *m, Table *t, const PGresult *r, int i, int c0)
{
	Index *ix = arena_alloc(m->arena, sizeof(*ix));
	ix->name = val(m->arena, r, i, c0);
	ix->table = t;
	ix->unique = bval(r, i, c0 + 1);
	ix->primary = bval(r, i, c0 + 2);
	ix->is_constraint = bval(r, i, c0 + 3);
	ix->partial = bval(r, i, c0 + 4);
	ix->cols = json_list(m->arena, r, i, c0 + 5, &ix->ncols);
	if (ix->primary) {
		ix->unique = true;
		t->pk = ix;
	}
	model_add_index(m, ix, t->schema);
}

static void load_indexes(Model *m, const PGresult *r, const HashMap *oids, bool crdb)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Table *t = crdb ? model_find_table(m, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1))
		                : by_oid(oids, PQgetvalue(r, i, 0));
		if (t)
			add_index(m, t, r, i, crdb ? 2 : 1);
	}
}

static void load_checks(Model *m, const PGresult *r, const HashMap *oids)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Table *t = by_oid(oids, PQgetvalue(r, i, 0));
		if (!t)
			continue;
		Check *c = arena_alloc(m->arena, sizeof(*c));
		c->name = val(m->arena, r, i, 1);
		c->table = t;
		c->expr = strip_check(m->arena, PQgetvalue(r, i, 2));
		model_add_check(m, c);
	}
}

static void load_fks_pg(Model *m, const PGresult *r, const HashMap *oids)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Table *t = by_oid(oids, PQgetvalue(r, i, 2));
		Table *ref = by_oid(oids, PQgetvalue(r, i, 3));
		if (!t || !ref) {
			/* Cannot happen within one snapshot unless the referenced
			 * table lives in a schema we leave out. */
			log_warning("foreign key \"%s\" references a table outside the audited "
			            "schemas; it is left out", PQgetvalue(r, i, 1));
			continue;
		}
		ForeignKey *fk = model_add_fk(m, t, PQgetvalue(r, i, 1));
		fk->seq = atol(PQgetvalue(r, i, 0));
		if (fk->seq > m->next_seq)
			m->next_seq = fk->seq;
		fk->ref = ref;
		fk->on_delete = cval(r, i, 4);
		fk->on_update = cval(r, i, 5);
		fk->match = cval(r, i, 6);
		fk->deferrable = bval(r, i, 7);
		fk->initially_deferred = bval(r, i, 8);
		fk->validated = bval(r, i, 9);
		fk->cols = json_list(m->arena, r, i, 10, &fk->ncols);
		fk->ref_cols = json_list(m->arena, r, i, 11, &fk->nref_cols);
		fk->set_cols = json_list(m->arena, r, i, 12, &fk->nset_cols);
		if (fk->nset_cols == 0)
			fk->set_cols = NULL;
	}
}

static void load_fks_crdb(Model *m, const PGresult *r)
{
	for (int i = 0; i < PQntuples(r); i++) {
		Table *t = model_find_table(m, PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		Table *ref = model_find_table(m, PQgetvalue(r, i, 3), PQgetvalue(r, i, 4));
		if (!t || !ref)
			continue;
		ForeignKey *fk = model_add_fk(m, t, PQgetvalue(r, i, 2));
		fk->ref = ref;
		fk->on_delete = rule_char(PQgetvalue(r, i, 5));
		fk->on_update = rule_char(PQgetvalue(r, i, 6));
		fk->match = match_char(PQgetvalue(r, i, 7));
		fk->deferrable = strcmp(PQgetvalue(r, i, 8), "YES") == 0;
		fk->initially_deferred = strcmp(PQgetvalue(r, i, 9), "YES") == 0;
		fk->validated = true;
		fk->cols = json_list(m->arena, r, i, 10, &fk->ncols);
		fk->ref_cols = json_list(m->arena, r, i, 11, &fk->nref_cols);
	}
}

/*
 * Every FK must have as many columns as referenced columns, and at least
 * one: downstream code (closure, fix writer) relies on it. Only a
 * catalog that lies (see the CockroachDB notes above) can break this.
 */
static int check_fks(const Model *m, Err *err)
{
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->ncols == 0 || fk->ncols != fk->nref_cols)
			return err_set(err, PGC_EXIT_DB, "could not read foreign keys from the database: "
			               "\"%s\" on %s.%s came back with %d column(s) referencing %d; "
			               "the server's catalog is inconsistent", fk->name,
			               fk->table->schema, fk->table->name, fk->ncols, fk->nref_cols);
		for (int k = 0; k < fk->ncols; k++)
			if (!fk->cols[k] || !fk->ref_cols[k])
				return err_set(err, PGC_EXIT_DB, "could not read foreign keys from the "
				               "database: a column of \"%s\" on %s.%s has no name",
				               fk->name, fk->table->schema, fk->table->name);
	}
	return 0;
}

/* ------------------------------------------------------------ entry */

int live_load(Model *m, PGconn *conn, Err *err)
{
	return live_load_path(m, conn, -1, err);
}

int live_load_path(Model *m, PGconn *conn, int crdb_path, Err *err)
{
	int ret = -1;
	bool in_tx = false;
	PGresult *r = run(conn, "the server version", "SELECT pg_catalog.version(), "
	                  "pg_catalog.current_setting('statement_timeout')", err);
	if (!r)
		return -1;
	m->live = true;
	m->server_is_crdb = strstr(PQgetvalue(r, 0, 0), "CockroachDB") != NULL;
	m->server_version_num = PQserverVersion(conn);
	m->dialect = m->server_is_crdb ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	bool no_timeout = strcmp(PQgetvalue(r, 0, 1), "0") == 0;
	PQclear(r);
	bool crdb = crdb_path < 0 ? m->server_is_crdb : crdb_path > 0;

	if (!crdb && m->server_version_num < 120000) {
		err_set(err, PGC_EXIT_DB, "the server runs PostgreSQL %d.%d, and the live audit "
		        "needs PostgreSQL 12 or later; audit the migration files instead",
		        m->server_version_num / 10000, m->server_version_num / 100 % 100);
		return -1;
	}

	/* One snapshot for every query; read-only works on standbys and under
	 * default_transaction_read_only. CockroachDB is serializable anyway. */
	r = run(conn, "the catalog (starting a read-only transaction)",
	        crdb ? "BEGIN" : "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", err);
	if (!r)
		return -1;
	PQclear(r);
	in_tx = true;
	if (no_timeout && !crdb) {
		/* See db.c: only when the session has no limit of its own. Not on
		 * CockroachDB, where SET LOCAL depends on the version. */
		r = run(conn, "the catalog (setting a statement timeout)",
		        "SET LOCAL statement_timeout = '120s'", err);
		if (!r)
			goto out;
		PQclear(r);
	}
	if (!crdb) {
		/* Reading a column default or an index expression locks its table
		 * (pg_get_expr): behind a migration's ACCESS EXCLUSIVE lock the read
		 * would wait, and queue every later query of the application behind
		 * it. Unless the session set its own lock_timeout (role, database,
		 * options=-c, or verify's --lock-timeout, even 0), wait at most 2s. */
		r = run(conn, "the catalog (setting a lock timeout)",
		        "SELECT pg_catalog.set_config('lock_timeout', '2s', true) FROM pg_catalog.pg_settings "
		        "WHERE name = 'lock_timeout' AND setting = '0' AND source = 'default'", err);
		if (!r)
			goto out;
		PQclear(r);
	}

	HashMap *oids = hm_new(m->arena);
	for (int q = 0; q < Q_COUNT; q++) {
		r = run(conn, q_what[q], query_text(q, crdb, m->server_version_num), err);
		if (!r)
			goto out;
		switch (q) {
		case Q_SCHEMAS: load_schemas(m, r); break;
		case Q_TABLES: load_tables(m, r, oids); break;
		case Q_COLUMNS: load_columns(m, r, oids); break;
		case Q_TYPES: load_types(m, r); break;
		case Q_INDEXES: load_indexes(m, r, oids, crdb); break;
		case Q_CHECKS: load_checks(m, r, oids); break;
		case Q_FKS:
			if (crdb)
				load_fks_crdb(m, r);
			else
				load_fks_pg(m, r, oids);
			break;
		}
		PQclear(r);
		if (q == Q_FKS && check_fks(m, err) < 0)
			goto out;
	}
	r = run(conn, "the catalog (ending the transaction)", "COMMIT", err);
	if (!r)
		goto out;
	PQclear(r);
	in_tx = false;
	ret = 0;
out:
	if (in_tx && PQstatus(conn) == CONNECTION_OK)
		PQclear(PQexec(conn, "ROLLBACK"));
	return ret;
}
