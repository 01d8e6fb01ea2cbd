/* err.c - error values and stderr logging; see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

static int quiet;

int err_set(Err *e, int code, const char *fmt, ...)
{
	if (!e)
		return -1;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	e->code = code;
	return -1;
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

#define LOGFN(name, prefix, cond) \
	void name(const char *fmt, ...) \
	{ \
		if (!(cond)) \
			return; \
		va_list ap; \
		va_start(ap, fmt); \
		vlog(prefix, fmt, ap); \
		va_end(ap); \
	}

LOGFN(log_error, "pgcascade: error: ", 1)
LOGFN(log_warning, "pgcascade: warning: ", 1)
LOGFN(log_info, "pgcascade: ", !quiet)
LOGFN(log_detail, "pgcascade: detail: ", 1)
LOGFN(log_hint, "pgcascade: hint: ", 1)

void log_set_quiet(int q)
{
	quiet = q;
}
