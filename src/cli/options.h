/*
 * options.h - the one option table and the one parser of every command.
 *
 * Each option is declared once in cli/options.c: its name, whether it
 * takes a value (and may repeat), its help text, the commands that take
 * it, what its value completes to, and the .pgcascade.ini key it maps
 * to. From that table come the parsing (cli_parse), every command's
 * --help (cli_help), the shell completions (cmd/completion.c) and the
 * "did you mean" answers. An option that means different things to
 * different commands (fix --check, erase --check) has one row per
 * meaning, with the same id.
 *
 * cli_parse() also reads the policy file (lint/config.h): --config FILE,
 * --no-config (the last of the two wins), or the nearest .pgcascade.ini
 * found the way git finds its configuration. Precedence is flag > file > default; common_settings()
 * (cli/common.h) applies it for the keys every command shares.
 */
#ifndef PGC_CLI_OPTIONS_H
#define PGC_CLI_OPTIONS_H

#include "lint/config.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdbool.h>
#include <stdio.h>

struct Command;

/* The commands an option belongs to (Command.bit). */
enum {
	CMD_AUDIT = 1 << 0, CMD_FIX = 1 << 1, CMD_VERIFY = 1 << 2, CMD_LINT = 1 << 3, CMD_ERASE = 1 << 4,
	CMD_CONFIG = 1 << 5,
	CMD_MODEL = CMD_AUDIT | CMD_FIX | CMD_VERIFY | CMD_LINT | CMD_ERASE, /* the commands that load a schema */
	CMD_ALL = CMD_MODEL | CMD_CONFIG,
};

typedef enum OptId {
	/* shared */
	O_DB, O_DIALECT, O_ROOT, O_OWNER, O_FORMAT, O_COLOR, O_LAYOUT, O_SET, O_VERBOSE, O_QUIET, O_HELP,
	O_CONFIG, O_NO_CONFIG,
	/* audit */
	O_LIST_FILES,
	/* fix */
	O_OUT, O_NAME, O_DEPTH, O_MINIMAL, O_CHECK, O_FORCE, O_LOCK_TIMEOUT, O_SHARED_PARENT,
	/* verify */
	O_WITH_FIX, O_EXTRA, O_TOLERATE, O_KEEP, O_CLEANUP, O_ALLOW_UNSEEDED, O_TIMINGS, O_RETAIN,
	/* lint */
	O_NEW, O_SINCE,
	/* erase */
	O_KEY, O_DRY_RUN, O_YES, O_ORDER_DELETES, O_BATCH_ROWS, O_STATEMENT_TIMEOUT, O_RECEIPT, O_RECEIPT_SALT,
	O_RECEIPT_INCLUDE_KEY, O_CHECK_RECEIPT, O_EMIT_SQL,
	O_COUNT
} OptId;

/* What an option's value completes to in a shell. */
typedef enum { VAL_NONE, VAL_FILE, VAL_DIR, VAL_WORDS, VAL_FORMATS } ValueKind;

typedef struct OptSpec {
	OptId id;
	const char *name;       /* without the leading "--" */
	const char *metavar;    /* NULL: a flag, no value */
	bool repeat;            /* values add up (else the last one wins) */
	unsigned commands;      /* CMD_* bits */
	const char *config_key; /* the .pgcascade.ini key, or NULL */
	ValueKind complete;
	const char *words;      /* VAL_WORDS: the values, space separated */
	const char *help;       /* lines after the first are indented under it */
} OptSpec;

extern const OptSpec pgc_options[];
extern const size_t pgc_noptions;

/* One option's values as the command line gave them. */
typedef struct OptValue {
	const char **vals;   /* flags: one "" per occurrence */
	int n;               /* 0: not given */
	int last;            /* argv index of the last occurrence */
} OptValue;

typedef struct Settings {
	const struct Command *cmd;
	OptValue v[O_COUNT];
	const char **paths;  /* positional arguments */
	int npaths;
	LintConfig cfg;      /* the policy file read; empty (cfg.path NULL) when none */
	const char *config_how; /* "--config", "found upwards", "--no-config" or "none found" */
} Settings;

/*
 * Parses argv (argv[0] is the command's name) for command c and reads the
 * policy file. Returns 0; 1 when --help was given (the help is printed on
 * stdout, nothing else is done); -1 with err (PGC_EXIT_USAGE): an unknown,
 * ambiguous or misspelt option ("unknown option '--dbx' (did you mean
 * '--db'?)": the option's value is never repeated), a missing value, or a
 * bad policy file ("file:line: ...").
 */
int cli_parse(Arena *a, const struct Command *c, int argc, char **argv, Settings *s, Err *err);

/* Prints command c's --help, generated from the table. */
void cli_help(FILE *f, const struct Command *c);

/* True when the option was given. */
bool opt_given(const Settings *s, OptId id);
/* The last value of the option, or def when it was not given. */
const char *opt_str(const Settings *s, OptId id, const char *def);
/* The row of the table that command c takes for id, or NULL. */
const OptSpec *opt_spec(const struct Command *c, OptId id);

#endif
