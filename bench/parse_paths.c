/*
 * parse_paths.c - what each of libpg_query's public parse paths costs on
 * the statements pgcascade parses (issue 15, item 2).
 *
 *     parse_paths MODE FILE...
 *
 * Splits each file (pg_query_split_with_scanner) and, for every
 * statement whose first word (after comments) is CREATE or ALTER,
 * runs MODE; prints the process CPU time spent:
 *   split       nothing more (the baseline)
 *   protobuf    pg_query_parse_protobuf
 *   unpack      pg_query_parse_protobuf + pg_query__parse_result__unpack
 *   json        pg_query_parse (JSON text)
 *   json-c      pg_query_parse + json_tokener_parse (a DOM to walk)
 *   bump        pg_query_parse_protobuf + unpack into a bump allocator
 *               reset per statement (pgcascade's protobuf path)
 *   yajl        pg_query_parse + pgjson_read (src/frontend/pgjson.c: yajl
 *               events into the same structs, same bump allocator;
 *               pgcascade's JSON path)
 *   check       (every statement, not only CREATE/ALTER; not a timing)
 *               every tree pgjson_read builds, packed by protobuf-c,
 *               equals pg_query_parse_protobuf's bytes; counts those it
 *               declines
 *   scan        (whole files) pg_query_scan + unpack of the tokens
 */
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <json-c/json.h>
#include "frontend/pgjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, 2 * cap + 1);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	fclose(f);
	if (buf)
		buf[n] = '\0';
	return buf;
}

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* A bump allocator reset per statement, as frontend.c's. */
static char *bump_buf;
static size_t bump_cap, bump_used;

static void *bump_alloc(void *data, size_t n)
{
	(void)data;
	n = (n + 15) & ~(size_t)15;
	if (bump_used + n > bump_cap)
		return malloc(n); /* leaks in the bench, rare: the buffer grows */
	void *p = bump_buf + bump_used;
	bump_used += n;
	return p;
}

static void bump_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

static ProtobufCAllocator bump = {bump_alloc, bump_free, NULL};

static int schema_stmt(const char *q)
{
	for (;;) {
		q += strspn(q, " \t\r\n");
		if (q[0] == '-' && q[1] == '-') {
			q = strchr(q, '\n');
			if (!q)
				return 0;
			continue;
		}
		break;
	}
	return strncasecmp(q, "create", 6) == 0 || strncasecmp(q, "alter", 5) == 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: parse_paths split|protobuf|unpack|bump|json|json-c|yajl|check|scan FILE...\n");
		return 2;
	}
	const char *mode = argv[1];
	bump_cap = 1 << 22;
	bump_buf = malloc(bump_cap);
	PgJson *pj = pgjson_new();
	if (!bump_buf || !pj)
		return 2;
	long nstmts = 0, ntok = 0, nfall = 0;
	double t0 = cpu();
	for (int i = 2; i < argc; i++) {
		char *text = read_all(argv[i]);
		if (!text)
			return 2;
		if (strcmp(mode, "scan") == 0) {
			PgQueryScanResult r = pg_query_scan(text);
			PgQuery__ScanResult *s = r.error ? NULL
			    : pg_query__scan_result__unpack(NULL, r.pbuf.len, (const uint8_t *)r.pbuf.data);
			if (s) {
				ntok += (long)s->n_tokens;
				pg_query__scan_result__free_unpacked(s, NULL);
			}
			pg_query_free_scan_result(r);
			free(text);
			continue;
		}
		PgQuerySplitResult sr = pg_query_split_with_scanner(text);
		for (int k = 0; !sr.error && k < sr.n_stmts; k++) {
			char *q = strndup(text + sr.stmts[k]->stmt_location, (size_t)sr.stmts[k]->stmt_len);
			if (!q || (strcmp(mode, "check") != 0 && !schema_stmt(q))) {
				free(q);
				continue;
			}
			nstmts++;
			if (strcmp(mode, "protobuf") == 0 || strcmp(mode, "unpack") == 0) {
				PgQueryProtobufParseResult p = pg_query_parse_protobuf(q);
				if (!p.error && mode[0] == 'u') {
					PgQuery__ParseResult *t = pg_query__parse_result__unpack(
					    NULL, p.parse_tree.len, (const uint8_t *)p.parse_tree.data);
					pg_query__parse_result__free_unpacked(t, NULL);
				}
				pg_query_free_protobuf_parse_result(p);
			} else if (strcmp(mode, "bump") == 0) {
				PgQueryProtobufParseResult p = pg_query_parse_protobuf(q);
				if (!p.error && !pg_query__parse_result__unpack(&bump, p.parse_tree.len,
				                                                 (const uint8_t *)p.parse_tree.data))
					return 3;
				bump_used = 0;
				pg_query_free_protobuf_parse_result(p);
			} else if (strcmp(mode, "yajl") == 0) {
				PgQueryParseResult p = pg_query_parse(q);
				if (!p.error && !pgjson_read(pj, q, strlen(q), p.parse_tree, strlen(p.parse_tree), &bump)) {
					fprintf(stderr, "pgjson_read failed: %s\n", q);
					return 3;
				}
				bump_used = 0;
				pg_query_free_parse_result(p);
			} else if (strcmp(mode, "check") == 0) {
				PgQueryProtobufParseResult p = pg_query_parse_protobuf(q);
				PgQueryParseResult j = pg_query_parse(q);
				if (!p.error != !j.error) {
					fprintf(stderr, "%s: error on one path only\n", argv[i]);
					return 3;
				}
				if (!p.error) {
					PgQuery__ParseResult *t = pgjson_read(pj, q, strlen(q), j.parse_tree, strlen(j.parse_tree), &bump);
					size_t n = t ? pg_query__parse_result__get_packed_size(t) : 0;
					uint8_t *b = t ? malloc(n) : NULL;
					nfall += !t;
					if (getenv("PP_VERBOSE") && !t)
						fprintf(stderr, "%s: protobuf path: %s\n", argv[i], q);
					if (t && (!b || pg_query__parse_result__pack(t, b) != n || n != p.parse_tree.len ||
					    memcmp(b, p.parse_tree.data, n) != 0)) {
						fprintf(stderr, "%s: trees differ: %s\n", argv[i], q);
						return 3;
					}
					free(b);
				}
				bump_used = 0;
				pg_query_free_parse_result(j);
				pg_query_free_protobuf_parse_result(p);
			} else if (strcmp(mode, "json") == 0 || strcmp(mode, "json-c") == 0) {
				PgQueryParseResult p = pg_query_parse(q);
				if (!p.error && mode[4] == '-')
					json_object_put(json_tokener_parse(p.parse_tree));
				pg_query_free_parse_result(p);
			}
			free(q);
		}
		pg_query_free_split_result(sr);
		free(text);
	}
	printf("%-8s %.3f s CPU (%ld statements, %ld tokens)\n", mode, cpu() - t0, nstmts, ntok);
	if (nfall)
		printf("check: %ld statements not read from JSON (the protobuf path reads them)\n", nfall);
	pgjson_free(pj);
	free(bump_buf);
	pg_query_exit();
	return 0;
}
