/*
 * fuzz_frontend.c - libFuzzer target: arbitrary bytes through the whole
 * static pipeline. The input becomes one in-memory Source (cut at the
 * first NUL, as sources_collect refuses files with NUL bytes), goes
 * through dialect detection, splitting, classification, parsing and
 * replay (frontend_load with DIALECT_AUTO), then through the analysis
 * and the JSON and text reporters, into memory. Any crash, leak or
 * sanitizer report is a bug; errors and findings are normal results.
 */
#include "analysis/analysis.h"
#include "frontend/frontend.h"
#include "model/model.h"
#include "report/report.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_into_memory(Model *m, const Analysis *an, ReportFormat fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	if (!f)
		return;
	Err err = {0};
	report_audit(f, m, an, fmt, false, &err);
	fclose(f);
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int quiet;
	if (!quiet) {
		log_set_quiet(1);
		quiet = 1;
	}
	Arena *a = arena_new();
	Model *m = model_new(a);
	size_t len = strnlen((const char *)data, size);
	SourceList sl = {0};
	Source s = {.path = "fuzz.sql", .text = arena_strndup(a, (const char *)data, len), .len = len};
	VEC_PUSH(a, sl, s);
	Err err = {0};
	if (frontend_load(m, &sl, DIALECT_AUTO, &err) == 0) {
		AnalysisOptions ao = {0};
		Analysis an;
		memset(&an, 0, sizeof(an));
		if (analyze(m, &ao, &an, &err) == 0) {
			report_into_memory(m, &an, FMT_JSON);
			report_into_memory(m, &an, FMT_TEXT);
		}
	}
	arena_free(a);
	return 0;
}
