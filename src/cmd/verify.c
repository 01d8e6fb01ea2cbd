/*
 * verify.c - `pgcascade verify`: options, the report, the exit code.
 * The stages (static read, throwaway cluster, apply, live load, proof)
 * are verify/run.c's.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "cli/timeout.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "verify/cluster.h"
#include "verify/run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	Settings s;
	int parsed = common_parse(a, "verify", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	if (opt_given(&s, O_CLEANUP)) {
		ret = verify_cleanup();
		goto out;
	}
	bool with_fix = opt_given(&s, O_WITH_FIX), keep = opt_given(&s, O_KEEP);
	bool allow_unseeded = opt_given(&s, O_ALLOW_UNSEEDED), timings = opt_given(&s, O_TIMINGS);
	const char *lock_timeout = opt_str(&s, O_LOCK_TIMEOUT, "2s");
	long lock_ms = 2000;
	if (opt_given(&s, O_LOCK_TIMEOUT) && timeout_parse("--lock-timeout", lock_timeout, &lock_ms, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	const char **extras = s.v[O_EXTRA].vals;
	int nextras = s.v[O_EXTRA].n;
	const char *fmt = o.format ? o.format : "text";
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --format \"%s\": verify writes text or json", fmt);
		ret = die_with(&err);
		goto out;
	}
	/* tolerate = of the policy file, then --tolerate; [erase] retain =
	 * of the file, then --retain (the lists add up) */
	LintConfig *cfg = &s.cfg;
	ApplyOptions ap;
	apply_options_init(&ap, a);
	for (size_t i = 0; i < cfg->tolerate.n; i++)
		if (apply_add_tolerate(&ap, cfg->tolerate.items[i], arena_printf(a, "%s: tolerate", cfg->path),
		                       &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	for (int i = 0; i < s.v[O_TOLERATE].n; i++)
		if (apply_add_tolerate(&ap, s.v[O_TOLERATE].vals[i], "--tolerate", &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	for (int i = 0; i < s.v[O_RETAIN].n; i++)
		if (policy_add_retain(a, &cfg->erase, s.v[O_RETAIN].vals[i], &err) < 0) {
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
	p.policy = &cfg->erase;
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
		fprintf(stderr, "pgcascade: timings: startup %.0f ms, apply %.0f ms (fix and extras %.0f ms), load %.0f ms, "
		        "seed %.0f ms (CPU %.0f ms), delete %.0f ms, total %.0f ms\n",
		        tm.startup, tm.apply, tm.fix, tm.load, tm.seed, tm.seed_cpu, tm.del, tm.total);
		if (rep.embedded)
			fprintf(stderr, "pgcascade: timings: teardown %.0f ms (stop the server, remove its directory)\n"
			        "pgcascade: timings: apply ran %d %s one by one (a failed file is rerun so), skipped %d\n",
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
