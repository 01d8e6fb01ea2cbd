/*
 * run.h - the verify stages, in order.
 *
 * Embedded mode (no db): read the sources statically once (frontend_load:
 * the one dialect detector, the replay's warnings for apply.c, and the
 * model `pgcascade fix` works from), translate them for PostgreSQL when
 * they are CockroachDB SQL, start a throwaway PostgreSQL (cluster.c),
 * create the extensions the translation needs, apply the sources
 * (apply.c), then with with_fix the migration `pgcascade fix` would write
 * (up, then validate), then the extra files; load the model from THAT
 * database with the live loader, analyse it, and run the proof (seed.c)
 * once per root. The cluster is always torn down, whatever fails.
 *
 * Live mode (db): load the model, then one transaction per root that is
 * always rolled back. On CockroachDB (version() says so) we follow its
 * transaction rules: savepoints are general-purpose nested transactions
 * since v20.1 (https://www.cockroachlabs.com/docs/stable/savepoint), a
 * 40001 retry error means the whole transaction is rolled back and run
 * again (https://www.cockroachlabs.com/docs/stable/transaction-retry-error-reference),
 * and there is no SET CONSTRAINTS because CockroachDB has no deferrable
 * foreign keys (https://github.com/cockroachdb/cockroach/issues/31632).
 */
#ifndef PGC_VERIFY_RUN_H
#define PGC_VERIFY_RUN_H

#include "analysis/analysis.h"
#include "verify/apply.h"
#include "verify/verify.h"

typedef struct VerifyParams {
	const SourceList *sources;    /* embedded mode: the migrations, in order */
	const SourceList *extras;     /* --extra files (may be NULL) */
	Dialect dialect;              /* auto: the front end decides */
	const char *db;               /* live mode when not NULL */
	AnalysisOptions ao;
	bool with_fix, keep, quiet, progress;
	ApplyOptions *apply;          /* tolerance (--tolerate); must not be NULL in embedded mode */
	ErasePolicy *policy;          /* retained tables (--retain, [erase] retain); may be NULL */
	const char *lock_timeout;     /* live mode: lock_timeout (checked by timeout_parse) */
	long lock_ms;                 /* the same in milliseconds */
} VerifyParams;

/*
 * Runs verify and fills rep (its data in a; rep->timings points at tm).
 * Returns 0 when the proofs ran (the verdict is verify_ok(rep)), or -1
 * with err: PGC_EXIT_USAGE for input the server rejects, PGC_EXIT_DB for
 * database failures.
 */
int verify_run(Arena *a, const VerifyParams *p, VerifyReport *rep, VerifyTimings *tm, Err *err);

#endif
