/* model.c - the schema model's bookkeeping; see model.h. */
#include "model/model.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *dialect_name(Dialect d)
{
	switch (d) {
	case DIALECT_POSTGRES: return "postgres";
	case DIALECT_COCKROACH: return "cockroach";
	default: return "auto";
	}
}

const char *fk_action_name(char a)
{
	switch (a) {
	case FK_CASCADE: return "cascade";
	case FK_RESTRICT: return "restrict";
	case FK_SET_NULL: return "set null";
	case FK_SET_DEFAULT: return "set default";
	default: return "no action";
	}
}

const char *fk_action_sql(char a)
{
	switch (a) {
	case FK_CASCADE: return "CASCADE";
	case FK_RESTRICT: return "RESTRICT";
	case FK_SET_NULL: return "SET NULL";
	case FK_SET_DEFAULT: return "SET DEFAULT";
	default: return "NO ACTION";
	}
}

const char *severity_name(Severity s)
{
	switch (s) {
	case SEV_ERROR: return "error";
	case SEV_WARNING: return "warning";
	default: return "info";
	}
}

Model *model_new(Arena *a)
{
	Model *m = arena_alloc(a, sizeof(*m));
	m->arena = a;
	m->table_by_name = hm_new(a);
	m->conname = hm_new(a);
	m->relname = hm_new(a);
	return m;
}

const char *model_key(Model *m, const char *schema, const char *name)
{
	return arena_printf(m->arena, "%s\x1f%s", schema ? schema : "", name ? name : "");
}

/* Key on the stack for look-ups that must not allocate. */
static const char *tmp_key(char *buf, size_t sz, const char *schema, const char *name)
{
	size_t ls = strlen(schema), ln = strlen(name);
	if (ls + ln + 2 > sz)
		return NULL;
	memcpy(buf, schema, ls);
	buf[ls] = '\x1f';
	memcpy(buf + ls + 1, name, ln + 1);
	return buf;
}

Table *model_find_table(const Model *m, const char *schema, const char *name)
{
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), schema ? schema : "", name ? name : "");
	return k ? hm_get(m->table_by_name, k) : NULL;
}

Table *model_add_table(Model *m, const char *schema, const char *name, SrcLoc loc)
{
	Table *t = arena_alloc(m->arena, sizeof(*t));
	t->schema = arena_strdup(m->arena, schema);
	t->name = arena_strdup(m->arena, name);
	t->relkind = 'r';
	t->loc = loc;
	t->id = (int)m->tables.n;
	VEC_PUSH(m->arena, m->tables, t);
	const char *k = model_key(m, schema, name);
	hm_put_owned(m->table_by_name, k, t);
	hm_put_owned(m->relname, k, t);
	return t;
}

void model_drop_table(Model *m, Table *t)
{
	if (t->dropped)
		return;
	t->dropped = true;
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), t->schema, t->name);
	if (k && hm_get(m->table_by_name, k) == t) {
		hm_del(m->table_by_name, k);
		hm_del(m->relname, k);
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		if (ix->table == t && !ix->dropped) {
			ix->dropped = true;
			const char *ik = tmp_key(buf, sizeof(buf), t->schema, ix->name);
			if (ik)
				hm_del(m->relname, ik);
			if (ix->is_constraint)
				model_forget_conname(m, t->schema, ix->name);
		}
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		Check *c = m->checks.items[i];
		if (c->table == t && !c->dropped) {
			c->dropped = true;
			model_forget_conname(m, t->schema, c->name);
		}
	}
	/* FKs owned by t go with it; FKs pointing at t only go with
	 * CASCADE, which the caller has already checked for. */
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (!fk->dropped && (fk->table == t || fk->ref == t)) {
			fk->dropped = true;
			model_forget_conname(m, fk->table->schema, fk->name);
		}
	}
}

void model_rename_table(Model *m, Table *t, const char *new_schema, const char *new_name)
{
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), t->schema, t->name);
	if (k && hm_get(m->table_by_name, k) == t) {
		hm_del(m->table_by_name, k);
		hm_del(m->relname, k);
	}
	const char *old_schema = t->schema;
	if (new_schema)
		t->schema = arena_strdup(m->arena, new_schema);
	if (new_name)
		t->name = arena_strdup(m->arena, new_name);
	const char *nk = model_key(m, t->schema, t->name);
	hm_put_owned(m->table_by_name, nk, t);
	hm_put_owned(m->relname, nk, t);
	if (strcmp(old_schema, t->schema) != 0) {
		/* SET SCHEMA moves the table's constraints and indexes along. */
		for (size_t i = 0; i < m->fks.n; i++) {
			ForeignKey *fk = m->fks.items[i];
			if (!fk->dropped && fk->table == t) {
				model_forget_conname(m, old_schema, fk->name);
				model_note_conname(m, t->schema, fk->name);
			}
		}
		for (size_t i = 0; i < m->checks.n; i++) {
			Check *c = m->checks.items[i];
			if (!c->dropped && c->table == t) {
				model_forget_conname(m, old_schema, c->name);
				model_note_conname(m, t->schema, c->name);
			}
		}
		for (size_t i = 0; i < m->indexes.n; i++) {
			Index *ix = m->indexes.items[i];
			if (ix->dropped || ix->table != t)
				continue;
			const char *ik = tmp_key(buf, sizeof(buf), old_schema, ix->name);
			if (ik)
				hm_del(m->relname, ik);
			hm_put_owned(m->relname, model_key(m, t->schema, ix->name), ix);
			if (ix->is_constraint) {
				model_forget_conname(m, old_schema, ix->name);
				model_note_conname(m, t->schema, ix->name);
			}
		}
	}
}

Column *model_add_column(Model *m, Table *t, const char *name, const char *type)
{
	Column *c = arena_alloc(m->arena, sizeof(*c));
	c->name = model_intern(m, name);
	c->type = model_intern(m, type);
	int live = 0;
	for (size_t i = 0; i < t->cols.n; i++)
		live += !t->cols.items[i]->dropped;
	c->attnum = live + 1;
	VEC_PUSH(m->arena, t->cols, c);
	return c;
}

const char *model_intern(Model *m, const char *s)
{
	if (!s)
		return NULL;
	if (!m->strings)
		m->strings = hm_new(m->arena);
	const char *k = hm_get(m->strings, s);
	if (!k) {
		k = arena_strdup(m->arena, s);
		hm_put_owned(m->strings, k, (void *)k);
	}
	return k;
}

Column *table_column(const Table *t, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < t->cols.n; i++) {
		Column *c = t->cols.items[i];
		if (!c->dropped && strcmp(c->name, name) == 0)
			return c;
	}
	return NULL;
}

ForeignKey *model_add_fk(Model *m, Table *t, const char *name)
{
	ForeignKey *fk = arena_alloc(m->arena, sizeof(*fk));
	fk->name = arena_strdup(m->arena, name);
	fk->table = t;
	fk->on_delete = FK_NO_ACTION;
	fk->on_update = FK_NO_ACTION;
	fk->match = 's';
	fk->validated = true;
	fk->seq = ++m->next_seq;
	fk->id = (int)m->fks.n;
	VEC_PUSH(m->arena, m->fks, fk);
	if (name)
		model_note_conname(m, t->schema, name);
	return fk;
}

void model_add_index(Model *m, Index *ix, const char *schema)
{
	VEC_PUSH(m->arena, m->indexes, ix);
	if (ix->name) {
		hm_put_owned(m->relname, model_key(m, schema, ix->name), ix);
		if (ix->is_constraint)
			model_note_conname(m, schema, ix->name);
	}
}

void model_add_check(Model *m, Check *c)
{
	VEC_PUSH(m->arena, m->checks, c);
	if (c->name)
		model_note_conname(m, c->table->schema, c->name);
}

/* Constraint names can repeat across tables of one schema; count them. */
void model_note_conname(Model *m, const char *schema, const char *name)
{
	if (!name)
		return;
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), schema, name);
	if (!k)
		return;
	long n = (long)(intptr_t)hm_get(m->conname, k);
	hm_put(m->conname, k, (void *)(intptr_t)(n + 1));
}

void model_forget_conname(Model *m, const char *schema, const char *name)
{
	if (!name)
		return;
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), schema, name);
	if (!k)
		return;
	long n = (long)(intptr_t)hm_get(m->conname, k);
	if (n <= 1)
		hm_del(m->conname, k);
	else
		hm_put(m->conname, k, (void *)(intptr_t)(n - 1));
}

bool model_conname_taken(const Model *m, const char *schema, const char *name)
{
	char buf[512];
	const char *k = tmp_key(buf, sizeof(buf), schema, name);
	return k && hm_get(m->conname, k) != NULL;
}

Finding *model_add_finding(Model *m, const char *rule, Severity sev, SrcLoc loc,
                           const char *fmt, ...)
{
	Finding *f = arena_alloc(m->arena, sizeof(*f));
	f->rule = rule;
	f->severity = sev;
	f->loc = loc;
	va_list ap;
	va_start(ap, fmt);
	f->message = arena_vprintf(m->arena, fmt, ap);
	va_end(ap);
	VEC_PUSH(m->arena, m->findings, f);
	return f;
}

static int cmp_fk(const void *a, const void *b)
{
	const ForeignKey *x = *(ForeignKey *const *)a, *y = *(ForeignKey *const *)b;
	int c = strcmp(x->table->schema, y->table->schema);
	if (!c)
		c = strcmp(x->table->name, y->table->name);
	if (!c)
		c = strcmp(x->name ? x->name : "", y->name ? y->name : "");
	return c;
}

ForeignKey **model_sorted_fks(Model *m, size_t *n)
{
	ForeignKey **v = arena_alloc(m->arena, (m->fks.n + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < m->fks.n; i++)
		if (!m->fks.items[i]->dropped)
			v[k++] = m->fks.items[i];
	qsort(v, k, sizeof(*v), cmp_fk);
	*n = k;
	return v;
}

static int cmp_table(const void *a, const void *b)
{
	const Table *x = *(Table *const *)a, *y = *(Table *const *)b;
	int c = strcmp(x->schema, y->schema);
	return c ? c : strcmp(x->name, y->name);
}

Table **model_sorted_tables(Model *m, size_t *n)
{
	Table **v = arena_alloc(m->arena, (m->tables.n + 1) * sizeof(*v));
	size_t k = 0;
	for (size_t i = 0; i < m->tables.n; i++)
		if (!m->tables.items[i]->dropped)
			v[k++] = m->tables.items[i];
	qsort(v, k, sizeof(*v), cmp_table);
	*n = k;
	return v;
}
