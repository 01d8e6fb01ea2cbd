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
#include <stdbool.h>
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

/* The long option of c named by arg ("--name" or "--name=value"): exact,
 * else the unique prefix getopt_long accepts. NULL when unknown (*ambiguous
 * set when several match). */
static const struct option *find_option(const Command *c, const char *name, size_t len, bool *ambiguous)
{
	const struct option *hit = NULL;
	int nhit = 0;
	*ambiguous = false;
	for (int pass = 0; pass < 2; pass++) {
		const struct option *t = pass ? c->options : common_long_options;
		int n = pass ? -1 : common_long_options_count;
		for (int i = 0; t && (n < 0 ? t[i].name != NULL : i < n); i++) {
			if (strncmp(t[i].name, name, len) != 0)
				continue;
			if (strlen(t[i].name) == len)
				return &t[i];
			hit = &t[i];
			nhit++;
		}
	}
	*ambiguous = nhit > 1;
	return nhit == 1 ? hit : NULL;
}

/* The option of c nearest to name (edit distance at most 2), or NULL. */
static const char *nearest_option(const Command *c, const char *name, size_t len)
{
	char buf[64];
	if (len >= sizeof(buf))
		return NULL;
	memcpy(buf, name, len);
	buf[len] = 0;
	const char *best = NULL;
	int bestd = 3;
	for (int pass = 0; pass < 2; pass++) {
		const struct option *t = pass ? c->options : common_long_options;
		int n = pass ? -1 : common_long_options_count;
		for (int i = 0; t && (n < 0 ? t[i].name != NULL : i < n); i++) {
			int d = edit_distance(buf, t[i].name);
			if (d < bestd) {
				bestd = d;
				best = t[i].name;
			}
		}
	}
	return best;
}

/*
 * Checks the options of command c before it parses them, so that every
 * command answers a misspelt or incomplete option the same way: one
 * "pgcascade: error:" line with a suggestion, exit 2, no help dump.
 * Returns 0 when getopt_long will accept every option.
 */
static int check_options(const Command *c, int argc, char **argv)
{
	if (!c->summary)
		return 0; /* hidden commands parse their own words */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == 0)
			continue;
		if (a[1] != '-') {
			fprintf(stderr, "pgcascade: error: %s: unknown option \"%s\" (options are long: --name; see "
			                "pgcascade %s --help)\n", c->name, a, c->name);
			return PGC_EXIT_USAGE;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		bool ambiguous;
		const struct option *o = find_option(c, name, len, &ambiguous);
		if (!o) {
			const char *near = ambiguous ? NULL : nearest_option(c, name, len);
			if (ambiguous)
				fprintf(stderr, "pgcascade: error: %s: option \"--%.*s\" is ambiguous; spell it out (see "
				                "pgcascade %s --help)\n", c->name, (int)len, name, c->name);
			else if (near)
				fprintf(stderr, "pgcascade: error: %s: unknown option \"--%.*s\"; did you mean \"--%s\"?\n",
				        c->name, (int)len, name, near);
			else
				fprintf(stderr, "pgcascade: error: %s: unknown option \"--%.*s\" (see pgcascade %s --help)\n",
				        c->name, (int)len, name, c->name);
			return PGC_EXIT_USAGE;
		}
		if (o->has_arg == no_argument && eq) {
			fprintf(stderr, "pgcascade: error: %s: option \"--%s\" takes no value\n", c->name, o->name);
			return PGC_EXIT_USAGE;
		}
		if (o->has_arg == required_argument && !eq) {
			if (i + 1 >= argc) {
				fprintf(stderr, "pgcascade: error: %s: option \"--%s\" needs a value\n", c->name, o->name);
				return PGC_EXIT_USAGE;
			}
			i++; /* the value, whatever it looks like */
		}
	}
	return 0;
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
	if (c) {
		int rc = check_options(c, argc - 1, argv + 1);
		return rc ? rc : xalloc_run(c->fn, argc - 1, argv + 1); /* out of memory: 4 */
	}
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
	if (best)
		fprintf(stderr, "pgcascade: error: unknown command \"%s\"; did you mean \"%s\"?\n", argv[1], best);
	else
		fprintf(stderr, "pgcascade: error: unknown command \"%s\" (see pgcascade --help)\n", argv[1]);
	return PGC_EXIT_USAGE;
}
