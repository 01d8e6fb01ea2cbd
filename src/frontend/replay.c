/*
 * replay.c - the protobuf walk that turns schema statements into the
 * model; see replay.h.
 *
 * Each statement's tree is walked once, from one switch on node_case
 * (replay_node). Every node is read through a checked accessor
 * (as_column_def(), as_string() ...) that returns NULL when the case
 * differs, so a tree of an unexpected shape is skipped, never crashed
 * on. Nested statements (CREATE SCHEMA ... CREATE TABLE) carry a depth
 * limit; expression walks use an explicit, bounded stack.
 *
 * Semantics follow PostgreSQL 15; every rule below was checked on a
 * server, and tests/fixtures/pg holds a case for it:
 * - unnamed constraints get PostgreSQL's names (naming.c). CREATE TABLE
 *   names CHECKs first, then the PRIMARY KEY, then UNIQUE and EXCLUDE,
 *   then FKs, each in text order. ALTER TABLE runs its subcommands in
 *   passes (drops, type changes, new columns, SET NOT NULL, new
 *   constraints, the rest), and creates the key indexes of ADD COLUMN,
 *   then those of ADD CONSTRAINT, then per ADD COLUMN its CHECKs and FKs,
 *   then the CHECKs and FKs of ADD CONSTRAINT in text order. FK creation
 *   order (ForeignKey.seq) follows the same rules;
 * - unqualified names resolve through search_path (default "$user",
 *   public; "$user" is never a schema here); creation goes to the first
 *   schema of the path that exists;
 * - NOT VALID inside CREATE TABLE gives a valid FK (the table is empty);
 * - FKs that partitions inherit are not listed (the live loader drops
 *   conparentid <> 0 too), nor the per-partition constraints of an FK
 *   into a partitioned table, but their names are taken (shadow names)
 *   as in PostgreSQL; column changes on a partitioned table reach
 *   its partitions; partitions, LIKE ... INCLUDING INDEXES and ATTACH
 *   PARTITION get their own copies of the indexes, named on the copy;
 * - REFERENCES to a table the sources never create (histories are often
 *   partial: Supabase creates auth.users itself) keeps the FK and assumes
 *   the table, with a primary key on the referenced columns or "id",
 *   with a warning; a later CREATE TABLE of that name takes its place;
 * - another statement PostgreSQL would reject is logged as a warning
 *   with its place and ignored, so the model is what the database would
 *   hold: ALTER of an unknown table, duplicate table or constraint name,
 *   REFERENCES without columns to a table without a primary key, and
 *   DROP TABLE / DROP COLUMN / DROP
 *   CONSTRAINT / DROP SCHEMA without CASCADE while something depends on
 *   the object. A DROP TABLE of several tables is all or nothing;
 * - ALTER TABLE that only touches what the model does not hold (OWNER TO
 *   on a sequence ...) and CREATE INDEX on a relation we do not model (a
 *   materialized view) are quiet;
 * - SET LOCAL search_path is treated like SET (we do not track
 *   transactions); set_config('search_path', ...) in a SELECT is not
 *   seen (data statements are never parsed);
 * - ForeignKey.origin is the statement that created the FK; renaming
 *   the FK or its table does not move it.
 */
#include "frontend/replay.h"

#include "frontend/naming.h"
#include "frontend/frontend.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 64        /* nested statements (CREATE SCHEMA elements) */
#define MAX_EXPR_NODES 100000 /* expression walk budget */

struct Replay {
	Model *m;
	Dialect dialect;
	const char **path;      /* search_path entries */
	int npath;
	HashMap *schemas;       /* schemas that exist */
	const char *file, *text;
	size_t len;
	const CrdbRewrite *cr;
	PGC_VEC(int) lines;     /* offsets where lines start, for replay_loc() */
	/* the statement being replayed */
	int base, first, end;
	SrcLoc loc;
	bool add_if_not_exists; /* CockroachDB ADD CONSTRAINT IF NOT EXISTS */
	const char *create_schema; /* CREATE SCHEMA x CREATE TABLE ...: target */
	HashMap *crdb_names;    /* cockroach: names ever given on a table (see crdb_taken) */
	HashMap *stubs;         /* "%p" of a Table assumed to exist (see stub_table) */
	HashMap *shadows;       /* "%p" of a ForeignKey -> Shadow list (see shadow_add) */
	HashMap *check_cols;    /* "%p" of a Check, or of an Index with expressions or
	                           a WHERE -> NULL-terminated names of the columns
	                           they read (dropping one drops them) */
	HashMap *index_names;   /* "%p" of an Index -> its column names as PostgreSQL
	                           names them (expressions: "lower", "expr") */
	void *pending_items;    /* reused PendingVec storage (one statement at a time) */
	size_t pending_cap;
};

/* ---- checked accessors ------------------------------------------------ */

#define ACCESSOR(fn, CASE, T, member) \
	static const T *fn(const PgQuery__Node *n) \
	{ \
		return n && n->node_case == PG_QUERY__NODE__NODE_##CASE ? n->member : NULL; \
	}

ACCESSOR(as_string, STRING, PgQuery__String, string)
ACCESSOR(as_list, LIST, PgQuery__List, list)
ACCESSOR(as_a_const, A_CONST, PgQuery__AConst, a_const)
ACCESSOR(as_column_ref, COLUMN_REF, PgQuery__ColumnRef, column_ref)
ACCESSOR(as_func_call, FUNC_CALL, PgQuery__FuncCall, func_call)
ACCESSOR(as_type_cast, TYPE_CAST, PgQuery__TypeCast, type_cast)
ACCESSOR(as_column_def, COLUMN_DEF, PgQuery__ColumnDef, column_def)
ACCESSOR(as_constraint, CONSTRAINT, PgQuery__Constraint, constraint)
ACCESSOR(as_table_like, TABLE_LIKE_CLAUSE, PgQuery__TableLikeClause, table_like_clause)
ACCESSOR(as_alter_cmd, ALTER_TABLE_CMD, PgQuery__AlterTableCmd, alter_table_cmd)
ACCESSOR(as_index_elem, INDEX_ELEM, PgQuery__IndexElem, index_elem)
ACCESSOR(as_partition_cmd, PARTITION_CMD, PgQuery__PartitionCmd, partition_cmd)

/* A String node's text; NULL for anything else or an empty string. */
static const char *str_of(const PgQuery__Node *n)
{
	const PgQuery__String *s = as_string(n);
	return s && s->sval && s->sval[0] ? s->sval : NULL;
}

/* protobuf-c gives "" for unset strings: treat NULL and "" alike. */
static const char *opt(const char *s)
{
	return s && s[0] ? s : NULL;
}

/* ---- places and messages ---------------------------------------------- */

SrcLoc replay_loc(const Replay *r, int offset)
{
	if (offset < 0)
		offset = 0;
	if ((size_t)offset > r->len)
		offset = (int)r->len;
	/* Binary search for the last line start <= offset (same result as
	 * srcloc_at(), without rescanning the file for every place). */
	size_t lo = 0, hi = r->lines.n;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (r->lines.items[mid] <= offset)
			lo = mid;
		else
			hi = mid;
	}
	SrcLoc l = {r->file, (int)lo + 1, offset - r->lines.items[lo] + 1, offset};
	return l;
}

static SrcLoc loc_at(const Replay *r, int node_location)
{
	if (node_location < 0)
		return r->loc;
	return replay_loc(r, r->base + node_location);
}

static void warn_at(const Replay *r, SrcLoc l, const char *fmt, const char *a1, const char *a2)
{
	char msg[512];
	snprintf(msg, sizeof(msg), fmt, a1 ? a1 : "", a2 ? a2 : "");
	if (l.file)
		log_warning("%s:%d:%d: %s", l.file, l.line, l.col, msg);
	else
		log_warning("%s", msg);
}

/* ---- schemas and name resolution --------------------------------------- */

static bool schema_exists(const Replay *r, const char *s)
{
	return s && hm_get(r->schemas, s) != NULL;
}

static void schema_note(Replay *r, const char *s)
{
	if (schema_exists(r, s))
		return;
	const char *c = arena_strdup(r->m->arena, s);
	hm_put(r->schemas, c, (void *)c);
	if (strcmp(s, "public") != 0)
		VEC_PUSH(r->m->arena, r->m->schemas, c);
}

/* Usable search_path entry: an existing schema, never "$user". */
static bool path_usable(const Replay *r, const char *s)
{
	return strcmp(s, "$user") != 0 && schema_exists(r, s);
}

/* Schema that CREATE puts an unqualified object in. */
static const char *creation_schema(const Replay *r, const char *given)
{
	if (given)
		return given;
	if (r->create_schema)
		return r->create_schema;
	for (int i = 0; i < r->npath; i++)
		if (path_usable(r, r->path[i]))
			return r->path[i];
	return "public";
}

static Table *find_table(const Replay *r, const char *schema, const char *name)
{
	if (!name)
		return NULL;
	if (schema)
		return model_find_table(r->m, schema, name);
	if (r->create_schema) {
		Table *t = model_find_table(r->m, r->create_schema, name);
		if (t)
			return t;
	}
	for (int i = 0; i < r->npath; i++) {
		if (!path_usable(r, r->path[i]))
			continue;
		Table *t = model_find_table(r->m, r->path[i], name);
		if (t)
			return t;
	}
	return NULL;
}

static Table *find_rangevar(const Replay *r, const PgQuery__RangeVar *rv)
{
	return rv ? find_table(r, opt(rv->schemaname), opt(rv->relname)) : NULL;
}

static bool relname_taken(const Model *m, const char *schema, const char *name)
{
	char buf[2 * PGC_NAMEDATALEN + 256];
	int k = snprintf(buf, sizeof(buf), "%s\x1f%s", schema, name);
	return k > 0 && (size_t)k < sizeof(buf) && hm_get(m->relname, buf) != NULL;
}

/* The index called name, resolved like a relation through search_path. */
static Index *find_index(const Replay *r, const char *schema, const char *name)
{
	for (size_t i = r->m->indexes.n; i-- > 0;) {
		Index *ix = r->m->indexes.items[i];
		if (ix->dropped || !ix->name || strcmp(ix->name, name) != 0)
			continue;
		if (schema) {
			if (strcmp(ix->table->schema, schema) == 0)
				return ix;
			continue;
		}
		for (int p = 0; p < r->npath; p++)
			if (path_usable(r, r->path[p]) && strcmp(ix->table->schema, r->path[p]) == 0)
				return ix;
	}
	return NULL;
}

/* ---- small helpers ----------------------------------------------------- */

static const char **str_list(Replay *r, PgQuery__Node *const *items, size_t n, int *count)
{
	const char **v = arena_alloc(r->m->arena, (n + 1) * sizeof(*v));
	int k = 0;
	for (size_t i = 0; i < n; i++) {
		const char *s = str_of(items[i]);
		if (s)
			v[k++] = arena_strdup(r->m->arena, s);
	}
	*count = k;
	return v;
}

static bool same_cols(const char **a, int na, const char **b, int nb)
{
	if (na != nb)
		return false;
	for (int i = 0; i < na; i++)
		if (!a[i] || !b[i] || strcmp(a[i], b[i]) != 0)
			return false;
	return true;
}

static bool has_col(const char **cols, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (cols[i] && strcmp(cols[i], name) == 0)
			return true;
	return false;
}

/*
 * Default names, by dialect.
 *
 * PostgreSQL: naming.c (makeObjectName and friends), collisions within
 * the schema.
 *
 * CockroachDB (current versions, v22.1 and later) names like PostgreSQL
 * but without a length limit and with collisions checked within the
 * TABLE (its constraint and index names are per table), adding "_1",
 * "_2" ...: the primary key is <table>_pkey (SHOW CONSTRAINTS output in
 * https://www.cockroachlabs.com/docs/stable/foreign-key.html shows
 * "shipments_pkey"), foreign keys <table>_<cols>_fkey, unique
 * constraints <table>_<cols>_key, indexes <table>_<cols>_idx
 * (tabledesc.ForeignKeyConstraintName and tabledesc.GenerateUniqueName
 * in cockroachdb/cockroach, pkg/sql/catalog/tabledesc). Versions before
 * v22.1 used fk_<col>_ref_<table> and "primary"; we follow the current
 * rule.
 */
static bool index_on_table(const Replay *r, const Table *t, const char *name)
{
	for (size_t i = 0; i < r->m->indexes.n; i++) {
		const Index *ix = r->m->indexes.items[i];
		if (!ix->dropped && ix->table == t && ix->name && strcmp(ix->name, name) == 0)
			return true;
	}
	return false;
}

static bool conname_on_table(Replay *r, Table *t, const char *name);

/* Remembers that name was used on t (cockroach only). */
static void crdb_note(Replay *r, const Table *t, const char *name)
{
	if (r->dialect != DIALECT_COCKROACH || !name)
		return;
	char *k = arena_printf(r->m->arena, "%p\x1f%s", (const void *)t, name);
	hm_put(r->crdb_names, k, (void *)1);
}

/* A name never used on t is free; one that was is checked for real. */
static bool crdb_taken(Replay *r, Table *t, const char *name)
{
	char buf[2 * PGC_NAMEDATALEN + 64];
	int k = snprintf(buf, sizeof(buf), "%p\x1f%s", (const void *)t, name);
	if (k > 0 && (size_t)k < sizeof(buf) && !hm_get(r->crdb_names, buf))
		return false;
	return conname_on_table(r, t, name) || index_on_table(r, t, name);
}

static const char *crdb_choose(Replay *r, Table *t, const char *addition, const char *label)
{
	const char *base = addition ? arena_printf(r->m->arena, "%s_%s_%s", t->name, addition, label)
	                            : arena_printf(r->m->arena, "%s_%s", t->name, label);
	const char *name = base;
	for (int i = 1; crdb_taken(r, t, name); i++)
		name = arena_printf(r->m->arena, "%s_%d", base, i);
	return name;
}

static const char *choose_conname(Replay *r, Table *t, const char *addition, const char *label)
{
	if (r->dialect == DIALECT_COCKROACH)
		return crdb_choose(r, t, addition, label);
	return pgname_choose_constraint(r->m, t->schema, t->name, addition, label);
}

static const char *choose_relname(Replay *r, Table *t, const char *addition, const char *label,
                                  bool isconstraint)
{
	if (r->dialect == DIALECT_COCKROACH)
		return crdb_choose(r, t, addition, label);
	return pgname_choose_relation(r->m, t->schema, t->name, addition, label, isconstraint);
}

/* ---- types ------------------------------------------------------------- */

static int typmod_int(const PgQuery__Node *n, bool *ok)
{
	const PgQuery__AConst *c = as_a_const(n);
	if (c && c->val_case == PG_QUERY__A__CONST__VAL_IVAL && c->ival) {
		*ok = true;
		return c->ival->ival;
	}
	*ok = false;
	return 0;
}

/* "(a,b)" of the typmods into buf (at least 128 bytes), or "" */
static const char *typmods_text(const PgQuery__TypeName *tn, char *buf)
{
	if (tn->n_typmods == 0)
		return "";
	const size_t cap = 128;
	size_t len = 0;
	buf[len++] = '(';
	for (size_t i = 0; i < tn->n_typmods && len < cap - 16; i++) {
		bool ok;
		int v = typmod_int(tn->typmods[i], &ok);
		if (!ok)
			return "";
		len += (size_t)snprintf(buf + len, cap - len, "%s%d", i ? "," : "", v);
	}
	buf[len++] = ')';
	buf[len] = '\0';
	return buf;
}

/* The model's one copy of the printf result (types repeat across columns). */
static const char *intern_printf(Replay *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *intern_printf(Replay *r, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(buf))
		return model_intern(r->m, buf);
	va_start(ap, fmt);
	const char *s = arena_vprintf(r->m->arena, fmt, ap);
	va_end(ap);
	return s;
}

static const UserType *find_type(const Replay *r, const char *schema, const char *name)
{
	for (size_t i = r->m->types.n; i-- > 0;) {
		const UserType *u = r->m->types.items[i];
		if (u->dropped || strcmp(u->name, name) != 0)
			continue;
		if (schema) {
			if (strcmp(u->schema, schema) == 0)
				return u;
			continue;
		}
		for (int p = 0; p < r->npath; p++)
			if (path_usable(r, r->path[p]) && strcmp(u->schema, r->path[p]) == 0)
				return u;
	}
	return NULL;
}

/*
 * Fills c's type from a TypeName, spelled like format_type(). serial
 * types set *serial so the caller adds NOT NULL and a default.
 */
static void set_type(Replay *r, Column *c, const PgQuery__TypeName *tn, bool *serial)
{
	*serial = false;
	if (!tn)
		return;
	const char *schema = NULL, *name = NULL;
	if (tn->n_names == 1) {
		name = str_of(tn->names[0]);
	} else if (tn->n_names >= 2) {
		schema = str_of(tn->names[tn->n_names - 2]);
		name = str_of(tn->names[tn->n_names - 1]);
	}
	if (!name)
		return;
	bool catalog = schema && strcmp(schema, "pg_catalog") == 0;
	char modbuf[128];
	const char *mods = typmods_text(tn, modbuf);
	const char *spelled = NULL;
	static const struct { const char *in, *out; bool pgcat_only; } map[] = {
		{"int4", "integer", false}, {"int", "integer", false}, {"integer", "integer", false},
		{"int8", "bigint", false}, {"bigint", "bigint", false},
		{"int2", "smallint", false}, {"smallint", "smallint", false},
		{"float8", "double precision", false}, {"float4", "real", false},
		{"bool", "boolean", false}, {"boolean", "boolean", false},
		{"text", "text", false}, {"uuid", "uuid", false}, {"jsonb", "jsonb", false},
		{"json", "json", false}, {"bytea", "bytea", false}, {"date", "date", false},
		{"inet", "inet", false}, {"cidr", "cidr", false}, {"citext", "citext", false},
		{"money", "money", false}, {"xml", "xml", false}, {"oid", "oid", false},
		{"interval", "interval", false}, {"tsvector", "tsvector", false},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(name, map[i].in) == 0 && (!schema || catalog)) {
			spelled = map[i].out;
			break;
		}
	if (!spelled && (!schema || catalog)) {
		if (strcmp(name, "varchar") == 0)
			spelled = intern_printf(r, "character varying%s", mods);
		else if (strcmp(name, "bpchar") == 0)
			spelled = intern_printf(r, "character%s", mods[0] ? mods : "(1)");
		else if (strcmp(name, "numeric") == 0 || strcmp(name, "decimal") == 0)
			spelled = intern_printf(r, "numeric%s", mods);
		else if (strcmp(name, "timestamp") == 0)
			spelled = intern_printf(r, "timestamp%s without time zone", mods);
		else if (strcmp(name, "timestamptz") == 0)
			spelled = intern_printf(r, "timestamp%s with time zone", mods);
		else if (strcmp(name, "time") == 0)
			spelled = intern_printf(r, "time%s without time zone", mods);
		else if (strcmp(name, "timetz") == 0)
			spelled = intern_printf(r, "time%s with time zone", mods);
		else if (strcmp(name, "bit") == 0)
			spelled = intern_printf(r, "bit%s", mods[0] ? mods : "(1)");
		else if (strcmp(name, "varbit") == 0)
			spelled = intern_printf(r, "bit varying%s", mods);
		else if (!schema && strcmp(name, "serial") == 0)
			spelled = "integer", *serial = true;
		else if (!schema && strcmp(name, "bigserial") == 0)
			spelled = "bigint", *serial = true;
		else if (!schema && strcmp(name, "smallserial") == 0)
			spelled = "smallint", *serial = true;
		else if (!schema && (strcmp(name, "serial4") == 0))
			spelled = "integer", *serial = true;
		else if (!schema && (strcmp(name, "serial8") == 0))
			spelled = "bigint", *serial = true;
		else if (!schema && (strcmp(name, "serial2") == 0))
			spelled = "smallint", *serial = true;
	}
	c->typtype = 'b';
	if (!spelled) {
		const UserType *u = catalog ? NULL : find_type(r, schema, name);
		if (u) {
			c->type_schema = u->schema;
			c->type_name = u->name;
			c->typtype = u->typtype;
		} else if (!catalog) {
			c->typtype = 0;
		}
		spelled = intern_printf(r, "%s%s", name, mods);
	}
	c->ndims = (int)tn->n_array_bounds;
	c->type = c->ndims ? intern_printf(r, "%s[]", spelled) : spelled;
}

/* A short, readable marker for a DEFAULT expression (not a deparse). */
static const char *default_text(Replay *r, const PgQuery__Node *e)
{
	const PgQuery__AConst *c = as_a_const(e);
	if (c) {
		switch (c->val_case) {
		case PG_QUERY__A__CONST__VAL_IVAL:
			return arena_printf(r->m->arena, "%d", c->ival ? c->ival->ival : 0);
		case PG_QUERY__A__CONST__VAL_SVAL:
			return arena_printf(r->m->arena, "'%s'", c->sval ? c->sval->sval : "");
		case PG_QUERY__A__CONST__VAL_BOOLVAL:
			return c->boolval && c->boolval->boolval ? "true" : "false";
		default:
			return c->isnull ? "NULL" : "(constant)";
		}
	}
	const PgQuery__FuncCall *f = as_func_call(e);
	if (f && f->n_funcname > 0) {
		const char *fn = str_of(f->funcname[f->n_funcname - 1]);
		return arena_printf(r->m->arena, "%s()", fn ? fn : "function");
	}
	return "(expression)";
}

/* ---- expression walk (explicit stack, bounded) ------------------------- */

/*
 * Calls fn on every ColumnRef under root, walking every message field
 * through protobuf-c's descriptors.
 */
static void walk_column_refs(const PgQuery__Node *root,
                             void (*fn)(const PgQuery__ColumnRef *, void *), void *arg)
{
	if (!root)
		return;
	const ProtobufCMessage *stack[256];
	int sp = 0, visited = 0;
	stack[sp++] = &root->base;
	while (sp > 0 && visited++ < MAX_EXPR_NODES) {
		const ProtobufCMessage *msg = stack[--sp];
		if (msg->descriptor == &pg_query__node__descriptor) {
			const PgQuery__ColumnRef *cr = as_column_ref((const PgQuery__Node *)msg);
			if (cr) {
				fn(cr, arg);
				continue;
			}
		}
		const ProtobufCMessageDescriptor *d = msg->descriptor;
		for (unsigned i = 0; i < d->n_fields; i++) {
			const ProtobufCFieldDescriptor *f = &d->fields[i];
			if (f->type != PROTOBUF_C_TYPE_MESSAGE)
				continue;
			const char *base = (const char *)msg;
			if (f->label == PROTOBUF_C_LABEL_REPEATED) {
				size_t n = *(const size_t *)(base + f->quantifier_offset);
				const ProtobufCMessage *const *v = *(const ProtobufCMessage *const *const *)(base + f->offset);
				for (size_t k = 0; k < n && sp < 256; k++)
					if (v[k])
						stack[sp++] = v[k];
			} else {
				if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
					uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
					if (which != f->id)
						continue;
				}
				const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)(base + f->offset);
				if (sub && sp < 256)
					stack[sp++] = sub;
			}
		}
	}
}

/* The distinct column names an expression references. */
typedef struct ColSet {
	Arena *a;
	PGC_VEC(const char *) names;
} ColSet;

static void note_colref(const PgQuery__ColumnRef *cr, void *arg)
{
	ColSet *s = arg;
	if (cr->n_fields == 0)
		return;
	const char *name = str_of(cr->fields[cr->n_fields - 1]);
	if (!name)
		return;
	for (size_t i = 0; i < s->names.n; i++)
		if (strcmp(s->names.items[i], name) == 0)
			return;
	VEC_PUSH(s->a, s->names, arena_strdup(s->a, name));
}

static const char **check_columns(Replay *r, const void *obj)
{
	char k[32];
	snprintf(k, sizeof(k), "%p", obj);
	return hm_get(r->check_cols, k);
}

/*
 * The partitions of t at every level, breadth first (explicit queue).
 * Returned in the arena; *n gets the count.
 */
static Table **partitions_of(Replay *r, const Table *t, size_t *n)
{
	PGC_VEC(Table *) q = {0};
	*n = 0;
	if (t->relkind != 'p')
		return NULL;
	for (size_t head = 0;; head++) {
		const Table *cur = head == 0 ? t : q.items[head - 1];
		for (size_t i = 0; i < r->m->tables.n; i++) {
			Table *c = r->m->tables.items[i];
			if (!c->dropped && c->partition_of == cur)
				VEC_PUSH(r->m->arena, q, c);
		}
		if (head >= q.n)
			break;
	}
	*n = q.n;
	return q.items;
}

/*
 * Shadow names. An FK that references a partitioned table is, in
 * PostgreSQL, also one constraint per partition of that table (at every
 * level), on the referencing table, with conparentid set: the live
 * loader does not list them, but each takes a name from
 * ChooseConstraintName (addFkRecurseReferenced, CloneFkReferenced), so
 * later unnamed FKs skip those names. We keep the names, per FK and per
 * partition, and give them back when the FK or the partition goes.
 */
typedef struct Shadow {
	const Table *part;
	const char *name;
	struct Shadow *next;
} Shadow;

static const char *ptr_key(Replay *r, const void *p, char *buf, size_t sz)
{
	(void)r;
	snprintf(buf, sz, "%p", p);
	return buf;
}

static void shadow_add(Replay *r, ForeignKey *fk, const Table *part)
{
	if (r->dialect == DIALECT_COCKROACH)
		return;
	const char *name = pgname_choose_constraint(r->m, fk->table->schema, fk->table->name,
	                                            pgname_addition(r->m->arena, fk->cols, fk->ncols), "fkey");
	model_note_conname(r->m, fk->table->schema, name);
	char k[32];
	ptr_key(r, fk, k, sizeof(k));
	Shadow *sh = arena_alloc(r->m->arena, sizeof(*sh));
	sh->part = part;
	sh->name = name;
	sh->next = hm_get(r->shadows, k);
	hm_put(r->shadows, k, sh);
}

/* Gives back fk's shadow names (all of them, or those of part). */
static void shadow_forget(Replay *r, ForeignKey *fk, const Table *part)
{
	char k[32];
	ptr_key(r, fk, k, sizeof(k));
	Shadow *head = hm_get(r->shadows, k), **pp = &head;
	if (!head)
		return;
	while (*pp) {
		Shadow *sh = *pp;
		if (!part || sh->part == part) {
			model_forget_conname(r->m, fk->table->schema, sh->name);
			*pp = sh->next;
		} else {
			pp = &sh->next;
		}
	}
	if (head)
		hm_put(r->shadows, k, head);
	else
		hm_del(r->shadows, k);
}

/* SET SCHEMA moves the constraints of the table, shadows included. */
static void shadow_move(Replay *r, ForeignKey *fk, const char *from, const char *to)
{
	char k[32];
	ptr_key(r, fk, k, sizeof(k));
	for (Shadow *sh = hm_get(r->shadows, k); sh; sh = sh->next) {
		model_forget_conname(r->m, from, sh->name);
		model_note_conname(r->m, to, sh->name);
	}
}

/* Is a t itself, or one of the tables t is a partition of (at any depth)? */
static bool is_ancestor_or_self(const Table *a, const Table *t)
{
	for (const Table *p = t; p; p = p->partition_of)
		if (p == a)
			return true;
	return false;
}

/* part (a new partition, at any depth) gets its constraint of every FK
 * that references one of its ancestors. */
static void shadow_new_partition(Replay *r, const Table *part)
{
	if (r->dialect == DIALECT_COCKROACH || r->shadows == NULL)
		return;
	for (const Table *a = part->partition_of; a; a = a->partition_of)
		for (size_t i = 0; i < r->m->fks.n; i++) {
			ForeignKey *fk = r->m->fks.items[i];
			if (!fk->dropped && fk->ref == a)
				shadow_add(r, fk, part);
		}
}

/* ---- constraints ------------------------------------------------------- */

typedef struct Pending {
	const PgQuery__Constraint *con;
	const char *colname;      /* column constraint: its column */
	bool deferrable, initdeferred;
	bool skip;                /* a duplicate key of the same statement */
	const char *name;         /* name taken over from a named duplicate */
} Pending;

typedef PGC_VEC(Pending) PendingVec;

/*
 * Adds an index (a constraint index when is_constraint) to t, named
 * name or by default <table>_<cols>_<label> (label "pkey", "key",
 * "excl" or "idx").
 */
static Index *add_index_labelled(Replay *r, Table *t, const char *name, const char **cols, int ncols,
                                 bool primary, bool unique, bool is_constraint, bool partial, int location,
                                 const char *label)
{
	Index *ix = arena_alloc(r->m->arena, sizeof(*ix));
	ix->table = t;
	ix->cols = cols;
	ix->ncols = ncols;
	ix->primary = primary;
	ix->unique = unique || primary;
	ix->is_constraint = is_constraint;
	ix->partial = partial;
	ix->loc = loc_at(r, location);
	if (name)
		ix->name = arena_strdup(r->m->arena, name);
	else if (primary)
		ix->name = choose_relname(r, t, NULL, label, true);
	else
		ix->name = choose_relname(r, t, pgname_addition(r->m->arena, cols, ncols), label, is_constraint);
	model_add_index(r->m, ix, t->schema);
	crdb_note(r, t, ix->name);
	if (primary) {
		t->pk = ix;
		for (int i = 0; i < ncols; i++) {
			Column *c = table_column(t, cols[i]);
			if (c)
				c->not_null = true;
		}
	}
	return ix;
}

static Index *add_key_index(Replay *r, Table *t, const char *name, const char **cols, int ncols,
                            bool primary, bool unique, bool is_constraint, bool partial, int location)
{
	return add_index_labelled(r, t, name, cols, ncols, primary, unique, is_constraint, partial, location,
	                          primary ? "pkey" : is_constraint ? "key" : "idx");
}

static const char *con_name(const PgQuery__Constraint *c)
{
	return opt(c->conname);
}

static const char *index_colname(const PgQuery__IndexElem *ie);

/* EXCLUDE (elem WITH op, ...): an index-backed constraint named _excl. */
static void add_exclusion(Replay *r, Table *t, const PgQuery__Constraint *con)
{
	const char **cols = arena_alloc(r->m->arena, (con->n_exclusions + 1) * sizeof(*cols));
	int n = 0;
	for (size_t i = 0; i < con->n_exclusions; i++) {
		const PgQuery__List *pair = as_list(con->exclusions[i]);
		const PgQuery__IndexElem *ie = pair && pair->n_items > 0 ? as_index_elem(pair->items[0]) : NULL;
		const char *cn = ie ? index_colname(ie) : NULL;
		cols[n++] = arena_strdup(r->m->arena, cn ? cn : "expr");
	}
	add_index_labelled(r, t, con_name(con), cols, n, false, false, true, con->where_clause != NULL,
	                   con->location, "excl");
}

static void add_check(Replay *r, Table *t, const PgQuery__Constraint *con)
{
	Check *ck = arena_alloc(r->m->arena, sizeof(*ck));
	ck->table = t;
	ck->loc = loc_at(r, con->location);
	ck->expr = "(check)";
	/* The columns it reads: dropping one of them drops the check. */
	ColSet s = {r->m->arena, {0}};
	walk_column_refs(con->raw_expr, note_colref, &s);
	size_t ncols = s.names.n;
	VEC_PUSH(r->m->arena, s.names, NULL);
	hm_put_owned(r->check_cols, arena_printf(r->m->arena, "%p", (const void *)ck), (void *)s.names.items);
	if (con_name(con)) {
		ck->name = arena_strdup(r->m->arena, con_name(con));
	} else {
		/* AddRelationNewConstraints: tab_col_check when the expression
		 * references exactly one column, else tab_check. */
		ck->name = choose_conname(r, t, ncols == 1 ? s.names.items[0] : NULL, "check");
	}
	model_add_check(r->m, ck);
	crdb_note(r, t, ck->name);
}

/* PRIMARY KEY / UNIQUE constraint; colname for a column constraint. */
static void add_key_constraint(Replay *r, Table *t, const Pending *p)
{
	const PgQuery__Constraint *con = p->con;
	const char **cols;
	int ncols;
	if (p->colname) {
		cols = arena_alloc(r->m->arena, sizeof(*cols));
		cols[0] = arena_strdup(r->m->arena, p->colname);
		ncols = 1;
	} else {
		cols = str_list(r, con->keys, con->n_keys, &ncols);
	}
	bool primary = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
	if (primary && t->pk && !t->pk->dropped) {
		warn_at(r, loc_at(r, con->location), "table \"%s\" already has a primary key; ignored%s", t->name, NULL);
		return;
	}
	add_key_index(r, t, p->name ? p->name : con_name(con), cols, ncols, primary, true, true,
	              con->where_clause != NULL, con->location);
}

/* Whether two PRIMARY KEY / UNIQUE specifications build the same index. */
static bool same_key(const Pending *a, const Pending *b)
{
	const PgQuery__Constraint *x = a->con, *y = b->con;
	if (x->where_clause || y->where_clause || x->n_including || y->n_including ||
	    (a->deferrable || x->deferrable) != (b->deferrable || y->deferrable) ||
	    x->nulls_not_distinct != y->nulls_not_distinct)
		return false;
	size_t nx = a->colname ? 1 : x->n_keys, ny = b->colname ? 1 : y->n_keys;
	if (nx != ny)
		return false;
	for (size_t i = 0; i < nx; i++) {
		const char *cx = a->colname ? a->colname : str_of(x->keys[i]);
		const char *cy = b->colname ? b->colname : str_of(y->keys[i]);
		if (!cx || !cy || strcmp(cx, cy) != 0)
			return false;
	}
	return true;
}

/*
 * transformIndexConstraints: within one statement (one subcommand of
 * ALTER TABLE), a PRIMARY KEY or UNIQUE that repeats an earlier one (the
 * primary key first) is not created; its name, if the earlier one has
 * none, passes to the earlier one.
 */
static void dedupe_keys(PendingVec *pv, size_t from, size_t to)
{
	for (int pkfirst = 1; pkfirst >= 0; pkfirst--)
		for (size_t i = from; i < to; i++) {
			Pending *p = &pv->items[i];
			bool pk = p->con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
			if (p->skip || (!pk && p->con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) ||
			    pk != (pkfirst == 1))
				continue;
			/* compare with the kept ones before it in PostgreSQL's order */
			for (int q_pkfirst = 1; q_pkfirst >= 0 && !p->skip; q_pkfirst--)
				for (size_t k = from; k < to; k++) {
					Pending *q = &pv->items[k];
					bool qpk = q->con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY;
					if (q == p || q->skip || qpk != (q_pkfirst == 1) ||
					    (!qpk && q->con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE))
						continue;
					/* only those processed before p */
					if (!(qpk && !pk) && !(qpk == pk && k < i))
						continue;
					if (same_key(p, q)) {
						p->skip = true;
						if (!q->name && !con_name(q->con))
							q->name = con_name(p->con);
						break;
					}
				}
		}
}

static char fk_action(const char *s)
{
	if (!s || !s[0])
		return FK_NO_ACTION;
	switch (s[0]) {
	case 'r': return FK_RESTRICT;
	case 'c': return FK_CASCADE;
	case 'n': return FK_SET_NULL;
	case 'd': return FK_SET_DEFAULT;
	default: return FK_NO_ACTION;
	}
}


static void drop_index(Model *m, Index *ix);

static bool is_stub(Replay *r, const Table *t)
{
	char k[32];
	snprintf(k, sizeof(k), "%p", (const void *)t);
	return hm_get(r->stubs, k) != NULL;
}

/*
 * A table the sources reference but never create: migration histories
 * are often partial (Supabase's auth.users is created by the platform,
 * not by the project's migrations). PostgreSQL would refuse the FK; we
 * keep it, assume the table with a primary key on the referenced
 * columns (or "id"), and say so. A later CREATE TABLE of that name
 * takes the stub over (create_table).
 */
static Table *stub_table(Replay *r, const PgQuery__RangeVar *rv, const PgQuery__Constraint *con, SrcLoc at)
{
	const char *schema = creation_schema(r, opt(rv->schemaname));
	if (relname_taken(r->m, schema, rv->relname))
		return NULL;
	Table *t = model_add_table(r->m, schema, rv->relname, at);
	hm_put_owned(r->stubs, arena_printf(r->m->arena, "%p", (const void *)t), (void *)1);
	int n = 0;
	const char **cols = str_list(r, con->pk_attrs, con->n_pk_attrs, &n);
	if (n == 0) {
		cols[0] = "id";
		n = 1;
	}
	for (int i = 0; i < n; i++)
		model_add_column(r->m, t, cols[i], "")->typtype = 0;
	add_key_index(r, t, NULL, cols, n, true, true, true, false, -1);
	char buf[256];
	int len = 0;
	for (int i = 0; i < n && len < (int)sizeof(buf) - 70; i++)
		len += snprintf(buf + len, sizeof(buf) - (size_t)len, "%s%s", i ? ", " : "", cols[i]);
	if (at.file)
		log_warning("%s:%d:%d: table \"%s.%s\" is referenced but not created by these sources; "
		            "assuming it exists with primary key (%s)", at.file, at.line, at.col, schema, t->name, buf);
	return t;
}

static void add_fk(Replay *r, Table *t, const Pending *p, bool in_create)
{
	const PgQuery__Constraint *con = p->con;
	SrcLoc ref_loc = loc_at(r, con->location);
	Table *ref = find_rangevar(r, con->pktable);
	if (!ref && con->pktable && opt(con->pktable->relname))
		ref = stub_table(r, con->pktable, con, ref_loc);
	if (!ref)
		return;
	const char **cols;
	int ncols;
	if (p->colname) {
		cols = arena_alloc(r->m->arena, sizeof(*cols));
		cols[0] = arena_strdup(r->m->arena, p->colname);
		ncols = 1;
	} else {
		cols = str_list(r, con->fk_attrs, con->n_fk_attrs, &ncols);
	}
	const char **ref_cols;
	int nref;
	if (con->n_pk_attrs > 0) {
		ref_cols = str_list(r, con->pk_attrs, con->n_pk_attrs, &nref);
	} else if (ref->pk && !ref->pk->dropped) {
		ref_cols = ref->pk->cols;
		nref = ref->pk->ncols;
	} else {
		warn_at(r, ref_loc, "there is no primary key for referenced table \"%s\"; foreign key ignored%s", ref->name, NULL);
		return;
	}
	const char *name = con_name(con);
	if (name && conname_on_table(r, t, name)) {
		if (!r->add_if_not_exists)
			warn_at(r, ref_loc, "constraint \"%s\" for relation \"%s\" already exists; ignored", name, t->name);
		return;
	}
	bool predicted = false;
	if (!name) {
		/* ChooseForeignKeyConstraintNameAddition: the FK columns. */
		name = choose_conname(r, t, pgname_addition(r->m->arena, cols, ncols), "fkey");
		predicted = true;
	}
	ForeignKey *fk = model_add_fk(r->m, t, name);
	crdb_note(r, t, name);
	fk->name_predicted = predicted;
	fk->cols = cols;
	fk->ncols = ncols;
	fk->ref = ref;
	fk->ref_cols = ref_cols;
	fk->nref_cols = nref;
	fk->on_delete = fk_action(con->fk_del_action);
	fk->on_update = fk_action(con->fk_upd_action);
	fk->match = con->fk_matchtype && con->fk_matchtype[0] ? con->fk_matchtype[0] : 's';
	fk->deferrable = p->deferrable || con->deferrable;
	fk->initially_deferred = p->initdeferred || con->initdeferred;
	/* NOT VALID only means something in ALTER TABLE: a new table is empty. */
	fk->validated = in_create ? true : !con->skip_validation;
	if (con->n_fk_del_set_cols > 0)
		fk->set_cols = str_list(r, con->fk_del_set_cols, con->n_fk_del_set_cols, &fk->nset_cols);
	fk->origin = r->loc;
	fk->ref_loc = ref_loc;
	size_t nparts = 0;
	Table **parts = partitions_of(r, ref, &nparts);
	for (size_t i = 0; i < nparts; i++)
		shadow_add(r, fk, parts[i]);
}

/* Any live constraint called name on t? */
static bool conname_on_table(Replay *r, Table *t, const char *name)
{
	if (!model_conname_taken(r->m, t->schema, name))
		return false; /* not in the schema at all: the common case, O(1) */
	for (size_t i = 0; i < r->m->fks.n; i++) {
		const ForeignKey *fk = r->m->fks.items[i];
		if (!fk->dropped && fk->table == t && fk->name && strcmp(fk->name, name) == 0)
			return true;
	}
	for (size_t i = 0; i < r->m->indexes.n; i++) {
		const Index *ix = r->m->indexes.items[i];
		if (!ix->dropped && ix->table == t && ix->is_constraint && strcmp(ix->name, name) == 0)
			return true;
	}
	for (size_t i = 0; i < r->m->checks.n; i++) {
		const Check *c = r->m->checks.items[i];
		if (!c->dropped && c->table == t && c->name && strcmp(c->name, name) == 0)
			return true;
	}
	return false;
}

/*
 * Applies a list of constraints in PostgreSQL's creation order: CHECK,
 * PRIMARY KEY, UNIQUE, then FOREIGN KEY.
 */
static void apply_constraints(Replay *r, Table *t, PendingVec *pv, bool in_create)
{
	dedupe_keys(pv, 0, pv->n);
	for (size_t i = 0; i < pv->n; i++)
		if (pv->items[i].con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
			const PgQuery__Constraint *con = pv->items[i].con;
			if (con_name(con) && r->add_if_not_exists && conname_on_table(r, t, con_name(con)))
				continue;
			add_check(r, t, con);
		}
	for (size_t i = 0; i < pv->n; i++)
		if (pv->items[i].con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY && !pv->items[i].skip)
			add_key_constraint(r, t, &pv->items[i]);
	for (size_t i = 0; i < pv->n; i++) {
		const PgQuery__Constraint *con = pv->items[i].con;
		if ((con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE &&
		     con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION) || pv->items[i].skip)
			continue;
		if (con_name(con) && r->add_if_not_exists && conname_on_table(r, t, con_name(con)))
			continue;
		if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION)
			add_exclusion(r, t, con);
		else
			add_key_constraint(r, t, &pv->items[i]);
	}
	for (size_t i = 0; i < pv->n; i++)
		if (pv->items[i].con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN)
			add_fk(r, t, &pv->items[i], in_create);
}

static bool is_key(const Pending *p)
{
	return p->con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
	       p->con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
	       p->con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION;
}

static void apply_one(Replay *r, Table *t, const Pending *p, bool in_create)
{
	const PgQuery__Constraint *con = p->con;
	if (p->skip)
		return;
	switch (con->contype) {
	case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
		if (con_name(con) && conname_on_table(r, t, con_name(con)))
			break; /* exists: PostgreSQL refuses, CockroachDB IF NOT EXISTS skips */
		add_check(r, t, con);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
	case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
		if (con_name(con) && conname_on_table(r, t, con_name(con)))
			break;
		add_key_constraint(r, t, p);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_EXCLUSION:
		if (con_name(con) && conname_on_table(r, t, con_name(con)))
			break;
		add_exclusion(r, t, con);
		break;
	case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
		add_fk(r, t, p, in_create);
		break;
	default:
		break;
	}
}

/*
 * The order ALTER TABLE creates (and so names) constraints in, as
 * PostgreSQL 15 does it (checked on a server): first the PRIMARY KEY /
 * UNIQUE indexes, those of ADD COLUMN before the table constraints; then
 * for each ADD COLUMN its CHECKs and then its FKs; then the table
 * constraints (ADD CONSTRAINT ...) in text order.
 */
static void apply_constraints_alter(Replay *r, Table *t, PendingVec *pv)
{
	/* one ADD COLUMN is one statement for transformIndexConstraints */
	for (size_t i = 0; i < pv->n;) {
		size_t j = i + 1;
		const char *col = pv->items[i].colname;
		while (col && j < pv->n && pv->items[j].colname && strcmp(pv->items[j].colname, col) == 0)
			j++;
		if (col)
			dedupe_keys(pv, i, j);
		i = j;
	}
	for (int from_column = 1; from_column >= 0; from_column--)
		for (size_t i = 0; i < pv->n; i++)
			if (is_key(&pv->items[i]) && (pv->items[i].colname != NULL) == from_column)
				apply_one(r, t, &pv->items[i], false);
	for (size_t i = 0; i < pv->n;) {
		size_t j = i;
		const char *col = pv->items[i].colname;
		if (!col) {
			i++;
			continue;
		}
		while (j < pv->n && pv->items[j].colname && strcmp(pv->items[j].colname, col) == 0)
			j++;
		for (int fk = 0; fk <= 1; fk++)
			for (size_t k = i; k < j; k++) {
				int ct = pv->items[k].con->contype;
				if ((fk ? ct == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN : ct == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK))
					apply_one(r, t, &pv->items[k], false);
			}
		i = j;
	}
	for (size_t i = 0; i < pv->n; i++)
		if (!pv->items[i].colname && !is_key(&pv->items[i]))
			apply_one(r, t, &pv->items[i], false);
}

/* Adds a column from a ColumnDef, queueing its constraints in pv. */
static Column *add_column_def(Replay *r, Table *t, const PgQuery__ColumnDef *cd, PendingVec *pv)
{
	const char *name = opt(cd->colname);
	if (!name)
		return NULL;
	Column *c = model_add_column(r->m, t, name, "");
	bool serial = false;
	set_type(r, c, cd->type_name, &serial);
	if (serial) {
		c->not_null = true;
		c->default_expr = "nextval()";
	}
	if (cd->is_not_null)
		c->not_null = true;
	if (cd->raw_default)
		c->default_expr = default_text(r, cd->raw_default);
	Pending *last = NULL; /* re-taken after each push: pushes may move the array */
	size_t last_i = 0;
	for (size_t i = 0; i < cd->n_constraints; i++) {
		last = last_i ? &pv->items[last_i - 1] : NULL;
		const PgQuery__Constraint *con = as_constraint(cd->constraints[i]);
		if (!con)
			continue;
		switch (con->contype) {
		case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
			c->not_null = true;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
			c->not_null = false;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
			c->default_expr = default_text(r, con->raw_expr);
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
			c->identity = con->generated_when && con->generated_when[0] == 'a' ? 'a' : 'd';
			c->not_null = true;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
			c->generated = 's';
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
		case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
		case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
		case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN: {
			Pending p = {con, c->name, false, false, false, NULL};
			VEC_PUSH(r->m->arena, *pv, p);
			last_i = pv->n;
			break;
		}
		/* Column constraint attributes follow the constraint they modify. */
		case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
			if (last)
				last->deferrable = true;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
			if (last)
				last->deferrable = false;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
			if (last)
				last->initdeferred = true, last->deferrable = true;
			break;
		case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE:
			if (last)
				last->initdeferred = false;
			break;
		default:
			break;
		}
	}
	return c;
}

/* ---- CREATE TABLE ------------------------------------------------------ */

/* CREATE_TABLE_LIKE_* bits (parsenodes.h, PostgreSQL 15). */
#define LIKE_CONSTRAINTS (1u << 2)
#define LIKE_DEFAULTS (1u << 3)
#define LIKE_GENERATED (1u << 4)
#define LIKE_IDENTITY (1u << 5)
#define LIKE_INDEXES (1u << 6)

/* Copies the columns of LIKE src; returns src when its indexes are to
 * be copied too (INCLUDING INDEXES), else NULL. */
static Table *copy_like(Replay *r, Table *t, const PgQuery__TableLikeClause *lc)
{
	Table *src = find_rangevar(r, lc->relation);
	if (!src) {
		warn_at(r, loc_at(r, lc->relation ? lc->relation->location : -1),
		        "LIKE table \"%s\" does not exist; ignored%s", lc->relation ? lc->relation->relname : "", NULL);
		return NULL;
	}
	for (size_t i = 0; i < src->cols.n; i++) {
		const Column *sc = src->cols.items[i];
		if (sc->dropped)
			continue;
		Column *c = model_add_column(r->m, t, sc->name, sc->type);
		c->type_schema = sc->type_schema;
		c->type_name = sc->type_name;
		c->typtype = sc->typtype;
		c->ndims = sc->ndims;
		c->not_null = sc->not_null;
		if (lc->options & LIKE_DEFAULTS)
			c->default_expr = sc->default_expr;
		if (lc->options & LIKE_IDENTITY)
			c->identity = sc->identity;
		if (lc->options & LIKE_GENERATED)
			c->generated = sc->generated;
	}
	/* INCLUDING CONSTRAINTS copies the CHECKs, names kept. */
	size_t nck = r->m->checks.n;
	for (size_t i = 0; (lc->options & LIKE_CONSTRAINTS) && i < nck; i++) {
		const Check *sc = r->m->checks.items[i];
		if (sc->dropped || sc->table != src)
			continue;
		Check *ck = arena_alloc(r->m->arena, sizeof(*ck));
		*ck = *sc;
		ck->table = t;
		ck->loc = r->loc;
		model_add_check(r->m, ck);
		crdb_note(r, t, ck->name);
		const char **reads = check_columns(r, sc);
		if (reads)
			hm_put_owned(r->check_cols, arena_printf(r->m->arena, "%p", (const void *)ck), (void *)reads);
	}
	return (lc->options & LIKE_INDEXES) ? src : NULL;
}

/* Column names of ix for default naming (ChooseIndexColumnNames). */
static const char **index_colnames(Replay *r, const Index *ix)
{
	char k[32];
	snprintf(k, sizeof(k), "%p", (const void *)ix);
	const char **names = hm_get(r->index_names, k);
	return names ? names : ix->cols;
}

static void note_index_colnames(Replay *r, const Index *ix, const char **names)
{
	/* Only when they differ from the key columns (expressions). */
	bool same = true;
	for (int i = 0; i < ix->ncols && same; i++)
		same = ix->cols[i] && strcmp(ix->cols[i], names[i]) == 0;
	if (!same)
		hm_put_owned(r->index_names, arena_printf(r->m->arena, "%p", (const void *)ix), (void *)names);
}

/*
 * Gives t a copy of every index of src (LIKE ... INCLUDING INDEXES, and
 * the indexes a partition gets from its parent), named as PostgreSQL
 * names them on t, in src's creation order.
 */
static void clone_indexes(Replay *r, Table *t, const Table *src)
{
	size_t n = r->m->indexes.n;
	for (size_t i = 0; i < n; i++) {
		const Index *six = r->m->indexes.items[i];
		if (six->dropped || six->table != src || six->inline_crdb)
			continue;
		/* An equivalent index already on t is attached, not copied. */
		bool have = false;
		for (size_t k = 0; k < r->m->indexes.n && !have; k++) {
			const Index *o = r->m->indexes.items[k];
			have = !o->dropped && o->table == t && o->unique == six->unique &&
			       o->primary == six->primary && o->partial == six->partial &&
			       same_cols(o->cols, o->ncols, six->cols, six->ncols);
		}
		if (have)
			continue;
		if (six->primary) {
			if (!t->pk)
				add_key_index(r, t, NULL, six->cols, six->ncols, true, true, true, six->partial, -1);
			continue;
		}
		if (six->is_constraint) {
			add_key_index(r, t, NULL, six->cols, six->ncols, false, true, true, six->partial, -1);
			continue;
		}
		const char **names = index_colnames(r, six);
		Index *ix = arena_alloc(r->m->arena, sizeof(*ix));
		ix->table = t;
		ix->cols = six->cols;
		ix->ncols = six->ncols;
		ix->unique = six->unique;
		ix->partial = six->partial;
		ix->loc = r->loc;
		ix->name = choose_relname(r, t, pgname_addition(r->m->arena, names, six->ncols), "idx", false);
		model_add_index(r->m, ix, t->schema);
		crdb_note(r, t, ix->name);
		note_index_colnames(r, ix, names);
		const char **reads = check_columns(r, six);
		if (reads)
			hm_put_owned(r->check_cols, arena_printf(r->m->arena, "%p", (const void *)ix), (void *)reads);
	}
}

static void create_table(Replay *r, const PgQuery__CreateStmt *cs)
{
	const PgQuery__RangeVar *rv = cs->relation;
	if (!rv || !opt(rv->relname))
		return;
	if (rv->relpersistence && rv->relpersistence[0] == 't')
		return; /* temporary tables vanish with the session */
	const char *schema = creation_schema(r, opt(rv->schemaname));
	const char *name = rv->relname;
	Table *t = model_find_table(r->m, schema, name);
	if (t && is_stub(r, t)) {
		/* The table assumed by an earlier REFERENCES is created now:
		 * it takes the stub's place, so FKs into it stay attached. */
		hm_del(r->stubs, arena_printf(r->m->arena, "%p", (const void *)t));
		for (size_t i = 0; i < t->cols.n; i++)
			t->cols.items[i]->dropped = true;
		if (t->pk)
			drop_index(r->m, t->pk);
		t->loc = r->loc;
	} else if (t || relname_taken(r->m, schema, name)) {
		if (!cs->if_not_exists)
			warn_at(r, r->loc, "relation \"%s\" already exists; statement ignored%s", name, NULL);
		return;
	} else {
		t = model_add_table(r->m, schema, name, r->loc);
	}
	schema_note(r, schema);
	t->unlogged = rv->relpersistence && rv->relpersistence[0] == 'u';
	if (cs->partspec)
		t->relkind = 'p';

	/* PARTITION OF parent, or INHERITS (a, b): the parents' columns come
	 * first, merged by name. */
	Table *parent = NULL;
	bool inherited = false;
	for (size_t k = 0; k < cs->n_inh_relations; k++) {
		const PgQuery__Node *pn = cs->inh_relations[k];
		Table *p = pn && pn->node_case == PG_QUERY__NODE__NODE_RANGE_VAR ? find_rangevar(r, pn->range_var) : NULL;
		/* PARTITION OF / INHERITS its own name: PostgreSQL looks the
		 * parent up before creating the table, so it does not exist. */
		if (!p || p == t)
			continue;
		inherited = true;
		if (cs->partbound && !parent) {
			parent = p;
			t->partition_of = p;
		}
		for (size_t i = 0; i < p->cols.n; i++) {
			const Column *pc = p->cols.items[i];
			if (pc->dropped || table_column(t, pc->name))
				continue;
			Column *c = model_add_column(r->m, t, pc->name, pc->type);
			c->type_schema = pc->type_schema;
			c->type_name = pc->type_name;
			c->typtype = pc->typtype;
			c->ndims = pc->ndims;
			c->not_null = pc->not_null;
			c->default_expr = pc->default_expr;
			c->generated = pc->generated; /* identity is not inherited (PostgreSQL 15) */
		}
	}

	PendingVec pv = {r->pending_items, 0, r->pending_cap};
	PGC_VEC(Table *) like_src = {0};
	for (size_t i = 0; i < cs->n_table_elts; i++) {
		const PgQuery__Node *e = cs->table_elts[i];
		const PgQuery__ColumnDef *cd = as_column_def(e);
		const PgQuery__Constraint *con = as_constraint(e);
		const PgQuery__TableLikeClause *lc = as_table_like(e);
		if (cd) {
			Column *existing = inherited ? table_column(t, opt(cd->colname)) : NULL;
			if (existing) {
				/* PARTITION OF (col WITH OPTIONS ...), or a column INHERITS
				 * already gave: merged, constraints only. */
				if (cd->is_not_null)
					existing->not_null = true;
				for (size_t k = 0; k < cd->n_constraints; k++) {
					const PgQuery__Constraint *cc = as_constraint(cd->constraints[k]);
					if (!cc)
						continue;
					if (cc->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) {
						existing->not_null = true;
					} else if (cc->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
					           cc->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
					           cc->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
					           cc->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
						Pending p = {cc, existing->name, false, false, false, NULL};
						VEC_PUSH(r->m->arena, pv, p);
					}
				}
			} else {
				add_column_def(r, t, cd, &pv);
			}
		} else if (con) {
			Pending p = {con, NULL, false, false, false, NULL};
			VEC_PUSH(r->m->arena, pv, p);
		} else if (lc) {
			Table *src = copy_like(r, t, lc);
			if (src)
				VEC_PUSH(r->m->arena, like_src, src);
		}
	}
	apply_constraints(r, t, &pv, true);
	r->pending_items = pv.items;
	r->pending_cap = pv.cap;
	for (size_t i = 0; i < like_src.n; i++)
		clone_indexes(r, t, like_src.items[i]);
	/* A partition gets its own copy of each of the parent's indexes. */
	if (parent)
		clone_indexes(r, t, parent);
	if (parent)
		shadow_new_partition(r, t);

	/* CockroachDB INDEX (...) clauses removed by the rewrite. */
	if (r->cr) {
		for (size_t i = 0; i < r->cr->indexes.n; i++) {
			const CrdbInlineIndex *ci = &r->cr->indexes.items[i];
			if (ci->offset < r->first || ci->offset >= r->end)
				continue;
			Index *ix = arena_alloc(r->m->arena, sizeof(*ix));
			ix->table = t;
			ix->cols = ci->cols;
			ix->ncols = ci->ncols;
			ix->unique = ci->unique;
			ix->partial = ci->partial;
			ix->inline_crdb = true;
			ix->loc = replay_loc(r, ci->offset);
			const char *addition = pgname_addition(r->m->arena, ci->cols, ci->ncols);
			ix->name = ci->name ? arena_strdup(r->m->arena, ci->name)
			                    : choose_relname(r, t, addition, ci->unique ? "key" : "idx", ci->unique);
			model_add_index(r->m, ix, t->schema);
			crdb_note(r, t, ix->name);
		}
	}
}

/*
 * The name PostgreSQL gives an output column without an alias
 * (parse_target.c FigureColnameInternal), for the common cases: a
 * column reference gives its last name, a function call its name, a
 * cast its argument's name (else the type's), CASE "case"; "*" cannot
 * be known without the source table (NULL); anything else "?column?".
 */
static const char *figure_colname(const PgQuery__Node *n)
{
	if (!n)
		return "?column?";
	if (n->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
		const PgQuery__ColumnRef *cr = n->column_ref;
		if (cr->n_fields == 0)
			return "?column?";
		const PgQuery__Node *last = cr->fields[cr->n_fields - 1];
		if (last->node_case == PG_QUERY__NODE__NODE_A_STAR)
			return NULL;
		const char *s = str_of(last);
		return s ? s : "?column?";
	}
	if (n->node_case == PG_QUERY__NODE__NODE_FUNC_CALL) {
		const PgQuery__FuncCall *fc = n->func_call;
		const char *s = fc->n_funcname ? str_of(fc->funcname[fc->n_funcname - 1]) : NULL;
		return s ? s : "?column?";
	}
	if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) {
		const PgQuery__TypeCast *tc = n->type_cast;
		const char *s = figure_colname(tc->arg);
		if (s && strcmp(s, "?column?") != 0)
			return s;
		if (tc->type_name && tc->type_name->n_names)
			return str_of(tc->type_name->names[tc->type_name->n_names - 1]);
		return "?column?";
	}
	if (n->node_case == PG_QUERY__NODE__NODE_CASE_EXPR)
		return "case";
	return "?column?";
}

static void create_table_as(Replay *r, const PgQuery__CreateTableAsStmt *cs)
{
	if (cs->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !cs->into || !cs->into->rel)
		return;
	const PgQuery__RangeVar *rv = cs->into->rel;
	if (!opt(rv->relname) || (rv->relpersistence && rv->relpersistence[0] == 't'))
		return;
	const char *schema = creation_schema(r, opt(rv->schemaname));
	if (model_find_table(r->m, schema, rv->relname))
		return;
	schema_note(r, schema);
	Table *t = model_add_table(r->m, schema, rv->relname, r->loc);
	/* Column types come from the query, which we do not plan; names
	 * only: the column list, else the query's target list (a name in
	 * the column list overrides the target's, PostgreSQL's rule). */
	size_t given = cs->into->n_col_names;
	for (size_t i = 0; i < given; i++) {
		const char *cn = str_of(cs->into->col_names[i]);
		if (cn)
			model_add_column(r->m, t, cn, "")->typtype = 0;
	}
	const PgQuery__Node *q = cs->query;
	if (!q || q->node_case != PG_QUERY__NODE__NODE_SELECT_STMT)
		return;
	const PgQuery__SelectStmt *ss = q->select_stmt;
	while (ss && ss->op != PG_QUERY__SET_OPERATION__SETOP_NONE && ss->larg)
		ss = ss->larg; /* UNION ...: the first branch names the columns */
	for (size_t i = given; ss && i < ss->n_target_list; i++) {
		const PgQuery__Node *tn = ss->target_list[i];
		if (tn->node_case != PG_QUERY__NODE__NODE_RES_TARGET)
			continue;
		const PgQuery__ResTarget *rt = tn->res_target;
		const char *cn = opt(rt->name) ? rt->name : figure_colname(rt->val);
		if (!cn)
			continue; /* "*": unknown */
		if (!table_column(t, cn))
			model_add_column(r->m, t, cn, "")->typtype = 0;
	}
}

const char *replay_recovered_table(Replay *r, const char *schema, const char *name,
                                   const char *const *cols, size_t ncols, int first, int end)
{
	r->first = first;
	r->end = end;
	r->loc = replay_loc(r, first);
	schema = creation_schema(r, schema);
	if (model_find_table(r->m, schema, name))
		return NULL;
	schema_note(r, schema);
	Table *t = model_add_table(r->m, schema, name, r->loc);
	for (size_t i = 0; i < ncols; i++)
		if (!table_column(t, cols[i]))
			model_add_column(r->m, t, cols[i], "")->typtype = 0;
	return schema;
}

const char *replay_source_text(const Replay *r)
{
	return r->text;
}

/* ---- ALTER TABLE ------------------------------------------------------- */

static bool reads_column(Replay *r, const void *obj, const char *name)
{
	const char **cc = check_columns(r, obj);
	for (size_t k = 0; cc && cc[k]; k++)
		if (strcmp(cc[k], name) == 0)
			return true;
	return false;
}

static void drop_fk(Replay *r, ForeignKey *fk)
{
	if (fk->dropped)
		return;
	fk->dropped = true;
	model_forget_conname(r->m, fk->table->schema, fk->name);
	shadow_forget(r, fk, NULL);
}

static void drop_index(Model *m, Index *ix)
{
	if (ix->dropped)
		return;
	ix->dropped = true;
	char *k = arena_printf(m->arena, "%s\x1f%s", ix->table->schema, ix->name);
	if (hm_get(m->relname, k) == ix)
		hm_del(m->relname, k);
	if (ix->is_constraint)
		model_forget_conname(m, ix->table->schema, ix->name);
	if (ix->table->pk == ix)
		ix->table->pk = NULL;
}

/* Drops the FKs that reference t through exactly the key of ix. */
static void drop_fks_on_key(Replay *r, Table *t, const Index *ix)
{
	Model *m = r->m;
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (!fk->dropped && fk->ref == t && same_cols(fk->ref_cols, fk->nref_cols, ix->cols, ix->ncols))
			drop_fk(r, fk);
	}
}

static void drop_column(Replay *r, Table *t, const char *name, bool missing_ok, bool cascade)
{
	Column *c = table_column(t, name);
	if (!c) {
		if (!missing_ok)
			warn_at(r, r->loc, "column \"%s\" of \"%s\" does not exist; ignored", name, t->name);
		return;
	}
	for (size_t i = 0; i < r->m->fks.n && !cascade; i++) {
		const ForeignKey *fk = r->m->fks.items[i];
		if (!fk->dropped && fk->ref == t && has_col(fk->ref_cols, fk->nref_cols, name) &&
		    !has_col(fk->cols, fk->ncols, name)) {
			warn_at(r, r->loc, "DROP COLUMN fails in PostgreSQL without CASCADE: constraint \"%s\" "
			        "of \"%s\" depends on it; ignored", fk->name, fk->table->name);
			return;
		}
	}
	c->dropped = true;
	int attnum = 1;
	for (size_t i = 0; i < t->cols.n; i++)
		if (!t->cols.items[i]->dropped)
			t->cols.items[i]->attnum = attnum++;
	Model *m = r->m;
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (fk->dropped)
			continue;
		if ((fk->table == t && has_col(fk->cols, fk->ncols, name)) ||
		    (fk->ref == t && has_col(fk->ref_cols, fk->nref_cols, name)))
			drop_fk(r, fk);
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		if (!ix->dropped && ix->table == t &&
		    (has_col(ix->cols, ix->ncols, name) || reads_column(r, ix, name)))
			drop_index(m, ix);
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		Check *ck = m->checks.items[i];
		if (!ck->dropped && ck->table == t && reads_column(r, ck, name)) {
			ck->dropped = true;
			model_forget_conname(m, t->schema, ck->name);
		}
	}
}

static void rename_in(const char **cols, int n, const char *from, const char *to)
{
	for (int i = 0; i < n; i++)
		if (cols[i] && strcmp(cols[i], from) == 0)
			cols[i] = to;
}

static void rename_column(Replay *r, Table *t, const char *from, const char *to)
{
	Column *c = table_column(t, from);
	if (!c) {
		warn_at(r, r->loc, "column \"%s\" of \"%s\" does not exist; ignored", from, t->name);
		return;
	}
	to = arena_strdup(r->m->arena, to);
	c->name = to;
	Model *m = r->m;
	/* Column lists may be shared (REFERENCES t uses t's key list), so
	 * each list is renamed once: copy-on-write is not needed because
	 * every holder wants the new name. */
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (fk->dropped)
			continue;
		if (fk->table == t) {
			rename_in(fk->cols, fk->ncols, from, to);
			rename_in(fk->set_cols, fk->nset_cols, from, to);
		}
		if (fk->ref == t)
			rename_in(fk->ref_cols, fk->nref_cols, from, to);
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		if (!ix->dropped && ix->table == t)
			rename_in(ix->cols, ix->ncols, from, to);
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		Check *ck = m->checks.items[i];
		const char **cc = ck->dropped || ck->table != t ? NULL : check_columns(r, ck);
		for (size_t k = 0; cc && cc[k]; k++)
			if (strcmp(cc[k], from) == 0)
				cc[k] = to;
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		const char **cc = ix->dropped || ix->table != t ? NULL : check_columns(r, ix);
		for (size_t k = 0; cc && cc[k]; k++)
			if (strcmp(cc[k], from) == 0)
				cc[k] = to;
	}
}

/* Finds the live constraint called name on t: FK, key index or check. */
typedef struct ConRef {
	ForeignKey *fk;
	Index *ix;
	Check *ck;
} ConRef;

static ConRef find_constraint(Replay *r, Table *t, const char *name)
{
	ConRef c = {NULL, NULL, NULL};
	Model *m = r->m;
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (!fk->dropped && fk->table == t && fk->name && strcmp(fk->name, name) == 0) {
			c.fk = fk;
			return c;
		}
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		Index *ix = m->indexes.items[i];
		if (!ix->dropped && ix->table == t && ix->is_constraint && strcmp(ix->name, name) == 0) {
			c.ix = ix;
			return c;
		}
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		Check *ck = m->checks.items[i];
		if (!ck->dropped && ck->table == t && ck->name && strcmp(ck->name, name) == 0) {
			c.ck = ck;
			return c;
		}
	}
	return c;
}

static void drop_constraint(Replay *r, Table *t, const PgQuery__AlterTableCmd *cmd)
{
	const char *name = opt(cmd->name);
	if (!name)
		return;
	ConRef c = find_constraint(r, t, name);
	if (c.fk) {
		drop_fk(r, c.fk);
	} else if (c.ix) {
		if (cmd->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
			for (size_t i = 0; i < r->m->fks.n; i++) {
				const ForeignKey *fk = r->m->fks.items[i];
				if (!fk->dropped && fk->ref == t &&
				    same_cols(fk->ref_cols, fk->nref_cols, c.ix->cols, c.ix->ncols)) {
					warn_at(r, r->loc, "DROP CONSTRAINT fails in PostgreSQL without CASCADE: "
					        "constraint \"%s\" of \"%s\" depends on it; ignored", fk->name, fk->table->name);
					return;
				}
			}
		}
		drop_fks_on_key(r, t, c.ix);
		drop_index(r->m, c.ix);
	} else if (c.ck) {
		c.ck->dropped = true;
		model_forget_conname(r->m, t->schema, c.ck->name);
	} else if (!cmd->missing_ok) {
		warn_at(r, r->loc, "constraint \"%s\" of relation \"%s\" does not exist; ignored", name, t->name);
	}
}

static void rename_constraint(Replay *r, Table *t, const char *from, const char *to)
{
	ConRef c = find_constraint(r, t, from);
	const char *nn = arena_strdup(r->m->arena, to);
	crdb_note(r, t, nn);
	if (c.fk) {
		model_forget_conname(r->m, t->schema, c.fk->name);
		c.fk->name = nn;
		c.fk->name_predicted = false; /* origin stays: the statement that created it */
		model_note_conname(r->m, t->schema, nn);
	} else if (c.ix) {
		Index *ix = c.ix;
		char *k = arena_printf(r->m->arena, "%s\x1f%s", t->schema, ix->name);
		if (hm_get(r->m->relname, k) == ix)
			hm_del(r->m->relname, k);
		model_forget_conname(r->m, t->schema, ix->name);
		ix->name = nn;
		hm_put_owned(r->m->relname, model_key(r->m, t->schema, nn), ix);
		model_note_conname(r->m, t->schema, nn);
	} else if (c.ck) {
		model_forget_conname(r->m, t->schema, c.ck->name);
		c.ck->name = nn;
		model_note_conname(r->m, t->schema, nn);
	} else {
		warn_at(r, r->loc, "constraint \"%s\" of relation \"%s\" does not exist; ignored", from, t->name);
	}
}

static void alter_cmd(Replay *r, Table *t, const PgQuery__AlterTableCmd *cmd, PendingVec *pv)
{
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse: {
		const PgQuery__ColumnDef *cd = as_column_def(cmd->def);
		if (!cd)
			break;
		if (table_column(t, opt(cd->colname))) {
			if (!cmd->missing_ok)
				warn_at(r, r->loc, "column \"%s\" of \"%s\" already exists; ignored", cd->colname, t->name);
			break;
		}
		add_column_def(r, t, cd, pv);
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
		if (opt(cmd->name))
			drop_column(r, t, cmd->name, cmd->missing_ok,
			            cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse: {
		const PgQuery__Constraint *con = as_constraint(cmd->def);
		if (!con)
			break;
		if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
			break;
		if (opt(con->indexname) && (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY ||
		                            con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE)) {
			/* ADD CONSTRAINT x PRIMARY KEY/UNIQUE USING INDEX idx: the index
			 * becomes the constraint and takes its name. */
			Index *ix = find_index(r, t->schema, con->indexname);
			if (!ix)
				break;
			const char *nn = con_name(con) ? con_name(con) : ix->name;
			char *k = arena_printf(r->m->arena, "%s\x1f%s", t->schema, ix->name);
			if (hm_get(r->m->relname, k) == ix)
				hm_del(r->m->relname, k);
			ix->name = arena_strdup(r->m->arena, nn);
			crdb_note(r, t, ix->name);
			ix->is_constraint = true;
			ix->unique = true;
			if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
				ix->primary = true;
				t->pk = ix;
			}
			hm_put_owned(r->m->relname, model_key(r->m, t->schema, ix->name), ix);
			model_note_conname(r->m, t->schema, ix->name);
			break;
		}
		Pending p = {con, NULL, false, false, false, NULL};
		VEC_PUSH(r->m->arena, *pv, p);
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
		drop_constraint(r, t, cmd);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse: {
		ConRef c = opt(cmd->name) ? find_constraint(r, t, cmd->name) : (ConRef){0};
		if (c.fk)
			c.fk->validated = true;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint: {
		const PgQuery__Constraint *con = as_constraint(cmd->def);
		ConRef c = con && opt(con->conname) ? find_constraint(r, t, con->conname) : (ConRef){0};
		if (c.fk) {
			c.fk->deferrable = con->deferrable;
			c.fk->initially_deferred = con->initdeferred;
		}
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: {
		Column *c = table_column(t, opt(cmd->name));
		if (c)
			c->not_null = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault: {
		Column *c = table_column(t, opt(cmd->name));
		if (c)
			c->default_expr = cmd->def ? default_text(r, cmd->def) : NULL;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
		Column *c = table_column(t, opt(cmd->name));
		const PgQuery__ColumnDef *cd = as_column_def(cmd->def);
		if (c && cd) {
			bool serial;
			c->type_schema = c->type_name = NULL;
			set_type(r, c, cd->type_name, &serial);
		}
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: {
		Column *c = table_column(t, opt(cmd->name));
		const PgQuery__Constraint *con = as_constraint(cmd->def);
		if (c && con) {
			c->identity = con->generated_when && con->generated_when[0] == 'a' ? 'a' : 'd';
			c->not_null = true;
		}
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity: {
		Column *c = table_column(t, opt(cmd->name));
		if (c)
			c->identity = 0;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression: {
		Column *c = table_column(t, opt(cmd->name));
		if (c)
			c->generated = 0;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetLogged:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged:
		t->unlogged = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetUnLogged;
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition: {
		const PgQuery__PartitionCmd *pc = as_partition_cmd(cmd->def);
		Table *child = pc ? find_rangevar(r, pc->name) : NULL;
		if (child && is_ancestor_or_self(child, t)) {
			/* ATExecAttachPartition: "circular inheritance not allowed" */
			warn_at(r, r->loc, "circular inheritance not allowed: \"%s\" is already a child of \"%s\"; "
			        "statement ignored", t->name, child->name);
			break;
		}
		if (child) {
			child->partition_of = t;
			/* Attaching builds the partition's copies of the indexes. */
			clone_indexes(r, child, t);
			shadow_new_partition(r, child);
			size_t nsub = 0;
			Table **sub = partitions_of(r, child, &nsub);
			for (size_t k = 0; k < nsub; k++)
				shadow_new_partition(r, sub[k]);
		}
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition: {
		const PgQuery__PartitionCmd *pc = as_partition_cmd(cmd->def);
		Table *child = pc ? find_rangevar(r, pc->name) : NULL;
		if (child && child->partition_of == t) {
			child->partition_of = NULL;
			/* The inherited FKs become the partition's own (PostgreSQL
			 * keeps them, with conparentid cleared). */
			size_t nfk = r->m->fks.n;
			for (size_t i = 0; i < nfk; i++) {
				ForeignKey *fk = r->m->fks.items[i];
				if (fk->dropped || fk->table != t)
					continue;
				ForeignKey *c = model_add_fk(r->m, child, fk->name);
				crdb_note(r, child, fk->name);
				Table *keep = c->table;
				int id = c->id;
				long seq = c->seq;
				*c = *fk;
				c->table = keep;
				c->id = id;
				c->seq = seq;
			}
		}
		break;
	}
	default:
		break;
	}
}

/* AlterTable passes (tablecmds.c, PostgreSQL 15), those we need. */
enum { PASS_DROP, PASS_ALTER_TYPE, PASS_ADD_COL, PASS_COL_ATTRS, PASS_ADD_CONSTR, PASS_MISC };

static int cmd_pass(const PgQuery__AlterTableCmd *cmd)
{
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropExpression:
		return PASS_DROP;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
		return PASS_ALTER_TYPE;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
		return PASS_ADD_COL;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
		return PASS_COL_ATTRS;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity:
		return PASS_ADD_CONSTR;
	default:
		return PASS_MISC;
	}
}

/* Whether an ALTER TABLE command changes what the model holds. */
static bool cmd_matters(const PgQuery__AlterTableCmd *cmd)
{
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_ValidateConstraintRecurse:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterConstraint:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AttachPartition:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DetachPartition:
		return true;
	default:
		return false;
	}
}


/* What ALTER TABLE (without ONLY) does to each partition's columns:
 * PostgreSQL recurses column changes; constraints on the parent are
 * cloned into the partitions, and those copies are not listed. */
static void alter_cmd_partition(Replay *r, Table *p, const Table *parent, const PgQuery__AlterTableCmd *cmd)
{
	const char *name = opt(cmd->name);
	switch (cmd->subtype) {
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumnRecurse: {
		const PgQuery__ColumnDef *cd = as_column_def(cmd->def);
		const Column *pc = cd ? table_column(parent, opt(cd->colname)) : NULL;
		if (!pc || table_column(p, pc->name))
			break;
		Column *c = model_add_column(r->m, p, pc->name, pc->type);
		c->type_schema = pc->type_schema;
		c->type_name = pc->type_name;
		c->typtype = pc->typtype;
		c->ndims = pc->ndims;
		c->not_null = pc->not_null;
		c->default_expr = pc->default_expr;
		c->generated = pc->generated;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumnRecurse:
		if (name)
			drop_column(r, p, name, true, true);
		break;
	case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull:
	case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: {
		Column *c = table_column(p, name);
		if (c)
			c->not_null = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull;
		break;
	}
	case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
		Column *c = table_column(p, name);
		const Column *pc = table_column(parent, name);
		if (c && pc) {
			c->type = pc->type;
			c->type_schema = pc->type_schema;
			c->type_name = pc->type_name;
			c->typtype = pc->typtype;
			c->ndims = pc->ndims;
		}
		break;
	}
	default:
		break;
	}
}

static void alter_table(Replay *r, const PgQuery__AlterTableStmt *as)
{
	if (as->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE)
		return;
	Table *t = find_rangevar(r, as->relation);
	if (!t) {
		bool matters = false;
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = as_alter_cmd(as->cmds[i]);
			matters = matters || (cmd && cmd_matters(cmd));
		}
		/* ALTER TABLE also reaches sequences and views (OWNER TO ...). */
		if (!as->missing_ok && matters)
			warn_at(r, r->loc, "relation \"%s\" does not exist; statement ignored%s",
			        as->relation ? as->relation->relname : "", NULL);
		return;
	}
	PendingVec pv = {r->pending_items, 0, r->pending_cap};
	size_t nparts = 0;
	Table **parts = as->relation && as->relation->inh ? partitions_of(r, t, &nparts) : NULL;
	/* PostgreSQL runs the subcommands in passes, not in text order:
	 * all drops, type changes, new columns, column attributes, then the
	 * new indexes and constraints, then the rest (VALIDATE ...). */
	for (int pass = PASS_DROP; pass <= PASS_MISC; pass++) {
		if (pass == PASS_MISC) {
			apply_constraints_alter(r, t, &pv);
			r->pending_items = pv.items;
			r->pending_cap = pv.cap;
		}
		for (size_t i = 0; i < as->n_cmds; i++) {
			const PgQuery__AlterTableCmd *cmd = as_alter_cmd(as->cmds[i]);
			if (!cmd || cmd_pass(cmd) != pass)
				continue;
			alter_cmd(r, t, cmd, &pv);
			for (size_t k = 0; k < nparts; k++)
				alter_cmd_partition(r, parts[k], parts[k]->partition_of, cmd);
		}
	}
}

/* ---- RENAME / SET SCHEMA / DROP ---------------------------------------- */

/* ALTER TYPE/DOMAIN ... RENAME TO: columns of that type follow. */
static void rename_type(Replay *r, UserType *u, const char *to)
{
	const char *old = u->name;
	u->name = arena_strdup(r->m->arena, to);
	for (size_t i = 0; i < r->m->tables.n; i++) {
		Table *t = r->m->tables.items[i];
		for (size_t k = 0; !t->dropped && k < t->cols.n; k++) {
			Column *c = t->cols.items[k];
			if (c->type_name != old)
				continue;
			c->type_name = u->name;
			c->type = c->ndims ? arena_printf(r->m->arena, "%s[]", u->name) : u->name;
		}
	}
}

/* ALTER DOMAIN d SET / DROP NOT NULL. */
static void alter_domain(Replay *r, const PgQuery__AlterDomainStmt *ad)
{
	const char *schema = NULL, *name = NULL;
	if (ad->n_type_name == 1)
		name = str_of(ad->type_name[0]);
	else if (ad->n_type_name >= 2)
		schema = str_of(ad->type_name[ad->n_type_name - 2]), name = str_of(ad->type_name[ad->n_type_name - 1]);
	UserType *u = name ? (UserType *)find_type(r, schema, name) : NULL;
	if (!u || u->typtype != 'd' || !ad->subtype)
		return;
	if (ad->subtype[0] == 'O')
		u->not_null = true;
	else if (ad->subtype[0] == 'N')
		u->not_null = false;
}

static void rename_stmt(Replay *r, const PgQuery__RenameStmt *rs)
{
	const char *to = opt(rs->newname);
	if (!to)
		return;
	switch (rs->rename_type) {
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE: {
		Table *t = find_rangevar(r, rs->relation);
		if (t)
			model_rename_table(r->m, t, NULL, to);
		else if (!rs->missing_ok)
			warn_at(r, r->loc, "relation \"%s\" does not exist; statement ignored%s",
			        rs->relation ? rs->relation->relname : "", NULL);
		break;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
		Table *t = find_rangevar(r, rs->relation);
		if (!t || !opt(rs->subname))
			break;
		rename_column(r, t, rs->subname, to);
		size_t nparts = 0;
		Table **parts = rs->relation->inh ? partitions_of(r, t, &nparts) : NULL;
		for (size_t k = 0; k < nparts; k++)
			if (table_column(parts[k], rs->subname))
				rename_column(r, parts[k], rs->subname, to);
		break;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
		Table *t = find_rangevar(r, rs->relation);
		if (t && opt(rs->subname))
			rename_constraint(r, t, rs->subname, to);
		break;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
		if (!rs->relation || !opt(rs->relation->relname))
			break;
		Index *ix = find_index(r, opt(rs->relation->schemaname), rs->relation->relname);
		if (!ix)
			break;
		if (ix->is_constraint)
			rename_constraint(r, ix->table, ix->name, to);
		else {
			char *k = arena_printf(r->m->arena, "%s\x1f%s", ix->table->schema, ix->name);
			if (hm_get(r->m->relname, k) == ix)
				hm_del(r->m->relname, k);
			ix->name = arena_strdup(r->m->arena, to);
			crdb_note(r, ix->table, ix->name);
			hm_put_owned(r->m->relname, model_key(r->m, ix->table->schema, ix->name), ix);
		}
		break;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
	case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
		const PgQuery__List *l = as_list(rs->object);
		const char *schema = NULL, *name = NULL;
		if (l && l->n_items == 1)
			name = str_of(l->items[0]);
		else if (l && l->n_items >= 2)
			schema = str_of(l->items[l->n_items - 2]), name = str_of(l->items[l->n_items - 1]);
		UserType *u = name ? (UserType *)find_type(r, schema, name) : NULL;
		if (u)
			rename_type(r, u, to);
		break;
	}
	case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
		const char *from = opt(rs->subname);
		if (!from || !schema_exists(r, from))
			break;
		schema_note(r, to);
		for (size_t i = 0; i < r->m->tables.n; i++) {
			Table *t = r->m->tables.items[i];
			if (!t->dropped && strcmp(t->schema, from) == 0)
				model_rename_table(r->m, t, to, NULL);
		}
		for (size_t i = 0; i < r->m->fks.n; i++) {
			ForeignKey *fk = r->m->fks.items[i];
			if (!fk->dropped && strcmp(fk->table->schema, to) == 0)
				shadow_move(r, fk, from, to);
		}
		for (size_t i = 0; i < r->m->types.n; i++) {
			UserType *u = r->m->types.items[i];
			if (strcmp(u->schema, from) == 0)
				u->schema = arena_strdup(r->m->arena, to);
		}
		hm_del(r->schemas, from);
		break;
	}
	default:
		break;
	}
}

static void set_schema_stmt(Replay *r, const PgQuery__AlterObjectSchemaStmt *st)
{
	if (st->object_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE || !opt(st->newschema))
		return;
	Table *t = find_rangevar(r, st->relation);
	if (!t) {
		if (!st->missing_ok)
			warn_at(r, r->loc, "relation \"%s\" does not exist; statement ignored%s",
			        st->relation ? st->relation->relname : "", NULL);
		return;
	}
	const char *from = t->schema;
	model_rename_table(r->m, t, st->newschema, NULL);
	for (size_t i = 0; i < r->m->fks.n; i++) {
		ForeignKey *fk = r->m->fks.items[i];
		if (!fk->dropped && fk->table == t)
			shadow_move(r, fk, from, t->schema);
	}
}

/* An FK into t from a table that is neither t, one of its partitions,
 * nor in the list of tables dropped together with it. */
static bool is_ancestor(const Table *a, const Table *t)
{
	for (const Table *p = t->partition_of; p; p = p->partition_of)
		if (p == a)
			return true;
	return false;
}

/* An FK that keeps t from being dropped: it references t, or an
 * ancestor of t when t is a partition (its per-partition constraint
 * depends on t), from a table not dropped with t. */
static ForeignKey *outside_reference(const Model *m, const Table *t, Table *const *with, size_t nwith)
{
	for (size_t i = 0; i < m->fks.n; i++) {
		ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || (fk->ref != t && !is_ancestor(fk->ref, t)) ||
		    fk->table == t || fk->table->partition_of == t)
			continue;
		bool together = false;
		for (size_t k = 0; k < nwith; k++)
			if (fk->table == with[k] || fk->table->partition_of == with[k])
				together = true;
		if (!together)
			return fk;
	}
	return NULL;
}

/* Drops t and its partitions (the caller has checked dependencies). */
static void drop_table(Replay *r, Table *t)
{
	size_t n = 0;
	Table **parts = partitions_of(r, t, &n);
	/* Shadow names go with the FKs that go, and with the partitions. */
	for (size_t i = 0; i < r->m->fks.n; i++) {
		ForeignKey *fk = r->m->fks.items[i];
		if (fk->dropped)
			continue;
		bool goes = fk->table == t || fk->ref == t;
		for (size_t k = 0; k < n && !goes; k++)
			goes = fk->table == parts[k] || fk->ref == parts[k];
		if (goes) {
			shadow_forget(r, fk, NULL);
			continue;
		}
		shadow_forget(r, fk, t);
		for (size_t k = 0; k < n; k++)
			shadow_forget(r, fk, parts[k]);
	}
	for (size_t i = 0; i < n; i++)
		model_drop_table(r->m, parts[i]);
	model_drop_table(r->m, t);
}

/* DROP TABLE a, b [CASCADE]: all or nothing, as in PostgreSQL. */
static void drop_tables(Replay *r, const PgQuery__DropStmt *ds, bool cascade)
{
	Table **tabs = arena_alloc(r->m->arena, (ds->n_objects + 1) * sizeof(*tabs));
	size_t n = 0;
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__List *l = as_list(ds->objects[i]);
		const char *schema = NULL, *name = NULL;
		if (l && l->n_items == 1) {
			name = str_of(l->items[0]);
		} else if (l && l->n_items >= 2) {
			schema = str_of(l->items[l->n_items - 2]);
			name = str_of(l->items[l->n_items - 1]);
		}
		if (!name)
			continue;
		Table *t = find_table(r, schema, name);
		if (!t) {
			if (!ds->missing_ok) {
				warn_at(r, r->loc, "table \"%s\" does not exist; statement ignored%s", name, NULL);
				return;
			}
			continue;
		}
		tabs[n++] = t;
	}
	for (size_t i = 0; i < n; i++) {
		ForeignKey *ref;
		while ((ref = outside_reference(r->m, tabs[i], tabs, n)) != NULL) {
			if (!cascade) {
				warn_at(r, r->loc, "DROP TABLE \"%s\" fails in PostgreSQL without CASCADE: "
				        "constraint \"%s\" depends on it; statement ignored", tabs[i]->name, ref->name);
				return;
			}
			/* CASCADE drops the FK, even one into an ancestor */
			drop_fk(r, ref);
		}
	}
	for (size_t i = 0; i < n; i++)
		drop_table(r, tabs[i]);
}

static void drop_stmt(Replay *r, const PgQuery__DropStmt *ds)
{
	bool cascade = ds->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
	if (ds->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
		drop_tables(r, ds, cascade);
		return;
	}
	for (size_t i = 0; i < ds->n_objects; i++) {
		const PgQuery__List *l = as_list(ds->objects[i]);
		const char *schema = NULL, *name = NULL;
		if (l && l->n_items == 1) {
			name = str_of(l->items[0]);
		} else if (l && l->n_items >= 2) {
			schema = str_of(l->items[l->n_items - 2]);
			name = str_of(l->items[l->n_items - 1]);
		} else if (!l) {
			name = str_of(ds->objects[i]); /* DROP SCHEMA x: bare strings */
		}
		if (!name)
			continue;
		switch (ds->remove_type) {
		case PG_QUERY__OBJECT_TYPE__OBJECT_INDEX: {
			Index *ix = find_index(r, schema, name);
			if (ix && !ix->is_constraint)
				drop_index(r->m, ix);
			else if (!ix && !ds->missing_ok)
				warn_at(r, r->loc, "index \"%s\" does not exist; ignored%s", name, NULL);
			break;
		}
		case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
			if (!schema_exists(r, name))
				break;
			if (!cascade) {
				bool empty = true;
				for (size_t k = 0; k < r->m->tables.n && empty; k++)
					empty = r->m->tables.items[k]->dropped || strcmp(r->m->tables.items[k]->schema, name) != 0;
				if (!empty) {
					warn_at(r, r->loc, "DROP SCHEMA \"%s\" fails in PostgreSQL without CASCADE: "
					        "it is not empty; statement ignored%s", name, NULL);
					break;
				}
			}
			for (size_t k = 0; k < r->m->tables.n; k++) {
				Table *t = r->m->tables.items[k];
				if (!t->dropped && strcmp(t->schema, name) == 0)
					drop_table(r, t);
			}
			for (size_t k = 0; k < r->m->types.n; k++) {
				UserType *u = r->m->types.items[k];
				if (strcmp(u->schema, name) == 0)
					u->dropped = true;
			}
			hm_del(r->schemas, name);
			break;
		}
		case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
		case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
			UserType *u = (UserType *)find_type(r, schema, name);
			if (u)
				u->dropped = true;
			break;
		}
		default:
			break;
		}
	}
}

/* ---- CREATE INDEX ------------------------------------------------------ */

/* FigureIndexColname / FigureColname, simplified: column, function or "expr". */
static const char *index_colname(const PgQuery__IndexElem *ie)
{
	if (opt(ie->name))
		return ie->name;
	if (opt(ie->indexcolname))
		return ie->indexcolname;
	const PgQuery__Node *e = ie->expr;
	for (int depth = 0; e && depth < MAX_DEPTH; depth++) {
		const PgQuery__FuncCall *f = as_func_call(e);
		if (f && f->n_funcname > 0)
			return str_of(f->funcname[f->n_funcname - 1]);
		const PgQuery__ColumnRef *cr = as_column_ref(e);
		if (cr && cr->n_fields > 0)
			return str_of(cr->fields[cr->n_fields - 1]);
		const PgQuery__TypeCast *tc = as_type_cast(e);
		if (!tc)
			break;
		if (tc->arg) {
			e = tc->arg;
			continue;
		}
		break;
	}
	return "expr";
}

static void create_index(Replay *r, const PgQuery__IndexStmt *is)
{
	Table *t = find_rangevar(r, is->relation);
	if (!t)
		return; /* materialized views are not modelled: no warning */
	if (opt(is->idxname) && relname_taken(r->m, t->schema, is->idxname)) {
		if (!is->if_not_exists)
			warn_at(r, r->loc, "relation \"%s\" already exists; statement ignored%s", is->idxname, NULL);
		return;
	}
	size_t n = is->n_index_params, nall = n + is->n_index_including_params;
	const char **cols = arena_alloc(r->m->arena, (n + 1) * sizeof(*cols));
	const char **names = arena_alloc(r->m->arena, (nall + 1) * sizeof(*names));
	for (size_t i = 0; i < nall; i++) {
		const PgQuery__Node *p = i < n ? is->index_params[i] : is->index_including_params[i - n];
		const PgQuery__IndexElem *ie = as_index_elem(p);
		const char *cn0 = ie ? index_colname(ie) : NULL;
		const char *cn = arena_strdup(r->m->arena, cn0 ? cn0 : "expr");
		if (i < n)
			cols[i] = ie && opt(ie->name) ? arena_strdup(r->m->arena, ie->name) : NULL;
		/* ChooseIndexColumnNames: make the names distinct with digits. */
		const char *u = cn;
		for (int k = 1;; k++) {
			bool dup = false;
			for (size_t j = 0; j < i; j++)
				if (strcmp(names[j], u) == 0)
					dup = true;
			if (!dup)
				break;
			u = arena_printf(r->m->arena, "%s%d", cn, k);
		}
		names[i] = u;
	}
	Index *ix = arena_alloc(r->m->arena, sizeof(*ix));
	ix->table = t;
	ix->cols = cols;
	ix->ncols = (int)n;
	ix->unique = is->unique;
	ix->primary = is->primary;
	ix->partial = is->where_clause != NULL;
	ix->loc = r->loc;
	ColSet reads = {r->m->arena, {0}};
	for (size_t i = 0; i < nall; i++) {
		const PgQuery__Node *p = i < n ? is->index_params[i] : is->index_including_params[i - n];
		const PgQuery__IndexElem *ie = as_index_elem(p);
		if (ie && ie->expr)
			walk_column_refs(ie->expr, note_colref, &reads);
	}
	walk_column_refs(is->where_clause, note_colref, &reads);
	ix->name = opt(is->idxname)
		? arena_strdup(r->m->arena, is->idxname)
		: choose_relname(r, t, pgname_addition(r->m->arena, names, (int)nall), "idx", false);
	model_add_index(r->m, ix, t->schema);
	crdb_note(r, t, ix->name);
	note_index_colnames(r, ix, names);
	const char **read_list = NULL;
	if (reads.names.n > 0) {
		VEC_PUSH(r->m->arena, reads.names, NULL);
		read_list = reads.names.items;
		hm_put_owned(r->check_cols, arena_printf(r->m->arena, "%p", (const void *)ix), (void *)read_list);
	}
	/* On a partitioned table every partition gets its own index. */
	bool recurse = t->relkind == 'p' && is->relation->inh; /* not ON ONLY */
	for (size_t i = 0; recurse && i < r->m->tables.n; i++) {
		Table *p = r->m->tables.items[i];
		if (p->dropped || p->partition_of != t)
			continue;
		Index *cx = arena_alloc(r->m->arena, sizeof(*cx));
		*cx = *ix;
		cx->table = p;
		cx->name = choose_relname(r, p, pgname_addition(r->m->arena, names, (int)nall), "idx", false);
		model_add_index(r->m, cx, p->schema);
		crdb_note(r, p, cx->name);
		note_index_colnames(r, cx, names);
		if (read_list)
			hm_put_owned(r->check_cols, arena_printf(r->m->arena, "%p", (const void *)cx), (void *)read_list);
	}
}

/* ---- schemas, types, search_path --------------------------------------- */

static void replay_node(Replay *r, const PgQuery__Node *n, int depth);

static void create_schema(Replay *r, const PgQuery__CreateSchemaStmt *cs, int depth)
{
	const char *name = opt(cs->schemaname);
	if (!name && cs->authrole && opt(cs->authrole->rolename))
		name = cs->authrole->rolename; /* CREATE SCHEMA AUTHORIZATION role */
	if (!name)
		return;
	schema_note(r, name);
	const char *saved = r->create_schema;
	r->create_schema = name;
	for (size_t i = 0; i < cs->n_schema_elts; i++)
		replay_node(r, cs->schema_elts[i], depth + 1);
	r->create_schema = saved;
}

static void add_type(Replay *r, PgQuery__Node *const *names, size_t n, char typtype, UserType **out)
{
	const char *schema = NULL, *name = NULL;
	if (n == 1)
		name = str_of(names[0]);
	else if (n >= 2)
		schema = str_of(names[n - 2]), name = str_of(names[n - 1]);
	*out = NULL;
	if (!name)
		return;
	UserType *u = arena_alloc(r->m->arena, sizeof(*u));
	u->schema = arena_strdup(r->m->arena, creation_schema(r, schema));
	u->name = arena_strdup(r->m->arena, name);
	u->typtype = typtype;
	VEC_PUSH(r->m->arena, r->m->types, u);
	*out = u;
}

static void create_enum(Replay *r, const PgQuery__CreateEnumStmt *ce)
{
	UserType *u;
	add_type(r, ce->type_name, ce->n_type_name, 'e', &u);
	if (u)
		u->labels = str_list(r, ce->vals, ce->n_vals, &u->nlabels);
}

static void alter_enum(Replay *r, const PgQuery__AlterEnumStmt *ae)
{
	const char *schema = NULL, *name = NULL;
	if (ae->n_type_name == 1)
		name = str_of(ae->type_name[0]);
	else if (ae->n_type_name >= 2)
		schema = str_of(ae->type_name[ae->n_type_name - 2]), name = str_of(ae->type_name[ae->n_type_name - 1]);
	UserType *u = name ? (UserType *)find_type(r, schema, name) : NULL;
	if (!u || u->typtype != 'e')
		return;
	if (opt(ae->old_val)) { /* RENAME VALUE */
		for (int i = 0; i < u->nlabels; i++)
			if (strcmp(u->labels[i], ae->old_val) == 0)
				u->labels[i] = arena_strdup(r->m->arena, ae->new_val);
		return;
	}
	if (!opt(ae->new_val))
		return;
	for (int i = 0; i < u->nlabels; i++)
		if (strcmp(u->labels[i], ae->new_val) == 0)
			return; /* IF NOT EXISTS, or an error in PostgreSQL */
	const char **v = arena_alloc(r->m->arena, (size_t)(u->nlabels + 2) * sizeof(*v));
	int pos = u->nlabels;
	if (opt(ae->new_val_neighbor)) {
		for (int i = 0; i < u->nlabels; i++)
			if (strcmp(u->labels[i], ae->new_val_neighbor) == 0)
				pos = ae->new_val_is_after ? i + 1 : i;
	}
	for (int i = 0, k = 0; i <= u->nlabels; i++) {
		if (i == pos)
			v[k++] = arena_strdup(r->m->arena, ae->new_val);
		if (i < u->nlabels)
			v[k++] = u->labels[i];
	}
	u->labels = v;
	u->nlabels++;
}

static void create_domain(Replay *r, const PgQuery__CreateDomainStmt *cd)
{
	UserType *u;
	add_type(r, cd->domainname, cd->n_domainname, 'd', &u);
	if (!u)
		return;
	Column tmp = {0};
	bool serial;
	set_type(r, &tmp, cd->type_name, &serial);
	u->base_type = tmp.type;
	const char **checks = arena_alloc(r->m->arena, (cd->n_constraints + 1) * sizeof(*checks));
	for (size_t i = 0; i < cd->n_constraints; i++) {
		const PgQuery__Constraint *con = as_constraint(cd->constraints[i]);
		if (!con)
			continue;
		if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL)
			u->not_null = true;
		else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK)
			checks[u->nchecks++] = "(check)";
	}
	u->checks = checks;
}

static void set_search_path(Replay *r, const PgQuery__VariableSetStmt *vs)
{
	bool reset_all = vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_RESET_ALL;
	if (!reset_all && (!vs->name || strcmp(vs->name, "search_path") != 0))
		return;
	if (vs->kind == PG_QUERY__VARIABLE_SET_KIND__VAR_SET_VALUE) {
		const char **p = arena_alloc(r->m->arena, (vs->n_args + 1) * sizeof(*p));
		int n = 0;
		for (size_t i = 0; i < vs->n_args; i++) {
			const PgQuery__AConst *c = as_a_const(vs->args[i]);
			if (c && c->val_case == PG_QUERY__A__CONST__VAL_SVAL && c->sval && c->sval->sval) {
				/* A quoted list 'a, b' is one string: split it. */
				const char *s = c->sval->sval;
				while (*s) {
					while (*s == ' ' || *s == ',')
						s++;
					if (!*s)
						break;
					const char *e = s;
					if (*s == '"') {
						e = strchr(s + 1, '"');
						if (!e)
							e = s + strlen(s);
						p = arena_grow(r->m->arena, p, (size_t)n, (size_t)n + 2 + vs->n_args, sizeof(*p));
						p[n++] = arena_strndup(r->m->arena, s + 1, (size_t)(e - s - 1));
						s = *e ? e + 1 : e;
						continue;
					}
					while (*e && *e != ',' && *e != ' ')
						e++;
					p = arena_grow(r->m->arena, p, (size_t)n, (size_t)n + 2 + vs->n_args, sizeof(*p));
					char *word = arena_strndup(r->m->arena, s, (size_t)(e - s));
					if (strchr(s, ',') || strchr(s, ' ')) {
						/* unquoted names inside a literal are folded to lower case */
						for (char *w = word; *w; w++)
							if (*w >= 'A' && *w <= 'Z')
								*w = (char)(*w - 'A' + 'a');
					}
					p[n++] = word;
					s = e;
				}
			}
		}
		r->path = p;
		r->npath = n;
	} else {
		static const char *dflt[] = {"$user", "public"};
		r->path = dflt;
		r->npath = 2;
	}
}

/* ---- dispatch ---------------------------------------------------------- */

static void replay_node(Replay *r, const PgQuery__Node *n, int depth)
{
	if (!n || depth > MAX_DEPTH)
		return;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_CREATE_STMT:
		create_table(r, n->create_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
		create_table_as(r, n->create_table_as_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
		alter_table(r, n->alter_table_stmt);
		break;
	case PG_QUERY__NODE__NODE_RENAME_STMT:
		rename_stmt(r, n->rename_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_OBJECT_SCHEMA_STMT:
		set_schema_stmt(r, n->alter_object_schema_stmt);
		break;
	case PG_QUERY__NODE__NODE_DROP_STMT:
		drop_stmt(r, n->drop_stmt);
		break;
	case PG_QUERY__NODE__NODE_INDEX_STMT:
		create_index(r, n->index_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
		create_schema(r, n->create_schema_stmt, depth);
		break;
	case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
		create_enum(r, n->create_enum_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
		alter_enum(r, n->alter_enum_stmt);
		break;
	case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
		create_domain(r, n->create_domain_stmt);
		break;
	case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
		alter_domain(r, n->alter_domain_stmt);
		break;
	case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT: {
		UserType *u;
		const PgQuery__RangeVar *rv = n->composite_type_stmt->typevar;
		if (rv && opt(rv->relname)) {
			u = arena_alloc(r->m->arena, sizeof(*u));
			u->schema = arena_strdup(r->m->arena, creation_schema(r, opt(rv->schemaname)));
			u->name = arena_strdup(r->m->arena, rv->relname);
			u->typtype = 'c';
			VEC_PUSH(r->m->arena, r->m->types, u);
		}
		break;
	}
	case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT: {
		UserType *u;
		add_type(r, n->create_range_stmt->type_name, n->create_range_stmt->n_type_name, 'r', &u);
		break;
	}
	case PG_QUERY__NODE__NODE_VARIABLE_SET_STMT:
		set_search_path(r, n->variable_set_stmt);
		break;
	case PG_QUERY__NODE__NODE__NOT_SET:
	default:
		break; /* cannot change what we model */
	}
}

Replay *replay_new(Model *m, Dialect d)
{
	Replay *r = arena_alloc(m->arena, sizeof(*r));
	r->m = m;
	r->dialect = d;
	r->schemas = hm_new(m->arena);
	r->crdb_names = hm_new(m->arena);
	r->index_names = hm_new(m->arena);
	r->stubs = hm_new(m->arena);
	r->shadows = hm_new(m->arena);
	r->check_cols = hm_new(m->arena);
	static const char *dflt[] = {"$user", "public"};
	r->path = dflt;
	r->npath = 2;
	const char *pub = "public";
	hm_put(r->schemas, pub, (void *)pub);
	for (size_t i = 0; i < m->schemas.n; i++)
		hm_put(r->schemas, m->schemas.items[i], (void *)m->schemas.items[i]);
	return r;
}

void replay_set_source(Replay *r, const char *file, const char *text, size_t len,
                       const CrdbRewrite *cr)
{
	r->file = file;
	r->text = text;
	r->len = len;
	r->cr = cr;
	r->lines.n = 0;
	VEC_PUSH(r->m->arena, r->lines, 0);
	for (const char *p = text, *e = text + len; (p = memchr(p, '\n', (size_t)(e - p))) != NULL; p++)
		VEC_PUSH(r->m->arena, r->lines, (int)(p - text) + 1);
}

void replay_stmt(Replay *r, const PgQuery__Node *stmt, int base, int first, int end)
{
	r->base = base;
	r->first = first;
	r->end = end;
	r->loc = replay_loc(r, first);
	r->add_if_not_exists = false;
	if (r->cr) {
		for (size_t i = 0; i < r->cr->if_not_exists.n; i++) {
			int off = r->cr->if_not_exists.items[i];
			if (off >= first && off < end)
				r->add_if_not_exists = true;
		}
	}
	replay_node(r, stmt, 0);
}
