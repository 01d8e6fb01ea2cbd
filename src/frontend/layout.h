/*
 * layout.h - migration tools' layouts: which files of a directory each
 * tool runs, in which order, and which parts of a file it applies
 * (doc/sources.md has the table, layout.c one function per tool with
 * the source of its rule).
 */
#ifndef PGC_LAYOUT_H
#define PGC_LAYOUT_H

#include "frontend/frontend.h"

#include <stdbool.h>

typedef enum Layout {
	LAYOUT_AUTO = 0,
	LAYOUT_PLAIN,
	LAYOUT_GOLANG_MIGRATE,
	LAYOUT_GOOSE,
	LAYOUT_DBMATE,
	LAYOUT_FLYWAY,
	LAYOUT_LIQUIBASE,
	LAYOUT_SQITCH,
	LAYOUT_DIESEL,
	LAYOUT_SQLX,
	LAYOUT_REFINERY,
	LAYOUT_POP,
	LAYOUT_PRISMA,
	LAYOUT_SUPABASE,
	LAYOUT_ATLAS,
	LAYOUT_GRAPHILE,
	LAYOUT_COUNT
} Layout;

typedef struct SourceOptions {
	Layout layout;            /* --layout, LAYOUT_AUTO: detected per directory */
	Dialect dialect;          /* pop picks the files of this dialect (auto: postgres) */
	const char *const *sets;  /* --set NAME=VALUE (pop template options) */
	int nsets;
	bool verbose;             /* one info line per file the tool would not run */
} SourceOptions;

/* "golang-migrate", ...; NULL for LAYOUT_COUNT and past it. */
const char *layout_name(Layout l);
/* Parses a --layout value; -1 with err set (PGC_EXIT_USAGE) when unknown. */
int layout_parse(const char *name, Layout *out, Err *err);
/* The accepted --layout names, comma separated (for messages and help). */
const char *layout_names(void);

/*
 * sources_collect with options: --layout, pop's dialect and --set,
 * verbose. sources_collect(a, p, n, out, err) is this with every option
 * at its default.
 */
int sources_collect_with(Arena *a, const char *const *paths, int npaths, const SourceOptions *o,
                         SourceList *out, Err *err);

/* ---- internal to sources.c / layout.c --------------------------------- */

/* Reads, checks and appends one file (shown = the path in messages);
 * dbmate and goose sections are applied here (they are in the file). */
int sources_load_file(Arena *a, const char *shown, SourceList *out, Err *err);
/* The message for a failed stat() of path (errno e). */
int sources_stat_error(Err *err, const char *path, int e);
/* Collects one directory argument. */
int layout_collect_dir(Arena *a, const char *dir, const SourceOptions *o, SourceList *out, Err *err);
/* Renders pop's Go templates in s (pop layout only); warnings on stderr. */
void pop_render(Arena *a, Source *s, const SourceOptions *o);

#endif
