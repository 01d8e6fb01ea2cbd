/*
 * apply.c - applying sources to the throwaway server; see apply.h.
 *
 * psql scripts: frontend/psql.c blanks meta-commands and records each
 * COPY ... FROM stdin block; the SQL between blocks is one stretch, and
 * each COPY is sent with its data apart.
 */
#include "verify/apply.h"
#include "exitcodes.h"
#include "frontend/classify.h"
#include "frontend/psql.h"
#include "util/quote.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <json-c/json.h>
#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void apply_options_init(ApplyOptions *o, Arena *a)
{
	memset(o, 0, sizeof(*o));
	o->arena = a;
	const char *mode = getenv("PGCASCADE_VERIFY_APPLY");
	o->per_statement = !mode ? 0 : strcmp(mode, "statement") == 0 ? 1 : strcmp(mode, "savepoint") == 0 ? 2 : 0;
}

int apply_add_tolerate(ApplyOptions *o, const char *list, const char *what, Err *err)
{
	const char *p = list;
	while (*p) {
		while (*p == ',' || *p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t n = strcspn(p, ", \t");
		bool ok = n == 5;
		for (size_t i = 0; ok && i < n; i++)
			ok = isdigit((unsigned char)p[i]) || isupper((unsigned char)p[i]);
		if (!ok)
			return err_set(err, PGC_EXIT_USAGE,
			               "%s: \"%.*s\" is not a SQLSTATE (five digits or capital letters, e.g. 42P07)",
			               what, (int)(n > 40 ? 40 : n), p);
		VEC_PUSH(o->arena, o->tolerate, arena_strndup(o->arena, p, n));
		p += n;
	}
	return 0;
}

/* "file:line:col: message": the place, or false. */
static bool parse_place(const char *msg, size_t *file_len, int *line, int *col)
{
	for (const char *c = strchr(msg, ':'); c; c = strchr(c + 1, ':')) {
		int l, k, n = 0;
		if (sscanf(c, ":%d:%d: %n", &l, &k, &n) == 2 && n > 0) {
			*file_len = (size_t)(c - msg);
			*line = l;
			*col = k;
			return true;
		}
	}
	return false;
}

void apply_warning_hook(void *arg, const char *msg)
{
	ApplyOptions *o = arg;
	size_t fl;
	int line, col;
	if (!strstr(msg, "ignored") || !parse_place(msg, &fl, &line, &col)) {
		fprintf(stderr, "pgcascade: warning: %s\n", msg);
		return;
	}
	ApplyWarning w = {arena_strndup(o->arena, msg, fl), line, col, arena_strdup(o->arena, msg), false};
	VEC_PUSH(o->arena, o->replay, w);
}

void apply_flush_warnings(ApplyOptions *o)
{
	for (size_t i = 0; i < o->replay.n; i++)
		if (!o->replay.items[i].used) {
			log_warning("%s", o->replay.items[i].text);
			o->replay.items[i].used = true;
		}
}

static bool tolerated(const ApplyOptions *o, const char *sqlstate)
{
	for (size_t i = 0; sqlstate && i < o->tolerate.n; i++)
		if (strcmp(o->tolerate.items[i], sqlstate) == 0)
			return true;
	return false;
}

/* The kinds of error the replay's "ignored" warnings stand for. */
static bool replay_kind(const char *sqlstate)
{
	return sqlstate && (strncmp(sqlstate, "42", 2) == 0 || strncmp(sqlstate, "2B", 2) == 0) &&
	       strcmp(sqlstate, "42601") != 0;
}

static bool replay_has_file(const ApplyOptions *o, const char *file)
{
	for (size_t i = 0; i < o->replay.n; i++)
		if (!o->replay.items[i].used && strcmp(o->replay.items[i].file, file) == 0)
			return true;
	return false;
}

static bool before(int l1, int c1, int l2, int c2)
{
	return l1 < l2 || (l1 == l2 && c1 < c2);
}

/* The replay's unused warning placed in [from, to) of src, or NULL. */
static ApplyWarning *replay_match(ApplyOptions *o, const Source *src, int from, int to)
{
	SrcLoc a = srcloc_at(src->path, src->text, src->len, from);
	SrcLoc b = srcloc_at(src->path, src->text, src->len, to);
	for (size_t i = 0; i < o->replay.n; i++) {
		ApplyWarning *w = &o->replay.items[i];
		if (w->used || strcmp(w->file, src->path) != 0)
			continue;
		if (!before(w->line, w->col, a.line, a.col) && before(w->line, w->col, b.line, b.col))
			return w;
	}
	return NULL;
}

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

/* The first token (comments are not tokens) at or after offset from and
 * before end, or NULL: statements are read with libpg_query's scanner. */
static const Tok *first_tok(const TokVec *tv, int from, int end)
{
	size_t lo = 0, hi = tv->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (tv->items[mid].start < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tv->n && tv->items[lo].start < end ? &tv->items[lo] : NULL;
}

/* Would --tolerate get past this error? Not for syntax, permission or data errors. */
static bool hint_tolerate(const char *st)
{
	return st && ((strncmp(st, "42", 2) == 0 && strcmp(st, "42601") != 0 && strcmp(st, "42501") != 0) ||
	              strncmp(st, "2B", 2) == 0);
}

/* Error for a statement that failed at byte offset base (+ position in
 * it); first is the offset of its first token, the place when PostgreSQL
 * gives no position. */
static int apply_error(PGconn *conn, const Source *src, const PGresult *r, int base, int first,
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
	else /* the place is the statement itself, not the comments before it */
		off = first;
	SrcLoc l = srcloc_at(src->path, src->text, src->len, off);
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s", PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
	                                   ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY)
	                                   : PQresultErrorMessage(r));
	trim(msg);
	const char *st = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	char hint[200] = "";
	if (hint_tolerate(st))
		snprintf(hint, sizeof(hint),
		         "; if the project's migration runner ignores this error, --tolerate %s "
		         "(or tolerate = %s in .pgcascade.ini) skips the statement the same way",
		         st, st);
	return err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: PostgreSQL rejected this statement: %s (SQLSTATE %s)%s",
	               l.file, l.line, l.col, msg, st ? st : "?", hint);
}

static int exec_quiet(PGconn *conn, const char *sql)
{
	PGresult *r = PQexec(conn, sql);
	int st = PQresultStatus(r);
	PQclear(r);
	return st == PGRES_COMMAND_OK ? 0 : -1;
}

/* Is tok (a statement's first token) a transaction-control keyword? */
static bool txn_control(const Tok *tok)
{
	switch (tok ? tok->token : 0) {
	case PG_QUERY__TOKEN__BEGIN_P:
	case PG_QUERY__TOKEN__START:
	case PG_QUERY__TOKEN__COMMIT:
	case PG_QUERY__TOKEN__END_P:
	case PG_QUERY__TOKEN__ROLLBACK:
	case PG_QUERY__TOKEN__ABORT_P:
	case PG_QUERY__TOKEN__SAVEPOINT:
	case PG_QUERY__TOKEN__RELEASE:
	case PG_QUERY__TOKEN__PREPARE:
		return true;
	default:
		return false;
	}
}

/* Is tok (a statement's first token) the start of a data statement? */
static bool data_statement(const Tok *tok)
{
	switch (tok ? tok->token : 0) {
	case PG_QUERY__TOKEN__SELECT:
	case PG_QUERY__TOKEN__INSERT:
	case PG_QUERY__TOKEN__UPDATE:
	case PG_QUERY__TOKEN__DELETE_P:
	case PG_QUERY__TOKEN__WITH:
	case PG_QUERY__TOKEN__VALUES:
		return true;
	default:
		return false;
	}
}

/* The extension whose absence this error shows (CockroachDB has it built in), or NULL. */
static const char *missing_extension(const char *sqlstate, const char *msg)
{
	if (!sqlstate || strcmp(sqlstate, "42704") != 0 || !msg)
		return NULL;
	if (strstr(msg, "_trgm_ops"))
		return "pg_trgm";
	if (strstr(msg, "has no default operator class for access method \"gin\""))
		return "btree_gin";
	return NULL;
}

/*
 * DROP INDEX of indexes that back constraints, as CockroachDB runs it
 * (CASCADE drops "all objects (such as constraints) that depend on the
 * indexes"): ALTER TABLE ... DROP CONSTRAINT ... CASCADE for those,
 * DROP INDEX ... CASCADE for the others. Returns the SQL (malloc'd), or
 * NULL when stmt is not such a DROP INDEX.
 */
static char *drop_index_sql(PGconn *conn, const char *stmt)
{
	PgQueryParseResult pr = pg_query_parse(stmt);
	char *out = NULL;
	json_object *root = pr.error ? NULL : json_tokener_parse(pr.parse_tree);
	json_object *stmts, *st0, *inner, *drop, *v, *objs;
	if (!root || !json_object_object_get_ex(root, "stmts", &stmts) || json_object_array_length(stmts) != 1)
		goto out;
	st0 = json_object_array_get_idx(stmts, 0);
	if (!json_object_object_get_ex(st0, "stmt", &inner) || !json_object_object_get_ex(inner, "DropStmt", &drop) ||
	    !json_object_object_get_ex(drop, "removeType", &v) ||
	    strcmp(json_object_get_string(v), "OBJECT_INDEX") != 0 ||
	    !json_object_object_get_ex(drop, "objects", &objs))
		goto out;
	bool if_exists = json_object_object_get_ex(drop, "missing_ok", &v) && json_object_get_boolean(v);
	StrBuf sb = STRBUF_INIT;
	for (size_t i = 0; i < json_object_array_length(objs); i++) {
		json_object *o = json_object_array_get_idx(objs, i), *list, *items;
		if (!json_object_object_get_ex(o, "List", &list) || !json_object_object_get_ex(list, "items", &items))
			continue;
		StrBuf name = STRBUF_INIT;
		for (size_t k = 0; k < json_object_array_length(items); k++) {
			json_object *it = json_object_array_get_idx(items, k), *str, *sval;
			if (!json_object_object_get_ex(it, "String", &str) || !json_object_object_get_ex(str, "sval", &sval))
				continue;
			if (k)
				sb_addch(&name, '.');
			sb_add_ident(&name, json_object_get_string(sval));
		}
		const char *params[1] = {name.buf};
		PGresult *r = PQexecParams(conn,
		                           "SELECT c.conrelid::regclass::text, quote_ident(c.conname) FROM pg_constraint c "
		                           "WHERE c.conindid = to_regclass($1) AND c.contype IN ('u', 'p', 'x')",
		                           1, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0)
			sb_addf(&sb, "ALTER TABLE %s DROP CONSTRAINT %s CASCADE;\n", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1));
		else
			sb_addf(&sb, "DROP INDEX %s%s CASCADE;\n", if_exists ? "IF EXISTS " : "", name.buf);
		PQclear(r);
		sb_release(&name);
	}
	if (sb.len)
		out = xstrdup(sb.buf);
	sb_release(&sb);
out:
	if (root)
		json_object_put(root);
	pg_query_free_parse_result(pr);
	return out;
}

/*
 * CockroachDB sources: repairs a refusal that comes from a CockroachDB
 * built-in PostgreSQL lacks, and runs the statement again. Returns the
 * new result (the old one cleared), or r itself when nothing applies.
 */
static PGresult *crdb_repair(PGconn *conn, const Source *src, int place, const char *stmt, bool block,
                             PGresult *r)
{
	const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
	const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
	const char *ext = missing_extension(sqlstate, msg);
	bool drop = sqlstate && strcmp(sqlstate, "2BP01") == 0;
	if (!ext && !drop)
		return r;
	if (block)
		exec_quiet(conn, "ROLLBACK TO SAVEPOINT pgcascade_apply");
	SrcLoc l = srcloc_at(src->path, src->text, src->len, place);
	char *sql = NULL;
	if (ext) {
		StrBuf sb = STRBUF_INIT;
		sb_adds(&sb, "CREATE EXTENSION IF NOT EXISTS ");
		sb_add_ident(&sb, ext);
		if (exec_quiet(conn, sb.buf) == 0)
			log_info("%s:%d:%d: created extension %s in the throwaway cluster (CockroachDB has this built in)",
			         l.file, l.line, l.col, ext);
		sb_release(&sb);
		sql = xstrdup(stmt);
	} else {
		sql = drop_index_sql(conn, stmt);
		if (sql)
			log_info("%s:%d:%d: DROP INDEX of a constraint's index: applied as CockroachDB runs it: %.*s", l.file,
			         l.line, l.col, (int)strcspn(sql, "\n"), sql);
	}
	if (!sql)
		return r;
	PQclear(r);
	r = PQexec(conn, sql);
	free(sql);
	return r;
}

/*
 * Statement by statement: each in its own transaction, or behind a
 * savepoint inside the file's own transaction block; a failed statement
 * that the replay ignored, or whose SQLSTATE is tolerated, is skipped.
 */
static int apply_split(PGconn *conn, const Source *src, const char *text, int base,
                       const PgQuerySplitResult *sr, const TokVec *tv, ApplyOptions *o, Err *err)
{
	int len_text = (int)strlen(text);
	for (int i = 0; i < sr->n_stmts; i++) {
		int at = sr->stmts[i]->stmt_location, len = sr->stmts[i]->stmt_len;
		if (len == 0)
			len = len_text - at;
		const Tok *tok = first_tok(tv, at, at + len);
		if (!tok)
			continue; /* only blanks and comments */
		int first = tok->start;
		char *stmt = strndup(text + at, (size_t)len);
		if (!stmt)
			return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
		bool block = PQtransactionStatus(conn) == PQTRANS_INTRANS;
		if (block && exec_quiet(conn, "SAVEPOINT pgcascade_apply") < 0)
			block = false; /* reported by the statement itself */
		o->statements++;
		PGresult *r = PQexec(conn, stmt);
		int st = PQresultStatus(r);
		const char *state0 = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		if (block && state0 && (strcmp(state0, "25001") == 0 || strcmp(state0, "55P04") == 0)) {
			/* cannot run inside a transaction block (CONCURRENTLY, VACUUM),
			 * or uses an enum value added in this transaction: commit what
			 * came before, run it alone, and carry on in a new transaction,
			 * as a runner that executes it outside the file's transaction */
			exec_quiet(conn, "ROLLBACK TO SAVEPOINT pgcascade_apply");
			exec_quiet(conn, "COMMIT");
			PQclear(r);
			r = PQexec(conn, stmt);
			st = PQresultStatus(r);
			block = false;
			if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY)
				exec_quiet(conn, "BEGIN");
		}
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
			if (block && PQtransactionStatus(conn) == PQTRANS_INTRANS)
				exec_quiet(conn, "RELEASE SAVEPOINT pgcascade_apply");
			PQclear(r);
			free(stmt);
			continue;
		}
		if (o->crdb && !conn_gone(conn, r)) {
			r = crdb_repair(conn, src, base + first, stmt, block, r);
			st = PQresultStatus(r);
			if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
				if (block && PQtransactionStatus(conn) == PQTRANS_INTRANS)
					exec_quiet(conn, "RELEASE SAVEPOINT pgcascade_apply");
				PQclear(r);
				free(stmt);
				continue;
			}
		}
		const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		ApplyWarning *w = NULL;
		bool skip = false, crdb_fn = false;
		if (!conn_gone(conn, r)) {
			if (replay_kind(sqlstate))
				w = replay_match(o, src, base + first, base + at + len);
			/* a CockroachDB function or operator PostgreSQL lacks, in a
			 * data statement: skipped as the translation skips UPSERT */
			crdb_fn = !w && o->crdb && sqlstate && strcmp(sqlstate, "42883") == 0 && data_statement(tok);
			skip = w || crdb_fn || tolerated(o, sqlstate);
		}
		if (!skip) {
			apply_error(conn, src, r, base + at, base + first, stmt, (size_t)len, err);
			PQclear(r);
			free(stmt);
			return -1;
		}
		if (block) {
			exec_quiet(conn, "ROLLBACK TO SAVEPOINT pgcascade_apply");
			exec_quiet(conn, "RELEASE SAVEPOINT pgcascade_apply");
		}
		if (w) {
			log_warning("%s", w->text);
			w->used = true;
		} else if (crdb_fn) {
			const char *pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION);
			int off = pos ? base + at + char_to_byte(stmt, (size_t)len, atoi(pos) - 1) : base + first;
			SrcLoc l = srcloc_at(src->path, src->text, src->len, off);
			char msg[1024];
			const char *pm = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
			snprintf(msg, sizeof(msg), "%s", pm ? pm : PQresultErrorMessage(r));
			trim(msg);
			log_warning("%s:%d:%d: CockroachDB-only data statement (%s in PostgreSQL) skipped: PostgreSQL cannot "
			            "run it, and it does not change the schema", l.file, l.line, l.col, msg);
		} else {
			SrcLoc l = srcloc_at(src->path, src->text, src->len, base + first);
			char msg[1024];
			const char *pm = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
			snprintf(msg, sizeof(msg), "%s", pm ? pm : PQresultErrorMessage(r));
			trim(msg);
			log_warning("%s:%d:%d: %s; statement ignored (SQLSTATE %s is tolerated)", l.file, l.line, l.col,
			            msg, sqlstate);
		}
		o->skipped++;
		PQclear(r);
		free(stmt);
	}
	return 0;
}

/* Sends one stretch of SQL (text is NUL-terminated, at byte base of the file). */
static int apply_text(PGconn *conn, const Source *src, const char *text, int base, ApplyOptions *o,
                      Err *err)
{
	size_t len = strlen(text);
	PgQuerySplitResult sr = pg_query_split_with_scanner(text);
	int ret = -1;
	PGresult *r = NULL;
	if (sr.error) {
		SrcLoc l = srcloc_at(src->path, src->text, src->len,
		                     base + (sr.error->cursorpos > 0 ? sr.error->cursorpos - 1 : 0));
		err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: %s", l.file, l.line, l.col, sr.error->message);
		goto out;
	}
	TokVec tv = {0};
	int scan_off = 0;
	if (classify_scan(text, 0, &tv, &scan_off, err) < 0) {
		char m[sizeof(err->msg)];
		snprintf(m, sizeof(m), "%s", err->msg);
		SrcLoc l = srcloc_at(src->path, src->text, src->len, base + scan_off);
		err_set(err, PGC_EXIT_USAGE, "%s:%d:%d: %s", l.file, l.line, l.col, m);
		goto out;
	}
	bool whole = !o->per_statement;
	for (int i = 0; whole && i < sr.n_stmts; i++) {
		int at = sr.stmts[i]->stmt_location, l = sr.stmts[i]->stmt_len;
		whole = !txn_control(first_tok(&tv, at, l ? at + l : (int)len));
	}
	if (whole) {
		r = PQexec(conn, text);
		int st = PQresultStatus(r);
		if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY) {
			ret = 0;
			goto out;
		}
		const Tok *t0 = first_tok(&tv, 0, (int)len);
		int first = base + (t0 ? t0->start : 0);
		if (conn_gone(conn, r)) {
			ret = apply_error(conn, src, r, base, first, text, len, err);
			goto out;
		}
		const char *sqlstate = PQresultErrorField(r, PG_DIAG_SQLSTATE);
		bool has_pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION) != NULL;
		bool txblock = sqlstate && strcmp(sqlstate, "25001") == 0;
		bool maybe_skip = tolerated(o, sqlstate) || (replay_kind(sqlstate) && replay_has_file(o, src->path)) ||
		                  (o->crdb && sqlstate && (strcmp(sqlstate, "42704") == 0 || strcmp(sqlstate, "2BP01") == 0 ||
		                             strcmp(sqlstate, "42883") == 0));
		/* Only a lone statement is certain to fail alone too; otherwise the
		 * statement by statement run finds the place, and may well pass
		 * (ALTER TYPE ... ADD VALUE then its use, CONCURRENTLY, ...) */
		if (has_pos && !txblock && !maybe_skip && sr.n_stmts <= 1) {
			ret = apply_error(conn, src, r, base, first, text, len, err);
			goto out;
		}
		PQclear(r);
		r = NULL;
		/* the failed query rolled back as a whole: run it again statement by statement */
		exec_quiet(conn, "ROLLBACK");
	}
	/* statement by statement inside one transaction, a savepoint per
	 * statement (PGCASCADE_VERIFY_APPLY=statement: each statement alone) */
	if (o->per_statement != 1 && PQtransactionStatus(conn) == PQTRANS_IDLE) {
		exec_quiet(conn, "BEGIN");
		ret = apply_split(conn, src, text, base, &sr, &tv, o, err);
		if (PQtransactionStatus(conn) != PQTRANS_IDLE)
			exec_quiet(conn, ret == 0 ? "COMMIT" : "ROLLBACK");
	} else {
		ret = apply_split(conn, src, text, base, &sr, &tv, o, err);
	}
out:
	PQclear(r);
	free(tv.items);
	pg_query_free_split_result(sr);
	return ret;
}

/* COPY ... FROM stdin with the data that follows it in the file. */
static int apply_copy(PGconn *conn, const Source *src, const char *t, const PsqlCopy *cb, Err *err)
{
	char *stmt = strndup(t + cb->stmt, cb->stmt_end - cb->stmt);
	if (!stmt)
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	PGresult *r = PQexec(conn, stmt);
	int ret = -1;
	if (PQresultStatus(r) != PGRES_COPY_IN) {
		if (PQresultStatus(r) == PGRES_COMMAND_OK)
			ret = 0; /* not a COPY FROM STDIN after all */
		else
			apply_error(conn, src, r, (int)cb->stmt, (int)cb->stmt, stmt, strlen(stmt), err);
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

int verify_apply(PGconn *conn, const Source *orig, const char *text, ApplyOptions *o, Err *err)
{
	size_t len = strlen(text);
	/* places are read in the translated text: the translation keeps every
	 * line and column, but inline indexes append to a line, so offsets
	 * after them differ from the original's */
	Source tsrc = {orig->path, (char *)text, len};
	const Source *src = &tsrc;
	char *sent = malloc(len + 1);
	if (!sent)
		return err_set(err, PGC_EXIT_INTERNAL, "out of memory");
	memcpy(sent, text, len + 1);
	Arena *a = arena_new();
	PsqlCopies copies = {0};
	psql_blank(a, sent, len, &copies, false);
	/* SQL up to each COPY, the COPY with its data, ..., the rest */
	int ret = 0;
	size_t pos = 0;
	for (size_t i = 0; i <= copies.n && ret == 0; i++) {
		size_t end = i < copies.n ? copies.items[i].stmt : len;
		char keep = sent[end];
		sent[end] = '\0';
		ret = apply_text(conn, src, sent + pos, (int)pos, o, err);
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
