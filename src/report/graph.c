/*
 * graph.c - --format dot and --format mermaid: the closure graph.
 *
 * Nodes are the roots (bold), the tables of their closures and the
 * tables a SET NULL / SET DEFAULT edge keeps out of it (dashed). Each
 * edge goes from child to parent, labelled with its constraint and
 * ON DELETE action; edges that block the delete are red. Sorted by
 * schema, table and constraint name, so the output is deterministic.
 */
#include "report/internal.h"
#include "report/words.h"
#include "util/strbuf.h"

#include <string.h>

typedef struct Drawing {
	unsigned char *node;     /* by Table.id: 0 none, 1 closure, 2 root, 3 kept out */
	unsigned char *edge;     /* by ForeignKey.id: 0 none, 1 closure, 2 blocker, 3 stop */
	Table **tables;
	size_t ntables;
	ForeignKey **fks;
	size_t nfks;
} Drawing;

static void drawing_build(Model *m, const Analysis *an, Drawing *d)
{
	d->node = arena_alloc(m->arena, m->tables.n + 1);
	d->edge = arena_alloc(m->arena, m->fks.n + 1);
	for (size_t i = 0; i < an->closure.n; i++) {
		const ClosureEntry *e = an->closure.items[i];
		d->node[e->table->id] = 1;
		for (int k = 0; k < e->nvia; k++)
			d->edge[e->via[k]->id] = 1;
	}
	for (size_t i = 0; i < an->roots.n; i++)
		d->node[an->roots.items[i]->t->id] = 2;
	/* Edges into a root from the root itself (self-references) and
	 * blocking edges are closure edges too. */
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (f->fk && strcmp(f->rule, "fk-blocks-delete") == 0)
			d->edge[f->fk->id] = 2;
	}
	d->tables = model_sorted_tables(m, &d->ntables);
	d->fks = model_sorted_fks(m, &d->nfks);
	for (size_t i = 0; i < d->nfks; i++) {
		const ForeignKey *fk = d->fks[i];
		if (!fk->ref)
			continue; /* a loader left the reference unresolved */
		if ((fk->on_delete == FK_SET_NULL || fk->on_delete == FK_SET_DEFAULT) && d->node[fk->ref->id]) {
			d->edge[fk->id] = 3;
			if (!d->node[fk->table->id])
				d->node[fk->table->id] = 3;
		}
	}
}

static void dot_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static const char *qual(Model *m, const Table *t)
{
	return arena_printf(m->arena, "%s.%s", t->schema, t->name);
}

/* A node's label: the table as every report names it (words_table). */
static const char *node_label(Model *m, const Table *t)
{
	StrBuf sb = STRBUF_INIT;
	words_table(&sb, t->schema, t->name);
	char *s = arena_strdup(m->arena, sb.buf);
	sb_release(&sb);
	return s;
}

int report_dot(FILE *out, Model *m, const Analysis *an, Err *err)
{
	Drawing d;
	drawing_build(m, an, &d);
	fputs("digraph closure {\n"
	      "  rankdir=RL;\n"
	      "  node [shape=box, fontname=\"Helvetica\"];\n"
	      "  edge [fontname=\"Helvetica\", fontsize=10];\n", out);
	for (size_t i = 0; i < d.ntables; i++) {
		const Table *t = d.tables[i];
		if (!d.node[t->id])
			continue;
		fputs("  ", out);
		dot_string(out, qual(m, t));
		fputs(" [label=", out);
		dot_string(out, node_label(m, t));
		if (d.node[t->id] == 2)
			fputs(", style=bold, penwidth=2", out);
		else if (d.node[t->id] == 3)
			fputs(", style=dashed, color=gray40, fontcolor=gray40", out);
		fputs("];\n", out);
	}
	for (size_t i = 0; i < d.nfks; i++) {
		const ForeignKey *fk = d.fks[i];
		int kind = d.edge[fk->id];
		if (!kind || !fk->ref)
			continue;
		fputs("  ", out);
		dot_string(out, qual(m, fk->table));
		fputs(" -> ", out);
		dot_string(out, qual(m, fk->ref));
		fputs(" [label=", out);
		dot_string(out, arena_printf(m->arena, "%s\n%s", fk->name, words_action(fk->on_delete)));
		if (kind == 2)
			fputs(", color=red, fontcolor=red, penwidth=2", out);
		else if (kind == 3)
			fputs(", style=dashed, color=gray40, fontcolor=gray40", out);
		fputs("];\n", out);
	}
	fputs("}\n", out);
	return report_check(out, err);
}

/* Mermaid labels sit inside "..."; entity codes stand for the quote. */
static void mermaid_label(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputs("#quot;", out);
		else if (*s == '\n')
			fputs("<br/>", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

int report_mermaid(FILE *out, Model *m, const Analysis *an, Err *err)
{
	Drawing d;
	drawing_build(m, an, &d);
	fputs("flowchart RL\n", out);
	for (size_t i = 0; i < d.ntables; i++) {
		const Table *t = d.tables[i];
		if (!d.node[t->id])
			continue;
		fprintf(out, "  t%d[", t->id);
		mermaid_label(out, node_label(m, t));
		fputs("]\n", out);
	}
	int link = 0;
	StrBuf red = STRBUF_INIT, stop = STRBUF_INIT;
	for (size_t i = 0; i < d.nfks; i++) {
		const ForeignKey *fk = d.fks[i];
		int kind = d.edge[fk->id];
		if (!kind || !fk->ref)
			continue;
		fprintf(out, "  t%d %s|", fk->table->id, kind == 3 ? "-.->" : "-->");
		mermaid_label(out, arena_printf(m->arena, "%s: %s", fk->name, words_action(fk->on_delete)));
		fprintf(out, "| t%d\n", fk->ref->id);
		if (kind == 2)
			sb_addf(&red, "%s%d", red.len ? "," : "", link);
		else if (kind == 3)
			sb_addf(&stop, "%s%d", stop.len ? "," : "", link);
		link++;
	}
	if (red.len)
		fprintf(out, "  linkStyle %s stroke:red,stroke-width:2px,color:red\n", red.buf);
	if (stop.len)
		fprintf(out, "  linkStyle %s stroke:gray,stroke-dasharray:4\n", stop.buf);
	for (size_t i = 0; i < an->roots.n; i++)
		fprintf(out, "  style t%d stroke-width:3px\n", an->roots.items[i]->t->id);
	for (size_t i = 0; i < d.ntables; i++)
		if (d.node[d.tables[i]->id] == 3)
			fprintf(out, "  style t%d stroke-dasharray:4\n", d.tables[i]->id);
	sb_release(&red);
	sb_release(&stop);
	return report_check(out, err);
}
