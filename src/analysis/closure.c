/*
 * closure.c - the deletion closure of a root.
 *
 * DELETE FROM root reaches every table linked to it by a chain of FKs
 * whose ON DELETE is CASCADE, NO ACTION or RESTRICT (a blocking edge is
 * part of the closure: its rows are what stops the delete). SET NULL
 * and SET DEFAULT keep the child row, so the walk stops there.
 *
 * The walk is breadth-first with an explicit queue over compressed
 * adjacency arrays: linear in tables + FKs, safe on cycles,
 * self-references and 500-table chains.
 */
#include "analysis/graph.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool closure_edge(const ForeignKey *fk)
{
	if (fk->dropped || !fk->table || !fk->ref || fk->table->dropped || fk->ref->dropped)
		return false;
	return fk->on_delete == FK_CASCADE || fk->on_delete == FK_NO_ACTION ||
	       fk->on_delete == FK_RESTRICT;
}

static int cmp_seq(const void *a, const void *b)
{
	const ForeignKey *x = *(const ForeignKey *const *)a, *y = *(const ForeignKey *const *)b;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->id - y->id;
}

/* Live: seq is pg_constraint.oid, and PostgreSQL fires a table's triggers
 * in name order. The ON DELETE trigger of an FK is named
 * "RI_ConstraintTrigger_a_<trigger oid>", the trigger being created right
 * after its constraint (oid + 1, as pg_trigger shows), so the order is
 * that of the decimal text of oid + 1. */
static int cmp_seq_text(const void *a, const void *b)
{
	const ForeignKey *x = *(const ForeignKey *const *)a, *y = *(const ForeignKey *const *)b;
	char sx[32], sy[32];
	snprintf(sx, sizeof(sx), "%ld", x->seq + 1);
	snprintf(sy, sizeof(sy), "%ld", y->seq + 1);
	int c = strcmp(sx, sy);
	return c ? c : x->id - y->id;
}

void graph_build(Model *m, Graph *g)
{
	int nt = (int)m->tables.n;
	g->ntables = nt;
	g->in_off = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	g->out_off = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	size_t ne = 0;
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (!closure_edge(fk))
			continue;
		g->in_off[fk->ref->id + 1]++;
		g->out_off[fk->table->id + 1]++;
		ne++;
	}
	for (int i = 0; i < nt; i++) {
		g->in_off[i + 1] += g->in_off[i];
		g->out_off[i + 1] += g->out_off[i];
	}
	g->in = arena_alloc(m->arena, (ne + 1) * sizeof(*g->in));
	g->out = arena_alloc(m->arena, (ne + 1) * sizeof(*g->out));
	int *fill_in = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	int *fill_out = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	memcpy(fill_in, g->in_off, (size_t)(nt + 1) * sizeof(int));
	memcpy(fill_out, g->out_off, (size_t)(nt + 1) * sizeof(int));
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (!closure_edge(fk))
			continue;
		g->in[fill_in[fk->ref->id]++] = fk;
		g->out[fill_out[fk->table->id]++] = fk;
	}
	/* PostgreSQL queues a row's RI triggers in trigger-name order, and the
	 * names carry the trigger OID: creation order. */
	for (int i = 0; i < nt; i++)
		if (g->in_off[i + 1] - g->in_off[i] > 1)
			qsort(g->in + g->in_off[i], (size_t)(g->in_off[i + 1] - g->in_off[i]),
			      sizeof(*g->in), m->live ? cmp_seq_text : cmp_seq);
}

/* Deterministic tie-break between two edges reaching the same table at the
 * same depth: parent schema, parent name, constraint name (not seq, so
 * that static and live loading agree). */
static bool edge_before(const ForeignKey *a, const ForeignKey *b)
{
	int c = strcmp(a->ref->schema, b->ref->schema);
	if (!c)
		c = strcmp(a->ref->name, b->ref->name);
	if (!c)
		c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	return c < 0;
}

void closure_walk(Model *m, const Graph *g, Root *r, Walk *w)
{
	int nt = g->ntables;
	w->root = r;
	w->level = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	w->first = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(*w->first));
	for (int i = 0; i < nt; i++)
		w->level[i] = -1;
	int *queue = arena_alloc(m->arena, (size_t)(nt + 1) * sizeof(int));
	int head = 0, tail = 0;
	w->level[r->t->id] = 0;
	queue[tail++] = r->t->id;
	while (head < tail) {
		int p = queue[head++];
		for (int k = g->in_off[p]; k < g->in_off[p + 1]; k++) {
			const ForeignKey *fk = g->in[k];
			int c = fk->table->id;
			if (w->level[c] < 0) {
				w->level[c] = w->level[p] + 1;
				w->first[c] = fk;
				queue[tail++] = c;
			} else if (w->level[c] == w->level[p] + 1 && w->first[c] && edge_before(fk, w->first[c])) {
				w->first[c] = fk;
			}
		}
	}
}

static int cmp_name(const void *a, const void *b)
{
	const ForeignKey *x = *(const ForeignKey *const *)a, *y = *(const ForeignKey *const *)b;
	int c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	if (!c)
		c = strcmp(x->ref->schema, y->ref->schema);
	if (!c)
		c = strcmp(x->ref->name, y->ref->name);
	return c ? c : x->id - y->id;
}

void closure_entries(Model *m, const Graph *g, const Walk *w, Analysis *an)
{
	for (int t = 0; t < g->ntables; t++) {
		if (w->level[t] <= 0)
			continue; /* not reached, or the root itself */
		ClosureEntry *e = arena_alloc(m->arena, sizeof(*e));
		e->root = w->root;
		e->table = m->tables.items[t];
		e->depth = w->level[t];
		int n = 0;
		for (int k = g->out_off[t]; k < g->out_off[t + 1]; k++)
			n += w->level[g->out[k]->ref->id] >= 0;
		e->via = arena_alloc(m->arena, (size_t)(n + 1) * sizeof(*e->via));
		for (int k = g->out_off[t]; k < g->out_off[t + 1]; k++)
			if (w->level[g->out[k]->ref->id] >= 0)
				e->via[e->nvia++] = g->out[k];
		if (e->nvia > 1)
			qsort(e->via, (size_t)e->nvia, sizeof(*e->via), cmp_name);
		VEC_PUSH(m->arena, an->closure, e);
		an->in_closure[t] = 1;
	}
	an->in_closure[w->root->t->id] = 1;
}

static int root_index(const Analysis *an, const Root *r)
{
	for (size_t i = 0; i < an->roots.n; i++)
		if (an->roots.items[i] == r)
			return (int)i;
	return 0;
}

static const Analysis *sort_an; /* qsort has no context argument in C11 */

static int cmp_entry(const void *a, const void *b)
{
	const ClosureEntry *x = *(ClosureEntry *const *)a, *y = *(ClosureEntry *const *)b;
	int c = root_index(sort_an, x->root) - root_index(sort_an, y->root);
	if (!c)
		c = x->depth - y->depth;
	if (!c)
		c = strcmp(x->table->schema, y->table->schema);
	if (!c)
		c = strcmp(x->table->name, y->table->name);
	return c;
}

void closure_sort(Analysis *an)
{
	if (an->closure.n < 2)
		return;
	sort_an = an;
	qsort(an->closure.items, an->closure.n, sizeof(*an->closure.items), cmp_entry);
	sort_an = NULL;
}

bool analysis_in_closure(const Analysis *an, const Table *t)
{
	return t && an->in_closure && t->id >= 0 && t->id < an->ntables && an->in_closure[t->id];
}
