/*
 * main.c - the dispatch table, nothing else. Each subcommand lives in
 * cmd/<name>.c and is entered through cmd_<name>(argc, argv).
 */
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "version.h"

#include <stdio.h>
#include <string.h>

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"audit", cmd_audit, "find the foreign keys, the deletion closure and what blocks it"},
	{"fix", cmd_fix, "write the migration that makes the closure cascade"},
	{"verify", cmd_verify, "prove on a real PostgreSQL that deleting the root removes everything"},
	{"lint", cmd_lint, "CI guard for new migrations"},
	{"erase", cmd_erase, "erase one root row and its data: plan, batches, receipt"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: pgcascade <command> [options] [PATH...]\n\n"
	           "pgcascade makes \"delete my data\" one SQL statement that provably removes everything.\n\n"
	           "commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nRun 'pgcascade <command> --help' for a command's options, or see pgcascade(1).\n"
	           "Exit codes: 0 ok, 1 error findings (or fix needed / proof failed), 2 usage or input error,\n"
	           "3 database error, 4 internal error.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PGC_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return PGC_EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("pgcascade %s\n", PGC_VERSION);
		return PGC_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "pgcascade: error: unknown command \"%s\"\n", argv[1]);
	usage(stderr);
	return PGC_EXIT_USAGE;
}
