/*
 * naming.h - the project's migration file convention, detected from the
 * names (and, for dbmate, the text) of its existing migration files, and
 * the names of the files `pgcascade fix --out` writes next.
 *
 * Conventions (first match wins, in this order):
 *   flyway         V<n>[_<m>...]__<desc>.sql      -> V<n+1>__cascade_cleanup.sql,
 *                                                   U<n+1>__cascade_cleanup.sql
 *   golang-migrate <n>_<desc>.up.sql / .down.sql -> <n+1>_cascade_cleanup.up.sql, .down.sql
 *   dbmate         a file with "-- migrate:up"    -> <n+1>_cascade_cleanup.sql (one file)
 *   plain          <n><sep><desc>.sql             -> <n+1><sep>cascade<sep>cleanup.sql,
 *                                                   <n+1><sep>cascade<sep>cleanup.down.sql
 * <n> keeps the width (zero padding) of the widest version seen, so
 * timestamps (20240101120000_x.sql) simply get the next number. The
 * validation runs in its own migration, version <n+2>, named
 * <desc>_validate (or <desc>-validate), so that it always sorts after
 * the up migration and gets its own transaction.
 */
#ifndef PGC_FIX_NAMING_H
#define PGC_FIX_NAMING_H

#include "util/arena.h"
#include "util/err.h"

#include <stdbool.h>

typedef enum NamingStyle {
	NAMING_PLAIN = 0,
	NAMING_GOLANG_MIGRATE,
	NAMING_FLYWAY,
	NAMING_DBMATE,
} NamingStyle;

const char *naming_style_name(NamingStyle s); /* "plain", "golang-migrate", "flyway", "dbmate" */

/* Every file pgcascade fix writes carries this text in its first lines;
 * naming_next() skips such files, so a rerun gets the same names. */
#define NAMING_MARKER "migration written by pgcascade fix"

/* One existing migration file: its base name and (optional) its text. */
typedef struct NamingFile {
	const char *name;
	const char *text; /* NULL when unknown; only used to recognise dbmate */
} NamingFile;

typedef struct FixNames {
	NamingStyle style;
	const char *up;            /* up migration (dbmate: the one file) */
	const char *down;          /* down migration, or NULL (dbmate: same file) */
	const char *validate;      /* validation migration (own file, after up) */
	const char *validate_down; /* golang-migrate pairs every up with a down; else NULL */
} FixNames;

/*
 * Picks the next names after files[0..n). name_override (--name) is
 * either a description ("purge_users": the detected convention, that
 * description) or a full up-file name ("060-x.sql", "V9__x.sql",
 * "000061_x.up.sql": its own convention and version). Returns 0, or -1
 * with err (PGC_EXIT_USAGE) for an unusable --name. Strings in a.
 */
int naming_next(Arena *a, const NamingFile *files, int n, const char *name_override,
                FixNames *out, Err *err);

#endif
