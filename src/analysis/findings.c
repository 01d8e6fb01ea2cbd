/*
 * findings.c - analyze(): roots, closures and the findings on them.
 *
 * Rules (stable ids):
 *   fk-blocks-delete   error    a NO ACTION / RESTRICT edge inside a closure
 *   set-null-not-null  error    ON DELETE SET NULL / SET DEFAULT on a NOT NULL column
 *   user-column-no-fk  warning  an owner column (user_id) no FK covers
 *   cascade-deletes-other-owners  warning  a closure table with its own owner
 *                      column reached by an edge that does not carry it
 * plus the loaders' parse-error and dynamic-sql, copied in.
 *
 * "blocks" of fk-blocks-delete holds for ANY data, rows of many owners
 * referencing each other included (doc/rules/fk-blocks-delete.md has the
 * proof; tests/integration/t0200-blocks.sh checks it on PostgreSQL with
 * two owners and cross-owner rows). For an edge e: C -> P in the closure
 * of root R with key K:
 *   - a tuple O of a table is PURE when every row of it the cascade
 *     deletes has O equal to the key of a deleted root row: K on R; on
 *     another table, when every closure edge to a reached parent maps O
 *     onto a pure tuple of that parent (greatest fixpoint; owners_build);
 *   - e has the OWNER TIE when C has an owner edge f: C(O) -> R(K) that
 *     cascades (or that fix makes cascade) and e maps O onto a pure tuple
 *     of P, and no action can write a non-NULL value into O. Then every
 *     row of C that references a deleted row of P holds a deleted owner's
 *     key in O, so f deletes it, in the round right after that owner's
 *     row; the deleted P row is at least one step further, so its check
 *     runs at least one round later.
 *   no owner tie                    always           (another owner's row can
 *                                                     reference a deleted row)
 *   tie, P != R or INITIALLY DEFERRED  not-on-postgres
 *   tie, P == R                     order-dependent  (f and e fire on the same
 *                                                     root row, in trigger
 *                                                     name order: order_outcome)
 * CockroachDB documents no cascade order (its foreign key page,
 * https://www.cockroachlabs.com/docs/stable/foreign-key, lists the actions
 * but not when cascades and checks run): every edge is "always" there.
 *
 * The single-owner level rule (the class when every row of the closure
 * belongs to the deleted owner) stays as detail, single_owner_blocks and
 * single_owner_outcome; fix never reads it. It follows how PostgreSQL runs
 * a cascading delete (checked on PostgreSQL 15 by t0200-blocks.sh).
 * RI triggers are AFTER ROW triggers; the rows a cascade deletes queue
 * their own RI events behind the current ones (ri_triggers.c runs its
 * queries with fire_triggers = false), and AfterTriggerEndQuery fires the
 * queue in rounds. So with the root row deleted at level 0, a table first
 * reached at distance d has its rows deleted at level d, and a check
 * C -> P (NO ACTION or RESTRICT alike) runs at level L(P) + 1. Within a
 * level, events run in queue order: the order of the rows deleted at the
 * level before, then per row the trigger names, i.e. FK creation order.
 *
 * For an edge C -> P let chk = L(P) + 1 and let C's deletion levels be
 * L(X) + 1 over C's other closure edges C -> X (every blocking edge
 * counted as if it cascaded, which is what fix does to it):
 *   no other edge           always           (nothing removes C's rows)
 *   max level <  chk        not-on-postgres  (every path removes them first)
 *   min level >  chk        always           (every path removes them too late)
 *   otherwise               order-dependent  (a path removes them in the
 *                                             same round as the check)
 * A DEFERRABLE INITIALLY DEFERRED NO ACTION edge is checked at commit,
 * after every cascade: always when nothing else removes C's rows (the
 * queue replay below says), not-on-postgres when an ON DELETE CASCADE
 * edge of C to another table does, and order-dependent when only other
 * blocking edges would (if those are left alone, nothing removes them).
 * For single-owner order-dependent edges single_owner_outcome replays
 * PostgreSQL's queue with one row per table to predict the result of the
 * current creation order.
 */
#include "analysis/graph.h"
#include "exitcodes.h"
#include "report/words.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Queue-replay work budget (edge visits) for order_outcome over one run. */
#define SIMULATION_BUDGET 5000000L

/* A table as reports name it (words_table). */
static const char *disp(Arena *a, const Table *t)
{
	StrBuf sb = STRBUF_INIT;
	words_table(&sb, t->schema, t->name);
	char *s = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return s;
}

/* Is idx a key a foreign key may reference: primary or unique, whole, on columns? */
static bool usable_key(const Index *idx, const Table *t)
{
	if (idx->table != t || idx->dropped || !(idx->primary || idx->unique) || idx->partial || idx->ncols == 0)
		return false;
	for (int i = 0; i < idx->ncols; i++)
		if (!idx->cols[i])
			return false;
	return true;
}

/* Do the key's columns equal the root's, in any order (as for REFERENCES)? */
static bool same_columns(const Index *idx, const Root *r)
{
	if (idx->ncols != r->ncols)
		return false;
	for (int i = 0; i < r->ncols; i++) {
		bool found = false;
		for (int k = 0; k < idx->ncols && !found; k++)
			found = strcmp(idx->cols[k], r->cols[i]) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* --root t(cols): the columns must be the primary key or a unique key, as a
 * foreign key to them would need; else an input error naming the keys. */
static int check_root_key(Model *m, Root *r, Err *err)
{
	StrBuf keys = STRBUF_INIT;
	for (size_t i = 0; i < m->indexes.n; i++) {
		const Index *idx = m->indexes.items[i];
		if (!usable_key(idx, r->t))
			continue;
		if (same_columns(idx, r)) {
			sb_release(&keys);
			return 0;
		}
		sb_adds(&keys, keys.len ? ", (" : "(");
		for (int k = 0; k < idx->ncols; k++)
			sb_addf(&keys, "%s%s", k ? ", " : "", idx->cols[k]);
		sb_addf(&keys, ")%s", idx->primary ? " primary key" : "");
	}
	err_set(err, PGC_EXIT_USAGE,
	        "root %s: its columns are neither the primary key nor a unique key of %s.%s, so no "
	        "foreign key can reference them; %s%s", r->spec, r->schema, r->table,
	        keys.len ? "its keys: " : "the table has no primary or unique key",
	        keys.buf);
	sb_release(&keys);
	return -1;
}

static int resolve_root(Model *m, Root *r, Err *err)
{
	r->t = model_find_table(m, r->schema, r->table);
	if (!r->t || r->t->dropped)
		return err_set(err, PGC_EXIT_USAGE,
		               "root table %s.%s does not exist in the schema (use --root to name another)",
		               r->schema, r->table);
	if (r->ncols == 0 && r->t->pk && !r->t->pk->dropped) {
		r->cols = r->t->pk->cols;
		r->ncols = r->t->pk->ncols;
	}
	for (int i = 0; i < r->ncols; i++)
		if (!table_column(r->t, r->cols[i]))
			return err_set(err, PGC_EXIT_USAGE, "root %s: column \"%s\" does not exist in %s.%s",
			               r->spec, r->cols[i] ? r->cols[i] : "", r->schema, r->table);
	if (r->ncols > 0 && (!r->t->pk || r->t->pk->dropped || r->cols != r->t->pk->cols))
		return check_root_key(m, r, err);
	return 0;
}

/*
 * Replays PostgreSQL's RI event queue with one row per table, every
 * closure edge cascading except e (NO ACTION or RESTRICT; checked when
 * its event comes up, or at commit when INITIALLY DEFERRED). Returns 1
 * when e's check fails, 0 when it passes, -1 when the budget ran out.
 */
static int replay_queue(const Graph *g, const Walk *w, const ForeignKey *e,
                        int *stamp, int gen, const ForeignKey **queue, long *budget)
{
	bool deferred = e->initially_deferred && e->on_delete == FK_NO_ACTION;
	int head = 0, tail = 0;
	int root = w->root->t->id;
	stamp[root] = gen;
	for (int k = g->in_off[root]; k < g->in_off[root + 1]; k++)
		queue[tail++] = g->in[k];
	while (head < tail) {
		if (--*budget < 0)
			return -1;
		const ForeignKey *f = queue[head++];
		int c = f->table->id;
		if (f == e) {
			if (!deferred)
				return stamp[c] == gen ? 0 : 1;
			continue;
		}
		if (stamp[c] == gen)
			continue;
		stamp[c] = gen;
		for (int k = g->in_off[c]; k < g->in_off[c + 1]; k++)
			queue[tail++] = g->in[k];
	}
	if (deferred)
		return stamp[e->table->id] == gen ? 0 : 1;
	return -1;
}

/*
 * The deletion levels C's edges offer, L(X) + 1 over C -> X: the two
 * smallest and two largest (by distinct edge), so that "every edge but
 * e" costs O(1) even for a table with 20,000 FKs.
 */
typedef struct Extremes {
	bool done;
	int min1, min2, max1, max2;     /* INT_MAX / -1 when absent */
	const ForeignKey *min_fk, *max_fk;
	bool cascades;                  /* an ON DELETE CASCADE edge to another reached table */
} Extremes;

static void extremes(const Graph *g, const Walk *w, int c, Extremes *ex)
{
	Extremes *x = &ex[c];
	x->done = true;
	x->min1 = x->min2 = INT_MAX;
	x->max1 = x->max2 = -1;
	for (int k = g->out_off[c]; k < g->out_off[c + 1]; k++) {
		const ForeignKey *f = g->out[k];
		int lx = w->level[f->ref->id];
		if (lx < 0)
			continue;
		if (f->on_delete == FK_CASCADE && f->ref->id != c)
			x->cascades = true;
		lx++;
		if (lx < x->min1) {
			x->min2 = x->min1;
			x->min1 = lx;
			x->min_fk = f;
		} else if (lx < x->min2) {
			x->min2 = lx;
		}
		if (lx > x->max1) {
			x->max2 = x->max1;
			x->max1 = lx;
			x->max_fk = f;
		} else if (lx > x->max2) {
			x->max2 = lx;
		}
	}
}

/* ---- the owner tie (see the header comment and doc/rules/fk-blocks-delete.md) ---- */

#define MAX_TUPLES_PER_TABLE 16

/* A column tuple of a table, aligned with the root key K: cols[i] holds
 * K[i]'s owner value. pure: every row of the table that the cascade
 * deletes has cols equal to the key of a root row the cascade deletes. */
typedef struct Tuple {
	int table;
	const char **cols;
	bool pure;
	int next;                /* next tuple of the same table, -1 at the end */
} Tuple;

typedef struct Owners {
	const Graph *g;
	const Walk *w;
	int nk;                  /* root key columns */
	PGC_VEC(Tuple) tuples;
	int *head;               /* by table id: first tuple, -1 none */
	int *count;
	bool writes_defaults;    /* some FK has ON DELETE / ON UPDATE SET DEFAULT */
	HashMap *edges;          /* "child id \x1f owner cols": OwnerKey, FKs child(cols) -> root(K) */
	int *chead;              /* by table id: first live FK of the table (index in m->fks), -1 */
	int *cnext;              /* by index in m->fks: the next FK of the same table */
} Owners;

/* The FKs through which one tuple of columns of a table references the root key. */
typedef struct OwnerKey {
	PGC_VEC(const ForeignKey *) fks;
	int stable;              /* -1 not computed; else owner_cols_stable() without e's part */
} OwnerKey;

/* The child columns that g maps onto the parent's columns pcols (n of
 * them), or NULL when some parent column is not among g's referenced ones. */
static const char **image(Arena *a, const ForeignKey *g, const char *const *pcols, int n)
{
	const char **out = arena_alloc(a, (size_t)(n + 1) * sizeof(*out));
	for (int i = 0; i < n; i++) {
		out[i] = NULL;
		for (int j = 0; j < g->nref_cols && j < g->ncols; j++)
			if (g->ref_cols[j] && pcols[i] && strcmp(g->ref_cols[j], pcols[i]) == 0) {
				out[i] = g->cols[j];
				break;
			}
		if (!out[i])
			return NULL;
	}
	return out;
}

static bool same_cols(const char *const *x, const char *const *y, int n)
{
	for (int i = 0; i < n; i++)
		if (!x[i] || !y[i] || strcmp(x[i], y[i]) != 0)
			return false;
	return true;
}

/* g maps child tuple ccols onto parent tuple pcols, column by column. */
static bool maps(const ForeignKey *g, const char *const *ccols, const char *const *pcols, int n)
{
	for (int i = 0; i < n; i++) {
		bool hit = false;
		for (int j = 0; j < g->nref_cols && j < g->ncols && !hit; j++)
			hit = g->ref_cols[j] && pcols[i] && strcmp(g->ref_cols[j], pcols[i]) == 0 &&
			      g->cols[j] && ccols[i] && strcmp(g->cols[j], ccols[i]) == 0;
		if (!hit)
			return false;
	}
	return true;
}

static int add_tuple(Arena *a, Owners *o, int table, const char **cols, bool pure)
{
	for (int k = o->head[table]; k >= 0; k = o->tuples.items[k].next)
		if (same_cols(o->tuples.items[k].cols, cols, o->nk))
			return -1;
	if (o->count[table] >= MAX_TUPLES_PER_TABLE)
		return -1; /* fewer candidates only means fewer guarantees */
	Tuple t = {table, cols, pure, o->head[table]};
	VEC_PUSH(a, o->tuples, t);
	o->head[table] = (int)o->tuples.n - 1;
	o->count[table]++;
	return (int)o->tuples.n - 1;
}

static const char *tuple_key(Arena *a, int table, const char *const *cols, int n)
{
	StrBuf sb = STRBUF_INIT;
	sb_addf(&sb, "%d", table);
	for (int i = 0; i < n; i++) {
		sb_addch(&sb, '\x1f');
		sb_adds(&sb, cols[i] ? cols[i] : "");
	}
	char *k = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return k;
}

/* A deleted row of T is pure on tuple k when every closure edge through
 * which the cascade can delete it maps k onto a pure tuple of the parent. */
static bool tuple_holds(const Owners *o, const Tuple *t)
{
	const Graph *g = o->g;
	for (int e = g->out_off[t->table]; e < g->out_off[t->table + 1]; e++) {
		const ForeignKey *fk = g->out[e];
		if (o->w->level[fk->ref->id] < 0)
			continue; /* its parent rows are never deleted */
		bool ok = false;
		for (int k = o->head[fk->ref->id]; k >= 0 && !ok; k = o->tuples.items[k].next)
			ok = o->tuples.items[k].pure && maps(fk, t->cols, o->tuples.items[k].cols, o->nk);
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Candidate tuples: the root key K on the root, then its images through
 * closure edges, child by child (a worklist). Purity: the greatest
 * fixpoint, every candidate pure at first and struck out, with the
 * children's candidates re-checked, when one of its edges breaks it.
 * The root's K is pure by definition; its other tuples are not (the row
 * the DELETE names is deleted by no edge).
 */
static void owners_build(Model *m, const Graph *g, const Walk *w, Owners *o)
{
	Arena *a = m->arena;
	Root *r = w->root;
	memset(o, 0, sizeof(*o));
	o->g = g;
	o->w = w;
	o->nk = r->ncols;
	int nt = g->ntables;
	o->head = arena_alloc(a, (size_t)(nt + 1) * sizeof(int));
	o->count = arena_alloc(a, (size_t)(nt + 1) * sizeof(int));
	for (int i = 0; i < nt; i++)
		o->head[i] = -1;
	o->chead = arena_alloc(a, (size_t)(nt + 1) * sizeof(int));
	o->cnext = arena_alloc(a, (m->fks.n + 1) * sizeof(int));
	o->edges = hm_new(a);
	for (int i = 0; i < nt; i++)
		o->chead[i] = -1;
	for (size_t i = m->fks.n; i-- > 0;) {
		const ForeignKey *fk = m->fks.items[i];
		o->cnext[i] = -1;
		if (fk->dropped || !fk->table || fk->table->dropped || fk->table->id >= nt || !fk->ref)
			continue;
		if (fk->on_delete == FK_SET_DEFAULT || fk->on_update == FK_SET_DEFAULT)
			o->writes_defaults = true;
		o->cnext[i] = o->chead[fk->table->id];
		o->chead[fk->table->id] = (int)i;
	}
	for (size_t i = 0; i < m->fks.n && r->ncols > 0; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || fk->ref != r->t || !fk->table || fk->table->dropped ||
		    fk->table->id >= nt || fk->nref_cols != r->ncols)
			continue;
		const char **oc = image(a, fk, r->cols, r->ncols);
		if (!oc)
			continue;
		const char *key = tuple_key(a, fk->table->id, oc, r->ncols);
		OwnerKey *k = hm_get(o->edges, key);
		if (!k) {
			k = arena_alloc(a, sizeof(*k));
			memset(k, 0, sizeof(*k));
			k->stable = -1;
			hm_put(o->edges, key, k);
		}
		VEC_PUSH(a, k->fks, fk);
	}
	if (o->nk <= 0)
		return;
	add_tuple(a, o, r->t->id, r->cols, true);
	for (size_t q = 0; q < o->tuples.n; q++) {
		int x = o->tuples.items[q].table;
		for (int e = g->in_off[x]; e < g->in_off[x + 1]; e++) {
			const ForeignKey *fk = g->in[e];
			int c = fk->table->id;
			if (w->level[c] < 0)
				continue;
			const char **img = image(a, fk, o->tuples.items[q].cols, o->nk);
			if (img)
				add_tuple(a, o, c, img, c != r->t->id);
		}
	}
	/* Strike out, with a worklist of tuples to (re)check. */
	size_t n = o->tuples.n;
	int *work = arena_alloc(a, (n + 1) * sizeof(int));
	unsigned char *queued = arena_alloc(a, n + 1);
	int top = 0;
	for (size_t i = 0; i < n; i++)
		if (o->tuples.items[i].pure && o->tuples.items[i].table != r->t->id) {
			work[top++] = (int)i;
			queued[i] = 1;
		}
	while (top > 0) {
		int i = work[--top];
		queued[i] = 0;
		Tuple *t = &o->tuples.items[i];
		if (!t->pure || tuple_holds(o, t))
			continue;
		t->pure = false;
		for (int e = g->in_off[t->table]; e < g->in_off[t->table + 1]; e++) {
			int c = g->in[e]->table->id;
			for (int k = o->head[c]; k >= 0; k = o->tuples.items[k].next)
				if (o->tuples.items[k].pure && !queued[k] && o->tuples.items[k].table != r->t->id) {
					work[top++] = k;
					queued[k] = 1;
				}
		}
	}
}

static bool has_col(const char *const *cols, int n, const char *c)
{
	for (int i = 0; i < n && c; i++)
		if (cols[i] && strcmp(cols[i], c) == 0)
			return true;
	return false;
}

/* No action of the schema can write a non-NULL value into C's owner
 * columns oc (SET DEFAULT, or ON UPDATE CASCADE carrying a default). */
static bool owner_cols_stable(const Model *m, const Owners *o, const Table *C, const char *const *oc)
{
	for (int i = o->chead[C->id]; i >= 0; i = o->cnext[i]) {
		const ForeignKey *h = m->fks.items[i];
		bool touches = false;
		for (int k = 0; k < h->ncols && !touches; k++)
			touches = has_col(oc, o->nk, h->cols[k]);
		if (touches && (h->on_delete == FK_SET_DEFAULT || h->on_update == FK_SET_DEFAULT ||
		                (h->on_update == FK_CASCADE && o->writes_defaults)))
			return false;
	}
	return true;
}

/* e is MATCH FULL: no SET NULL action of C may half-null it. */
static bool full_match_safe(const Model *m, const Owners *o, const ForeignKey *e)
{
	if (e->match != 'f')
		return true;
	for (int i = o->chead[e->table->id]; i >= 0; i = o->cnext[i]) {
		const ForeignKey *h = m->fks.items[i];
		if (h == e || (h->on_delete != FK_SET_NULL && h->on_update != FK_SET_NULL))
			continue;
		const char **sc = h->on_delete == FK_SET_NULL && h->nset_cols ? h->set_cols : h->cols;
		int ns = h->on_delete == FK_SET_NULL && h->nset_cols ? h->nset_cols : h->ncols;
		for (int k = 0; k < ns; k++)
			for (int j = 0; j < e->ncols; j++)
				if (sc[k] && e->cols[j] && strcmp(sc[k], e->cols[j]) == 0)
					return false;
	}
	return true;
}

/* f, an FK of C to the root, removes every row of C whose owner columns
 * hold a deleted root key, or nulls those columns, in the round right
 * after that root row: it cascades already, or it is a blocking edge that
 * fix re-creates with CASCADE (an edge to the root is never
 * not-on-postgres unless it is INITIALLY DEFERRED, so those are not
 * counted), or it is SET NULL on nullable owner columns. */
static bool owner_edge_usable(const ForeignKey *f, const ForeignKey *e)
{
	if (f == e || f->dropped)
		return false;
	if (f->on_delete == FK_CASCADE)
		return true;
	if (f->on_delete == FK_SET_NULL) {
		/* It nulls C's owner columns in that same round, so the row no
		 * longer references the parent (MATCH SIMPLE); MATCH FULL would
		 * refuse the half-NULL key. A NOT NULL column makes the SET NULL
		 * itself fail (set-null-not-null). */
		if (e->match == 'f')
			return false;
		const char **sc = f->nset_cols ? f->set_cols : f->cols;
		int ns = f->nset_cols ? f->nset_cols : f->ncols;
		if (ns <= 0)
			return false;
		for (int k = 0; k < ns; k++) {
			const Column *col = table_column(f->table, sc[k]);
			if (!col || col->not_null)
				return false;
			if (f->table->pk && !f->table->pk->dropped)
				for (int j = 0; j < f->table->pk->ncols; j++)
					if (f->table->pk->cols[j] && strcmp(f->table->pk->cols[j], sc[k]) == 0)
						return false;
		}
		return true;
	}
	if (f->on_delete == FK_NO_ACTION && f->initially_deferred)
		return false;
	return f->on_delete == FK_NO_ACTION || f->on_delete == FK_RESTRICT;
}

/* PostgreSQL fires one row's RI triggers in name order; the names carry
 * the trigger OID (constraint OID + 1) as text (see closure.c). */
static bool fires_before(const Model *m, const ForeignKey *x, const ForeignKey *y)
{
	if (m->live) {
		char sx[32], sy[32];
		snprintf(sx, sizeof(sx), "%ld", x->seq + 1);
		snprintf(sy, sizeof(sy), "%ld", y->seq + 1);
		int c = strcmp(sx, sy);
		if (c)
			return c < 0;
	} else if (x->seq != y->seq) {
		return x->seq < y->seq;
	}
	return x->id < y->id;
}

/*
 * The owner tie of a blocking edge e: C -> P. True when C has an owner
 * edge f: C(O) -> root(K) (usable, see above) and e maps O onto a pure
 * tuple of P (P the root: K). *first_f, when P is the root, gets whether
 * such an f fires before e on a root row (the root's trigger order).
 */
static bool owner_tie(const Model *m, Owners *o, const ForeignKey *e, bool *f_first)
{
	const Root *r = o->w->root;
	const Table *C = e->table;
	*f_first = false;
	if (o->nk <= 0 || !full_match_safe(m, o, e))
		return false;
	bool tied = false;
	/* C's owner columns that e maps onto a pure tuple of P. */
	for (int t = o->head[e->ref->id]; t >= 0; t = o->tuples.items[t].next) {
		if (!o->tuples.items[t].pure)
			continue;
		const char **oc = image(m->arena, e, o->tuples.items[t].cols, o->nk);
		if (!oc)
			continue;
		OwnerKey *k = hm_get(o->edges, tuple_key(m->arena, C->id, oc, o->nk));
		if (!k)
			continue;
		if (k->stable < 0)
			k->stable = owner_cols_stable(m, o, C, oc);
		if (!k->stable)
			continue;
		for (size_t i = 0; i < k->fks.n; i++) {
			const ForeignKey *f = k->fks.items[i];
			if (!owner_edge_usable(f, e))
				continue;
			tied = true;
			if (e->ref != r->t || *f_first)
				break;
			if (fires_before(m, f, e))
				*f_first = true; /* both fire on the root row, in trigger name order */
		}
		if (tied && (e->ref != r->t || *f_first))
			break;
	}
	return tied;
}

static const char *blocks_suffix(const char *blocks, const char *outcome, const char *single)
{
	if (strcmp(blocks, "order-dependent") == 0) {
		if (outcome && strcmp(outcome, "fails") == 0)
			return " (every referencing row shares the deleted owner; on PostgreSQL whether it fails "
			       "depends on the order the foreign keys were created; with the current order it fails)";
		if (outcome)
			return " (every referencing row shares the deleted owner; on PostgreSQL whether it fails "
			       "depends on the order the foreign keys were created; with the current order it passes)";
		return " (every referencing row shares the deleted owner; on PostgreSQL whether it fails "
		       "depends on the order the foreign keys were created)";
	}
	if (strcmp(blocks, "not-on-postgres") == 0)
		return " (every referencing row shares the deleted owner, and on PostgreSQL the cascade "
		       "removes it before the check runs)";
	if (single && strcmp(single, "always") != 0)
		return " (rows of other owners can reference the rows the cascade removes; only when every "
		       "row has one owner does the cascade remove them first)";
	return "";
}

/* Path from the root to e (level(e->ref) + 1 edges): first[] back from the parent. */
static const ForeignKey **edge_path(Model *m, const Walk *w, const ForeignKey *e)
{
	int n = w->level[e->ref->id] + 1;
	const ForeignKey **path = arena_alloc(m->arena, (size_t)(n + 1) * sizeof(*path));
	path[n - 1] = e;
	const Table *t = e->ref;
	for (int k = n - 2; k >= 0 && t != w->root->t; k--) {
		path[k] = w->first[t->id];
		t = path[k]->ref;
	}
	return path;
}

static void add_path_text(StrBuf *sb, const Root *r, const ForeignKey **path, int n)
{
	words_path(sb, r->t, path, n);
}

/* fk-blocks-delete for one root. done[] (by FK id) keeps one finding per edge. */
static void blocks_findings(Model *m, const Graph *g, const Walk *w, Owners *own, unsigned char *done,
                            int *stamp, int *gen, const ForeignKey **queue, long *budget)
{
	bool crdb = m->dialect == DIALECT_COCKROACH || m->server_is_crdb;
	Root *r = w->root;
	Extremes *ex = arena_alloc(m->arena, (size_t)(g->ntables + 1) * sizeof(*ex));
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *e = m->fks.items[i];
		if (!closure_edge(e) || e->on_delete == FK_CASCADE || done[e->id])
			continue;
		int lp = w->level[e->ref->id];
		if (lp < 0)
			continue;
		done[e->id] = 1;
		const Table *C = e->table;
		int chk = lp + 1;
		const Extremes *x = &ex[C->id];
		if (!x->done)
			extremes(g, w, C->id, ex);
		int lo = x->min_fk == e ? x->min2 : x->min1;
		int hi = x->max_fk == e ? x->max2 : x->max1;
		bool deferred = e->initially_deferred && e->on_delete == FK_NO_ACTION;

		/* The single-owner level rule (every row of the closure belongs to
		 * the deleted owner): kept as detail, never used by fix. */
		const char *single;
		if (crdb || C == r->t || hi < 0)
			single = "always";
		else if (deferred) {
			/* Checked at commit: it passes when anything removed C's rows. */
			int res = replay_queue(g, w, e, stamp, ++*gen, queue, budget);
			if (res != 0)
				single = "always";
			else if (x->cascades)
				single = "not-on-postgres";
			else
				single = "order-dependent"; /* only other blockers remove them */
		}
		else if (hi < chk)
			single = "not-on-postgres";
		else if (lo > chk)
			single = "always";
		else
			single = "order-dependent";
		const char *single_outcome = NULL;
		if (strcmp(single, "order-dependent") == 0 && *budget > 0) {
			int res = replay_queue(g, w, e, stamp, ++*gen, queue, budget);
			if (res >= 0)
				single_outcome = res ? "fails" : "passes";
		}

		/* The class for any data: only the owner tie removes every row
		 * that can reference a deleted row. */
		const char *blocks = "always";
		const char *outcome = NULL;
		if (!crdb) {
			bool f_first = false;
			if (owner_tie(m, own, e, &f_first)) {
				if (deferred || e->ref != r->t)
					blocks = "not-on-postgres";
				else {
					blocks = "order-dependent";
					outcome = f_first ? "passes" : "fails";
				}
			}
		}

		int n = lp + 1;
		const ForeignKey **path = edge_path(m, w, e);
		StrBuf sb = STRBUF_INIT;
		add_path_text(&sb, r, path, n);
		sb_addf(&sb, ": %s blocks DELETE FROM %s%s", words_action(e->on_delete),
		        disp(m->arena, r->t), blocks_suffix(blocks, outcome, single));
		Finding *f = arena_alloc(m->arena, sizeof(*f));
		f->rule = "fk-blocks-delete";
		f->severity = SEV_ERROR;
		f->schema = C->schema;
		f->table = C->name;
		f->constraint = e->name;
		f->depth = n;
		f->message = arena_strdup(m->arena, sb.buf);
		sb_release(&sb);
		f->loc = e->ref_loc.file ? e->ref_loc : e->origin; /* the REFERENCES clause itself */
		f->blocks = blocks;
		f->order_outcome = outcome;
		f->single_owner_blocks = single;
		f->single_owner_outcome = single_outcome;
		f->path = arena_alloc(m->arena, (size_t)(n + 1) * sizeof(*f->path));
		for (int k = 0; k < n; k++)
			f->path[k] = path[k]->name;
		f->npath = n;
		f->help = "+ ON DELETE CASCADE";
		f->fk = e;
		f->root_schema = r->t->schema;
		f->root_table = r->t->name;
		VEC_PUSH(m->arena, m->findings, f);
	}
}

/* NOT NULL, declared or implied by the primary key. */
static bool column_not_null(const Table *t, const Column *c)
{
	if (c->not_null)
		return true;
	if (t->pk && !t->pk->dropped)
		for (int i = 0; i < t->pk->ncols; i++)
			if (t->pk->cols[i] && strcmp(t->pk->cols[i], c->name) == 0)
				return true;
	return false;
}

static void set_null_findings(Model *m)
{
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || fk->table->dropped || !fk->ref)
			continue;
		if (fk->on_delete != FK_SET_NULL && fk->on_delete != FK_SET_DEFAULT)
			continue;
		const char **cols = fk->nset_cols ? fk->set_cols : fk->cols;
		int ncols = fk->nset_cols ? fk->nset_cols : fk->ncols;
		for (int k = 0; k < ncols; k++) {
			const Column *c = table_column(fk->table, cols[k]);
			/* SET DEFAULT on a NOT NULL column with a default is sound. */
			if (!c || !column_not_null(fk->table, c) ||
			    (fk->on_delete == FK_SET_DEFAULT && c->default_expr))
				continue;
			Finding *f = arena_alloc(m->arena, sizeof(*f));
			f->rule = "set-null-not-null";
			f->severity = SEV_ERROR;
			f->schema = fk->table->schema;
			f->table = fk->table->name;
			f->constraint = fk->name;
			f->loc = fk->ref_loc.file ? fk->ref_loc : fk->origin;
			f->fk = fk;
			f->message = arena_printf(m->arena,
			        "%s on NOT NULL column %s.%s (%s): deleting a row of %s fails",
			        words_action(fk->on_delete), disp(m->arena, fk->table), c->name, fk->name,
			        disp(m->arena, fk->ref));
			f->help = arena_printf(m->arena, "ALTER COLUMN %s DROP NOT NULL, or ON DELETE CASCADE",
			                       quote_ident(m->arena, c->name));
			VEC_PUSH(m->arena, m->findings, f);
			break;
		}
	}
}

/* Simple English singular: ies -> y, sses -> ss, s -> "". */
static char *singular(Arena *a, const char *w)
{
	size_t n = strlen(w);
	if (n > 3 && strcmp(w + n - 3, "ies") == 0)
		return arena_printf(a, "%.*sy", (int)(n - 3), w);
	if (n > 4 && strcmp(w + n - 4, "sses") == 0)
		return arena_strndup(a, w, n - 2);
	if (n > 1 && w[n - 1] == 's')
		return arena_strndup(a, w, n - 1);
	return arena_strdup(a, w);
}

/* Glob with '*' only (any text, possibly empty); iterative. */
static bool glob_match(const char *p, const char *s)
{
	const char *star = NULL, *resume = NULL;
	while (*s) {
		if (*p == '*') {
			star = p++;
			resume = s;
		} else if (*p == *s) {
			p++;
			s++;
		} else if (star) {
			p = star + 1;
			s = ++resume;
		} else {
			return false;
		}
	}
	while (*p == '*')
		p++;
	return *p == '\0';
}

static void owner_findings(Model *m, const Analysis *an, const AnalysisOptions *opt)
{
	/* Columns some FK covers, keyed "table id \x1f column". */
	HashMap *covered = hm_new(m->arena);
	for (size_t fi = 0; fi < m->fks.n; fi++) {
		const ForeignKey *fk = m->fks.items[fi];
		if (fk->dropped)
			continue;
		for (int k = 0; k < fk->ncols; k++)
			if (fk->cols[k])
				hm_put(covered, arena_printf(m->arena, "%d\x1f%s", fk->table->id, fk->cols[k]),
				       (void *)fk);
	}
	size_t nr = an->roots.n;
	const char **defpat = arena_alloc(m->arena, (nr + 1) * sizeof(*defpat));
	const char **stem = arena_alloc(m->arena, (nr + 1) * sizeof(*stem));
	for (size_t ri = 0; ri < nr; ri++) {
		stem[ri] = singular(m->arena, an->roots.items[ri]->t->name);
		defpat[ri] = arena_printf(m->arena, "%s_id", stem[ri]);
	}
	for (size_t ti = 0; ti < m->tables.n; ti++) {
		const Table *t = m->tables.items[ti];
		if (t->dropped || t->partition_of)
			continue; /* a partition's FKs are its parent's */
		for (size_t ci = 0; ci < t->cols.n; ci++) {
			const Column *c = t->cols.items[ci];
			if (c->dropped || hm_get(covered, arena_printf(m->arena, "%d\x1f%s", t->id, c->name)))
				continue;
			/* The root it belongs to: the first whose patterns match,
			 * preferring one whose name the column spells (user_id: users). */
			const Root *r = NULL;
			for (size_t ri = 0; ri < nr; ri++) {
				const Root *cand = an->roots.items[ri];
				if (cand->t == t)
					continue;
				const char *const *pats = opt->nowner ? opt->owner_patterns : &defpat[ri];
				int npats = opt->nowner ? opt->nowner : 1;
				bool match = false;
				for (int k = 0; k < npats && !match; k++)
					match = glob_match(pats[k], c->name);
				if (!match)
					continue;
				if (!r)
					r = cand;
				if (strcasestr(c->name, stem[ri])) {
					r = cand;
					break;
				}
			}
			if (!r)
				continue;
			Finding *f = arena_alloc(m->arena, sizeof(*f));
			f->rule = "user-column-no-fk";
			f->severity = SEV_WARNING;
			f->schema = t->schema;
			f->table = t->name;
			f->column = c->name;
			f->loc = t->loc;
			f->root_schema = r->t->schema;
			f->root_table = r->t->name;
			f->message = arena_printf(m->arena,
			        "column %s.%s has no foreign key to %s, so its rows outlive the %s row they belong to",
			        disp(m->arena, t), c->name, disp(m->arena, r->t), disp(m->arena, r->t));
			StrBuf sb = STRBUF_INIT;
			sb_adds(&sb, "+ REFERENCES ");
			if (strcmp(r->t->schema, "public") == 0)
				sb_add_ident(&sb, r->t->name);
			else
				sb_add_qualified(&sb, r->t->schema, r->t->name);
			if (r->ncols == 1) {
				sb_addch(&sb, '(');
				sb_add_ident(&sb, r->cols[0]);
				sb_addch(&sb, ')');
			}
			sb_adds(&sb, " ON DELETE CASCADE");
			f->help = arena_strdup(m->arena, sb.buf);
			sb_release(&sb);
			VEC_PUSH(m->arena, m->findings, f);
		}
	}
}

/*
 * cascade-deletes-other-owners for one root: a table T of the closure has
 * owner columns of its own (an FK to the root, or a column named like an
 * owner column with no FK), and a closure edge e: T -> P (P not the root)
 * that does not carry them onto a pure tuple of P: the cascade through e
 * reaches rows of T whatever their owner, so deleting one owner deletes
 * other owners' rows (at once when the path cascades, once fix makes it
 * cascade otherwise). One finding per edge.
 */
static void shared_findings(Model *m, const Graph *g, const Walk *w, Owners *own,
                            const AnalysisOptions *opt)
{
	Arena *a = m->arena;
	const Root *r = w->root;
	int nk = r->ncols;
	if (nk <= 0)
		return;
	const char *defpat = arena_printf(a, "%s_id", singular(a, r->t->name));
	const char *const *pats = opt->nowner ? opt->owner_patterns : &defpat;
	int npats = opt->nowner ? opt->nowner : 1;
	PGC_VEC(const char **) tuples = {0};
	PGC_VEC(const ForeignKey *) tfks = {0};
	for (int t = 0; t < g->ntables; t++) {
		if (w->level[t] <= 0)
			continue; /* not reached, or the root */
		const Table *T = m->tables.items[t];
		/* T's owner tuples: its FKs to the root key, then name matches. */
		tuples.n = tfks.n = 0;
		for (int i = own->chead[t]; i >= 0; i = own->cnext[i]) {
			const ForeignKey *f = m->fks.items[i];
			if (f->ref != r->t || f->nref_cols != nk)
				continue;
			const char **oc = image(a, f, r->cols, nk);
			if (oc) {
				VEC_PUSH(a, tuples, oc);
				VEC_PUSH(a, tfks, f);
			}
		}
		if (nk == 1)
			for (size_t ci = 0; ci < T->cols.n; ci++) {
				const Column *c = T->cols.items[ci];
				bool match = false, dup = false;
				for (int k = 0; k < npats && !match && !c->dropped; k++)
					match = glob_match(pats[k], c->name);
				for (size_t k = 0; k < tuples.n && match; k++)
					dup |= strcmp(tuples.items[k][0], c->name) == 0;
				if (!match || dup)
					continue;
				const char **oc = arena_alloc(a, 2 * sizeof(*oc));
				oc[0] = c->name;
				VEC_PUSH(a, tuples, oc);
				VEC_PUSH(a, tfks, NULL);
			}
		if (tuples.n == 0)
			continue;
		for (int k = g->out_off[t]; k < g->out_off[t + 1]; k++) {
			const ForeignKey *e = g->out[k];
			if (e->ref == r->t || w->level[e->ref->id] < 0)
				continue;
			/* The first owner tuple e does not carry onto a pure tuple of P. */
			size_t bad = tuples.n;
			for (size_t q = 0; q < tuples.n && bad == tuples.n; q++) {
				bool tied = false;
				for (int u = own->head[e->ref->id]; u >= 0 && !tied; u = own->tuples.items[u].next)
					tied = own->tuples.items[u].pure && maps(e, tuples.items[q], own->tuples.items[u].cols, nk);
				if (!tied)
					bad = q;
			}
			if (bad == tuples.n)
				continue;
			int n = w->level[e->ref->id] + 1;
			const ForeignKey **path = edge_path(m, w, e);
			StrBuf cols = STRBUF_INIT;
			for (int i = 0; i < nk; i++)
				sb_addf(&cols, "%s%s", i ? ", " : "", tuples.items[bad][i]);
			StrBuf sb = STRBUF_INIT;
			add_path_text(&sb, r, path, n);
			sb_addf(&sb, ": deleting a row of %s also deletes the rows of %s that belong to other "
			        "%s (%s.%s)%s", disp(a, r->t), disp(a, T), r->t->name, disp(a, T), cols.buf,
			        e->on_delete == FK_CASCADE ? "" : ", once this edge cascades");
			Finding *f = arena_alloc(a, sizeof(*f));
			f->rule = "cascade-deletes-other-owners";
			f->severity = SEV_WARNING;
			f->schema = T->schema;
			f->table = T->name;
			f->constraint = e->name;
			f->depth = n;
			f->message = arena_strdup(a, sb.buf);
			f->loc = e->ref_loc.file ? e->ref_loc : e->origin;
			f->path = arena_alloc(a, (size_t)(n + 1) * sizeof(*f->path));
			for (int i = 0; i < n; i++)
				f->path[i] = path[i]->name;
			f->npath = n;
			f->fk = e;
			f->start_fk = path[0];
			f->owner_column = arena_strdup(a, cols.buf);
			f->root_schema = r->t->schema;
			f->root_table = r->t->name;
			const ForeignKey *st = path[0];
			bool nullable = st->on_delete != FK_SET_NULL;
			for (int i = 0; i < st->ncols && nullable; i++) {
				const Column *c = table_column(st->table, st->cols[i]);
				nullable = c && !column_not_null(st->table, c);
			}
			if (nullable)
				f->help = arena_printf(a, "ON DELETE SET NULL on %s (%s) keeps the shared %s rows "
				                       "(pgcascade fix --shared-parent=set-null)",
				                       disp(a, st->table), st->name, disp(a, st->table));
			else
				f->help = arena_printf(a, "decide: tie %s to its owner with a composite key, or keep "
				                       "the shared %s rows (%s (%s) is NOT NULL)",
				                       disp(a, T), disp(a, st->table), disp(a, st->table), st->name);
			sb_release(&sb);
			sb_release(&cols);
			VEC_PUSH(a, m->findings, f);
		}
	}
}

static int strcmp0(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *a, const void *b)
{
	const Finding *x = *(Finding *const *)a, *y = *(Finding *const *)b;
	int c = strcmp0(x->loc.file, y->loc.file);
	if (!c)
		c = x->loc.line - y->loc.line;
	if (!c)
		c = x->loc.col - y->loc.col;
	if (!c)
		c = strcmp(x->rule, y->rule);
	if (!c)
		c = strcmp0(x->constraint, y->constraint);
	if (!c)
		c = strcmp0(x->schema, y->schema);
	if (!c)
		c = strcmp0(x->table, y->table);
	if (!c)
		c = strcmp0(x->message, y->message);
	return c;
}

int analyze(Model *m, const AnalysisOptions *opt, Analysis *out, Err *err)
{
	memset(out, 0, sizeof(*out));
	static const char *const default_root[] = {"users"};
	const char *const *specs = opt && opt->nroots ? opt->roots : default_root;
	int nspecs = opt && opt->nroots ? opt->nroots : 1;
	AnalysisOptions none = {0};
	if (!opt)
		opt = &none;
	for (int i = 0; i < nspecs; i++) {
		Root *r = arena_alloc(m->arena, sizeof(*r));
		if (root_parse(m->arena, specs[i], r, err) < 0 || resolve_root(m, r, err) < 0)
			return -1;
		bool dup = false;
		for (size_t k = 0; k < out->roots.n; k++)
			dup |= out->roots.items[k]->t == r->t;
		if (!dup)
			VEC_PUSH(m->arena, out->roots, r);
	}
	Graph g;
	graph_build(m, &g);
	out->ntables = g.ntables;
	out->in_closure = arena_alloc(m->arena, (size_t)g.ntables + 1);

	/* Analysis findings go into a scratch vector of the model, then into out. */
	size_t loader_n = m->findings.n;
	unsigned char *done = arena_alloc(m->arena, m->fks.n + 1);
	int *stamp = arena_alloc(m->arena, (size_t)(g.ntables + 1) * sizeof(int));
	const ForeignKey **queue = arena_alloc(m->arena, (size_t)(g.in_off[g.ntables] + 1) * sizeof(*queue));
	int gen = 0;
	long budget = SIMULATION_BUDGET;
	for (size_t i = 0; i < out->roots.n; i++) {
		Walk w;
		closure_walk(m, &g, out->roots.items[i], &w);
		closure_entries(m, &g, &w, out);
		Owners own;
		owners_build(m, &g, &w, &own);
		blocks_findings(m, &g, &w, &own, done, stamp, &gen, queue, &budget);
		shared_findings(m, &g, &w, &own, opt);
	}
	closure_sort(out);
	set_null_findings(m);
	owner_findings(m, out, opt);

	/* Loader findings stay in the model; analysis findings move out of it. */
	for (size_t i = 0; i < m->findings.n; i++)
		VEC_PUSH(m->arena, out->findings, m->findings.items[i]);
	m->findings.n = loader_n;
	if (out->findings.n > 1)
		qsort(out->findings.items, out->findings.n, sizeof(*out->findings.items), cmp_finding);
	for (size_t i = 0; i < out->findings.n; i++) {
		Severity s = out->findings.items[i]->severity;
		out->nerrors += s == SEV_ERROR;
		out->nwarnings += s == SEV_WARNING;
	}
	return 0;
}
