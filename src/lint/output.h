/*
 * output.h - lint output formats.
 *
 *   text    rustc/squawk style: the source line, a caret under the
 *           clause, a help line; colour only when asked (a terminal)
 *   gcc     file:line:col: severity: message [rule]
 *   json    {"version": 1, "findings": [audit finding objects], "summary": {...}}
 *   sarif   SARIF 2.1.0, rule metadata with helpUri at doc/rules/<id>.md
 *   github  workflow commands: ::error file=…,line=…,col=…,title=…::…
 *
 * Lines and columns are 1-based. Output is written in the order of the
 * result (lint_run sorts it).
 */
#ifndef PGC_LINT_OUTPUT_H
#define PGC_LINT_OUTPUT_H

#include "frontend/frontend.h"
#include "lint/lint.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum LintFormat {
	LINT_TEXT = 0,
	LINT_GCC,
	LINT_JSON,
	LINT_SARIF,
	LINT_GITHUB,
} LintFormat;

/* Where rule pages live when the policy file does not say (rules_url). */
#define LINT_RULES_URL "https://github.com/pgcascade/pgcascade/blob/main/doc/rules/"

/* Parses a --format value; -1 when unknown. */
int lint_format_parse(const char *s);

typedef struct LintOutputOptions {
	LintFormat format;
	bool color;
	const char *rules_url;      /* NULL: LINT_RULES_URL */
	const SourceList *sources;  /* for the text format's source lines; may be NULL */
	const char *path_base;      /* sarif, github: paths under this absolute folder (the
	                               repository root) are written relative to it; NULL: as given */
} LintOutputOptions;

/* Writes r. Returns 0, or -1 with err (PGC_EXIT_INTERNAL) on a write error. */
int lint_output(FILE *out, const LintResult *r, const LintOutputOptions *o, Err *err);

/*
 * Length in bytes of the clause that starts at text[off] and the caret
 * should underline: a REFERENCES or FOREIGN KEY clause up to its column
 * list, else one word; never past the end of the line; at least 1.
 */
int lint_clause_length(const char *text, size_t len, int off);

#endif
