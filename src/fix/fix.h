/*
 * fix.h - the migration writer: from the model and its analysis, the SQL
 * that re-creates every blocking FK of the closure with ON DELETE
 * CASCADE (up), validates it (validate), and restores the previous
 * definitions (down). Pure: no I/O; cmd/fix.c writes the files.
 */
#ifndef PGC_FIX_H
#define PGC_FIX_H

#include "analysis/analysis.h"
#include "util/err.h"

#include <stdbool.h>

typedef struct FixOptions {
	int depth;              /* 0: every depth; N: only edges at depth <= N */
	bool minimal;           /* leave blocks=not-on-postgres edges alone (postgres only) */
	const char *command_line; /* for the header */
	const char *lock_timeout; /* default "5s" */
} FixOptions;

typedef struct FixOutput {
	int nchanges;           /* constraints re-created; 0 means nothing to fix */
	char *up;               /* arena-owned SQL, or NULL when nothing to fix */
	char *validate;         /* VALIDATE CONSTRAINT statements (own file/transaction) */
	char *down;
} FixOutput;

/* Builds the migration. Returns 0, or -1 with err. Strings live in m->arena. */
int fix_build(Model *m, const Analysis *an, const FixOptions *opt, FixOutput *out, Err *err);

#endif
