/*
 * commands.h - the one table of subcommands: name, entry point, summary,
 * the head and the tail of its --help, its output formats and its bit in
 * the option table (cli/options.c says which options each command takes).
 * main.c dispatches through it; `pgcascade completion bash|zsh|fish`
 * generates the shell completions from both tables, so completions and
 * --help stay true as options are added.
 */
#ifndef PGC_COMMANDS_H
#define PGC_COMMANDS_H

#include <stddef.h>

typedef struct Command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;          /* NULL: hidden (not in the usage) */
	unsigned bit;                 /* CMD_* of cli/options.h; 0: parses its own words */
	const char *usage;            /* --help before "options:" */
	const char *formats;          /* space-separated --format values, the default first, or NULL */
	const char *tail;             /* --help after the options and the formats */
} Command;

extern const Command pgc_commands[];
extern const size_t pgc_ncommands;

/* The command named name, or NULL. */
const Command *command_find(const char *name);

/* Optimal-string-alignment distance between a and b (for "did you mean"). */
int edit_distance(const char *a, const char *b);

#endif
