/*
 * lint.h - `pgcascade lint`: which findings a change introduces.
 *
 * The whole schema is replayed and analysed as audit does; lint then
 * keeps only the findings located in the new files, adds its own rules
 * (fk-unindexed, on-delete-policy), applies the policy file
 * (config.h) and the suppression comments (suppress.h), and reports
 * (output.h). lint_run() is pure: it reads the model, the analysis and
 * the sources, and allocates its result in the model's arena.
 */
#ifndef PGC_LINT_H
#define PGC_LINT_H

#include "analysis/analysis.h"
#include "frontend/frontend.h"
#include "lint/config.h"
#include "model/model.h"
#include "util/hashmap.h"
#include "util/err.h"

#include <stdbool.h>

/* Every rule lint can report, with its metadata (SARIF, docs). */
typedef struct LintRule {
	const char *id;
	Severity severity;        /* default */
	const char *short_desc;   /* one sentence */
} LintRule;

extern const LintRule lint_rules[];
extern const int lint_nrules;

/* The rule with this id, or NULL. */
const LintRule *lint_rule_find(const char *id);

typedef PGC_VEC(Finding *) FindingVec;

typedef struct LintOptions {
	const LintConfig *cfg;          /* NULL: no policy file */
	const char *const *new_files;   /* files whose findings are reported */
	int nnew;
	bool all_files;                 /* report every file (neither --new nor --since) */
	bool new_strict;                /* --new: each file must be among the sources */
	Dialect dialect;                /* for the help of fk-unindexed (m->dialect when AUTO) */
} LintOptions;

typedef struct LintResult {
	FindingVec findings;            /* reported: sorted by file, line, col, rule */
	int nerrors, nwarnings, ninfos;
	int nchecked;                   /* source files whose findings were considered */
	int nsuppressed;                /* findings silenced by a comment */
} LintResult;

/*
 * Lints: m and an come from load_model() and analyze(); src are the
 * sources load_model() read (may be empty in live mode: every finding
 * is then kept). Paths in o->new_files are compared with the sources
 * after realpath(). Returns 0, or -1 with err (PGC_EXIT_USAGE when a
 * --new file is not among the sources). out lives in m->arena.
 */
int lint_run(Model *m, const Analysis *an, const SourceList *src, const LintOptions *o,
             LintResult *out, Err *err);

/*
 * Appends an fk-unindexed finding to out for each live FK that a delete
 * from a root reaches (its parent is a root or in a closure) and whose
 * child table has no non-partial index whose leading columns are
 * exactly the FK's columns. Inline CockroachDB INDEX clauses count.
 * generated (may be NULL) holds the paths of the files pgcascade fix
 * wrote (fix_generated): a foreign key they re-create is reported at
 * the migration that created it, never inside them. The help is a plain
 * CREATE INDEX when that migration also created the table (an empty
 * table, and CONCURRENTLY cannot run in the migration's transaction).
 */
void lint_fk_unindexed(Model *m, const Analysis *an, Dialect d, const HashMap *generated, FindingVec *out);

/* True when t has a usable index for the FK columns cols[0..n). */
bool lint_has_index(const Model *m, const Table *t, const char *const *cols, int n);

#endif
