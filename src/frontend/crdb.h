/*
 * crdb.h - the CockroachDB dialect (see doc/cockroach.md for the rules
 * and the documentation each one cites).
 *
 * crdb_rewrite() turns CockroachDB-only syntax into something
 * PostgreSQL's parser reads, WITHOUT changing the length of the text or
 * the position of any newline: every byte offset (and so every
 * line:col) in the rewritten text is the same as in the original. What
 * the rewrite removes but the model needs (inline indexes, IF NOT
 * EXISTS on ADD CONSTRAINT) is returned beside the text.
 */
#ifndef PGC_CRDB_H
#define PGC_CRDB_H

#include "frontend/frontend.h"

typedef struct CrdbInlineIndex {
	int offset;            /* byte offset of the INDEX/UNIQUE INDEX clause in the file;
	                          it lies inside its CREATE TABLE statement */
	const char *name;      /* NULL when unnamed */
	const char **cols;     /* key column names (identifier-normalised); NULL for an expression */
	int ncols;
	bool unique;
	bool inverted;
	bool partial;          /* has WHERE */
} CrdbInlineIndex;

typedef struct CrdbRewrite {
	char *text;                           /* arena-owned, same length as the input */
	PGC_VEC(CrdbInlineIndex) indexes;
	PGC_VEC(int) if_not_exists;           /* offsets of blanked IF NOT EXISTS after ADD CONSTRAINT */
	const char *first_syntax;             /* first CockroachDB-only construct seen, e.g.
	                                         "STRING type", or NULL when none */
	int first_offset;                     /* its byte offset */
} CrdbRewrite;

/*
 * Scans src->text (with libpg_query's scanner) and fills out. Never
 * fails on odd input: what it does not recognise it leaves alone, and
 * the parser reports it later. Returns 0, or -1 with err.
 */
int crdb_rewrite(Arena *a, const Source *src, CrdbRewrite *out, Err *err);

#endif
