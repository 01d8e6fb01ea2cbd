/* xalloc.c - checked allocation; see xalloc.h. */
#include "util/xalloc.h"
#include "exitcodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PGC_FAULT_INJECTION
static long fail_at = -1;
static long counter;

static void print_count(void)
{
	fprintf(stderr, "pgcascade: allocations: %ld\n", counter);
}

/* PGCASCADE_FAIL_ALLOC=N fails the Nth allocation; PGCASCADE_COUNT_ALLOC=1
 * prints how many a run made, at exit (for tests that aim at late ones). */
static int should_fail(void)
{
	if (fail_at < 0) {
		const char *e = getenv("PGCASCADE_FAIL_ALLOC");
		fail_at = e ? atol(e) : 0;
		if (getenv("PGCASCADE_COUNT_ALLOC"))
			atexit(print_count);
	}
	return ++counter == fail_at;
}
#else
static int should_fail(void) { return 0; }
#endif

static void (*failure_hook)(void);

void xalloc_on_failure(void (*hook)(void))
{
	failure_hook = hook;
}

static void oom(void)
{
	if (failure_hook)
		failure_hook();
	fputs("pgcascade: error: out of memory\n", stderr);
	exit(PGC_EXIT_INTERNAL);
}

void *xmalloc(size_t n)
{
	void *p = should_fail() ? NULL : malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = should_fail() ? NULL : calloc(n ? n : 1, sz ? sz : 1);
	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = should_fail() ? NULL : realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}
