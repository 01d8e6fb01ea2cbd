/* commands.c - the subcommand table; see commands.h. */
#include "cli/commands.h"
#include "cmd/cmd.h"

#include <string.h>

const Command pgc_commands[] = {
	{"audit", cmd_audit, "find the foreign keys, the deletion closure and what blocks it", audit_options,
	 "text json dot mermaid"},
	{"fix", cmd_fix, "write the migration that makes the closure cascade", fix_options, NULL},
	{"verify", cmd_verify, "prove on a real PostgreSQL that deleting the root removes everything",
	 verify_options, "text json"},
	{"lint", cmd_lint, "CI guard for new migrations", lint_options, "text gcc json sarif github"},
	{"erase", cmd_erase, "erase one root row and its data: plan, batches, receipt", erase_options, "text json"},
	{"completion", cmd_completion, NULL, NULL, NULL},
};
const size_t pgc_ncommands = sizeof(pgc_commands) / sizeof(pgc_commands[0]);

const Command *command_find(const char *name)
{
	for (size_t i = 0; i < pgc_ncommands; i++)
		if (strcmp(pgc_commands[i].name, name) == 0)
			return &pgc_commands[i];
	return NULL;
}

int edit_distance(const char *a, const char *b)
{
	/* optimal string alignment: insertions, deletions, substitutions and
	 * transpositions of two neighbours ("audti") each count as one edit */
	size_t la = strlen(a), lb = strlen(b);
	if (la > 63 || lb > 63)
		return 1000;
	int d[64][64];
	for (size_t i = 0; i <= la; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= la; i++)
		for (size_t j = 1; j <= lb; j++) {
			int best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[la][lb];
}
