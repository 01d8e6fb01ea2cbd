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
 * catalog read cannot hang a CI job forever; likewise a lock_timeout of 2s
 * when the session has none of its own, so a read never queues behind a
 * migration's lock (and the application's queries behind the read).
 *
 * What the user sees of a conninfo is never its text: db_describe() prints
 * the options PQconninfoParse() found, as keyword=value in libpq's order,
 * with every secret (libpq marks password and sslpassword with dispchar
 * "*") shown as ***. A URI whose user-info holds an unencoded '@' or '/'
 * (libpq would read part of the password as host or database name) and a
 * malformed conninfo are input errors (exit 2) whose message shows none
 * of the text when it may hold a password.
 *
 * libpq does not echo passwords in its messages, but we do not rely on
 * it: every message of libpq passed on is scrubbed of every secret (the
 * parsed ones, PGPASSWORD, and the password libpq actually used, which
 * may come from ~/.pgpass).
 */
#include "exitcodes.h"
#include "loader/live.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SECRETS 16
/* Shorter secrets are not scrubbed from libpq's messages: replacing every
 * "ab" would garble the message while libpq never prints passwords anyway.
 * (db_describe() never shows a secret, whatever its length.) */
#define MIN_SCRUB_LEN 3

typedef struct Secrets {
	char *s[MAX_SECRETS];
	int n;
} Secrets;

static void secret_add(Secrets *sec, const char *p, size_t n)
{
	if (!sec || !p || n < MIN_SCRUB_LEN || sec->n == MAX_SECRETS)
		return;
	sec->s[sec->n++] = xstrndup(p, n);
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

/* libpq reads a value with '=' or a URI prefix as a conninfo, anything
 * else as a database name. */
static bool is_conninfo(const char *s)
{
	return strchr(s, '=') || is_uri(s);
}

/* libpq reads a URI's user-info up to its first '@', unless a '/' comes
 * first (then there is none); '?' does not end it. A password with an
 * unencoded '@', '/' or '?' therefore leaves pieces of itself in the host,
 * the port, the database name or the query, where they would be shown:
 * such a URI does not mean what its author wrote. Every '@' but the one
 * that ends libpq's user-info must be percent-encoded (%40; libpq decodes
 * every part of a URI), so any other '@' makes the URI ambiguous. */
static bool uri_ambiguous(const char *s)
{
	const char *p = strstr(s, "://") + 3;
	size_t at = strcspn(p, "@/");
	if (p[at] == '@')
		return strchr(p + at + 1, '@') != NULL;
	return p[at] == '/' && strchr(p + at, '@') != NULL;
}

/* A value as conninfo syntax: bare when it can be, else single-quoted with
 * \ and ' escaped; control bytes as \xNN so nothing reaches a terminal raw. */
static void add_value(StrBuf *out, const char *v)
{
	bool bare = *v != '\0';
	for (const char *p = v; *p; p++)
		if (*p == '\'' || *p == '\\' || (unsigned char)*p <= ' ' || *p == 0x7f)
			bare = false;
	if (bare) {
		sb_adds(out, v);
		return;
	}
	sb_addch(out, '\'');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		if (*p == '\'' || *p == '\\') {
			sb_addch(out, '\\');
			sb_addch(out, (char)*p);
		} else if (*p < ' ' || *p == 0x7f) {
			sb_addf(out, "\\x%02x", *p);
		} else {
			sb_addch(out, (char)*p);
		}
	}
	sb_addch(out, '\'');
}

/* The parsed options without their secrets; the secrets go into sec. */
static void describe_options(StrBuf *out, const PQconninfoOption *opts, Secrets *sec)
{
	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (out->len)
			sb_addch(out, ' ');
		sb_adds(out, o->keyword);
		sb_addch(out, '=');
		if (o->dispchar && strchr(o->dispchar, '*')) {
			sb_adds(out, "***");
			secret_add(sec, o->val, strlen(o->val));
		} else {
			add_value(out, o->val);
		}
	}
}

/* what: "--db" or "DATABASE_URL", for messages. */
static int describe(StrBuf *out, const char *conninfo, const char *what, Secrets *sec, Err *err)
{
	if (!is_conninfo(conninfo)) {
		sb_adds(out, "dbname=");
		add_value(out, conninfo);
		return 0;
	}
	if (is_uri(conninfo) && uri_ambiguous(conninfo))
		return err_set(err, PGC_EXIT_USAGE,
		               "invalid connection URI in %s (not shown: it may contain a password): "
		               "its user name or password holds an unencoded '@' or '/' (or it has an '@' "
		               "outside its user name and password), which libpq reads as the end of the "
		               "password; percent-encode them (%%40, %%2F)", what);
	char *perr = NULL;
	PQconninfoOption *opts = PQconninfoParse(conninfo, &perr);
	if (!opts) {
		int rc;
		if (!perr)
			rc = err_set(err, PGC_EXIT_INTERNAL, "out of memory parsing the connection string in %s", what);
		/* libpq's reason quotes a piece of the text, which may hold a
		 * password when the text does not tokenise as meant. */
		else if (strcasestr(conninfo, "password") || strchr(conninfo, '@'))
			rc = err_set(err, PGC_EXIT_USAGE,
			             "invalid connection string in %s (not shown: it may contain a password); "
			             "check its syntax: keyword=value pairs or a postgresql:// URI", what);
		else {
			size_t n = strlen(perr);
			while (n && (perr[n - 1] == '\n' || perr[n - 1] == ' '))
				n--;
			rc = err_set(err, PGC_EXIT_USAGE, "invalid connection string in %s: %.*s", what, (int)n, perr);
		}
		PQfreemem(perr);
		return rc;
	}
	/* "host= password=x": libpq reads "password=x" as the host. */
	for (const PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val || (o->dispchar && strchr(o->dispchar, '*')))
			continue;
		/* libpq expands a connection string in dbname only at the top
		 * level: nested, it is a database name that shows its password */
		if (strcmp(o->keyword, "dbname") == 0 && is_conninfo(o->val)) {
			err_set(err, PGC_EXIT_USAGE,
			        "invalid connection string in %s (not shown: it may contain a password): "
			        "its dbname is itself a connection string, which libpq does not expand there; "
			        "pass that string as %s", what, what);
			PQconninfoFree(opts);
			return -1;
		}
		for (const char *p = strcasestr(o->val, "password"); p; p = strcasestr(p + 1, "password")) {
			const char *q = p + 8;
			while (isspace((unsigned char)*q))
				q++;
			if (*q == '=') {
				err_set(err, PGC_EXIT_USAGE,
				        "invalid connection string in %s (not shown: it may contain a password): "
				        "the value of %s holds \"password=\"; an empty value needs quotes (%s='')",
				        what, o->keyword, o->keyword);
				PQconninfoFree(opts);
				return -1;
			}
		}
	}
	describe_options(out, opts, sec);
	PQconninfoFree(opts);
	return 0;
}

int db_describe(const char *conninfo, StrBuf *out, Err *err)
{
	return describe(out, conninfo, "--db", NULL, err);
}

char *db_redact(Arena *a, const char *conninfo)
{
	if (!conninfo)
		return NULL;
	StrBuf sb = STRBUF_INIT;
	Err err = {0};
	if (describe(&sb, conninfo, "--db", NULL, &err) < 0) {
		sb_reset(&sb);
		sb_adds(&sb, "(invalid connection string, not shown)");
	}
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
	if (url) {
		if (describe(&shown, url, from, &sec, err) < 0)
			goto out;
	} else {
		sb_adds(&shown, "(from the PG* environment variables)");
	}
	const char *pw = getenv("PGPASSWORD");
	if (pw)
		secret_add(&sec, pw, strlen(pw));

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
		err_set(err, PGC_EXIT_DB, "could not connect to the database (%s): out of memory", shown.buf);
		goto out;
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		/* the password libpq used, perhaps from ~/.pgpass */
		const char *used = PQpass(conn);
		if (used)
			secret_add(&sec, used, strlen(used));
		scrub(&msg, PQerrorMessage(conn), &sec);
		err_set(err, PGC_EXIT_DB, "could not connect to the database (%s): %s", shown.buf, msg.buf);
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
