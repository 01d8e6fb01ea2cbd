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
	/* Added for the header (all optional): the file names the migration
	 * is written to, so that each file can name the others. */
	const char *up_name, *validate_name, *down_name;
} FixOptions;

typedef struct FixOutput {
	int nchanges;           /* constraints re-created; 0 means nothing to fix */
	char *up;               /* arena-owned SQL, or NULL when nothing to fix */
	char *validate;         /* VALIDATE CONSTRAINT statements (own file/transaction) */
	char *down;
	/* Added (additive): */
	Dialect dialect;        /* dialect the SQL is written in: postgres or cockroach */
	bool no_transaction;    /* cockroach: run each statement outside an explicit transaction */
	int nvalidate;          /* constraints the validate SQL validates (validate may be NULL when 0) */
	int nleft;              /* fk-blocks-delete edges left alone (--depth, --minimal) */
	int ndecisions;         /* set-null-not-null findings listed as needing a decision */
	int npredicted;         /* re-created constraints whose name was predicted, not read */
} FixOutput;

/* Builds the migration. Returns 0, or -1 with err. Strings live in m->arena. */
int fix_build(Model *m, const Analysis *an, const FixOptions *opt, FixOutput *out, Err *err);

#endif
