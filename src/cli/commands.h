/*
 * commands.h - the one table of subcommands: name, entry point, summary,
 * the command's own long options (appended to the shared ones in
 * cli/common.c) and its output formats. main.c dispatches through it;
 * `pgcascade completion bash|zsh|fish` generates the shell completions
 * from it, so completions stay true as options are added.
 */
#ifndef PGC_COMMANDS_H
#define PGC_COMMANDS_H

#include <getopt.h>
#include <stddef.h>

typedef struct Command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;          /* NULL: hidden (not in the usage) */
	const struct option *options; /* the command's own options, {0}-terminated, or NULL */
	const char *formats;          /* space-separated --format values, or NULL */
} Command;

extern const Command pgc_commands[];
extern const size_t pgc_ncommands;

/* The command named name, or NULL. */
const Command *command_find(const char *name);

/* Levenshtein distance between a and b (for "did you mean"). */
int edit_distance(const char *a, const char *b);

#endif
