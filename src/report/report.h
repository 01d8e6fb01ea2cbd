/*
 * report.h - audit output: text, json, dot, mermaid.
 * Output is deterministic: sorted by kind, then by name.
 */
#ifndef PGC_REPORT_H
#define PGC_REPORT_H

#include "analysis/analysis.h"

#include <stdbool.h>
#include <stdio.h>

typedef enum ReportFormat {
	FMT_TEXT = 0,
	FMT_JSON,
	FMT_DOT,
	FMT_MERMAID,
	FMT_GCC,
	FMT_SARIF,
	FMT_GITHUB,
} ReportFormat;

/* Parses a --format value; returns -1 when unknown. */
int report_format_parse(const char *s);

/* Writes the audit report. Returns 0, or -1 with err on a write error. */
int report_audit(FILE *out, Model *m, const Analysis *an, ReportFormat fmt, bool color, Err *err);

/*
 * One finding as the JSON object of the audit contract (rule, severity,
 * schema, table, constraint, depth, message, file, line, column, plus
 * blocks, path, help, ...). The caller owns it: json_object_put().
 */
struct json_object;
struct json_object *report_finding_json(const Finding *f);

/* One finding as "file:line:col: severity: message [rule]" (no newline). */
void report_finding_gcc(FILE *out, const Finding *f, bool color);

#endif
