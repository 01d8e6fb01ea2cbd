/*
 * analysis.h - deletion closure and findings, from the model alone.
 *
 * closure.c computes, for each root, the tables that
 * DELETE FROM root WHERE key = $1 reaches (edges with ON DELETE CASCADE,
 * NO ACTION or RESTRICT; SET NULL / SET DEFAULT stop the walk), with a
 * breadth-first walk (no recursion). findings.c produces
 * fk-blocks-delete (with "blocks"), set-null-not-null and
 * user-column-no-fk; loader findings are copied in.
 */
#ifndef PGC_ANALYSIS_H
#define PGC_ANALYSIS_H

#include "model/model.h"
#include "util/err.h"

typedef struct Root {
	const char *spec;        /* as given on the command line */
	const char *schema;      /* "public" when the spec has no schema */
	const char *table;
	const char **cols;       /* key columns; the PK when not given */
	int ncols;
	Table *t;                /* resolved table, or NULL when absent */
} Root;

typedef struct AnalysisOptions {
	const char *const *roots;          /* --root specs; none means "users" */
	int nroots;
	const char *const *owner_patterns; /* --owner-column; none means "<root singular>_id" */
	int nowner;
} AnalysisOptions;

typedef struct ClosureEntry {
	Root *root;
	Table *table;
	int depth;                   /* shortest FK distance from the root (1 = references it) */
	const ForeignKey **via;      /* every FK through which this table is reached */
	int nvia;
} ClosureEntry;

typedef struct Analysis {
	PGC_VEC(Root *) roots;
	PGC_VEC(ClosureEntry *) closure;  /* sorted by root, depth, schema, table */
	PGC_VEC(Finding *) findings;      /* sorted: file, line, col, rule; loader findings included */
	int nerrors, nwarnings;
	unsigned char *in_closure;        /* by Table.id: 1 when in some root's closure or a root */
	int ntables;
} Analysis;

/*
 * Parses a --root spec in SQL identifier syntax: users, auth.users,
 * "Users", users(id), auth."Users"(id, tenant), with PostgreSQL's own
 * grammar (case folding, quoting, 63-byte truncation). An unqualified
 * name means schema public. Anything more (a clause, a second statement,
 * a catalog) is refused. Returns 0 or -1 with err (PGC_EXIT_USAGE).
 */
int root_parse(Arena *a, const char *spec, Root *out, Err *err);

/*
 * Analyses m. Returns 0, or -1 with err (PGC_EXIT_USAGE when a root
 * table or a root column does not exist in the model). out's data live
 * in m->arena; m->findings keeps only the loader's findings, while
 * out->findings has those and the analysis findings, sorted.
 * The "blocks" rule of fk-blocks-delete is described in findings.c.
 */
int analyze(Model *m, const AnalysisOptions *opt, Analysis *out, Err *err);

/* True when t is a root or inside some root's closure. */
bool analysis_in_closure(const Analysis *an, const Table *t);

#endif
