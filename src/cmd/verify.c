/*
 * verify.c - `pgcascade verify`: options, the report, the exit code.
 * The stages (static read, throwaway cluster, apply, live load, proof)
 * are verify/run.c's.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "cli/timeout.h"
#include "lint/config.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "verify/cluster.h"
#include "verify/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum {
	OPT_WITH_FIX = OPT_FIRST_COMMAND_OPTION, OPT_KEEP, OPT_CLEANUP, OPT_ALLOW_UNSEEDED, OPT_TIMINGS, OPT_EXTRA,
	OPT_TOLERATE, OPT_CONFIG, OPT_NO_CONFIG, OPT_RETAIN, OPT_LOCK_TIMEOUT,
};

const struct option verify_options[] = {
	{"with-fix", no_argument, NULL, OPT_WITH_FIX},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"cleanup", no_argument, NULL, OPT_CLEANUP},
	{"allow-unseeded", no_argument, NULL, OPT_ALLOW_UNSEEDED},
	{"timings", no_argument, NULL, OPT_TIMINGS},
	{"extra", required_argument, NULL, OPT_EXTRA},
	{"tolerate", required_argument, NULL, OPT_TOLERATE},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{"retain", required_argument, NULL, OPT_RETAIN},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{NULL, 0, NULL, 0},
};

static void verify_usage(FILE *f)
{
	fprintf(f, "usage: pgcascade verify [options] [--with-fix] [--extra FILE]... PATH...\n"
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
	           "transaction that is always rolled back.\n\n"
	           "options:\n%s"
	           "  --with-fix            apply the fix migration before proving (embedded mode)\n"
	           "  --extra FILE          apply FILE after the sources (and the fix), repeatable\n"
	           "  --tolerate SQLSTATE[,...]  skip a statement that fails with one of these\n"
	           "                        SQLSTATEs, as the project's migration runner does\n"
	           "                        (statements the audit ignores are always skipped)\n"
	           "  --config FILE         policy file (default: the nearest " CONFIG_FILE_NAME "; its\n"
	           "                        tolerate = adds SQLSTATEs, [erase] retain = tables)\n"
	           "  --no-config           do not read a policy file\n"
	           "  --keep                keep the embedded cluster running and say how to connect\n"
	           "  --cleanup             only remove the cluster directories killed runs left behind\n"
	           "                        (under $TMPDIR or /tmp), say which, and exit\n"
	           "  --allow-unseeded      a closure table that could not be seeded is not a failure\n"
	           "  --timings             print startup, apply, load, seed and delete times to stderr\n"
	           "  --retain TABLE        A's rows may stay in TABLE (schema.table), repeatable;\n"
	           "                        adds to [erase] retain of the policy file\n"
	           "  --lock-timeout T      lock_timeout of the live session (default 2s; statement_timeout\n"
	           "                        is the larger of 30s and T, unless the session already has\n"
	           "                        a stricter one)\n"
	           "\nformats: text (default), json\n"
	           "environment: PGCASCADE_PG_BINDIR  directory of initdb and postgres\n"
	           "             PGCASCADE_VERIFY_APPLY=statement|savepoint  apply statement by statement (bench)\n"
	           "             PGCASCADE_VERIFY_ONE_OWNER=1  seed owner A only (bench baseline)\n"
	           "exit: 0 the proof passed, 1 the delete failed, left rows of A, removed rows of B\n"
	           "      no cascade explains, or a table could not be seeded, 2 usage/input error,\n"
	           "      3 database error (a lock or statement timeout included)\n",
	        common_options_help);
}

/* verify --cleanup: every stale cluster directory, and what was removed. */
static int verify_cleanup(void)
{
	StrBuf removed = STRBUF_INIT, failed = STRBUF_INIT;
	int n = cluster_cleanup(true, &removed, &failed);
	if (n == 0)
		printf("no stale verify cluster found\n");
	else
		printf("removed %d stale %s: %s\n", n, words_noun(n, "verify cluster", "verify clusters"), removed.buf);
	int ret = PGC_EXIT_OK;
	if (failed.len) {
		log_error("could not remove: %s", failed.buf);
		ret = PGC_EXIT_INTERNAL;
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		ret = PGC_EXIT_INTERNAL;
	sb_release(&removed);
	sb_release(&failed);
	return ret;
}

int cmd_verify(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	common_init(&o);
	bool with_fix = false, keep = false, allow_unseeded = false, timings = false, no_config = false;
	const char *config_path = NULL, *lock_timeout = "2s";
	long lock_ms = 2000;
	const char **retains = NULL;
	int nretains = 0;
	LintConfig cfg;
	config_init(&cfg);
	const char **extras = NULL;
	int nextras = 0;
	ApplyOptions ap;
	apply_options_init(&ap, a);

	struct option *longopts = options_table(a, verify_options);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			verify_usage(stdout);
			ret = PGC_EXIT_OK;
			goto out;
		case OPT_WITH_FIX:
			with_fix = true;
			continue;
		case OPT_KEEP:
			keep = true;
			continue;
		case OPT_CLEANUP:
			ret = verify_cleanup();
			goto out;
		case OPT_ALLOW_UNSEEDED:
			allow_unseeded = true;
			continue;
		case OPT_TIMINGS:
			timings = true;
			continue;
		case OPT_EXTRA: {
			const char **nv = arena_alloc(a, (size_t)(nextras + 1) * sizeof(*nv));
			if (nextras)
				memcpy(nv, extras, (size_t)nextras * sizeof(*nv));
			nv[nextras++] = optarg;
			extras = nv;
			continue;
		}
		case OPT_TOLERATE:
			if (apply_add_tolerate(&ap, optarg, "--tolerate", &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			continue;
		case OPT_RETAIN: {
			const char **nv = arena_alloc(a, (size_t)(nretains + 1) * sizeof(*nv));
			if (nretains)
				memcpy(nv, retains, (size_t)nretains * sizeof(*nv));
			nv[nretains++] = optarg;
			retains = nv;
			continue;
		}
		case OPT_LOCK_TIMEOUT:
			lock_timeout = optarg;
			if (timeout_parse("--lock-timeout", optarg, &lock_ms, &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			continue;
		case OPT_CONFIG:
			config_path = optarg;
			continue;
		case OPT_NO_CONFIG:
			no_config = true;
			continue;
		default:
			break;
		}
		int r = common_option(a, &o, c, optarg, &err);
		if (r < 0) {
			ret = die_with(&err);
			goto out;
		}
		if (r == 0) {
			verify_usage(stderr);
			ret = PGC_EXIT_USAGE;
			goto out;
		}
	}
	common_paths(&o, argc, argv);
	const char *fmt = o.format ? o.format : "text";
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --format \"%s\": verify writes text or json", fmt);
		ret = die_with(&err);
		goto out;
	}
	/* the policy file's tolerate = (its other keys are lint's) */
	if (!config_path && !no_config)
		config_path = config_find(a, ".");
	if (config_path && !no_config) {
		if (config_load(a, config_path, &cfg, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		for (size_t i = 0; i < cfg.tolerate.n; i++)
			if (apply_add_tolerate(&ap, cfg.tolerate.items[i], arena_printf(a, "%s: tolerate", config_path),
			                       &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
	}
	/* --retain adds to the policy file's [erase] retain */
	for (int i = 0; i < nretains; i++)
		if (policy_add_retain(a, &cfg.erase, retains[i], &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	/* a malformed --root is a usage error before any server starts */
	for (int i = 0; i < o.nroots; i++) {
		Root r;
		if (root_parse(a, o.roots[i], &r, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	}

	VerifyParams p;
	memset(&p, 0, sizeof(p));
	common_analysis_options(&o, &p.ao);
	p.dialect = o.dialect;
	p.with_fix = with_fix;
	p.keep = keep;
	p.quiet = o.quiet;
	p.progress = isatty(STDERR_FILENO) && !o.quiet;
	p.apply = &ap;
	p.policy = &cfg.erase;
	p.lock_timeout = lock_timeout;
	p.lock_ms = lock_ms;
	SourceList extra_src = {0};
	if (o.use_db) {
		if (o.npaths > 0 || with_fix || nextras || keep) {
			err_set(&err, PGC_EXIT_USAGE,
			        "--db runs in live mode on an existing database: it takes no files, --with-fix, "
			        "--extra or --keep (got \"%s\")",
			        o.npaths ? o.paths[0] : with_fix ? "--with-fix" : nextras ? "--extra" : "--keep");
			ret = die_with(&err);
			goto out;
		}
		p.db = o.db;
	} else {
		if (o.npaths == 0) {
			err_set(&err, PGC_EXIT_USAGE,
			        "no migration files given: name files or directories, or use --db URL");
			ret = die_with(&err);
			goto out;
		}
		/* read everything first: input errors come before any server starts */
		if (collect_sources(a, &o, &err) < 0 ||
		    (nextras && sources_collect(a, extras, nextras, &extra_src, &err) < 0)) {
			ret = die_with(&err);
			goto out;
		}
		p.sources = &o.sources;
		p.extras = &extra_src;
	}

	VerifyReport rep;
	memset(&rep, 0, sizeof(rep));
	rep.allow_unseeded = allow_unseeded;
	VerifyTimings tm;
	if (verify_run(a, &p, &rep, &tm, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	rep.timings = timings ? &tm : NULL;
	if (strcmp(fmt, "json") == 0)
		verify_report_json(stdout, &rep);
	else
		verify_report_text(stdout, &rep, o.color);
	if (timings) {
		fprintf(stderr, "timings: startup %.0f ms, apply %.0f ms (fix and extras %.0f ms), load %.0f ms, "
		        "seed %.0f ms (CPU %.0f ms), delete %.0f ms, total %.0f ms\n",
		        tm.startup, tm.apply, tm.fix, tm.load, tm.seed, tm.seed_cpu, tm.del, tm.total);
		if (rep.embedded)
			fprintf(stderr, "timings: teardown %.0f ms (stop the server, remove its directory)\n"
			        "timings: apply ran %d %s one by one (a failed file is rerun so), skipped %d\n",
			        tm.teardown, tm.apply_alone, words_noun(tm.apply_alone, "statement", "statements"),
			        tm.apply_skipped);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("could not write to standard output");
		ret = PGC_EXIT_INTERNAL;
		goto out;
	}
	ret = verify_ok(&rep) ? PGC_EXIT_OK : PGC_EXIT_FINDINGS;
out:
	arena_free(a);
	return ret;
}
