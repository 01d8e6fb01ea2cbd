/*
 * verify.c - `pgcascade verify`: prove on a real database that deleting
 * the root row removes every row of the deletion closure.
 *
 * Embedded mode (no --db): start a throwaway PostgreSQL (verify/cluster.c),
 * apply the sources over one connection (cockroach dialect through
 * frontend_translate), then with --with-fix the migration `pgcascade fix`
 * would write (up, then validate), then the --extra files; load the model
 * from THAT database with the live loader, analyse it, and run the proof
 * (verify/seed.c). The cluster is always torn down.
 *
 * Live mode (--db): load the model, then one transaction per root that is
 * always rolled back. On CockroachDB (version() says so) we follow its
 * transaction rules: savepoints are general-purpose nested transactions
 * since v20.1 (https://www.cockroachlabs.com/docs/stable/savepoint), a
 * 40001 retry error means the whole transaction is rolled back and run
 * again (https://www.cockroachlabs.com/docs/stable/transaction-retry-error-reference),
 * and there is no SET CONSTRAINTS because CockroachDB has no deferrable
 * foreign keys (https://github.com/cockroachdb/cockroach/issues/31632).
 */
#include "cli/common.h"
#include "cli/timeout.h"
#include "lint/config.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "fix/fix.h"
#include "frontend/crdb.h"
#include "loader/live.h"
#include "verify/cluster.h"
#include "verify/seed.h"
#include "verify/verify.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum {
	OPT_WITH_FIX = OPT_FIRST_COMMAND_OPTION, OPT_KEEP, OPT_ALLOW_UNSEEDED, OPT_TIMINGS, OPT_EXTRA,
	OPT_RETAIN, OPT_LOCK_TIMEOUT, OPT_CONFIG, OPT_NO_CONFIG,
};

static const struct option verify_options[] = {
	{"with-fix", no_argument, NULL, OPT_WITH_FIX},
	{"keep", no_argument, NULL, OPT_KEEP},
	{"allow-unseeded", no_argument, NULL, OPT_ALLOW_UNSEEDED},
	{"timings", no_argument, NULL, OPT_TIMINGS},
	{"extra", required_argument, NULL, OPT_EXTRA},
	{"retain", required_argument, NULL, OPT_RETAIN},
	{"lock-timeout", required_argument, NULL, OPT_LOCK_TIMEOUT},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
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
	           "  --keep                keep the embedded cluster running and say how to connect\n"
	           "  --allow-unseeded      a closure table that could not be seeded is not a failure\n"
	           "  --timings             print startup, apply, load, seed and delete times to stderr\n"
	           "  --retain TABLE        A's rows may stay in TABLE (schema.table), repeatable;\n"
	           "                        adds to [erase] retain of the policy file\n"
	           "  --lock-timeout T      lock_timeout of the live session (default 2s; statement_timeout\n"
	           "                        is the larger of 30s and T,\n"
	           "                        unless the session already has a stricter one)\n"
	           "  --config FILE         policy file (default: the nearest " CONFIG_FILE_NAME ")\n"
	           "  --no-config           do not read a policy file\n"
	           "\nformats: text (default), json\n"
	           "environment: PGCASCADE_PG_BINDIR  directory of initdb and postgres\n"
	           "exit: 0 the proof passed, 1 the delete failed, left rows of A, removed rows of B\n"
	           "      no cascade explains, or a table could not be seeded, 2 usage/input error,\n"
	           "      3 database error (a lock or statement timeout included)\n",
	        common_options_help);
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static bool g_progress;

static void quiet_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

static void progress(const char *what, int n)
{
	if (!g_progress)
		return;
	if (strcmp(what, "seeding") == 0)
		fprintf(stderr, "seeding %d table%s\u2026\n", n, n == 1 ? "" : "s");
	else if (strcmp(what, "deleting") == 0)
		fprintf(stderr, "deleting the root row\u2026\n");
	else
		fprintf(stderr, "%s %d\u2026\n", what, n);
}

#ifdef PGC_FAULT_INJECTION
/*
 * Test hook (ASan/test builds only): PGCASCADE_VERIFY_STALL=<phase> makes
 * verify announce "stalling before <phase>" on stderr and wait up to 30 s
 * (SIGUSR1 ends the wait), so a test can kill the server or send a
 * signal at a known point.
 */
static volatile sig_atomic_t g_wake;

static void on_usr1(int sig)
{
	(void)sig;
	g_wake = 1;
}

static void stall(const char *phase)
{
	const char *want = getenv("PGCASCADE_VERIFY_STALL");
	if (!want || strcmp(want, phase) != 0)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, NULL);
	fprintf(stderr, "pgcascade: stalling before %s\n", phase);
	fflush(stderr);
	for (int i = 0; i < 300 && !g_wake; i++)
		usleep(100000);
}
#else
static void stall(const char *phase) { (void)phase; }
#endif

/* After a database error in embedded mode: did the server die? (Give a
 * SIGKILLed postmaster a moment to become reapable.) */
static bool server_gone(Cluster *cl)
{
	for (int i = 0; i < 40; i++) {
		if (cluster_died(cl))
			return true;
		usleep(25000);
	}
	return false;
}

/* Is the server CockroachDB? From version(), as the issue asks. */
static int detect_crdb(PGconn *conn, bool *crdb, Err *err)
{
	PGresult *r = PQexec(conn, "SELECT version()");
	if (PQresultStatus(r) != PGRES_TUPLES_OK) {
		err_set(err, PGC_EXIT_DB, "SELECT version() failed: %s", PQerrorMessage(conn));
		PQclear(r);
		return -1;
	}
	*crdb = strstr(PQgetvalue(r, 0, 0), "CockroachDB") != NULL;
	PQclear(r);
	return 0;
}

/*
 * Live mode: lock_timeout and statement_timeout for the session, so the
 * proof never queues long behind (or blocks) production traffic. A
 * timeout then fails the statement (SQLSTATE 55P03 / 57014): a database
 * error, exit 3.
 */
static int set_timeouts(PGconn *conn, const char *lock_timeout, long lock_ms, bool crdb, Err *err)
{
	char stmt_ms[32];
	long want = lock_ms == 0 ? 0 : lock_ms > 30000 ? lock_ms : 30000;
	snprintf(stmt_ms, sizeof(stmt_ms), "%ldms", want);
	/* a stricter statement_timeout the session already has (role,
	 * database, conninfo options) stays */
	bool keep_stmt = false;
	PGresult *cur = PQexec(conn, "SELECT setting FROM pg_catalog.pg_settings WHERE name = 'statement_timeout'");
	if (PQresultStatus(cur) == PGRES_TUPLES_OK && PQntuples(cur) == 1) {
		long have = atol(PQgetvalue(cur, 0, 0));
		keep_stmt = have > 0 && (want == 0 || have <= want);
	}
	PQclear(cur);
	const char *names[2] = {"lock_timeout", "statement_timeout"};
	const char *values[2] = {lock_timeout, stmt_ms};
	for (int i = 0; i < (keep_stmt ? 1 : 2); i++) {
		const char *p[2] = {names[i], values[i]};
		PGresult *r = PQexecParams(conn, "SELECT set_config($1, $2, false)", 2, NULL, p, NULL, NULL, 0);
		bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
		if (!ok && !(crdb && i == 0)) /* older CockroachDB has no lock_timeout */
			return err_set(err, PGC_EXIT_DB, "could not set %s = %s: %s", names[i], values[i],
			               PQerrorMessage(conn));
	}
	return 0;
}

static int exec_ok(PGconn *conn, const char *sql, Err *err)
{
	PGresult *r = PQexec(conn, sql);
	int st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		msg[strcspn(msg, "\n")] = '\0';
		err_set(err, PGC_EXIT_DB, "%s failed: %s", sql, *msg ? msg : "no connection");
		PQclear(r);
		return -1;
	}
	PQclear(r);
	return 0;
}

/*
 * One proof per root, each in its own transaction: rolled back unless
 * commit (--keep in embedded mode); run again on a CockroachDB retry
 * error. Returns 0 or -1 with err.
 */
static int run_proofs(PGconn *conn, Model *m, Analysis *an, bool crdb, bool embedded, bool commit,
                      const ErasePolicy *policy, SeedResult **results, int *nresults,
                      VerifyTimings *tm, Err *err)
{
	SeedOptions so = {.crdb = crdb, .commit_seed = embedded, .policy = policy, .progress = progress};
	*nresults = (int)an->roots.n;
	*results = arena_alloc(m->arena, (an->roots.n + 1) * sizeof(**results));
	for (size_t i = 0; i < an->roots.n; i++) {
		int r = 1;
		for (int attempt = 0; attempt < 5 && r == 1; attempt++) {
			if (exec_ok(conn, "BEGIN", err) < 0)
				return -1;
			stall("seed");
			r = seed_prove(conn, m, an, an->roots.items[i], &so, &(*results)[i], err);
			if (r < 0 || r == 1 || !commit) {
				PGresult *rb = PQexec(conn, "ROLLBACK");
				PQclear(rb);
			} else if (exec_ok(conn, "COMMIT", err) < 0) {
				return -1;
			}
		}
		if (r == 1)
			return err_set(err, PGC_EXIT_DB, "the server kept asking to retry the transaction (SQLSTATE 40001)");
		if (r < 0)
			return -1;
		tm->seed += (*results)[i].seed_ms;
		tm->seed_cpu = tm->seed_cpu < 0 || (*results)[i].seed_cpu_ms < 0 ? -1 : tm->seed_cpu + (*results)[i].seed_cpu_ms;
		tm->del += (*results)[i].delete_ms;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	common_init(&o);
	bool with_fix = false, keep = false, allow_unseeded = false, timings = false;
	const char **extras = NULL;
	int nextras = 0;
	const char **retains = NULL;
	int nretains = 0;
	const char *lock_timeout = "2s", *config_path = NULL;
	bool no_config = false;
	long lock_ms = 2000;
	Cluster cl;
	memset(&cl, 0, sizeof(cl));
	bool cluster_up = false;
	PGconn *conn = NULL;
	VerifyTimings tm = {0, -1, -1, 0, -1, 0, 0, 0};
	double t_start = now_ms();

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
		case OPT_ALLOW_UNSEEDED:
			allow_unseeded = true;
			continue;
		case OPT_TIMINGS:
			timings = true;
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
		case OPT_EXTRA: {
			const char **nv = arena_alloc(a, (size_t)(nextras + 1) * sizeof(*nv));
			if (nextras)
				memcpy(nv, extras, (size_t)nextras * sizeof(*nv));
			nv[nextras++] = optarg;
			extras = nv;
			continue;
		}
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
	g_progress = isatty(STDERR_FILENO) && !o.quiet;
	/* a malformed --root is a usage error before any server starts */
	for (int i = 0; i < o.nroots; i++) {
		Root r;
		if (root_parse(a, o.roots[i], &r, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	}

	/* the policy file's [erase] retain, plus --retain */
	LintConfig cfg;
	config_init(&cfg);
	if (!config_path && !no_config)
		config_path = config_find(a, ".");
	if (config_path && config_load(a, config_path, &cfg, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	for (int i = 0; i < nretains; i++)
		if (policy_add_retain(a, &cfg.erase, retains[i], &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	if (o.nroots == 0 && cfg.roots.n) {
		o.roots = cfg.roots.items;
		o.nroots = (int)cfg.roots.n;
	}
	if (o.nowner == 0 && cfg.owner_patterns.n) {
		o.owner_patterns = cfg.owner_patterns.items;
		o.nowner = (int)cfg.owner_patterns.n;
	}

	AnalysisOptions ao;
	common_analysis_options(&o, &ao);
	VerifyReport rep;
	memset(&rep, 0, sizeof(rep));
	rep.allow_unseeded = allow_unseeded;
	rep.with_fix = with_fix;
	Model *live = model_new(a);
	bool crdb = false;

	if (o.use_db) {
		if (o.npaths > 0 || with_fix || nextras || keep) {
			err_set(&err, PGC_EXIT_USAGE,
			        "--db runs in live mode on an existing database: it takes no files, --with-fix, "
			        "--extra or --keep (got \"%s\")",
			        o.npaths ? o.paths[0] : with_fix ? "--with-fix" : nextras ? "--extra" : "--keep");
			ret = die_with(&err);
			goto out;
		}
		conn = db_connect(o.db, &err);
		if (!conn) {
			ret = die_with(&err);
			goto out;
		}
		if (detect_crdb(conn, &crdb, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		/* a busy database: wait at most this long behind other sessions */
		if (set_timeouts(conn, lock_timeout, lock_ms, crdb, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	} else {
		if (o.npaths == 0) {
			err_set(&err, PGC_EXIT_USAGE,
			        "no migration files given: name files or directories, or use --db URL");
			ret = die_with(&err);
			goto out;
		}
		/* read everything first: input errors come before any server starts */
		if (sources_collect(a, o.paths, o.npaths, &o.sources, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		SourceList extra_src = {0};
		if (nextras && sources_collect(a, extras, nextras, &extra_src, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		/* the dialect: as given, else cockroach when any source uses
		 * CockroachDB-only syntax (the front end's own detection) */
		Dialect d = o.dialect;
		for (size_t i = 0; d == DIALECT_AUTO && i < o.sources.n; i++) {
			CrdbRewrite rw;
			if (crdb_rewrite(a, &o.sources.items[i], &rw, &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			if (rw.first_syntax) {
				d = DIALECT_COCKROACH;
				SrcLoc l = srcloc_at(o.sources.items[i].path, o.sources.items[i].text,
				                     o.sources.items[i].len, rw.first_offset);
				if (!o.quiet)
					log_info("%s:%d:%d: %s: reading the sources as CockroachDB SQL and translating them "
					         "for PostgreSQL (--dialect postgres turns this off)",
					         l.file, l.line, l.col, rw.first_syntax);
			}
		}
		if (d == DIALECT_AUTO)
			d = DIALECT_POSTGRES;
		/* --with-fix: the migration `pgcascade fix` would write, from the static model */
		FixOutput fx;
		memset(&fx, 0, sizeof(fx));
		if (with_fix) {
			Model *stat = model_new(a);
			if (frontend_load(stat, &o.sources, d, &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			Analysis san;
			if (analyze(stat, &ao, &san, &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			FixOptions fo;
			memset(&fo, 0, sizeof(fo));
			fo.command_line = "pgcascade verify --with-fix";
			if (fix_build(stat, &san, &fo, &fx, &err) < 0) {
				ret = die_with(&err);
				goto out;
			}
			rep.fix_changes = fx.nchanges;
		}
		/* translate before starting the server: untranslatable input is an input error */
		char **texts = arena_alloc(a, (o.sources.n + extra_src.n + 3) * sizeof(*texts));
		PGC_VEC(Source) all = {0};
		for (size_t i = 0; i < o.sources.n; i++)
			VEC_PUSH(a, all, o.sources.items[i]);
		const char *fixparts[2] = {fx.up, fx.validate};
		const char *fixnames[2] = {"(fix: up migration)", "(fix: validate migration)"};
		for (int k = 0; k < 2; k++)
			if (fixparts[k] && *fixparts[k]) {
				Source fs = {fixnames[k], arena_strdup(a, fixparts[k]), strlen(fixparts[k])};
				VEC_PUSH(a, all, fs);
			}
		for (size_t i = 0; i < extra_src.n; i++)
			VEC_PUSH(a, all, extra_src.items[i]);
		for (size_t i = 0; i < all.n; i++) {
			if (d == DIALECT_COCKROACH) {
				texts[i] = frontend_translate(a, &all.items[i], d, &err);
				if (!texts[i]) {
					ret = die_with(&err);
					goto out;
				}
			} else {
				texts[i] = all.items[i].text;
			}
		}

		double t0 = now_ms();
		if (cluster_start(&cl, keep, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		cluster_up = true;
		tm.startup = now_ms() - t0;
		rep.embedded = true;
		char ci[700];
		snprintf(ci, sizeof(ci), "%s client_encoding=UTF8 application_name=pgcascade-verify", cl.conninfo);
		conn = PQconnectdb(ci);
		if (PQstatus(conn) != CONNECTION_OK) {
			err_set(&err, PGC_EXIT_DB, "could not connect to the embedded PostgreSQL: %s", PQerrorMessage(conn));
			ret = die_with(&err);
			goto out;
		}
		PQsetNoticeProcessor(conn, quiet_notice, NULL);
		{
			PGresult *r = PQexec(conn, "SET client_min_messages = warning");
			PQclear(r);
		}
		stall("apply");
		t0 = now_ms();
		if (g_progress)
			fprintf(stderr, "applying %zu migration%s\u2026\n", all.n, all.n == 1 ? "" : "s");
		for (size_t i = 0; i < all.n; i++) {
			if (i == o.sources.n)
				tm.apply = now_ms() - t0; /* the sources; the rest is the fix and extras */
			if (verify_apply(conn, &all.items[i], texts[i], &err) < 0) {
				if (err.code == PGC_EXIT_DB && server_gone(&cl))
					log_error("the embedded PostgreSQL server died during verify");
				ret = die_with(&err);
				goto out;
			}
		}
		rep.napplied = (int)all.n;
		{
			/* whatever the sources SET (search_path, role, timeouts) must
			 * not steer the proof */
			PGresult *r = PQexec(conn, "DISCARD ALL");
			PQclear(r);
			r = PQexec(conn, "SET client_min_messages = warning");
			PQclear(r);
		}
		if (all.n == o.sources.n)
			tm.apply = now_ms() - t0;
		tm.fix = now_ms() - t0 - tm.apply;
	}

	double t0 = now_ms();
	stall("load");
	if (live_load(live, conn, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	live->live = true;
	live->server_is_crdb = live->server_is_crdb || crdb;
	crdb = live->server_is_crdb;
	live->dialect = crdb ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	tm.load = now_ms() - t0;
	Analysis an;
	if (analyze(live, &ao, &an, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (policy_check(&cfg.erase, live, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	SeedResult *results = NULL;
	int nresults = 0;
	if (run_proofs(conn, live, &an, crdb, rep.embedded, rep.embedded && keep, &cfg.erase, &results, &nresults,
	               &tm, &err) < 0) {
		if (rep.embedded && err.code == PGC_EXIT_DB && server_gone(&cl))
			log_error("the embedded PostgreSQL server died during verify");
		ret = die_with(&err);
		goto out;
	}
	tm.total = now_ms() - t_start;
	rep.results = results;
	rep.nresults = nresults;
	rep.timings = timings ? &tm : NULL;
	if (strcmp(fmt, "json") == 0)
		verify_report_json(stdout, &rep);
	else
		verify_report_text(stdout, &rep, o.color);
	if (timings)
		fprintf(stderr, "timings: startup %.0f ms, apply %.0f ms (fix and extras %.0f ms), load %.0f ms, "
		        "seed %.0f ms (CPU %.0f ms), delete %.0f ms, total %.0f ms\n",
		        tm.startup, tm.apply, tm.fix, tm.load, tm.seed, tm.seed_cpu, tm.del, tm.total);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("could not write to standard output");
		ret = PGC_EXIT_INTERNAL;
		goto out;
	}
	ret = verify_ok(&rep) ? PGC_EXIT_OK : PGC_EXIT_FINDINGS;
out:
	if (conn)
		PQfinish(conn);
	if (cluster_up) {
		if (keep && !cluster_died(&cl)) {
			fprintf(stderr, "pgcascade: the embedded cluster keeps running; connect with:\n"
			                "  psql \"host=%s port=%d user=postgres dbname=postgres\"\n"
			                "stop and remove it with:\n  %s\n",
			        cl.dir, cl.port, cluster_stop_hint(&cl));
		} else {
			cl.keep = false;
		}
		double t_stop = now_ms();
		cluster_stop(&cl);
		if (timings)
			fprintf(stderr, "timings: teardown %.0f ms (stop the server, remove its directory)\n",
			        now_ms() - t_stop);
	}
	arena_free(a);
	return ret;
}
