/*
 * report.c - the audit report's entry points: --format names, dispatch
 * to the writers (text.c, json.c, graph.c), and the one-line gcc form of
 * a finding that text output and lint share.
 */
#include "report/internal.h"
#include "exitcodes.h"

#include <string.h>

static const struct {
	const char *name;
	ReportFormat fmt;
} formats[] = {
	{"text", FMT_TEXT}, {"json", FMT_JSON}, {"dot", FMT_DOT}, {"mermaid", FMT_MERMAID},
	{"gcc", FMT_GCC}, {"sarif", FMT_SARIF}, {"github", FMT_GITHUB},
};

int report_format_parse(const char *s)
{
	if (!s)
		return -1;
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(s, formats[i].name) == 0)
			return (int)formats[i].fmt;
	return -1;
}

int report_check(FILE *out, Err *err)
{
	if (fflush(out) != 0 || ferror(out))
		return err_set(err, PGC_EXIT_INTERNAL, "could not write the report: write error");
	return 0;
}

int report_audit(FILE *out, Model *m, const Analysis *an, ReportFormat fmt, bool color, Err *err)
{
	switch (fmt) {
	case FMT_TEXT: return report_text(out, m, an, color, err);
	case FMT_JSON: return report_json(out, m, an, err);
	case FMT_DOT: return report_dot(out, m, an, err);
	case FMT_MERMAID: return report_mermaid(out, m, an, err);
	case FMT_GCC:
		for (size_t i = 0; i < an->findings.n; i++) {
			report_finding_gcc(out, an->findings.items[i], color);
			fputc('\n', out);
		}
		return report_check(out, err);
	default:
		return err_set(err, PGC_EXIT_USAGE, "this format is not available for audit");
	}
}

static const char *sev_color(Severity s)
{
	switch (s) {
	case SEV_ERROR: return "\033[1;31m";
	case SEV_WARNING: return "\033[1;33m";
	default: return "\033[1;36m";
	}
}

void report_finding_gcc(FILE *out, const Finding *f, bool color)
{
	const char *bold = color ? "\033[1m" : "", *reset = color ? "\033[0m" : "";
	if (f->loc.file)
		fprintf(out, "%s%s:%d:%d:%s ", bold, f->loc.file, f->loc.line, f->loc.col, reset);
	else if (f->table)
		fprintf(out, "%s%s.%s:%s ", bold, f->schema ? f->schema : "public", f->table, reset);
	fprintf(out, "%s%s:%s %s [%s]", color ? sev_color(f->severity) : "",
	        severity_name(f->severity), reset, f->message, f->rule);
}
