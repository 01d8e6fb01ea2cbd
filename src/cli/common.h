/*
 * common.h - what every command shares: the options that say what to
 * read and how (filled from cli/options.h's Settings, with the policy
 * file's values where no flag was given), and loading the model from
 * static sources or from --db.
 */
#ifndef PGC_COMMON_H
#define PGC_COMMON_H

#include "analysis/analysis.h"
#include "cli/options.h"
#include "frontend/frontend.h"
#include "frontend/layout.h"
#include "model/model.h"
#include "report/report.h"
#include "util/err.h"

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

/*
 * Fills o from the parsed options and the policy file: command-line flag >
 * .pgcascade.ini (root, owner_column, dialect, layout) > default. Returns
 * 0, or -1 with err (PGC_EXIT_USAGE) on a bad value.
 */
int common_settings(const Settings *s, CommonOptions *o, Err *err);

/*
 * Parses the command's arguments (cli_parse) and fills o. Returns 0; 1
 * when --help printed the help; -1 with err.
 */
int common_parse(Arena *a, const char *command, int argc, char **argv, Settings *s, CommonOptions *o,
                 Err *err);

/*
 * Loads the model: live with --db, else static from the paths (which
 * must then be non-empty). Returns the model (in a) or NULL with err.
 */
Model *load_model(Arena *a, CommonOptions *o, Err *err);

/* Collects the static sources (paths, --layout, --set) into o->sources. */
int collect_sources(Arena *a, CommonOptions *o, Err *err);

/* Fills AnalysisOptions from o. */
void common_analysis_options(const CommonOptions *o, AnalysisOptions *ao);

/* Reports err on stderr and returns its exit code. */
int die_with(const Err *err);

#endif
