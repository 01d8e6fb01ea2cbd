/*
 * prove.c - the proof: seed root's closure (seed.c), delete the root
 * row, count what is left of the seeded rows, and look for NO ACTION /
 * RESTRICT edges left inside the closure; the verdict. See seed.h.
 */
#include "verify/seed_int.h"
#include "exitcodes.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Path of constraint names from the root to fk (shortest, through via edges). */
static void path_to(Seeder *s, const Analysis *an, Root *root, const ForeignKey *fk, SeedResult *out)
{
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (f->fk == fk && f->npath > 0 &&
		    (!f->root_table || strcmp(f->root_table, root->t->name) == 0)) {
			out->path = f->path;
			out->npath = f->npath;
			return;
		}
	}
	/* walk up through the closure (bounded: at most one step per table) */
	const char *rev[256];
	int n = 0;
	const ForeignKey *cur = fk;
	while (cur && n < 256) {
		rev[n++] = cur->name;
		if (cur->ref == root->t)
			break;
		const ForeignKey *next = NULL;
		for (size_t i = 0; i < an->closure.n && !next; i++) {
			const ClosureEntry *e = an->closure.items[i];
			if (e->root != root || e->table != cur->ref)
				continue;
			for (int k = 0; k < e->nvia && !next; k++) {
				const ForeignKey *v = e->via[k];
				const TState *pt = sd_st_of(s, v->ref);
				if (v->ref == root->t || (pt && pt->depth < e->depth))
					next = v;
			}
		}
		cur = next;
	}
	out->path = arena_alloc(s->a, (size_t)(n + 1) * sizeof(*out->path));
	for (int i = 0; i < n; i++)
		out->path[i] = rev[n - 1 - i];
	out->npath = n;
}


/* Owner A's rows: those the delete must remove. */
static bool row_is_a(const Row *r)
{
	return r->owner == 0 && (r->linked || r->by_owner_col);
}

/* Rows the delete must leave (or remove only through a cascade). */
static bool row_is_other(const Row *r)
{
	return r->owner == 1 || r->boundary;
}

/* Sets Row.present for t's tracked rows (one query). Returns 0, 1 (retry) or -1. */
static int mark_present(Seeder *s, TState *t)
{
	StrBuf arr = STRBUF_INIT;
	sb_addch(&arr, '{');
	int nk = 0;
	for (size_t j = 0; j < t->rows.n; j++) {
		const Row *row = t->rows.items[j];
		if (!row_is_a(row) && !row_is_other(row))
			continue;
		if (nk++)
			sb_addch(&arr, ',');
		sd_array_elem(&arr, row->key);
	}
	sb_addch(&arr, '}');
	if (!nk) {
		sb_release(&arr);
		return 0;
	}
	StrBuf q = STRBUF_INIT;
	sb_addf(&q, "SELECT %s FROM ", t->keyexpr);
	sb_add_qualified(&q, t->t->schema, t->t->name);
	sb_addf(&q, " WHERE %s = ANY($1::text[])", t->keyexpr);
	const char *p1[1] = {arr.buf};
	PGresult *res = PQexecParams(s->conn, q.buf, 1, NULL, p1, NULL, NULL, 0);
	sb_release(&q);
	sb_release(&arr);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		sd_db_fail(s, "counting the rows left failed", res);
		bool retry = strcmp(sd_field(res, PG_DIAG_SQLSTATE), "40001") == 0;
		PQclear(res);
		return retry ? 1 : -1;
	}
	for (size_t j = 0; j < t->rows.n; j++) {
		Row *row = t->rows.items[j];
		row->present = false;
		for (int k = 0; k < PQntuples(res) && !row->present; k++)
			row->present = strcmp(PQgetvalue(res, k, 0), row->key) == 0;
		/* a SET NULL / SET DEFAULT row of a table without a primary key
		 * moved to another ctid when the delete updated it: it cannot be
		 * found again, so checks (c) and (d) skip it */
		row->unknown = !row->present && row->boundary && t->ctid_key;
		if (row->unknown)
			row->present = true;
	}
	PQclear(res);
	return 0;
}

/* Does row of t point through fk at a row gone with an explanation? */
static bool cascaded(Seeder *s, TState *t, const Row *row, const ForeignKey *fk)
{
	TState *p = sd_st_of(s, fk->ref);
	for (size_t j = 0; p && j < p->rows.n; j++) {
		const Row *pr = p->rows.items[j];
		if (pr->present || !pr->explained)
			continue;
		bool eq = true;
		for (int k = 0; eq && k < fk->ncols && k < fk->nref_cols; k++) {
			int c = sd_col_index(t, fk->cols[k]), pc = sd_col_index(p, fk->ref_cols[k]);
			eq = c >= 0 && pc >= 0 && row->v[c] && pr->v[pc] && strcmp(row->v[c], pr->v[pc]) == 0;
		}
		if (eq)
			return true;
	}
	return false;
}

/*
 * Check (c): every tracked row that is gone is owner A's, or points
 * through an ON DELETE CASCADE edge at a row gone that way (a fixed
 * point over the rows in memory). Check (d): a row seeded through a SET
 * NULL edge at a row that is gone is still there with those columns
 * NULL. Failures go to out->problems.
 */
static int explain(Seeder *s, SeedResult *out)
{
	for (size_t i = 0; i < s->nts; i++)
		for (size_t j = 0; s->ts[i].t && j < s->ts[i].rows.n; j++) {
			Row *row = s->ts[i].rows.items[j];
			row->explained = !row->present && row_is_a(row);
		}
	for (bool grew = true; grew;) {
		grew = false;
		for (size_t i = 0; i < s->nts; i++) {
			TState *t = &s->ts[i];
			for (size_t j = 0; t->t && j < t->rows.n; j++) {
				Row *row = t->rows.items[j];
				if (row->present || row->explained || !row_is_other(row))
					continue;
				for (size_t f = 0; f < t->fks.n && !row->explained; f++)
					if (t->fks.items[f]->on_delete == FK_CASCADE && cascaded(s, t, row, t->fks.items[f]))
						row->explained = grew = true;
			}
		}
	}
	for (size_t i = 0; i < s->nts; i++) {
		TState *t = &s->ts[i];
		for (size_t j = 0; t->t && j < t->rows.n; j++) {
			Row *row = t->rows.items[j];
			if (!row_is_other(row))
				continue;
			if (!row->present && !row->explained) {
				ProofProblem pp = {'c', t->t->schema, t->t->name, row->edge ? row->edge->name : NULL,
				                   arena_printf(s->a, "%s row %s was removed, but no ON DELETE CASCADE "
				                                "path from the deleted rows explains it",
				                                row->owner == 1 ? "another owner's" : "a",
				                                row->key)};
				VEC_PUSH(s->a, out->problems, pp);
				continue;
			}
			if (!row->present || row->unknown || !row->boundary || !row->edge || !row->parent || row->parent->present ||
			    row->edge->on_delete != FK_SET_NULL)
				continue;
			/* (d): the SET NULL columns are NULL now */
			const ForeignKey *e = row->edge;
			StrBuf q = STRBUF_INIT;
			sb_adds(&q, "SELECT count(*) FROM ");
			sb_add_qualified(&q, t->t->schema, t->t->name);
			sb_addf(&q, " WHERE %s = $1", t->keyexpr);
			const char **cols = e->nset_cols ? e->set_cols : e->cols;
			int ncols = e->nset_cols ? e->nset_cols : e->ncols;
			for (int k = 0; k < ncols; k++) {
				sb_adds(&q, " AND ");
				sb_add_ident(&q, cols[k]);
				sb_adds(&q, " IS NULL");
			}
			const char *p1[1] = {row->key};
			PGresult *res = PQexecParams(s->conn, q.buf, 1, NULL, p1, NULL, NULL, 0);
			sb_release(&q);
			if (PQresultStatus(res) != PGRES_TUPLES_OK) {
				/* not a verdict on the schema: a database error */
				sd_db_fail(s, "checking a SET NULL row failed", res);
				bool retry = strcmp(sd_field(res, PG_DIAG_SQLSTATE), "40001") == 0;
				PQclear(res);
				return retry ? 1 : -1;
			}
			if (atoi(PQgetvalue(res, 0, 0)) == 1) {
				PQclear(res);
				continue;
			}
			PQclear(res);
			ProofProblem pp = {'d', t->t->schema, t->t->name, e->name,
			                   arena_printf(s->a, "row %s is still there, but %s did not set its "
			                                "columns to NULL", row->key, e->name)};
			VEC_PUSH(s->a, out->problems, pp);
		}
	}
	return 0;
}

/*
 * True when the analysis classes the NO ACTION edge b `not-on-postgres`
 * for root: harmless for ANY data on PostgreSQL (doc/rules/fk-blocks-delete.md),
 * the only edges `fix --minimal` leaves alone. Never asked on CockroachDB.
 */
static bool proven_harmless(const Analysis *an, const Root *root, const Blocker *b)
{
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (strcmp(f->rule, "fk-blocks-delete") == 0 && f->blocks &&
		    strcmp(f->blocks, "not-on-postgres") == 0 && f->constraint && f->schema && f->table &&
		    strcmp(f->constraint, b->constraint) == 0 && strcmp(f->schema, b->schema) == 0 &&
		    strcmp(f->table, b->table) == 0 && f->root_table && strcmp(f->root_table, root->table) == 0 &&
		    (!f->root_schema || strcmp(f->root_schema, root->schema) == 0))
			return true;
	}
	return false;
}

int seed_prove(PGconn *conn, Model *m, const Analysis *an, Root *root, const SeedOptions *opt,
               SeedResult *out, Err *err)
{
	memset(out, 0, sizeof(*out));
	out->root = root;
	if (!root->t)
		return err_set(err, PGC_EXIT_USAGE, "root table %s does not exist", root->spec);
	Seeder S, *s = &S;
	sd_init(s, conn, m, opt, err);
	Row *rootrow = NULL;
	int sr = sd_seed_closure(s, an, root, out, &rootrow);
	if (sr != 0)
		return sr;
	if (!rootrow)
		return 0;
	TState *rt = sd_st_of(s, root->t);

	/* the delete. PostgreSQL re-checks the FKs of a row updated by SET
	 * NULL / SET DEFAULT when the row was inserted by the same
	 * transaction, which never happens in production; so where we may
	 * (embedded mode) the seed is committed first. */
	if (opt->commit_seed &&
	    (sd_run(s, "COMMIT") < 0 || sd_run(s, "BEGIN") < 0 ||
	     (!opt->crdb && sd_run(s, "SET CONSTRAINTS ALL IMMEDIATE") < 0)))
		return s->retry ? 1 : -1;
	double t1 = sd_now_ms();
	if (opt->progress)
		opt->progress("deleting", 1);
	StrBuf sql = STRBUF_INIT;
	sb_adds(&sql, "DELETE FROM ");
	sb_add_qualified(&sql, root->t->schema, root->t->name);
	sb_addf(&sql, " WHERE %s = $1", rt->keyexpr);
	if (sd_run(s, "SAVEPOINT pgcascade_delete") < 0) {
		sb_release(&sql);
		return s->retry ? 1 : -1;
	}
	const char *kp[1] = {rootrow->key};
	PGresult *res = PQexecParams(conn, sql.buf, 1, NULL, kp, NULL, NULL, 0);
	sb_release(&sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		out->deleted = atoi(PQcmdTuples(res)) == 1;
		if (!out->deleted) {
			out->message = "the DELETE removed no row";
		}
		PQclear(res);
		if (sd_run(s, "RELEASE SAVEPOINT pgcascade_delete") < 0)
			return s->retry ? 1 : -1;
	} else {
		if (sd_conn_failed(s, res)) {
			sd_db_fail(s, "the DELETE failed", res);
			PQclear(res);
			return -1;
		}
		out->sqlstate = arena_strdup(s->a, sd_field(res, PG_DIAG_SQLSTATE));
		if (strcmp(out->sqlstate, "40001") == 0) {
			PQclear(res);
			return 1;
		}
		/* an error inside a trigger's function (an object it needs is
		 * missing, e.g. an extension not installed here) is a verdict on
		 * the schema too, unless it is about privileges, timeouts or a
		 * read-only transaction */
		const char *ctx = arena_strdup(s->a, sd_field(res, PG_DIAG_CONTEXT));
		bool in_function = sd_context_function(s->a, ctx) != NULL && strncmp(out->sqlstate, "25", 2) != 0 &&
		                   strcmp(out->sqlstate, "42501") != 0 && strcmp(out->sqlstate, "57014") != 0 &&
		                   strcmp(out->sqlstate, "55P03") != 0;
		if (strncmp(out->sqlstate, "23", 2) != 0 && strncmp(out->sqlstate, "P0", 2) != 0 && !in_function) {
			/* not a verdict on the schema (privileges, timeouts, read-only): a database error */
			sd_db_fail(s, "the DELETE of the root row failed", res);
			PQclear(res);
			return -1;
		}
		const char *con = sd_field(res, PG_DIAG_CONSTRAINT_NAME);
		out->constraint = *con ? arena_strdup(s->a, con) : NULL;
		out->message = arena_strdup(s->a, sd_field(res, PG_DIAG_MESSAGE_PRIMARY));
		const char *det = sd_field(res, PG_DIAG_MESSAGE_DETAIL);
		out->detail = *det ? arena_strdup(s->a, det) : NULL;
		const char *tschema = arena_strdup(s->a, sd_field(res, PG_DIAG_SCHEMA_NAME));
		const char *tname = arena_strdup(s->a, sd_field(res, PG_DIAG_TABLE_NAME));
		const char *colname = arena_strdup(s->a, sd_field(res, PG_DIAG_COLUMN_NAME));
		PQclear(res);
		if (sd_run(s, "ROLLBACK TO SAVEPOINT pgcascade_delete") < 0)
			return s->retry ? 1 : -1;
		const char *trig = sd_trigger_of(s, ctx);
		if (trig)
			out->detail = arena_printf(s->a, "%s%sraised in %s%s", out->detail ? out->detail : "",
			                           out->detail ? "; " : "", trig,
			                           strlen(out->sqlstate) == 5 && strstr("42704 42883 42P01 42703 3F000", out->sqlstate)
			                               ? ": an object it needs does not exist here (an extension that is "
			                                 "not installed?)"
			                               : "");
		if (!out->constraint && strcmp(out->sqlstate, "23502") == 0 && *colname) {
			/* a SET NULL on a NOT NULL column: name the FK that did it */
			for (size_t i = 0; i < m->fks.n && !out->constraint; i++) {
				const ForeignKey *fk = m->fks.items[i];
				if (fk->dropped || fk->on_delete != FK_SET_NULL || strcmp(fk->table->name, tname) != 0)
					continue;
				for (int k = 0; k < fk->ncols; k++)
					if (strcmp(fk->cols[k], colname) == 0)
						out->constraint = fk->name;
			}
		}
		if (out->constraint) {
			const ForeignKey *hit = NULL;
			for (size_t i = 0; i < m->fks.n && !hit; i++) {
				const ForeignKey *fk = m->fks.items[i];
				if (!fk->dropped && strcmp(fk->name, out->constraint) == 0 &&
				    (!*tname || (strcmp(fk->table->name, tname) == 0 &&
				                 (!*tschema || strcmp(fk->table->schema, tschema) == 0))))
					hit = fk;
			}
			if (hit)
				path_to(s, an, root, hit, out);
		}
	}
	out->delete_ms = sd_now_ms() - t1;

	/* which of the tracked rows are still there */
	for (size_t i = 0; i < s->nts; i++) {
		TState *t = &s->ts[i];
		if (!t->t || !t->rows.n)
			continue;
		int r = mark_present(s, t);
		if (r)
			return r;
	}
	if (out->deleted) {
		int r = explain(s, out);
		if (r)
			return r;
	}
	for (size_t i = 0; i < out->tables.n; i++) {
		SeedTable *st = &out->tables.items[i];
		TState *t = sd_st_of(s, model_find_table(m, st->schema, st->table));
		if (!t)
			continue;
		st->left = 0;
		for (size_t j = 0; j < t->rows.n; j++) {
			const Row *row = t->rows.items[j];
			if (row_is_a(row))
				st->left += row->present;
			else if (row_is_other(row))
				st->other_removed += !row->present;
		}
	}

	/* the verification query: no NO ACTION / RESTRICT edge inside the
	 * closure. On CockroachDB, whose pg_catalog is an emulation, the
	 * model (loaded from that same server) answers instead. */
	if (opt->crdb) {
		for (size_t i = 0; i < m->fks.n; i++) {
			const ForeignKey *fk = m->fks.items[i];
			TState *c = fk->dropped || !fk->table ? NULL : sd_st_of(s, fk->table);
			TState *p = fk->ref ? sd_st_of(s, fk->ref) : NULL;
			if (c && p && c->in_closure && p->in_closure &&
			    (fk->on_delete == FK_NO_ACTION || fk->on_delete == FK_RESTRICT)) {
				Blocker b = {fk->table->schema, fk->table->name, fk->name,
				             fk->on_delete == FK_RESTRICT ? "restrict" : "no action"};
				VEC_PUSH(s->a, out->blockers, b);
			}
		}
		return 0;
	}
	StrBuf arr = STRBUF_INIT;
	sb_addch(&arr, '{');
	for (size_t i = 0; i < out->tables.n; i++) {
		StrBuf qn = STRBUF_INIT;
		sb_add_qualified(&qn, out->tables.items[i].schema, out->tables.items[i].table);
		if (i)
			sb_addch(&arr, ',');
		sd_array_elem(&arr, qn.buf);
		sb_release(&qn);
	}
	sb_addch(&arr, '}');
	const char *vq =
		"SELECT n.nspname, c.relname, k.conname, k.confdeltype::text "
		"FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
		"JOIN pg_namespace n ON n.oid = c.relnamespace "
		"WHERE k.contype = 'f' AND k.confdeltype IN ('a', 'r') "
		"AND k.conrelid = ANY($1::regclass[]) AND k.confrelid = ANY($1::regclass[]) "
		"ORDER BY 1, 2, 3";
	const char *p1[1] = {arr.buf};
	res = PQexecParams(conn, vq, 1, NULL, p1, NULL, NULL, 0);
	sb_release(&arr);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		sd_db_fail(s, "the verification query failed", res);
		bool retry = strcmp(sd_field(res, PG_DIAG_SQLSTATE), "40001") == 0;
		PQclear(res);
		return retry ? 1 : -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		Blocker b = {arena_strdup(s->a, PQgetvalue(res, i, 0)), arena_strdup(s->a, PQgetvalue(res, i, 1)),
		             arena_strdup(s->a, PQgetvalue(res, i, 2)),
		             PQgetvalue(res, i, 3)[0] == 'r' ? "restrict" : "no action"};
		if (PQgetvalue(res, i, 3)[0] == 'a' && proven_harmless(an, root, &b))
			VEC_PUSH(s->a, out->harmless, b);
		else
			VEC_PUSH(s->a, out->blockers, b);
	}
	PQclear(res);
	return 0;
}

bool seed_passed(const SeedResult *r, bool allow_unseeded)
{
	if (!r->deleted || r->blockers.n)
		return false;
	if (r->unseeded.n && !allow_unseeded)
		return false;
	if (r->problems.n)
		return false;
	for (size_t i = 0; i < r->tables.n; i++)
		if (r->tables.items[i].left != 0 && !r->tables.items[i].retained)
			return false;
	return true;
}
