/*
 * fix.c - the migration writer: fix_build() turns the fk-blocks-delete
 * findings of an analysis into three SQL texts (up, validate, down).
 * Pure: it reads the model and the findings and writes strings in the
 * model's arena; cmd/fix.c decides where they go.
 *
 * PostgreSQL (see doc/fix.md for the whole argument):
 *   - Each constraint is dropped and re-added in ONE ALTER TABLE, so no
 *     moment exists without it, and re-added NOT VALID, so the ALTER
 *     does not scan the child. Locks, measured on PostgreSQL 15 with
 *     pg_locks and matching the ALTER TABLE reference page
 *     (https://www.postgresql.org/docs/15/sql-altertable.html: "ADD
 *     FOREIGN KEY requires only a SHARE ROW EXCLUSIVE lock" on the table
 *     and "also ... on the referenced table"; "An ACCESS EXCLUSIVE lock is
 *     acquired unless explicitly noted", and DROP CONSTRAINT is not
 *     noted): the combined statement takes ACCESS EXCLUSIVE on both
 *     tables, held only for the catalog update.
 *   - VALIDATE CONSTRAINT goes in its own file (its own transaction):
 *     "VALIDATE CONSTRAINT ... acquires a SHARE UPDATE EXCLUSIVE lock on
 *     the table being altered. (If the constraint is a foreign key then a
 *     ROW SHARE lock is also required on the table referenced by the
 *     constraint.)" (same page). Writes continue while it scans.
 *   - SET lock_timeout bounds how long a step waits behind other
 *     sessions (instead of queueing every other session behind it).
 *   - Every step is a DO block that reads pg_constraint (by conrelid and
 *     conname) and compares the definition field by field with the one
 *     this migration was generated from: already cascading -> no DDL at
 *     all; the old definition -> the ALTER; missing or different ->
 *     RAISE EXCEPTION naming the constraint.
 *
 * CockroachDB (no DO blocks, so no guards):
 *   - "Support for schema changes within transactions is limited. We
 *     recommend doing schema changes outside transactions where possible.
 *     When a schema management tool uses transactions on your behalf, we
 *     recommend only doing one schema change operation per transaction."
 *     (https://www.cockroachlabs.com/docs/v20.1/online-schema-changes; the
 *     v24.1 page: "CockroachDB only supports DDL changes within implicit
 *     transactions (individual statements)"). So: one schema change per
 *     statement, no BEGIN/COMMIT, and the file is marked to run outside
 *     a transaction where the runner allows it (dbmate transaction:false).
 *   - "In the event of a DELETE or UPDATE to the referenced column, the
 *     action for the first foreign key specified takes precedence"
 *     (https://www.cockroachlabs.com/docs/v20.1/foreign-key, "Add multiple
 *     foreign key constraints to a single column"): adding the CASCADE
 *     FK next to the old NO ACTION one changes nothing while both exist,
 *     and the name must stay the same anyway. So the old one is dropped
 *     first: DROP CONSTRAINT (no IF EXISTS: a missing constraint, e.g. a
 *     wrongly predicted name, stops the migration), then ADD CONSTRAINT IF
 *     NOT EXISTS. A second run drops and re-adds the same definition: the
 *     catalog is left identical, but it is not a no-op (doc/fix.md).
 *   - NOT VALID / VALIDATE: CockroachDB accepts "ALTER TABLE ... ADD
 *     CONSTRAINT ... opt_validate_behavior" (NOT VALID) and "ALTER TABLE
 *     ... VALIDATE CONSTRAINT" (https://www.cockroachlabs.com/docs/v21.2/
 *     add-constraint, .../v22.1/validate-constraint), but every schema
 *     change, a validating ADD included, "runs as a background job without
 *     holding locks on the underlying table data" (online-schema-changes).
 *     So the FK is added validated in one step and no validate file is
 *     written; NOT VALID is kept only for an FK that was NOT VALID before.
 */
#include "fix/fix.h"
#include "exitcodes.h"
#include "report/words.h"
#include "util/quote.h"
#include "util/strbuf.h"
#include "version.h"

#include <stdlib.h>
#include <string.h>

typedef struct Change {
	const ForeignKey *fk;
	char from, to;          /* ON DELETE before and after (to: CASCADE or SET NULL) */
	const Finding *f;       /* the finding with the smallest depth for this FK */
	const char *why;        /* left alone: the reason; NULL for a change */
	const char *path;       /* path from the root, for comments (sanitized) */
} Change;


typedef struct Ctx {
	Model *m;
	const Analysis *an;
	const FixOptions *opt;
	bool crdb;
	PGC_VEC(Change) changes;       /* to re-create */
	PGC_VEC(Change) left;          /* fk-blocks-delete left alone, with the reason */
	PGC_VEC(const Finding *) decisions; /* set-null-not-null */
	PGC_VEC(const Finding *) shared;    /* cascade-deletes-other-owners */
	int *change_at, *left_at;      /* by fk->id: 1 + index in changes / left, or 0 */
	int nvalidate;                 /* PostgreSQL: constraints the validate file validates */
} Ctx;

/* ---- small writers ---- */

/* Appends text for a "-- " comment: control characters (a newline would
 * end the comment and turn the rest of a name into SQL) become '?'. */
static void add_comment_text(StrBuf *sb, const char *s)
{
	for (const char *p = s ? s : ""; *p; p++)
		sb_addch(sb, ((unsigned char)*p < 0x20 || *p == 0x7f) ? '?' : *p);
}

/* Copy of s fit for a "-- " comment (see add_comment_text). */
static const char *cm(Arena *a, const char *s)
{
	char *r = arena_strdup(a, s ? s : "");
	for (char *p = r; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return r;
}

static void add_qualified_table(StrBuf *sb, const Table *t)
{
	sb_add_qualified(sb, t->schema, t->name);
}

static const char *qualified(Arena *a, const Table *t)
{
	StrBuf sb = STRBUF_INIT;
	add_qualified_table(&sb, t);
	char *s = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return s;
}

static void add_col_list(StrBuf *sb, const char **cols, int n)
{
	sb_addch(sb, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_ident(sb, cols[i]);
	}
	sb_addch(sb, ')');
}

/* FOREIGN KEY (...) REFERENCES s.t (...) [MATCH FULL] [ON UPDATE x] [ON DELETE y]
 * [DEFERRABLE [INITIALLY DEFERRED]] [NOT VALID] */
static void add_fk_def(StrBuf *sb, const ForeignKey *fk, char on_delete, bool not_valid)
{
	sb_adds(sb, "FOREIGN KEY ");
	add_col_list(sb, fk->cols, fk->ncols);
	sb_adds(sb, " REFERENCES ");
	add_qualified_table(sb, fk->ref);
	sb_addch(sb, ' ');
	add_col_list(sb, fk->ref_cols, fk->nref_cols);
	if (fk->match == 'f')
		sb_adds(sb, " MATCH FULL");
	else if (fk->match == 'p')
		sb_adds(sb, " MATCH PARTIAL");
	if (fk->on_update && fk->on_update != FK_NO_ACTION)
		sb_addf(sb, " ON UPDATE %s", fk_action_sql(fk->on_update));
	if (on_delete != FK_NO_ACTION) {
		sb_addf(sb, " ON DELETE %s", fk_action_sql(on_delete));
		if ((on_delete == FK_SET_NULL || on_delete == FK_SET_DEFAULT) && fk->nset_cols > 0) {
			sb_addch(sb, ' ');
			add_col_list(sb, fk->set_cols, fk->nset_cols);
		}
	}
	if (fk->deferrable) {
		sb_adds(sb, " DEFERRABLE");
		if (fk->initially_deferred)
			sb_adds(sb, " INITIALLY DEFERRED");
	}
	if (not_valid)
		sb_adds(sb, " NOT VALID");
}

/* A literal holding the qualified, quoted name (for to_regclass). */
static void add_regclass_literal(StrBuf *sb, const Table *t)
{
	StrBuf q = STRBUF_INIT;
	add_qualified_table(&q, t);
	sb_add_literal(sb, q.buf);
	sb_release(&q);
}

static void add_text_array(StrBuf *sb, const char **v, int n)
{
	sb_adds(sb, "ARRAY[");
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		sb_add_literal(sb, v[i]);
	}
	sb_adds(sb, "]::text[]");
}

/* "schema.table.conname" for messages and comments (quoted as SQL would). */
static const char *fk_label(Arena *a, const ForeignKey *fk)
{
	StrBuf sb = STRBUF_INIT;
	add_qualified_table(&sb, fk->table);
	sb_addch(&sb, '.');
	sb_add_ident(&sb, fk->name);
	char *s = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return s;
}

/* The path from the root, as every report writes it (words_path_names). */
static void add_path(StrBuf *sb, Ctx *c, const Finding *f)
{
	const Table *root = f->root_table ? model_find_table(c->m, f->root_schema ? f->root_schema : "public",
	                                                     f->root_table) : NULL;
	if (f->npath > 0)
		words_path_names(sb, c->m, root, f->root_table ? f->root_table : "(root)", f->path, f->npath);
	else if (f->fk)
		words_edge(sb, f->fk);
}

/* Picks a dollar-quote tag that does not occur in body. */
static const char *dollar_tag(Arena *a, const char *body)
{
	const char *tag = "$pgcascade$";
	for (int i = 1; strstr(body, tag); i++)
		tag = arena_printf(a, "$pgcascade%d$", i);
	return tag;
}

static void add_do_block(Ctx *c, StrBuf *out, const char *body)
{
	const char *tag = dollar_tag(c->m->arena, body);
	sb_addf(out, "DO %s\n%s%s;\n", tag, body, tag);
}

/* ---- selection ---- */

static int cmp_change(const void *pa, const void *pb)
{
	const ForeignKey *a = ((const Change *)pa)->fk, *b = ((const Change *)pb)->fk;
	int r = strcmp(a->table->schema, b->table->schema);
	if (!r)
		r = strcmp(a->table->name, b->table->name);
	if (!r)
		r = strcmp(a->name, b->name);
	return r;
}

static int cmp_finding_fk(const void *pa, const void *pb)
{
	const Finding *a = *(const Finding *const *)pa, *b = *(const Finding *const *)pb;
	int r = strcmp(a->schema ? a->schema : "", b->schema ? b->schema : "");
	if (!r)
		r = strcmp(a->table ? a->table : "", b->table ? b->table : "");
	if (!r)
		r = strcmp(a->constraint ? a->constraint : "", b->constraint ? b->constraint : "");
	return r;
}

/* fk is the last edge of a cascade-deletes-other-owners path. */
static bool reaches_others(const Ctx *c, const ForeignKey *fk)
{
	for (size_t i = 0; i < c->an->findings.n; i++) {
		const Finding *f = c->an->findings.items[i];
		if (f->fk == fk && strcmp(f->rule, "cascade-deletes-other-owners") == 0)
			return true;
	}
	return false;
}

static int select_changes(Ctx *c, Err *err)
{
	Arena *a = c->m->arena;
	size_t nfk = c->m->fks.n;
	c->change_at = arena_alloc(a, (nfk + 1) * sizeof(int));
	c->left_at = arena_alloc(a, (nfk + 1) * sizeof(int));
	memset(c->change_at, 0, (nfk + 1) * sizeof(int));
	memset(c->left_at, 0, (nfk + 1) * sizeof(int));
	for (size_t i = 0; i < c->an->findings.n; i++) {
		const Finding *f = c->an->findings.items[i];
		if (strcmp(f->rule, "set-null-not-null") == 0) {
			VEC_PUSH(a, c->decisions, f);
			continue;
		}
		if (strcmp(f->rule, "cascade-deletes-other-owners") == 0) {
			VEC_PUSH(a, c->shared, f);
			continue;
		}
		if (strcmp(f->rule, "fk-blocks-delete") != 0)
			continue;
		if (!f->fk || f->fk->id < 0 || (size_t)f->fk->id >= nfk || c->m->fks.items[f->fk->id] != f->fk)
			return err_set(err, PGC_EXIT_INTERNAL,
			               "fk-blocks-delete finding on %s.%s carries no foreign key of the model",
			               f->table ? f->table : "?", f->constraint ? f->constraint : "?");
		const ForeignKey *fk = f->fk;
		if (fk->on_delete != FK_NO_ACTION && fk->on_delete != FK_RESTRICT)
			continue; /* only NO ACTION / RESTRICT edges block */
		const char *why = NULL;
		if (c->opt->depth > 0 && f->depth > c->opt->depth)
			why = arena_printf(a, "depth %d > --depth %d", f->depth, c->opt->depth);
		else if (c->opt->minimal && f->blocks && strcmp(f->blocks, "not-on-postgres") == 0)
			why = "--minimal: blocks: not-on-postgres";
		else if (c->opt->shared_parent == SHARED_LEAVE && reaches_others(c, fk))
			why = "--shared-parent=leave: cascading it deletes other owners' rows";
		if (!why) {
			int at = c->change_at[fk->id];
			if (at) {
				if (f->depth < c->changes.items[at - 1].f->depth)
					c->changes.items[at - 1].f = f;
			} else {
				Change ch = {fk, fk->on_delete, FK_CASCADE, f, NULL, NULL};
				VEC_PUSH(a, c->changes, ch);
				c->change_at[fk->id] = (int)c->changes.n;
			}
			continue;
		}
		int at = c->left_at[fk->id];
		if (at) {
			if (f->depth < c->left.items[at - 1].f->depth)
				c->left.items[at - 1].f = f;
		} else {
			Change ch = {fk, fk->on_delete, FK_CASCADE, f, why, NULL};
			VEC_PUSH(a, c->left, ch);
			c->left_at[fk->id] = (int)c->left.n;
		}
	}
	/* --shared-parent=set-null: the start edges the caller chose. */
	for (int i = 0; i < c->opt->nset_null; i++) {
		const ForeignKey *fk = c->opt->set_null[i];
		if (!fk || c->change_at[fk->id])
			continue;
		Finding *f = arena_alloc(a, sizeof(*f));
		f->rule = "cascade-deletes-other-owners";
		f->fk = fk;
		f->depth = 1;
		f->blocks = "-";
		f->path = arena_alloc(a, sizeof(*f->path));
		f->path[0] = fk->name;
		f->npath = 1;
		f->root_schema = fk->ref->schema;
		f->root_table = fk->ref->name;
		Change ch = {fk, c->opt->set_null_was ? c->opt->set_null_was[i] : fk->on_delete, FK_SET_NULL, f,
		             NULL, NULL};
		VEC_PUSH(a, c->changes, ch);
		c->change_at[fk->id] = (int)c->changes.n;
	}
	/* An FK that one root needs changed is not "left alone" for another. */
	size_t keep = 0;
	for (size_t i = 0; i < c->left.n; i++)
		if (!c->change_at[c->left.items[i].fk->id])
			c->left.items[keep++] = c->left.items[i];
	c->left.n = keep;
	if (c->changes.n > 1)
		qsort(c->changes.items, c->changes.n, sizeof(Change), cmp_change);
	if (c->left.n > 1)
		qsort(c->left.items, c->left.n, sizeof(Change), cmp_change);
	if (c->decisions.n > 1)
		qsort(c->decisions.items, c->decisions.n, sizeof(Finding *), cmp_finding_fk);
	return 0;
}

/* ---- header ---- */

static void add_roots(StrBuf *sb, Ctx *c)
{
	if (c->an->roots.n == 0) {
		sb_adds(sb, "users");
		return;
	}
	for (size_t i = 0; i < c->an->roots.n; i++) {
		const Root *r = c->an->roots.items[i];
		if (i)
			sb_adds(sb, ", ");
		if (r->t)
			sb_adds(sb, cm(c->m->arena, qualified(c->m->arena, r->t)));
		else
			add_comment_text(sb, r->spec ? r->spec : r->table);
	}
}

/* The (regclass, name) pairs of the changes (only the NOT VALID ones when unvalidated). */
static void add_pairs(StrBuf *sb, Ctx *c, bool unvalidated)
{
	int k = 0;
	for (size_t i = 0; i < c->changes.n; i++) {
		const ForeignKey *fk = c->changes.items[i].fk;
		if (unvalidated && fk->validated)
			continue;
		StrBuf one = STRBUF_INIT;
		sb_adds(sb, k++ ? ",\n--          " : "\n--          ");
		sb_addch(&one, '(');
		add_regclass_literal(&one, fk->table);
		sb_adds(&one, "::regclass, ");
		sb_add_literal(&one, fk->name);
		sb_addch(&one, ')');
		add_comment_text(sb, one.buf);
		sb_release(&one);
	}
}

/* "'c'", or a CASE giving 'n' for the SET NULL changes. */
static void add_want_action(StrBuf *sb, Ctx *c)
{
	bool any = false;
	for (size_t i = 0; i < c->changes.n; i++)
		any |= c->changes.items[i].to != FK_CASCADE;
	if (!any) {
		sb_adds(sb, "'c'");
		return;
	}
	sb_adds(sb, "CASE WHEN (c.conrelid, c.conname) IN (");
	int k = 0;
	for (size_t i = 0; i < c->changes.n; i++) {
		const ForeignKey *fk = c->changes.items[i].fk;
		if (c->changes.items[i].to == FK_CASCADE)
			continue;
		StrBuf one = STRBUF_INIT;
		sb_adds(sb, k++ ? ",\n--          " : "\n--          ");
		sb_addch(&one, '(');
		add_regclass_literal(&one, fk->table);
		sb_adds(&one, "::regclass, ");
		sb_add_literal(&one, fk->name);
		sb_addch(&one, ')');
		add_comment_text(sb, one.buf);
		sb_release(&one);
	}
	sb_adds(sb, ") THEN 'n' ELSE 'c' END");
}

static void add_verification_query(StrBuf *sb, Ctx *c)
{
	sb_adds(sb, c->crdb ? "-- Verification query (expect zero rows once the up migration ran):\n"
	                    : "-- Verification query (expect zero rows once the up and validate files ran):\n");
	sb_adds(sb, "--   SELECT c.conrelid::regclass AS table_name, c.conname, c.confdeltype, c.convalidated\n"
	            "--     FROM pg_catalog.pg_constraint c\n"
	            "--    WHERE c.contype = 'f' AND (c.conrelid, c.conname) IN (");
	add_pairs(sb, c, false);
	bool any_unvalidated = false;
	for (size_t i = 0; i < c->changes.n; i++)
		if (!c->changes.items[i].fk->validated)
			any_unvalidated = true;
	if (any_unvalidated) {
		sb_adds(sb, ")\n--      AND (c.confdeltype <> ");
		add_want_action(sb, c);
		sb_adds(sb, " OR (NOT c.convalidated\n"
		            "--           AND (c.conrelid, c.conname) NOT IN (");
		add_pairs(sb, c, true);
		sb_adds(sb, ")));\n"
		            "--   (the NOT IN list: constraints that were NOT VALID before and stay so)\n");
	} else {
		sb_adds(sb, ")\n--      AND (c.confdeltype <> ");
		add_want_action(sb, c);
		sb_adds(sb, " OR NOT c.convalidated);\n");
	}
}

/* Nullable columns: ON DELETE SET NULL can keep the parent row. */
static bool fk_nullable(const ForeignKey *fk)
{
	for (int i = 0; i < fk->ncols; i++) {
		const Column *col = table_column(fk->table, fk->cols[i]);
		if (!col || col->not_null)
			return false;
		const Index *pk = fk->table->pk;
		for (int j = 0; pk && !pk->dropped && j < pk->ncols; j++)
			if (pk->cols[j] && strcmp(pk->cols[j], fk->cols[i]) == 0)
				return false;
	}
	return fk->ncols > 0;
}

/* cascade-deletes-other-owners: the paths through which deleting one owner
 * deletes other owners' rows, and what --shared-parent does about them. */
static void add_shared(StrBuf *sb, Ctx *c)
{
	Arena *a = c->m->arena;
	if (c->shared.n == 0)
		return;
	sb_addf(sb, "--\n-- Deletes rows of other owners (%zu %s;\n"
	            "-- --shared-parent=%s):\n", c->shared.n,
	        words_noun((long)c->shared.n, "cascade-deletes-other-owners finding", "cascade-deletes-other-owners findings"),
	        fix_shared_parent_name(c->opt->shared_parent));
	for (size_t i = 0; i < c->shared.n; i++) {
		const Finding *f = c->shared.items[i];
		StrBuf p = STRBUF_INIT;
		add_path(&p, c, f);
		sb_addf(sb, "--   %s: rows of %s.%s that belong to other owners (%s)\n--     path: ",
		        cm(a, f->fk ? fk_label(a, f->fk) : f->constraint), cm(a, f->schema), cm(a, f->table),
		        cm(a, f->owner_column));
		add_comment_text(sb, p.buf);
		sb_release(&p);
		sb_addch(sb, '\n');
		const ForeignKey *st = f->start_fk;
		if (!st)
			continue;
		bool offer = fk_nullable(st) && st->on_delete != FK_SET_NULL;
		if (c->opt->shared_parent == SHARED_SET_NULL)
			sb_addf(sb, offer ? "--     %s: ON DELETE SET NULL (see above)\n"
			                  : "--     %s has NOT NULL columns: no SET NULL possible; decide by hand\n",
			        cm(a, fk_label(a, st)));
		else if (offer)
			sb_addf(sb, "--     offered: ON DELETE SET NULL on %s keeps them\n"
			            "--     (pgcascade fix --shared-parent=set-null)%s\n",
			        cm(a, fk_label(a, st)),
			        c->opt->shared_parent == SHARED_LEAVE ? "" : "; kept as a cascade here (--shared-parent=cascade)");
		else
			sb_addf(sb, "--     %s has NOT NULL columns, so no SET NULL is offered; %s\n",
			        cm(a, fk_label(a, st)),
			        c->opt->shared_parent == SHARED_LEAVE ? "left alone here"
			                                              : "kept as a cascade here (--shared-parent=cascade)");
	}
}

static void add_header(StrBuf *sb, Ctx *c, const char *kind)
{
	Arena *a = c->m->arena;
	const FixOptions *o = c->opt;
	sb_adds(sb, "-- ");
	sb_adds(sb, kind);
	sb_adds(sb, FIX_HEADER_MARK);
	if (strcmp(kind, "Down") == 0)
		sb_adds(sb, "undoes the migration that makes\n-- DELETE FROM ");
	else
		sb_adds(sb, "make DELETE FROM ");
	add_roots(sb, c);
	sb_adds(sb, strcmp(kind, "Down") == 0 ? " cascade through its whole deletion closure.\n--\n"
	                                       : "\n-- cascade through its whole deletion closure.\n--\n");
	sb_adds(sb, "-- Generated by pgcascade " PGC_VERSION ": ");
	add_comment_text(sb, o->command_line ? o->command_line : "pgcascade fix");
	sb_addf(sb, "\n-- Dialect: %s. Source: %s.\n", c->crdb ? "cockroach" : "postgres",
	        c->m->live ? "live catalog (every name read from pg_constraint)" : "migration files");
	sb_adds(sb, "-- Scope: ");
	if (o->depth > 0)
		sb_addf(sb, "fk-blocks-delete edges at depth <= %d (--depth %d)", o->depth, o->depth);
	else
		sb_adds(sb, "every fk-blocks-delete edge, at every depth");
	if (c->crdb)
		; /* every edge blocks on CockroachDB: --minimal does not apply */
	else if (o->minimal)
		sb_adds(sb, "; --minimal: edges classified blocks: not-on-postgres are left alone\n"
		            "--   (proven harmless for any data: their owner column ties every referencing\n"
		            "--   row to the deleted owner, and PostgreSQL's cascade deletes it before the\n"
		            "--   check; deleting such a parent row on its own keeps the protection NO ACTION\n"
		            "--   gives it)");
	else
		sb_adds(sb, "; not --minimal: edges classified blocks: not-on-postgres are re-created too");
	sb_adds(sb, ".\n--\n");

	size_t ncascade = 0;
	for (size_t i = 0; i < c->changes.n; i++)
		ncascade += c->changes.items[i].to == FK_CASCADE;
	sb_addf(sb, "-- What and why: %zu %s the delete (fk-blocks-delete). Each is\n"
	            "-- re-created with %s; its name, columns, referenced columns,\n"
	            "-- ON UPDATE, MATCH, DEFERRABLE and INITIALLY are kept.\n",
	        ncascade, words_noun((long)ncascade, "foreign key blocks", "foreign keys block"),
	        words_action(FK_CASCADE));
	for (size_t i = 0; i < c->changes.n; i++) {
		const Change *ch = &c->changes.items[i];
		if (ch->to != FK_CASCADE)
			continue;
		sb_addf(sb, "--   %s (depth %d, blocks: %s)\n", cm(a, fk_label(a, ch->fk)), ch->f->depth,
		        cm(a, ch->f->blocks ? ch->f->blocks : "always"));
		sb_adds(sb, "--     path: ");
		sb_adds(sb, ch->path);
		sb_adds(sb, "\n--     was:  ");
		StrBuf d = STRBUF_INIT;
		add_fk_def(&d, ch->fk, ch->from, !ch->fk->validated);
		add_comment_text(sb, d.buf);
		sb_release(&d);
		sb_addch(sb, '\n');
	}
	if (ncascade < c->changes.n) {
		size_t nset_null = c->changes.n - ncascade;
		sb_addf(sb, "--\n-- %s (--shared-parent=set-null): %zu %s at the start of\n"
		            "-- a path that deletes other owners' rows; the shared rows now outlive the owner:\n",
		        words_action(FK_SET_NULL), nset_null, words_noun((long)nset_null, "foreign key", "foreign keys"));
		for (size_t i = 0; i < c->changes.n; i++) {
			const Change *ch = &c->changes.items[i];
			if (ch->to == FK_CASCADE)
				continue;
			sb_addf(sb, "--   %s\n--     was:  ", cm(a, fk_label(a, ch->fk)));
			StrBuf d = STRBUF_INIT;
			add_fk_def(&d, ch->fk, ch->from, !ch->fk->validated);
			add_comment_text(sb, d.buf);
			sb_release(&d);
			sb_addch(sb, '\n');
		}
	}
	add_shared(sb, c);
	if (c->left.n) {
		sb_addf(sb, "--\n-- Left alone (%zu):\n", c->left.n);
		for (size_t i = 0; i < c->left.n; i++) {
			sb_addf(sb, "--   %s (depth %d, blocks: %s): %s\n", cm(a, fk_label(a, c->left.items[i].fk)),
			        c->left.items[i].f->depth,
			        cm(a, c->left.items[i].f->blocks ? c->left.items[i].f->blocks : "always"),
			        cm(a, c->left.items[i].why));
		}
	}
	if (c->decisions.n) {
		sb_addf(sb, "--\n-- Needs a decision (%zu %s; NOT changed here):\n", c->decisions.n,
		        words_noun((long)c->decisions.n, "set-null-not-null finding", "set-null-not-null findings"));
		for (size_t i = 0; i < c->decisions.n; i++) {
			const Finding *f = c->decisions.items[i];
			if (f->fk) {
				sb_addf(sb, "--   %s: %s on a NOT NULL column, so the delete fails.\n",
				        cm(a, fk_label(a, f->fk)), words_action(f->fk->on_delete));
				/* The columns the action writes: SET NULL (cols) names them. */
				const char **cols = f->fk->nset_cols > 0 ? f->fk->set_cols : f->fk->cols;
				int ncols = f->fk->nset_cols > 0 ? f->fk->nset_cols : f->fk->ncols;
				StrBuf line = STRBUF_INIT;
				sb_adds(&line, "ALTER TABLE ");
				add_qualified_table(&line, f->fk->table);
				int k2 = 0;
				bool in_pk = false;
				for (int k = 0; k < ncols; k++) {
					const Index *pk = f->fk->table->pk;
					bool pkcol = false;
					for (int j = 0; pk && j < pk->ncols; j++)
						if (pk->cols[j] && strcmp(pk->cols[j], cols[k]) == 0)
							pkcol = true;
					if (pkcol) {
						in_pk = true;
						continue;
					}
					const Column *col = table_column(f->fk->table, cols[k]);
					if (col && !col->not_null)
						continue;
					sb_adds(&line, k2++ ? ", ALTER COLUMN " : " ALTER COLUMN ");
					sb_add_ident(&line, cols[k]);
					sb_adds(&line, " DROP NOT NULL");
				}
				sb_addch(&line, ';');
				if (k2) {
					sb_adds(sb, "--     either make the column nullable: ");
					add_comment_text(sb, line.buf);
					if (in_pk)
						sb_adds(sb, "\n--       (a primary-key column among them cannot be made nullable)");
				} else {
					sb_adds(sb, "--     the column is part of the primary key and cannot be made nullable;");
				}
				sb_release(&line);
				sb_adds(sb, "\n--     or make it cascade (its rows are then deleted with the root row).\n");
			} else {
				sb_addf(sb, "--   %s.%s: %s\n", cm(a, f->table ? f->table : "?"),
				        cm(a, f->constraint ? f->constraint : "?"), cm(a, f->message));
			}
		}
	}
	bool any_pred = false;
	for (size_t i = 0; i < c->changes.n; i++)
		if (c->changes.items[i].fk->name_predicted)
			any_pred = true;
	if (any_pred) {
		sb_adds(sb, c->crdb
			? "--\n-- Predicted names: these constraints were created without a name; pgcascade\n"
			  "-- computed the name CockroachDB gives them. Each DROP CONSTRAINT fails if the\n"
			  "-- name is not there; check with SHOW CONSTRAINTS FROM <table> first:\n"
			: "--\n-- Predicted names: these constraints were created without a name; pgcascade\n"
			  "-- computed the name PostgreSQL gives them. Every step checks the name in\n"
			  "-- pg_constraint and stops with an error if it is not there:\n");
		for (size_t i = 0; i < c->changes.n; i++)
			if (c->changes.items[i].fk->name_predicted) {
				sb_adds(sb, "--   ");
				add_comment_text(sb, fk_label(a, c->changes.items[i].fk));
				sb_addch(sb, '\n');
			}
	} else if (!c->m->live) {
		sb_adds(sb, "--\n-- Predicted names: none; every name was written in the migration files.\n");
	}
	sb_adds(sb, "--\n-- How to run: ");
	if (c->crdb)
		sb_adds(sb, "each statement on its own, outside an explicit transaction (CockroachDB\n"
		            "-- advises one schema change per transaction, and DDL outside transactions).\n");
	else if (strcmp(kind, "Up") == 0 && c->nvalidate == 0)
		sb_adds(sb, "this file; no validation step follows (each constraint is either\n"
		            "-- validated in its own statement or was NOT VALID before and stays so).\n");
	else if (strcmp(kind, "Up") == 0) {
		sb_adds(sb, "this file first, then the validation in a separate transaction");
		if (o->validate_name) {
			sb_adds(sb, ":\n--   ");
			add_comment_text(sb, o->validate_name);
			sb_adds(sb, "\n");
		} else {
			sb_adds(sb, "\n-- (pgcascade fix --out DIR writes it as its own migration file).\n");
		}
	} else if (strcmp(kind, "Validate") == 0) {
		sb_adds(sb, "after the up migration");
		if (o->up_name) {
			sb_addch(sb, ' ');
			add_comment_text(sb, o->up_name);
		}
		sb_adds(sb, " has committed, in its own transaction.\n");
	} else {
		sb_adds(sb, "to roll back the up migration");
		if (o->up_name) {
			sb_addch(sb, ' ');
			add_comment_text(sb, o->up_name);
		}
		sb_adds(sb, ".\n");
	}
	if (c->crdb)
		sb_adds(sb, "-- Idempotent: CockroachDB has no DO blocks, so no step is guarded: each\n"
		            "-- constraint is dropped and re-added (IF NOT EXISTS). A second run drops and\n"
		            "-- re-adds the same definition and leaves the catalog identical. A missing\n"
		            "-- constraint stops it (DROP fails); a changed definition is NOT detected.\n");
	else
		sb_adds(sb, "-- Idempotent: every step reads pg_constraint first. A second run performs no\n"
		            "-- DDL at all. A constraint that is missing, or whose definition differs from\n"
		            "-- the one this file was generated from, stops the migration with an error.\n");
	sb_adds(sb, "--\n");
	add_verification_query(sb, c);
	sb_adds(sb, "--\n-- Rollback risk: the down migration restores the previous definitions, actions\n"
	            "-- included, but not data. Once any root row has been deleted through these\n"
	            "-- cascades, the rows deleted with it are gone: rolling back cannot bring them\n"
	            "-- back, and the only way back to the earlier data is a restore from backup.\n\n");
}

/* ---- PostgreSQL steps ---- */

/* The guard query: fills deltype, valid and same for fk's name on its table. */
static void add_pg_probe(StrBuf *b, const ForeignKey *fk)
{
	sb_adds(b, "\tSELECT c.confdeltype, c.convalidated,\n"
	           "\t       c.confrelid = pg_catalog.to_regclass(");
	add_regclass_literal(b, fk->ref);
	sb_addf(b, ")\n\t       AND c.confupdtype = '%c' AND c.confmatchtype = '%c'\n",
	        fk->on_update ? fk->on_update : 'a', fk->match ? fk->match : 's');
	sb_addf(b, "\t       AND c.condeferrable = %s AND c.condeferred = %s\n",
	        fk->deferrable ? "true" : "false", fk->initially_deferred ? "true" : "false");
	sb_adds(b, "\t       AND ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(n, i)\n"
	           "\t                 JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n\n"
	           "\t                 ORDER BY k.i) = ");
	add_text_array(b, fk->cols, fk->ncols);
	sb_adds(b, "\n\t       AND ARRAY(SELECT a.attname::text FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY AS k(n, i)\n"
	           "\t                 JOIN pg_catalog.pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n\n"
	           "\t                 ORDER BY k.i) = ");
	add_text_array(b, fk->ref_cols, fk->nref_cols);
	sb_adds(b, "\n\t  INTO deltype, valid, same\n"
	           "\t  FROM pg_catalog.pg_constraint c\n"
	           "\t WHERE c.conrelid = pg_catalog.to_regclass(");
	add_regclass_literal(b, fk->table);
	sb_adds(b, ")\n\t   AND c.conname = ");
	sb_add_literal(b, fk->name);
	sb_adds(b, " AND c.contype = 'f';\n");
}

static void add_raise(StrBuf *b, const char *level, const char *msg, const char *detail,
                      const char *hint)
{
	sb_addf(b, "RAISE %s USING MESSAGE = ", level);
	sb_add_literal(b, msg);
	if (detail) {
		sb_adds(b, ",\n\t\t\tDETAIL = ");
		sb_add_literal(b, detail);
	}
	if (hint) {
		sb_adds(b, ",\n\t\t\tHINT = ");
		sb_add_literal(b, hint);
	}
	sb_adds(b, ";\n");
}

static const char *def_text(Arena *a, const ForeignKey *fk, char on_delete, bool not_valid)
{
	StrBuf d = STRBUF_INIT;
	add_fk_def(&d, fk, on_delete, not_valid);
	char *s = arena_strdup(a, d.buf);
	sb_release(&d);
	return s;
}

/* PostgreSQL (15) refuses "cannot add NOT VALID foreign key on partitioned
 * table"; and when the referenced table is partitioned, the constraints it
 * derives for each partition stay NOT VALID after VALIDATE CONSTRAINT
 * (seen on 15.20). For both, the ADD validates in the same statement. */
static bool can_not_valid(const ForeignKey *fk)
{
	return fk->table->relkind != 'p' && fk->ref->relkind != 'p';
}

/* Whether the step re-adds fk NOT VALID and leaves VALIDATE for later. */
static bool needs_validate(const ForeignKey *fk)
{
	return fk->validated && can_not_valid(fk);
}

/* ALTER TABLE t DROP CONSTRAINT c, ADD CONSTRAINT c FOREIGN KEY ... NOT VALID */
static void add_swap(StrBuf *b, const ForeignKey *fk, char on_delete)
{
	sb_adds(b, "ALTER TABLE ");
	add_qualified_table(b, fk->table);
	sb_adds(b, " DROP CONSTRAINT ");
	sb_add_ident(b, fk->name);
	sb_adds(b, ",\n\t\t\tADD CONSTRAINT ");
	sb_add_ident(b, fk->name);
	sb_addch(b, ' ');
	add_fk_def(b, fk, on_delete, can_not_valid(fk) || !fk->validated);
	sb_adds(b, ";\n");
}

static void add_lock_comment_swap(StrBuf *sb, Ctx *c, const ForeignKey *fk)
{
	Arena *a = c->m->arena;
	StrBuf l = STRBUF_INIT;
	if (!can_not_valid(fk))
		sb_addf(&l, "-- Locks: ACCESS EXCLUSIVE on %s and on %s, held while the ADD scans the\n"
		            "-- table: with a partitioned table on either side PostgreSQL cannot add this\n"
		            "-- foreign key NOT VALID and validate it later, so it is validated in the same\n"
		            "-- statement. lock_timeout bounds the wait behind other sessions, not the scan.\n",
		        cm(a, qualified(a, fk->table)), cm(a, qualified(a, fk->ref)));
	else if (fk->ref == fk->table)
		sb_addf(&l, "-- Locks: ACCESS EXCLUSIVE on %s (DROP CONSTRAINT; ADD FOREIGN KEY alone would\n"
		            "-- take SHARE ROW EXCLUSIVE), held only for the catalog update: NOT VALID skips\n"
		            "-- the scan. lock_timeout bounds the wait behind other sessions.\n",
		        cm(a, qualified(a, fk->table)));
	else
		sb_addf(&l, "-- Locks: ACCESS EXCLUSIVE on %s and on %s (DROP CONSTRAINT of a foreign key\n"
		            "-- locks both tables; ADD FOREIGN KEY alone would take SHARE ROW EXCLUSIVE on both),\n"
		            "-- held only for the catalog update: NOT VALID skips the scan. lock_timeout bounds\n"
		            "-- the wait behind other sessions.\n",
		        cm(a, qualified(a, fk->table)), cm(a, qualified(a, fk->ref)));
	for (const char *p = l.buf; *p; p++)
		sb_addch(sb, (*p != '\n' && ((unsigned char)*p < 0x20 || *p == 0x7f)) ? '?' : *p);
	sb_release(&l);
}

static void add_validate_lock_comment(StrBuf *sb, Ctx *c, const ForeignKey *fk)
{
	Arena *a = c->m->arena;
	StrBuf l = STRBUF_INIT;
	sb_addf(&l, "-- Locks: SHARE UPDATE EXCLUSIVE on %s and ROW SHARE on %s while it scans %s;\n"
	            "-- reads, inserts, updates and deletes continue.\n",
	        cm(a, qualified(a, fk->table)), cm(a, qualified(a, fk->ref)), cm(a, qualified(a, fk->table)));
	for (const char *p = l.buf; *p; p++)
		sb_addch(sb, (*p != '\n' && ((unsigned char)*p < 0x20 || *p == 0x7f)) ? '?' : *p);
	sb_release(&l);
}

static void add_step_title(StrBuf *sb, Ctx *c, size_t i, const Change *ch)
{
	StrBuf l = STRBUF_INIT;
	sb_addf(&l, "[%zu/%zu] %s (depth %d)", i + 1, c->changes.n, fk_label(c->m->arena, ch->fk),
	        ch->f->depth);
	sb_adds(sb, "-- ");
	add_comment_text(sb, l.buf);
	sb_addch(sb, '\n');
	sb_release(&l);
}

/* Up (to = cascade) or down (to = the old action) step for one FK. */
static void add_pg_swap_step(StrBuf *sb, Ctx *c, const ForeignKey *fk, char from, char to)
{
	Arena *a = c->m->arena;
	const char *label = fk_label(a, fk);
	StrBuf b = STRBUF_INIT;
	sb_adds(&b, "DECLARE\n\tdeltype \"char\";\n\tvalid boolean;\n\tsame boolean;\nBEGIN\n");
	add_pg_probe(&b, fk);
	sb_adds(&b, "\tIF NOT FOUND THEN\n\t\t");
	add_raise(&b, "EXCEPTION",
	          arena_printf(a, "pgcascade: foreign key %s is missing", label),
	          arena_printf(a, "This migration was generated from a schema in which it exists: %s",
	                       def_text(a, fk, from, !fk->validated)),
	          "Re-run pgcascade fix against the current schema.");
	sb_addf(&b, "\tELSIF same AND deltype = '%c' THEN\n\t\t", to);
	add_raise(&b, "NOTICE",
	          arena_printf(a, "pgcascade: %s already has %s; nothing to do", label, words_action(to)),
	          NULL, NULL);
	sb_addf(&b, "\tELSIF same AND deltype = '%c' THEN\n\t\t", from);
	add_swap(&b, fk, to);
	sb_adds(&b, "\tELSE\n\t\t");
	add_raise(&b, "EXCEPTION",
	          arena_printf(a, "pgcascade: foreign key %s differs from the definition this migration "
	                          "was generated from", label),
	          arena_printf(a, "Expected: %s (or the same with %s)", def_text(a, fk, from, false),
	                       words_action(to)),
	          "Re-run pgcascade fix against the current schema.");
	sb_adds(&b, "\tEND IF;\nEND\n");
	add_do_block(c, sb, b.buf);
	sb_release(&b);
}

/* VALIDATE step: only when the constraint has action want and is not yet valid. */
static void add_pg_validate_step(StrBuf *sb, Ctx *c, const ForeignKey *fk, char want,
                                 const char *before)
{
	Arena *a = c->m->arena;
	const char *label = fk_label(a, fk);
	StrBuf b = STRBUF_INIT;
	sb_adds(&b, "DECLARE\n\tdeltype \"char\";\n\tvalid boolean;\n\tsame boolean;\nBEGIN\n");
	add_pg_probe(&b, fk);
	sb_adds(&b, "\tIF NOT FOUND THEN\n\t\t");
	add_raise(&b, "EXCEPTION", arena_printf(a, "pgcascade: foreign key %s is missing", label), NULL,
	          before);
	sb_addf(&b, "\tELSIF NOT same OR deltype <> '%c' THEN\n\t\t", want);
	add_raise(&b, "EXCEPTION",
	          arena_printf(a, "pgcascade: foreign key %s does not have %s with the "
	                          "expected definition", label, words_action(want)),
	          arena_printf(a, "Expected: %s", def_text(a, fk, want, false)), before);
	sb_adds(&b, "\tELSIF NOT valid THEN\n\t\tALTER TABLE ");
	add_qualified_table(&b, fk->table);
	sb_adds(&b, " VALIDATE CONSTRAINT ");
	sb_add_ident(&b, fk->name);
	sb_adds(&b, ";\n\tEND IF;\nEND\n");
	add_do_block(c, sb, b.buf);
	sb_release(&b);
}

static void add_lock_timeout(StrBuf *sb, Ctx *c)
{
	sb_adds(sb, "-- Wait at most this long for each lock, instead of queueing every other\n"
	            "-- session behind this migration; on a timeout, re-run: finished steps are skipped.\n"
	            "SET lock_timeout = ");
	sb_add_literal(sb, c->opt->lock_timeout ? c->opt->lock_timeout : "5s");
	sb_adds(sb, ";\n\n");
}

static void build_pg(Ctx *c, FixOutput *out)
{
	Arena *a = c->m->arena;
	StrBuf up = STRBUF_INIT, val = STRBUF_INIT, down = STRBUF_INIT;
	for (size_t i = 0; i < c->changes.n; i++)
		if (needs_validate(c->changes.items[i].fk))
			c->nvalidate++;

	add_header(&up, c, "Up");
	add_lock_timeout(&up, c);
	for (size_t i = 0; i < c->changes.n; i++) {
		const Change *ch = &c->changes.items[i];
		add_step_title(&up, c, i, ch);
		add_lock_comment_swap(&up, c, ch->fk);
		add_pg_swap_step(&up, c, ch->fk, ch->from, ch->to);
		sb_addch(&up, '\n');
	}
	sb_adds(&up, "RESET lock_timeout;\n");

	int nval = c->nvalidate;
	if (nval) {
		add_header(&val, c, "Validate");
		sb_adds(&val, "-- Validates the constraints the up migration re-created NOT VALID. Run it in\n"
		              "-- its own transaction, after the up migration has committed.\n\n");
		add_lock_timeout(&val, c);
		const char *before = c->opt->up_name
			? arena_printf(a, "Run the up migration %s first.", c->opt->up_name)
			: "Run the up migration first.";
		for (size_t i = 0; i < c->changes.n; i++) {
			const Change *ch = &c->changes.items[i];
			if (!needs_validate(ch->fk))
				continue;
			add_step_title(&val, c, i, ch);
			add_validate_lock_comment(&val, c, ch->fk);
			add_pg_validate_step(&val, c, ch->fk, ch->to, before);
			sb_addch(&val, '\n');
		}
		sb_adds(&val, "RESET lock_timeout;\n");
	}

	add_header(&down, c, "Down");
	sb_adds(&down, "-- Restores every constraint exactly as it was before the up migration: each is\n"
	               "-- re-added NOT VALID in one ALTER TABLE, then validated (if it was valid before)\n"
	               "-- at the end of this file.\n\n");
	add_lock_timeout(&down, c);
	for (size_t i = c->changes.n; i-- > 0;) {
		const Change *ch = &c->changes.items[i];
		add_step_title(&down, c, i, ch);
		add_lock_comment_swap(&down, c, ch->fk);
		add_pg_swap_step(&down, c, ch->fk, ch->to, ch->from);
		sb_addch(&down, '\n');
	}
	for (size_t i = c->changes.n; i-- > 0;) {
		const Change *ch = &c->changes.items[i];
		if (!needs_validate(ch->fk))
			continue;
		add_step_title(&down, c, i, ch);
		add_validate_lock_comment(&down, c, ch->fk);
		add_pg_validate_step(&down, c, ch->fk, ch->from, "The step above should have restored it.");
		sb_addch(&down, '\n');
	}
	sb_adds(&down, "RESET lock_timeout;\n");

	out->up = arena_strdup(a, up.buf);
	out->validate = nval ? arena_strdup(a, val.buf) : NULL;
	out->down = arena_strdup(a, down.buf);
	out->nvalidate = nval;
	sb_release(&up);
	sb_release(&val);
	sb_release(&down);
}

/* ---- CockroachDB steps ---- */

static void add_crdb_swap(StrBuf *sb, Ctx *c, size_t i, const Change *ch, char to)
{
	const ForeignKey *fk = ch->fk;
	add_step_title(sb, c, i, ch);
	sb_adds(sb, "ALTER TABLE ");
	add_qualified_table(sb, fk->table);
	sb_adds(sb, " DROP CONSTRAINT ");
	sb_add_ident(sb, fk->name);
	sb_adds(sb, ";\nALTER TABLE ");
	add_qualified_table(sb, fk->table);
	sb_adds(sb, " ADD CONSTRAINT IF NOT EXISTS ");
	sb_add_ident(sb, fk->name);
	sb_addch(sb, ' ');
	add_fk_def(sb, fk, to, !fk->validated);
	sb_adds(sb, ";\n\n");
}

static void add_crdb_steps_comment(StrBuf *sb)
{
	sb_adds(sb, "-- Each constraint takes two statements, each its own implicit transaction\n"
	            "-- holding one schema change. The old FK is dropped first: with two FKs on the\n"
	            "-- same columns the first one's action wins, so adding the new one next to it\n"
	            "-- would change nothing. DROP has no IF EXISTS, so a missing constraint stops\n"
	            "-- the migration. The ADD validates as an online background job (no table lock);\n"
	            "-- between the two statements the columns are briefly unconstrained.\n\n");
}

static void build_crdb(Ctx *c, FixOutput *out)
{
	Arena *a = c->m->arena;
	StrBuf up = STRBUF_INIT, down = STRBUF_INIT;
	add_header(&up, c, "Up");
	add_crdb_steps_comment(&up);
	for (size_t i = 0; i < c->changes.n; i++)
		add_crdb_swap(&up, c, i, &c->changes.items[i], c->changes.items[i].to);
	add_header(&down, c, "Down");
	sb_adds(&down, "-- Restores every constraint exactly as it was before the up migration.\n");
	add_crdb_steps_comment(&down);
	for (size_t i = c->changes.n; i-- > 0;)
		add_crdb_swap(&down, c, i, &c->changes.items[i], c->changes.items[i].from);
	out->up = arena_strdup(a, up.buf);
	out->down = arena_strdup(a, down.buf);
	out->validate = NULL;
	out->nvalidate = 0;
	out->no_transaction = true;
	sb_release(&up);
	sb_release(&down);
}

int fix_shared_parent_parse(const char *s)
{
	if (!s)
		return -1;
	if (strcmp(s, "cascade") == 0)
		return SHARED_CASCADE;
	if (strcmp(s, "set-null") == 0)
		return SHARED_SET_NULL;
	if (strcmp(s, "leave") == 0)
		return SHARED_LEAVE;
	return -1;
}

const char *fix_shared_parent_name(int v)
{
	return v == SHARED_SET_NULL ? "set-null" : v == SHARED_LEAVE ? "leave" : "cascade";
}

int fix_build(Model *m, const Analysis *an, const FixOptions *opt, FixOutput *out, Err *err)
{
	memset(out, 0, sizeof(*out));
	FixOptions defaults = {0};
	if (!opt)
		opt = &defaults;
	Ctx c = {0};
	c.m = m;
	c.an = an;
	c.opt = opt;
	c.crdb = m->dialect == DIALECT_COCKROACH || m->server_is_crdb;
	out->dialect = c.crdb ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	if (opt->depth < 0)
		return err_set(err, PGC_EXIT_USAGE, "invalid depth %d: expected 0 (every depth) or more",
		               opt->depth);
	if (opt->minimal && c.crdb)
		return err_set(err, PGC_EXIT_USAGE,
		               "--minimal applies to PostgreSQL only: CockroachDB does not document its "
		               "cascade order, so every blocking edge blocks there");
	if (select_changes(&c, err) < 0)
		return -1;
	for (size_t i = 0; i < c.changes.n; i++) {
		StrBuf p = STRBUF_INIT;
		add_path(&p, &c, c.changes.items[i].f);
		c.changes.items[i].path = cm(m->arena, p.buf);
		sb_release(&p);
	}
	for (size_t i = 0; i < c.changes.n; i++) {
		const ForeignKey *fk = c.changes.items[i].fk;
		if (!fk->table || !fk->ref || !fk->name || fk->ncols <= 0 || fk->nref_cols != fk->ncols)
			return err_set(err, PGC_EXIT_INTERNAL, "foreign key %s is incomplete in the model",
			               fk->name ? fk->name : "(unnamed)");
		if (fk->name_predicted)
			out->npredicted++;
	}
	out->nshared = (int)c.shared.n;
	out->nset_null = 0;
	for (size_t i = 0; i < c.changes.n; i++)
		out->nset_null += c.changes.items[i].to != FK_CASCADE;
	out->nleft = (int)c.left.n;
	out->ndecisions = (int)c.decisions.n;
	out->nchanges = (int)c.changes.n;
	if (c.changes.n == 0)
		return 0;
	if (c.crdb)
		build_crdb(&c, out);
	else
		build_pg(&c, out);
	return 0;
}

bool fix_generated(const char *text, size_t len)
{
	static const char *const kinds[] = {"-- Up", "-- Validate", "-- Down"};
	size_t ml = strlen(FIX_HEADER_MARK);
	for (size_t i = 0; text && i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t kl = strlen(kinds[i]);
		if (len >= kl + ml && memcmp(text, kinds[i], kl) == 0 && memcmp(text + kl, FIX_HEADER_MARK, ml) == 0)
			return true;
	}
	return false;
}
