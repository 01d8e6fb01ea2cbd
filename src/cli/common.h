/*
 * common.h - what every command shares: the audit options, their
 * parsing (getopt_long tables that commands extend), and loading the
 * model from static sources or from --db.
 */
#ifndef PGC_COMMON_H
#define PGC_COMMON_H

#include "analysis/analysis.h"
#include "frontend/frontend.h"
#include "frontend/layout.h"
#include "model/model.h"
#include "report/report.h"
#include "util/err.h"

#include <getopt.h>
#include <stdbool.h>

typedef struct CommonOptions {
	const char **paths;      /* positional arguments */
	int npaths;
	const char *db;          /* --db URL, or NULL */
	bool use_db;             /* --db given (DATABASE_URL alone does not switch to live mode) */
	Dialect dialect;         /* --dialect, default auto */
	const char **roots;      /* --root, repeatable */
	int nroots;
	const char **owner_patterns; /* --owner-column, repeatable */
	int nowner;
	const char *format;      /* --format, command-specific default */
	int color;               /* --color=auto|always|never: resolved to 0/1 */
	bool quiet;
	SourceOptions src_opts;  /* --layout, --set, --verbose (how directories are read) */
	SourceList sources;      /* filled by load_model in static mode */
} CommonOptions;

/* Option ids for the shared long options (values >= 256). */
enum {
	OPT_DB = 256, OPT_DIALECT, OPT_ROOT, OPT_OWNER, OPT_FORMAT, OPT_COLOR,
	OPT_QUIET, OPT_HELP, OPT_LAYOUT, OPT_SET, OPT_VERBOSE, OPT_FIRST_COMMAND_OPTION = 300,
};

/* The shared long options; commands copy them into their own table. */
extern const struct option common_long_options[];
extern const int common_long_options_count;
/* Help text for the shared options (indented two spaces, one per line). */
extern const char common_options_help[];

void common_init(CommonOptions *o);
/*
 * Handles one shared option (returns 1), or returns 0 when opt is not a
 * shared one, or -1 with err set (PGC_EXIT_USAGE) on a bad value.
 */
int common_option(Arena *a, CommonOptions *o, int opt, const char *arg, Err *err);
/* Takes argv[optind..] as paths. */
void common_paths(CommonOptions *o, int argc, char **argv);

/*
 * Loads the model: live with --db, else static from the paths (which
 * must then be non-empty). Returns the model (in a) or NULL with err.
 */
Model *load_model(Arena *a, CommonOptions *o, Err *err);

/* Collects the static sources (paths, --layout, --set) into o->sources. */
int collect_sources(Arena *a, CommonOptions *o, Err *err);

/* Fills AnalysisOptions from o. */
void common_analysis_options(const CommonOptions *o, AnalysisOptions *ao);

/* Builds a getopt_long table: the shared options followed by extra
 * (terminated by a zero entry). The result is arena-owned. */
struct option *options_table(Arena *a, const struct option *extra);

/* Reports err on stderr and returns its exit code. */
int die_with(const Err *err);

#endif
