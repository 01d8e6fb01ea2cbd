/*
 * audit.c - `pgcascade audit`: load the model, analyse it, report.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"

#include <stdio.h>
#include <string.h>

int cmd_audit(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	Settings s;
	int parsed = common_parse(a, "audit", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	bool list_files = opt_given(&s, O_LIST_FILES);
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
	/* the policy file's [rules] severities hold for audit too */
	an.findings.n = config_apply_rules(a, &s.cfg, an.findings.items, an.findings.n);
	an.nerrors = an.nwarnings = 0;
	for (size_t i = 0; i < an.findings.n; i++) {
		an.nerrors += an.findings.items[i]->severity == SEV_ERROR;
		an.nwarnings += an.findings.items[i]->severity == SEV_WARNING;
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
