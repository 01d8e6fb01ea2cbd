/* xalloc.c - checked allocation; see xalloc.h. */
#include "util/xalloc.h"
#include "exitcodes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef PGC_FAULT_INJECTION
static long fail_at = -1;
static long counter;

static int should_fail(void)
{
	if (fail_at < 0) {
		const char *e = getenv("PGCASCADE_FAIL_ALLOC");
		fail_at = e ? atol(e) : 0;
	}
	return fail_at > 0 && ++counter == fail_at;
}
#else
static int should_fail(void) { return 0; }
#endif

static void oom(void)
{
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
