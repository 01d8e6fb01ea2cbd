/*
 * parse_only.c - the benchmark's baseline: what libpg_query alone costs.
 *
 *     parse_only FILE...
 *
 * Reads each file, splits it with pg_query_split_with_scanner and parses
 * EVERY statement with pg_query_parse_protobuf (data statements too: this
 * is what a tool that parses everything pays), then frees everything.
 * Prints the number of files, statements, parse errors and bytes. Links
 * only libpg_query; bench/audit.sh compares pgcascade audit against it.
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
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t r;
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
	long nstmts = 0, nerrors = 0, nbytes = 0;
	char *stmt = NULL;
	size_t stmtcap = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		char *text = read_file(argv[i], &len);
		if (!text) {
			fprintf(stderr, "parse_only: cannot read %s\n", argv[i]);
			return 2;
		}
		nbytes += (long)len;
		PgQuerySplitResult sr = pg_query_split_with_scanner(text);
		if (sr.error) {
			nerrors++;
		} else {
			for (int s = 0; s < sr.n_stmts; s++) {
				size_t off = (size_t)sr.stmts[s]->stmt_location;
				size_t sl = (size_t)sr.stmts[s]->stmt_len;
				if (sl == 0 || off + sl > len)
					sl = len - off; /* the last statement: len 0 means "to the end" */
				if (sl + 1 > stmtcap) {
					stmtcap = (sl + 1) * 2;
					free(stmt);
					stmt = malloc(stmtcap);
					if (!stmt)
						return 4;
				}
				memcpy(stmt, text + off, sl);
				stmt[sl] = '\0';
				PgQueryProtobufParseResult pr = pg_query_parse_protobuf(stmt);
				nstmts++;
				if (pr.error)
					nerrors++;
				pg_query_free_protobuf_parse_result(pr);
			}
		}
		pg_query_free_split_result(sr);
		free(text);
	}
	free(stmt);
	pg_query_exit();
	printf("files=%d statements=%ld parse_errors=%ld bytes=%ld\n", argc - 1, nstmts, nerrors, nbytes);
	return 0;
}
