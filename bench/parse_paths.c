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
 *   scan        (whole files) pg_query_scan + unpack of the tokens
 */
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <json-c/json.h>

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
		fprintf(stderr, "usage: parse_paths split|protobuf|unpack|json|json-c|scan FILE...\n");
		return 2;
	}
	const char *mode = argv[1];
	long nstmts = 0, ntok = 0;
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
			if (!q || !schema_stmt(q)) {
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
	pg_query_exit();
	return 0;
}
