/*
 * plan.c - the erase graph and the SQL that walks it; see erase.h.
 *
 * Seeds: the root row (key = $1..$n) and the owner-column tables without
 * an FK (user-column-no-fk findings of the analysis, or the policy's
 * delete-by), whose rows match owner_column = $1. From every erased table
 * the walk follows the model's FKs that reference it: CASCADE, NO ACTION
 * and RESTRICT make the child erased too (its rows referencing erased
 * rows), SET NULL / SET DEFAULT are recorded as nulling edges. Retained and
 * anonymised tables are reached but do not pass the walk on: their rows
 * stay. The graph must be acyclic apart from self-references (handled with
 * WITH RECURSIVE); a cycle through several tables is an error naming it.
 *
 * Every set is a SELECT over the earlier sets only (topological order), so
 * the same text serves as a CTE of the read-only counting query, inside
 * the deleting statements, and in the --emit-sql script. Rows are named by
 * their primary key (ctid / rowid without one), never counted table-wide.
 */
#include "erase/erase.h"
#include "exitcodes.h"
#include "report/words.h"
#include "util/quote.h"
#include "util/xalloc.h"

#include <stdlib.h>
#include <string.h>

const char *erase_table_name(const ErasePlan *p, const Table *t)
{
	StrBuf sb = STRBUF_INIT;
	sb_add_qualified(&sb, t->schema, t->name);
	const char *s = arena_strdup(p->a, sb.buf);
	sb_release(&sb);
	return s;
}

int erase_parse_key(Arena *a, const Root *r, const char *spec, const char ***vals, Err *err)
{
	const char **v = arena_alloc(a, (size_t)r->ncols * sizeof(*v));
	memset(v, 0, (size_t)r->ncols * sizeof(*v));
	if (r->ncols == 1) {
		size_t cl = strlen(r->cols[0]);
		if (strncmp(spec, r->cols[0], cl) == 0 && spec[cl] == '=')
			spec += cl + 1;
		v[0] = arena_strdup(a, spec);
		*vals = v;
		return 0;
	}
	char *s = arena_strdup(a, spec);
	for (char *item = strtok(s, ","); item; item = strtok(NULL, ",")) {
		char *eq = strchr(item, '=');
		if (!eq)
			return err_set(err, PGC_EXIT_USAGE,
			               "invalid --key \"%s\": the key of %s has %d columns; write col=value,col=value",
			               spec, r->table, r->ncols);
		*eq = '\0';
		int k = -1;
		for (int i = 0; i < r->ncols; i++)
			if (strcmp(r->cols[i], item) == 0)
				k = i;
		if (k < 0)
			return err_set(err, PGC_EXIT_USAGE, "invalid --key \"%s\": %s is not a key column of %s",
			               spec, item, r->table);
		if (v[k])
			return err_set(err, PGC_EXIT_USAGE, "invalid --key \"%s\": column %s given twice", spec, item);
		v[k] = eq + 1;
	}
	for (int i = 0; i < r->ncols; i++)
		if (!v[i])
			return err_set(err, PGC_EXIT_USAGE, "invalid --key \"%s\": no value for key column %s",
			               spec, r->cols[i]);
	*vals = v;
	return 0;
}

static EraseNode *node_of(ErasePlan *p, EraseNode **by_id, Table *t)
{
	if (by_id[t->id])
		return by_id[t->id];
	EraseNode *n = arena_alloc(p->a, sizeof(*n));
	memset(n, 0, sizeof(*n));
	n->t = t;
	n->retain = policy_retained(p->policy, t);
	n->anonymize = policy_anonymized(p->policy, t);
	by_id[t->id] = n;
	VEC_PUSH(p->a, p->nodes, n);
	return n;
}

static void add_owner_col(ErasePlan *p, EraseNode *n, const char *col)
{
	for (int i = 0; i < n->nowner; i++)
		if (strcmp(n->owner_cols[i], col) == 0)
			return;
	const char **v = arena_alloc(p->a, (size_t)(n->nowner + 1) * sizeof(*v));
	if (n->nowner)
		memcpy(v, n->owner_cols, (size_t)n->nowner * sizeof(*v));
	v[n->nowner++] = col;
	n->owner_cols = v;
}

static void add_sel(ErasePlan *p, EraseNode *n, const char *col)
{
	for (size_t i = 0; i < n->sel.n; i++)
		if (strcmp(n->sel.items[i], col) == 0)
			return;
	VEC_PUSH(p->a, n->sel, col);
}

static bool walk_edge(char action)
{
	return action == FK_CASCADE || action == FK_NO_ACTION || action == FK_RESTRICT;
}

static bool anon_nulls(const ErasePolicy *pol, const Table *t, const char *col)
{
	for (size_t i = 0; pol && i < pol->anonymize.n; i++) {
		const PolicyEntry *e = &pol->anonymize.items[i];
		if (e->t == t && strcmp(e->column, col) == 0 && !e->value)
			return true;
	}
	return false;
}

/* A cycle among the nodes left by Kahn's sort: follow edges until a node repeats. */
static int cycle_error(ErasePlan *p, const int *indeg, Err *err)
{
	size_t nn = p->nodes.n;
	EraseNode *start = NULL;
	for (size_t i = 0; i < nn && !start; i++)
		if (indeg[i] > 0)
			start = p->nodes.items[i];
	int *seen = calloc(nn, sizeof(int));
	const ForeignKey **path = calloc(nn + 1, sizeof(*path));
	EraseNode **at = calloc(nn + 1, sizeof(*at));
	if (!seen || !path || !at) {
		free(seen);
		free(path);
		free(at);
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	}
	/* Walk backwards along incoming edges from nodes still in the cycle. */
	EraseNode *cur = start;
	int len = 0;
	while (!seen[cur->idx]) {
		seen[cur->idx] = len + 1;
		at[len] = cur;
		EraseEdge *next = NULL;
		for (size_t i = 0; i < cur->in.n && !next; i++) {
			EraseEdge *e = cur->in.items[i];
			if (e->parent != cur && indeg[e->parent->idx] > 0)
				next = e;
		}
		if (!next)
			break;
		path[len++] = next->fk;
		cur = next->parent;
	}
	StrBuf sb = STRBUF_INIT;
	int from = seen[cur->idx] - 1;
	bool no_action = true;
	for (int i = len - 1; i >= from; i--) {
		if (i != len - 1)
			sb_adds(&sb, "; ");
		words_edge(&sb, path[i]);
		sb_addf(&sb, ": %s", words_action(path[i]->on_delete));
		if (path[i]->on_delete == FK_CASCADE || path[i]->deferrable)
			no_action = false;
	}
	err_set(err, PGC_EXIT_FINDINGS, "%s cycle of foreign keys: %s; erase cannot order deletes around it%s",
	        no_action ? "a non-deferrable NO ACTION" : "a", sb.buf,
	        no_action ? " (make one of them DEFERRABLE or ON DELETE CASCADE)" : "");
	sb_release(&sb);
	free(seen);
	free(path);
	free(at);
	return -1;
}

static void add_hash_line(StrBuf *fp, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add_hash_line(StrBuf *fp, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vaddf(fp, fmt, ap);
	va_end(ap);
	sb_addch(fp, '\n');
}

int erase_plan_build(Model *m, const Analysis *an, const ErasePolicy *policy, Dialect dialect,
                     const char **key_vals, ErasePlan *p, Err *err)
{
	memset(p, 0, sizeof(*p));
	p->m = m;
	p->a = m->arena;
	p->policy = policy;
	p->dialect = dialect;
	if (an->roots.n != 1)
		return err_set(err, PGC_EXIT_USAGE, "erase takes one --root (got %zu)", an->roots.n);
	p->root = an->roots.items[0];
	p->key_cols = p->root->cols;
	p->nkey = p->root->ncols;
	p->key_vals = key_vals;
	if (p->nkey == 0)
		return err_set(err, PGC_EXIT_USAGE, "%s has no primary key: name its key columns, e.g. --root '%s(id)'",
		               erase_table_name(p, p->root->t), p->root->t->name);
	EraseNode **by_id = arena_alloc(p->a, (m->tables.n + 1) * sizeof(*by_id));
	memset(by_id, 0, (m->tables.n + 1) * sizeof(*by_id));
	EraseNode *root = node_of(p, by_id, p->root->t);
	root->root = true;
	if (root->retain || root->anonymize)
		return err_set(err, PGC_EXIT_USAGE, "%s:%d: the root table %s cannot be retained or anonymized",
		               policy->path ? policy->path : "policy", 0, erase_table_name(p, root->t));
	/* Owner-column tables without an FK: the analysis' findings, or delete-by. */
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (strcmp(f->rule, "user-column-no-fk") != 0 || !f->column ||
		    strcmp(f->root_schema, root->t->schema) != 0 || strcmp(f->root_table, root->t->name) != 0)
			continue;
		Table *t = model_find_table(m, f->schema, f->table);
		if (!t || t == root->t)
			continue;
		const PolicyEntry *by = policy_delete_by(policy, t);
		add_owner_col(p, node_of(p, by_id, t), by ? by->column : f->column);
	}
	for (size_t i = 0; policy && i < policy->delete_by.n; i++) {
		const PolicyEntry *e = &policy->delete_by.items[i];
		if (e->t && e->t != root->t)
			add_owner_col(p, node_of(p, by_id, e->t), e->column);
	}
	/* Walk: FKs referencing each erased table (nodes grow while we scan). */
	for (size_t ni = 0; ni < p->nodes.n; ni++) {
		EraseNode *n = p->nodes.items[ni];
		if (n->retain || n->anonymize)
			continue;
		for (size_t fi = 0; fi < m->fks.n; fi++) {
			const ForeignKey *fk = m->fks.items[fi];
			if (fk->dropped || fk->ref != n->t || fk->table->dropped || fk->table->partition_of)
				continue;
			if (walk_edge(fk->on_delete)) {
				EraseNode *c = node_of(p, by_id, fk->table);
				EraseEdge *e = arena_alloc(p->a, sizeof(*e));
				memset(e, 0, sizeof(*e));
				e->fk = fk;
				e->parent = n;
				e->child = c;
				e->cascades = fk->on_delete == FK_CASCADE;
				if (!e->cascades)
					p->static_blockers = true;
				if (c == n)
					c->self_loop = true;
				VEC_PUSH(p->a, c->in, e);
				VEC_PUSH(p->a, p->edges, e);
			} else if (fk->on_delete == FK_SET_NULL || fk->on_delete == FK_SET_DEFAULT) {
				NullEdge *ne = arena_alloc(p->a, sizeof(*ne));
				memset(ne, 0, sizeof(*ne));
				ne->fk = fk;
				ne->parent = n;
				ne->child = fk->table;
				VEC_PUSH(p->a, p->nulls, ne);
			}
		}
	}
	for (size_t i = 0; i < p->nulls.n; i++)
		p->nulls.items[i]->child_node = by_id[p->nulls.items[i]->child->id];
	/* The policy must be possible: nothing retained is reached through an
	 * FK, and an anonymised table reached through one is detached by it. */
	const char *ppath = policy && policy->path ? policy->path : "policy";
	for (size_t ni = 0; ni < p->nodes.n; ni++) {
		EraseNode *n = p->nodes.items[ni];
		for (size_t k = 0; k < n->in.n; k++) {
			const ForeignKey *fk = n->in.items[k]->fk;
			if (n->retain) {
				int line = 0;
				for (size_t i = 0; i < policy->retain.n; i++)
					if (policy->retain.items[i].t == n->t)
						line = policy->retain.items[i].line;
				return err_set(err, PGC_EXIT_USAGE,
				               "%s:%d: %s is retained but the foreign key %s (%s) makes the erasure %s its rows; anonymize its columns instead (e.g. set %s to NULL)",
				               ppath, line, erase_table_name(p, n->t), fk->name, words_action(fk->on_delete),
				               fk->on_delete == FK_CASCADE ? "delete" : "fail on", fk->cols[0]);
			}
			if (n->anonymize) {
				for (int c = 0; c < fk->ncols; c++)
					if (!anon_nulls(policy, n->t, fk->cols[c])) {
						int line = 0;
						for (size_t i = 0; i < policy->anonymize.n; i++)
							if (policy->anonymize.items[i].t == n->t)
								line = policy->anonymize.items[i].line;
						return err_set(err, PGC_EXIT_USAGE,
						               "%s:%d: %s is anonymized but stays attached through the foreign key %s: add %s.%s=NULL to anonymize",
						               ppath, line, erase_table_name(p, n->t), fk->name, n->t->name, fk->cols[c]);
					}
			}
		}
	}
	/* Topological order (Kahn, self-references aside), parents first,
	 * ties broken by discovery order; the root stays first. */
	size_t nn = p->nodes.n;
	for (size_t i = 0; i < nn; i++)
		p->nodes.items[i]->idx = (int)i;
	int *indeg = calloc(nn, sizeof(int));
	EraseNode **order = calloc(nn, sizeof(*order));
	if (!indeg || !order) {
		free(indeg);
		free(order);
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	}
	for (size_t i = 0; i < p->edges.n; i++)
		if (p->edges.items[i]->parent != p->edges.items[i]->child)
			indeg[p->edges.items[i]->child->idx]++;
	size_t done = 0;
	for (;;) {
		size_t pick = nn;
		for (size_t i = 0; i < nn && pick == nn; i++)
			if (indeg[i] == 0)
				pick = i;
		if (pick == nn)
			break;
		indeg[pick] = -1;
		EraseNode *n = p->nodes.items[pick];
		order[done++] = n;
		for (size_t i = 0; i < p->edges.n; i++) {
			EraseEdge *e = p->edges.items[i];
			if (e->parent == n && e->child != n)
				indeg[e->child->idx]--;
		}
	}
	if (done < nn) {
		int rc = cycle_error(p, indeg, err);
		free(indeg);
		free(order);
		return rc;
	}
	for (size_t i = 0; i < nn; i++) {
		p->nodes.items[i] = order[i];
		order[i]->idx = (int)i;
	}
	free(indeg);
	free(order);
	/* Row identity and the columns each set carries. */
	StrBuf fp = STRBUF_INIT;
	add_hash_line(&fp, "root %s.%s", root->t->schema, root->t->name);
	for (int k = 0; k < p->nkey; k++)
		add_hash_line(&fp, "key %s", p->key_cols[k]);
	for (size_t ni = 0; ni < nn; ni++) {
		EraseNode *n = p->nodes.items[ni];
		if (n->t->pk && n->t->pk->ncols > 0) {
			bool ok = true;
			for (int k = 0; k < n->t->pk->ncols; k++)
				ok = ok && n->t->pk->cols[k];
			if (ok) {
				n->id_cols = n->t->pk->cols;
				n->nid = n->t->pk->ncols;
			}
		}
		for (int k = 0; k < n->nid; k++)
			add_sel(p, n, n->id_cols[k]);
		if (n->root)
			for (int k = 0; k < p->nkey; k++)
				add_sel(p, n, p->key_cols[k]);
		for (int k = 0; k < n->nowner; k++)
			add_sel(p, n, n->owner_cols[k]);
		for (size_t fi = 0; fi < m->fks.n; fi++) {
			const ForeignKey *fk = m->fks.items[fi];
			if (fk->dropped || fk->table != n->t || fk->ref != root->t || n->root)
				continue;
			const ForeignKey **v = arena_alloc(p->a, (size_t)(n->nowner_fks + 1) * sizeof(*v));
			if (n->nowner_fks)
				memcpy(v, n->owner_fks, (size_t)n->nowner_fks * sizeof(*v));
			v[n->nowner_fks++] = fk;
			n->owner_fks = v;
			for (int k = 0; k < fk->ncols; k++)
				add_sel(p, n, fk->cols[k]);
		}
		add_hash_line(&fp, "table %s.%s%s%s", n->t->schema, n->t->name, n->retain ? " retain" : "",
		              n->anonymize ? " anonymize" : "");
		for (int k = 0; k < n->nid; k++)
			add_hash_line(&fp, " id %s", n->id_cols[k]);
		for (int k = 0; k < n->nowner; k++)
			add_hash_line(&fp, " owner %s", n->owner_cols[k]);
	}
	for (size_t i = 0; i < p->edges.n; i++) {
		const ForeignKey *fk = p->edges.items[i]->fk;
		for (int k = 0; k < fk->nref_cols; k++)
			add_sel(p, p->edges.items[i]->parent, fk->ref_cols[k]);
		if (p->edges.items[i]->child == p->edges.items[i]->parent)
			for (int k = 0; k < fk->ncols; k++)
				add_sel(p, p->edges.items[i]->child, fk->cols[k]);
	}
	for (size_t i = 0; i < p->nulls.n; i++) {
		const ForeignKey *fk = p->nulls.items[i]->fk;
		for (int k = 0; k < fk->nref_cols; k++)
			add_sel(p, p->nulls.items[i]->parent, fk->ref_cols[k]);
	}
	/* Fingerprint: the FKs in model order (stable across runs). */
	for (size_t fi = 0; fi < m->fks.n; fi++) {
		const ForeignKey *fk = m->fks.items[fi];
		bool used = false;
		for (size_t i = 0; i < p->edges.n && !used; i++)
			used = p->edges.items[i]->fk == fk;
		for (size_t i = 0; i < p->nulls.n && !used; i++)
			used = p->nulls.items[i]->fk == fk;
		if (!used)
			continue;
		StrBuf cols = STRBUF_INIT;
		for (int k = 0; k < fk->ncols; k++)
			sb_addf(&cols, "%s%s", k ? "," : "", fk->cols[k]);
		sb_adds(&cols, " -> ");
		for (int k = 0; k < fk->nref_cols; k++)
			sb_addf(&cols, "%s%s", k ? "," : "", fk->ref_cols[k]);
		add_hash_line(&fp, "fk %s %s.%s(%s) %s.%s %s%s", fk->name, fk->table->schema, fk->table->name, cols.buf,
		              fk->ref->schema, fk->ref->name, fk_action_sql(fk->on_delete),
		              fk->deferrable ? " deferrable" : "");
		sb_release(&cols);
	}
	char hex[65];
	erase_sha256_hex(fp.buf, fp.len, hex);
	p->fingerprint = arena_strdup(p->a, hex);
	sb_release(&fp);
	return 0;
}

/* ---- SQL text ---- */

static void col(StrBuf *sb, const char *alias, const char *name)
{
	sb_adds(sb, alias);
	sb_addch(sb, '.');
	sb_add_ident(sb, name);
}

static void cols(StrBuf *sb, const char *alias, const char *const *names, int n)
{
	if (n > 1)
		sb_addch(sb, '(');
	for (int i = 0; i < n; i++) {
		if (i)
			sb_adds(sb, ", ");
		col(sb, alias, names[i]);
	}
	if (n > 1)
		sb_addch(sb, ')');
}

static const char *rowid_col(const ErasePlan *p)
{
	return p->dialect == DIALECT_COCKROACH ? "rowid" : "ctid";
}

void erase_id_expr(const ErasePlan *p, const EraseNode *n, const char *alias, StrBuf *sb)
{
	if (n->nid)
		cols(sb, alias, n->id_cols, n->nid);
	else
		sb_addf(sb, "%s.%s", alias, rowid_col(p));
}

/* The identity as the set's column names: pgc_rN's "pgc_rowid" or the keys. */
static void set_id_expr(const ErasePlan *p, const EraseNode *n, const char *alias, StrBuf *sb)
{
	if (n->nid)
		cols(sb, alias, n->id_cols, n->nid);
	else
		sb_addf(sb, "%s.pgc_rowid", alias);
}

void erase_key_cond(const ErasePlan *p, const char *alias, StrBuf *sb)
{
	for (int k = 0; k < p->nkey; k++) {
		if (k)
			sb_adds(sb, " AND ");
		col(sb, alias, p->key_cols[k]);
		sb_addf(sb, " = $%d", k + 1);
	}
}

static void set_name(const EraseNode *n, bool cascade_only, StrBuf *sb)
{
	sb_addf(sb, "pgc_%c%d", cascade_only ? 'c' : 'r', n->idx);
}

static void select_list(const ErasePlan *p, const EraseNode *n, StrBuf *sb)
{
	bool first = true;
	if (!n->nid) {
		sb_addf(sb, "x.%s AS pgc_rowid", rowid_col(p));
		first = false;
	}
	for (size_t i = 0; i < n->sel.n; i++) {
		if (!first)
			sb_adds(sb, ", ");
		first = false;
		col(sb, "x", n->sel.items[i]);
	}
}

/* (x.c1, x.c2) IN (SELECT p.r1, p.r2 FROM pgc_rP p) */
static void edge_cond(const ForeignKey *fk, const EraseNode *parent, bool cascade_only, StrBuf *sb)
{
	cols(sb, "x", fk->cols, fk->ncols);
	sb_adds(sb, " IN (SELECT ");
	for (int k = 0; k < fk->nref_cols; k++) {
		if (k)
			sb_adds(sb, ", ");
		col(sb, "p", fk->ref_cols[k]);
	}
	sb_adds(sb, " FROM ");
	set_name(parent, cascade_only, sb);
	sb_adds(sb, " p)");
}

static void owner_cond(const ErasePlan *p, const EraseNode *n, StrBuf *sb, bool *any)
{
	for (int k = 0; k < n->nowner; k++) {
		if (*any)
			sb_adds(sb, " OR ");
		*any = true;
		col(sb, "x", n->owner_cols[k]);
		sb_adds(sb, " = $1");
	}
}

void erase_reach_sql(const ErasePlan *p, const EraseNode *n, bool cascade_only, StrBuf *sb)
{
	bool rec = false;
	for (size_t i = 0; i < n->in.n; i++) {
		const EraseEdge *e = n->in.items[i];
		if (e->parent == n && (!cascade_only || e->cascades))
			rec = true;
	}
	if (rec)
		sb_adds(sb, "WITH RECURSIVE pgc_w AS (");
	sb_adds(sb, "SELECT ");
	select_list(p, n, sb);
	sb_adds(sb, " FROM ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " x WHERE ");
	bool any = false;
	if (n->root) {
		erase_key_cond(p, "x", sb);
		any = true;
	}
	owner_cond(p, n, sb, &any);
	for (size_t i = 0; i < n->in.n; i++) {
		const EraseEdge *e = n->in.items[i];
		if (e->parent == n || (cascade_only && !e->cascades))
			continue;
		if (any)
			sb_adds(sb, " OR ");
		any = true;
		edge_cond(e->fk, e->parent, cascade_only, sb);
	}
	if (!any)
		sb_adds(sb, "false");
	if (rec) {
		sb_adds(sb, " UNION SELECT ");
		select_list(p, n, sb);
		sb_adds(sb, " FROM ");
		sb_add_qualified(sb, n->t->schema, n->t->name);
		sb_adds(sb, " x JOIN pgc_w w ON ");
		bool first = true;
		for (size_t i = 0; i < n->in.n; i++) {
			const EraseEdge *e = n->in.items[i];
			if (e->parent != n || (cascade_only && !e->cascades))
				continue;
			if (!first)
				sb_adds(sb, " OR ");
			first = false;
			cols(sb, "x", e->fk->cols, e->fk->ncols);
			sb_adds(sb, " = ");
			cols(sb, "w", e->fk->ref_cols, e->fk->nref_cols);
		}
		sb_adds(sb, ") SELECT * FROM pgc_w");
	}
}

/* "WITH ..." of the sets node upto reads (its ancestors, and upto itself
 * when self; also node also and its ancestors when also >= 0); nothing
 * when it reads none. */
static void with_sets(const ErasePlan *p, int upto, int also, bool self, bool both, StrBuf *sb)
{
	int last = upto < 0 ? (int)p->nodes.n - 1 : (also > upto ? also : upto);
	/* Only the sets the statement reads: upto and its ancestors. */
	unsigned char *need = xcalloc((size_t)last + 1, 1);
	if (upto < 0)
		memset(need, 1, (size_t)last + 1);
	else
		need[upto] = 1;
	if (upto >= 0 && also >= 0)
		need[also] = 2;
	for (int i = last; i >= 0; i--)
		if (need[i])
			for (size_t k = 0; k < p->nodes.items[i]->in.n; k++)
				need[p->nodes.items[i]->in.items[k]->parent->idx] = 1;
	if (upto >= 0 && !self && need[upto] != 2)
		need[upto] = 0;
	bool first = true;
	for (int pass = 0; pass < (both ? 2 : 1); pass++)
		for (int i = 0; i <= last; i++) {
			const EraseNode *n = p->nodes.items[i];
			if (!need[i])
				continue;
			sb_adds(sb, first ? "WITH " : ",\n     ");
			first = false;
			set_name(n, pass == 1, sb);
			sb_adds(sb, " AS (");
			erase_reach_sql(p, n, pass == 1, sb);
			sb_addch(sb, ')');
		}
	if (!first)
		sb_addch(sb, '\n');
	free(need);
}

static void with_sql(const ErasePlan *p, int upto, bool self, bool both, StrBuf *sb)
{
	with_sets(p, upto, -1, self, both, sb);
}

void erase_with_sql(const ErasePlan *p, int upto, bool both, StrBuf *sb)
{
	with_sql(p, upto, true, both, sb);
}

static bool recursive(const EraseNode *n)
{
	for (size_t i = 0; i < n->in.n; i++)
		if (n->in.items[i]->parent == n)
			return true;
	return false;
}

/* One branch of the batch's selection: "SELECT <identity> FROM t x WHERE cond". */
static void branch_head(const ErasePlan *p, const EraseNode *n, bool *first, StrBuf *sb)
{
	sb_adds(sb, *first ? "SELECT " : " UNION ALL SELECT ");
	*first = false;
	if (p->dialect != DIALECT_COCKROACH)
		sb_adds(sb, "x.ctid");
	else if (!n->nid)
		sb_addf(sb, "x.%s", rowid_col(p));
	else
		for (int k = 0; k < n->nid; k++) {
			if (k)
				sb_adds(sb, ", ");
			col(sb, "x", n->id_cols[k]);
		}
	sb_adds(sb, " FROM ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " x WHERE ");
}

/* At most limit identities of n's set (not a recursive one): one branch
 * per way into it (owner column, FK from an erased parent), so each can
 * use its own index; a row reached twice is named twice, which = ANY and
 * IN do not mind. */
static void selection(const ErasePlan *p, const EraseNode *n, long limit, bool owner_only, StrBuf *sb)
{
	bool first = true;
	for (int k = 0; k < n->nowner; k++) {
		branch_head(p, n, &first, sb);
		col(sb, "x", n->owner_cols[k]);
		sb_adds(sb, " = $1");
	}
	for (size_t i = 0; i < n->in.n && !owner_only; i++) {
		branch_head(p, n, &first, sb);
		edge_cond(n->in.items[i]->fk, n->in.items[i]->parent, false, sb);
	}
	if (first) {
		branch_head(p, n, &first, sb);
		sb_adds(sb, "false");
	}
	sb_addf(sb, " LIMIT %ld", limit);
}

/* "DELETE FROM t x WHERE ..." of at most limit rows of n's set (the WITH
 * of the sets it reads is the caller's). */
static void batch_delete(const ErasePlan *p, const EraseNode *n, long limit, bool owner_only, StrBuf *sb)
{
	sb_adds(sb, "DELETE FROM ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " x WHERE ");
	if (recursive(n)) {
		/* The set needs WITH RECURSIVE: at most limit rows of it, by identity. */
		erase_id_expr(p, n, "x", sb);
		sb_adds(sb, " IN (SELECT ");
		set_id_expr(p, n, "s", sb);
		sb_addf(sb, " FROM pgc_r%d s LIMIT %ld)", n->idx, limit);
		return;
	}
	bool crdb = p->dialect == DIALECT_COCKROACH;
	if (crdb) {
		erase_id_expr(p, n, "x", sb);
		sb_adds(sb, " IN (");
	} else {
		sb_adds(sb, "x.ctid = ANY(ARRAY(");
	}
	selection(p, n, limit, owner_only, sb);
	sb_adds(sb, crdb ? ")" : "))");
}

void erase_null_batch_sql(const ErasePlan *p, const NullEdge *ne, long limit, StrBuf *sb)
{
	const ForeignKey *fk = ne->fk;
	const EraseNode *cn = ne->child_node && !ne->child_node->retain && !ne->child_node->anonymize
	                      ? ne->child_node : NULL;
	with_sets(p, ne->parent->idx, cn ? cn->idx : -1, true, false, sb);
	sb_adds(sb, "UPDATE ");
	sb_add_qualified(sb, ne->child->schema, ne->child->name);
	sb_adds(sb, " x SET ");
	const char *const *set = fk->nset_cols ? fk->set_cols : fk->cols;
	int nset = fk->nset_cols ? fk->nset_cols : fk->ncols;
	for (int k = 0; k < nset; k++) {
		if (k)
			sb_adds(sb, ", ");
		sb_add_ident(sb, set[k]);
		sb_adds(sb, fk->on_delete == FK_SET_DEFAULT ? " = DEFAULT" : " = NULL");
	}
	/* identity: ctid, or on CockroachDB the primary key (else rowid) */
	StrBuf id = STRBUF_INIT;
	const Table *t = ne->child;
	bool pk = p->dialect == DIALECT_COCKROACH && t->pk && t->pk->ncols > 0;
	for (int k = 0; pk && k < t->pk->ncols; k++)
		pk = t->pk->cols[k] != NULL;
	if (pk)
		cols(&id, "x", t->pk->cols, t->pk->ncols);
	else
		sb_addf(&id, "x.%s", rowid_col(p));
	sb_adds(sb, " WHERE ");
	sb_adds(sb, id.buf);
	sb_adds(sb, p->dialect == DIALECT_COCKROACH ? " IN (SELECT " : " = ANY(ARRAY(SELECT ");
	sb_adds(sb, id.buf);
	sb_adds(sb, " FROM ");
	sb_add_qualified(sb, t->schema, t->name);
	sb_adds(sb, " x WHERE ");
	edge_cond(fk, ne->parent, false, sb);
	if (cn) {
		sb_adds(sb, " AND ");
		erase_id_expr(p, cn, "x", sb);
		sb_adds(sb, " NOT IN (SELECT ");
		set_id_expr(p, cn, "s", sb);
		sb_addf(sb, " FROM pgc_r%d s)", cn->idx);
	}
	sb_addf(sb, " LIMIT %ld)%s", limit, p->dialect == DIALECT_COCKROACH ? "" : ")");
	sb_release(&id);
}

void erase_heavy_leaf_sql(const ErasePlan *p, const EraseNode *n, const EraseNode *leaf, long limit, StrBuf *sb)
{
	const EraseEdge *e = leaf->in.items[0];
	for (size_t i = 0; i < leaf->in.n; i++)
		if (leaf->in.items[i]->parent == n)
			e = leaf->in.items[i];
	with_sql(p, n->idx, false, false, sb);
	sb_adds(sb, "DELETE FROM ");
	sb_add_qualified(sb, leaf->t->schema, leaf->t->name);
	sb_adds(sb, " y WHERE y.ctid = ANY(ARRAY(SELECT y.ctid FROM ");
	sb_add_qualified(sb, leaf->t->schema, leaf->t->name);
	sb_adds(sb, " y WHERE ");
	cols(sb, "y", e->fk->cols, e->fk->ncols);
	sb_adds(sb, " IN (SELECT ");
	for (int k = 0; k < e->fk->nref_cols; k++) {
		if (k)
			sb_adds(sb, ", ");
		col(sb, "h", e->fk->ref_cols[k]);
	}
	sb_adds(sb, " FROM ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " h WHERE h.ctid = ANY(ARRAY(");
	selection(p, n, 1, false, sb);
	sb_addf(sb, "))) LIMIT %ld))", limit);
}

void erase_batch_delete_sql(const ErasePlan *p, const EraseNode *n, long limit, bool owner_only,
                            EraseNode *const *leaves, int nleaves, StrBuf *sb)
{
	size_t at = sb->len;
	if (recursive(n))
		erase_with_sql(p, n->idx, false, sb);
	else if (!owner_only)
		with_sql(p, n->idx, false, false, sb);
	if (nleaves == 0) {
		batch_delete(p, n, limit, owner_only, sb);
		return;
	}
	/* With leaves: the rows of n deleted, and each leaf's deleted-row
	 * counter of this transaction read before its cascade runs (at the
	 * end of the statement). */
	if (sb->len > at) {
		sb_setlen(sb, sb->len - 1); /* the WITH's newline */
		sb_adds(sb, ",\n     pgc_d AS (");
	} else {
		sb_adds(sb, "WITH pgc_d AS (");
	}
	batch_delete(p, n, limit, owner_only, sb);
	sb_adds(sb, " RETURNING 1)\nSELECT (SELECT count(*) FROM pgc_d)");
	for (int i = 0; i < nleaves; i++) {
		sb_adds(sb, ", pg_catalog.pg_stat_get_xact_tuples_deleted(");
		StrBuf q = STRBUF_INIT;
		sb_add_qualified(&q, leaves[i]->t->schema, leaves[i]->t->name);
		sb_add_literal(sb, q.buf);
		sb_release(&q);
		sb_adds(sb, "::pg_catalog.regclass)");
	}
}

/* Rows of n's set that belong to the key: an owner column or an FK to the root. */
static bool owner_match(const ErasePlan *p, const EraseNode *n, StrBuf *sb)
{
	bool any = false;
	owner_cond(p, n, sb, &any);
	for (int k = 0; k < n->nowner_fks; k++) {
		const ForeignKey *fk = n->owner_fks[k];
		if (any)
			sb_adds(sb, " OR ");
		any = true;
		cols(sb, "x", fk->cols, fk->ncols);
		sb_adds(sb, " IN (SELECT ");
		for (int c = 0; c < fk->nref_cols; c++) {
			if (c)
				sb_adds(sb, ", ");
			col(sb, "r", fk->ref_cols[c]);
		}
		sb_adds(sb, " FROM ");
		sb_add_qualified(sb, p->root->t->schema, p->root->t->name);
		sb_adds(sb, " r WHERE ");
		erase_key_cond(p, "r", sb);
		sb_addch(sb, ')');
	}
	return any;
}

void erase_count_sql(const ErasePlan *p, StrBuf *sb)
{
	/* Without NO ACTION / RESTRICT edges the cascade walk is the same walk. */
	bool both = p->static_blockers && !p->skip_blockers;
	erase_with_sql(p, -1, both, sb);
	bool first = true;
#define NEXT() do { sb_adds(sb, first ? "SELECT " : "\nUNION ALL SELECT "); first = false; } while (0)
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *n = p->nodes.items[i];
		NEXT();
		sb_addf(sb, "'r', %zu, count(*) FROM pgc_r%zu", i, i);
		if (both) {
			NEXT();
			sb_addf(sb, "'c', %zu, count(*) FROM pgc_c%zu", i, i);
		}
		if (!n->root && (n->nowner || n->nowner_fks) && !n->retain && !n->anonymize) {
			NEXT();
			sb_addf(sb, "'o', %zu, count(*) FROM pgc_r%zu x WHERE NOT (", i, i);
			owner_match(p, n, sb);
			sb_addch(sb, ')');
		}
	}
	for (size_t i = 0; i < p->nulls.n; i++) {
		const NullEdge *ne = p->nulls.items[i];
		NEXT();
		sb_addf(sb, "'n', %zu, count(*) FROM ", i);
		sb_add_qualified(sb, ne->child->schema, ne->child->name);
		sb_adds(sb, " x WHERE ");
		edge_cond(ne->fk, ne->parent, false, sb);
		if (ne->child_node && !ne->child_node->retain && !ne->child_node->anonymize) {
			sb_adds(sb, " AND ");
			erase_id_expr(p, ne->child_node, "x", sb);
			sb_adds(sb, " NOT IN (SELECT ");
			set_id_expr(p, ne->child_node, "s", sb);
			sb_addf(sb, " FROM pgc_r%d s)", ne->child_node->idx);
		}
	}
	for (size_t i = 0; i < p->edges.n; i++) {
		const EraseEdge *e = p->edges.items[i];
		if (!both || e->cascades || e->child->anonymize)
			continue;
		NEXT();
		sb_addf(sb, "'b', %zu, count(*) FROM ", i);
		sb_add_qualified(sb, e->child->t->schema, e->child->t->name);
		sb_adds(sb, " x WHERE ");
		edge_cond(e->fk, e->parent, true, sb);
		if (e->fk->on_delete == FK_NO_ACTION) {
			sb_adds(sb, " AND ");
			erase_id_expr(p, e->child, "x", sb);
			sb_adds(sb, " NOT IN (SELECT ");
			set_id_expr(p, e->child, "s", sb);
			sb_addf(sb, " FROM pgc_c%d s)", e->child->idx);
		}
	}
#undef NEXT
}

void erase_anonymize_head(const ErasePlan *p, const EraseNode *n, StrBuf *sb)
{
	sb_adds(sb, "UPDATE ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " x SET ");
	bool first = true;
	for (size_t i = 0; i < p->policy->anonymize.n; i++) {
		const PolicyEntry *e = &p->policy->anonymize.items[i];
		if (e->t != n->t)
			continue;
		if (!first)
			sb_adds(sb, ", ");
		first = false;
		sb_add_ident(sb, e->column);
		sb_adds(sb, " = ");
		if (e->value)
			sb_add_literal(sb, e->value);
		else
			sb_adds(sb, "NULL");
	}
}

static void anonymize_sql(const ErasePlan *p, const EraseNode *n, StrBuf *sb)
{
	erase_with_sql(p, n->idx, false, sb);
	erase_anonymize_head(p, n, sb);
	sb_adds(sb, " WHERE ");
	erase_id_expr(p, n, "x", sb);
	sb_adds(sb, " IN (SELECT ");
	set_id_expr(p, n, "s", sb);
	sb_addf(sb, " FROM pgc_r%d s)", n->idx);
}

static void delete_sql(const ErasePlan *p, const EraseNode *n, bool by_set, StrBuf *sb)
{
	if (n->root) {
		sb_adds(sb, "DELETE FROM ");
		sb_add_qualified(sb, n->t->schema, n->t->name);
		sb_adds(sb, " x WHERE ");
		erase_key_cond(p, "x", sb);
		return;
	}
	if (!by_set) {
		sb_adds(sb, "DELETE FROM ");
		sb_add_qualified(sb, n->t->schema, n->t->name);
		sb_adds(sb, " x WHERE ");
		bool any = false;
		owner_cond(p, n, sb, &any);
		return;
	}
	erase_with_sql(p, n->idx, false, sb);
	sb_adds(sb, "DELETE FROM ");
	sb_add_qualified(sb, n->t->schema, n->t->name);
	sb_adds(sb, " x WHERE ");
	erase_id_expr(p, n, "x", sb);
	sb_adds(sb, " IN (SELECT ");
	set_id_expr(p, n, "s", sb);
	sb_addf(sb, " FROM pgc_r%d s)", n->idx);
}

void erase_statements(const ErasePlan *p, bool order_deletes, EraseStrVec *out)
{
	StrBuf sb = STRBUF_INIT;
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *n = p->nodes.items[i];
		if (!n->anonymize)
			continue;
		sb_reset(&sb);
		anonymize_sql(p, n, &sb);
		VEC_PUSH(p->a, *out, arena_strdup(p->a, sb.buf));
	}
	for (size_t i = p->nodes.n; i-- > 0;) {
		const EraseNode *n = p->nodes.items[i];
		if (n->retain || n->anonymize)
			continue;
		if (!order_deletes && !n->root && n->nowner == 0)
			continue; /* the cascade removes it */
		sb_reset(&sb);
		delete_sql(p, n, order_deletes, &sb);
		VEC_PUSH(p->a, *out, arena_strdup(p->a, sb.buf));
	}
	sb_release(&sb);
}

void erase_verify_sql(const ErasePlan *p, StrBuf *sb)
{
	const EraseNode *root = p->nodes.items[0];
	sb_adds(sb, "SELECT 'root row', count(*) FROM ");
	sb_add_qualified(sb, root->t->schema, root->t->name);
	sb_adds(sb, " x WHERE ");
	erase_key_cond(p, "x", sb);
	/* Every FK to the root table over its key columns. */
	for (size_t fi = 0; fi < p->m->fks.n; fi++) {
		const ForeignKey *fk = p->m->fks.items[fi];
		if (fk->dropped || fk->ref != root->t || fk->table->partition_of || fk->nref_cols != p->nkey)
			continue;
		int *map = xcalloc((size_t)p->nkey, sizeof(int));
		bool ok = true;
		for (int k = 0; ok && k < fk->nref_cols; k++) {
			map[k] = -1;
			for (int j = 0; j < p->nkey; j++)
				if (strcmp(fk->ref_cols[k], p->key_cols[j]) == 0)
					map[k] = j;
			ok = map[k] >= 0;
		}
		if (ok) {
			sb_adds(sb, "\nUNION ALL SELECT ");
			StrBuf label = STRBUF_INIT;
			sb_addf(&label, "%s (%s)", fk->name, erase_table_name(p, fk->table));
			sb_add_literal(sb, label.buf);
			sb_release(&label);
			sb_adds(sb, ", count(*) FROM ");
			sb_add_qualified(sb, fk->table->schema, fk->table->name);
			sb_adds(sb, " x WHERE ");
			for (int k = 0; k < fk->ncols; k++) {
				if (k)
					sb_adds(sb, " AND ");
				col(sb, "x", fk->cols[k]);
				sb_addf(sb, " = $%d", map[k] + 1);
			}
		}
		free(map);
	}
	for (size_t i = 0; i < p->nodes.n; i++) {
		const EraseNode *n = p->nodes.items[i];
		if (n->retain || n->anonymize)
			continue;
		for (int k = 0; k < n->nowner; k++) {
			sb_adds(sb, "\nUNION ALL SELECT ");
			StrBuf label = STRBUF_INIT;
			sb_addf(&label, "owner column %s.%s", erase_table_name(p, n->t), n->owner_cols[k]);
			sb_add_literal(sb, label.buf);
			sb_release(&label);
			sb_adds(sb, ", count(*) FROM ");
			sb_add_qualified(sb, n->t->schema, n->t->name);
			sb_adds(sb, " x WHERE ");
			col(sb, "x", n->owner_cols[k]);
			sb_adds(sb, " = $1");
		}
	}
}
