/*
 * verify.h - applying sources to a server. (The report: report.h.)
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
#include "verify/report.h"
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

#endif
