/*
 * cluster.h - the embedded throwaway PostgreSQL of `pgcascade verify`.
 *
 * cluster_start() finds initdb and postgres, makes a private directory
 * with mkdtemp under $TMPDIR (when absolute and short) or /tmp, runs initdb (trust auth, UTF8, C locale) and
 * starts the postmaster as our child, listening on a Unix socket in that
 * directory only, tuned for speed (fsync, synchronous_commit and
 * full_page_writes off). As root it runs both as the `postgres` system
 * user, dropping privileges in the forked child.
 *
 * cluster_stop() kills the postmaster (SIGQUIT: immediate shutdown, then
 * SIGKILL if it lingers) and removes the directory. It is also run from
 * the SIGINT/SIGTERM/SIGHUP handler that cluster_start() installs, with
 * async-signal-safe calls only, after which the signal is re-raised so
 * the exit status tells the truth. Only one cluster exists per process.
 */
#ifndef PGC_CLUSTER_H
#define PGC_CLUSTER_H

#include "util/err.h"
#include "util/strbuf.h"

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

typedef struct Cluster {
	char dir[256];          /* the mkdtemp directory; "" when none */
	char bindir[PATH_MAX];  /* where initdb and postgres were found */
	char conninfo[512];     /* host=DIR port=N user=postgres dbname=postgres */
	int port;
	pid_t postmaster;       /* 0 when not running */
	bool keep;              /* leave it running at cluster_stop() */
} Cluster;

/*
 * Finds the server binaries: PGCASCADE_PG_BINDIR, `pg_config --bindir`,
 * /usr/lib/postgresql/<N>/bin (highest N first), then PATH. Fills
 * out (PATH_MAX bytes). Returns 0 or -1 with err (PGC_EXIT_DB).
 */
int cluster_find_bindir(char *out, Err *err);

/*
 * Creates and starts the cluster. keep: do not arrange for the server
 * to die with us (cluster_stop() then leaves it running). Returns 0, or
 * -1 with err (PGC_EXIT_DB); on failure nothing is left behind.
 */
int cluster_start(Cluster *c, bool keep, Err *err);

/*
 * Removes the cluster directories under $TMPDIR (or /tmp) that runs
 * killed with SIGKILL left behind: owner dead, not kept, no postmaster
 * running; with old_unowned also those without an owner file untouched
 * for 10 minutes. Never a live process's, a kept one or another user's.
 * Appends "DIR (reason)" items to removed and failed (either may be
 * NULL). Returns how many were removed. cluster_start() runs it first.
 */
int cluster_cleanup(bool old_unowned, StrBuf *removed, StrBuf *failed);

/* Stops the server and removes the directory (unless c->keep). Idempotent. */
void cluster_stop(Cluster *c);

/* True once the postmaster has exited on its own (reaps it). */
bool cluster_died(Cluster *c);

/* The command a user runs to stop a kept cluster (static buffer). */
const char *cluster_stop_hint(const Cluster *c);

#endif
