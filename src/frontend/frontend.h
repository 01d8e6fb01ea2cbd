/*
 * frontend.h - static sources: find the files, split, read the dialect,
 * parse what changes the schema, and replay it into the model.
 *
 * sources.c  finds and orders migration files (layouts, down-exclusion,
 *            dbmate sections);
 * crdb.c     CockroachDB dialect: detection and the length-preserving
 *            rewrite that lets PostgreSQL's parser read it;
 * scan.c     scans each source once: the split, the classes and the
 *            dialect detection share its tokens;
 * classify.c decides from scanner tokens whether a statement can change
 *            the schema (only those are parsed);
 * pgjson.c   reads libpg_query's JSON parse tree into the protobuf-c
 *            structs (the protobuf path when it cannot);
 * replay.c   walks that tree once and updates the model.
 *
 * Every rewrite keeps byte offsets, so a node's location is a location
 * in the user's file.
 */
#ifndef PGC_FRONTEND_H
#define PGC_FRONTEND_H

#include "model/model.h"
#include "util/err.h"

#include <stddef.h>

typedef struct Source {
	const char *path;  /* as shown in diagnostics (argument or dir/relative) */
	char *text;        /* NUL-terminated, arena-owned; excluded parts (dbmate
	                      down sections) are blanked with spaces, newlines kept */
	size_t len;
} Source;

typedef PGC_VEC(Source) SourceList;

/*
 * Collects the sources named by paths (files and directories, in the
 * order given) into out, reading each file into a. Returns 0, or -1 with
 * err set (PGC_EXIT_USAGE for a missing or unreadable path or a
 * directory without SQL files).
 */
int sources_collect(Arena *a, const char *const *paths, int npaths, SourceList *out, Err *err);

/*
 * Replays the sources into m. want may be DIALECT_AUTO: the dialect used
 * is stored in m->dialect (auto picks cockroach when CockroachDB-only
 * syntax is present and logs which syntax made it choose). Statements
 * that fail to parse become parse-error findings; DO and EXECUTE become
 * dynamic-sql findings. Returns 0, or -1 with err set on input errors.
 */
int frontend_load(Model *m, const SourceList *src, Dialect want, Err *err);

/*
 * Text of src rewritten so that PostgreSQL accepts it (cockroach
 * dialect), or src->text itself for postgres. Arena-owned. Statements
 * that cannot be translated are reported through err with file:line:col
 * and -1 is returned... (see crdb.c for the documented translation).
 */
char *frontend_translate(Arena *a, const Source *src, Dialect d, Err *err);

/* Turns a byte offset in text into 1-based line and column. */
SrcLoc srcloc_at(const char *file, const char *text, size_t len, int offset);

#endif
