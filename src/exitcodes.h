/*
 * exitcodes.h - the one exit-code enum, shared by every command.
 * Documented in README.md and man/pgcascade.1; keep the three in step.
 */
#ifndef PGC_EXITCODES_H
#define PGC_EXITCODES_H

enum pgc_exit {
	PGC_EXIT_OK = 0,       /* no error finding; verify: proof passed */
	PGC_EXIT_FINDINGS = 1, /* error findings; fix --check: a fix is needed; verify: proof failed */
	PGC_EXIT_USAGE = 2,    /* usage or input error: bad flag, missing/unreadable file, bad config */
	PGC_EXIT_DB = 3,       /* database error: connect, query, embedded cluster */
	PGC_EXIT_INTERNAL = 4, /* the tool itself failed: out of memory, write error */
};

#endif
