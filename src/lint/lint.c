/*
 * lint.c - which findings a change introduces; see lint.h.
 *
 * Steps: gather the analysis findings and lint's own (fk-unindexed,
 * on-delete-policy); apply the policy file (allowed actions, severities,
 * ignored paths); keep the findings located in new files; silence those
 * an ignore comment covers; report the suppressions that are themselves
 * wrong (no reason, or silencing nothing); sort.
 */
#include "lint/lint.h"
#include "exitcodes.h"
#include "fix/fix.h"
#include "lint/suppress.h"
#include "report/words.h"
#include "util/hashmap.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

const LintRule lint_rules[] = {
	{"fk-blocks-delete", SEV_ERROR,
	 "A NO ACTION or RESTRICT foreign key inside the deletion closure blocks deleting the root row."},
	{"set-null-not-null", SEV_ERROR,
	 "ON DELETE SET NULL or SET DEFAULT on a NOT NULL column fails at run time."},
	{"user-column-no-fk", SEV_WARNING,
	 "A column named after the root has no foreign key, so its rows outlive the root row."},
	{"cascade-deletes-other-owners", SEV_WARNING,
	 "A table with its own owner column is reached by a cascade that does not go through it, so deleting one owner deletes other owners' rows."},
	{"fk-unindexed", SEV_WARNING,
	 "A foreign key that a delete from the root reaches has no index on its columns, so each delete scans the table."},
	{"on-delete-policy", SEV_ERROR,
	 "A foreign key uses an ON DELETE action that the policy file does not allow for its parent table."},
	{"parse-error", SEV_ERROR,
	 "A schema statement could not be parsed, so the model may be incomplete."},
	{"dynamic-sql", SEV_INFO,
	 "A DO block or EXECUTE may change the schema in ways a static reader cannot see."},
	{"suppression-no-reason", SEV_WARNING,
	 "A pgcascade:ignore comment gives no reason."},
	{"unused-suppression", SEV_WARNING,
	 "A pgcascade:ignore comment silences nothing."},
};
const int lint_nrules = (int)(sizeof(lint_rules) / sizeof(lint_rules[0]));

const LintRule *lint_rule_find(const char *id)
{
	for (int i = 0; id && i < lint_nrules; i++)
		if (strcmp(lint_rules[i].id, id) == 0)
			return &lint_rules[i];
	return NULL;
}

/* ---- fk-unindexed ---- */

static bool index_serves(const Index *ix, const Table *t, const char *const *cols, int n)
{
	if (!ix || ix->dropped || ix->partial || ix->table != t || ix->ncols < n)
		return false;
	/* leading n columns equal the FK's columns as a set (order does not
	 * matter for the equality look-up a cascade step makes) */
	for (int i = 0; i < n; i++) {
		if (!ix->cols[i])
			return false;
		bool found = false;
		for (int j = 0; j < n && !found; j++)
			found = strcmp(ix->cols[i], cols[j]) == 0;
		if (!found)
			return false;
	}
	return true;
}

bool lint_has_index(const Model *m, const Table *t, const char *const *cols, int n)
{
	if (n <= 0)
		return true;
	if (index_serves(t->pk, t, cols, n))
		return true;
	for (size_t i = 0; i < m->indexes.n; i++)
		if (index_serves(m->indexes.items[i], t, cols, n))
			return true;
	return false;
}

typedef PGC_VEC(const Index *) IndexVec;

/* Indexes per table id, so that each FK looks only at its own table's. */
static IndexVec *indexes_by_table(Model *m, int maxid)
{
	IndexVec *per = arena_alloc(m->arena, ((size_t)maxid + 1) * sizeof(*per));
	for (size_t i = 0; i < m->indexes.n; i++) {
		const Index *ix = m->indexes.items[i];
		if (ix->table && !ix->dropped && !ix->partial && ix->table->id >= 0 && ix->table->id <= maxid)
			VEC_PUSH(m->arena, per[ix->table->id], ix);
	}
	return per;
}

/* Marks the roots and every closure table: a delete from a root deletes rows there. */
static bool *reached_tables(Model *m, const Analysis *an)
{
	size_t nt = m->tables.n;
	int maxid = 0;
	for (size_t i = 0; i < nt; i++)
		if (m->tables.items[i]->id > maxid)
			maxid = m->tables.items[i]->id;
	bool *in = arena_alloc(m->arena, (size_t)maxid + 1);
	for (size_t i = 0; i < an->roots.n; i++)
		if (an->roots.items[i]->t && an->roots.items[i]->t->id <= maxid)
			in[an->roots.items[i]->t->id] = true;
	for (size_t i = 0; i < an->closure.n; i++) {
		Table *t = an->closure.items[i]->table;
		if (t && t->id <= maxid)
			in[t->id] = true;
	}
	return in;
}

static void add_table_name(StrBuf *sb, const Table *t)
{
	if (t->schema && strcmp(t->schema, "public") != 0)
		sb_add_qualified(sb, t->schema, t->name);
	else
		sb_add_ident(sb, t->name);
}

static void add_cols(StrBuf *sb, const char *const *cols, int n)
{
	sb_addch(sb, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_ident(sb, cols[i]);
	}
	sb_addch(sb, ')');
}

static Finding *new_finding(Arena *a, const char *rule, Severity sev)
{
	Finding *f = arena_alloc(a, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	return f;
}

static SrcLoc fk_loc(const ForeignKey *fk)
{
	return fk->ref_loc.file ? fk->ref_loc : fk->origin;
}

static bool in_generated(const HashMap *generated, SrcLoc l)
{
	return generated && l.file && hm_get(generated, l.file);
}

/*
 * The definition a finding about fk belongs to: fk itself, or, when a
 * file pgcascade fix wrote re-created it (DROP + ADD under the same
 * name), the last definition before that outside such files. NULL when
 * only generated files define it.
 */
static const ForeignKey *defined_by(const Model *m, const ForeignKey *fk, const HashMap *generated)
{
	if (!in_generated(generated, fk_loc(fk)))
		return fk;
	const ForeignKey *by = NULL;
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *g = m->fks.items[i];
		if (g != fk && g->dropped && g->table == fk->table && g->name && fk->name &&
		    strcmp(g->name, fk->name) == 0 && !in_generated(generated, fk_loc(g)))
			by = g;
	}
	return by;
}

void lint_fk_unindexed(Model *m, const Analysis *an, Dialect d, const HashMap *generated, FindingVec *out)
{
	bool *in = reached_tables(m, an);
	int maxid = 0;
	for (size_t i = 0; i < m->tables.n; i++)
		if (m->tables.items[i]->id > maxid)
			maxid = m->tables.items[i]->id;
	IndexVec *per = indexes_by_table(m, maxid);
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->ref || !fk->table || fk->ref->id > maxid || !in[fk->ref->id])
			continue;
		bool indexed = fk->ncols <= 0 || index_serves(fk->table->pk, fk->table, fk->cols, fk->ncols);
		if (fk->table->id >= 0 && fk->table->id <= maxid)
			for (size_t k = 0; k < per[fk->table->id].n && !indexed; k++)
				indexed = index_serves(per[fk->table->id].items[k], fk->table, fk->cols, fk->ncols);
		const ForeignKey *by = indexed ? NULL : defined_by(m, fk, generated);
		if (!by)
			continue;
		Finding *f = new_finding(m->arena, "fk-unindexed", SEV_WARNING);
		f->schema = fk->table->schema;
		f->table = fk->table->name;
		f->constraint = fk->name;
		f->fk = fk;
		f->loc = fk_loc(by);
		/* the table is new in that migration: empty, so a plain CREATE INDEX
		 * locks nothing worth avoiding, and CONCURRENTLY cannot run inside
		 * the migration's transaction */
		bool same_file = f->loc.file && fk->table->loc.file && strcmp(f->loc.file, fk->table->loc.file) == 0;
		StrBuf sb = STRBUF_INIT;
		add_table_name(&sb, fk->table);
		sb_addch(&sb, ' ');
		add_cols(&sb, fk->cols, fk->ncols);
		StrBuf edge = STRBUF_INIT, parent = STRBUF_INIT, child = STRBUF_INIT;
		words_edge(&edge, fk);
		words_table(&parent, fk->ref->schema, fk->ref->name);
		words_table(&child, fk->table->schema, fk->table->name);
		f->message = arena_printf(m->arena, "no index on %s for %s: each row deleted from %s scans %s",
		                          sb.buf, edge.buf, parent.buf, child.buf);
		sb_release(&edge);
		sb_release(&parent);
		sb_release(&child);
		sb_reset(&sb);
		/* CockroachDB builds every index online; it accepts CONCURRENTLY
		 * only as no-op syntax (cockroachlabs.com/docs/stable/create-index). */
		sb_adds(&sb, d == DIALECT_COCKROACH || same_file ? "CREATE INDEX ON " : "CREATE INDEX CONCURRENTLY ON ");
		add_table_name(&sb, fk->table);
		sb_addch(&sb, ' ');
		add_cols(&sb, fk->cols, fk->ncols);
		sb_addch(&sb, ';');
		f->help = arena_strdup(m->arena, sb.buf);
		sb_release(&sb);
		f->root_schema = an->roots.n ? an->roots.items[0]->schema : NULL;
		f->root_table = an->roots.n ? an->roots.items[0]->table : NULL;
		VEC_PUSH(m->arena, *out, f);
	}
}

/* The FK a finding is about: f->fk, or looked up by schema, table and name. */
static const ForeignKey *finding_fk(const Model *m, const Finding *f)
{
	if (f->fk)
		return f->fk;
	if (!f->constraint || !f->table)
		return NULL;
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (!fk->dropped && fk->table && strcmp(fk->name, f->constraint) == 0 &&
		    strcmp(fk->table->name, f->table) == 0 &&
		    (!f->schema || strcmp(fk->table->schema, f->schema) == 0))
			return fk;
	}
	return NULL;
}

/* ---- ON DELETE policy ---- */

static bool blocking(char action)
{
	return action == FK_NO_ACTION || action == FK_RESTRICT;
}

/* "+ ON DELETE X": the first allowed action that lets the delete through. */
static const char *policy_help(Arena *a, const ActionPolicy *p)
{
	for (const char *c = p->actions; *c; c++)
		if (!blocking(*c))
			return arena_printf(a, "+ %s", words_action(*c));
	return arena_printf(a, "+ %s", words_action(p->actions[0]));
}

static const char *policy_list(Arena *a, const ActionPolicy *p)
{
	StrBuf sb = STRBUF_INIT;
	for (const char *c = p->actions; *c; c++)
		sb_addf(&sb, "%s%s", c == p->actions ? "" : ", ", words_action(*c));
	const char *s = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return s;
}

/* on-delete-policy findings for FKs the closure rules do not already flag. */
static void policy_findings(Model *m, const LintConfig *cfg, const bool *blocked_fk, FindingVec *out)
{
	if (!cfg || cfg->policies.n == 0)
		return;
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->ref || !fk->table || blocked_fk[fk->id])
			continue;
		const ActionPolicy *p = config_policy_for(cfg, fk->ref->schema, fk->ref->name);
		if (!p || policy_allows(p, fk->on_delete))
			continue;
		Finding *f = new_finding(m->arena, "on-delete-policy", SEV_ERROR);
		f->schema = fk->table->schema;
		f->table = fk->table->name;
		f->constraint = fk->name;
		f->fk = fk;
		f->loc = fk_loc(fk);
		StrBuf edge = STRBUF_INIT, parent = STRBUF_INIT;
		words_edge(&edge, fk);
		words_table(&parent, fk->ref->schema, fk->ref->name);
		f->message = arena_printf(m->arena,
		        "%s: %s, but the policy for references to %s allows only %s", edge.buf,
		        words_action(fk->on_delete), parent.buf, policy_list(m->arena, p));
		sb_release(&edge);
		sb_release(&parent);
		f->help = policy_help(m->arena, p);
		VEC_PUSH(m->arena, *out, f);
	}
}

/* ---- selection, suppression ---- */

typedef struct FileState {
	const Source *src;
	bool is_new, ignored;
	FileSuppressions *fs;
	PGC_VEC(bool *) used;   /* per suppression, per rule: silenced something */
} FileState;

static char *canon(const char *path)
{
	return realpath(path, NULL);
}

static int cmp_str(const char *a, const char *b)
{
	if (!a || !b)
		return a ? 1 : b ? -1 : 0;
	return strcmp(a, b);
}

static int cmp_finding(const void *pa, const void *pb)
{
	const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
	int c = cmp_str(a->loc.file, b->loc.file);
	if (c)
		return c;
	if (a->loc.line != b->loc.line)
		return a->loc.line < b->loc.line ? -1 : 1;
	if (a->loc.col != b->loc.col)
		return a->loc.col < b->loc.col ? -1 : 1;
	if ((c = strcmp(a->rule, b->rule)))
		return c;
	if ((c = cmp_str(a->constraint, b->constraint)))
		return c;
	return cmp_str(a->message, b->message);
}

/* Copies f with its configured severity; NULL when the rule is off. */
static Finding *configured(Arena *a, const LintConfig *cfg, const Finding *f)
{
	int level = config_rule_level(cfg, f->rule, (int)f->severity);
	if (level == RULE_LEVEL_OFF)
		return NULL;
	Finding *c = arena_alloc(a, sizeof(*c));
	*c = *f;
	c->severity = (Severity)level;
	return c;
}

static void sup_finding(Model *m, FindingVec *out, const LintConfig *cfg, const char *rule,
                        SrcLoc loc, const char *msg, const char *help)
{
	Finding *f = new_finding(m->arena, rule, SEV_WARNING);
	f->loc = loc;
	f->message = msg;
	f->help = help;
	f = configured(m->arena, cfg, f);
	if (f)
		VEC_PUSH(m->arena, *out, f);
}

static void check_suppressions(Model *m, const LintConfig *cfg, FileState *st, FindingVec *out)
{
	FileSuppressions *fs = st->fs;
	for (size_t i = 0; i < fs->sups.n; i++) {
		Suppression *s = fs->sups.items[i];
		const char *kind = s->whole_file ? "pgcascade:ignore-file" : "pgcascade:ignore";
		if (s->nrules == 0) {
			sup_finding(m, out, cfg, "unused-suppression", s->loc,
			            arena_printf(m->arena, "%s names no rule", kind),
			            arena_printf(m->arena, "-- %s RULE[,RULE] reason", kind));
			continue;
		}
		if (!s->reason)
			sup_finding(m, out, cfg, "suppression-no-reason", s->loc,
			            arena_printf(m->arena, "%s %s gives no reason", kind, s->rules[0]),
			            arena_printf(m->arena, "say why the rule does not apply here: -- %s %s <reason>",
			                         kind, s->rules[0]));
		if (!s->whole_file && s->stmt < 0) {
			sup_finding(m, out, cfg, "unused-suppression", s->loc,
			            arena_printf(m->arena, "%s is neither inside a statement nor on the line above one", kind),
			            "move it onto the statement, or onto the line right above it");
			continue;
		}
		for (int r = 0; r < s->nrules; r++) {
			if (!lint_rule_find(s->rules[r])) {
				sup_finding(m, out, cfg, "unused-suppression", s->loc,
				            arena_printf(m->arena, "%s names unknown rule \"%s\"", kind, s->rules[r]),
				            "rules: fk-blocks-delete, set-null-not-null, user-column-no-fk, cascade-deletes-other-owners, fk-unindexed, on-delete-policy, parse-error, dynamic-sql");
				continue;
			}
			/* a rule switched off reports nothing: its ignores are not stale */
			if (!st->used.items[i][r] &&
			    config_rule_level(cfg, s->rules[r], 0) != RULE_LEVEL_OFF)
				sup_finding(m, out, cfg, "unused-suppression", s->loc,
				            arena_printf(m->arena, "%s %s suppresses nothing: no %s finding %s",
				                         kind, s->rules[r], s->rules[r],
				                         s->whole_file ? "in this file" : "on this statement"),
				            "remove the rule from the comment");
		}
	}
}

static void mark_used(FileState *st, Suppression *s, const char *rule)
{
	for (size_t i = 0; i < st->fs->sups.n; i++)
		if (st->fs->sups.items[i] == s)
			for (int r = 0; r < s->nrules; r++)
				if (strcmp(s->rules[r], rule) == 0)
					st->used.items[i][r] = true;
}

int lint_run(Model *m, const Analysis *an, const SourceList *src, const LintOptions *o,
             LintResult *out, Err *err)
{
	Arena *a = m->arena;
	const LintConfig *cfg = o->cfg;
	memset(out, 0, sizeof(*out));
	size_t ns = src ? src->n : 0;

	/* which sources are new, which are ignored */
	HashMap *byfile = hm_new(a);
	HashMap *newset = hm_new(a);
	FileState *states = arena_alloc(a, (ns ? ns : 1) * sizeof(*states));
	for (int i = 0; i < o->nnew; i++) {
		char *c = canon(o->new_files[i]);
		if (!c) {
			if (o->new_strict)
				return err_set(err, PGC_EXIT_USAGE, "%s: no such file (given with --new)", o->new_files[i]);
			continue;
		}
		hm_put(newset, c, (void *)o->new_files[i]);
		free(c);
	}
	HashMap *matched = hm_new(a);
	HashMap *bycanon = hm_new(a);
	for (size_t i = 0; i < ns; i++) {
		FileState *st = &states[i];
		st->src = &src->items[i];
		char *c = canon(st->src->path);
		st->is_new = o->all_files || (c && hm_get(newset, c));
		if (c && st->is_new && !o->all_files)
			hm_put(matched, c, st);
		if (c)
			hm_put(bycanon, c, st);
		free(c);
		st->ignored = config_path_ignored(cfg, st->src->path);
		hm_put(byfile, st->src->path, st);
		if (st->is_new && !st->ignored) {
			out->nchecked++;
			st->fs = arena_alloc(a, sizeof(*st->fs));
			suppress_scan(a, st->src->path, st->src->text, st->src->len, st->fs);
			for (size_t k = 0; k < st->fs->sups.n; k++) {
				int nr = st->fs->sups.items[k]->nrules;
				VEC_PUSH(a, st->used, arena_alloc(a, (size_t)(nr ? nr : 1)));
			}
		}
	}
	if (o->new_strict) {
		for (int i = 0; i < o->nnew; i++) {
			char *c = canon(o->new_files[i]);
			bool ok = c && hm_get(matched, c);
			free(c);
			if (!ok)
				return err_set(err, PGC_EXIT_USAGE,
				               "%s: given with --new but not among the migration files read from the paths",
				               o->new_files[i]);
		}
	}

	/* candidates: the analysis, then lint's own rules */
	FindingVec cand = {0};
	bool *blocked_fk = arena_alloc(a, m->fks.n + 1);
	for (size_t i = 0; i < an->findings.n; i++) {
		Finding *f = an->findings.items[i];
		const ForeignKey *fk = finding_fk(m, f);
		bool blocks = strcmp(f->rule, "fk-blocks-delete") == 0;
		const ActionPolicy *p = NULL;
		if (fk && blocks) {
			if (fk->id >= 0 && (size_t)fk->id < m->fks.n + 1)
				blocked_fk[fk->id] = true;
			p = fk->ref ? config_policy_for(cfg, fk->ref->schema, fk->ref->name) : NULL;
			if (p && policy_allows(p, fk->on_delete))
				continue; /* the policy accepts this blocking edge */
		}
		/* the caret goes under the REFERENCES clause itself */
		bool move = fk && fk->ref_loc.file && (blocks || strcmp(f->rule, "set-null-not-null") == 0) &&
		            (f->loc.file != fk->ref_loc.file || f->loc.offset != fk->ref_loc.offset);
		if (move || (blocks && (p || !f->help))) {
			Finding *c = arena_alloc(a, sizeof(*c));
			*c = *f;
			if (move)
				c->loc = fk->ref_loc;
			if (blocks && p)
				c->help = policy_help(a, p);
			else if (blocks && !c->help)
				c->help = "+ ON DELETE CASCADE";
			c->fk = fk;
			f = c;
		}
		VEC_PUSH(a, cand, f);
	}
	Dialect d = o->dialect != DIALECT_AUTO ? o->dialect : m->dialect;
	HashMap *generated = hm_new(a);
	for (size_t i = 0; i < ns; i++)
		if (fix_generated(src->items[i].text, src->items[i].len))
			hm_put(generated, src->items[i].path, (void *)src->items[i].path);
	lint_fk_unindexed(m, an, d, generated, &cand);
	policy_findings(m, cfg, blocked_fk, &cand);

	/* keep what is in new files, unsuppressed, and switched on */
	for (size_t i = 0; i < cand.n; i++) {
		Finding *f = configured(a, cfg, cand.items[i]);
		if (!f)
			continue;
		FileState *st = f->loc.file ? hm_get(byfile, f->loc.file) : NULL;
		if (!st && f->loc.file) {
			/* a loader that spells the path differently */
			char *c = canon(f->loc.file);
			if (c)
				st = hm_get(bycanon, c);
			free(c);
		}
		if (ns > 0) {
			if (!st && !o->all_files)
				continue;
			if (st && (!st->is_new || st->ignored))
				continue;
		}
		if (st && st->fs) {
			Suppression *s = suppress_match(st->fs, f->rule, f->loc.offset);
			if (s) {
				mark_used(st, s, f->rule);
				out->nsuppressed++;
				continue;
			}
		}
		VEC_PUSH(a, out->findings, f);
	}
	for (size_t i = 0; i < ns; i++)
		if (states[i].fs)
			check_suppressions(m, cfg, &states[i], &out->findings);

	if (out->findings.n > 1)
		qsort(out->findings.items, out->findings.n, sizeof(Finding *), cmp_finding);
	for (size_t i = 0; i < out->findings.n; i++) {
		switch (out->findings.items[i]->severity) {
		case SEV_ERROR: out->nerrors++; break;
		case SEV_WARNING: out->nwarnings++; break;
		default: out->ninfos++; break;
		}
	}
	return 0;
}
