/*
 * replay.h - applies parsed schema statements to the model, in order.
 *
 * One Replay carries the session state a migration run would have:
 * search_path, the dialect's naming rules, the source being read.
 */
#ifndef PGC_REPLAY_H
#define PGC_REPLAY_H

#include "frontend/crdb.h"
#include "model/model.h"

#include <pg_query/pg_query.pb-c.h>

typedef struct Replay Replay;

/* A replay into m (allocated in m's arena; nothing to free). */
Replay *replay_new(Model *m, Dialect d);

/*
 * Sets the source whose statements follow. text/len is the text as
 * parsed (after any rewrite: same offsets as the file); cr is the
 * CockroachDB rewrite's side data or NULL. The pointers must outlive
 * the replay of this source.
 */
void replay_set_source(Replay *r, const char *file, const char *text, size_t len,
                       const CrdbRewrite *cr);

/* file:line:col of a byte offset in the current source (binary search). */
SrcLoc replay_loc(const Replay *r, int offset);

/*
 * Replays one parsed statement. base is the file offset of the text
 * the parser saw (node locations are relative to it); first and end
 * delimit the statement in the file (first token, end of statement).
 * Statements PostgreSQL would reject (unknown table, ...) are logged
 * as warnings with their place and ignored.
 */
void replay_stmt(Replay *r, const PgQuery__Node *stmt, int base, int first, int end);

/*
 * Parse-error recovery (recover.c): the table a statement PostgreSQL
 * 15 could not parse creates, known from its tokens: name (schema may
 * be NULL: resolved like CREATE TABLE does), column names (types
 * unknown). Nothing happens when the table exists. Returns the schema
 * the table was put in, or NULL.
 */
const char *replay_recovered_table(Replay *r, const char *schema, const char *name,
                                   const char *const *cols, size_t ncols, int first, int end);

/* The text of the current source (as set by replay_set_source). */
const char *replay_source_text(const Replay *r);

#endif
