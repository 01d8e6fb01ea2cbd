/*
 * report.c - the verify report: text and JSON; see report.h.
 */
#include "verify/report.h"

#include <json-c/json.h>

#include <stdio.h>
#include <string.h>

bool verify_ok(const VerifyReport *r)
{
	if (r->nresults == 0)
		return false;
	for (int i = 0; i < r->nresults; i++)
		if (!seed_passed(&r->results[i], r->allow_unseeded))
			return false;
	return true;
}

/* Display width of UTF-8 text: code points, so non-ASCII names line up. */
static int width(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *qual(char *buf, size_t n, const char *schema, const char *table)
{
	snprintf(buf, n, "%s.%s", schema, table);
	return buf;
}

int verify_report_text(FILE *out, const VerifyReport *rep, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
	           *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	for (int i = 0; i < rep->nresults; i++) {
		const SeedResult *r = &rep->results[i];
		char q[300];
		fprintf(out, "%sverify: root %s%s", bold,
		        qual(q, sizeof(q), r->root->t ? r->root->t->schema : "?", r->root->table), reset);
		if (rep->embedded) {
			/* napplied counts the sources only: the fix and the extras are named apart */
			fprintf(out, " (embedded PostgreSQL: %d file%s applied%s", rep->napplied,
			        rep->napplied == 1 ? "" : "s",
			        rep->with_fix ? (rep->fix_changes ? ", then the fix" : ", fix: nothing to change") : "");
			if (rep->nextras)
				fprintf(out, ", then %d extra file%s", rep->nextras, rep->nextras == 1 ? "" : "s");
			fputc(')', out);
		} else
			fprintf(out, " (live database, rolled back)");
		fputc('\n', out);
		int w = 5;
		for (size_t k = 0; k < r->tables.n; k++) {
			int l = width(r->tables.items[k].schema) + width(r->tables.items[k].table) + 1;
			if (l > w)
				w = l;
		}
		fprintf(out, "  %-*s %5s %7s %5s\n", (int)w, "table", "depth", "seeded", "left");
		int total = 0, left = 0;
		for (size_t k = 0; k < r->tables.n; k++) {
			const SeedTable *t = &r->tables.items[k];
			char lbuf[16];
			if (t->left < 0)
				snprintf(lbuf, sizeof(lbuf), "-");
			else
				snprintf(lbuf, sizeof(lbuf), "%d", t->left);
			const char *name = qual(q, sizeof(q), t->schema, t->table);
			fprintf(out, "  %s%*s %5d %7d %s%5s%s\n", name, w - width(name), "",
			        t->depth, t->seeded, t->left > 0 || t->seeded == 0 ? red : "", lbuf,
			        t->left > 0 || t->seeded == 0 ? reset : "");
			total += t->seeded;
			left += t->left > 0 ? t->left : 0;
		}
		if (r->helper_rows)
			fprintf(out, "  (%d parent row%s inserted in tables outside the closure)\n", r->helper_rows,
			        r->helper_rows == 1 ? "" : "s");
		if (r->helper_rows_closure)
			fprintf(out, "  (%d extra row%s inserted in closure tables without reaching the root, as parents "
			        "of rows that must not reach it)\n",
			        r->helper_rows_closure, r->helper_rows_closure == 1 ? "" : "s");
		for (size_t k = 0; k < r->unseeded.n; k++) {
			const Unseeded *u = &r->unseeded.items[k];
			fprintf(out, "  %sunseeded%s: %s%s%s%s: %s\n", rep->allow_unseeded ? "" : red, reset,
			        qual(q, sizeof(q), u->schema, u->table), u->constraint ? " (via " : "",
			        u->constraint ? u->constraint : "", u->constraint ? ")" : "", u->reason);
		}
		if (!r->deleted && (r->sqlstate || r->message)) {
			fprintf(out, "  %sDELETE of the root row failed%s: %s", red, reset,
			        r->message ? r->message : "");
			if (r->sqlstate)
				fprintf(out, " [SQLSTATE %s]", r->sqlstate);
			fputc('\n', out);
			if (r->detail)
				fprintf(out, "    detail: %s\n", r->detail);
			if (r->constraint)
				fprintf(out, "    blocking constraint: %s\n", r->constraint);
			if (r->npath) {
				fprintf(out, "    path from the root: %s", r->root->table);
				for (int p = 0; p < r->npath; p++)
					fprintf(out, " <- %s", r->path[p]);
				fputc('\n', out);
			}
		}
		for (size_t k = 0; k < r->blockers.n; k++) {
			const Blocker *b = &r->blockers.items[k];
			fprintf(out, "  %sblocking edge%s: %s on %s is ON DELETE %s inside the closure\n", red, reset,
			        b->constraint, qual(q, sizeof(q), b->schema, b->table), b->action);
		}
		bool ok = seed_passed(r, rep->allow_unseeded);
		if (ok)
			fprintf(out, "%sPASS%s: deleting the root row removed all %d seeded row%s in %zu table%s\n",
			        green, reset, total, total == 1 ? "" : "s", r->tables.n, r->tables.n == 1 ? "" : "s");
		else
			fprintf(out, "%sFAIL%s: %s\n", red, reset,
			        !r->deleted ? (r->sqlstate || r->message ? "the root row could not be deleted"
			                                                 : "no root row could be inserted")
			        : left ? "seeded rows survived the delete"
			        : r->blockers.n ? "NO ACTION / RESTRICT edges remain inside the closure"
			                        : "some tables of the closure could not be seeded (--allow-unseeded accepts that)");
	}
	return 0;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

int verify_report_json(FILE *out, const VerifyReport *rep)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(verify_ok(rep)));
	json_object *roots = json_object_new_array(), *tables = json_object_new_array(),
	            *unseeded = json_object_new_array(), *blockers = json_object_new_array();
	json_object *error = NULL;
	for (int i = 0; i < rep->nresults; i++) {
		const SeedResult *r = &rep->results[i];
		json_object *ro = json_object_new_object();
		json_object_object_add(ro, "schema", jstr(r->root->t ? r->root->t->schema : r->root->schema));
		json_object_object_add(ro, "table", jstr(r->root->table));
		json_object_object_add(ro, "ok", json_object_new_boolean(seed_passed(r, rep->allow_unseeded)));
		json_object_object_add(ro, "deleted", json_object_new_boolean(r->deleted));
		json_object_object_add(ro, "helper_rows", json_object_new_int(r->helper_rows));
		json_object_object_add(ro, "helper_rows_closure", json_object_new_int(r->helper_rows_closure));
		json_object_array_add(roots, ro);
		for (size_t k = 0; k < r->tables.n; k++) {
			const SeedTable *t = &r->tables.items[k];
			json_object *to = json_object_new_object();
			json_object_object_add(to, "schema", jstr(t->schema));
			json_object_object_add(to, "table", jstr(t->table));
			json_object_object_add(to, "seeded", json_object_new_int(t->seeded));
			json_object_object_add(to, "left", json_object_new_int(t->left));
			json_object_object_add(to, "depth", json_object_new_int(t->depth));
			json_object_object_add(to, "root", jstr(r->root->table));
			json_object_array_add(tables, to);
		}
		for (size_t k = 0; k < r->unseeded.n; k++) {
			const Unseeded *u = &r->unseeded.items[k];
			json_object *uo = json_object_new_object();
			json_object_object_add(uo, "schema", jstr(u->schema));
			json_object_object_add(uo, "table", jstr(u->table));
			json_object_object_add(uo, "reason", jstr(u->reason));
			json_object_object_add(uo, "constraint", jstr(u->constraint));
			json_object_array_add(unseeded, uo);
		}
		for (size_t k = 0; k < r->blockers.n; k++) {
			const Blocker *b = &r->blockers.items[k];
			json_object *bo = json_object_new_object();
			json_object_object_add(bo, "schema", jstr(b->schema));
			json_object_object_add(bo, "table", jstr(b->table));
			json_object_object_add(bo, "constraint", jstr(b->constraint));
			json_object_object_add(bo, "on_delete", jstr(b->action));
			json_object_array_add(blockers, bo);
		}
		if (!error && !r->deleted && (r->sqlstate || r->message)) {
			error = json_object_new_object();
			json_object_object_add(error, "sqlstate", jstr(r->sqlstate));
			json_object_object_add(error, "constraint", jstr(r->constraint));
			json_object_object_add(error, "message", jstr(r->message));
			json_object_object_add(error, "detail", jstr(r->detail));
			json_object *path = json_object_new_array();
			for (int p = 0; p < r->npath; p++)
				json_object_array_add(path, jstr(r->path[p]));
			json_object_object_add(error, "path", path);
			json_object_object_add(error, "root", jstr(r->root->table));
		}
	}
	json_object_object_add(o, "tables", tables);
	json_object_object_add(o, "unseeded", unseeded);
	json_object_object_add(o, "error", error);
	json_object_object_add(o, "roots", roots);
	json_object_object_add(o, "blockers", blockers);
	json_object_object_add(o, "mode", jstr(rep->embedded ? "embedded" : "live"));
	if (rep->embedded) {
		json_object_object_add(o, "applied", json_object_new_int(rep->napplied));
		json_object_object_add(o, "extras", json_object_new_int(rep->nextras));
		json_object_object_add(o, "with_fix", json_object_new_boolean(rep->with_fix));
		json_object_object_add(o, "fix_changes", json_object_new_int(rep->fix_changes));
	}
	if (rep->timings) {
		json_object *t = json_object_new_object();
		const VerifyTimings *vt = rep->timings;
		json_object_object_add(t, "startup_ms", json_object_new_double(vt->startup));
		json_object_object_add(t, "apply_ms", json_object_new_double(vt->apply));
		json_object_object_add(t, "fix_apply_ms", json_object_new_double(vt->fix));
		json_object_object_add(t, "load_ms", json_object_new_double(vt->load));
		json_object_object_add(t, "seed_ms", json_object_new_double(vt->seed));
		json_object_object_add(t, "delete_ms", json_object_new_double(vt->del));
		json_object_object_add(t, "total_ms", json_object_new_double(vt->total));
		json_object_object_add(o, "timings", t);
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
