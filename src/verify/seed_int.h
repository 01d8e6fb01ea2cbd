/*
 * seed_int.h - what the seeder's files share (values.c, seed.c, prove.c);
 * private to src/verify/. The public API is seed.h.
 *
 * A Seeder holds one proof's state: a TState per model table (its live
 * columns, candidate values (Hints), unique indexes, checks, outgoing
 * FKs and the rows inserted so far). Everything lives in the model's
 * arena.
 */
#ifndef PGC_SEED_INT_H
#define PGC_SEED_INT_H

#include "verify/seed.h"
#include "util/strbuf.h"

#define MAX_HELPER_DEPTH 16

typedef struct Row Row;
struct Row {
	char **v;                 /* text value per live column; NULL = SQL NULL */
	const char *key;          /* key expression's value, to count it later */
	bool linked;              /* reaches its owner's root row through closure edges */
	int owner;                /* 0: owner A (deleted), 1: owner B (kept), -1: nobody's */
	bool cross;               /* references the other owner's row through edge */
	bool boundary;            /* seeded through a SET NULL / SET DEFAULT edge (edge) */
	bool by_owner_col;        /* tied to its owner only by an owner column without FK */
	const ForeignKey *edge;   /* the edge it was seeded through, or NULL */
	Row *parent;              /* the row edge points at, or NULL */
	bool present;             /* after the delete: still there */
	bool explained;           /* after the delete: gone, and a cascade explains it */
	bool unknown;             /* after the delete: cannot be found again (ctid changed) */
};

typedef struct Hints {
	PGC_VEC(const char *) vals;
	bool must_fill;           /* IS NOT NULL in a check */
	bool has_lo, lo_strict, has_hi, hi_strict;
	double lo, hi;
	bool bound_pushed;        /* vals[0] is the value the bounds chose */
	bool has_len_lo, has_len_hi;  /* length(col) bounds in a check */
	int len_lo, len_hi;
	int eq_col;               /* 1 + the column a check equates this one with (a = b), or 0 */
	PGC_VEC(const char *) open_end; /* hints a longer string also satisfies (LIKE 'p%',
	                                   a regex without '$'): padded up to a length bound */
	const char *const *labels;/* an enum column: its labels in sort order, else NULL */
	int nlabels;
	bool *label_ok;           /* per label: allowed by the comparisons seen so far
	                             (NULL: no comparison yet) */
} Hints;

typedef struct TState {
	Table *t;
	Column **cols;            /* live columns */
	int ncols;
	Hints *hints;             /* per column */
	bool *in_unique;          /* per column: part of a unique index */
	PGC_VEC(const ForeignKey *) fks;  /* outgoing */
	PGC_VEC(const Index *) uniques;
	PGC_VEC(const Check *) checks;
	PGC_VEC(Row *) rows;
	Row *helper;              /* a reusable row when the table is outside the closure */
	bool in_closure;          /* in the closure of the current root, or the root itself */
	int depth;
	const char *keyexpr;      /* SQL for the row key, e.g. ROW("id")::text */
	const char *owner_column; /* an owner column without FK (user-column-no-fk), or NULL */
	bool ctid_key;            /* no primary key: rows are known by ctid, which an UPDATE changes */
	bool prepared;
} TState;

typedef struct Seeder {
	PGconn *conn;
	Model *m;
	Arena *a;
	const SeedOptions *opt;
	TState *ts;               /* by Table.id */
	size_t nts;
	long serial;
	int helper_rows, helper_rows_closure, helper_rows_root;
	bool retry;               /* 40001 seen */
	bool boundary;            /* the row being seeded exercises a SET NULL / SET DEFAULT edge */
	int owner;                /* the owner whose rows are being seeded (0 = A, 1 = B) */
	bool fill_all;            /* cross rows: closure FKs point at the owner's rows, not NULL */
	int tied;                 /* cross rows: FKs that point at the owner's rows */
	Err *err;
	char reason[1024];        /* why the last insert failed */
	char refused[512];        /* the constraint or trigger that refused it, or "" */
} Seeder;

enum { INS_OK = 0, INS_WAIT = 1, INS_FAIL = 2, INS_DBERR = -1 };


typedef struct ColPlan {
	enum { P_OMIT, P_NULL, P_VALUE } how;
	const char *value;       /* P_VALUE: fixed (FK or forced), or NULL to generate */
	bool fixed;              /* set by an FK or forced: never varied */
	bool force_gen;          /* generate even though there is a default */
	bool omit;               /* left out for a trigger to fill */
	int variant;
} ColPlan;

/* ---------- seed.c: small helpers, per-table preparation, inserting ---------- */

double sd_now_ms(void);
const char *sd_field(const PGresult *r, int f);
/* Connection-level failure (server gone, admin shutdown): fatal, exit 3. */
bool sd_conn_failed(Seeder *s, const PGresult *r);
int sd_db_fail(Seeder *s, const char *what, const PGresult *r);
/* Runs one command that must succeed. Returns 0 or -1 (err set). */
int sd_run(Seeder *s, const char *sql);
int sd_col_index(const TState *t, const char *name);
/* The outermost function an error context names, or NULL. */
const char *sd_context_function(Arena *a, const char *ctx);
/* "trigger T on S.R (function F)" for an error context naming F, "function F"
 * when no trigger runs it, NULL when it names no function (runs a query). */
const char *sd_trigger_of(Seeder *s, const char *ctx);
TState *sd_st_of(Seeder *s, const Table *t);
const UserType *sd_find_type(const Model *m, const char *schema, const char *name);
void sd_prepare(Seeder *s, TState *t);
/* Inserts one row into t (see seed.c). Returns an INS_* code. */
int sd_insert_row(Seeder *s, TState *t, const ForeignKey *edge, Row *parent,
                  char **forced, int depth, Row **out);
/* Builds the per-table state for every model table (s zeroed). */
void sd_init(Seeder *s, PGconn *conn, Model *m, const SeedOptions *opt, Err *err);
/*
 * Seeds root's closure: the root row (*rootrow, NULL when it could not be
 * inserted, then out->unseeded says why), one row per closure edge and
 * per SET NULL / SET DEFAULT edge into the closure; fills out->tables,
 * out->unseeded, out->helper_rows and out->seed_ms. Returns 0, 1 on a
 * CockroachDB retry, -1 with err.
 */
int sd_seed_closure(Seeder *s, const Analysis *an, Root *root, SeedResult *out, Row **rootrow);

/* ---------- values.c: candidate values ---------- */

/* CHECK hints: one candidate more (duplicates are dropped). */
void sd_add_hint(Arena *a, Hints *h, const char *v);
/* check.c: candidates a CHECK expression gives its columns (value_col >= 0:
 * a domain check, VALUE is that column), and the columns it mentions. */
void sd_hints_from_expr(Arena *a, TState *t, const char *expr, int value_col);
void sd_cols_in_expr(Arena *a, const TState *t, const char *expr, bool *mark);
/* A check's col = other_col: chosen[c] (may_copy[c]) takes the other's
 * value, when that one is fixed or comes earlier (two free ones). */
void sd_copy_equal(const TState *t, const bool *may_copy, const bool *fixed, const char **chosen);
/* check.c: strings within the length bounds, first (sd_finish_bounds calls it). */
void sd_finish_lengths(Arena *a, Hints *h);
/* check.c: the key columns of pg_get_partkeydef() text (NULL for an
 * expression) and the values a partition's bound (pg_get_expr of
 * relpartbound) starts at (NULL for MINVALUE); returns the count, 0 for
 * DEFAULT, HASH or what does not parse. */
int sd_partition_values(Arena *a, const char *keydef, const char *bound, const char ***cols,
                        const char ***vals);
/* check.c: an enum column's candidates: the labels its comparisons allow
 * (sd_finish_bounds calls it). */
void sd_finish_labels(Arena *a, Hints *h);
void sd_finish_bounds(Arena *a, Hints *h);
/* A partitioned table's first partition bound, as hints for its key columns. */
void sd_partition_hints(Seeder *s, TState *t);
/* Quotes one array element: "..." with \ and " escaped. */
void sd_array_elem(StrBuf *sb, const char *v);
const char *sd_candidate(Seeder *s, TState *t, int c, int variant, int rowno);
/* True when the column's value would come from a sequence (identity, nextval()). */
bool sd_seq_fed(const Column *col);

#endif
