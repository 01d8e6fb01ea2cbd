/*
 * main.c - the dispatch, nothing else. The commands are listed in
 * cli/commands.c; each lives in cmd/<name>.c and is entered through
 * cmd_<name>(argc, argv).
 */
#include "cli/commands.h"
#include "cli/common.h"
#include "exitcodes.h"
#include "util/xalloc.h"
#include "version.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: pgcascade <command> [options] [PATH...]\n"
	           "       pgcascade --version | --help\n\n"
	           "pgcascade makes \"delete my data\" one SQL statement that provably removes everything.\n\n"
	           "commands:\n");
	for (size_t i = 0; i < pgc_ncommands; i++)
		if (pgc_commands[i].summary)
			fprintf(f, "  %-8s %s\n", pgc_commands[i].name, pgc_commands[i].summary);
	fprintf(f, "\noptions:\n"
	           "  --version, -V  print the version and the licence\n"
	           "  --help, -h     show this help\n"
	           "\nRun 'pgcascade <command> --help' for a command's options, or see pgcascade(1).\n"
	           "Exit codes: 0 ok, 1 error findings (or fix needed / proof failed), 2 usage or input error,\n"
	           "3 database error, 4 internal error.\n");
}

int main(int argc, char **argv)
{
	/* A closed pipe on stdout is a write error like any other (every
	 * write is checked), not a death that skips the cleanup. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return PGC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return PGC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pgcascade %s\n"
		       "Copyright (c) 2026, The pgcascade authors.\n"
		       "License: %s License <https://opensource.org/license/postgresql>.\n"
		       "This is free software: you may use, copy, modify and distribute it; there is NO WARRANTY.\n",
		       PGC_VERSION, PGC_LICENSE);
		return PGC_EXIT_OK;
	}
	const Command *c = command_find(argv[1]);
	if (c) /* each parses with cli_parse() (cli/options.h); out of memory: 4 */
		return xalloc_run(c->fn, argc - 1, argv + 1);
	/* A misspelt command: name the nearest visible one, no help dump. */
	const char *best = NULL;
	int bestd = 3;
	for (size_t i = 0; i < pgc_ncommands; i++) {
		if (!pgc_commands[i].summary)
			continue;
		int d = edit_distance(argv[1], pgc_commands[i].name);
		if (d < bestd) {
			bestd = d;
			best = pgc_commands[i].name;
		}
	}
	/* the global options, misspelt ("--verison") or without dashes ("version") */
	static const char *const globals[] = {"--version", "--help"};
	char name[64];
	snprintf(name, sizeof(name), "%s%.*s", argv[1][0] == '-' ? "" : "--", (int)strcspn(argv[1], "="), argv[1]);
	const char *gbest = NULL;
	int gd = argv[1][0] == '-' ? 3 : 1;
	for (size_t i = 0; i < sizeof(globals) / sizeof(globals[0]); i++) {
		int d = edit_distance(name, globals[i]);
		if (d < gd) {
			gd = d;
			gbest = globals[i];
		}
	}
	if (argv[1][0] == '-' && gbest) /* its name only, never a value */
		fprintf(stderr, "pgcascade: error: unknown option '%.*s' (did you mean '%s'?)\n",
		        (int)strcspn(argv[1], "="), argv[1], gbest);
	else if (argv[1][0] == '-') /* an option before the command */
		fprintf(stderr, "pgcascade: error: unknown option '%.*s' (the command comes first: pgcascade "
		                "<command> [options]; see pgcascade --help)\n", (int)strcspn(argv[1], "="), argv[1]);
	else if (gbest && !best)
		fprintf(stderr, "pgcascade: error: unknown command '%s' (did you mean '%s'?)\n", argv[1], gbest);
	else if (best)
		fprintf(stderr, "pgcascade: error: unknown command '%s' (did you mean '%s'?)\n", argv[1], best);
	else
		fprintf(stderr, "pgcascade: error: unknown command '%s' (see pgcascade --help)\n", argv[1]);
	return PGC_EXIT_USAGE;
}
