/*
 * live.h - the live loader: fill the model from pg_catalog (PostgreSQL
 * 12+) or from CockroachDB's catalog, in a fixed number of queries.
 * db.c owns connecting: conninfo or URI from --db, else DATABASE_URL,
 * else libpq's PG* variables; passwords never reach any output.
 */
#ifndef PGC_LIVE_H
#define PGC_LIVE_H

#include "model/model.h"
#include "util/err.h"
#include "util/strbuf.h"

#include <libpq-fe.h>
#include <stdbool.h>

/*
 * Connects. url may be NULL (then DATABASE_URL, then PG* variables).
 * A connect_timeout of 10 s applies unless the conninfo sets one.
 * Returns the connection (the caller PQfinish()es it) or NULL with err
 * set to PGC_EXIT_DB and a message without the password.
 */
PGconn *db_connect(const char *url, Err *err);

/*
 * The conninfo (keyword/value, URI or bare database name) as a user may
 * see it: the options PQconninfoParse() finds, keyword=value in libpq's
 * order, every secret (password, sslpassword) as ***; never the raw text.
 * Returns 0, or -1 with err: PGC_EXIT_USAGE for a malformed conninfo, a
 * URI with an unencoded '@' or '/' in its user-info (any '@' but the one
 * that ends it), or a dbname that is a connection string (the message
 * shows nothing of a text that may hold a password).
 */
int db_describe(const char *conninfo, StrBuf *out, Err *err);

/* db_describe() into the arena; "(invalid connection string, not shown)"
 * when it fails. For file headers. */
char *db_redact(Arena *a, const char *conninfo);

/* Fills m from the catalog. Returns 0, or -1 with err (PGC_EXIT_DB). */
int live_load(Model *m, PGconn *conn, Err *err);

/*
 * live_load() with the query path chosen by the caller: crdb_path < 0
 * detects it from version() (what live_load does), 0 forces the
 * PostgreSQL queries, 1 the CockroachDB ones. For tests, which run the
 * CockroachDB path on PostgreSQL against an emulated information_schema.
 */
int live_load_path(Model *m, PGconn *conn, int crdb_path, Err *err);

/*
 * The catalog queries live_load() runs, for tests and diagnostics: sets
 * *what (e.g. "foreign keys") and *sql (static text) for query i and
 * returns 0, or -1 when i is past the last one.
 */
int live_query(int i, bool crdb, int server_version_num, const char **what, const char **sql);

#endif
