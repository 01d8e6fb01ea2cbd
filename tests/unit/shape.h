/*
 * shape.h - hand-built models for the analysis and report unit tests.
 *
 * shape_table() makes a table with an "id" primary key; shape_fk() adds
 * a column and a single-column FK to parent(id). Creation order is call
 * order, as it is for replayed migrations. shape_load() reads the same
 * from a line format (used by t0200-blocks.sh before a loader lands):
 *   t SCHEMA TABLE
 *   f NAME SCHEMA CHILD COLUMN SCHEMA PARENT ACTION [deferred] [seq=N]
 *   live
 * ACTION is pg_constraint.confdeltype: a r c n d; seq=N sets the FK's
 * creation order (pg_constraint.oid in live mode); "live" marks the model
 * as read from a catalog.
 */
#ifndef PGC_TEST_SHAPE_H
#define PGC_TEST_SHAPE_H

#include "model/model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline SrcLoc shape_loc(Model *m, int line)
{
	SrcLoc l = {arena_strdup(m->arena, "shape.sql"), line, 1, 0};
	return l;
}

static inline Table *shape_table_in(Model *m, const char *schema, const char *name)
{
	Table *t = model_add_table(m, schema, name, shape_loc(m, (int)m->tables.n + 1));
	Column *c = model_add_column(m, t, "id", "integer");
	c->not_null = true;
	Index *ix = arena_alloc(m->arena, sizeof(*ix));
	ix->name = arena_printf(m->arena, "%s_pkey", name);
	ix->table = t;
	ix->cols = arena_alloc(m->arena, sizeof(*ix->cols));
	ix->cols[0] = "id";
	ix->ncols = 1;
	ix->unique = ix->primary = ix->is_constraint = true;
	model_add_index(m, ix, schema);
	t->pk = ix;
	return t;
}

static inline Table *shape_table(Model *m, const char *name)
{
	return shape_table_in(m, "public", name);
}

static inline ForeignKey *shape_fk(Model *m, const char *name, Table *child, const char *col,
                            Table *parent, char action)
{
	if (!table_column(child, col))
		model_add_column(m, child, col, "integer");
	ForeignKey *fk = model_add_fk(m, child, name);
	fk->cols = arena_alloc(m->arena, sizeof(*fk->cols));
	fk->cols[0] = arena_strdup(m->arena, col);
	fk->ncols = 1;
	fk->ref = parent;
	fk->ref_cols = arena_alloc(m->arena, sizeof(*fk->ref_cols));
	fk->ref_cols[0] = "id";
	fk->nref_cols = 1;
	fk->on_delete = action;
	fk->origin = shape_loc(m, 1000 + fk->id);
	fk->ref_loc = fk->origin;
	return fk;
}

/* Reads a shape file into m; returns 0, or -1 on a malformed line. */
static inline int shape_load(Model *m, FILE *f)
{
	char line[1024];
	while (fgets(line, sizeof(line), f)) {
		char a[8], n[128], s1[128], t1[128], col[128], s2[128], t2[128], act[8];
		int used = 0;
		if (sscanf(line, "t %127s %127s", s1, t1) == 2) {
			shape_table_in(m, s1, t1);
		} else if (sscanf(line, "f %127s %127s %127s %127s %127s %127s %7s%n", n, s1, t1, col, s2,
		                  t2, act, &used) == 7) {
			Table *c = model_find_table(m, s1, t1), *p = model_find_table(m, s2, t2);
			if (!c || !p)
				return -1;
			ForeignKey *fk = shape_fk(m, n, c, col, p, act[0]);
			char opt[64];
			int more = 0;
			for (const char *rest = line + used; sscanf(rest, "%63s%n", opt, &more) == 1; rest += more) {
				if (strcmp(opt, "deferred") == 0)
					fk->deferrable = fk->initially_deferred = true;
				else if (strncmp(opt, "seq=", 4) == 0)
					fk->seq = atol(opt + 4);
				else
					return -1;
			}
		} else if (strncmp(line, "live", 4) == 0) {
			m->live = true;
		} else if (sscanf(line, "%7s", a) == 1 && a[0] != '#') {
			return -1;
		}
	}
	return 0;
}

#endif
