/*
 * parse_json.c - the peer for audit's CPU time: libpg_query's one-call
 * parse of each whole file to JSON.
 *
 *     parse_json FILE...
 *
 * Reads each file and hands it whole to pg_query_parse (every statement,
 * data statements too, into one JSON document), then frees the result.
 * Prints the number of files, parse errors, bytes and JSON bytes. Links
 * only libpg_query; bench/audit.sh runs it beside pgcascade audit.
 */
#include <pg_query.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0, r;
	char *buf = malloc(cap + 1);
	while (buf && (r = fread(buf + n, 1, cap - n, f)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
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
	if (!buf)
		return NULL;
	buf[n] = '\0';
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	long nerrors = 0, nbytes = 0, njson = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *text = read_file(argv[i], &len);
		if (!text) {
			fprintf(stderr, "parse_json: cannot read %s\n", argv[i]);
			return 2;
		}
		nbytes += (long)len;
		PgQueryParseResult pr = pg_query_parse(text);
		if (pr.error)
			nerrors++;
		else
			njson += (long)strlen(pr.parse_tree);
		pg_query_free_parse_result(pr);
		free(text);
	}
	pg_query_exit();
	printf("files=%d parse_errors=%ld bytes=%ld json_bytes=%ld\n", argc - 1, nerrors, nbytes, njson);
	return 0;
}
