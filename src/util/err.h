/*
 * err.h - errors returned by library code, and logging.
 *
 * Library code never exits: it fills an Err and returns -1 (or NULL).
 * Only cmd_* functions decide to exit, using err.code (an enum pgc_exit).
 * Messages are complete sentences without the "pgcascade: error: " prefix;
 * when a place exists they start with "file:line:col: ".
 *
 * Logging follows PostgreSQL's pg_log_error/_detail/_hint: diagnostics
 * go to stderr, results to stdout.
 */
#ifndef PGC_ERR_H
#define PGC_ERR_H

typedef struct Err {
	int code;          /* enum pgc_exit; 0 when no error */
	char msg[2048];
} Err;

/* Sets e (may be NULL) and returns -1, so callers can "return err_set(...)". */
int err_set(Err *e, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * strerror(e) with a lower-case first letter ("no such file or directory"),
 * like every other message; in a thread-local buffer.
 */
const char *err_errno(int e);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_hint(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Quiet mode silences log_info (progress); errors always print. */
void log_set_quiet(int quiet);

/*
 * While a hook is set, log_warning() hands the formatted message (without
 * the "pgcascade: warning: " prefix) to fn instead of printing it; NULL
 * restores printing. verify collects the static replay's warnings this
 * way and prints each one when it skips the same statement.
 */
void log_set_warning_hook(void (*fn)(void *arg, const char *msg), void *arg);

#endif
