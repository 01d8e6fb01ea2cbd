/* fix.c - `pgcascade fix`: not implemented yet (see its issue). */
#include "cmd/cmd.h"
#include "exitcodes.h"

#include <stdio.h>

int cmd_fix(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "pgcascade: error: fix is not implemented yet\n");
	return PGC_EXIT_INTERNAL;
}
