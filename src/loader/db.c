/*
 * db.c - connecting to the live database, and keeping the password out
 * of every message.
 *
 * --db takes what libpq takes: a keyword/value conninfo, a URI, or a bare
 * database name. When it is NULL or empty (--db ''), DATABASE_URL is used
 * when set, and else libpq's own PG* variables (PGHOST, PGPORT, PGUSER,
 * PGPASSWORD, ...).
 *
 * Defaults are passed as keyword arrays placed *before* the expanded
 * dbname entry of PQconnectdbParams(): libpq lets later entries override
 * earlier ones, so whatever the user wrote (in the conninfo, or through
 * PGCONNECT_TIMEOUT / PGAPPNAME / PGCLIENTENCODING) wins. Nothing is
 * pasted into a conninfo string.
 *
 *   connect_timeout=10          unless PGCONNECT_TIMEOUT is set
 *   fallback_application_name   pgcascade (application_name still wins)
 *   client_encoding=UTF8        names are compared with UTF-8 files
 *
 * statement_timeout is deliberately NOT set here: a role or database
 * setting, PGOPTIONS or options=-c... would be overridden by a startup
 * option. live_load() instead reads the session's value and, only when it
 * is 0 (no limit), sets a transaction-local limit (SET LOCAL) so a stuck
 * catalog read cannot hang a CI job forever.
 *
 * libpq does not echo passwords in its messages, but we do not rely on
 * it: every message built here is scrubbed of the password found in the
 * conninfo (raw and percent-decoded) and of PGPASSWORD, and the conninfo
 * is only ever shown through db_redact().
 */
#include "exitcodes.h"
#include "loader/live.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECRETS 8
/* Shorter secrets are not scrubbed from messages: replacing every "ab"
 * would garble the message while libpq never prints passwords anyway. */
#define MIN_SCRUB_LEN 3

typedef struct Secrets {
	char *s[MAX_SECRETS];
	int n;
} Secrets;

static void secret_add(Secrets *sec, const char *p, size_t n)
{
	if (!sec || n < MIN_SCRUB_LEN || sec->n == MAX_SECRETS)
		return;
	char *c = malloc(n + 1);
	if (!c)
		return;
	memcpy(c, p, n);
	c[n] = '\0';
	sec->s[sec->n++] = c;
}

static void secrets_free(Secrets *sec)
{
	for (int i = 0; i < sec->n; i++)
		free(sec->s[i]);
	sec->n = 0;
}

static bool is_uri(const char *s)
{
	return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Adds a percent-encoded secret in both spellings. */
static void secret_add_uri(Secrets *sec, const char *p, size_t n)
{
	secret_add(sec, p, n);
	StrBuf d = STRBUF_INIT;
	for (size_t i = 0; i < n; i++) {
		int h = -1, l = -1;
		if (p[i] == '%' && i + 2 < n) {
			h = hexval((unsigned char)p[i + 1]);
			l = hexval((unsigned char)p[i + 2]);
		}
		if (h >= 0 && l >= 0) {
			sb_addch(&d, (char)(h * 16 + l));
			i += 2;
		} else {
			sb_addch(&d, p[i]);
		}
	}
	if (d.len != n || memcmp(d.buf, p, n) != 0)
		secret_add(sec, d.buf, d.len);
	sb_release(&d);
}

/*
 * URI: postgresql://user:password@host/db?password=...&...
 * The user-info part ends at an '@' before the first '/'.
 */
static void redact_uri(StrBuf *out, const char *s, Secrets *sec)
{
	const char *p = strstr(s, "://") + 3;
	sb_add(out, s, (size_t)(p - s));
	const char *slash = p + strcspn(p, "/");
	/* libpq stops at the first '@', but a password with an unencoded '@'
	 * is still a password: hide everything up to the last one. */
	const char *at = memrchr(p, '@', (size_t)(slash - p));
	if (at) {
		const char *colon = memchr(p, ':', (size_t)(at - p));
		if (colon) {
			sb_add(out, p, (size_t)(colon - p));
			sb_adds(out, ":***");
			secret_add_uri(sec, colon + 1, (size_t)(at - colon - 1));
			/* each '@'-separated piece, as libpq may show one as a host */
			for (const char *q = colon + 1, *e; q < at; q = e + 1) {
				e = memchr(q, '@', (size_t)(at - q));
				if (!e)
					e = at;
				if (e - q != at - colon - 1)
					secret_add_uri(sec, q, (size_t)(e - q));
			}
		} else {
			sb_add(out, p, (size_t)(at - p));
		}
		p = at;
	}
	const char *q = strchr(p, '?');
	if (!q) {
		sb_adds(out, p);
		return;
	}
	sb_add(out, p, (size_t)(q + 1 - p));
	p = q + 1;
	while (*p) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq && (size_t)(eq - p) == 8 && strncmp(p, "password", 8) == 0) {
			sb_adds(out, "password=***");
			secret_add_uri(sec, eq + 1, len - 9);
		} else {
			sb_add(out, p, len);
		}
		p += len;
		if (*p == '&')
			sb_addch(out, *p++);
	}
}

/*
 * keyword = value pairs, tokenised the way libpq's conninfo_parse() does:
 * values are bare words or single-quoted, with backslash escapes.
 */
static void redact_kv(StrBuf *out, const char *s, Secrets *sec)
{
	const char *p = s;
	while (*p) {
		if (isspace((unsigned char)*p)) {
			sb_addch(out, *p++);
			continue;
		}
		const char *kw = p;
		while (*p && *p != '=' && !isspace((unsigned char)*p))
			p++;
		size_t kwlen = (size_t)(p - kw);
		sb_add(out, kw, kwlen);
		while (isspace((unsigned char)*p))
			sb_addch(out, *p++);
		if (*p != '=')
			continue; /* malformed; libpq will say so */
		sb_addch(out, *p++);
		while (isspace((unsigned char)*p))
			sb_addch(out, *p++);
		const char *v = p;
		StrBuf val = STRBUF_INIT;
		if (*p == '\'') {
			p++;
			while (*p && *p != '\'') {
				if (*p == '\\' && p[1])
					p++;
				sb_addch(&val, *p++);
			}
			if (*p == '\'')
				p++;
		} else {
			while (*p && !isspace((unsigned char)*p)) {
				if (*p == '\\' && p[1])
					p++;
				sb_addch(&val, *p++);
			}
		}
		if (kwlen == 8 && strncmp(kw, "password", 8) == 0) {
			sb_adds(out, "***");
			secret_add(sec, v, (size_t)(p - v));
			secret_add(sec, val.buf, val.len);
		} else {
			sb_add(out, v, (size_t)(p - v));
		}
		sb_release(&val);
	}
}

static void redact(StrBuf *out, const char *s, Secrets *sec)
{
	if (is_uri(s))
		redact_uri(out, s, sec);
	else
		redact_kv(out, s, sec);
}

char *db_redact(Arena *a, const char *conninfo)
{
	if (!conninfo)
		return NULL;
	StrBuf sb = STRBUF_INIT;
	redact(&sb, conninfo, NULL);
	char *r = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return r;
}

/* Copies msg into out with every secret replaced by ***, trailing newlines cut. */
static void scrub(StrBuf *out, const char *msg, const Secrets *sec)
{
	const char *p = msg;
	while (*p) {
		bool hit = false;
		for (int i = 0; i < sec->n; i++) {
			size_t n = strlen(sec->s[i]);
			if (strncmp(p, sec->s[i], n) == 0) {
				sb_adds(out, "***");
				p += n;
				hit = true;
				break;
			}
		}
		if (!hit)
			sb_addch(out, *p++);
	}
	while (out->len && (out->buf[out->len - 1] == '\n' || out->buf[out->len - 1] == ' '))
		sb_setlen(out, out->len - 1);
	/* libpq puts hints and multi-host attempts on lines of their own
	 * ("\n\tIs the server running..."): keep one line. */
	size_t w = 0;
	for (size_t i = 0; i < out->len; i++) {
		if (out->buf[i] == '\n') {
			out->buf[w++] = ' ';
			while (i + 1 < out->len && (out->buf[i + 1] == '\t' || out->buf[i + 1] == ' '))
				i++;
		} else {
			out->buf[w++] = out->buf[i];
		}
	}
	sb_setlen(out, w);
}

PGconn *db_connect(const char *url, Err *err)
{
	PGconn *conn = NULL;
	Secrets sec = {0};
	StrBuf shown = STRBUF_INIT, msg = STRBUF_INIT;
	const char *from = "--db";

	/* --db '' means the same as no URL: DATABASE_URL, then PG*. */
	if (!url || !*url) {
		url = getenv("DATABASE_URL");
		from = "DATABASE_URL";
		if (url && !*url)
			url = NULL;
	}
	if (url)
		redact(&shown, url, &sec);
	else
		sb_adds(&shown, "(from the PG* environment variables)");
	const char *pw = getenv("PGPASSWORD");
	if (pw)
		secret_add(&sec, pw, strlen(pw));

	/* Check the syntax first: a clean message before any network traffic.
	 * libpq treats a value with '=' or a URI prefix as a conninfo, and
	 * anything else as a database name. */
	if (url && (strchr(url, '=') || is_uri(url))) {
		char *perr = NULL;
		PQconninfoOption *opts = PQconninfoParse(url, &perr);
		if (!opts) {
			/* A malformed string may not tokenise the way we guessed
			 * (password=two words): then neither it nor libpq's
			 * quoting of its pieces can be shown safely. */
			if (strcasestr(url, "password") || strchr(url, '@')) {
				err_set(err, PGC_EXIT_DB, "invalid connection string in %s (not shown: it "
				        "contains a password); check its syntax: keyword=value pairs or a "
				        "postgresql:// URI", from);
			} else {
				scrub(&msg, perr ? perr : "out of memory", &sec);
				err_set(err, PGC_EXIT_DB, "invalid connection string in %s \"%s\": %s",
				        from, shown.buf, msg.buf);
			}
			PQfreemem(perr);
			goto out;
		}
		PQconninfoFree(opts);
	}

	const char *kw[5], *val[5];
	int n = 0;
	if (!getenv("PGCONNECT_TIMEOUT")) {
		kw[n] = "connect_timeout";
		val[n++] = "10";
	}
	kw[n] = "fallback_application_name";
	val[n++] = "pgcascade";
	kw[n] = "client_encoding";
	val[n++] = getenv("PGCLIENTENCODING") ? getenv("PGCLIENTENCODING") : "UTF8";
	kw[n] = "dbname"; /* expanded: its fields override the entries above */
	val[n++] = url ? url : "";
	kw[n] = NULL;
	val[n] = NULL;

	conn = PQconnectdbParams(kw, val, 1);
	if (!conn) {
		err_set(err, PGC_EXIT_DB, "could not connect to the database %s: out of memory", shown.buf);
		goto out;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		scrub(&msg, PQerrorMessage(conn), &sec);
		err_set(err, PGC_EXIT_DB, "could not connect to the database %s: %s", shown.buf, msg.buf);
		PQfinish(conn);
		conn = NULL;
		goto out;
	}
out:
	secrets_free(&sec);
	sb_release(&shown);
	sb_release(&msg);
	return conn;
}
