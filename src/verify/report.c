/*
 * report.c - the verify report: text and JSON; see report.h.
 */
#include "verify/report.h"
#include "report/words.h"
#include "util/xjson.h"

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

/* "blocking edge: users <- t (t_user_id_fkey): ON DELETE NO ACTION inside the closure" (text). */
static void blocker_text(FILE *out, const VerifyReport *rep, const Blocker *b, const char *head, const char *tail)
{
	StrBuf sb = STRBUF_INIT;
	words_edge_named(&sb, rep->model, b->schema, b->table, b->constraint);
	fprintf(out, "  %s: %s: %s inside the closure%s\n", head, sb.buf, words_action_named(b->action), tail);
	sb_release(&sb);
}

int verify_report_text(FILE *out, const VerifyReport *rep, bool color)
{
	const char *red = color ? "\033[31m" : "", *green = color ? "\033[32m" : "",
	           *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	for (int i = 0; i < rep->nresults; i++) {
		const SeedResult *r = &rep->results[i];
		char q[300];
		StrBuf rn = STRBUF_INIT;
		words_table(&rn, r->root->t ? r->root->t->schema : r->root->schema, r->root->table);
		fprintf(out, "%sverify: root %s%s", bold, rn.buf, reset);
		sb_release(&rn);
		if (rep->embedded) {
			/* napplied counts the sources only: the fix and the extras are named apart */
			fprintf(out, " (embedded PostgreSQL: %d %s applied%s", rep->napplied,
			        words_noun(rep->napplied, "file", "files"),
			        rep->with_fix ? (rep->fix_changes ? ", then the fix" : ", fix: nothing to change") : "");
			if (rep->nextras)
				fprintf(out, ", then %d %s", rep->nextras, words_noun(rep->nextras, "extra file", "extra files"));
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
		fprintf(out, "  %-*s %5s %7s %5s %6s %8s\n", (int)w, "table", "depth", "seeded", "left", "other",
		        "removed");
		int total = 0, left = 0, other = 0, removed = 0;
		for (size_t k = 0; k < r->tables.n; k++) {
			const SeedTable *t = &r->tables.items[k];
			char lbuf[16], dbuf[16];
			if (t->left < 0)
				snprintf(lbuf, sizeof(lbuf), "-");
			else
				snprintf(lbuf, sizeof(lbuf), "%d", t->left);
			if (t->depth < 0)
				snprintf(dbuf, sizeof(dbuf), "-");
			else
				snprintf(dbuf, sizeof(dbuf), "%d", t->depth);
			const char *name = qual(q, sizeof(q), t->schema, t->table);
			bool bad = (t->left > 0 && !t->retained) || t->seeded == 0;
			fprintf(out, "  %s%*s %5s %7d %s%5s%s %6d %8d", name, w - width(name), "", dbuf, t->seeded,
			        bad ? red : "", lbuf, bad ? reset : "", t->other_seeded, t->other_removed);
			if (t->owner_column)
				fprintf(out, "  (owner column %s, no foreign key)", t->owner_column);
			if (t->retained)
				fprintf(out, "  retained");
			fputc('\n', out);
			total += t->seeded;
			if (!t->retained)
				left += t->left > 0 ? t->left : 0;
			other += t->other_seeded;
			removed += t->other_removed;
		}
		if (r->helper_rows)
			fprintf(out, "  (%d %s inserted in tables outside the closure)\n", r->helper_rows,
			        words_noun(r->helper_rows, "parent row", "parent rows"));
		if (r->helper_rows_root)
			fprintf(out, "  (%d extra %s inserted in the root table %s, of neither owner, as parents of rows "
			        "that must not reach the root)\n", r->helper_rows_root,
			        words_noun(r->helper_rows_root, "row", "rows"), r->root->table);
		if (r->helper_rows_closure)
			fprintf(out, "  (%d extra %s inserted in closure tables without reaching the root, as parents "
			        "of rows that must not reach it)\n",
			        r->helper_rows_closure, words_noun(r->helper_rows_closure, "row", "rows"));
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
				StrBuf sb = STRBUF_INIT;
				words_path_names(&sb, rep->model, r->root->t, r->root->table, r->path, r->npath);
				fprintf(out, "    path from the root: %s\n", sb.buf);
				sb_release(&sb);
			}
		}
		char head[64];
		snprintf(head, sizeof(head), "%sblocking edge%s", red, reset);
		for (size_t k = 0; k < r->blockers.n; k++)
			blocker_text(out, rep, &r->blockers.items[k], head, "");
		for (size_t k = 0; k < r->harmless.n; k++)
			blocker_text(out, rep, &r->harmless.items[k], "left alone",
			             ", harmless for any data on PostgreSQL (blocks: not-on-postgres)");
		for (size_t k = 0; k < r->problems.n; k++) {
			const ProofProblem *p = &r->problems.items[k];
			fprintf(out, "  %s%s%s: %s: %s%s%s%s\n", red,
			        p->check == 'c' ? "another owner's row removed" : "SET NULL not applied", reset,
			        qual(q, sizeof(q), p->schema, p->table), p->message, p->constraint ? " (seeded through " : "",
			        p->constraint ? p->constraint : "", p->constraint ? ")" : "");
		}
		/* which checks ran (issue 9 item 5) */
		fprintf(out, "  checks: static - NO ACTION / RESTRICT edges left inside the closure: %zu",
		        r->blockers.n);
		if (r->harmless.n)
			fprintf(out, " (and %zu proven harmless)", r->harmless.n);
		fputs(";\n", out);
		if (r->owners == 2)
			fprintf(out, "          data - two owners: A's root row deleted, B's kept; %d %s of one owner "
			        "referencing the other's (%d %s allowed none)\n",
			        r->cross_rows, words_noun(r->cross_rows, "row", "rows"), r->cross_skipped,
			        words_noun(r->cross_skipped, "edge", "edges"));
		else
			fprintf(out, "          data - %sONE owner only%s: %s\n", red, reset,
			        r->one_owner_reason ? r->one_owner_reason : "the root row could not be inserted");
		bool ok = seed_passed(r, rep->allow_unseeded);
		if (ok)
			fprintf(out, "%sPASS%s: deleting A removed all %d of A's %s in %zu %s; of the other %d "
			        "%s, %d went through cascade paths, the rest stayed%s\n",
			        green, reset, total, words_noun(total, "row", "rows"), r->tables.n,
			        words_noun((long)r->tables.n, "table", "tables"), other, words_noun(other, "row", "rows"), removed,
			        r->owners == 2 ? "" : " (proof with one owner only)");
		else
			fprintf(out, "%sFAIL%s: %s\n", red, reset,
			        !r->deleted ? (r->sqlstate || r->message ? "the root row could not be deleted"
			                                                 : "no root row could be inserted")
			        : left ? "rows of the deleted owner survived the delete"
			        : r->problems.n ? "the delete touched another owner's rows in a way no cascade path explains"
			        : r->blockers.n ? "NO ACTION / RESTRICT edges remain inside the closure"
			                        : "some tables of the closure could not be seeded (--allow-unseeded accepts that)");
	}
	return 0;
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* One edge of `blockers` or `left_alone` (with its blocks class). */
static json_object *blocker_json(const Blocker *b, const char *blocks)
{
	json_object *bo = json_object_new_object();
	json_object_object_add(bo, "schema", jstr(b->schema));
	json_object_object_add(bo, "table", jstr(b->table));
	json_object_object_add(bo, "constraint", jstr(b->constraint));
	json_object_object_add(bo, "on_delete", jstr(b->action));
	if (blocks)
		json_object_object_add(bo, "blocks", jstr(blocks));
	return bo;
}

int verify_report_json(FILE *out, const VerifyReport *rep)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "ok", json_object_new_boolean(verify_ok(rep)));
	json_object *problems = json_object_new_array(), *retained = json_object_new_array();
	json_object *roots = json_object_new_array(), *tables = json_object_new_array(),
	            *unseeded = json_object_new_array(), *blockers = json_object_new_array(),
	            *left_alone = json_object_new_array();
	json_object *error = NULL;
	for (int i = 0; i < rep->nresults; i++) {
		const SeedResult *r = &rep->results[i];
		json_object *ro = json_object_new_object();
		json_object_object_add(ro, "schema", jstr(r->root->t ? r->root->t->schema : r->root->schema));
		json_object_object_add(ro, "table", jstr(r->root->table));
		json_object_object_add(ro, "ok", json_object_new_boolean(seed_passed(r, rep->allow_unseeded)));
		json_object_object_add(ro, "deleted", json_object_new_boolean(r->deleted));
		json_object_object_add(ro, "helper_rows", json_object_new_int(r->helper_rows));
		json_object_object_add(ro, "owners", json_object_new_int(r->owners));
		json_object_object_add(ro, "one_owner_reason", jstr(r->one_owner_reason));
		json_object_object_add(ro, "cross_rows", json_object_new_int(r->cross_rows));
		json_object_object_add(ro, "cross_skipped", json_object_new_int(r->cross_skipped));
		json_object *checks = json_object_new_array();
		json_object_array_add(checks, json_object_new_string("static"));
		json_object_array_add(checks, json_object_new_string(r->owners == 2 ? "data-two-owners" : "data-one-owner"));
		json_object_object_add(ro, "checks", checks);
		json_object_object_add(ro, "helper_rows_closure", json_object_new_int(r->helper_rows_closure));
		json_object_object_add(ro, "helper_rows_root", json_object_new_int(r->helper_rows_root));
		json_object_array_add(roots, ro);
		for (size_t k = 0; k < r->tables.n; k++) {
			const SeedTable *t = &r->tables.items[k];
			json_object *to = json_object_new_object();
			json_object_object_add(to, "schema", jstr(t->schema));
			json_object_object_add(to, "table", jstr(t->table));
			json_object_object_add(to, "seeded", json_object_new_int(t->seeded));
			json_object_object_add(to, "left", json_object_new_int(t->left));
			json_object_object_add(to, "other_seeded", json_object_new_int(t->other_seeded));
			json_object_object_add(to, "other_removed", json_object_new_int(t->other_removed));
			json_object_object_add(to, "depth", t->depth < 0 ? NULL : json_object_new_int(t->depth));
			json_object_object_add(to, "owner_column", jstr(t->owner_column));
			json_object_object_add(to, "retained", json_object_new_boolean(t->retained));
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
			json_object_object_add(uo, "refused_by", jstr(u->refused_by));
			json_object_array_add(unseeded, uo);
		}
		for (size_t k = 0; k < r->problems.n; k++) {
			const ProofProblem *p = &r->problems.items[k];
			json_object *po = json_object_new_object();
			json_object_object_add(po, "check", json_object_new_string(p->check == 'c' ? "c" : "d"));
			json_object_object_add(po, "schema", jstr(p->schema));
			json_object_object_add(po, "table", jstr(p->table));
			json_object_object_add(po, "constraint", jstr(p->constraint));
			json_object_object_add(po, "message", jstr(p->message));
			json_object_object_add(po, "root", jstr(r->root->table));
			json_object_array_add(problems, po);
		}
		for (size_t k = 0; i == 0 && k < r->tables.n; k++)
			if (r->tables.items[k].retained) {
				char q[300];
				json_object_array_add(retained, json_object_new_string(
					qual(q, sizeof(q), r->tables.items[k].schema, r->tables.items[k].table)));
			}
		for (size_t k = 0; k < r->blockers.n; k++)
			json_object_array_add(blockers, blocker_json(&r->blockers.items[k], NULL));
		for (size_t k = 0; k < r->harmless.n; k++)
			json_object_array_add(left_alone, blocker_json(&r->harmless.items[k], "not-on-postgres"));
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
	json_object_object_add(o, "left_alone", left_alone);
	json_object_object_add(o, "problems", problems);
	json_object_object_add(o, "retained", retained);
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
		if (vt->seed_cpu >= 0)
			json_object_object_add(t, "seed_cpu_ms", json_object_new_double(vt->seed_cpu));
		json_object_object_add(t, "delete_ms", json_object_new_double(vt->del));
		json_object_object_add(t, "total_ms", json_object_new_double(vt->total));
		json_object_object_add(o, "timings", t);
	}
	fprintf(out, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return 0;
}
