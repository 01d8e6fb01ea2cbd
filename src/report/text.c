/*
 * text.c - the default audit output: a short summary a person reads
 * (roots, foreign keys, closure size by depth, findings), then one line
 * per finding in gcc form. Colour only when asked (the CLI resolves
 * --color=auto against isatty).
 */
#include "report/internal.h"
#include "report/words.h"

#include <string.h>

int report_text(FILE *out, Model *m, const Analysis *an, bool color, Err *err)
{
	StrBuf sb = STRBUF_INIT;
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
		sb_reset(&sb);
		sb_adds(&sb, "root ");
		words_table(&sb, r->t->schema, r->t->name);
		if (r->ncols) {
			sb_adds(&sb, " (");
			for (int c = 0; c < r->ncols; c++)
				sb_addf(&sb, "%s%s", c ? ", " : "", r->cols[c]);
			sb_addch(&sb, ')');
		}
		sb_adds(&sb, ": ");
		words_count(&sb, ntab, "table", "tables");
		sb_adds(&sb, " in the deletion closure");
		if (ntab) {
			sb_adds(&sb, " (");
			for (int d = 1; d <= maxd; d++) {
				int n = 0;
				for (size_t k = 0; k < an->closure.n; k++)
					n += an->closure.items[k]->root == r && an->closure.items[k]->depth == d;
				sb_addf(&sb, "%sdepth %d: %d", d > 1 ? ", " : "", d, n);
			}
			sb_addch(&sb, ')');
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
		sb_adds(&sb, ", ");
		words_count(&sb, nedge, "foreign key", "foreign keys");
		sb_adds(&sb, " inside it");
		if (nstop) {
			sb_adds(&sb, " (and ");
			words_count(&sb, nstop, "SET NULL/SET DEFAULT edge", "SET NULL/SET DEFAULT edges");
			sb_adds(&sb, " into it)");
		}
		sb_addf(&sb, ", %d blocking the delete\n", nblock);
		fputs(sb.buf, out);
	}
	int ninfo = (int)an->findings.n - an->nerrors - an->nwarnings;
	sb_reset(&sb);
	words_count(&sb, (long)nfk, "foreign key", "foreign keys");
	sb_adds(&sb, " in the schema; ");
	words_count(&sb, (long)an->findings.n, "finding", "findings");
	sb_adds(&sb, ": ");
	words_findings(&sb, an->nerrors, an->nwarnings, ninfo);
	sb_addch(&sb, '\n');
	fputs(sb.buf, out);
	sb_release(&sb);
	if (an->findings.n)
		fputc('\n', out);
	for (size_t i = 0; i < an->findings.n; i++) {
		report_finding_gcc(out, an->findings.items[i], color);
		fputc('\n', out);
	}
	return report_check(out, err);
}
