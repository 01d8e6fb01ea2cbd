/* commands.c - the subcommand table; see commands.h. */
#include "cli/commands.h"
#include "cli/options.h"
#include "cmd/cmd.h"

#include <string.h>

const Command pgc_commands[] = {
	{"audit", cmd_audit, "find the foreign keys, the deletion closure and what blocks it", CMD_AUDIT,
	 "usage: pgcascade audit [options] PATH...\n"
	 "       pgcascade audit [options] --db URL\n\n"
	 "Prints every foreign key, the deletion closure of each root, and what\n"
	 "would block the delete, make it fail, or let data escape it.\n\n",
	 "text json dot mermaid",
	 "exit: 0 no error finding, 1 error findings, 2 usage/input error, 3 database error\n"},
	{"fix", cmd_fix, "write the migration that makes the closure cascade", CMD_FIX,
	 "usage: pgcascade fix [options] [--out DIR] PATH...\n"
	 "       pgcascade fix [options] [--out DIR] --db URL\n\n"
	 "Writes the migration that re-creates every foreign key blocking\n"
	 "DELETE FROM <root> with ON DELETE CASCADE (lock-safe, idempotent,\n"
	 "reversible). Without --out, prints the up migration.\n\n",
	 "sql",
	 "\nexit: 0 written or nothing to fix, 1 --check and a fix is needed,\n"
	 "      2 usage/input error, 3 database error, 4 write error\n"},
	{"verify", cmd_verify, "prove on a real PostgreSQL that deleting the root removes everything", CMD_VERIFY,
	 "usage: pgcascade verify [options] [--with-fix] [--extra FILE]... PATH...\n"
	 "       pgcascade verify [options] --db URL\n\n"
	 "Proves on a real database that DELETE FROM <root> removes every row of one\n"
	 "owner and only what a cascade path ties to it: seeds two root rows A and B, one\n"
	 "row per FK path for each, rows of B that reference A's rows and of A that\n"
	 "reference B's, and each owner's key in owner columns without an FK; deletes A\n"
	 "and checks that the delete succeeds, none of A's rows is left (unless its table\n"
	 "is retained), B's rows are gone only through ON DELETE CASCADE paths, and SET\n"
	 "NULL rows stay with the column nulled; and that no NO ACTION / RESTRICT edge\n"
	 "is left inside the closure.\n\n"
	 "Without --db it starts its own throwaway PostgreSQL (Unix socket only, removed\n"
	 "afterwards), applies PATH... in order, then with --with-fix the migration that\n"
	 "`pgcascade fix` writes, then each --extra FILE. With --db it works inside one\n"
	 "transaction that is always rolled back.\n\n",
	 "text json",
	 "environment: PGCASCADE_PG_BINDIR  directory of initdb and postgres\n"
	 "             PGCASCADE_VERIFY_APPLY=statement|savepoint  apply statement by statement (bench)\n"
	 "             PGCASCADE_VERIFY_ONE_OWNER=1  seed owner A only (bench baseline)\n"
	 "exit: 0 the proof passed, 1 the delete failed, left rows of A, removed rows of B\n"
	 "      no cascade explains, or a table could not be seeded, 2 usage/input error,\n"
	 "      3 database error (a lock or statement timeout included)\n"},
	{"lint", cmd_lint, "CI guard for new migrations", CMD_LINT,
	 "usage: pgcascade lint [options] PATH...\n\n"
	 "Replays the whole schema from PATHs and reports the findings located in\n"
	 "the new migration files only.\n\n",
	 "text gcc json sarif github",
	 "suppress: -- pgcascade:ignore RULE[,RULE] reason   (statement or line above)\n"
	 "          -- pgcascade:ignore-file RULE reason     (whole file)\n"
	 "exit: 0 no error finding, 1 error findings, 2 usage/input/config error, 3 database error\n"},
	{"erase", cmd_erase, "erase one root row and its data: plan, batches, receipt", CMD_ERASE,
	 "usage: pgcascade erase --db URL [--root R] --key VALUE [options]\n"
	 "       pgcascade erase --emit-sql FILE [--check] (--db URL | PATH...)\n"
	 "       pgcascade erase --check-receipt FILE\n\n"
	 "Erases one root row and everything that hangs off it: rows reached through\n"
	 "foreign keys, rows of owner-column tables without a foreign key, with the\n"
	 "[erase] policy of .pgcascade.ini (retain, anonymize, delete-by).\n\n",
	 "text json",
	 "exit: 0 done, 1 no such row / blocked / verification failed / stale script or bad receipt,\n"
	 "      2 usage/input error (nothing changed), 3 database error\n"},
	{"config", cmd_config, "print the effective settings and where each one came from", CMD_CONFIG,
	 "usage: pgcascade config [--config FILE | --no-config] [options]\n\n"
	 "Prints the settings the other commands would use here: each key of the\n"
	 "policy file (" ".pgcascade.ini" ", found walking up from the working directory\n"
	 "to the repository root), and where its value came from: a flag (# --root),\n"
	 "the file (# .pgcascade.ini:3) or the default (# default). Flags win over\n"
	 "the file, the file over the defaults.\n\n",
	 "text json",
	 "exit: 0 printed, 2 usage error or a bad policy file\n"},
	{"completion", cmd_completion, NULL, 0, NULL, NULL, NULL},
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
