/*
 * run.c - the verify stages, in order; see run.h.
 */
#include "verify/run.h"
#include "exitcodes.h"
#include "fix/fix.h"
#include "loader/live.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"
#include "verify/cluster.h"
#include "verify/seed.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
		log_info("seeding %d %s\u2026", n, words_noun(n, "table", "tables"));
	else if (strcmp(what, "deleting") == 0)
		log_info("deleting the root row\u2026");
	else
		log_info("%s %d\u2026", what, n);
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
	/* where each phase starts in the allocation count, for the tests
	 * that fail one allocation in each (t0625) */
	if (getenv("PGCASCADE_COUNT_ALLOC"))
		fprintf(stderr, "pgcascade: allocations before %s: %ld\n", phase, xalloc_count());
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

/* Is the server CockroachDB? From version(). */
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
	if (PQresultStatus(cur) != PGRES_TUPLES_OK) {
		err_set(err, PGC_EXIT_DB, "reading statement_timeout failed: %s", PQerrorMessage(conn));
		PQclear(cur);
		return -1;
	}
	if (PQntuples(cur) == 1) {
		long have = atol(PQgetvalue(cur, 0, 0));
		keep_stmt = have > 0 && (want == 0 || have <= want);
	}
	PQclear(cur);
	const char *names[2] = {"lock_timeout", "statement_timeout"};
	const char *values[2] = {lock_timeout, stmt_ms};
	for (int i = 0; i < (keep_stmt ? 1 : 2); i++) {
		const char *pv[2] = {names[i], values[i]};
		PGresult *r = PQexecParams(conn, "SELECT set_config($1, $2, false)", 2, NULL, pv, NULL, NULL, 0);
		bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
		PQclear(r);
		if (!ok && !(crdb && i == 0)) /* older CockroachDB has no lock_timeout */
			return err_set(err, PGC_EXIT_DB, "could not set %s = %s: %s", names[i], values[i],
			               PQerrorMessage(conn));
	}
	return 0;
}

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

/* The files to apply, in order: sources, the fix (up, validate), extras. */
typedef struct Plan {
	PGC_VEC(Source) all;
	char **texts;                 /* translated for PostgreSQL */
	size_t nsources, nfix;
} Plan;

/*
 * Everything that can fail on input before a server starts: the static
 * read (dialect, replay warnings, fix) and the translation.
 */
static int plan_build(Arena *a, const VerifyParams *p, Plan *pl, VerifyReport *rep, Err *err)
{
	Model *stat = model_new(a);
	/* the replay's "ignored" warnings wait for apply.c to skip their statements */
	log_set_warning_hook(apply_warning_hook, p->apply);
	int r = frontend_load(stat, p->sources, p->dialect, err);
	log_set_warning_hook(NULL, NULL);
	if (r < 0)
		return -1;
	Dialect d = stat->dialect == DIALECT_COCKROACH ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	p->apply->crdb = d == DIALECT_COCKROACH;
	/* the front end has said "dialect: cockroach (where: why)" once;
	 * this says what verify does with it, without a second dialect line */
	if (d == DIALECT_COCKROACH && p->dialect == DIALECT_AUTO && !p->quiet)
		log_info("verify translates the CockroachDB sources for PostgreSQL (doc/cockroach.md); "
		         "--dialect postgres turns this off");
	FixOutput fx;
	memset(&fx, 0, sizeof(fx));
	if (p->with_fix) {
		Analysis san;
		if (analyze(stat, &p->ao, &san, err) < 0)
			return -1;
		FixOptions fo;
		memset(&fo, 0, sizeof(fo));
		fo.command_line = "pgcascade verify --with-fix";
		if (fix_build(stat, &san, &fo, &fx, err) < 0)
			return -1;
		rep->fix_changes = fx.nchanges;
	}
	for (size_t i = 0; i < p->sources->n; i++)
		VEC_PUSH(a, pl->all, p->sources->items[i]);
	pl->nsources = pl->all.n;
	const char *fixparts[2] = {fx.up, fx.validate};
	const char *fixnames[2] = {"(fix: up migration)", "(fix: validate migration)"};
	for (int k = 0; k < 2; k++)
		if (fixparts[k] && *fixparts[k]) {
			Source fs = {fixnames[k], arena_strdup(a, fixparts[k]), strlen(fixparts[k])};
			VEC_PUSH(a, pl->all, fs);
		}
	pl->nfix = pl->all.n - pl->nsources;
	for (size_t i = 0; p->extras && i < p->extras->n; i++)
		VEC_PUSH(a, pl->all, p->extras->items[i]);
	pl->texts = arena_alloc(a, (pl->all.n + 1) * sizeof(*pl->texts));
	for (size_t i = 0; i < pl->all.n; i++) {
		pl->texts[i] = d == DIALECT_COCKROACH ? frontend_translate(a, &pl->all.items[i], d, err)
		                                      : pl->all.items[i].text;
		if (!pl->texts[i])
			return -1;
	}
	rep->napplied = (int)pl->nsources;
	rep->nextras = p->extras ? (int)p->extras->n : 0;
	return 0;
}

static PGconn *connect_embedded(const Cluster *cl, Err *err)
{
	char ci[700];
	snprintf(ci, sizeof(ci), "%s client_encoding=UTF8 application_name=pgcascade-verify", cl->conninfo);
	PGconn *conn = PQconnectdb(ci);
	if (PQstatus(conn) != CONNECTION_OK) {
		err_set(err, PGC_EXIT_DB, "could not connect to the embedded PostgreSQL: %s", PQerrorMessage(conn));
		PQfinish(conn);
		return NULL;
	}
	PQsetNoticeProcessor(conn, quiet_notice, NULL);
	PGresult *r = PQexec(conn, "SET client_min_messages = warning");
	PQclear(r);
	return conn;
}

static int apply_all(PGconn *conn, Cluster *cl, const Plan *pl, const VerifyParams *p, VerifyTimings *tm,
                     Err *err)
{
	stall("apply");
	double t0 = now_ms();
	if (g_progress)
		log_info("applying %zu %s\u2026", pl->all.n, words_noun((long)pl->all.n, "migration", "migrations"));
	for (size_t i = 0; i < pl->all.n; i++) {
		if (i == pl->nsources) {
			tm->apply = now_ms() - t0; /* the sources; the rest is the fix and extras */
			apply_flush_warnings(p->apply);
		}
		if (verify_apply(conn, &pl->all.items[i], pl->texts[i], p->apply, err) < 0) {
			if (err->code == PGC_EXIT_DB && server_gone(cl))
				log_error("the embedded PostgreSQL server died during verify");
			return -1;
		}
	}
	if (pl->all.n == pl->nsources) {
		tm->apply = now_ms() - t0;
		apply_flush_warnings(p->apply);
	}
	tm->fix = now_ms() - t0 - tm->apply;
	tm->apply_alone = p->apply->statements;
	tm->apply_skipped = p->apply->skipped;
	/* whatever the sources SET (search_path, role, timeouts) must not steer the proof */
	PGresult *r = PQexec(conn, "DISCARD ALL");
	PQclear(r);
	r = PQexec(conn, "SET client_min_messages = warning");
	PQclear(r);
	return 0;
}

int verify_run(Arena *a, const VerifyParams *p, VerifyReport *rep, VerifyTimings *tm, Err *err)
{
	double t_start = now_ms();
	int ret = -1;
	Cluster cl;
	memset(&cl, 0, sizeof(cl));
	bool cluster_up = false;
	PGconn *conn = NULL;
	bool crdb = false;
	g_progress = p->progress;
	*tm = (VerifyTimings){-1, -1, 0, -1, 0, 0, 0, 0, 0, 0, 0};
	rep->with_fix = p->with_fix;

	if (p->db) {
		conn = db_connect(p->db, err);
		if (!conn || detect_crdb(conn, &crdb, err) < 0)
			goto out;
		/* a busy database: wait at most this long behind other sessions */
		if (set_timeouts(conn, p->lock_timeout ? p->lock_timeout : "2s", p->lock_timeout ? p->lock_ms : 2000,
		                 crdb, err) < 0)
			goto out;
	} else {
		Plan pl;
		memset(&pl, 0, sizeof(pl));
		if (plan_build(a, p, &pl, rep, err) < 0)
			goto out;
		double t0 = now_ms();
		if (cluster_start(&cl, p->keep, err) < 0)
			goto out;
		cluster_up = true;
		tm->startup = now_ms() - t0;
		rep->embedded = true;
		conn = connect_embedded(&cl, err);
		if (!conn || apply_all(conn, &cl, &pl, p, tm, err) < 0)
			goto out;
	}

	double t0 = now_ms();
	stall("load");
	Model *live = model_new(a);
	if (live_load(live, conn, err) < 0)
		goto out;
	live->live = true;
	live->server_is_crdb = live->server_is_crdb || crdb;
	crdb = live->server_is_crdb;
	live->dialect = crdb ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	tm->load = now_ms() - t0;
	Analysis *an = arena_alloc(a, sizeof(*an));
	if (analyze(live, &p->ao, an, err) < 0)
		goto out;
	if (p->policy && policy_check(p->policy, live, err) < 0)
		goto out;
	SeedResult *results = NULL;
	int nresults = 0;
	if (run_proofs(conn, live, an, crdb, rep->embedded, rep->embedded && p->keep, p->policy, &results,
	               &nresults, tm, err) < 0) {
		if (rep->embedded && err->code == PGC_EXIT_DB && server_gone(&cl))
			log_error("the embedded PostgreSQL server died during verify");
		goto out;
	}
	tm->total = now_ms() - t_start;
	rep->model = live;
	rep->results = results;
	rep->nresults = nresults;
	ret = 0;
out:
	if (conn)
		PQfinish(conn);
	if (cluster_up) {
		if (p->keep && !cluster_died(&cl)) {
			fprintf(stderr, "pgcascade: the embedded cluster keeps running; connect with:\n"
			                "  psql \"host=%s port=%d user=postgres dbname=postgres\"\n"
			                "stop and remove it with:\n  %s\n",
			        cl.dir, cl.port, cluster_stop_hint(&cl));
		} else {
			cl.keep = false;
		}
		double t_stop = now_ms();
		cluster_stop(&cl);
		tm->teardown = now_ms() - t_stop;
	}
	return ret;
}
