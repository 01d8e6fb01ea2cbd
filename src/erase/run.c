/*
 * run.c - counting, executing and verifying the erasure on a live
 * connection; see erase.h.
 *
 * One transaction (the default): REPEATABLE READ, lock_timeout and
 * statement_timeout set for the transaction (SET LOCAL through
 * set_config), the counting query, then the statements of
 * erase_statements(), then the verification query; the caller commits
 * only when the verification found nothing.
 *
 * Batches (--batch-rows N): children before parents, each batch one
 * DELETE choosing at most N rows of a table's set itself, in its own short
 * transaction; the root row last, in a transaction left open with the
 * verification done. The state lives in the database only: a run that
 * dies is resumed by running it again, because a parent row is deleted
 * only after every row of its children's sets is gone, so what is left
 * is always reachable from the root row, which goes last.
 */
#include "erase/erase.h"
#include "exitcodes.h"
#include "report/words.h"
#include "util/quote.h"

#include <stdlib.h>
#include <string.h>

static int db_fail(PGconn *conn, PGresult *res, const char *what, Err *err)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);
	char buf[1800];
	snprintf(buf, sizeof(buf), "%s", msg && *msg ? msg : "unknown error");
	size_t n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = ' ';
	if (res)
		PQclear(res);
	return err_set(err, PGC_EXIT_DB, "%s: %s", what, buf);
}

static PGresult *run_params(PGconn *conn, const char *sql, int n, const char *const *vals,
                            const char *what, Err *err)
{
	PGresult *res = PQexecParams(conn, sql, n, NULL, vals, NULL, NULL, 0);
	ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_fail(conn, res, what, err);
		return NULL;
	}
	return res;
}

int erase_exec(PGconn *conn, const char *sql, Err *err)
{
	PGresult *res = run_params(conn, sql, 0, NULL, sql, err);
	if (!res)
		return -1;
	PQclear(res);
	return 0;
}

/* lock_timeout and statement_timeout: for the open transaction (local)
 * or for the session (every batch's statements). A value PostgreSQL
 * refuses (SQLSTATE class 22, "invalid value for parameter") is the
 * option's fault: a usage error naming it. */
static int set_timeouts(PGconn *conn, const EraseRun *run, bool local, Err *err)
{
	const struct { const char *param, *option, *value; } t[2] = {
		{"lock_timeout", "--lock-timeout", run->lock_timeout ? run->lock_timeout : "5s"},
		{"statement_timeout", "--statement-timeout", run->statement_timeout ? run->statement_timeout : "5min"},
	};
	for (int i = 0; i < 2; i++) {
		const char *v[2] = {t[i].param, t[i].value};
		PGresult *res = PQexecParams(conn, local ? "SELECT pg_catalog.set_config($1, $2, true)"
		                                         : "SELECT pg_catalog.set_config($1, $2, false)",
		                             2, NULL, v, NULL, NULL, 0);
		if (res && PQresultStatus(res) == PGRES_TUPLES_OK) {
			PQclear(res);
			continue;
		}
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		if (state && primary && strncmp(state, "22", 2) == 0) {
			err_set(err, PGC_EXIT_USAGE, "invalid %s \"%s\": %s", t[i].option, t[i].value, primary);
			PQclear(res);
			return -1;
		}
		return db_fail(conn, res, "setting lock_timeout and statement_timeout", err);
	}
	return 0;
}

int erase_begin(PGconn *conn, bool read_only, const EraseRun *run, Err *err)
{
	if (erase_exec(conn, read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
	                               : "BEGIN ISOLATION LEVEL REPEATABLE READ", err) < 0)
		return -1;
	return set_timeouts(conn, run, true, err);
}

/* A batch: READ COMMITTED, so that a concurrent writer's committed rows
 * are a wait, not a serialization failure; the timeouts are the
 * session's (set once by execute_batches). */
static int begin_batch(PGconn *conn, Err *err)
{
	return erase_exec(conn, "BEGIN ISOLATION LEVEL READ COMMITTED", err);
}

int erase_find_root(ErasePlan *p, PGconn *conn, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "SELECT 1 FROM ");
	sb_add_qualified(&sb, p->root->t->schema, p->root->t->name);
	sb_adds(&sb, " x WHERE ");
	erase_key_cond(p, "x", &sb);
	PGresult *res = PQexecParams(conn, sb.buf, p->nkey, NULL, p->key_vals, NULL, NULL, 0);
	sb_release(&sb);
	if (!res || PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
		const char *primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		if (state && primary && strncmp(state, "22", 2) == 0) {
			/* A data exception: the key does not fit the column's type. */
			StrBuf cols = STRBUF_INIT;
			for (int i = 0; i < p->nkey; i++) {
				Column *c = table_column(p->root->t, p->key_cols[i]);
				sb_addf(&cols, "%s%s.%s (%s)", i ? ", " : "", p->root->t->name, p->key_cols[i],
				        c && c->type ? c->type : "?");
			}
			err_set(err, PGC_EXIT_USAGE, "invalid --key for %s: %s", cols.buf, primary);
			sb_release(&cols);
			PQclear(res);
			return -1;
		}
		return db_fail(conn, res, "looking up the root row", err);
	}
	p->root_found = PQntuples(res) > 0;
	PQclear(res);
	if (!p->root_found) {
		StrBuf k = STRBUF_INIT;
		for (int i = 0; i < p->nkey; i++)
			sb_addf(&k, "%s%s = %s", i ? ", " : "", p->key_cols[i], p->key_vals[i]);
		err_set(err, PGC_EXIT_FINDINGS, "no row in %s with %s: nothing to erase",
		        erase_table_name(p, p->root->t), k.buf);
		sb_release(&k);
		return -1;
	}
	return 0;
}

int erase_count(ErasePlan *p, PGconn *conn, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	erase_count_sql(p, &sb);
	PGresult *res = run_params(conn, sb.buf, p->nkey, p->key_vals, "counting the rows to erase", err);
	sb_release(&sb);
	if (!res)
		return -1;
	for (size_t i = 0; i < p->nodes.n; i++) {
		EraseNode *n = p->nodes.items[i];
		n->rows = n->cascade_rows = n->other_removed = n->other_nulled = 0;
	}
	p->blocking_rows = 0;
	for (int r = 0; r < PQntuples(res); r++) {
		char kind = PQgetvalue(res, r, 0)[0];
		size_t i = strtoul(PQgetvalue(res, r, 1), NULL, 10);
		long c = strtol(PQgetvalue(res, r, 2), NULL, 10);
		switch (kind) {
		case 'r': p->nodes.items[i]->rows = c; break;
		case 'c': p->nodes.items[i]->cascade_rows = c; break;
		case 'o': p->nodes.items[i]->other_removed = c; break;
		case 'n': p->nulls.items[i]->rows = c; break;
		case 'b':
			p->edges.items[i]->blocking = c;
			p->blocking_rows += c;
			break;
		}
	}
	PQclear(res);
	EraseNode *root = p->nodes.items[0];
	root->other_removed = root->rows > 0 ? root->rows - 1 : 0;
	for (size_t i = 0; i < p->nulls.n; i++)
		if (p->nulls.items[i]->parent != root && p->nulls.items[i]->child_node)
			p->nulls.items[i]->child_node->other_nulled += p->nulls.items[i]->rows;
	if (!p->static_blockers || p->skip_blockers)
		for (size_t i = 0; i < p->nodes.n; i++)
			p->nodes.items[i]->cascade_rows = p->nodes.items[i]->rows;
	p->counted = true;
	return 0;
}

int erase_verify(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	erase_verify_sql(p, &sb);
	PGresult *res = run_params(conn, sb.buf, p->nkey, p->key_vals, "verifying the erasure", err);
	sb_release(&sb);
	if (!res)
		return -1;
	run->verify_failures.n = 0;
	for (int r = 0; r < PQntuples(res); r++) {
		long c = strtol(PQgetvalue(res, r, 1), NULL, 10);
		if (c > 0)
			VEC_PUSH(p->a, run->verify_failures,
			         arena_printf(p->a, "%s: %ld %s", PQgetvalue(res, r, 0), c, words_noun(c, "row", "rows")));
	}
	PQclear(res);
	run->verified = run->verify_failures.n == 0;
	return 0;
}

static const char *blocker_summary(const ErasePlan *p)
{
	StrBuf sb = STRBUF_INIT;
	int shown = 0;
	for (size_t i = 0; i < p->edges.n; i++) {
		const EraseEdge *e = p->edges.items[i];
		if (e->blocking <= 0)
			continue;
		if (shown++ < 3)
			sb_addf(&sb, "%s%s on %s (%ld %s)", shown > 1 ? ", " : "", e->fk->name,
			        erase_table_name(p, e->child->t), e->blocking, words_noun(e->blocking, "row", "rows"));
	}
	if (shown > 3)
		sb_addf(&sb, " and %d more", shown - 3);
	const char *s = arena_strdup(p->a, sb.buf);
	sb_release(&sb);
	return s;
}

/* ---- one transaction ---- */

static int execute_one(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err)
{
	bool ordered = run->order_deletes && p->static_blockers;
	if (p->blocking_rows > 0 && !run->order_deletes)
		return err_set(err, PGC_EXIT_FINDINGS,
		               "the delete would fail: %ld %s it through %s; run with --order-deletes "
		               "(children deleted before parents), or apply the migration of `pgcascade fix`",
		               p->blocking_rows, words_noun(p->blocking_rows, "row blocks", "rows block"), blocker_summary(p));
	run->mode = ordered ? "ordered" : "cascade";
	EraseStrVec stmts = {0};
	erase_statements(p, ordered, &stmts);
	for (size_t i = 0; i < p->nodes.n; i++)
		p->nodes.items[i]->done = 0;
	for (size_t i = 0; i < stmts.n; i++) {
		PGresult *res = run_params(conn, stmts.items[i], p->nkey, p->key_vals, "erasing", err);
		if (!res)
			return -1;
		PQclear(res);
	}
	/* Same snapshot, same transaction: what the counting query found is
	 * what the statements removed (the verification below checks it). */
	for (size_t i = 0; i < p->nodes.n; i++)
		p->nodes.items[i]->done = p->nodes.items[i]->rows;
	run->transactions = 1;
	return erase_verify(p, conn, run, err);
}

/* ---- batches ---- */

static int fetch_ids(ErasePlan *p, PGconn *conn, EraseNode *n, PGresult **out, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	erase_with_sql(p, n->idx, false, &sb);
	sb_adds(&sb, "SELECT ");
	if (n->nid == 1) {
		sb_adds(&sb, "s.");
		sb_add_ident(&sb, n->id_cols[0]);
		sb_adds(&sb, "::text");
	} else if (n->nid) {
		sb_adds(&sb, "pg_catalog.json_build_object(");
		for (int k = 0; k < n->nid; k++) {
			if (k)
				sb_adds(&sb, ", ");
			sb_add_literal(&sb, n->id_cols[k]);
			sb_adds(&sb, ", s.");
			sb_add_ident(&sb, n->id_cols[k]);
		}
		sb_adds(&sb, ")::text");
	} else {
		sb_adds(&sb, "s.pgc_rowid::text");
	}
	sb_addf(&sb, " FROM pgc_r%d s", n->idx);
	*out = run_params(conn, sb.buf, p->nkey, p->key_vals, "reading the rows to erase", err);
	sb_release(&sb);
	return *out ? 0 : -1;
}

/* DELETE (or the anonymising UPDATE) of a batch given as $1: a JSON array
 * of identity objects, or an array of ctids. */
void erase_batch_sql(const ErasePlan *p, const EraseNode *n, StrBuf *sb)
{
	if (n->anonymize) {
		erase_anonymize_head(p, n, sb);
	} else {
		sb_adds(sb, "DELETE FROM ");
		sb_add_qualified(sb, n->t->schema, n->t->name);
		sb_adds(sb, " x");
	}
	sb_adds(sb, " WHERE ");
	erase_id_expr(p, n, "x", sb);
	if (!n->nid) {
		sb_adds(sb, p->dialect == DIALECT_COCKROACH ? " = ANY($1::INT8[])"
		            : n->t->relkind == 'p'           ? " = ANY($1::pg_catalog.text[])" /* "tableoid:ctid" */
		                                             : " = ANY($1::tid[])");
		return;
	}
	if (n->nid == 1) {
		Column *c = table_column(n->t, n->id_cols[0]);
		sb_addf(sb, " = ANY($1::%s[])", c && c->type ? c->type : "text");
		return;
	}
	sb_adds(sb, " IN (SELECT ");
	for (int k = 0; k < n->nid; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_adds(sb, "k.");
		sb_add_ident(sb, n->id_cols[k]);
	}
	sb_adds(sb, " FROM pg_catalog.json_to_recordset($1::json) AS k(");
	for (int k = 0; k < n->nid; k++) {
		Column *c = table_column(n->t, n->id_cols[k]);
		if (k)
			sb_adds(sb, ", ");
		sb_add_ident(sb, n->id_cols[k]);
		sb_addch(sb, ' ');
		sb_adds(sb, c && c->type ? c->type : "text");
	}
	sb_adds(sb, "))");
}

static int run_batch(ErasePlan *p, PGconn *conn, EraseRun *run, EraseNode *n, const char *sql,
                     const char *arg, Err *err)
{
	if (begin_batch(conn, err) < 0)
		return -1;
	PGresult *res = run_params(conn, sql, 1, &arg, "erasing a batch", err);
	if (!res) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	n->done += strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	run->transactions++;
	return erase_exec(conn, "COMMIT", err);
}

/*
 * A table that references itself: a batch of its rows could cascade to
 * their replies beyond N rows, so each batch takes rows of the set that no
 * row references any more (leaves first), recomputed per batch. Rows left
 * when no leaf remains form a cycle in the data: one last statement (for
 * the root table, whose root row is never taken here: the root row's
 * DELETE, which cascades to them).
 */
static int self_batches(ErasePlan *p, PGconn *conn, EraseRun *run, EraseNode *n, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	erase_with_sql(p, n->idx, false, &sb);
	sb_adds(&sb, n->anonymize ? "UPDATE " : "DELETE FROM ");
	sb_add_qualified(&sb, n->t->schema, n->t->name);
	sb_adds(&sb, " x WHERE ");
	erase_id_expr(p, n, "x", &sb);
	sb_adds(&sb, " IN (SELECT ");
	if (n->nid)
		erase_id_expr(p, n, "s", &sb);
	else
		sb_adds(&sb, "s.pgc_rowid");
	sb_addf(&sb, " FROM pgc_r%d s WHERE NOT EXISTS (SELECT 1 FROM ", n->idx);
	sb_add_qualified(&sb, n->t->schema, n->t->name);
	sb_adds(&sb, " c WHERE ");
	bool first = true;
	for (size_t i = 0; i < n->in.n; i++) {
		const EraseEdge *e = n->in.items[i];
		if (e->parent != n)
			continue;
		if (!first)
			sb_adds(&sb, " OR ");
		first = false;
		sb_adds(&sb, "(");
		for (int k = 0; k < e->fk->ncols; k++) {
			if (k)
				sb_adds(&sb, " AND ");
			sb_adds(&sb, "c.");
			sb_add_ident(&sb, e->fk->cols[k]);
			sb_adds(&sb, " = s.");
			sb_add_ident(&sb, e->fk->ref_cols[k]);
		}
		sb_adds(&sb, ")");
	}
	sb_adds(&sb, ")");
	if (n->root) { /* the root row itself goes last, with the verification */
		sb_adds(&sb, " AND NOT (");
		erase_key_cond(p, "s", &sb);
		sb_adds(&sb, ")");
	}
	size_t base = sb.len;
	int rc = 0;
	for (;;) {
		sb_setlen(&sb, base);
		sb_addf(&sb, " LIMIT %ld)", run->batch_rows);
		if (begin_batch(conn, err) < 0) {
			rc = -1;
			break;
		}
		PGresult *res = run_params(conn, sb.buf, p->nkey, p->key_vals, "erasing a batch", err);
		if (!res) {
			PQclear(PQexec(conn, "ROLLBACK"));
			rc = -1;
			break;
		}
		long got = strtol(PQcmdTuples(res), NULL, 10);
		PQclear(res);
		n->done += got;
		run->transactions++;
		if (erase_exec(conn, "COMMIT", err) < 0) {
			rc = -1;
			break;
		}
		if (got == 0)
			break;
	}
	sb_release(&sb);
	return rc;
}

/* Anonymised rows stay in the set: their identities are read once, then
 * updated N at a time. */
static int anonymize_batches(ErasePlan *p, PGconn *conn, EraseRun *run, EraseNode *n, Err *err)
{
	PGresult *ids;
	if (fetch_ids(p, conn, n, &ids, err) < 0)
		return -1;
	StrBuf sql = STRBUF_INIT, arg = STRBUF_INIT;
	erase_batch_sql(p, n, &sql);
	int rows = PQntuples(ids), rc = 0;
	for (int start = 0; start < rows && rc == 0; start += (int)run->batch_rows) {
		int end = start + (int)run->batch_rows < rows ? start + (int)run->batch_rows : rows;
		sb_reset(&arg);
		bool json = n->nid > 1;
		sb_addch(&arg, json ? '[' : '{');
		for (int r = start; r < end; r++) {
			if (r > start)
				sb_addch(&arg, ',');
			if (json) {
				sb_adds(&arg, PQgetvalue(ids, r, 0));
				continue;
			}
			/* an array element, quoted: "..." with \ and " escaped */
			sb_addch(&arg, '"');
			for (const char *v = PQgetvalue(ids, r, 0); *v; v++) {
				if (*v == '"' || *v == '\\')
					sb_addch(&arg, '\\');
				sb_addch(&arg, *v);
			}
			sb_addch(&arg, '"');
		}
		sb_addch(&arg, json ? ']' : '}');
		rc = run_batch(p, conn, run, n, sql.buf, arg.buf, err);
	}
	PQclear(ids);
	sb_release(&sql);
	sb_release(&arg);
	return rc;
}

/* One batch statement (its parameters: the key) in its own transaction;
 * *got: the rows it changed. */
static int batch_once(ErasePlan *p, PGconn *conn, EraseRun *run, const char *sql, long *got, Err *err)
{
	PGresult *res = NULL;
	if (begin_batch(conn, err) < 0 || !(res = run_params(conn, sql, p->nkey, p->key_vals, "erasing a batch", err))) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	*got = strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (erase_exec(conn, "COMMIT", err) < 0)
		return -1;
	run->transactions++;
	return 0;
}

/* The rows an ON DELETE SET NULL / SET DEFAULT edge would change as its
 * parent's rows go, N at a time before any parent is deleted, so that no
 * batch writes more than its own N deleted rows (on CockroachDB,
 * transaction_rows_written_err counts every row written). Not for a
 * parent the policy keeps or anonymises: its rows stay, so do these. */
static int null_batches(ErasePlan *p, PGconn *conn, EraseRun *run, NullEdge *ne, Err *err)
{
	if (ne->parent->retain || ne->parent->anonymize)
		return 0;
	StrBuf sql = STRBUF_INIT;
	erase_null_batch_sql(p, ne, run->batch_rows, &sql);
	int rc = 0;
	long got;
	while ((rc = batch_once(p, conn, run, sql.buf, &got, err)) == 0 && got >= run->batch_rows)
		;
	sb_release(&sql);
	return rc;
}

/*
 * A leaf: a table whose rows go with their parent's batches. Its only
 * way into the set is one ON DELETE CASCADE edge from an erased table
 * other than the root (not itself, not a self-referencing one), and no
 * erased table hangs off it. The parent's batch deletes its rows through
 * the cascade PostgreSQL runs anyway, counted from PostgreSQL's own
 * per-transaction statistics. Not on CockroachDB (no such statistics
 * function) nor for a partitioned table (its counters live on the
 * partitions).
 */
static bool leaf(const ErasePlan *p, const EraseNode *n)
{
	if (p->dialect == DIALECT_COCKROACH || n->root || n->retain || n->anonymize || n->self_loop ||
	    n->in.n != 1 || n->t->relkind == 'p')
		return false;
	const EraseEdge *e = n->in.items[0];
	if (!e->cascades || e->parent == n || e->parent->root || e->parent->retain || e->parent->anonymize ||
	    e->parent->self_loop)
		return false;
	for (size_t i = 0; i < p->edges.n; i++)
		if (p->edges.items[i]->parent == n)
			return false;
	return true;
}

/* The leaves' deleted-row counters of the open transaction, into after[]. */
static int leaf_counters(PGconn *conn, EraseNode *const *leaves, int nleaves, long *after, Err *err)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "SELECT ");
	for (int i = 0; i < nleaves; i++) {
		StrBuf q = STRBUF_INIT;
		sb_add_qualified(&q, leaves[i]->t->schema, leaves[i]->t->name);
		sb_adds(&sb, i ? ", pg_catalog.pg_stat_get_xact_tuples_deleted(" : "pg_catalog.pg_stat_get_xact_tuples_deleted(");
		sb_add_literal(&sb, q.buf);
		sb_adds(&sb, "::pg_catalog.regclass)");
		sb_release(&q);
	}
	PGresult *res = run_params(conn, sb.buf, 0, NULL, "reading the batch's cascade counts", err);
	sb_release(&sb);
	if (!res)
		return -1;
	for (int i = 0; i < nleaves; i++)
		after[i] = strtol(PQgetvalue(res, 0, i), NULL, 10);
	PQclear(res);
	return 0;
}

/* The leaf's rows under the first row of n's batch, N at a time; adds
 * the rows deleted to *deleted. */
static int heavy_leaf_batches(ErasePlan *p, PGconn *conn, EraseRun *run, EraseNode *n, EraseNode *leaf,
                              long *deleted, Err *err)
{
	StrBuf sql = STRBUF_INIT;
	erase_heavy_leaf_sql(p, n, leaf, run->batch_rows, &sql);
	int rc = 0;
	long got;
	while ((rc = batch_once(p, conn, run, sql.buf, &got, err)) == 0) {
		leaf->done += got;
		*deleted += got;
		if (got == 0)
			break;
	}
	sb_release(&sql);
	return rc;
}

/*
 * Deletes n's set in batches: each batch one DELETE choosing at most k
 * rows of the set itself (no identities travel), in its own READ
 * COMMITTED transaction. The rows of n's leaves go with their parents
 * and count toward N: k starts from the plan's counts (rows per parent)
 * and follows what the last batch cascaded; a batch that cascaded more
 * than N rows in all is rolled back and retried with half the rows, and
 * when one row alone carries more than N, the leaves are deleted first
 * in batches of their own. owner_only: the owner-column rows of a leaf
 * left after its parent's batches (rows of the key under other owners'
 * parents).
 */
static int delete_batches(ErasePlan *p, PGconn *conn, EraseRun *run, EraseNode *n, bool owner_only, Err *err)
{
	long N = run->batch_rows;
	int nleaves = 0;
	EraseNode **leaves = arena_alloc(p->a, (p->edges.n + 1) * sizeof(*leaves));
	for (size_t i = 0; i < p->edges.n && !owner_only; i++)
		if (p->edges.items[i]->parent == n && leaf(p, p->edges.items[i]->child))
			leaves[nleaves++] = p->edges.items[i]->child;
	long *before = arena_alloc(p->a, (size_t)(nleaves + 1) * sizeof(long));
	long *after = arena_alloc(p->a, (size_t)(nleaves + 1) * sizeof(long));
	long k = N;
	if (nleaves && p->counted && n->rows > 0) {
		long below = 0;
		for (int i = 0; i < nleaves; i++)
			below += leaves[i]->rows;
		k = (long)(0.9 * (double)N * (double)n->rows / (double)(n->rows + below));
	} else if (nleaves) {
		k = N / 16; /* a first guess; the next batch follows what this one cascaded */
	}
	StrBuf sql = STRBUF_INIT;
	int rc = 0;
	for (;;) {
		if (k < 1)
			k = 1;
		sb_reset(&sql);
		erase_batch_delete_sql(p, n, k, owner_only, leaves, nleaves, &sql);
		if (begin_batch(conn, err) < 0) {
			rc = -1;
			break;
		}
		PGresult *res = run_params(conn, sql.buf, p->nkey, p->key_vals, "erasing a batch", err);
		if (!res) {
			PQclear(PQexec(conn, "ROLLBACK"));
			rc = -1;
			break;
		}
		long del, total;
		if (nleaves) {
			del = strtol(PQgetvalue(res, 0, 0), NULL, 10);
			for (int i = 0; i < nleaves; i++)
				before[i] = strtol(PQgetvalue(res, 0, i + 1), NULL, 10);
		} else {
			del = strtol(PQcmdTuples(res), NULL, 10);
		}
		PQclear(res);
		total = del;
		if (nleaves && leaf_counters(conn, leaves, nleaves, after, err) < 0) {
			PQclear(PQexec(conn, "ROLLBACK"));
			rc = -1;
			break;
		}
		for (int i = 0; i < nleaves; i++)
			total += after[i] - before[i];
		if (total > N) {
			/* More than N rows with the cascades: undo, take fewer. */
			if (erase_exec(conn, "ROLLBACK", err) < 0) {
				rc = -1;
				break;
			}
			if (k > 1) {
				k /= 2;
				continue;
			}
			/* One row carries more than N: its leaves' rows go first, on
			 * their own; if that row changed meanwhile, every leaf row
			 * of the set (which always progresses). */
			long moved = 0;
			for (int i = 0; i < nleaves && rc == 0; i++)
				rc = heavy_leaf_batches(p, conn, run, n, leaves[i], &moved, err);
			for (int i = 0; i < nleaves && rc == 0 && moved == 0; i++)
				rc = delete_batches(p, conn, run, leaves[i], false, err);
			if (rc < 0)
				break;
			continue;
		}
		if (erase_exec(conn, "COMMIT", err) < 0) {
			rc = -1;
			break;
		}
		run->transactions++;
		n->done += del;
		for (int i = 0; i < nleaves; i++)
			leaves[i]->done += after[i] - before[i];
		if (del == 0)
			break;
		if (nleaves)
			k = (long)(0.9 * (double)N * (double)del / (double)total);
	}
	sb_release(&sql);
	if (rc < 0 || owner_only)
		return rc;
	/* The leaves' rows the cascades did not reach: by their owner column. */
	for (int i = 0; i < nleaves && rc == 0; i++)
		if (leaves[i]->nowner > 0)
			rc = delete_batches(p, conn, run, leaves[i], true, err);
	return rc;
}

static int execute_batches(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err)
{
	run->mode = "batches";
	run->transactions = 0;
	if (set_timeouts(conn, run, false, err) < 0)
		return -1;
	for (size_t i = 0; i < p->nodes.n; i++)
		p->nodes.items[i]->done = 0;
	for (size_t i = 0; i < p->nodes.n; i++)
		if (p->nodes.items[i]->anonymize && anonymize_batches(p, conn, run, p->nodes.items[i], err) < 0)
			return -1;
	for (size_t i = 0; i < p->nulls.n; i++)
		if (null_batches(p, conn, run, p->nulls.items[i], err) < 0)
			return -1;
	/* Children before parents; a leaf goes with its parent. */
	for (size_t i = p->nodes.n; i-- > 1;) {
		EraseNode *n = p->nodes.items[i];
		if (n->retain || n->anonymize || leaf(p, n))
			continue;
		if (n->self_loop && self_batches(p, conn, run, n, err) < 0)
			return -1;
		/* whatever a data cycle left: the plain set, below */
		if (delete_batches(p, conn, run, n, false, err) < 0)
			return -1;
	}
	/* The root table's other rows that a self-reference erases (users
	 * invited by the user), leaves first, so that the root row's DELETE
	 * cascades to none of them. */
	if (p->nodes.items[0]->self_loop && self_batches(p, conn, run, p->nodes.items[0], err) < 0)
		return -1;
	/* The root row last, with the verification in the same transaction. */
	if (erase_begin(conn, false, run, err) < 0)
		return -1;
	EraseStrVec stmts = {0};
	erase_statements(p, false, &stmts);
	PGresult *res = run_params(conn, stmts.items[stmts.n - 1], p->nkey, p->key_vals, "deleting the root row", err);
	if (!res) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	p->nodes.items[0]->done += strtol(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	run->transactions++;
	if (erase_verify(p, conn, run, err) < 0) {
		PQclear(PQexec(conn, "ROLLBACK"));
		return -1;
	}
	return 0; /* the caller commits (or rolls back a failed verification) */
}

/*
 * CockroachDB bounds a transaction's written rows when the session
 * variable transaction_rows_written_err is set (0 = no limit; cluster
 * default sql.defaults.transaction_rows_written_err,
 * https://www.cockroachlabs.com/docs/stable/session-variables): a batch
 * stays below it. Cascades need no cap: children go first, so a batch's
 * DELETE cascades nothing (only SET NULL edges act, one cascade operation
 * per foreign key, far below foreign_key_cascades_limit, default 10000,
 * "the number of cascading operations that run as part of a single
 * query", same page).
 */
static void crdb_cap(PGconn *conn, EraseRun *run)
{
	PGresult *res = PQexec(conn, "SHOW transaction_rows_written_err");
	if (res && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		long lim = strtol(PQgetvalue(res, 0, 0), NULL, 10);
		if (lim > 1 && run->batch_rows >= lim) {
			log_info("--batch-rows %ld lowered to %ld: transaction_rows_written_err is %ld on this cluster",
			         run->batch_rows, lim - 1, lim);
			run->batch_rows = lim - 1;
		}
	}
	PQclear(res);
}

int erase_execute(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err)
{
	if (run->batch_rows > 0 && p->m->server_is_crdb)
		crdb_cap(conn, run);
	if (run->batch_rows > 0) {
		return execute_batches(p, conn, run, err);
	}
	return execute_one(p, conn, run, err);
}
