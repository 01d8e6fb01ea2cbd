/*
 * internal.h - private to src/report: one writer per audit format.
 * Each returns 0, or -1 with err (PGC_EXIT_INTERNAL) on a write error.
 */
#ifndef PGC_REPORT_INTERNAL_H
#define PGC_REPORT_INTERNAL_H

#include "report/report.h"
#include "util/err.h"

int report_text(FILE *out, Model *m, const Analysis *an, bool color, Err *err);
int report_json(FILE *out, Model *m, const Analysis *an, Err *err);
int report_dot(FILE *out, Model *m, const Analysis *an, Err *err);
int report_mermaid(FILE *out, Model *m, const Analysis *an, Err *err);

/* Checks out for a write error; returns 0 or -1 with err. */
int report_check(FILE *out, Err *err);

#endif
