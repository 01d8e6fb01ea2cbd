/*
 * crdb_scan.h - private to crdb.c and translate.c: the chunked token
 * walk both use, and the rewrite variant that translate.c applies.
 */
#ifndef PGC_CRDB_SCAN_H
#define PGC_CRDB_SCAN_H

#include "frontend/crdb.h"

#include <stddef.h>

/* One scanner token: byte range in the text, pg_query Token, KeywordKind. */
typedef struct CrdbTok {
	int start, end;
	int tok, kw;
} CrdbTok;

/*
 * Called once per statement with its tokens (comments and the closing
 * ';' left out). A nonzero return stops the walk and is returned.
 */
typedef int (*crdb_stmt_fn)(void *ctx, const char *text, const CrdbTok *t, int n);

/*
 * Scans text (len bytes, NUL at text[len]) with libpg_query's scanner
 * in chunks that end at a ';' (so a 100 MB file never becomes one huge
 * token array) and calls fn per statement. Text after a place the
 * scanner rejects (an unterminated quote or comment) is not walked.
 */
int crdb_each_statement(const char *text, size_t len, crdb_stmt_fn fn, void *ctx);

/* Bytes per scanner chunk (tests lower it to exercise the boundaries). */
extern size_t crdb_chunk_size;

/*
 * crdb_rewrite() with for_pg: additionally turns a plain inline
 * UNIQUE INDEX (a, b) into the table constraint UNIQUE (a, b), so that
 * PostgreSQL has the unique index a foreign key may need. Still
 * length-preserving.
 */
int crdb_rewrite_mode(Arena *a, const Source *src, CrdbRewrite *out, bool for_pg, Err *err);

/* True when the token is the unquoted word w (ASCII, any case). */
bool crdb_tok_is(const char *text, const CrdbTok *t, const char *w);

#endif
