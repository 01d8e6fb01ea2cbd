/*
 * suppress.h - suppression comments in migration files.
 *
 *   -- pgcascade:ignore RULE[,RULE] reason
 *   -- pgcascade:ignore-file RULE[,RULE] reason
 *
 * An ignore comment applies to one statement: the statement it sits in,
 * the statement whose last line it ends (a trailing comment after the
 * semicolon), or the statement right below it (the comment is on the
 * line above, possibly within a block of comment lines with no blank
 * line before the statement). ignore-file applies to the whole file.
 * Block comments (slash-star) work the same way.
 *
 * Comments and statement bounds come from libpg_query's scanner
 * (pg_query_scan), so "--" inside a string is not a comment.
 */
#ifndef PGC_LINT_SUPPRESS_H
#define PGC_LINT_SUPPRESS_H

#include "model/model.h"
#include "util/arena.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct Suppression {
	SrcLoc loc;              /* the comment */
	bool whole_file;         /* ignore-file */
	const char **rules;      /* as written */
	int nrules;
	const char *reason;      /* NULL when none was given */
	int stmt;                /* index into FileSuppressions.stmts, -1 when it applies to none */
	bool used;               /* silenced at least one finding */
} Suppression;

/* A statement's extent: byte offsets of its first token and of its end (';' or last token). */
typedef struct StmtSpan {
	int start, end;
	int start_line, end_line;
} StmtSpan;

typedef struct FileSuppressions {
	const char *file;
	PGC_VEC(Suppression *) sups;
	PGC_VEC(StmtSpan) stmts;
	bool scanned;            /* false when the scanner failed: an ignore comment
	                            then covers its own line and the next one */
	int *line_starts;        /* byte offset of each line's start */
	int nlines;
} FileSuppressions;

/*
 * Finds the suppression comments of one file (text is NUL-terminated,
 * len bytes) and the statements they apply to. out lives in a.
 */
void suppress_scan(Arena *a, const char *file, const char *text, size_t len, FileSuppressions *out);

/*
 * The suppression that silences a finding of rule at byte offset in
 * this file, or NULL. The one returned is marked used.
 */
Suppression *suppress_match(FileSuppressions *fs, const char *rule, int offset);

/* Index of the statement containing offset, or -1. */
int suppress_stmt_at(const FileSuppressions *fs, int offset);

#endif
