/*
 * fuzz_conninfo.c - libFuzzer target for the redaction of connection
 * strings (db_describe / db_redact, src/loader/db.c).
 *
 * Input: byte 0 picks where the password goes; the rest, cut at the first
 * NUL, is a template, and what follows that NUL is the password P (no NUL).
 *   0: keyword/value:  TEMPLATE password='P'       (P escaped for libpq)
 *   1: URI user-info:  postgresql://u:%XX..@TEMPLATE   (P percent-encoded)
 *   2: URI query:      postgresql://TEMPLATE?password=%XX..  (or &password=)
 *   3: URI user-info, raw: postgresql://u:P@TEMPLATE  (byte 0 >= 0xC0), P as
 *      typed, '@', '/', ':' and '%' included: the URI of a careless user
 * The same is built with Q, a different password of P's length (in mode 3,
 * P with its letters and digits changed and its punctuation kept, so that
 * libpq cuts both the same way). Whenever
 * libpq parses both strings to the same options but the password, the two
 * descriptions must be byte-identical (so nothing of the password shows,
 * whatever its characters), and so must the two error messages when both
 * are rejected (in mode 3 always). Besides, when P is the password libpq finds (or the string
 * is rejected): the description and the message never hold P unless Q's
 * hold it too (then it comes from a keyword, another value or the
 * message's own words); db_redact agrees.
 */
#include "loader/live.h"
#include "util/arena.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void add_pct(StrBuf *sb, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sb_addf(sb, "%%%02X", (unsigned char)p[i]);
}

static void build(StrBuf *sb, int mode, const char *tmpl, const char *pw, size_t pwlen)
{
	sb_reset(sb);
	switch (mode) {
	case 0:
		sb_adds(sb, tmpl);
		sb_adds(sb, " password='");
		for (size_t i = 0; i < pwlen; i++) {
			if (pw[i] == '\'' || pw[i] == '\\')
				sb_addch(sb, '\\');
			sb_addch(sb, pw[i]);
		}
		sb_addch(sb, '\'');
		break;
	case 1:
	case 3: /* percent-encoded, or raw */
		sb_adds(sb, "postgresql://u:");
		if (mode == 1)
			add_pct(sb, pw, pwlen);
		else
			sb_add(sb, pw, pwlen);
		sb_addch(sb, '@');
		sb_adds(sb, tmpl);
		break;
	default:
		sb_adds(sb, "postgresql://");
		sb_adds(sb, tmpl);
		sb_adds(sb, strchr(tmpl, '?') ? "&password=" : "?password=");
		add_pct(sb, pw, pwlen);
		break;
	}
}

/* Parses both; 1 when both parse and every option but password agrees.
 * *placed: s1 parses and its password is pw (not taken into a value). */
static int same_but_password(const char *s1, const char *s2, const char *pw, int *both_fail, int *placed)
{
	char *e1 = NULL, *e2 = NULL;
	PQconninfoOption *o1 = PQconninfoParse(s1, &e1), *o2 = PQconninfoParse(s2, &e2);
	PQfreemem(e1);
	PQfreemem(e2);
	*both_fail = !o1 && !o2;
	int same = o1 && o2;
	*placed = 0;
	for (int i = 0; o1 && o1[i].keyword; i++)
		if (strcmp(o1[i].keyword, "password") == 0 && o1[i].val && strcmp(o1[i].val, pw) == 0)
			*placed = 1;
	for (int i = 0; same && o1[i].keyword; i++) {
		if (strcmp(o1[i].keyword, "password") == 0)
			continue;
		const char *a = o1[i].val, *b = o2[i].val;
		if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
			same = 0;
	}
	PQconninfoFree(o1);
	PQconninfoFree(o2);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int mode = data[0] >= 0xC0 ? 3 : data[0] % 3;
	const char *rest = (const char *)data + 1;
	size_t n = size - 1;
	size_t tlen = strnlen(rest, n);
	const char *pw = tlen < n ? rest + tlen + 1 : "";
	size_t pwlen = tlen < n ? strnlen(pw, n - tlen - 1) : 0;
	/* (a keyword/value template that is a URI would carry P raw) */
	if (pwlen == 0 || (mode == 0 && tlen >= 11 && (strncmp(rest, "postgres://", 11) == 0 ||
	                                               strncmp(rest, "postgresql://", tlen < 13 ? tlen : 13) == 0)))
		return 0;
	char *tmpl = strndup(rest, tlen);
	char *p1 = strndup(pw, pwlen);
	char *p2 = strndup(pw, pwlen);
	if (!tmpl || !p1 || !p2)
		abort();
	for (size_t i = 0; i < pwlen; i++) {
		if (mode == 3 && p1[i] == '%') { /* %XX stays: the same decoding, or the same error */
			for (size_t k = 0; k < 3 && i < pwlen; k++, i++)
				p2[i] = p1[i];
			i--;
		} else if (mode != 3 || isalnum((unsigned char)p1[i])) {
			p2[i] = p1[i] == 'Z' ? 'Y' : 'Z';
		}
	}

	StrBuf c1 = STRBUF_INIT, c2 = STRBUF_INIT, d1 = STRBUF_INIT, d2 = STRBUF_INIT;
	build(&c1, mode, tmpl, p1, pwlen);
	build(&c2, mode, tmpl, p2, pwlen);
	Err e1 = {0}, e2 = {0};
	int r1 = db_describe(c1.buf, &d1, &e1);
	int r2 = db_describe(c2.buf, &d2, &e2);
	int both_fail = 0, placed = 0;
	/* Mode 3: P and Q differ in letters and digits only, so libpq cuts
	 * both URIs the same way; any difference in what is shown is a piece
	 * of the password that landed in another option (host, port, dbname). */
	if (mode == 3 && (r1 != r2 || strcmp(d1.buf, d2.buf) != 0 || strcmp(e1.msg, e2.msg) != 0)) {
		fprintf(stderr, "a raw password shows:\n  %s\n  %s\n  %s\n  %s\n", d1.buf, d2.buf, e1.msg, e2.msg);
		abort();
	}
	if (same_but_password(c1.buf, c2.buf, p1, &both_fail, &placed)) {
		if (r1 != r2 || strcmp(d1.buf, d2.buf) != 0 || strcmp(e1.msg, e2.msg) != 0) {
			fprintf(stderr, "the description depends on the password:\n  %s\n  %s\n  %s\n  %s\n",
			        d1.buf, d2.buf, e1.msg, e2.msg);
			abort();
		}
	} else if (both_fail && strcmp(e1.msg, e2.msg) != 0) {
		fprintf(stderr, "the error message depends on the password:\n  %s\n  %s\n", e1.msg, e2.msg);
		abort();
	}
	/* (an occurrence the other password's description has too comes from
	 * keywords, other values or the message's own words) */
	if ((placed || both_fail) &&
	    ((strstr(d1.buf, p1) && !strstr(d2.buf, p1)) || (strstr(e1.msg, p1) && !strstr(e2.msg, p1)))) {
		fprintf(stderr, "the password shows: %s / %s\n", d1.buf, e1.msg);
		abort();
	}
	Arena *a = arena_new();
	const char *red1 = db_redact(a, c1.buf), *red2 = db_redact(a, c2.buf);
	if (r1 == 0 && strcmp(red1, d1.buf) != 0) {
		fprintf(stderr, "db_redact and db_describe differ:\n  %s\n  %s\n", red1, d1.buf);
		abort();
	}
	if ((placed || both_fail) && strstr(red1, p1) && !strstr(red2, p1)) {
		fprintf(stderr, "the password shows: %s\n", red1);
		abort();
	}
	arena_free(a);
	sb_release(&c1);
	sb_release(&c2);
	sb_release(&d1);
	sb_release(&d2);
	free(tmpl);
	free(p1);
	free(p2);
	return 0;
}
