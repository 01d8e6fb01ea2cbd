/*
 * validate.h - option values checked before anything is read or written.
 */
#ifndef PGC_VALIDATE_H
#define PGC_VALIDATE_H

#include "util/err.h"

/*
 * A PostgreSQL time setting as lock_timeout and statement_timeout take it
 * (guc.c's parse_int with GUC_UNIT_MS): a number (a fraction and an
 * exponent allowed), optionally followed by a unit, us, ms (the default),
 * s, min, h or d, spaces around allowed, units case-sensitive; not
 * negative, and at most INT_MAX milliseconds. Hexadecimal and octal
 * integers, which PostgreSQL also takes, are refused. option names the
 * option in the message ("--lock-timeout"). Returns 0, or -1 with err
 * (PGC_EXIT_USAGE) saying what was expected. A value that passes is safe
 * inside a single-quoted SQL literal.
 */
int cli_check_timeout(const char *option, const char *value, Err *err);

#endif
