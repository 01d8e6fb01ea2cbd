/* err.c - error values and stderr logging; see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

const char *err_errno(int e)
{
	static _Thread_local char buf[128];
	snprintf(buf, sizeof(buf), "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
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
static void (*warning_hook)(void *, const char *);
static void *warning_hook_arg;

void log_set_warning_hook(void (*fn)(void *arg, const char *msg), void *arg)
{
	warning_hook = fn;
	warning_hook_arg = arg;
}

void log_warning(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (warning_hook) {
		char msg[2048];
		vsnprintf(msg, sizeof(msg), fmt, ap);
		warning_hook(warning_hook_arg, msg);
	} else {
		vlog("pgcascade: warning: ", fmt, ap);
	}
	va_end(ap);
}
LOGFN(log_info, "pgcascade: ", !quiet)
LOGFN(log_detail, "pgcascade: detail: ", 1)
LOGFN(log_hint, "pgcascade: hint: ", 1)

void log_set_quiet(int q)
{
	quiet = q;
}
