/*
 * audit_stages.c - audit's CPU time stage by stage (issue 15, round
 * four): cmd_audit (src/cmd/audit.c) with a process CPU clock read
 * between its stages, linked with pgcascade's own objects.
 *
 *     audit_stages [audit options] PATH...
 *
 * Prints "start load analyze report" CPU seconds: option parsing and
 * configuration; load_model (read, scan, parse, replay: the front end,
 * the parse-ahead thread included); analyze; report_audit writing to
 * /dev/null in the format asked (--format json for the benchmark).
 */
#include "cli/common.h"
#include "exitcodes.h"

#include <stdio.h>
#include <time.h>

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	double t0 = cpu();
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	Settings s;
	argv[0] = "audit";
	if (common_parse(a, "audit", argc, argv, &s, &o, &err) != 0)
		return 2;
	int fmt = report_format_parse(o.format ? o.format : "text");
	FILE *null = fopen("/dev/null", "w");
	if (fmt < 0 || !null)
		return 2;
	double t1 = cpu();
	Model *m = load_model(a, &o, &err);
	if (!m)
		return 2;
	double t2 = cpu();
	AnalysisOptions ao;
	common_analysis_options(&o, &ao);
	Analysis an;
	if (analyze(m, &ao, &an, &err) < 0)
		return 2;
	an.findings.n = config_apply_rules(a, &s.cfg, an.findings.items, an.findings.n);
	double t3 = cpu();
	if (report_audit(null, m, &an, (ReportFormat)fmt, o.color, &err) < 0 || fflush(null) != 0)
		return 2;
	double t4 = cpu();
	printf("start %.4f load %.4f analyze %.4f report %.4f\n", t1 - t0, t2 - t1, t3 - t2, t4 - t3);
	fclose(null);
	arena_free(a);
	return 0;
}
