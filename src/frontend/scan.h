/*
 * scan.h - one scan per source: libpg_query's scanner runs once over
 * the text (in chunks that end at a ';'), and its tokens serve the
 * split into statements, the classification of each statement and,
 * for --dialect auto, the search for CockroachDB-only syntax.
 */
#ifndef PGC_SCAN_H
#define PGC_SCAN_H

#include "frontend/classify.h"
#include "frontend/crdb_scan.h"

/* One statement, classified. */
typedef struct StmtPlan {
	Classified c;
	int end;              /* end offset (the ';' or the end of the text) */
	bool too_deep;        /* nested deeper than CLASSIFY_MAX_NESTING */
} StmtPlan;

/* What scan_source found in one source; free items with scan_plan_free. */
typedef struct ScanPlan {
	StmtPlan *items;      /* malloc'd */
	size_t n, cap;
	size_t nschema;       /* statements to parse */
	int err_offset;       /* scanner failure: offset, message; -1 when none */
	const char *err_msg;  /* arena-owned */
} ScanPlan;

/*
 * Scans text[0, len) (NUL at text[len]) once and fills out with its
 * statements, split as pg_query_split_with_scanner() splits them (and,
 * after an unbalanced parenthesis, at every ';'), and classified. A
 * scanner failure keeps the complete statements before it and is
 * reported in out->err_*. When det is not NULL, its rules run on every
 * ';'-separated statement until one finds CockroachDB syntax (then
 * *found is set and detection stops); det->src->text must be text.
 * Returns 0, or -1 with err when the scanner's output cannot be read.
 */
int scan_source(Arena *a, const char *text, int len, CrdbDetect *det, bool *found, ScanPlan *out,
                Err *err);

void scan_plan_free(ScanPlan *p);

/* Bytes per scanner chunk (tests lower it to exercise the boundaries). */
extern size_t scan_chunk_size;

#endif
