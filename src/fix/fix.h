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
	/* cascade-deletes-other-owners (doc/rules/cascade-deletes-other-owners.md):
	 * SHARED_CASCADE (default) re-creates the blocking edges as usual and
	 * lists, in the header, every path that deletes other owners' rows;
	 * SHARED_SET_NULL re-creates the listed start edges with ON DELETE
	 * SET NULL (set_null, chosen by the caller, who re-analysed the model
	 * with them SET NULL; set_null_was: their actions before);
	 * SHARED_LEAVE leaves the blocking edges of those paths alone. */
	int shared_parent;
	const ForeignKey *const *set_null;
	const char *set_null_was;
	int nset_null;
} FixOptions;

enum { SHARED_CASCADE = 0, SHARED_SET_NULL, SHARED_LEAVE };

/* "cascade", "set-null", "leave" -> SHARED_*; -1 when unknown. */
int fix_shared_parent_parse(const char *s);
const char *fix_shared_parent_name(int v);

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
	int nshared;            /* cascade-deletes-other-owners findings listed in the header */
	int nset_null;          /* start edges re-created with ON DELETE SET NULL */
} FixOutput;

/*
 * Every file fix writes starts with "-- Up", "-- Validate" or "-- Down",
 * then FIX_HEADER_MARK, on its first line: lint recognises them by it.
 */
#define FIX_HEADER_MARK " migration written by pgcascade fix: "

/* True when text (len bytes) starts with the header fix writes. */
bool fix_generated(const char *text, size_t len);

/* Builds the migration. Returns 0, or -1 with err. Strings live in m->arena. */
int fix_build(Model *m, const Analysis *an, const FixOptions *opt, FixOutput *out, Err *err);

#endif
