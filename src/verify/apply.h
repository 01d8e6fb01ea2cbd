/*
 * apply.h - applying sources to the throwaway server, with the same
 * tolerance as the static replay.
 *
 * A stretch of SQL (a whole file without COPY blocks) is first sent as
 * one simple-protocol query: one round trip, and PostgreSQL runs it as
 * one implicit transaction. When that fails, the transaction is gone as
 * a whole, and the stretch is run again statement by statement (split
 * with libpg_query's scanner) inside one transaction, each statement
 * behind a SAVEPOINT (a statement that cannot run in a transaction block,
 * or that uses an enum value added in it, commits what came before and
 * runs alone). A statement that fails is skipped, and nothing else, when
 *   - the static replay ignored the same statement with a warning
 *     (re-creating an existing relation, constraint or column, dropping
 *     what does not exist, ...) and PostgreSQL's error is of that kind
 *     (SQLSTATE class 42 or 2B): verify prints the replay's warning, with
 *     its file:line:col, when it skips the statement; or
 *   - its SQLSTATE is in the --tolerate list (`tolerate =` in the policy
 *     file), for runners that swallow more.
 * For CockroachDB sources (crdb), two refusals are repaired and the
 * statement run again: a trigram operator class (pg_trgm) or a GIN index
 * on a scalar column (btree_gin) creates that extension in the throwaway
 * cluster; DROP INDEX of the index behind a UNIQUE constraint (2BP01)
 * drops the constraint with CASCADE, as CockroachDB's DROP INDEX ...
 * CASCADE does; a data statement (SELECT, INSERT, UPDATE, DELETE, WITH,
 * VALUES) calling a function or operator PostgreSQL lacks (42883: a
 * CockroachDB built-in) is skipped with a warning. All are logged with
 * the statement's place. Statements are read with libpg_query's scanner
 * (frontend/classify.h), never by hand.
 * Stretches holding transaction control (BEGIN, COMMIT, ...) skip the
 * one-query attempt: a COMMIT inside it would make the rerun repeat what
 * was committed. Any other failure stops the apply: PGC_EXIT_USAGE with
 * file:line:col, PostgreSQL's message and SQLSTATE, and a --tolerate
 * suggestion where skipping would get past it.
 */
#ifndef PGC_VERIFY_APPLY_H
#define PGC_VERIFY_APPLY_H

#include "frontend/frontend.h"
#include "util/err.h"

#include <libpq-fe.h>
#include <stdbool.h>

/* One "ignored" warning of the static replay, by place. */
typedef struct ApplyWarning {
	const char *file;
	int line, col;
	const char *text;     /* as the replay wrote it: "file:line:col: ..." */
	bool used;            /* printed when its statement was skipped */
} ApplyWarning;

typedef struct ApplyOptions {
	Arena *arena;
	PGC_VEC(const char *) tolerate;   /* SQLSTATEs, 5 characters each */
	PGC_VEC(ApplyWarning) replay;     /* filled by apply_warning_hook */
	bool crdb;                        /* the sources are CockroachDB SQL: create the extensions
	                                     its built-ins need, and drop a UNIQUE constraint's
	                                     index through its constraint (see apply.c) */
	int per_statement;                /* 0: a stretch is first sent as one query; 1: never
	                                     (PGCASCADE_VERIFY_APPLY=statement); 2: never, and each
	                                     file in one transaction with a SAVEPOINT per statement
	                                     (PGCASCADE_VERIFY_APPLY=savepoint); for bench/ */
	int skipped;                      /* out: statements skipped */
	int statements;                   /* out: statements sent one by one */
} ApplyOptions;

/* Zeroes o; strings and vectors it collects live in a. */
void apply_options_init(ApplyOptions *o, Arena *a);

/*
 * Adds the comma-separated SQLSTATEs of list (from --tolerate or the
 * policy file; what names the origin in messages) to o->tolerate.
 * Returns 0, or -1 with err (PGC_EXIT_USAGE) for a malformed SQLSTATE.
 */
int apply_add_tolerate(ApplyOptions *o, const char *list, const char *what, Err *err);

/*
 * log_set_warning_hook() callback (arg: ApplyOptions *): keeps the
 * replay's "... ignored" warnings that carry a place, prints the others.
 */
void apply_warning_hook(void *arg, const char *msg);

/* Prints the replay warnings no skipped statement used (PostgreSQL took those statements). */
void apply_flush_warnings(ApplyOptions *o);

/*
 * Applies src (text already translated for PostgreSQL, same length and
 * offsets as src->text) over conn. Returns 0, or -1 with err:
 * PGC_EXIT_USAGE with file:line:col when the server rejects a
 * statement that nothing tolerates, PGC_EXIT_DB when the connection fails.
 */
int verify_apply(PGconn *conn, const Source *src, const char *text, ApplyOptions *o, Err *err);

#endif
