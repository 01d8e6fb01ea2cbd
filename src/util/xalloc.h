/*
 * xalloc.h - checked malloc wrappers.
 *
 * xmalloc() and friends never return NULL: on failure they print
 * "out of memory" and exit with PGC_EXIT_INTERNAL. A test build defined
 * with PGC_FAULT_INJECTION can make the Nth allocation fail
 * (PGCASCADE_FAIL_ALLOC=N) to prove that this path is clean.
 */
#ifndef PGC_XALLOC_H
#define PGC_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* hook (or NULL) runs before the out-of-memory exit: the embedded
 * cluster's teardown registers itself here. */
void xalloc_on_failure(void (*hook)(void));

#endif
