/*
 * verify.h - applying sources to a server, and the verify report.
 *
 * verify_apply() sends one source file to the server as a single
 * simple-protocol query (one round trip per file). When the server
 * reports an error it maps the error position back to file:line:col;
 * when the error has no position, or the file holds a statement that
 * cannot run inside the implicit transaction of a multi-statement query
 * (CREATE INDEX CONCURRENTLY, ...), the file is run again statement by
 * statement (split with libpg_query's scanner) to find the place.
 */
#ifndef PGC_VERIFY_H
#define PGC_VERIFY_H

#include "frontend/frontend.h"
#include "verify/seed.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

/*
 * Applies src (text already translated for PostgreSQL, same length and
 * offsets as src->text) over conn. Returns 0, or -1 with err:
 * PGC_EXIT_USAGE with file:line:col when the server rejects a
 * statement, PGC_EXIT_DB when the connection fails.
 */
int verify_apply(PGconn *conn, const Source *src, const char *text, Err *err);

typedef struct VerifyTimings {
	double startup, apply, fix, load, seed, del, total; /* milliseconds; < 0 when not run;
	                                                       apply: the sources, fix: fix + extras */
} VerifyTimings;

typedef struct VerifyReport {
	const SeedResult *results;  /* one per root */
	int nresults;
	bool allow_unseeded;
	bool embedded;
	int napplied;               /* source files applied (embedded) */
	bool with_fix;
	int fix_changes;            /* constraints the fix re-created */
	const VerifyTimings *timings;
} VerifyReport;

/* True when every root's proof passed. */
bool verify_ok(const VerifyReport *r);

/* Writes the report as text or as JSON (the contract in issue 4). */
int verify_report_text(FILE *out, const VerifyReport *r, bool color);
int verify_report_json(FILE *out, const VerifyReport *r);

#endif
