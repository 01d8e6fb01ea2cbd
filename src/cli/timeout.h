/*
 * timeout.h - checking a time value for lock_timeout / statement_timeout
 * (--lock-timeout) the way PostgreSQL reads an integer setting with a
 * time unit, before anything is sent or written.
 */
#ifndef PGC_CLI_TIMEOUT_H
#define PGC_CLI_TIMEOUT_H

#include "util/err.h"

/*
 * Parses value as PostgreSQL's GUC parser does for a setting in
 * milliseconds (guc.c parse_int with GUC_UNIT_MS): optional blanks, a
 * number (digits, optionally a fraction, which is rounded), optional
 * blanks, an optional unit (us, ms, s, min, h, d; case-sensitive, as
 * PostgreSQL's), optional blanks. Without a unit the number is
 * milliseconds. The result must be 0..2147483647 ms. On success stores
 * the milliseconds in *ms (may be NULL) and returns 0; else returns -1
 * with err (PGC_EXIT_USAGE) naming option and the accepted forms.
 */
int timeout_parse(const char *option, const char *value, long *ms, Err *err);

#endif
