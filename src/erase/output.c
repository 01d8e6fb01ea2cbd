/*
 * output.c - the erase plan as a text table or JSON (schema:
 * doc/schema/erase-plan.schema.json).
 *
 * One line per table: the erased tables in plan order (parents first),
 * then the tables that only see columns set to NULL.
 */
#include "erase/erase.h"
#include "exitcodes.h"
#include "report/words.h"

#include <json-c/json.h>
#include <string.h>

typedef struct Row {
	const Table *t;
	long del, anon, retain, other_removed, other_nulled, nulled;
} Row;

static int rows_of(const ErasePlan *p, Row **out)
{
	size_t cap = p->nodes.n + p->nulls.n;
	Row *rows = arena_alloc(p->a, (cap + 1) * sizeof(*rows));
	int n = 0;
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *e = p->nodes.items[i];
		Row r = {e->t, 0, 0, 0, e->other_removed, e->other_nulled, 0};
		if (e->retain)
			r.retain = e->rows;
		else if (e->anonymize)
			r.anon = e->rows;
		else
			r.del = e->rows;
		rows[n++] = r;
	}
	for (size_t i = 0; i < p->nulls.n; i++) {
		const NullEdge *ne = p->nulls.items[i];
		int k;
		for (k = 0; k < n && rows[k].t != ne->child; k++)
			;
		if (k == n) {
			Row r = {ne->child, 0, 0, 0, 0, 0, 0};
			rows[n++] = r;
		}
		rows[k].nulled += ne->rows;
		if (!ne->child_node && !ne->parent->root)
			rows[k].other_nulled += ne->rows;
	}
	*out = rows;
	return n;
}

void erase_print_text(FILE *f, const ErasePlan *p)
{
	Row *rows;
	int n = rows_of(p, &rows);
	int w = 5;
	for (int i = 0; i < n; i++) {
		int l = (int)strlen(erase_table_name(p, rows[i].t));
		if (l > w)
			w = l;
	}
	fprintf(f, "erase plan for %s, key", erase_table_name(p, p->root->t));
	for (int k = 0; k < p->nkey; k++)
		fprintf(f, "%s %s = %s", k ? "," : "", p->key_cols[k], p->key_vals[k]);
	fprintf(f, "\n\n%-*s  %9s  %9s  %9s  %13s  %12s\n", w, "table", "delete", "anonymize", "retain",
	        "other_removed", "other_nulled");
	long td = 0, ta = 0, tr = 0, to = 0, tn = 0;
	for (int i = 0; i < n; i++) {
		const Row *r = &rows[i];
		fprintf(f, "%-*s  %9ld  %9ld  %9ld  %13ld  %12ld\n", w, erase_table_name(p, r->t), r->del, r->anon,
		        r->retain, r->other_removed, r->other_nulled);
		td += r->del;
		ta += r->anon;
		tr += r->retain;
		to += r->other_removed;
		tn += r->other_nulled;
	}
	fprintf(f, "%-*s  %9ld  %9ld  %9ld  %13ld  %12ld\n", w, "total", td, ta, tr, to, tn);
	bool any = false;
	for (size_t i = 0; i < p->edges.n; i++) {
		const EraseEdge *e = p->edges.items[i];
		if (e->cascades || e->child->anonymize || p->skip_blockers)
			continue;
		if (!any)
			fprintf(f, "\nblocking edges (ON DELETE NO ACTION / RESTRICT):\n");
		any = true;
		StrBuf edge = STRBUF_INIT;
		words_edge(&edge, e->fk);
		fprintf(f, "  %s: %s: %ld %s\n", edge.buf, words_action(e->fk->on_delete), e->blocking,
		        words_noun(e->blocking, "row would block", "rows would block"));
		sb_release(&edge);
	}
	if (p->blocking_rows > 0)
		fprintf(f, "\nA plain DELETE fails: run with --order-deletes (children before parents) or apply `pgcascade fix`.\n");
}

int erase_print_json(FILE *f, const ErasePlan *p, Err *err)
{
	Row *rows;
	int n = rows_of(p, &rows);
	json_object *o = json_object_new_object();
	json_object *root = json_object_new_object();
	json_object_object_add(root, "schema", json_object_new_string(p->root->t->schema));
	json_object_object_add(root, "table", json_object_new_string(p->root->t->name));
	json_object *kc = json_object_new_array();
	for (int k = 0; k < p->nkey; k++)
		json_object_array_add(kc, json_object_new_string(p->key_cols[k]));
	json_object_object_add(root, "key_columns", kc);
	json_object_object_add(o, "root", root);
	json_object *tables = json_object_new_array();
	for (int i = 0; i < n; i++) {
		const Row *r = &rows[i];
		json_object *t = json_object_new_object();
		json_object_object_add(t, "schema", json_object_new_string(r->t->schema));
		json_object_object_add(t, "table", json_object_new_string(r->t->name));
		json_object_object_add(t, "delete", json_object_new_int64(r->del));
		json_object_object_add(t, "anonymize", json_object_new_int64(r->anon));
		json_object_object_add(t, "retain", json_object_new_int64(r->retain));
		json_object_object_add(t, "other_removed", json_object_new_int64(r->other_removed));
		json_object_object_add(t, "other_nulled", json_object_new_int64(r->other_nulled));
		json_object_object_add(t, "nulled", json_object_new_int64(r->nulled));
		json_object_array_add(tables, t);
	}
	json_object_object_add(o, "tables", tables);
	json_object *bl = json_object_new_array();
	for (size_t i = 0; i < p->edges.n; i++) {
		const EraseEdge *e = p->edges.items[i];
		if (e->cascades || e->child->anonymize)
			continue;
		json_object *b = json_object_new_object();
		json_object_object_add(b, "constraint", json_object_new_string(e->fk->name));
		json_object_object_add(b, "schema", json_object_new_string(e->child->t->schema));
		json_object_object_add(b, "table", json_object_new_string(e->child->t->name));
		json_object_object_add(b, "on_delete", json_object_new_string(fk_action_name(e->fk->on_delete)));
		json_object_object_add(b, "rows", json_object_new_int64(e->blocking));
		json_object_array_add(bl, b);
	}
	json_object_object_add(o, "blockers", bl);
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
	                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
	int rc = fprintf(f, "%s\n", s) < 0 ? err_set(err, PGC_EXIT_INTERNAL, "could not write the plan") : 0;
	json_object_put(o);
	return rc;
}
