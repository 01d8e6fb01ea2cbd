/* lint.c - `pgcascade lint`: not implemented yet (see its issue). */
#include "cmd/cmd.h"
#include "exitcodes.h"

#include <stdio.h>

int cmd_lint(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "pgcascade: error: lint is not implemented yet\n");
	return PGC_EXIT_INTERNAL;
}
