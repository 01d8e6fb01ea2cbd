/*
 * cluster.c - the embedded throwaway PostgreSQL; see cluster.h.
 *
 * Design: the postmaster is our own child (no pg_ctl), so we always know
 * its pid and can stop it from a signal handler with kill(). Teardown
 * uses only async-signal-safe calls (kill, waitpid, nanosleep, fork,
 * execv, _exit) so the very same code serves the normal path and the
 * SIGINT/SIGTERM/SIGHUP handler. When we are not keeping the cluster,
 * the postmaster also gets PR_SET_PDEATHSIG=SIGQUIT, so even a SIGKILL
 * of pgcascade does not leave a server running.
 *
 * What a SIGKILL does leave is the directory. Each one therefore holds an
 * owner file ("pid N\nstarttime T\nkeep 0|1\n", T being the owner's start
 * time in clock ticks since boot, /proc/PID/stat field 22, so a reused
 * pid is not mistaken for the owner). Older pgcascade wrote "start V" with
 * V read from the wrong field (vsize, which changes while the owner runs):
 * such a file's owner counts as alive while its pid exists, and an older
 * pgcascade leaves the new files alone (it does not recognise them). cluster_start() first removes every
 * directory of ours under the same parent whose owner is dead, whose
 * postmaster is gone and which was not kept (--keep), and says so in one
 * line; cluster_cleanup() (verify --cleanup) does the same and reports.
 * A directory of a live process, of another user, or kept, is never
 * touched.
 */
#include "verify/cluster.h"
#include "exitcodes.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <libpq-fe.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* State the signal handler reads: written before handlers are armed. */
static volatile pid_t g_postmaster;     /* running postmaster, or 0 */
static volatile pid_t g_child;          /* running initdb (its own process group), or 0 */
static char g_dir[256];                 /* directory to remove, or "" */
static volatile sig_atomic_t g_keep;
static char *g_rm_argv[] = {"/bin/rm", "-rf", "--", g_dir, NULL};
static bool g_handlers;

#define OWNER_FILE "owner"
#define DIR_PREFIX "pgcascade-verify."

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Waits for pid up to ~5 s, then SIGKILLs it. Async-signal-safe. */
static void reap_or_kill(pid_t pid)
{
	for (int i = 0; i < 250; i++) {
		pid_t r = waitpid(pid, NULL, WNOHANG);
		if (r == pid || (r < 0 && errno != EINTR))
			return;
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

/* Everything teardown needs, with async-signal-safe calls only. */
static void teardown(void)
{
	pid_t ch = g_child;
	if (ch > 0) {
		kill(-ch, SIGKILL); /* initdb and the bootstrap backend it runs */
		while (waitpid(ch, NULL, 0) < 0 && errno == EINTR)
			;
		g_child = 0;
	}
	if (g_keep)
		return;
	pid_t pm = g_postmaster;
	if (pm > 0) {
		kill(pm, SIGQUIT); /* immediate shutdown: backends exit at once */
		reap_or_kill(pm);
		g_postmaster = 0;
	}
	if (g_dir[0]) {
		/* twice: orphaned backends of a killed postmaster may still be
		 * writing for a moment */
		for (int i = 0; i < 2; i++) {
			pid_t rm = fork();
			if (rm == 0) {
				execv(g_rm_argv[0], g_rm_argv);
				_exit(127); /* pgc-allow-exit: ends the forked child, not pgcascade */
			}
			if (rm > 0)
				while (waitpid(rm, NULL, 0) < 0 && errno == EINTR)
					;
			if (access(g_dir, F_OK) < 0)
				break;
			sleep_ms(100);
		}
		g_dir[0] = '\0';
	}
}

/* Out of memory: the run failed, so nothing is kept. */
static void teardown_on_failure(void)
{
	g_keep = 0;
	teardown();
}

static void on_signal(int sig)
{
	int saved = errno;
	teardown();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigaction(sig, &sa, NULL);
	/* the signal is blocked while we run: it is delivered, with the
	 * default action, as soon as we return */
	raise(sig);
	errno = saved;
}

static void arm_handlers(void)
{
	if (g_handlers)
		return;
	/* A closed stdout must not kill us before the teardown: every write
	 * is checked, and a failed one is an error like any other. */
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigfillset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	g_handlers = true;
}

static bool is_exec(const char *dir, const char *name)
{
	char p[PATH_MAX];
	if (snprintf(p, sizeof(p), "%s/%s", dir, name) >= (int)sizeof(p))
		return false;
	return access(p, X_OK) == 0;
}

static bool has_server(const char *dir)
{
	return is_exec(dir, "initdb") && is_exec(dir, "postgres");
}

static int cmp_version_desc(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	double vx = atof(x), vy = atof(y);
	return vx < vy ? 1 : vx > vy ? -1 : strcmp(x, y);
}

int cluster_find_bindir(char *out, Err *err)
{
	const char *env = getenv("PGCASCADE_PG_BINDIR");
	if (env && *env) {
		if (!has_server(env))
			return err_set(err, PGC_EXIT_DB,
			               "PGCASCADE_PG_BINDIR=%s has no initdb and postgres executables", env);
		snprintf(out, PATH_MAX, "%s", env);
		return 0;
	}
	FILE *p = popen("pg_config --bindir 2>/dev/null", "r");
	if (p) {
		char line[PATH_MAX] = "";
		bool got = fgets(line, sizeof(line), p) != NULL;
		pclose(p);
		line[strcspn(line, "\n")] = '\0';
		if (got && *line && has_server(line)) {
			snprintf(out, PATH_MAX, "%s", line);
			return 0;
		}
	}
	DIR *d = opendir("/usr/lib/postgresql");
	if (d) {
		char *names[64];
		int n = 0;
		struct dirent *e;
		while ((e = readdir(d)) && n < 64)
			if (e->d_name[0] >= '0' && e->d_name[0] <= '9')
				names[n++] = xstrdup(e->d_name);
		closedir(d);
		qsort(names, (size_t)n, sizeof(names[0]), cmp_version_desc);
		int found = -1;
		for (int i = 0; i < n && found < 0; i++) {
			snprintf(out, PATH_MAX, "/usr/lib/postgresql/%s/bin", names[i]);
			if (has_server(out))
				found = i;
		}
		for (int i = 0; i < n; i++)
			free(names[i]);
		if (found >= 0)
			return 0;
	}
	const char *path = getenv("PATH");
	if (path) {
		char *copy = xstrdup(path), *save = NULL;
		for (char *dir = strtok_r(copy, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
			if (*dir && has_server(dir)) {
				snprintf(out, PATH_MAX, "%s", dir);
				free(copy);
				return 0;
			}
		}
		free(copy);
	}
	return err_set(err, PGC_EXIT_DB,
	               "could not find the PostgreSQL server programs (initdb, postgres): looked in "
	               "$PGCASCADE_PG_BINDIR, `pg_config --bindir`, /usr/lib/postgresql/*/bin and $PATH; "
	               "install the server (apt-get install postgresql) or set PGCASCADE_PG_BINDIR");
}

typedef struct RunAs {
	bool drop;
	uid_t uid;
	gid_t gid;
	const char *user;
} RunAs;

/* Last lines of a log file, for error messages. */
static void log_tail(const char *path, char *buf, size_t size)
{
	buf[0] = '\0';
	FILE *f = fopen(path, "r");
	if (!f)
		return;
	char data[4096];
	fseek(f, 0, SEEK_END);
	long end = ftell(f);
	long from = end > (long)sizeof(data) - 1 ? end - (long)sizeof(data) + 1 : 0;
	fseek(f, from, SEEK_SET);
	size_t n = fread(data, 1, sizeof(data) - 1, f);
	fclose(f);
	data[n] = '\0';
	/* keep the last 6 lines */
	int lines = 0;
	char *s = data + n;
	while (s > data) {
		if (s[-1] == '\n' && s != data + n && ++lines == 6)
			break;
		s--;
	}
	size_t l = strlen(s);
	if (l >= size)
		s += l - (size - 1);
	memcpy(buf, s, strlen(s) + 1);
	l = strlen(buf);
	while (l && buf[l - 1] == '\n')
		buf[--l] = '\0';
}

/*
 * Forks argv[0] with argv as the given user, in its own process group,
 * stdout and stderr to logpath, cwd dir. Signals are blocked across the
 * fork so the child never runs our handler. Returns the pid or -1.
 */
static pid_t spawn(const RunAs *ra, char *const argv[], const char *dir, const char *logpath,
                   bool die_with_parent)
{
	sigset_t all, old;
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid_t pid = fork();
	if (pid == 0) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &sa, NULL);
		setpgid(0, 0);
		if (ra->drop) {
			if (setgid(ra->gid) < 0 || initgroups(ra->user, ra->gid) < 0 || setuid(ra->uid) < 0) {
				dprintf(2, "could not switch to user %s: %s\n", ra->user, strerror(errno));
				_exit(126); /* pgc-allow-exit: ends the forked child, not pgcascade */
			}
		}
		if (die_with_parent)
			prctl(PR_SET_PDEATHSIG, SIGQUIT); /* after setuid, which clears it */
		if (chdir(dir) < 0)
			_exit(126); /* pgc-allow-exit: ends the forked child, not pgcascade */
		int fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
		int nul = open("/dev/null", O_RDONLY);
		if (fd < 0 || nul < 0)
			_exit(126); /* pgc-allow-exit: ends the forked child, not pgcascade */
		dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		sigprocmask(SIG_SETMASK, &old, NULL);
		execv(argv[0], argv);
		dprintf(2, "could not run %s: %s\n", argv[0], strerror(errno));
		_exit(127); /* pgc-allow-exit: ends the forked child, not pgcascade */
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid;
}

/* $TMPDIR when it is absolute and short enough for the socket path
 * (sun_path holds 107 bytes), else /tmp */
static const char *tmp_parent(void)
{
	const char *tmp = getenv("TMPDIR");
	if (!tmp || tmp[0] != '/' || strlen(tmp) > 60)
		tmp = "/tmp";
	return tmp;
}

/* A process's start time (clock ticks since boot), or 0 when it does not exist. */
static unsigned long long proc_start(pid_t pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* the command name may hold spaces and parentheses: fields start after the last ')' */
	char *p = strrchr(buf, ')');
	if (!p)
		return 0;
	/* p: the space before field 3 (state); starttime is field 22 */
	p++;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

static int write_owner(const char *dir, bool keep)
{
	char path[320], text[128];
	snprintf(path, sizeof(path), "%s/" OWNER_FILE, dir);
	int len = snprintf(text, sizeof(text), "pid %d\nstarttime %llu\nkeep %d\n", (int)getpid(),
	                   proc_start(getpid()), keep ? 1 : 0);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (fd < 0)
		return -1;
	bool ok = write(fd, text, (size_t)len) == len;
	return close(fd) == 0 && ok ? 0 : -1;
}

/* Is a postmaster still running in dir? (data/postmaster.pid names it) */
static bool postmaster_alive(const char *dir)
{
	char path[320], buf[64];
	snprintf(path, sizeof(path), "%s/data/postmaster.pid", dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	long pid = strtol(buf, NULL, 10);
	return pid > 0 && proc_start((pid_t)pid) != 0;
}

/*
 * Why dir (a directory of ours under the parent) is stale, or NULL when it
 * is not: its owner is dead (or its pid now belongs to a process started
 * later), it was not kept, and no postmaster runs in it. Without an owner
 * file (left by an older pgcascade, or a run that has just created it) a
 * directory counts as stale only with old_unowned, and when untouched for
 * 10 minutes.
 */
static const char *stale_reason(const char *dir, bool old_unowned, char *buf, size_t size)
{
	struct stat st;
	if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	if (geteuid() != 0 && st.st_uid != geteuid())
		return NULL; /* not ours to judge */
	char path[320], text[256];
	snprintf(path, sizeof(path), "%s/" OWNER_FILE, dir);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		if (!old_unowned || time(NULL) - st.st_mtime < 600 || postmaster_alive(dir))
			return NULL;
		snprintf(buf, size, "no owner file, untouched for %ld min", (long)(time(NULL) - st.st_mtime) / 60);
		return buf;
	}
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = '\0';
	int pid = 0, keep = 0;
	unsigned long long start = 0;
	bool old_format = false; /* "start V": V is not a start time */
	if (sscanf(text, "pid %d starttime %llu keep %d", &pid, &start, &keep) != 3) {
		if (sscanf(text, "pid %d start %llu keep %d", &pid, &start, &keep) != 3)
			return NULL; /* being written, or not ours: leave it */
		old_format = true;
	}
	if (pid <= 0 || keep)
		return NULL;
	unsigned long long now = proc_start((pid_t)pid);
	if (now != 0 && (now == start || old_format))
		return NULL; /* the owner lives */
	if (postmaster_alive(dir))
		return NULL;
	snprintf(buf, size, "owner pid %d %s", pid, now ? "gone (pid reused)" : "gone");
	return buf;
}

static int remove_tree(const char *dir)
{
	pid_t rm = fork();
	if (rm < 0)
		return -1;
	if (rm == 0) {
		execl("/bin/rm", "rm", "-rf", "--", dir, (char *)NULL);
		_exit(127); /* pgc-allow-exit: ends the forked child, not pgcascade */
	}
	int status = 0;
	while (waitpid(rm, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 && access(dir, F_OK) < 0 ? 0 : -1;
}

int cluster_cleanup(bool old_unowned, StrBuf *removed, StrBuf *failed)
{
	const char *parent = tmp_parent();
	DIR *d = opendir(parent);
	if (!d)
		return 0;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, DIR_PREFIX, strlen(DIR_PREFIX)) != 0)
			continue;
		char dir[300], why[128];
		if (snprintf(dir, sizeof(dir), "%s/%s", parent, e->d_name) >= (int)sizeof(dir))
			continue;
		const char *reason = stale_reason(dir, old_unowned, why, sizeof(why));
		if (!reason)
			continue;
		StrBuf *to = remove_tree(dir) == 0 ? removed : failed;
		if (to == removed)
			n++;
		if (to) {
			if (to->len)
				sb_adds(to, ", ");
			sb_addf(to, "%s (%s)", dir, reason);
		}
	}
	closedir(d);
	return n;
}

int cluster_start(Cluster *c, bool keep, Err *err)
{
	memset(c, 0, sizeof(*c));
	c->keep = keep;
	if (cluster_find_bindir(c->bindir, err) < 0)
		return -1;

	/* What earlier runs killed with SIGKILL left behind. */
	StrBuf removed = STRBUF_INIT;
	int nstale = cluster_cleanup(false, &removed, NULL);
	if (nstale > 0)
		log_info("removed %d stale verify %s of dead pgcascade runs: %s", nstale,
		         words_noun(nstale, "cluster", "clusters"), removed.buf);
	sb_release(&removed);

	RunAs ra = {0};
	if (geteuid() == 0) {
		struct passwd *pw = getpwnam("postgres");
		if (!pw)
			return err_set(err, PGC_EXIT_DB,
			               "running as root, and PostgreSQL refuses to run as root: the embedded "
			               "cluster runs as the `postgres` system user, which does not exist here; "
			               "create it (adduser --system --group postgres, or apt-get install "
			               "postgresql) or run pgcascade as an unprivileged user");
		ra.drop = true;
		ra.uid = pw->pw_uid;
		ra.gid = pw->pw_gid;
		ra.user = "postgres";
	}

	const char *tmp = tmp_parent();
	snprintf(c->dir, sizeof(c->dir), "%s/" DIR_PREFIX "XXXXXX", tmp);
	if (!mkdtemp(c->dir)) {
		int e = errno;
		c->dir[0] = '\0';
		return err_set(err, PGC_EXIT_DB, "could not create a temporary directory under %s: %s",
		               tmp, err_errno(e));
	}
	/* From here on the handlers clean up whatever exists. */
	snprintf(g_dir, sizeof(g_dir), "%s", c->dir);
	g_keep = 0;
	arm_handlers();
	xalloc_on_failure(teardown_on_failure);
	if (write_owner(c->dir, false) < 0) {
		err_set(err, PGC_EXIT_DB, "could not write the owner file in %s: %s", c->dir, err_errno(errno));
		goto fail;
	}
	if (ra.drop && chown(c->dir, ra.uid, ra.gid) < 0) {
		err_set(err, PGC_EXIT_DB, "could not give %s to the postgres user: %s", c->dir,
		        err_errno(errno));
		goto fail;
	}

	char data[300], initdb[PATH_MAX + 16], postgres[PATH_MAX + 16], ilog[300], slog[300],
		sockopt[300], port[16];
	snprintf(data, sizeof(data), "%s/data", c->dir);
	snprintf(initdb, sizeof(initdb), "%s/initdb", c->bindir);
	snprintf(postgres, sizeof(postgres), "%s/postgres", c->bindir);
	snprintf(ilog, sizeof(ilog), "%s/initdb.log", c->dir);
	snprintf(slog, sizeof(slog), "%s/server.log", c->dir);

	char *iargv[] = {initdb, "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
	                 "--locale=C", "-N", NULL};
	pid_t pid = spawn(&ra, iargv, c->dir, ilog, true);
	if (pid < 0) {
		err_set(err, PGC_EXIT_DB, "could not fork: %s", err_errno(errno));
		goto fail;
	}
	g_child = pid;
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	g_child = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		char tail[1500];
		log_tail(ilog, tail, sizeof(tail));
		err_set(err, PGC_EXIT_DB, "initdb failed (%s):\n%s", initdb, tail);
		goto fail;
	}

	/* The socket lives in our private directory, so any port number
	 * works; vary it anyway so two clusters never look alike. */
	c->port = 5432 + (int)(getpid() % 1000);
	snprintf(port, sizeof(port), "%d", c->port);
	snprintf(sockopt, sizeof(sockopt), "unix_socket_directories=%s", c->dir);
	char *pargv[] = {postgres, "-D", data, "-p", port,
	                 "-c", "listen_addresses=",
	                 "-c", sockopt,
	                 "-c", "fsync=off",
	                 "-c", "synchronous_commit=off",
	                 "-c", "full_page_writes=off",
	                 "-c", "wal_level=minimal",
	                 "-c", "max_wal_senders=0",
	                 "-c", "autovacuum=off",
	                 "-c", "max_connections=20",
	                 "-c", "max_locks_per_transaction=2048", /* one transaction touches every closure table */
	                 "-c", "max_wal_size=64MB", "-c", "min_wal_size=32MB", /* less to write and to delete */
	                 NULL};
	pid = spawn(&ra, pargv, c->dir, slog, !keep);
	if (pid < 0) {
		err_set(err, PGC_EXIT_DB, "could not fork: %s", err_errno(errno));
		goto fail;
	}
	g_postmaster = c->postmaster = pid;
	snprintf(c->conninfo, sizeof(c->conninfo), "host=%s port=%d user=postgres dbname=postgres",
	         c->dir, c->port);
	for (int i = 0;; i++) {
		if (PQping(c->conninfo) == PQPING_OK)
			break;
		if (cluster_died(c) || i > 3000) {
			char tail[1500];
			log_tail(slog, tail, sizeof(tail));
			err_set(err, PGC_EXIT_DB, "the embedded PostgreSQL did not start (%s):\n%s",
			        postgres, tail);
			goto fail;
		}
		sleep_ms(10);
	}
	return 0;
fail:
	c->keep = false;
	cluster_stop(c);
	return -1;
}

bool cluster_died(Cluster *c)
{
	if (c->postmaster <= 0)
		return true;
	pid_t r = waitpid(c->postmaster, NULL, WNOHANG);
	if (r == c->postmaster || (r < 0 && errno == ECHILD)) {
		c->postmaster = 0;
		g_postmaster = 0;
		return true;
	}
	return false;
}

void cluster_stop(Cluster *c)
{
	/* a cluster left running on purpose is never stale */
	if (c->keep && c->dir[0] && write_owner(c->dir, true) < 0)
		log_warning("could not mark %s as kept: %s", c->dir, err_errno(errno));
	g_keep = c->keep;
	teardown();
	if (!c->keep) {
		c->postmaster = 0;
		c->dir[0] = '\0';
	}
	g_dir[0] = '\0';
	g_postmaster = 0;
	xalloc_on_failure(NULL);
}

const char *cluster_stop_hint(const Cluster *c)
{
	static char buf[PATH_MAX + 600];
	bool root = geteuid() == 0;
	snprintf(buf, sizeof(buf), "%s%s/pg_ctl -D %s/data -m fast stop && rm -rf %s",
	         root ? "runuser -u postgres -- " : "", c->bindir, c->dir, c->dir);
	return buf;
}
