/* xalloc.c - checked allocation; see xalloc.h. */
#include "util/xalloc.h"
#include "exitcodes.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__) /* gcc */
#define PGC_ASAN 1
#elif defined(__has_feature) /* clang */
#if __has_feature(address_sanitizer)
#define PGC_ASAN 1
#endif
#endif
#ifdef PGC_ASAN
#include <sanitizer/lsan_interface.h>
#endif

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

long xalloc_count(void)
{
	return counter;
}
#else
static int should_fail(void) { return 0; }
#endif

static XallocHook failure_hook;
static sigjmp_buf *recovery; /* set while xalloc_run() runs a command */

XallocHook xalloc_on_failure(XallocHook hook)
{
	XallocHook old = failure_hook;
	failure_hook = hook;
	return old;
}

int xalloc_run(int (*fn)(int, char **), int argc, char **argv)
{
	sigjmp_buf here;
	sigjmp_buf *volatile outer = recovery;
	if (sigsetjmp(here, 1) != 0) {
		recovery = outer;
		return PGC_EXIT_INTERNAL; /* oom() said why */
	}
	recovery = &here;
	int rc = fn(argc, argv);
	recovery = outer;
	return rc;
}

_Noreturn static void oom(void)
{
	void (*hook)(void) = failure_hook;
	failure_hook = NULL; /* runs once, even if it allocates */
	if (hook)
		hook();
	fputs("pgcascade: error: out of memory\n", stderr);
#ifdef PGC_ASAN
	/* The leak check runs now, while every frame still holds what it
	 * allocated, exactly as it ran at exit() before; once the frames
	 * are gone it would call their memory lost. It counts once, so the
	 * check at the end of the process is skipped. */
	__lsan_do_leak_check();
#endif
	if (recovery)
		siglongjmp(*recovery, 1);
	/* No recovery point: only a harness that calls the library directly
	 * (unit tests, fuzz targets) gets here, never pgcascade, whose every
	 * command runs under xalloc_run() (tests/integration/t0620 walks
	 * every allocation of audit, t0625 fails each command's first one and
	 * greps for this). */
	abort(); /* pgc-allow-exit: harness without a recovery point */
}

void xalloc_fail(void)
{
	oom();
}

int xalloc_inject(void)
{
#ifdef PGC_FAULT_INJECTION
	/* json-c's constructors are many (6 in 7 allocations of a JSON
	 * report): counted only when asked, so that the long walks stay short */
	static int on = -1;
	if (on < 0)
		on = getenv("PGCASCADE_FAIL_ALLOC_JSON") != NULL;
	return on ? should_fail() : 0;
#else
	return 0;
#endif
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
