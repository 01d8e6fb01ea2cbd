/*
 * psql.h - psql scripts: blank what is not SQL, keeping every offset.
 */
#ifndef PGC_PSQL_H
#define PGC_PSQL_H

#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

/* One COPY ... FROM stdin block: byte ranges in the text. */
typedef struct PsqlCopy {
	size_t stmt, stmt_end;   /* the COPY ... FROM stdin statement, with its ';' */
	size_t data, data_end;   /* its data lines, without the "\." line */
	size_t resume;           /* where SQL continues, after the "\." line */
} PsqlCopy;

typedef PGC_VEC(PsqlCopy) PsqlCopies;

/*
 * Blanks psql meta-commands (a backslash outside quotes and comments, to
 * the end of the line: \connect, \set, \restrict ...) in t[0, len) with
 * spaces, newlines kept. Each COPY ... FROM stdin block is recorded in
 * copies (arena a) when copies is not NULL, and its data, up to and
 * including the "\." line, is blanked when blank_copy_data. Returns
 * whether anything was blanked or recorded.
 */
bool psql_blank(Arena *a, char *t, size_t len, PsqlCopies *copies, bool blank_copy_data);

#endif
