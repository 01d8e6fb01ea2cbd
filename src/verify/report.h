/*
 * report.h - the verify report (text and JSON) over the proofs' results.
 */
#ifndef PGC_VERIFY_REPORT_H
#define PGC_VERIFY_REPORT_H

#include "verify/seed.h"

#include <stdbool.h>
#include <stdio.h>

typedef struct VerifyTimings {
	double startup, apply, fix, load, seed, del, total; /* milliseconds; < 0 when not run;
	                                                       apply: the sources, fix: fix + extras */
	double teardown;                                    /* stopping and removing the cluster */
	int apply_alone, apply_skipped;                     /* statements run one by one / skipped */
	double seed_cpu;        /* CPU ms (pgcascade + server backend) of the seed phase; < 0 unknown */
} VerifyTimings;

typedef struct VerifyReport {
	const Model *model;         /* the model the proofs ran on (names the paths and edges) */
	const SeedResult *results;  /* one per root */
	int nresults;
	bool allow_unseeded;
	bool embedded;
	int napplied;               /* source files applied (embedded), without the fix and extras */
	int nextras;                /* --extra files applied after them */
	bool with_fix;
	int fix_changes;            /* constraints the fix re-created */
	const VerifyTimings *timings;
} VerifyReport;

/* True when every root's proof passed. */
bool verify_ok(const VerifyReport *r);

/* Writes the report as text or as JSON (the contract in issue 4). */
int verify_report_text(FILE *out, const VerifyReport *r, bool color);
int verify_report_json(FILE *out, const VerifyReport *r);

#endif
