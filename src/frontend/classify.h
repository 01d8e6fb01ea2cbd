/*
 * classify.h - token-level statement classes, decided BEFORE parsing.
 *
 * Only statements that can change the schema are handed to the parser;
 * data statements (INSERT, UPDATE, DELETE, SELECT, WITH, GRANT,
 * COMMENT, function bodies ...) are never parsed, so newer syntax in
 * them (PostgreSQL 16 un-aliased subqueries, CockroachDB's
 * `SELECT ... FROM [SHOW INDEXES FROM t]`) can never become a
 * parse-error. DO blocks and functions whose body runs EXECUTE are
 * dynamic SQL: not parsed, reported.
 */
#ifndef PGC_CLASSIFY_H
#define PGC_CLASSIFY_H

#include "util/arena.h"

#include <stdbool.h>
#include "util/err.h"

/* One scanner token; offsets are byte offsets in the source text. */
typedef struct Tok {
	int start, end;
	int token;    /* PgQuery__Token */
} Tok;

/* Tokens on the heap (reused from batch to batch); free items when done. */
typedef struct TokVec {
	Tok *items;
	size_t n, cap;
} TokVec;

typedef enum StmtClass {
	STMT_EMPTY = 0,   /* only whitespace and comments */
	STMT_SKIP,        /* cannot change the schema: not parsed */
	STMT_SCHEMA,      /* parse and replay */
	STMT_DYNAMIC,     /* DO, or a function body that runs EXECUTE */
} StmtClass;

typedef struct Classified {
	StmtClass cls;
	int first;        /* offset of the first token (statement location) */
	int dyn_offset;   /* STMT_DYNAMIC: offset of DO / of the EXECUTE */
	const char *what; /* STMT_DYNAMIC: "DO block" or "EXECUTE in function body" */
} Classified;

/*
 * Scans text[0, len) (which must be NUL-terminated at len) with
 * libpg_query's scanner and appends its tokens, shifted by base, to out
 * (grown with realloc; the caller frees out->items). Comments are dropped. Returns 0, or -1 when the scanner
 * fails (err: message, code 0; *err_offset gets the offset of the
 * failure relative to text).
 */
int classify_scan(const char *text, int base, TokVec *out, int *err_offset, Err *err);

/*
 * Classifies one statement from its tokens toks[0..n) (offsets into
 * text, the whole source). The first few tokens are enough, except
 * where classify_needs_all() says so.
 */
Classified classify_stmt(Arena *a, const char *text, const Tok *toks, int n);

/* Whether the statement starting with toks needs all its tokens to be
 * classified (CREATE FUNCTION / PROCEDURE: EXECUTE in the body). */
bool classify_needs_all(const Tok *toks, int n);

/*
 * An upper bound on how deep the parse tree of a statement can nest,
 * from its tokens: parenthesis depth plus the runs of binary operators
 * (a + b + c ... nests one level per operator). libpg_query packs and
 * unpacks trees recursively and overflows the stack on a chain of a few
 * thousand operators, so deeper statements are not parsed.
 */
int classify_nesting(const Tok *toks, int n);

#define CLASSIFY_MAX_NESTING 2000

#endif
