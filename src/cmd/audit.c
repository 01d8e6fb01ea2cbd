/*
 * audit.c - `pgcascade audit`: load the model, analyse it, report.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"

#include <stdio.h>
#include <string.h>

static void audit_usage(FILE *f)
{
	fprintf(f, "usage: pgcascade audit [options] PATH...\n"
	           "       pgcascade audit [options] --db URL\n\n"
	           "Prints every foreign key, the deletion closure of each root, and what\n"
	           "would block the delete, make it fail, or let data escape it.\n\n"
	           "options:\n%s"
	           "  --list-files          print the files that would be applied, in order, and exit\n"
	           "\nformats: text (default), json, dot, mermaid\n"
	           "exit: 0 no error finding, 1 error findings, 2 usage/input error, 3 database error\n",
	        common_options_help);
}

enum { OPT_LIST_FILES = OPT_FIRST_COMMAND_OPTION };

/* audit's own options (the shared ones come from cli/common.c) */
const struct option audit_options[] = {
	{"list-files", no_argument, NULL, OPT_LIST_FILES},
	{0, 0, 0, 0},
};

int cmd_audit(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	common_init(&o);
	bool list_files = false;
	struct option *longopts = options_table(a, audit_options);
	int c;
	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == OPT_HELP) {
			audit_usage(stdout);
			ret = PGC_EXIT_OK;
			goto out;
		}
		if (c == OPT_LIST_FILES) {
			list_files = true;
			continue;
		}
		int r = common_option(a, &o, c, optarg, &err);
		if (r < 0) {
			ret = die_with(&err);
			goto out;
		}
		if (r == 0) {
			audit_usage(stderr);
			ret = PGC_EXIT_USAGE;
			goto out;
		}
	}
	common_paths(&o, argc, argv);
	int fmt = report_format_parse(o.format ? o.format : "text");
	if (fmt < 0 || fmt > FMT_MERMAID) {
		err_set(&err, PGC_EXIT_USAGE,
		        "invalid --format \"%s\": expected text, json, dot or mermaid", o.format);
		ret = die_with(&err);
		goto out;
	}
	if (list_files) {
		/* the files in the order they would be applied, one a line */
		if (o.use_db || o.npaths == 0) {
			err_set(&err, PGC_EXIT_USAGE, "--list-files lists migration files: name files or directories");
			ret = die_with(&err);
			goto out;
		}
		if (collect_sources(a, &o, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
		for (size_t i = 0; i < o.sources.n; i++)
			printf("%s\n", o.sources.items[i].path);
		ret = fflush(stdout) != 0 || ferror(stdout) ? PGC_EXIT_INTERNAL : PGC_EXIT_OK;
		goto out;
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
	if (report_audit(stdout, m, &an, (ReportFormat)fmt, o.color, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("could not write to standard output");
		ret = PGC_EXIT_INTERNAL;
		goto out;
	}
	ret = an.nerrors ? PGC_EXIT_FINDINGS : PGC_EXIT_OK;
out:
	arena_free(a);
	return ret;
}
