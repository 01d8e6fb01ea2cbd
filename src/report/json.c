/*
 * json.c - --format json, the audit contract of issue 2 (version 1):
 * roots, every foreign key of the model (sorted by schema, table, name;
 * "origin" only when a source file exists), the closure and the
 * findings. Extra fields: blocks, path, help, predicted_name, root,
 * order_outcome, single_owner {blocks, order_outcome}. Each element is built with json-c, written and freed
 * at once (streamed).
 */
#include "report/internal.h"
#include "exitcodes.h"
#include "util/xjson.h"

#include <string.h>

static json_object *jstr(const char *s)
{
	return json_object_new_string(s ? s : "");
}

static json_object *jstrs(const char *const *v, int n)
{
	json_object *a = json_object_new_array();
	for (int i = 0; i < n; i++)
		json_object_array_add(a, v[i] ? json_object_new_string(v[i]) : NULL);
	return a;
}

static void add_loc(json_object *o, SrcLoc loc)
{
	json_object_object_add(o, "file", jstr(loc.file));
	json_object_object_add(o, "line", json_object_new_int(loc.line));
	json_object_object_add(o, "column", json_object_new_int(loc.col));
}

json_object *report_finding_json(const Finding *f)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "rule", jstr(f->rule));
	json_object_object_add(o, "severity", jstr(severity_name(f->severity)));
	json_object_object_add(o, "schema", f->schema ? jstr(f->schema) : NULL);
	json_object_object_add(o, "table", f->table ? jstr(f->table) : NULL);
	json_object_object_add(o, "constraint", f->constraint ? jstr(f->constraint) : NULL);
	json_object_object_add(o, "depth", json_object_new_int(f->depth));
	json_object_object_add(o, "message", jstr(f->message));
	if (f->loc.file)
		add_loc(o, f->loc);
	if (f->blocks)
		json_object_object_add(o, "blocks", jstr(f->blocks));
	if (f->order_outcome)
		json_object_object_add(o, "order_outcome", jstr(f->order_outcome));
	if (f->single_owner_blocks) {
		json_object *so = json_object_new_object();
		json_object_object_add(so, "blocks", jstr(f->single_owner_blocks));
		if (f->single_owner_outcome)
			json_object_object_add(so, "order_outcome", jstr(f->single_owner_outcome));
		json_object_object_add(o, "single_owner", so);
	}
	if (f->owner_column)
		json_object_object_add(o, "owner_column", jstr(f->owner_column));
	if (f->npath)
		json_object_object_add(o, "path", jstrs(f->path, f->npath));
	if (f->help)
		json_object_object_add(o, "help", jstr(f->help));
	if (f->fk)
		json_object_object_add(o, "predicted_name", json_object_new_boolean(f->fk->name_predicted));
	if (f->root_table) {
		json_object *r = json_object_new_object();
		json_object_object_add(r, "schema", jstr(f->root_schema));
		json_object_object_add(r, "table", jstr(f->root_table));
		json_object_object_add(o, "root", r);
	}
	return o;
}

static json_object *fk_json(const ForeignKey *fk)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "name", jstr(fk->name));
	json_object_object_add(o, "schema", jstr(fk->table->schema));
	json_object_object_add(o, "table", jstr(fk->table->name));
	json_object_object_add(o, "columns", jstrs(fk->cols, fk->ncols));
	json_object_object_add(o, "ref_schema", fk->ref ? jstr(fk->ref->schema) : NULL);
	json_object_object_add(o, "ref_table", fk->ref ? jstr(fk->ref->name) : NULL);
	json_object_object_add(o, "ref_columns", jstrs(fk->ref_cols, fk->nref_cols));
	json_object_object_add(o, "on_delete", jstr(fk_action_name(fk->on_delete)));
	json_object_object_add(o, "on_update", jstr(fk_action_name(fk->on_update)));
	json_object_object_add(o, "deferrable", json_object_new_boolean(fk->deferrable));
	json_object_object_add(o, "validated", json_object_new_boolean(fk->validated));
	if (fk->initially_deferred)
		json_object_object_add(o, "initially_deferred", json_object_new_boolean(true));
	if (fk->nset_cols)
		json_object_object_add(o, "on_delete_columns", jstrs(fk->set_cols, fk->nset_cols));
	if (fk->name_predicted)
		json_object_object_add(o, "predicted_name", json_object_new_boolean(true));
	if (fk->origin.file) {
		json_object *org = json_object_new_object();
		json_object_object_add(org, "file", jstr(fk->origin.file));
		json_object_object_add(org, "line", json_object_new_int(fk->origin.line));
		json_object_object_add(org, "column", json_object_new_int(fk->origin.col));
		json_object_object_add(o, "origin", org);
	}
	return o;
}

/*
 * The document is streamed: each element of the big arrays is built,
 * printed with json-c and freed at once, so memory stays flat in the
 * number of foreign keys. The layout is exactly json-c's pretty printer
 * (two spaces per level): an element printed at level 0 is re-indented
 * by its nesting level (raw newlines only come from the printer; those
 * in strings are escaped).
 */
#define JFLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE)

static void indent(FILE *out, int level)
{
	for (int i = 0; i < level; i++)
		fputs("  ", out);
}

/* emit: prints v (consumed: put here) as a value at nesting level. */
static void emit(FILE *out, json_object *v, int level)
{
	const char *s = v ? json_object_to_json_string_ext(v, JFLAGS) : "null";
	for (const char *nl; (nl = strchr(s, '\n')); s = nl + 1) {
		fwrite(s, 1, (size_t)(nl - s) + 1, out);
		indent(out, level);
	}
	fputs(s, out);
	json_object_put(v);
}

/* key: starts member `name` of the top-level object. */
static void key(FILE *out, const char *name, bool first)
{
	fputs(first ? "{\n  \"" : ",\n  \"", out);
	fputs(name, out);
	fputs("\": ", out);
}

/* item: prints array element v (consumed) of an array at level 1. */
static void item(FILE *out, json_object *v, size_t i)
{
	fputs(i ? ",\n    " : "\n    ", out);
	emit(out, v, 2);
}

/* end_array: json-c closes empty and full arrays alike. */
static void end_array(FILE *out)
{
	fputs("\n  ]", out);
}

int report_json(FILE *out, Model *m, const Analysis *an, Err *err)
{
	key(out, "version", true);
	emit(out, json_object_new_int(1), 1);
	key(out, "dialect", false);
	emit(out, jstr(dialect_name(m->dialect)), 1);
	key(out, "roots", false);
	fputc('[', out);
	for (size_t i = 0; i < an->roots.n; i++) {
		const Root *r = an->roots.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "schema", jstr(r->t->schema));
		json_object_object_add(o, "table", jstr(r->t->name));
		json_object_object_add(o, "columns", jstrs(r->cols, r->ncols));
		item(out, o, i);
	}
	end_array(out);
	size_t nfk = 0;
	ForeignKey **fks = model_sorted_fks(m, &nfk);
	key(out, "foreign_keys", false);
	fputc('[', out);
	for (size_t i = 0; i < nfk; i++)
		item(out, fk_json(fks[i]), i);
	end_array(out);
	key(out, "closure", false);
	fputc('[', out);
	for (size_t i = 0; i < an->closure.n; i++) {
		const ClosureEntry *e = an->closure.items[i];
		json_object *o = json_object_new_object();
		json_object_object_add(o, "schema", jstr(e->table->schema));
		json_object_object_add(o, "table", jstr(e->table->name));
		json_object_object_add(o, "depth", json_object_new_int(e->depth));
		json_object *via = json_object_new_array();
		for (int k = 0; k < e->nvia; k++)
			json_object_array_add(via, jstr(e->via[k]->name));
		json_object_object_add(o, "via", via);
		if (an->roots.n > 1) {
			json_object *r = json_object_new_object();
			json_object_object_add(r, "schema", jstr(e->root->t->schema));
			json_object_object_add(r, "table", jstr(e->root->t->name));
			json_object_object_add(o, "root", r);
		}
		item(out, o, i);
	}
	end_array(out);
	key(out, "findings", false);
	fputc('[', out);
	for (size_t i = 0; i < an->findings.n; i++)
		item(out, report_finding_json(an->findings.items[i]), i);
	end_array(out);
	json_object *sum = json_object_new_object();
	json_object_object_add(sum, "errors", json_object_new_int(an->nerrors));
	json_object_object_add(sum, "warnings", json_object_new_int(an->nwarnings));
	json_object_object_add(sum, "infos", json_object_new_int((int)an->findings.n - an->nerrors - an->nwarnings));
	key(out, "summary", false);
	emit(out, sum, 1);
	fputs("\n}\n", out);
	return report_check(out, err);
}
