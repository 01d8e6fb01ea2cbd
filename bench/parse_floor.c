/*
 * parse_floor.c - the floor under audit's CPU time (issue 15, round
 * four): what libpg_query's public API costs before pgcascade does
 * anything of its own, one process per mode (bench/parse-floor.sh runs
 * every mode, interleaved, under /usr/bin/time).
 *
 *     parse_floor MODE FILE...
 *
 * Every mode reads each whole file, then:
 *   read       nothing more (process start, reading the files)
 *   json       pg_query_parse of the whole file (bench/parse_json.c, the
 *              peer bench/audit.sh calls "libpg_query parse to JSON")
 *   json-yajl  json, then yajl's event parser over the JSON with callbacks
 *              that take each value (numbers converted, string lengths
 *              summed): the least a yajl reader does
 *   json-pgjson json, then pgjson_read (src/frontend/pgjson.c, what audit
 *              runs: yajl into the PgQuery__* structs), the whole file
 *              in one call, into a bump allocator
 *   json-jsmn  json, then jsmn (libjsmn-dev, a header-only tokenizer,
 *              parent links on so closing is not quadratic) into a token
 *              array, then one walk converting every number and looking
 *              for escapes in every string: the least a jsmn reader does
 *   json-c     json, then json_tokener_parse (json-c's DOM) and its free
 *   split      pg_query_split_with_scanner alone
 *   scan       pg_query_scan alone (the tokens packed as protobuf)
 *   scan-unpack pg_query_scan, then pg_query__scan_result__unpack
 *   stmts      split, then pg_query_parse of each statement audit parses
 *              (first word CREATE or ALTER, functions left out: a subset
 *              of what classify.c sends to the parser, so a floor)
 *   stmts-jsmn, stmts-pgjson
 *              stmts, then each statement's JSON read as json-jsmn,
 *              json-pgjson do
 * Prints one line of counts (so a mode that skipped work shows).
 */
#define JSMN_PARENT_LINKS
#define JSMN_STATIC
#include <jsmn.h>
#include <json-c/json.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>
#include <yajl/yajl_parse.h>
#include "frontend/pgjson.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>

static char *read_all(const char *path, size_t *len)
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
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* ---- yajl: every value taken, nothing built ------------------------- */
static long y_values, y_sum;
static int y_null(void *c) { (void)c; y_values++; return 1; }
static int y_bool(void *c, int b) { (void)c; y_values++; y_sum += b; return 1; }
static int y_num(void *c, const char *s, size_t n)
{
	(void)c;
	char buf[64];
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, s, n);
	buf[n] = '\0';
	y_sum += strtoll(buf, NULL, 10);
	y_values++;
	return 1;
}
static int y_str(void *c, const unsigned char *s, size_t n) { (void)c; (void)s; y_values++; y_sum += (long)n; return 1; }
static int y_map(void *c) { (void)c; return 1; }
static int y_key(void *c, const unsigned char *s, size_t n) { (void)c; (void)s; y_sum += (long)n; return 1; }
static const yajl_callbacks y_cb = {y_null, y_bool, NULL, NULL, y_num, y_str, y_map, y_key, y_map, y_map, y_map};

/* ---- a bump allocator for pgjson, reset per file -------------------- */
typedef struct Bump {
	char *buf;
	size_t cap, used;
	long big;
} Bump;
static void *bump_alloc(void *d, size_t n)
{
	Bump *b = d;
	n = (n + 15) & ~(size_t)15;
	if (b->used + n > b->cap) {
		b->big++;
		return malloc(n); /* leaks in the bench; counted */
	}
	void *p = b->buf + b->used;
	b->used += n;
	return p;
}
static void bump_free(void *d, void *p) { (void)d; (void)p; }

/* ---- jsmn: tokens, then one walk ------------------------------------ */
static jsmntok_t *jt;
static unsigned jcap;
static long jsmn_read(const char *js, size_t len, long *sum)
{
	jsmn_parser p;
	jsmn_init(&p);
	if (!jt && !(jt = malloc((jcap = 1u << 16) * sizeof(*jt))))
		return -1; /* (tokens NULL would make jsmn only count) */
	int r;
	for (;;) {
		r = jsmn_parse(&p, js, len, jt, jcap);
		if (r != JSMN_ERROR_NOMEM)
			break;
		unsigned nc = jcap ? 2 * jcap : 1u << 16;
		jsmntok_t *n = realloc(jt, nc * sizeof(*jt));
		if (!n)
			return -1;
		jt = n;
		jcap = nc;
	}
	if (r < 0)
		return -1;
	for (int i = 0; i < r; i++) {
		const char *s = js + jt[i].start;
		size_t n = (size_t)(jt[i].end - jt[i].start);
		if (jt[i].type == JSMN_PRIMITIVE) {
			if (*s == '-' || (*s >= '0' && *s <= '9'))
				*sum += strtoll(s, NULL, 10);
			else
				*sum += *s;
		} else if (jt[i].type == JSMN_STRING) {
			*sum += memchr(s, '\\', n) ? 1 : (long)n;
		}
	}
	return r;
}

static long files, bytes, errors, out, sum, items;
static PgJson *pj;
static Bump bump;
static ProtobufCAllocator pa = {bump_alloc, bump_free, &bump};

/* reads js (the parse of text) as the mode says */
static void read_json(const char *mode, const char *text, size_t len, const char *js)
{
	size_t jl = strlen(js);
	out += (long)jl;
	if (strstr(mode, "-yajl")) {
		yajl_handle h = yajl_alloc(&y_cb, NULL, NULL);
		if (yajl_parse(h, (const unsigned char *)js, jl) != yajl_status_ok ||
		    yajl_complete_parse(h) != yajl_status_ok)
			errors++;
		yajl_free(h);
	} else if (pj) {
		bump.used = 0;
		PgQuery__ParseResult *t = pgjson_read(pj, text, len, js, jl, &pa);
		if (t)
			items += (long)t->n_stmts;
		else
			errors++;
	} else if (strstr(mode, "-jsmn")) {
		long r = jsmn_read(js, jl, &sum);
		if (r < 0)
			errors++;
		else
			items += r;
	} else if (strcmp(mode, "json-c") == 0) {
		json_object *o = json_tokener_parse(js);
		if (!o)
			errors++;
		json_object_put(o);
	}
}

/* a statement audit parses: CREATE or ALTER first, not a function */
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
	if (strncasecmp(q, "alter", 5) == 0)
		return 1;
	if (strncasecmp(q, "create", 6) != 0)
		return 0;
	char head[48];
	snprintf(head, sizeof(head), "%s", q);
	for (char *h = head; *h; h++)
		*h = (char)toupper((unsigned char)*h);
	return strstr(head, "FUNCTION") == NULL && strstr(head, "PROCEDURE") == NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: parse_floor MODE FILE...\n");
		return 2;
	}
	const char *mode = argv[1];
	if (strstr(mode, "-pgjson"))
		pj = pgjson_new();
	if (pj) {
		bump.cap = 64u << 20;
		bump.buf = malloc(bump.cap);
	}
	int json = strncmp(mode, "json", 4) == 0, stmts = strncmp(mode, "stmts", 5) == 0;
	if (!json && !stmts && strcmp(mode, "read") && strcmp(mode, "split") && strcmp(mode, "scan") &&
	    strcmp(mode, "scan-unpack")) {
		fprintf(stderr, "parse_floor: unknown mode %s\n", mode);
		return 2;
	}
	for (int i = 2; i < argc; i++) {
		size_t len;
		char *text = read_all(argv[i], &len);
		if (!text) {
			fprintf(stderr, "parse_floor: cannot read %s\n", argv[i]);
			return 2;
		}
		files++;
		bytes += (long)len;
		if (json) {
			PgQueryParseResult pr = pg_query_parse(text);
			if (pr.error)
				errors++;
			else
				read_json(mode, text, len, pr.parse_tree);
			pg_query_free_parse_result(pr);
		} else if (stmts) {
			PgQuerySplitResult sr = pg_query_split_with_scanner(text);
			if (sr.error)
				errors++;
			for (int k = 0; !sr.error && k < sr.n_stmts; k++) {
				const PgQuerySplitStmt *st = sr.stmts[k];
				char *q = strndup(text + st->stmt_location, (size_t)st->stmt_len);
				if (q && schema_stmt(q)) {
					PgQueryParseResult pr = pg_query_parse(q);
					if (pr.error)
						errors++;
					else
						read_json(mode, q, (size_t)st->stmt_len, pr.parse_tree);
					pg_query_free_parse_result(pr);
				}
				free(q);
			}
			pg_query_free_split_result(sr);
		} else if (strcmp(mode, "split") == 0) {
			PgQuerySplitResult sr = pg_query_split_with_scanner(text);
			if (sr.error)
				errors++;
			items += sr.n_stmts;
			pg_query_free_split_result(sr);
		} else if (strncmp(mode, "scan", 4) == 0) {
			PgQueryScanResult sr = pg_query_scan(text);
			if (sr.error) {
				errors++;
			} else {
				out += (long)sr.pbuf.len;
				if (strcmp(mode, "scan-unpack") == 0) {
					PgQuery__ScanResult *u = pg_query__scan_result__unpack(
						NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
					if (u)
						items += (long)u->n_tokens;
					else
						errors++;
					pg_query__scan_result__free_unpacked(u, NULL);
				}
			}
			pg_query_free_scan_result(sr);
		}
		free(text);
	}
	printf("%s: files=%ld bytes=%ld errors=%ld out_bytes=%ld items=%ld yajl_values=%ld bump_overflows=%ld (%ld)\n",
	       mode, files, bytes, errors, out, items, y_values, bump.big, (sum + y_sum) & 1);
	if (pj)
		pgjson_free(pj);
	free(bump.buf);
	free(jt);
	if (strcmp(mode, "read") != 0)
		pg_query_exit(); /* (crashes when nothing was parsed) */
	return 0;
}
