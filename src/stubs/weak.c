/*
 * weak.c - weak placeholders for module entry points that have not
 * landed yet, so that every branch links while modules are built in
 * parallel. A real (strong) definition replaces each one at link time.
 * Remove an entry when its module lands; remove the file when empty.
 */
#include "analysis/analysis.h"
#include "exitcodes.h"
#include "fix/fix.h"
#include "frontend/crdb.h"
#include "frontend/frontend.h"
#include "loader/live.h"
#include "report/report.h"

#define WEAK __attribute__((weak))
#define NOT_YET(e, what) err_set((e), PGC_EXIT_INTERNAL, "%s is not implemented yet", (what))

WEAK int frontend_load(Model *m, const SourceList *s, Dialect d, Err *e) { return NOT_YET(e, "frontend_load"); }
WEAK int root_parse(Arena *a, const char *s, Root *o, Err *e) { return NOT_YET(e, "root_parse"); }
WEAK int analyze(Model *m, const AnalysisOptions *o, Analysis *out, Err *e) { return NOT_YET(e, "analyze"); }
WEAK bool analysis_in_closure(const Analysis *an, const Table *t) { return false; }
WEAK int report_format_parse(const char *s) { return -1; }
WEAK int report_audit(FILE *f, Model *m, const Analysis *an, ReportFormat fmt, bool c, Err *e) { return NOT_YET(e, "report_audit"); }
WEAK void report_finding_gcc(FILE *f, const Finding *x, bool c) {}
WEAK int fix_build(Model *m, const Analysis *an, const FixOptions *o, FixOutput *out, Err *e) { return NOT_YET(e, "fix_build"); }
