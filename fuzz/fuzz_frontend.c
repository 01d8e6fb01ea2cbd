/*
 * fuzz_frontend.c - libFuzzer target: arbitrary bytes through the whole
 * static pipeline. The input becomes one in-memory Source (cut at the
 * first NUL, as sources_collect refuses files with NUL bytes), goes
 * through dialect detection, splitting, classification, parsing and
 * replay (frontend_load with DIALECT_AUTO), then through the analysis,
 * the JSON and text reporters (into memory) and the fix writer. Any
 * crash, leak or sanitizer report is a bug; errors and findings are
 * normal results. One property is checked: for the postgres dialect,
 * each migration fix_build writes (up, validate, down) parses with
 * libpg_query and holds only SET/RESET, DO, ALTER TABLE and transaction
 * statements: a fuzzed name must never break out of its quotes.
 */
#include "analysis/analysis.h"
#include "fix/fix.h"
#include "frontend/frontend.h"
#include "model/model.h"
#include "report/report.h"
#include "util/arena.h"
#include "util/err.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

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

/* Aborts unless sql parses into allowed migration statements only. */
static void check_migration(const char *what, const char *sql)
{
	if (!sql)
		return;
	PgQueryProtobufParseResult r = pg_query_parse_protobuf(sql);
	if (r.error) {
		fprintf(stderr, "fuzz_frontend: the %s migration does not parse: %s at %d\n%s\n",
		        what, r.error->message, r.error->cursorpos, sql);
		abort();
	}
	PgQuery__ParseResult *t = pg_query__parse_result__unpack(NULL, r.parse_tree.len, (const uint8_t *)r.parse_tree.data);
	if (!t)
		abort();
	for (size_t i = 0; i < t->n_stmts; i++) {
		const PgQuery__Node *n = t->stmts[i] ? t->stmts[i]->stmt : NULL;
		int k = n ? (int)n->node_case : -1;
		if (k != PG_QUERY__NODE__NODE_VARIABLE_SET_STMT && k != PG_QUERY__NODE__NODE_DO_STMT &&
		    k != PG_QUERY__NODE__NODE_ALTER_TABLE_STMT && k != PG_QUERY__NODE__NODE_TRANSACTION_STMT) {
			fprintf(stderr, "fuzz_frontend: the %s migration holds statement %zu of kind %d\n%s\n",
			        what, i + 1, k, sql);
			abort();
		}
	}
	pg_query__parse_result__free_unpacked(t, NULL);
	pg_query_free_protobuf_parse_result(r);
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
			FixOptions fo = {.command_line = "pgcascade fix fuzz.sql"};
			FixOutput out;
			memset(&out, 0, sizeof(out));
			if (m->dialect == DIALECT_POSTGRES && fix_build(m, &an, &fo, &out, &err) == 0) {
				check_migration("up", out.up);
				check_migration("validate", out.validate);
				check_migration("down", out.down);
			}
		}
	}
	arena_free(a);
	return 0;
}
