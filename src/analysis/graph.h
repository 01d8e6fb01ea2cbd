/*
 * graph.h - private to src/analysis: the FK graph the closure walks.
 *
 * Closure edges are the live FKs whose ON DELETE is CASCADE, NO ACTION
 * or RESTRICT. They are stored twice in compressed adjacency arrays:
 * by parent (the direction a DELETE travels), in creation order (seq),
 * which is the order PostgreSQL queues their triggers for one row; and
 * by child.
 */
#ifndef PGC_ANALYSIS_GRAPH_H
#define PGC_ANALYSIS_GRAPH_H

#include "analysis/analysis.h"

typedef struct Graph {
	int ntables;
	int *in_off;                /* [ntables+1]: edges whose parent is table i */
	const ForeignKey **in;
	int *out_off;               /* [ntables+1]: edges whose child is table i */
	const ForeignKey **out;
} Graph;

/* One root's walk: level[i] is table i's shortest distance (-1: not reached). */
typedef struct Walk {
	Root *root;
	int *level;
	const ForeignKey **first;   /* deterministic first edge on a shortest path */
} Walk;

bool closure_edge(const ForeignKey *fk);
void graph_build(Model *m, Graph *g);
void closure_walk(Model *m, const Graph *g, Root *r, Walk *w);
/* Appends r's closure entries to an->closure. */
void closure_entries(Model *m, const Graph *g, const Walk *w, Analysis *an);
/* Sorts an->closure (root order, depth, schema, table). */
void closure_sort(Analysis *an);

#endif
