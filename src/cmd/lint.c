/*
 * lint.c - `pgcascade lint`: the CI guard for new migrations.
 *
 * Loads the whole schema as audit does, analyses it, and reports only
 * the findings located in the new files (--new, --since REV, or all).
 * Policy comes from .pgcascade.ini (lint/config.h), found by walking up
 * from the working directory; command-line options win over it.
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

enum { OPT_NEW = OPT_FIRST_COMMAND_OPTION, OPT_SINCE, OPT_CONFIG, OPT_NO_CONFIG };

const struct option lint_options[] = {
	{"new", required_argument, NULL, OPT_NEW},
	{"since", required_argument, NULL, OPT_SINCE},
	{"config", required_argument, NULL, OPT_CONFIG},
	{"no-config", no_argument, NULL, OPT_NO_CONFIG},
	{NULL, 0, NULL, 0},
};

static void lint_usage(FILE *f)
{
	fprintf(f, "usage: pgcascade lint [options] PATH...\n\n"
	           "Replays the whole schema from PATHs and reports the findings located in\n"
	           "the new migration files only.\n\n"
	           "options:\n%s"
	           "  --new FILE            a new file to check, repeatable\n"
	           "  --since REV           check the files added or modified since the git\n"
	           "                        revision REV (git diff --name-only REV)\n"
	           "                        (neither --new nor --since: check every file)\n"
	           "  --config FILE         policy file (default: the nearest " CONFIG_FILE_NAME
	           "\n                        found walking up from the working directory)\n"
	           "  --no-config           do not read a policy file\n"
	           "\nformats: text (default), gcc, json, sarif, github\n"
	           "suppress: -- pgcascade:ignore RULE[,RULE] reason   (statement or line above)\n"
	           "          -- pgcascade:ignore-file RULE reason     (whole file)\n"
	           "exit: 0 no error finding, 1 error findings, 2 usage/input/config error, 3 database error\n",
	        common_options_help);
}

/*
 * Runs git with argv (argv[0] == "git") and collects its standard output
 * into out; git's standard error goes to ours. what names the command in
 * the error message ("git diff"); quiet sends git's standard error to
 * /dev/null. Returns 0, or -1 with err.
 */
static int run_git(const char *what, char *const argv[], bool quiet, StrBuf *out, Err *err)
{
	int ret = -1;
	int fds[2] = {-1, -1};
	posix_spawn_file_actions_t fa;
	bool fa_init = false;
	pid_t pid;
	if (pipe(fds) < 0) {
		err_set(err, PGC_EXIT_INTERNAL, "could not create a pipe for git: %s", strerror(errno));
		goto out;
	}
	posix_spawn_file_actions_init(&fa);
	fa_init = true;
	posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
	if (quiet)
		posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addclose(&fa, fds[0]);
	posix_spawn_file_actions_addclose(&fa, fds[1]);
	int rc = posix_spawnp(&pid, "git", &fa, NULL, argv, environ);
	close(fds[1]);
	fds[1] = -1;
	if (rc != 0) {
		err_set(err, PGC_EXIT_USAGE, "--since needs git, which could not be run: %s", strerror(rc));
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
		err_set(err, PGC_EXIT_USAGE, "\"%s\" failed (see its message above)", what);
		goto out;
	}
	ret = 0;
out:
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
static int changed_since(Arena *a, const char *rev, const char **root, StrVec *out, Err *err)
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
	ret = 0;
out:
	sb_release(&diff);
	return ret;
}

int cmd_lint(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	common_init(&o);
	struct option *longopts = options_table(a, lint_options);
	StrVec news = {0};
	const char *since = NULL, *config_path = NULL;
	bool no_config = false, dialect_given = false;
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			lint_usage(stdout);
			ret = PGC_EXIT_OK;
			goto out;
		case OPT_NEW:
			VEC_PUSH(a, news, optarg);
			continue;
		case OPT_SINCE:
			since = optarg;
			continue;
		case OPT_CONFIG:
			config_path = optarg;
			continue;
		case OPT_NO_CONFIG:
			no_config = true;
			continue;
		case OPT_DIALECT:
			dialect_given = true;
			break;
		}
		int r = common_option(a, &o, c, optarg, &err);
		if (r < 0) {
			ret = die_with(&err);
			goto out;
		}
		if (r == 0) {
			lint_usage(stderr);
			ret = PGC_EXIT_USAGE;
			goto out;
		}
	}
	common_paths(&o, argc, argv);
	int fmt = lint_format_parse(o.format ? o.format : "text");
	if (fmt < 0) {
		err_set(&err, PGC_EXIT_USAGE,
		        "invalid --format \"%s\": expected text, gcc, json, sarif or github", o.format);
		ret = die_with(&err);
		goto out;
	}

	LintConfig cfg;
	config_init(&cfg);
	if (!config_path && !no_config)
		config_path = config_find(a, ".");
	if (config_path && config_load(a, config_path, &cfg, &err) < 0) {
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
	if (!dialect_given && cfg.dialect_set)
		o.dialect = cfg.dialect;

	LintOptions lo = {0};
	lo.cfg = &cfg;
	lo.dialect = o.dialect;
	lo.new_strict = news.n > 0;
	const char *root = NULL;
	if (since && changed_since(a, since, &root, &news, &err) < 0) {
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
	LintOutputOptions oo = {(LintFormat)fmt, o.color, cfg.rules_url, &o.sources, NULL};
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
