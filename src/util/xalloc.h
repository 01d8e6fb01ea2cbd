/*
 * xalloc.h - checked malloc wrappers, and the out-of-memory recovery point.
 *
 * xmalloc() and friends never return NULL. Library code never exits: on
 * failure they run the failure hook (the embedded cluster's teardown),
 * print "pgcascade: error: out of memory" and unwind with siglongjmp() to
 * the recovery point that xalloc_run() set around the command, which then
 * returns PGC_EXIT_INTERNAL (4) to main() like any other error - the way
 * PostgreSQL's elog(ERROR) unwinds to its sigsetjmp() in PostgresMain.
 * Nothing between the failed allocation and the command's frame runs: the
 * memory is the operating system's to take back at exit, and whatever must
 * not outlive the process (the cluster) is in the hook. A test build
 * defined with PGC_FAULT_INJECTION can make the Nth allocation fail
 * (PGCASCADE_FAIL_ALLOC=N) to prove that this path is clean.
 *
 * Only the main thread allocates through these (the parse-ahead worker in
 * frontend.c uses plain malloc and reports failure to the main thread).
 */
#ifndef PGC_XALLOC_H
#define PGC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* The out-of-memory path of the x* functions, for an allocation made
 * elsewhere (json-c's, util/xjson.h): the hook, the message, the unwinding. */
_Noreturn void xalloc_fail(void);

/* 1 when the fault injection of a test build fails this allocation (counted
 * like an xmalloc when PGCASCADE_FAIL_ALLOC_JSON is set); always 0 in a
 * normal build. */
int xalloc_inject(void);

/* hook (or NULL) runs before the out-of-memory unwinding: the embedded
 * cluster's teardown registers itself here, and fix's set of files (what
 * it already wrote is removed). Returns the hook it replaces, for the
 * caller to put back. The hook must not allocate through xmalloc. */
typedef void (*XallocHook)(void);
XallocHook xalloc_on_failure(XallocHook hook);

/*
 * Runs fn(argc, argv) under the out-of-memory recovery point and returns
 * its exit code, or PGC_EXIT_INTERNAL when an allocation failed inside it.
 * main() enters every command through it. Outside it (unit tests, fuzz
 * targets, which never run out of memory on purpose) an allocation failure
 * has nowhere to unwind to: see oom() in xalloc.c.
 */
int xalloc_run(int (*fn)(int, char **), int argc, char **argv);

#ifdef PGC_FAULT_INJECTION
/* How many allocations the run has made so far (test builds only). */
long xalloc_count(void);
#endif

#endif
