/*
 * text.c - the default audit output: a short summary a person reads
 * (roots, foreign keys, closure size by depth, findings), then one line
 * per finding in gcc form. Colour only when asked (the CLI resolves
 * --color=auto against isatty).
 */
#include "report/internal.h"

#include <string.h>

static const char *disp_root(Model *m, const Root *r)
{
	if (strcmp(r->t->schema, "public") == 0)
		return r->t->name;
	return arena_printf(m->arena, "%s.%s", r->t->schema, r->t->name);
}

int report_text(FILE *out, Model *m, const Analysis *an, bool color, Err *err)
{
	size_t nfk = 0;
	for (size_t i = 0; i < m->fks.n; i++)
		nfk += !m->fks.items[i]->dropped;
	for (size_t i = 0; i < an->roots.n; i++) {
		const Root *r = an->roots.items[i];
		int ntab = 0, nedge = 0, maxd = 0, nblock = 0;
		for (size_t k = 0; k < an->closure.n; k++) {
			const ClosureEntry *e = an->closure.items[k];
			if (e->root != r)
				continue;
			ntab++;
			nedge += e->nvia;
			if (e->depth > maxd)
				maxd = e->depth;
		}
		for (size_t k = 0; k < an->findings.n; k++) {
			const Finding *f = an->findings.items[k];
			nblock += strcmp(f->rule, "fk-blocks-delete") == 0 && f->root_table &&
			          strcmp(f->root_table, r->t->name) == 0 && strcmp(f->root_schema, r->t->schema) == 0;
		}
		fprintf(out, "root %s", disp_root(m, r));
		if (r->ncols) {
			fputs(" (", out);
			for (int c = 0; c < r->ncols; c++)
				fprintf(out, "%s%s", c ? ", " : "", r->cols[c]);
			fputc(')', out);
		}
		fprintf(out, ": %d table%s in the deletion closure", ntab, ntab == 1 ? "" : "s");
		if (ntab) {
			fputs(" (", out);
			for (int d = 1; d <= maxd; d++) {
				int n = 0;
				for (size_t k = 0; k < an->closure.n; k++)
					n += an->closure.items[k]->root == r && an->closure.items[k]->depth == d;
				fprintf(out, "%sdepth %d: %d", d > 1 ? ", " : "", d, n);
			}
			fputc(')', out);
		}
		/* The graphs also draw the SET NULL / SET DEFAULT edges into the
		 * closure (dashed): name them, so that the counts agree. */
		int nstop = 0;
		for (size_t k = 0; k < m->fks.n; k++) {
			const ForeignKey *fk = m->fks.items[k];
			if (!fk->ref || (fk->on_delete != FK_SET_NULL && fk->on_delete != FK_SET_DEFAULT))
				continue;
			bool in = fk->ref == r->t;
			for (size_t j = 0; !in && j < an->closure.n; j++)
				in = an->closure.items[j]->root == r && an->closure.items[j]->table == fk->ref;
			nstop += in;
		}
		fprintf(out, ", %d foreign key%s inside it", nedge, nedge == 1 ? "" : "s");
		if (nstop)
			fprintf(out, " (and %d SET NULL/SET DEFAULT edge%s into it)", nstop, nstop == 1 ? "" : "s");
		fprintf(out, ", %d blocking the delete\n", nblock);
	}
	int ninfo = (int)an->findings.n - an->nerrors - an->nwarnings;
	fprintf(out, "%zu foreign key%s in the schema; %zu finding%s: %d error%s, %d warning%s, %d info\n",
	        nfk, nfk == 1 ? "" : "s", an->findings.n, an->findings.n == 1 ? "" : "s",
	        an->nerrors, an->nerrors == 1 ? "" : "s", an->nwarnings, an->nwarnings == 1 ? "" : "s", ninfo);
	if (an->findings.n)
		fputc('\n', out);
	for (size_t i = 0; i < an->findings.n; i++) {
		report_finding_gcc(out, an->findings.items[i], color);
		fputc('\n', out);
	}
	return report_check(out, err);
}
