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

typedef PGC_VEC(CrdbTok) CrdbTokVec;

/* Memory for unpacking scanner output, reused from chunk to chunk
 * (scan.c); zero-initialised, released with scan_mem_free. */
typedef struct ScanMem {
	char *buf;
	size_t cap, used, want;
	PGC_VEC(void *) big;
} ScanMem;

/*
 * The one call of pg_query_scan (scan.c): scans text[from, to) of a
 * text of len bytes into v (comments dropped, offsets absolute). Returns
 * 0; 1 when the scanner rejected it (*cursor: its cursorpos, relative
 * to from; *msg: its message in a, or NULL when a is NULL); -1 when its
 * output could not be read.
 */
int scan_range(ScanMem *mem, Arena *a, const char *text, size_t from, size_t to, size_t len,
               CrdbTokVec *v, int *cursor, const char **msg);
void scan_mem_free(ScanMem *mem);

/*
 * Called once per statement with its tokens (comments and the closing
 * ';' left out); semi_end is the offset just past that ';', or -1 when
 * the statement has none. A nonzero return stops the walk.
 */
typedef int (*crdb_stmt_fn)(void *ctx, const char *text, const CrdbTok *t, int n, int semi_end);

/*
 * Scans text (len bytes, NUL at text[len]) with libpg_query's scanner
 * in chunks that end at a ';' (so a 100 MB file never becomes one huge
 * token array) and calls fn per statement. Text after a place the
 * scanner rejects (an unterminated quote or comment) is not walked.
 */
int crdb_each_statement(const char *text, size_t len, crdb_stmt_fn fn, void *ctx);

/* Bytes per scanner chunk (tests lower it to exercise the boundaries). */
extern size_t crdb_chunk_size;

/* Text to insert at a byte offset of the rewritten text. */
typedef struct CrdbInsert {
	int at;
	const char *text; /* arena-owned, one line */
} CrdbInsert;

typedef PGC_VEC(CrdbInsert) CrdbInsertVec;

/*
 * crdb_rewrite(), and when pg_inserts is not NULL also the statements
 * PostgreSQL needs for what was blanked: each inline index becomes
 * "CREATE [UNIQUE] INDEX ... ON table ...;" to insert right after its
 * CREATE TABLE's ';', on the same line (so every line number stays).
 */
int crdb_rewrite_mode(Arena *a, const Source *src, CrdbRewrite *out, CrdbInsertVec *pg_inserts, Err *err);

/*
 * Detection for --dialect auto on tokens scanned once by the front end
 * (scan.c): the rewrite's rules run on each ';'-separated statement of
 * one source, writing into a scratch copy, until one of them notes
 * CockroachDB-only syntax. Begin returns false when the text holds none
 * of the words any rule needs (nothing to look at).
 */
typedef struct CrdbDetect {
	Arena *a;             /* scratch, the caller's */
	const Source *src;
	char *buf;            /* scratch copy the rules write into (malloc'd) */
	size_t cap;
	CrdbRewrite res;      /* res.first_syntax / first_offset once found */
} CrdbDetect;

bool crdb_detect_begin(CrdbDetect *d, Arena *scratch, const Source *src);
/* Runs the rules on one statement (t: its tokens without the ';';
 * semi_end as for crdb_stmt_fn). Returns whether syntax was found. */
bool crdb_detect_stmt(CrdbDetect *d, const CrdbTok *t, int n, int semi_end);
void crdb_detect_free(CrdbDetect *d);

/* True when the token is the unquoted word w (ASCII, any case). */
bool crdb_tok_is(const char *text, const CrdbTok *t, const char *w);

#endif
