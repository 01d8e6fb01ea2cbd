/*
 * verify.c - applying sources to the server; see verify.h.
 */
#include "verify/verify.h"
#include "exitcodes.h"
#include "frontend/psql.h"

#include <pg_query.h>

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * psql scripts: frontend/psql.c blanks meta-commands and records each
 * COPY ... FROM stdin block; apply sends the SQL between blocks as one
 * query each, and each COPY with its data apart.
 */

/* PostgreSQL reports positions in characters; we count bytes. */
static int char_to_byte(const char *text, size_t len, int chars)
{
	size_t i = 0;
	int n = 0;
	while (i < len && n < chars) {
		i++;
		while (i < len && ((unsigned char)text[i] & 0xC0) == 0x80)
			i++;
		n++;
	}
	return (int)i;
}

static void trim(char *s)
{
	size_t l = strlen(s);
	while (l && (s[l - 1] == '\n' || s[l - 1] == ' '))
		s[--l] = '\0';
}

static bool conn_gone(PGconn *conn, const PGresult *r)
{
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return PQstatus(conn) != CONNECTION_OK || !st || strncmp(st, "08", 2) == 0 ||
	       strncmp(st, "57P", 3) == 0;
}

/* Error for a statement that failed at byte offset base (+ position in it). */
static int apply_error(PGconn *conn, const Source *src, const PGresult *r, int base,
                       const char *stmt, size_t stmt_len, Err *err)
{
	if (conn_gone(conn, r)) {
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(conn));
		trim(msg);
		return err_set(err, PGC_EXIT_DB, "%s: the server failed while applying it: %s", src->path,
		               *msg ? msg : "connection lost");
	}
	const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
	int off = base;
	if (pos)
		off += char_to_byte(stmt, stmt_len, atoi(pos) - 1);
	/* skip leading blanks and comments so the place is the statement itself */
	else
		while ((size_t)off < src->len && (src->text[off] == ' ' || src->text[off] == '\n' ||
		                                  src->text[off] == '\t' || src->text[off] == '\r'))
			off++;
	SrcLoc l = srcloc_at(src->path, src->text, src->len, off);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
	                                   ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
	                                   : PQresultErrorMessage(r));
	trim(msg);
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	return err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: PostgreSQL rejected this statement: %s (SQLSTATE %s)",
	               l.file, l.line, l.col, msg, st ? st : "?");
}

/* Statement by statement: to place an error, or for statements that
 * cannot run in a transaction block. */
static int apply_split(PGconn *conn, const Source *src, const char *text, int base, Err *err)
{
	PgQuerySplitResult sr = pg_query_split_with_scanner(text);
	int ret = -1;
	if (sr.error) {
		SrcLoc l = srcloc_at(src->path, src->text, src->len,
		                     base + (sr.error->cursorpos > 0 ? sr.error->cursorpos - 1 : 0));
		err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: %s", l.file, l.line, l.col, sr.error->message);
		goto out;
	}
	for (int i = 0; i < sr.n_stmts; i++) {
		int at = sr.stmts[i]->stmt_location, len = sr.stmts[i]->stmt_len;
		if (len == 0)
			len = (int)strlen(text + at);
		char *stmt = strndup(text + at, (size_t)len);
		PGresult *r = PQexec(conn, stmt);
		int st = PQresultStatus(r);
		if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
			apply_error(conn, src, r, base + at, stmt, (size_t)len, err);
			PQclear(r);
			free(stmt);
			goto out;
		}
		PQclear(r);
		free(stmt);
	}
	ret = 0;
out:
	pg_query_free_split_result(sr);
	return ret;
}

/* Sends one stretch of SQL (text is NUL-terminated, at byte base of the file). */
static int apply_text(PGconn *conn, const Source *src, const char *text, int base, Err *err)
{
	size_t len = strlen(text);
	int ret = -1;
	PGresult *r = PQexec(conn, text);
	int st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
		ret = 0;
		goto out;
	}
	if (conn_gone(conn, r)) {
		ret = apply_error(conn, src, r, base, text, len, err);
		goto out;
	}
	const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	bool has_pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) != NULL;
	bool txblock = sqlstate && strcmp(sqlstate, "25001") == 0;
	if (has_pos && !txblock) {
		ret = apply_error(conn, src, r, base, text, len, err);
		goto out;
	}
	PQclear(r);
	r = NULL;
	/* the failed multi-statement query rolled back as a whole (unless the
	 * file commits on its own, which the per-statement run then repeats
	 * and reports where it fails) */
	PGresult *tx = PQexec(conn, "ROLLBACK");
	PQclear(tx);
	ret = apply_split(conn, src, text, base, err);
out:
	PQclear(r);
	return ret;
}

/* COPY ... FROM stdin with the data that follows it in the file. */
static int apply_copy(PGconn *conn, const Source *src, const char *t, const PsqlCopy *cb, Err *err)
{
	char *stmt = strndup(t + cb->stmt, cb->stmt_end - cb->stmt);
	PGresult *r = PQexec(conn, stmt);
	int ret = -1;
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			ret = 0; /* not a COPY FROM STDIN after all */
		else
			apply_error(conn, src, r, (int)cb->stmt, stmt, strlen(stmt), err);
		goto out;
	}
	PQclear(r);
	r = NULL;
	if (PQputCopyData(conn, t + cb->data, (int)(cb->data_end - cb->data)) != 1 ||
	    PQputCopyEnd(conn, NULL) != 1) {
		err_set(err, PGC_EXIT_DB, "%s: could not send COPY data: %s", src->path, PQerrorMessage(conn));
		goto out;
	}
	r = PQgetResult(conn);
	if (PQresultStatus(r) != PGRES_COMMAND_OK) {
		SrcLoc l = srcloc_at(src->path, src->text, src->len, (int)cb->data);
		char msg[1024];
		snprintf(msg, sizeof(msg), "%s", PQresultErrorMessage(r));
		trim(msg);
		if (conn_gone(conn, r))
			err_set(err, PGC_EXIT_DB, "%s: the server failed while applying it: %s", src->path, msg);
		else
			err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: PostgreSQL rejected the COPY data: %s", l.file,
			        l.line, l.col, msg);
		goto out;
	}
	ret = 0;
out:
	PQclear(r);
	while ((r = PQgetResult(conn)) != NULL)
		PQclear(r);
	free(stmt);
	return ret;
}

int verify_apply(PGconn *conn, const Source *src, const char *text, Err *err)
{
	size_t len = strlen(text);
	char *sent = malloc(len + 1);
	if (!sent)
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	memcpy(sent, text, len + 1);
	Arena *a = arena_new();
	PsqlCopies copies = {0};
	psql_blank(a, sent, len, &copies, false);
	/* SQL up to each COPY, the COPY with its data, ..., the rest: one
	 * query per stretch (a file without COPY is one query) */
	int ret = 0;
	size_t pos = 0;
	for (size_t i = 0; i <= copies.n && ret == 0; i++) {
		size_t end = i < copies.n ? copies.items[i].stmt : len;
		char keep = sent[end];
		sent[end] = '\0';
		ret = apply_text(conn, src, sent + pos, (int)pos, err);
		sent[end] = keep;
		if (ret == 0 && i < copies.n) {
			ret = apply_copy(conn, src, sent, &copies.items[i], err);
			pos = copies.items[i].resume;
		}
	}
	arena_free(a);
	free(sent);
	return ret;
}
