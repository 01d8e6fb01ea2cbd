/*
 * lint.c - `pgcascade lint`: the CI guard for new migrations.
 *
 * Loads the whole schema as audit does, analyses it, and reports only
 * the findings located in the new files (--new, --since REV, or all).
 * Policy comes from .pgcascade.ini (lint/config.h), read by cli_parse()
 * as for every command; command-line options win over it.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "lint/config.h"
#include "lint/lint.h"
#include "lint/output.h"
#include "util/strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/*
 * Runs git with argv (argv[0] == "git") and collects its standard output
 * into out. git's standard error is kept in a temporary file and quoted in
 * the error, so that every message starts with "pgcascade: error:". what
 * names the command in the error message ("git diff"); quiet drops git's
 * standard error. Returns 0, or -1 with err.
 */
static int run_git(const char *what, char *const argv[], bool quiet, StrBuf *out, Err *err)
{
	int ret = -1;
	int fds[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	bool fa_init = false;
	pid_t pid;
	FILE *errf = quiet ? NULL : tmpfile();
	if (pipe(fds) < 0) {
		err_set(err, PGC_EXIT_INTERNAL, "could not create a pipe for git: %s", err_errno(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	fa_init = true;
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	if (errf)
		posix_spawn_file_actions_adddup2(&fa, fileno(errf), STDERR_FILENO);
	else
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	close(fds[1]);
	fds[1] = -1;
	if (rc != 0) {
		err_set(err, PGC_EXIT_USAGE, "--since needs git, which could not be run: %s", err_errno(rc));
		goto out;
	}
	char buf[8192];
	ssize_t n;
	while ((n = read(fds[0], buf, sizeof(buf))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		sb_add(out, buf, (size_t)n);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		/* git's message, its lines joined: "fatal: not a git repository ..." */
		char msg[512] = "";
		size_t len = 0;
		if (errf) {
			rewind(errf);
			len = fread(msg, 1, sizeof(msg) - 1, errf);
		}
		msg[len] = '\0';
		while (len && (msg[len - 1] == '\n' || msg[len - 1] == '\r'))
			msg[--len] = '\0';
		for (char *c = msg; *c; c++)
			if (*c == '\n' || *c == '\r')
				*c = ' ';
		err_set(err, PGC_EXIT_USAGE, "\"%s\" failed%s%s", what, len ? ": " : "", msg);
		goto out;
	}
	ret = 0;
out:
	if (errf)
		fclose(errf);
	if (fa_init)
		posix_spawn_file_actions_destroy(&fa);
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	return ret;
}

/* The repository's top folder (in a), or NULL with err. */
static const char *repo_root(Arena *a, bool quiet, Err *err)
{
	StrBuf top = STRBUF_INIT;
	char *rp[] = {"git", "rev-parse", "--show-toplevel", NULL};
	const char *ret = NULL;
	if (run_git("git rev-parse --show-toplevel", rp, quiet, &top, err) == 0) {
		while (top.len && (top.buf[top.len - 1] == '\n' || top.buf[top.len - 1] == '\r'))
			sb_setlen(&top, top.len - 1);
		ret = arena_strdup(a, top.buf);
	}
	sb_release(&top);
	return ret;
}

/*
 * Files added or modified since rev, as absolute paths (git prints them
 * relative to the repository root, whatever the working directory).
 */
static int changed_since(Arena *a, const char *rev, const char **paths, int npaths, const char **root,
                         StrVec *out, StrVec *untracked, Err *err)
{
	int ret = -1;
	StrBuf diff = STRBUF_INIT;
	if (rev[0] == '-' || rev[0] == '\0') {
		err_set(err, PGC_EXIT_USAGE, "invalid --since \"%s\": expected a git revision", rev);
		goto out;
	}
	const char *top = repo_root(a, false, err);
	if (!top)
		goto out;
	*root = top;
	StrBuf ignored = STRBUF_INIT;
	char *rv[] = {"git", "-C", (char *)top, "rev-parse", "--verify", "--quiet",
	              arena_printf(a, "%s^{commit}", rev), NULL};
	int bad = run_git("git rev-parse", rv, true, &ignored, err);
	sb_release(&ignored);
	if (bad < 0) {
		err_set(err, PGC_EXIT_USAGE, "invalid --since \"%s\": not a commit of the repository %s", rev, top);
		goto out;
	}
	char *df[] = {"git", "-C", (char *)top, "diff", "--name-only", "--no-renames", "--diff-filter=AM", "-z",
	              (char *)rev, "--", NULL};
	if (run_git("git diff", df, false, &diff, err) < 0)
		goto out;
	for (size_t i = 0; i < diff.len;) {
		size_t n = strlen(diff.buf + i);
		if (n)
			VEC_PUSH(a, *out, arena_printf(a, "%s/%s", top, diff.buf + i));
		i += n + 1;
	}
	/* New migrations not yet added to git count as changed too: the .sql
	 * files under the given paths that git does not track nor ignore. */
	if (npaths > 0) {
		PGC_VEC(char *) av = {0};
		char *head[] = {"git", "-C", (char *)top, "ls-files", "-z", "--others", "--exclude-standard", "--"};
		for (size_t k = 0; k < sizeof(head) / sizeof(head[0]); k++)
			VEC_PUSH(a, av, head[k]);
		for (int k = 0; k < npaths; k++) {
			char *abs = realpath(paths[k], NULL);
			if (!abs)
				continue; /* the loader reports a missing path */
			VEC_PUSH(a, av, arena_strdup(a, abs));
			free(abs);
		}
		VEC_PUSH(a, av, NULL);
		StrBuf un = STRBUF_INIT;
		if (run_git("git ls-files --others", av.items, false, &un, err) < 0) {
			sb_release(&un);
			goto out;
		}
		/* the notice comes once the sources are read (untracked_notice) */
		for (size_t i = 0; i < un.len;) {
			size_t n = strlen(un.buf + i);
			if (n > 4 && strcmp(un.buf + i + n - 4, ".sql") == 0)
				VEC_PUSH(a, *untracked, arena_printf(a, "%s/%s", top, un.buf + i));
			i += n + 1;
		}
		for (size_t i = 0; i < untracked->n; i++)
			VEC_PUSH(a, *out, untracked->items[i]);
		sb_release(&un);
	}
	ret = 0;
out:
	sb_release(&diff);
	return ret;
}

/*
 * Says which untracked files --since REV added to the files checked: those
 * among the sources read (a down file the migration tool never runs is
 * not read, so not checked, and not named).
 */
static void untracked_notice(const char *rev, const char *top, const StrVec *untracked, const SourceList *src)
{
	if (untracked->n == 0)
		return;
	for (size_t i = 0; i < src->n; i++) {
		char *c = realpath(src->items[i].path, NULL);
		if (!c)
			continue;
		for (size_t k = 0; k < untracked->n; k++)
			if (strcmp(c, untracked->items[k]) == 0)
				log_info("--since %s: also checking the untracked file %s", rev,
				         untracked->items[k] + strlen(top) + 1);
		free(c);
	}
}

int cmd_lint(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	Settings s;
	int parsed = common_parse(a, "lint", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	StrVec news = {0};
	for (int i = 0; i < s.v[O_NEW].n; i++)
		VEC_PUSH(a, news, s.v[O_NEW].vals[i]);
	const char *since = opt_str(&s, O_SINCE, NULL);
	int fmt = lint_format_parse(o.format ? o.format : "text");
	if (fmt < 0) {
		err_set(&err, PGC_EXIT_USAGE,
		        "invalid --format \"%s\": expected text, gcc, json, sarif or github", o.format);
		ret = die_with(&err);
		goto out;
	}
	LintConfig *cfg = &s.cfg;

	LintOptions lo = {0};
	lo.cfg = cfg;
	lo.dialect = o.dialect;
	lo.new_strict = news.n > 0;
	const char *root = NULL;
	StrVec untracked = {0};
	if (since && changed_since(a, since, o.paths, o.npaths, &root, &news, &untracked, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	lo.new_files = news.items;
	lo.nnew = (int)news.n;
	lo.all_files = !since && news.n == 0;
	if (since && lo.new_strict) {
		/* --new files are checked strictly; the diff may list anything */
		lo.new_strict = false;
	}

	Model *m = load_model(a, &o, &err);
	if (!m) {
		ret = die_with(&err);
		goto out;
	}
	if (root)
		untracked_notice(since, root, &untracked, &o.sources);
	AnalysisOptions ao;
	common_analysis_options(&o, &ao);
	Analysis an;
	if (analyze(m, &ao, &an, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	LintResult res;
	if (lint_run(m, &an, &o.sources, &lo, &res, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	LintOutputOptions oo = {(LintFormat)fmt, o.color, cfg->rules_url, &o.sources, NULL};
	if (fmt == LINT_SARIF || fmt == LINT_GITHUB) {
		/* GitHub maps these paths from the repository root */
		Err ignored = {0};
		oo.path_base = root ? root : repo_root(a, true, &ignored);
	}
	if (lint_output(stdout, &res, &oo, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("could not write to standard output");
		ret = PGC_EXIT_INTERNAL;
		goto out;
	}
	ret = res.nerrors ? PGC_EXIT_FINDINGS : PGC_EXIT_OK;
out:
	arena_free(a);
	return ret;
}
