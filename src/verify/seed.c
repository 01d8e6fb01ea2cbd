/*
 * seed.c - row insertion: the per-table state, one row per closure edge,
 * and the insert loop that varies values until the server accepts a row;
 * see seed_int.h.
 *
 * Design. One row goes into the root table. Then every incoming closure
 * edge (child --fk--> parent) becomes a task: insert one row into the
 * child whose fk columns point at a seeded row of the parent, so each
 * FK path from the root is exercised by a row of its own. Tasks run in
 * closure order (depth first) and are retried until no task makes
 * progress, which handles children of children, self-references and
 * NOT NULL references between closure tables. The row's other FKs are
 * NULL when their columns are nullable (so the row tests exactly its
 * own path); otherwise they point at a seeded closure row or at a
 * helper row inserted, recursively and with the same generator, into a
 * table outside the closure.
 *
 * Each insert runs under a savepoint; on a check, unique, not-null or
 * data error the columns concerned move to their next candidate
 * (values.c) and the insert is tried again, a bounded number of times.
 */
#include "verify/seed_int.h"
#include "exitcodes.h"
#include "util/quote.h"
#include "util/strbuf.h"
#include "util/xjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_ATTEMPTS 40

/* ---------- small helpers ---------- */

double sd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *sd_field(const PGresult *r, int f)
{
	const char *s = r ? PQresultErrorField(r, f) : NULL;
	return s ? s : "";
}

/* Connection-level failure (server gone, admin shutdown): fatal, exit 3. */
bool sd_conn_failed(Seeder *s, const PGresult *r)
{
	if (PQstatus(s->conn) != CONNECTION_OK)
		return true;
	const char *st = sd_field(r, PG_DIAG_SQLSTATE);
	return !*st || strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0 ||
	       strncmp(st, "53", 2) == 0 || strncmp(st, "58", 2) == 0;
}

int sd_db_fail(Seeder *s, const char *what, const PGresult *r)
{
	const char *msg = r ? PQresultErrorMessage(r) : "";
	if (!*msg)
		msg = PQerrorMessage(s->conn);
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", msg);
	size_t l = strlen(buf);
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == ' '))
		buf[--l] = '\0';
	return err_set(s->err, PGC_EXIT_DB, "%s: %s", what, *buf ? buf : "the server closed the connection");
}

/* Runs one command that must succeed. Returns 0 or -1 (err set). */
int sd_run(Seeder *s, const char *sql)
{
	PGresult *r = PQexec(s->conn, sql);
	int st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	if (strcmp(sd_field(r, PG_DIAG_SQLSTATE), "40001") == 0)
		s->retry = true;
	sd_db_fail(s, sql, r);
	PQclear(r);
	return -1;
}

int sd_col_index(const TState *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i]->name, name) == 0)
			return i;
	return -1;
}

TState *sd_st_of(Seeder *s, const Table *t)
{
	return (size_t)t->id < s->nts ? &s->ts[t->id] : NULL;
}

const UserType *sd_find_type(const Model *m, const char *schema, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < m->types.n; i++) {
		const UserType *u = m->types.items[i];
		if (!u->dropped && strcmp(u->name, name) == 0 &&
		    (!schema || !u->schema || strcmp(u->schema, schema) == 0))
			return u;
	}
	return NULL;
}

/*
 * The function an error context (PG_DIAG_CONTEXT) names last, the
 * outermost one: "PL/pgSQL function public.f(text) line 3 at ..." or
 * "SQL function \"f\" ...". NULL when it names none.
 */
const char *sd_context_function(Arena *a, const char *ctx)
{
	const char *name = NULL;
	size_t len = 0;
	for (const char *p = ctx; p && (p = strstr(p, "function ")) != NULL; p++) {
		const char *q = p + 9;
		if (*q == '"') {
			const char *e = strchr(q + 1, '"');
			if (!e)
				break;
			name = q + 1;
			len = (size_t)(e - q - 1);
		} else {
			size_t n = strcspn(q, "( \n");
			if (n && q[n] == '(') {
				name = q;
				len = n;
			}
		}
	}
	return name ? arena_strndup(a, name, len) : NULL;
}

/*
 * Names the trigger behind an error whose context names a function:
 * "trigger T on S.R (function F)" (the first user trigger that runs F),
 * or "function F" when no trigger runs it; NULL when ctx names no
 * function. Runs a catalog query, so the transaction must be usable.
 */
const char *sd_trigger_of(Seeder *s, const char *ctx)
{
	const char *fn = sd_context_function(s->a, ctx);
	if (!fn || s->opt->crdb)
		return fn ? arena_printf(s->a, "function %s", fn) : NULL;
	const char *dot = strrchr(fn, '.');
	const char *params[1] = {dot ? dot + 1 : fn};
	PGresult *r = PQexecParams(s->conn,
	                           "SELECT t.tgname, c.relnamespace::regnamespace::text, c.relname, "
	                           "p.oid::regproc::text FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
	                           "JOIN pg_class c ON c.oid = t.tgrelid WHERE NOT t.tgisinternal AND p.proname = $1 "
	                           "ORDER BY 2, 3, 1 LIMIT 1",
	                           1, NULL, params, NULL, NULL, 0);
	const char *out = arena_printf(s->a, "function %s", fn);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		out = arena_printf(s->a, "trigger %s on %s.%s (function %s)", PQgetvalue(r, 0, 0),
		                   PQgetvalue(r, 0, 1), PQgetvalue(r, 0, 2), PQgetvalue(r, 0, 3));
	PQclear(r);
	return out;
}

/* ---------- per-table preparation ---------- */

void sd_prepare(Seeder *s, TState *t)
{
	if (t->prepared)
		return;
	t->prepared = true;
	Table *tb = t->t;
	t->cols = arena_alloc(s->a, (tb->cols.n + 1) * sizeof(*t->cols));
	for (size_t i = 0; i < tb->cols.n; i++)
		if (!tb->cols.items[i]->dropped)
			t->cols[t->ncols++] = tb->cols.items[i];
	t->hints = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*t->hints));
	t->in_unique = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*t->in_unique));
	for (size_t i = 0; i < t->uniques.n; i++) {
		const Index *ix = t->uniques.items[i];
		for (int k = 0; k < ix->ncols; k++) {
			int c = ix->cols[k] ? sd_col_index(t, ix->cols[k]) : -1;
			if (c >= 0)
				t->in_unique[c] = true;
		}
	}
	for (int c = 0; c < t->ncols; c++) { /* enum columns compare by label order */
		Column *col = t->cols[c];
		const UserType *u = col->typtype == 'e' ? sd_find_type(s->m, col->type_schema, col->type_name) : NULL;
		if (u && u->typtype == 'e' && u->nlabels > 0) {
			t->hints[c].labels = u->labels;
			t->hints[c].nlabels = u->nlabels;
		}
	}
	for (size_t i = 0; i < t->checks.n; i++)
		sd_hints_from_expr(s->a, t, t->checks.items[i]->expr, -1);
	for (int c = 0; c < t->ncols; c++) {
		Column *col = t->cols[c];
		if (col->typtype == 'd') {
			const UserType *u = sd_find_type(s->m, col->type_schema, col->type_name);
			for (int k = 0; u && k < u->nchecks; k++)
				sd_hints_from_expr(s->a, t, u->checks[k], c);
		}
		sd_finish_bounds(s->a, &t->hints[c]);
	}
	if (tb->relkind == 'p' && !s->opt->crdb)
		sd_partition_hints(s, t);
	/* the key that identifies our rows when counting */
	StrBuf sb = STRBUF_INIT;
	const Index *pk = tb->pk;
	bool ok = pk && !pk->dropped && pk->ncols > 0;
	for (int k = 0; ok && k < pk->ncols; k++)
		ok = pk->cols[k] && sd_col_index(t, pk->cols[k]) >= 0;
	if (ok) {
		sb_adds(&sb, "(");
		for (int k = 0; k < pk->ncols; k++) {
			if (k)
				sb_adds(&sb, " || chr(31) || ");
			sb_add_ident(&sb, pk->cols[k]);
			sb_adds(&sb, "::text");
		}
		sb_adds(&sb, ")");
	} else {
		sb_adds(&sb, s->opt->crdb ? "rowid::text" : "ctid::text");
		t->ctid_key = !s->opt->crdb;
	}
	t->keyexpr = arena_strdup(s->a, sb.buf);
	sb_release(&sb);
}

/* ---------- inserting one row ---------- */

/* Finds a linked row of p whose ref columns agree with the values fixed so far. */
static Row *matching_parent(TState *p, const ForeignKey *fk, const TState *t, char **vals,
                            const ColPlan *plan, bool want_linked, int owner)
{
	for (size_t r = 0; r < p->rows.n; r++) {
		Row *row = p->rows.items[r];
		if (row->linked != want_linked || row->cross || row->by_owner_col ||
		    (want_linked && row->owner != owner))
			continue;
		bool ok = true;
		for (int k = 0; ok && k < fk->ncols; k++) {
			int c = sd_col_index(t, fk->cols[k]);
			int pc = sd_col_index(p, fk->ref_cols[k]);
			if (c < 0 || pc < 0 || !row->v[pc])
				ok = false;
			else if (plan[c].fixed && vals[c] && strcmp(vals[c], row->v[pc]) != 0)
				ok = false;
		}
		if (ok)
			return row;
	}
	return NULL;
}

/* Has the owner a row of p that reaches its root (not a cross row)? */
static bool owner_row(const TState *p, int owner)
{
	for (size_t r = 0; r < p->rows.n; r++) {
		const Row *row = p->rows.items[r];
		if (row->linked && row->owner == owner && !row->cross)
			return true;
	}
	return false;
}


/*
 * Fills the columns of one FK of t (not the seeding edge). Returns
 * INS_OK, INS_WAIT (needs a closure row that does not exist yet),
 * INS_FAIL or INS_DBERR.
 */
static int fill_fk(Seeder *s, TState *t, const ForeignKey *fk, ColPlan *plan, char **vals, int depth,
                   bool linked, bool other)
{
	int nfixed = 0;
	bool all_nullable = true;
	for (int k = 0; k < fk->ncols; k++) {
		int c = sd_col_index(t, fk->cols[k]);
		if (c < 0)
			return INS_OK; /* a column the model does not know: let the server say */
		if (plan[c].fixed)
			nfixed++;
		if (t->cols[c]->not_null || t->hints[c].must_fill)
			all_nullable = false;
	}
	TState *p = sd_st_of(s, fk->ref);
	if (nfixed == fk->ncols) {
		/* already decided (an overlapping FK); the server checks it */
		if (s->fill_all && linked && depth == 0 && p && p->in_closure &&
		    matching_parent(p, fk, t, vals, plan, true, s->owner))
			s->tied++;
		return INS_OK;
	}
	/* a cross row is tied to its owner through every closure FK the
	 * owner has a row for */
	bool tie = !other && s->fill_all && linked && depth == 0 && p && p->in_closure && owner_row(p, s->owner);
	/* NULLs skip the check: MATCH SIMPLE needs one NULL column, MATCH FULL all */
	if (tie) {
		/* fill it below */
	} else if (fk->match != 'f') {
		for (int k = 0; k < fk->ncols; k++) {
			int c = sd_col_index(t, fk->cols[k]);
			if (!plan[c].fixed && !t->cols[c]->not_null && !t->hints[c].must_fill) {
				plan[c].how = P_NULL;
				plan[c].fixed = true;
				vals[c] = NULL;
				return INS_OK;
			}
		}
	} else if (all_nullable && nfixed == 0) {
		for (int k = 0; k < fk->ncols; k++) {
			int c = sd_col_index(t, fk->cols[k]);
			plan[c].how = P_NULL;
			plan[c].fixed = true;
			vals[c] = NULL;
		}
		return INS_OK;
	}
	if (!p)
		return INS_OK;
	sd_prepare(s, p);
	Row *pr = NULL;
	if (p->in_closure && linked && !other) {
		pr = matching_parent(p, fk, t, vals, plan, true, s->owner);
		if (pr && depth == 0)
			s->tied++;
		if (!pr) {
			if (!owner_row(p, s->owner)) {
				snprintf(s->reason, sizeof(s->reason),
				         "no row of %s.%s reaches the root yet (for %s)", p->t->schema, p->t->name, fk->name);
				return INS_WAIT;
			}
			snprintf(s->reason, sizeof(s->reason),
			         "no seeded row of %s.%s matches the columns shared by %s", p->t->schema,
			         p->t->name, fk->name);
			return INS_FAIL;
		}
	} else {
		/* a helper row: outside the closure, or a row of a closure table
		 * that does not reach the root (for rows that must not either) */
		bool unique_cols = false;
		for (int k = 0; k < fk->ncols; k++) {
			int c = sd_col_index(t, fk->cols[k]);
			unique_cols |= c >= 0 && t->in_unique[c];
		}
		/* other: a check wants another parent row than the usual one
		 * (CHECK (user_id <> contact_id)): a fresh row of its own */
		pr = other ? NULL
		     : nfixed ? matching_parent(p, fk, t, vals, plan, false, -1) : unique_cols ? NULL : p->helper;
		if (!pr) {
			if (depth >= MAX_HELPER_DEPTH) {
				snprintf(s->reason, sizeof(s->reason),
				         "parent rows nest deeper than %d tables at %s", MAX_HELPER_DEPTH, fk->name);
				return INS_FAIL;
			}
			char **pf = arena_alloc(s->a, (size_t)(p->ncols + 1) * sizeof(*pf));
			for (int k = 0; k < fk->ncols; k++) {
				int c = sd_col_index(t, fk->cols[k]);
				int pc = sd_col_index(p, fk->ref_cols[k]);
				if (pc >= 0 && plan[c].fixed && vals[c])
					pf[pc] = vals[c];
			}
			int r = sd_insert_row(s, p, NULL, NULL, pf, depth + 1, &pr);
			if (r != INS_OK) {
				if (r == INS_WAIT) {
					snprintf(s->reason, sizeof(s->reason),
					         "parent table %s.%s needs a row that cannot exist yet",
					         p->t->schema, p->t->name);
					return INS_FAIL;
				}
				return r;
			}
			if (p->in_closure && p->depth == 0)
				s->helper_rows_root++; /* the root table: a row of a third owner */
			else if (p->in_closure)
				s->helper_rows_closure++;
			else
				s->helper_rows++;
			/* reuse it, unless our FK columns are unique (each row needs its own parent) */
			if (!nfixed && !unique_cols && !other)
				p->helper = pr;
		}
	}
	for (int k = 0; k < fk->ncols; k++) {
		int c = sd_col_index(t, fk->cols[k]);
		int pc = sd_col_index(p, fk->ref_cols[k]);
		if (pc < 0 || plan[c].fixed)
			continue;
		plan[c].how = P_VALUE;
		plan[c].fixed = true;
		vals[c] = pr->v[pc];
	}
	return INS_OK;
}

/* Which columns a failed insert points at (by constraint or column name). */
static int blame(Seeder *s, TState *t, const PGresult *r, bool *mark)
{
	const char *con = sd_field(r, PG_DIAG_CONSTRAINT_NAME);
	const char *colname = sd_field(r, PG_DIAG_COLUMN_NAME);
	const char *dtype = sd_field(r, PG_DIAG_DATATYPE_NAME);
	int n = 0;
	if (*colname) {
		int c = sd_col_index(t, colname);
		if (c >= 0) {
			mark[c] = true;
			n++;
		}
	}
	if (*con) {
		for (size_t i = 0; i < t->checks.n; i++)
			if (strcmp(t->checks.items[i]->name, con) == 0)
				sd_cols_in_expr(s->a, t, t->checks.items[i]->expr, mark);
		for (size_t i = 0; i < t->uniques.n; i++) {
			const Index *ix = t->uniques.items[i];
			if (strcmp(ix->name, con) != 0)
				continue;
			bool expr = false;
			for (int k = 0; k < ix->ncols; k++) {
				int c = ix->cols[k] ? sd_col_index(t, ix->cols[k]) : -1;
				if (c >= 0)
					mark[c] = true;
				expr |= !ix->cols[k];
			}
			/* a partial index's WHERE or an expression may involve any
			 * column: every one may change (active = false leaves it) */
			if (ix->partial || expr)
				for (int c = 0; c < t->ncols; c++)
					mark[c] |= !t->cols[c]->generated;
		}
	}
	if (*dtype) /* a domain's check: every column of that domain */
		for (int c = 0; c < t->ncols; c++)
			if (t->cols[c]->type_name && strcmp(t->cols[c]->type_name, dtype) == 0)
				mark[c] = true;
	for (int c = 0; c < t->ncols; c++)
		n += mark[c];
	return n;
}

/* Reads the returned row: key first, then every live column. */
static Row *take_row(Seeder *s, TState *t, const PGresult *r)
{
	Row *row = arena_alloc(s->a, sizeof(*row));
	row->owner = -1;
	row->v = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*row->v));
	row->key = arena_strdup(s->a, PQgetvalue(r, 0, 0));
	for (int c = 0; c < t->ncols && c + 1 < PQnfields(r); c++)
		row->v[c] = PQgetisnull(r, 0, c + 1) ? NULL : arena_strdup(s->a, PQgetvalue(r, 0, c + 1));
	return row;
}

/* PGCASCADE_VERIFY_DEBUG: the row as the server returned it, one JSON
 * object by column name, for tests that insert it again themselves. */
static void debug_row(const TState *t, const Row *row)
{
	json_object *o = json_object_new_object();
	for (int c = 0; c < t->ncols; c++)
		json_object_object_add(o, t->cols[c]->name, row->v[c] ? json_object_new_string(row->v[c]) : NULL);
	StrBuf q = STRBUF_INIT;
	sb_add_qualified(&q, t->t->schema, t->t->name);
	fprintf(stderr, "verify-row: %s\t%s\n", q.buf, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	sb_release(&q);
	json_object_put(o);
}

/*
 * The row of t that a unique violation on constraint con collides with,
 * when every column of that index is fixed (an FK's, a forced value):
 * read back and returned (NULL when there is none, or on a database
 * error, then with s->err set).
 */
static Row *existing_row(Seeder *s, TState *t, const char *con, const ColPlan *plan, char **vals)
{
	const Index *ix = NULL;
	for (size_t i = 0; i < t->uniques.n && !ix; i++)
		if (strcmp(t->uniques.items[i]->name, con) == 0)
			ix = t->uniques.items[i];
	if (!ix || ix->partial || ix->ncols < 1 || ix->ncols > 32)
		return NULL;
	const char *params[32];
	StrBuf sql = STRBUF_INIT;
	sb_addf(&sql, "SELECT %s", t->keyexpr);
	for (int c = 0; c < t->ncols; c++) {
		sb_adds(&sql, ", ");
		sb_add_ident(&sql, t->cols[c]->name);
	}
	sb_adds(&sql, " FROM ");
	sb_add_qualified(&sql, t->t->schema, t->t->name);
	for (int k = 0; k < ix->ncols; k++) {
		int c = ix->cols[k] ? sd_col_index(t, ix->cols[k]) : -1;
		if (c < 0 || !plan[c].fixed || !vals[c]) {
			sb_release(&sql);
			return NULL;
		}
		params[k] = vals[c];
		sb_adds(&sql, k ? " AND " : " WHERE ");
		sb_add_ident(&sql, ix->cols[k]);
		sb_addf(&sql, "::text = $%d", k + 1);
	}
	sb_adds(&sql, " LIMIT 1");
	PGresult *r = PQexecParams(s->conn, sql.buf, ix->ncols, NULL, params, NULL, NULL, 0);
	sb_release(&sql);
	Row *row = NULL;
	if (PQresultStatus(r) == PGRES_TUPLES_OK) {
		if (PQntuples(r) == 1)
			row = take_row(s, t, r);
		/* one of ours already: not a second row */
		for (size_t i = 0; row && i < t->rows.n; i++)
			if (strcmp(t->rows.items[i]->key, row->key) == 0)
				row = NULL;
	} else {
		sd_db_fail(s, "reading the row a unique constraint points at", r);
	}
	PQclear(r);
	return row;
}

/*
 * The columns an edge, forced values and the row's other FKs decide
 * (plan and vals, zeroed here). other (by t->fks index): FKs to fill
 * from a fresh parent row. Returns an INS_* code.
 */
static int plan_row(Seeder *s, TState *t, const ForeignKey *edge, Row *parent, char **forced, int depth,
                    const bool *other, ColPlan *plan, char **vals)
{
	int nc = t->ncols;
	memset(plan, 0, (size_t)(nc + 1) * sizeof(*plan));
	memset(vals, 0, (size_t)(nc + 1) * sizeof(*vals));
	if (depth == 0)
		s->tied = 0;
	if (edge) {
		TState *p = sd_st_of(s, edge->ref);
		for (int k = 0; k < edge->ncols; k++) {
			int c = sd_col_index(t, edge->cols[k]);
			int pc = sd_col_index(p, edge->ref_cols[k]);
			if (c < 0 || pc < 0) {
				snprintf(s->reason, sizeof(s->reason), "the model lacks a column of %s", edge->name);
				return INS_FAIL;
			}
			if (!parent->v[pc]) {
				snprintf(s->reason, sizeof(s->reason), "the parent row has NULL in %s, referenced by %s",
				         edge->ref_cols[k], edge->name);
				return INS_FAIL;
			}
			plan[c].how = P_VALUE;
			plan[c].fixed = true;
			vals[c] = parent->v[pc];
		}
	}
	for (int c = 0; forced && c < nc; c++)
		if (forced[c] && !plan[c].fixed) {
			plan[c].how = P_VALUE;
			plan[c].fixed = true;
			vals[c] = forced[c];
		}
	/* other FKs: closure parents first, then the rest (helpers) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->fks.n; i++) {
			const ForeignKey *fk = t->fks.items[i];
			if (fk == edge)
				continue;
			TState *p = sd_st_of(s, fk->ref);
			if (!p || (pass == 0) != p->in_closure)
				continue;
			/* a boundary row's other parents are helpers, so that nothing
			 * but its SET NULL / SET DEFAULT edge ties it to the root */
			int r = fill_fk(s, t, fk, plan, vals, depth, edge != NULL && !(depth == 0 && s->boundary),
			                other[i]);
			if (r != INS_OK)
				return r;
		}

	if (s->fill_all && depth == 0 && s->tied == 0) {
		snprintf(s->reason, sizeof(s->reason), "no other foreign key of %s.%s ties the row to its owner",
		         t->t->schema, t->t->name);
		return INS_FAIL;
	}
	return INS_OK;
}

/*
 * Inserts one row into t. edge/parent: the closure edge this row
 * exercises and the parent row it points at (NULL for the root row and
 * helper rows). forced: values some columns must take (indexed like
 * t->cols; NULL entries are free), or NULL. On INS_OK *out is the row,
 * appended to t->rows.
 */
int sd_insert_row(Seeder *s, TState *t, const ForeignKey *edge, Row *parent,
                      char **forced, int depth, Row **out)
{
	sd_prepare(s, t);
	int nc = t->ncols;
	ColPlan *plan = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*plan));
	char **vals = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*vals));
	bool *mark = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*mark));
	int rowno = (int)t->rows.n;
	bool *other = arena_alloc(s->a, (t->fks.n + 1) * sizeof(*other));
	s->reason[0] = '\0';
	s->refused[0] = '\0';
	int pr = plan_row(s, t, edge, parent, forced, depth, other, plan, vals);
	if (pr != INS_OK)
		return pr;
	bool full = false;
	int trig_omit = 0;        /* the next column to leave out for a trigger */
	StrBuf sql = STRBUF_INIT;
	const char **params = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*params));
	const char **chosen = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*chosen));
	bool *incl = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*incl));
	bool *copy = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*copy));
	bool *isfixed = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*isfixed));
	int ret = INS_FAIL;
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		/* decide every free column */
		int np = 0;
		bool overriding = false;
		sb_reset(&sql);
		sb_adds(&sql, "INSERT INTO ");
		sb_add_qualified(&sql, t->t->schema, t->t->name);
		StrBuf cols = STRBUF_INIT, valsql = STRBUF_INIT;
		for (int c = 0; c < nc; c++) {
			Column *col = t->cols[c];
			const char *v = NULL;
			bool include = false;
			incl[c] = false;
			if (plan[c].fixed) {
				include = plan[c].how == P_VALUE || plan[c].how == P_NULL;
				v = plan[c].how == P_VALUE ? vals[c] : NULL;
				if (col->identity == 'a' && plan[c].how == P_VALUE)
					overriding = true;
			} else if (col->generated || plan[c].omit) {
				include = false;
			} else if (sd_seq_fed(col)) {
				/* an explicit value: a sequence advanced by a rolled-back
				 * transaction stays advanced (live mode changes nothing) */
				v = sd_candidate(s, t, c, plan[c].variant, rowno);
				include = true;
				if (col->identity == 'a')
					overriding = true;
			} else if (col->default_expr && !plan[c].force_gen &&
			           !(t->hints[c].must_fill && t->hints[c].vals.n)) {
				/* the default, unless a referencing table's checks want a value */
				include = false;
			} else if (!col->not_null && !full && !t->hints[c].must_fill && !plan[c].force_gen &&
			           !(col->typtype == 'd')) {
				include = false;
			} else {
				v = sd_candidate(s, t, c, plan[c].variant, rowno);
				include = v != NULL || col->not_null;
				if (!v && col->not_null)
					v = sd_candidate(s, t, c, 0, rowno);
			}
			if (col->generated && plan[c].fixed)
				include = false;
			incl[c] = include;
			chosen[c] = v;
		}
		/* a check's col = other_col: the first try copies the other's value
		 * (a fixed one, or the earlier column's of two free ones) */
		for (int c = 0; c < nc; c++) {
			copy[c] = incl[c] && !plan[c].fixed && !plan[c].variant;
			isfixed[c] = plan[c].fixed;
			if (!incl[c])
				chosen[c] = NULL;
		}
		sd_copy_equal(t, copy, isfixed, chosen);
		for (int c = 0; c < nc; c++) {
			Column *col = t->cols[c];
			const char *v = chosen[c];
			if (!incl[c])
				continue;
			if (cols.len)
				sb_adds(&cols, ", ");
			sb_add_ident(&cols, col->name);
			if (valsql.len)
				sb_adds(&valsql, ", ");
			if (v || plan[c].how != P_NULL) {
				params[np++] = v;
				sb_addf(&valsql, "$%d", np);
			} else {
				sb_adds(&valsql, "NULL");
			}
		}
		if (cols.len) {
			sb_addf(&sql, " (%s)%s VALUES (%s)", cols.buf,
			        overriding ? " OVERRIDING SYSTEM VALUE" : "", valsql.buf);
		} else {
			sb_adds(&sql, " DEFAULT VALUES");
		}
		sb_release(&cols);
		sb_release(&valsql);
		sb_addf(&sql, " RETURNING %s", t->keyexpr);
		for (int c = 0; c < nc; c++) {
			sb_adds(&sql, ", ");
			sb_add_ident(&sql, t->cols[c]->name);
		}

		if (sd_run(s, "SAVEPOINT pgcascade_seed") < 0) {
			ret = INS_DBERR;
			goto out;
		}
		PGresult *r = PQexecParams(s->conn, sql.buf, np, NULL, params, NULL, NULL, 0);
		if (getenv("PGCASCADE_VERIFY_DEBUG")) { /* every insert, its values and its outcome */
			fprintf(stderr, "verify: %s", sql.buf);
			for (int i = 0; i < np; i++)
				fprintf(stderr, "%s$%d=%s", i ? ", " : " -- ", i + 1, params[i] ? params[i] : "NULL");
			fprintf(stderr, " => %s", PQresultStatus(r) == PGRES_TUPLES_OK ? "ok\n" : PQresultErrorMessage(r));
		}
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			Row *row = take_row(s, t, r);
			PQclear(r);
			if (getenv("PGCASCADE_VERIFY_DEBUG"))
				debug_row(t, row);
			if (sd_run(s, "RELEASE SAVEPOINT pgcascade_seed") < 0) {
				ret = INS_DBERR;
				goto out;
			}
			VEC_PUSH(s->a, t->rows, row);
			*out = row;
			ret = INS_OK;
			goto out;
		}
		if (sd_conn_failed(s, r)) {
			sd_db_fail(s, "seeding failed", r);
			PQclear(r);
			ret = INS_DBERR;
			goto out;
		}
		const char *state = sd_field(r, PG_DIAG_SQLSTATE);
		char st[6];
		snprintf(st, sizeof(st), "%s", state);
		snprintf(s->reason, sizeof(s->reason), "%s (SQLSTATE %s)", sd_field(r, PG_DIAG_MESSAGE_PRIMARY), st);
		memset(mark, 0, (size_t)nc * sizeof(*mark));
		int nblamed = blame(s, t, r, mark);
		const char *conname = arena_strdup(s->a, sd_field(r, PG_DIAG_CONSTRAINT_NAME));
		const char *ctx = arena_strdup(s->a, sd_field(r, PG_DIAG_CONTEXT));
		PQclear(r);
		if (strcmp(st, "40001") == 0) {
			s->retry = true;
			ret = INS_DBERR;
			goto out;
		}
		if (strncmp(st, "25", 2) == 0 || strcmp(st, "42501") == 0 || strcmp(st, "57014") == 0 ||
		    strcmp(st, "55P03") == 0) {
			/* read-only transaction, no privilege, statement or lock
			 * timeout: no other value helps; a database error */
			err_set(s->err, PGC_EXIT_DB, "cannot seed %s.%s: %s (%s)", t->t->schema, t->t->name, s->reason,
			        strcmp(st, "55P03") == 0 ? "another session holds a lock on it: retry later, or raise "
			                                   "--lock-timeout; nothing was changed"
			        : strcmp(st, "57014") == 0 ? "the statement timed out; nothing was changed"
			        : "verify needs INSERT and DELETE on the closure tables; in live mode it rolls "
			          "everything back");
			ret = INS_DBERR;
			goto out;
		}
		if (sd_run(s, "ROLLBACK TO SAVEPOINT pgcascade_seed; RELEASE SAVEPOINT pgcascade_seed") < 0) {
			ret = INS_DBERR;
			goto out;
		}
		/* the error came from a trigger's function: say which */
		const char *trig = *ctx ? sd_trigger_of(s, ctx) : NULL;
		if (trig)
			snprintf(s->reason + strlen(s->reason), sizeof(s->reason) - strlen(s->reason), " in %s", trig);
		snprintf(s->refused, sizeof(s->refused), "%s", trig ? trig : conname);
		if (strcmp(st, "23503") == 0 || strncmp(st, "42", 2) == 0)
			break; /* a missing parent or no privilege: another value will not help */
		bool changed = false;
		bool omitted_blamed = false;
		for (int c = 0; c < nc; c++)
			omitted_blamed |= plan[c].omit && mark[c];
		if (trig_omit <= nc && ((trig && strncmp(st, "23", 2) != 0) || omitted_blamed)) {
			/* a trigger refused the row: leave out, one at a time, the
			 * free columns we filled (it may fill them from others) */
			for (int c = 0; c < nc; c++)
				plan[c].omit = false;
			while (trig_omit < nc && (plan[trig_omit].fixed || !incl[trig_omit] ||
			                          t->cols[trig_omit]->generated))
				trig_omit++;
			if (trig_omit < nc) {
				plan[trig_omit].omit = true;
				trig_omit++;
				continue;
			}
			trig_omit = nc + 1;
		}
		if (!full && (strcmp(st, "23514") == 0 || strncmp(st, "P0", 2) == 0 || nblamed == 0)) {
			/* maybe a nullable column must be filled */
			bool omitted = false;
			for (int c = 0; c < nc; c++)
				omitted |= !plan[c].fixed && !t->cols[c]->not_null && !t->cols[c]->generated &&
				           !t->cols[c]->identity && !t->cols[c]->default_expr;
			if (omitted) {
				full = true;
				if (nblamed == 0 || strcmp(st, "23514") != 0)
					continue;
				changed = true;
			}
		}
		/* move the blamed free columns (all free ones if none) to their next candidate */
		bool fixed_blamed = false;
		for (int c = 0; c < nc; c++) {
			if (nblamed && !mark[c])
				continue;
			if (plan[c].fixed) {
				fixed_blamed |= mark[c];
				continue;
			}
			if (t->cols[c]->generated)
				continue;
			if (strcmp(st, "23505") == 0 || strcmp(st, "23502") == 0) {
				if (!plan[c].force_gen && t->cols[c]->default_expr) {
					plan[c].force_gen = true;
					changed = true;
					continue;
				}
			}
			if (strcmp(st, "23502") == 0 && !t->cols[c]->not_null) {
				plan[c].force_gen = true;
				changed = true;
				continue;
			}
			plan[c].variant++;
			changed = true;
			if (nblamed > 1 && strcmp(st, "23505") != 0)
				break; /* vary one column at a time: an odometer */
		}
		if (!changed && fixed_blamed && strcmp(st, "23505") == 0) {
			/* the foreign key's own columns are unique and a row with them
			 * exists already (a trigger on the parent made it): use it */
			Row *have = existing_row(s, t, conname, plan, vals);
			if (have) {
				VEC_PUSH(s->a, t->rows, have);
				*out = have;
				ret = INS_OK;
				goto out;
			}
			if (s->err->code) {
				ret = INS_DBERR;
				goto out;
			}
		}
		if (!changed && fixed_blamed && (strcmp(st, "23514") == 0 || strcmp(st, "23505") == 0)) {
			/* a check on foreign-key columns (CHECK (user_id <> contact_id)),
			 * or a unique index over them that another path's row holds
			 * already: point one of the row's other FKs at a fresh parent row */
			for (size_t i = 0; i < t->fks.n && !changed; i++) {
				const ForeignKey *fk = t->fks.items[i];
				bool hit = false;
				for (int k = 0; k < fk->ncols; k++) {
					int c = sd_col_index(t, fk->cols[k]);
					hit |= c >= 0 && mark[c] && !(forced && forced[c]);
				}
				if (fk == edge || other[i] || !hit)
					continue;
				other[i] = true;
				int pr2 = plan_row(s, t, edge, parent, forced, depth, other, plan, vals);
				if (pr2 != INS_OK) {
					ret = pr2;
					goto out;
				}
				changed = true;
			}
		}
		if (!changed) {
			if (fixed_blamed)
				snprintf(s->reason + strlen(s->reason), sizeof(s->reason) - strlen(s->reason),
				         "; the constraint involves foreign-key columns, which must point at the seeded parent");
			break;
		}
	}
out:
	sb_release(&sql);
	return ret;
}

/* ---------- seeding the closure ---------- */

/*
 * CPU time so far, in ms, of this process and of the server backend
 * behind conn (from /proc when the server runs on this machine, as the
 * embedded one does; -1 when it cannot be read). For --timings.
 */
static double cpu_ms(PGconn *conn)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	double ms = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 +
	            ru.ru_stime.tv_usec / 1e3;
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", PQbackendPID(conn));
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	/* after the name: state, then fields 4..13, then utime (14), stime (15) */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return ms + (double)(ut + st) * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

typedef struct Task {
	TState *t;
	const ForeignKey *edge;
	bool done;
	char *reason;
	char *refused;            /* the constraint or trigger behind reason, or NULL */
	char *waited;             /* why its row kept waiting, when it did */
	bool boundary;            /* a SET NULL / SET DEFAULT edge out of the closure: its
	                             row stays, but the delete must be able to update it */
} Task;

static void add_unseeded(Seeder *s, SeedResult *out, TState *t, const ForeignKey *fk, const char *why,
                         const char *refused)
{
	Unseeded u = {t->t->schema, t->t->name, fk ? fk->name : NULL, arena_strdup(s->a, why),
	              refused && *refused ? arena_strdup(s->a, refused) : NULL};
	VEC_PUSH(s->a, out->unseeded, u);
}

/* Does some linked row of t point, through fk, at a linked row of its parent? */
static bool edge_covered(Seeder *s, TState *t, const ForeignKey *fk)
{
	TState *p = sd_st_of(s, fk->ref);
	for (size_t i = 0; i < t->rows.n; i++) {
		Row *row = t->rows.items[i];
		if (!row->linked || row->owner != 0)
			continue;
		for (size_t j = 0; j < p->rows.n; j++) {
			Row *pr = p->rows.items[j];
			if (!pr->linked || pr->owner != 0)
				continue;
			bool eq = true;
			for (int k = 0; eq && k < fk->ncols; k++) {
				int c = sd_col_index(t, fk->cols[k]), pc = sd_col_index(p, fk->ref_cols[k]);
				eq = c >= 0 && pc >= 0 && row->v[c] && pr->v[pc] && strcmp(row->v[c], pr->v[pc]) == 0;
			}
			if (eq)
				return true;
		}
	}
	return false;
}

static int cmp_tables(const void *x, const void *y)
{
	const SeedTable *a = x, *b = y;
	unsigned da = (unsigned)a->depth, db = (unsigned)b->depth; /* -1 (owner column) last */
	if (da != db)
		return da < db ? -1 : 1;
	int c = strcmp(a->schema, b->schema);
	return c ? c : strcmp(a->table, b->table);
}

void sd_init(Seeder *s, PGconn *conn, Model *m, const SeedOptions *opt, Err *err)
{
	memset(s, 0, sizeof(*s));
	s->conn = conn;
	s->m = m;
	s->a = m->arena;
	s->opt = opt;
	s->err = err;
	s->serial = 1;
	s->nts = m->tables.n;
	s->ts = arena_alloc(s->a, (s->nts + 1) * sizeof(*s->ts));
	for (size_t i = 0; i < m->tables.n; i++) {
		Table *t = m->tables.items[i];
		if ((size_t)t->id < s->nts)
			s->ts[t->id].t = t;
	}
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->table || !fk->ref)
			continue;
		TState *t = sd_st_of(s, fk->table);
		if (t)
			VEC_PUSH(s->a, t->fks, fk);
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		const Index *ix = m->indexes.items[i];
		TState *t = ix->table ? sd_st_of(s, ix->table) : NULL;
		if (t && !ix->dropped && ix->unique)
			VEC_PUSH(s->a, t->uniques, ix);
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		const Check *ck = m->checks.items[i];
		TState *t = ck->table ? sd_st_of(s, ck->table) : NULL;
		if (t && !ck->dropped && ck->expr)
			VEC_PUSH(s->a, t->checks, ck);
	}
	/* a column some FK references must never be NULL in our rows */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		TState *p = fk->dropped || !fk->ref ? NULL : sd_st_of(s, fk->ref);
		if (!p)
			continue;
		sd_prepare(s, p);
		for (int k = 0; k < fk->nref_cols; k++) {
			int c = sd_col_index(p, fk->ref_cols[k]);
			if (c >= 0)
				p->hints[c].must_fill = true;
		}
	}
	/* a child's FK column takes its value from the parent, so what the
	 * child's checks want becomes a (later) candidate for the parent's
	 * referenced column, e.g. CHECK (user_id > 1) */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		TState *p = fk->dropped || !fk->ref ? NULL : sd_st_of(s, fk->ref);
		TState *c = fk->table ? sd_st_of(s, fk->table) : NULL;
		if (!p || !c || p == c)
			continue;
		sd_prepare(s, c);
		for (int k = 0; k < fk->ncols && k < fk->nref_cols; k++) {
			int cc = sd_col_index(c, fk->cols[k]), pc = sd_col_index(p, fk->ref_cols[k]);
			if (cc < 0 || pc < 0)
				continue;
			Hints *ch = &c->hints[cc], *ph = &p->hints[pc];
			/* bounds combine (the tightest wins); listed values add up */
			if (ch->has_lo && (!ph->has_lo || ch->lo > ph->lo || (ch->lo == ph->lo && ch->lo_strict))) {
				ph->has_lo = true;
				ph->lo = ch->lo;
				ph->lo_strict = ch->lo_strict;
			}
			if (ch->has_hi && (!ph->has_hi || ch->hi < ph->hi || (ch->hi == ph->hi && ch->hi_strict))) {
				ph->has_hi = true;
				ph->hi = ch->hi;
				ph->hi_strict = ch->hi_strict;
			}
			sd_finish_bounds(s->a, ph);
			for (size_t h = ch->bound_pushed ? 1 : 0; h < ch->vals.n; h++)
				sd_add_hint(s->a, ph, ch->vals.items[h]);
		}
	}
}

/* The first row of p that reaches owner's root (not a cross row), or NULL. */
static Row *owner_first(TState *p, int owner)
{
	for (size_t j = 0; p && j < p->rows.n; j++) {
		Row *r = p->rows.items[j];
		if (r->linked && r->owner == owner && !r->cross)
			return r;
	}
	return NULL;
}

/*
 * Runs the tasks for s->owner until none makes progress. need (by
 * Table.id, or NULL for all) restricts them to some tables. Returns 0
 * or INS_DBERR.
 */
static int run_tasks(Seeder *s, Task *tasks, size_t n, const unsigned char *need)
{
	bool progress = true;
	while (progress) {
		progress = false;
		for (size_t i = 0; i < n; i++) {
			Task *tk = &tasks[i];
			if (tk->done || (need && !need[tk->t->t->id]))
				continue;
			TState *p = sd_st_of(s, tk->edge->ref);
			Row *pr = owner_first(p, s->owner);
			if (!pr)
				continue;
			Row *row = NULL;
			s->boundary = tk->boundary;
			int r = sd_insert_row(s, tk->t, tk->edge, pr, NULL, 0, &row);
			s->boundary = false;
			if (r == INS_DBERR)
				return INS_DBERR;
			if (r == INS_WAIT) {
				if (*s->reason)
					tk->waited = arena_strdup(s->a, s->reason);
				continue;
			}
			tk->done = true;
			progress = true;
			if (r == INS_OK) {
				row->linked = !tk->boundary;
				row->owner = tk->boundary ? -1 : s->owner;
				row->boundary = tk->boundary;
				row->edge = tk->edge;
				row->parent = pr;
			} else {
				tk->reason = arena_strdup(s->a, s->reason);
				tk->refused = arena_strdup(s->a, s->refused);
			}
		}
	}
	return 0;
}

/* Does some other closure edge of t than e lead to a row of owner? */
static bool tied_elsewhere(Seeder *s, const ClosureEntry *ce, const ForeignKey *e, int owner)
{
	for (int k = 0; ce && k < ce->nvia; k++)
		if (ce->via[k] != e && owner_first(sd_st_of(s, ce->via[k]->ref), owner))
			return true;
	return false;
}

/*
 * A row of owner o in t that points through e at the other owner's row
 * of e's parent, its other closure FKs at o's rows. Returns 0 or
 * INS_DBERR; a row the constraints refuse is counted as skipped.
 */
static int cross_row(Seeder *s, TState *t, const ClosureEntry *ce, const ForeignKey *e, int o,
                     SeedResult *out)
{
	Row *pr = owner_first(sd_st_of(s, e->ref), 1 - o);
	if (!pr || !tied_elsewhere(s, ce, e, o)) {
		out->cross_skipped++;
		return 0;
	}
	s->owner = o;
	s->fill_all = true;
	s->tied = 0;
	Row *row = NULL;
	int r = sd_insert_row(s, t, e, pr, NULL, 0, &row);
	s->fill_all = false;
	s->owner = 0;
	if (r == INS_DBERR)
		return INS_DBERR;
	if (r != INS_OK) {
		out->cross_skipped++;
		return 0;
	}
	/* a row that points through e straight at a root row is that
	 * root's owner's (A's comment on B's note, by its author_id) */
	row->linked = true;
	row->boundary = e->on_delete == FK_SET_NULL || e->on_delete == FK_SET_DEFAULT;
	row->owner = pr->edge == NULL && !row->boundary ? pr->owner : o; /* pr is a root row */
	row->cross = true;
	row->edge = e;
	row->parent = pr;
	out->cross_rows++;
	return 0;
}

/*
 * The owner columns without a foreign key (user-column-no-fk): a row of
 * owner o with the owner's key in the column. Returns 0 or INS_DBERR.
 */
static int owner_col_row(Seeder *s, TState *t, const char *col, Row *ownerrow, int keycol, int o)
{
	sd_prepare(s, t);
	int c = sd_col_index(t, col);
	if (c < 0 || keycol < 0 || !ownerrow->v[keycol])
		return 0;
	char **forced = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*forced));
	forced[c] = ownerrow->v[keycol];
	s->owner = o;
	Row *row = NULL;
	int r = sd_insert_row(s, t, NULL, NULL, forced, 0, &row);
	s->owner = 0;
	if (r == INS_DBERR)
		return INS_DBERR;
	if (r == INS_OK) {
		row->owner = o;
		row->by_owner_col = true;
	}
	return 0;
}

int sd_seed_closure(Seeder *s, const Analysis *an, Root *root, SeedResult *out, Row **rootrow_out)
{
	Model *m = s->m;
	const SeedOptions *opt = s->opt;
	TState *rt = sd_st_of(s, root->t);
	rt->in_closure = true;
	rt->depth = 0;
	PGC_VEC(Task) tasks = {0};
	const ClosureEntry **entry = arena_alloc(s->a, (s->nts + 1) * sizeof(*entry));
	for (size_t i = 0; i < an->closure.n; i++) {
		const ClosureEntry *e = an->closure.items[i];
		if (e->root != root)
			continue;
		TState *t = sd_st_of(s, e->table);
		if (!t)
			continue;
		entry[t->t->id] = e;
		if (t != rt) {
			t->in_closure = true;
			t->depth = e->depth;
		}
		for (int k = 0; k < e->nvia; k++) {
			Task tk = {.t = t, .edge = e->via[k]};
			VEC_PUSH(s->a, tasks, tk);
		}
	}
	size_t ntree = tasks.n;
	/* SET NULL / SET DEFAULT edges into the closure: the delete updates
	 * those rows, which fails on a NOT NULL column or a default that
	 * references nothing. One row each exercises that. */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->table || !fk->ref ||
		    (fk->on_delete != FK_SET_NULL && fk->on_delete != FK_SET_DEFAULT))
			continue;
		TState *p = sd_st_of(s, fk->ref), *t = sd_st_of(s, fk->table);
		if (p && t && p->in_closure) {
			Task tk = {.t = t, .edge = fk, .boundary = true};
			VEC_PUSH(s->a, tasks, tk);
		}
	}
	/* Owner B needs rows only where a cross row points or is tied:
	 * the parents of every edge into a table reached more than one way
	 * (and of every SET NULL edge), and their ancestors. */
	unsigned char *need = arena_alloc(s->a, s->nts + 1);
	need[rt->t->id] = 1;
	for (size_t i = 0; i < tasks.n; i++) {
		const Task *tk = &tasks.items[i];
		const ClosureEntry *ce = entry[tk->t->t->id];
		if (!ce || (i < ntree && ce->nvia < 2))
			continue;
		for (int k = 0; k < ce->nvia; k++)
			need[ce->via[k]->ref->id] = 1;
		need[tk->edge->ref->id] = 1;
	}
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < ntree; i++) {
			const Task *tk = &tasks.items[i];
			if (need[tk->t->t->id] && !need[tk->edge->ref->id])
				need[tk->edge->ref->id] = grew = 1;
		}
	}
	double t0 = sd_now_ms(), c0 = cpu_ms(s->conn);
	/* bench/verify.sh's baseline: the proof with one owner, as before issue 9 */
	bool one_owner = getenv("PGCASCADE_VERIFY_ONE_OWNER") != NULL;
	int ntables = 1;
	for (size_t i = 0; i < an->closure.n; i++)
		ntables += an->closure.items[i]->root == root && an->closure.items[i]->table != root->t;
	if (opt->progress)
		opt->progress("seeding", ntables);
	if (!opt->crdb && sd_run(s, "SET CONSTRAINTS ALL IMMEDIATE") < 0)
		return s->retry ? 1 : -1;

	/* owner A: the root row, then the tasks until no progress */
	Row *rootrow = NULL;
	*rootrow_out = NULL;
	out->owners = 1;
	s->owner = 0;
	int r = sd_insert_row(s, rt, NULL, NULL, NULL, 0, &rootrow);
	if (r == INS_DBERR)
		return s->retry ? 1 : -1;
	if (r != INS_OK) {
		add_unseeded(s, out, rt, NULL, *s->reason ? s->reason : "could not insert the root row", s->refused);
	} else {
		rootrow->linked = true;
		rootrow->owner = 0;
		if (run_tasks(s, tasks.items, tasks.n, NULL) == INS_DBERR)
			return s->retry ? 1 : -1;
		for (size_t i = 0; i < tasks.n; i++) {
			Task *tk = &tasks.items[i];
			if ((tk->done && !tk->reason) || tk->boundary)
				continue;
			if (edge_covered(s, tk->t, tk->edge))
				continue; /* another row already reaches the root through this edge */
			const char *why = tk->reason;
			char buf[512];
			if (!why) {
				/* the parent got a row (the root always does) when its row
				 * kept waiting for another parent: say which */
				TState *p = sd_st_of(s, tk->edge->ref);
				bool parent_seeded = false;
				for (size_t j = 0; p && j < p->rows.n; j++)
					parent_seeded |= p->rows.items[j]->linked;
				if (parent_seeded)
					snprintf(buf, sizeof(buf), "its row could not be inserted: %s",
					         tk->waited ? tk->waited : "another parent row never reached the root");
				else
					snprintf(buf, sizeof(buf), "%s.%s never got a seeded row to point at",
					         tk->edge->ref->schema, tk->edge->ref->name);
				why = buf;
			}
			add_unseeded(s, out, tk->t, tk->edge, why, tk->reason ? tk->refused : NULL);
		}
		/* owner B: a second root row (a key that cannot hold two
		 * values leaves the proof with one owner, said so) */
		Row *brow = NULL;
		s->owner = 1;
		r = one_owner ? INS_FAIL : sd_insert_row(s, rt, NULL, NULL, NULL, 0, &brow);
		if (r == INS_DBERR)
			return s->retry ? 1 : -1;
		if (one_owner) {
			out->one_owner_reason = "PGCASCADE_VERIFY_ONE_OWNER is set (benchmark baseline)";
		} else if (r != INS_OK) {
			out->one_owner_reason = arena_printf(s->a, "a second %s row could not be inserted: %s",
			                                     root->table, *s->reason ? s->reason : "no value fits");
		} else {
			out->owners = 2;
			brow->linked = true;
			brow->owner = 1;
			for (size_t i = 0; i < ntree; i++) {
				tasks.items[i].done = false;
				tasks.items[i].reason = NULL;
				tasks.items[i].refused = NULL;
				tasks.items[i].waited = NULL;
			}
			if (run_tasks(s, tasks.items, ntree, need) == INS_DBERR)
				return s->retry ? 1 : -1;
			s->owner = 0;
			/* cross rows, both ways, through every edge into a table
			 * reached more than one way and every SET NULL edge */
			for (size_t i = 0; i < tasks.n; i++) {
				const Task *tk = &tasks.items[i];
				const ClosureEntry *ce = entry[tk->t->t->id];
				if (!ce || (i < ntree && ce->nvia < 2))
					continue;
				/* with two closure edges, A's row that points at B's
				 * data through one is B's row that points at A's
				 * through the other: seeded once */
				for (int o = 1; o >= 0; o--)
					if ((o == 1 || i >= ntree || ce->nvia > 2) &&
					    cross_row(s, tk->t, ce, tk->edge, o, out) == INS_DBERR)
						return s->retry ? 1 : -1;
			}
		}
		s->owner = 0;
		/* owner columns without a foreign key: each owner's key */
		int keycol = root->ncols == 1 ? sd_col_index(rt, root->cols[0]) : -1;
		for (size_t i = 0; i < an->findings.n && !one_owner; i++) {
			const Finding *f = an->findings.items[i];
			if (strcmp(f->rule, "user-column-no-fk") != 0 || !f->column || !f->root_table ||
			    strcmp(f->root_table, root->t->name) != 0 ||
			    (f->root_schema && strcmp(f->root_schema, root->t->schema) != 0))
				continue;
			Table *tb = model_find_table(m, f->schema, f->table);
			TState *t = tb ? sd_st_of(s, tb) : NULL;
			if (!t)
				continue;
			t->owner_column = f->column;
			if (owner_col_row(s, t, f->column, rootrow, keycol, 0) == INS_DBERR ||
			    (brow && owner_col_row(s, t, f->column, brow, keycol, 1) == INS_DBERR))
				return s->retry ? 1 : -1;
		}
	}
	out->helper_rows = s->helper_rows;
	out->helper_rows_closure = s->helper_rows_closure;
	out->helper_rows_root = s->helper_rows_root;
	out->seed_ms = sd_now_ms() - t0;
	double c1 = c0 < 0 ? -1 : cpu_ms(s->conn);
	out->seed_cpu_ms = c1 < 0 ? -1 : c1 - c0;

	/* the tables of the closure, root first, then those tied by an owner column */
	for (size_t i = 0; i < s->nts; i++) {
		TState *t = &s->ts[i];
		if (!t->t || (!t->in_closure && !t->owner_column))
			continue;
		SeedTable st = {t->t->schema, t->t->name, t->in_closure ? t->depth : -1, 0, -1, 0, 0,
		                t->owner_column, opt->policy && policy_retained(opt->policy, t->t)};
		for (size_t j = 0; j < t->rows.n; j++) {
			const Row *row = t->rows.items[j];
			if (row->owner == 0 && (row->linked || row->by_owner_col))
				st.seeded++;
			else if (row->owner == 1 || row->boundary)
				st.other_seeded++;
		}
		VEC_PUSH(s->a, out->tables, st);
	}
	qsort(out->tables.items, out->tables.n, sizeof(*out->tables.items), cmp_tables);
	*rootrow_out = rootrow;
	return 0;
}
