/*
 * root.c - parses a --root spec in SQL identifier syntax.
 *
 * The spec is handed to PostgreSQL's own grammar (libpg_query) as the
 * target of a REFERENCES clause:
 *
 *     ALTER TABLE x ADD FOREIGN KEY (a) REFERENCES <spec>
 *
 * and the parse tree must be exactly that statement with only the
 * referenced table and its column list differing. Quoting, case folding
 * and 63-byte truncation are therefore PostgreSQL's, and anything else
 * (a trailing clause, a second statement, a catalog name) is refused.
 * An unqualified name means schema public (our search_path default).
 */
#include "analysis/analysis.h"
#include "exitcodes.h"

#include <json-c/json.h>
#include <pg_query.h>
#include <string.h>

#define ROOT_PREFIX "ALTER TABLE x ADD FOREIGN KEY (a) REFERENCES "

/* Parses sql into a json-c tree; NULL (and *errmsg) on a syntax error. */
static json_object *parse_json(Arena *a, const char *sql, const char **errmsg)
{
	PgQueryParseResult r = pg_query_parse(sql);
	json_object *j = NULL;
	if (r.error)
		*errmsg = arena_strdup(a, r.error->message);
	else
		j = json_tokener_parse(r.parse_tree);
	pg_query_free_parse_result(r);
	return j;
}

/* Checked accessor: the value of key when obj is an object, else NULL. */
static json_object *jget(json_object *obj, const char *key)
{
	json_object *v = NULL;
	if (!obj || !json_object_is_type(obj, json_type_object))
		return NULL;
	return json_object_object_get_ex(obj, key, &v) ? v : NULL;
}

static json_object *jidx(json_object *arr, size_t i)
{
	if (!arr || !json_object_is_type(arr, json_type_array) || i >= json_object_array_length(arr))
		return NULL;
	return json_object_array_get_idx(arr, i);
}

/* The Constraint node of "ALTER TABLE x ADD FOREIGN KEY ...", or NULL. */
static json_object *fk_constraint(json_object *tree)
{
	json_object *stmts = jget(tree, "stmts");
	if (!stmts || json_object_array_length(stmts) != 1)
		return NULL;
	json_object *alter = jget(jget(jidx(stmts, 0), "stmt"), "AlterTableStmt");
	json_object *cmds = jget(alter, "cmds");
	if (!cmds || json_object_array_length(cmds) != 1)
		return NULL;
	return jget(jget(jget(jidx(cmds, 0), "AlterTableCmd"), "def"), "Constraint");
}

static const char *json_str(json_object *o)
{
	return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

int root_parse(Arena *a, const char *spec, Root *out, Err *err)
{
	int ret = -1;
	json_object *got = NULL, *want = NULL, *rv = NULL, *cols = NULL;
	const char *perr = NULL;
	memset(out, 0, sizeof(*out));
	out->spec = arena_strdup(a, spec);
	if (!spec || !*spec || strlen(spec) > 4096) {
		err_set(err, PGC_EXIT_USAGE,
		        "invalid --root \"%s\": expected a table name such as users, auth.users, "
		        "\"Users\" or users(id)", spec ? spec : "");
		goto out;
	}
	got = parse_json(a, arena_printf(a, ROOT_PREFIX "%s", spec), &perr);
	want = parse_json(a, ROOT_PREFIX "z", &perr);
	if (!got || !want) {
		err_set(err, PGC_EXIT_USAGE, "invalid --root \"%s\": %s; expected a table name such as "
		        "users, auth.users, \"Users\" or users(id)", spec, perr ? perr : "unreadable");
		goto out;
	}
	json_object *gc = fk_constraint(got), *wc = fk_constraint(want);
	/* Keep our own references: deleting the keys below drops the tree's. */
	rv = json_object_get(jget(gc, "pktable"));
	cols = json_object_get(jget(gc, "pk_attrs"));
	/* Everything but the referenced table and its columns must be the
	 * canonical statement's: no ON DELETE, MATCH, DEFERRABLE, ... */
	bool shape = gc && wc && rv;
	if (shape) {
		json_object_object_del(gc, "pktable");
		json_object_object_del(gc, "pk_attrs");
		json_object_object_del(wc, "pktable");
		shape = json_object_equal(got, want);
	}
	/* pktable must be a plain [schema.]name: no catalog, no alias. */
	if (shape) {
		json_object_object_foreach(rv, k, v) {
			(void)v;
			if (strcmp(k, "schemaname") && strcmp(k, "relname") && strcmp(k, "inh") &&
			    strcmp(k, "relpersistence") && strcmp(k, "location"))
				shape = false;
		}
	}
	if (!shape || !json_str(jget(rv, "relname"))) {
		err_set(err, PGC_EXIT_USAGE,
		        "invalid --root \"%s\": expected [schema.]table[(column, ...)] in SQL identifier "
		        "syntax, e.g. users, auth.users, '\"Users\"' or 'users(id)'", spec);
		goto out;
	}
	const char *schema = json_str(jget(rv, "schemaname"));
	out->schema = arena_strdup(a, schema ? schema : "public");
	out->table = arena_strdup(a, json_str(jget(rv, "relname")));
	size_t n = cols && json_object_is_type(cols, json_type_array) ? json_object_array_length(cols) : 0;
	if (n) {
		out->cols = arena_alloc(a, n * sizeof(*out->cols));
		for (size_t i = 0; i < n; i++) {
			const char *c = json_str(jget(jget(jidx(cols, i), "String"), "sval"));
			if (!c) {
				err_set(err, PGC_EXIT_USAGE, "invalid --root \"%s\": bad column list", spec);
				goto out;
			}
			out->cols[i] = arena_strdup(a, c);
		}
		out->ncols = (int)n;
	}
	ret = 0;
out:
	if (rv)
		json_object_put(rv);
	if (cols)
		json_object_put(cols);
	if (got)
		json_object_put(got);
	if (want)
		json_object_put(want);
	return ret;
}
