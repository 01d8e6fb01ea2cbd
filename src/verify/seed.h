/*
 * seed.h - the proof: seed every table of a root's deletion closure,
 * delete the root row, count what is left, and look for blocking edges.
 *
 * It reads only the model (which verify loads from the very database it
 * seeds, so types, checks, enums and defaults are exact) and the
 * analysis. Every value goes to the server as a query parameter; every
 * identifier goes through util/quote.h.
 *
 * seed_prove() expects an open transaction on conn and leaves it open;
 * the caller commits or (always, in live mode) rolls back. With
 * commit_seed (embedded mode only) the seeded rows are committed before
 * the delete, which then runs in a transaction of its own, as in
 * production.
 */
#ifndef PGC_SEED_H
#define PGC_SEED_H

#include "analysis/analysis.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct SeedTable {
	const char *schema, *table;
	int depth;               /* 0 for the root table */
	int seeded;              /* rows inserted that reach the root */
	int left;                /* of those, still there after the delete (-1: not counted) */
} SeedTable;

typedef struct Unseeded {
	const char *schema, *table;
	const char *constraint;  /* the incoming edge left without a row, or NULL */
	const char *reason;
} Unseeded;

typedef struct Blocker {     /* NO ACTION / RESTRICT edge found by the verification query */
	const char *schema, *table, *constraint;
	const char *action;      /* "no action" or "restrict" */
} Blocker;

typedef struct SeedResult {
	Root *root;
	PGC_VEC(SeedTable) tables;     /* root first, then closure order (depth, schema, table) */
	PGC_VEC(Unseeded) unseeded;
	PGC_VEC(Blocker) blockers;
	int helper_rows;               /* parent rows inserted outside the closure */
	int helper_rows_closure;       /* rows of closure tables that do not reach the root
	                                  (parents of rows that must not reach it either) */
	bool deleted;                  /* the DELETE of the root row succeeded */
	const char *sqlstate;          /* when it did not */
	const char *constraint, *message, *detail;
	const char **path;             /* constraint names from the root to the blocking edge */
	int npath;
	double seed_ms, delete_ms;
} SeedResult;

typedef struct SeedOptions {
	bool crdb;               /* the server is CockroachDB */
	bool commit_seed;        /* commit the seeded rows before the delete (embedded mode) */
	void (*progress)(const char *what, int n); /* may be NULL */
} SeedOptions;

/*
 * Seeds root's closure, deletes the root row and counts. Returns 0 when
 * the proof ran (its verdict is in out), 1 when CockroachDB asked for a
 * transaction retry (SQLSTATE 40001: the caller rolls back and runs it
 * again), or -1 with err (PGC_EXIT_DB) when the database failed. out's
 * data live in m->arena.
 */
int seed_prove(PGconn *conn, Model *m, const Analysis *an, Root *root, const SeedOptions *opt,
               SeedResult *out, Err *err);

/*
 * The candidate values a CHECK expression (as pg_get_constraintdef()
 * prints it) suggests for one column, in the order seeding tries them;
 * with is_domain, VALUE stands for the column. Returns the count; *out
 * and its strings live in a. (Exposed for unit tests.)
 */
int seed_check_hints(Arena *a, const char *expr, const char *column, bool is_domain,
                     const char ***out);

/*
 * The k-th generic candidate for a scalar type (format_type spelling),
 * made distinct by serial, into out. Returns false past the last one.
 * (Exposed for unit tests.)
 */
bool seed_generic_value(const char *type, int k, long serial, char *out, size_t size);

/* True when every closure table was seeded, nothing is left, and no blocker remains. */
bool seed_passed(const SeedResult *r, bool allow_unseeded);

#endif
