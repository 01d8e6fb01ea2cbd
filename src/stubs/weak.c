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
