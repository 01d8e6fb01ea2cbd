/*
 * recover.h - parse-error recovery: what a schema statement that
 * PostgreSQL 15 cannot parse still says for certain (recover.c).
 */
#ifndef PGC_RECOVER_H
#define PGC_RECOVER_H

#include "frontend/replay.h"
#include "util/arena.h"

typedef struct Recovered {
	const char *what; /* suffix of the parse-error message ("; the statement is skipped...") */
	const char *hint; /* "this looks like PostgreSQL 16 syntax (...)", or NULL */
} Recovered;

/*
 * Called for a statement text[first, end) of the current source that
 * failed to parse with message msg: adds the table it creates (name and
 * column names) to the model through r, and says so in what.
 */
Recovered recover_statement(Arena *a, Replay *r, int first, int end, const char *msg);

/*
 * The scanner failed at errpos with msg: when it is a token PostgreSQL
 * 15 cannot read but 16 can (0x1F, 1_000: "trailing junk after numeric
 * literal"), the offset just past the next ';' at or after errpos, where
 * reading goes on; else (an unterminated quote or comment, ...) -1.
 */
int recover_resume(const char *text, int len, int errpos, const char *msg);

#endif
