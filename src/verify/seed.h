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
#include "policy/policy.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct SeedTable {
	const char *schema, *table;
	int depth;               /* 0 for the root table; -1 for a table reached only by an
	                            owner column without a foreign key */
	int seeded;              /* owner A's rows (the owner deleted) */
	int left;                /* of those, still there after the delete (-1: not counted) */
	int other_seeded;        /* rows of owner B and of nobody (SET NULL rows) */
	int other_removed;       /* of those, removed by the delete */
	const char *owner_column;/* user-column-no-fk: the owner column seeded with the key */
	bool retained;           /* --retain / [erase] retain: A's rows may stay */
} SeedTable;

typedef struct ProofProblem { /* a failed check of the two-owner proof */
	char check;              /* 'c': another owner's row removed without a cascade path,
	                            'd': a SET NULL / SET DEFAULT row not updated as declared */
	const char *schema, *table, *constraint;
	const char *message;
} ProofProblem;

typedef struct Unseeded {
	const char *schema, *table;
	const char *constraint;  /* the incoming edge left without a row, or NULL */
	const char *reason;
	const char *refused_by;  /* the constraint or "trigger T on S.R (function F)" that refused
	                            the last try, or NULL */
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
	PGC_VEC(Blocker) harmless;     /* NO ACTION edges left inside the closure that the analysis
	                                  proves harmless for any data (blocks: not-on-postgres);
	                                  they do not fail the proof */
	PGC_VEC(ProofProblem) problems;
	int helper_rows;               /* parent rows inserted outside the closure */
	int owners;                    /* 2, or 1 when the root key cannot hold two values */
	const char *one_owner_reason;  /* why owners is 1 */
	int cross_rows;                /* rows referencing the other owner's rows */
	int cross_skipped;             /* closure edges whose constraints allow no such row */
	int helper_rows_closure;       /* rows of closure tables that do not reach the root
	                                  (parents of rows that must not reach it either) */
	int helper_rows_root;          /* rows of the root table itself, of neither owner
	                                  (parents of rows that must not reach the root) */
	bool deleted;                  /* the DELETE of the root row succeeded */
	const char *sqlstate;          /* when it did not */
	const char *constraint, *message, *detail;
	const char **path;             /* constraint names from the root to the blocking edge */
	int npath;
	double seed_ms, delete_ms;
	double seed_cpu_ms;            /* CPU of pgcascade and the backend while seeding; -1 unknown */
} SeedResult;

typedef struct SeedOptions {
	bool crdb;               /* the server is CockroachDB */
	bool commit_seed;        /* commit the seeded rows before the delete (embedded mode) */
	const ErasePolicy *policy; /* retained tables (--retain, [erase] retain), or NULL */
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
 * The same for a column of an enum type whose labels (in sort order) are
 * given: comparisons follow the labels' order, and every candidate is a
 * label. (Exposed for unit tests.)
 */
int seed_check_hints_enum(Arena *a, const char *expr, const char *column, const char *const *labels, int nlabels,
                          const char ***out);

/*
 * One row for a CHECK over several columns: out[i] is fixed[i] when that
 * is not NULL, else the first candidate the check gives cols[i] (copied
 * from the column an equality ties it to, as seeding's first try does),
 * else NULL. (Exposed for unit tests.)
 */
void seed_check_row(Arena *a, const char *expr, const char *const *cols, const char *const *fixed, int ncols,
                    const char **out);

/*
 * The k-th generic candidate for a scalar type (format_type spelling),
 * made distinct by serial, into out. Returns false past the last one.
 * (Exposed for unit tests.)
 */
bool seed_generic_value(const char *type, int k, long serial, char *out, size_t size);

/* True when every closure table was seeded, nothing is left, and no blocker remains. */
bool seed_passed(const SeedResult *r, bool allow_unseeded);

#endif
