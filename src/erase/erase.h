/*
 * erase.h - `pgcascade erase`: erase one root row and everything that
 * hangs off it, from the model and the analysis alone.
 *
 * plan.c    builds the erase graph (ErasePlan) from the model: the root
 *           row, owner-column tables without an FK (deleted by their owner
 *           column unless the policy retains or anonymises them), and every
 *           table reached from those through FKs whose ON DELETE is CASCADE,
 *           NO ACTION or RESTRICT, in topological order (parents first). It
 *           writes, per table, the SELECT of the rows the erasure reaches
 *           ("pgc_rN"), built only along those edges, and the same walk over
 *           CASCADE edges alone ("pgc_cN", what a plain DELETE reaches), from
 *           which the blockers are counted.
 * run.c     the counting query (dry run: READ ONLY, REPEATABLE READ), and
 *           execution: one transaction (every edge cascades, or
 *           --order-deletes), or batches of at most N rows, children
 *           before parents; the verification.
 * receipt.c the JSON receipt and its check.
 * emit.c    the erasure as a parameterised SQL script ($1.. are the key).
 * output.c  the plan as text or JSON.
 *
 * Key values travel as query parameters ($1..$n, in the root key's column
 * order); PostgreSQL converts them to the columns' types, so a key of the
 * wrong type gets PostgreSQL's own message.
 */
#ifndef PGC_ERASE_H
#define PGC_ERASE_H

#include "analysis/analysis.h"
#include "model/model.h"
#include "policy/policy.h"
#include "util/err.h"
#include "util/strbuf.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>

typedef struct EraseNode EraseNode;
typedef PGC_VEC(const char *) EraseStrVec;

typedef struct EraseEdge {
	const ForeignKey *fk;
	EraseNode *parent, *child;
	bool cascades;          /* ON DELETE CASCADE */
	long blocking;          /* NO ACTION / RESTRICT: rows that would block a plain DELETE */
} EraseEdge;

/* An ON DELETE SET NULL / SET DEFAULT edge out of an erased table. */
typedef struct NullEdge {
	const ForeignKey *fk;
	EraseNode *parent;
	Table *child;
	EraseNode *child_node;  /* when the child is erased too, or NULL */
	long rows;
} NullEdge;

struct EraseNode {
	Table *t;
	int idx;                 /* position in ErasePlan.nodes (parents first) */
	bool root;
	bool retain, anonymize;  /* policy: rows kept / updated instead of deleted */
	const char **owner_cols; /* owner columns without an FK compared with the key */
	int nowner;
	const ForeignKey **owner_fks; /* FKs of this table to the root table */
	int nowner_fks;
	PGC_VEC(EraseEdge *) in; /* edges from erased parents */
	bool self_loop;          /* reached through an FK to itself */
	const char **id_cols;    /* primary key, or NULL: ctid (PostgreSQL) / rowid (CockroachDB) */
	int nid;
	PGC_VEC(const char *) sel; /* columns the reach set carries */
	/* counts (run.c) */
	long rows;               /* rows reached (deleted, anonymised or retained) */
	long cascade_rows;       /* rows a plain DELETE removes (pgc_cN) */
	long other_removed, other_nulled;
	long done;               /* execute: rows deleted / updated by this run */
};

typedef struct ErasePlan {
	Model *m;
	Arena *a;
	Root *root;
	Dialect dialect;
	const ErasePolicy *policy;
	const char **key_cols, **key_vals; /* the key, in the root's column order */
	int nkey;
	PGC_VEC(EraseNode *) nodes;   /* topological order, parents first; nodes[0] is the root */
	PGC_VEC(EraseEdge *) edges;
	PGC_VEC(NullEdge *) nulls;
	bool static_blockers;         /* some reach edge is NO ACTION / RESTRICT */
	bool skip_blockers;           /* batches: children go first, nothing blocks; no cascade walk */
	bool counted;
	bool root_found;
	long blocking_rows;
	const char *fingerprint;      /* SHA-256 hex of the erase graph (closure and FKs) */
} ErasePlan;

/*
 * Parses --key: "VALUE" for a one-column key, or "col=v,col2=w" (every
 * key column once, any order). Returns 0 or -1 with err (usage).
 */
int erase_parse_key(Arena *a, const Root *r, const char *spec, const char ***vals, Err *err);

/*
 * Builds the plan for an analysed model (one root). policy entries must
 * be resolved (policy_check). Returns 0 or -1 with err: usage for a policy
 * that cannot hold (a retained table reached through an FK, an anonymised
 * one still attached), findings for a cycle (the message names it).
 */
int erase_plan_build(Model *m, const Analysis *an, const ErasePolicy *policy, Dialect dialect,
                     const char **key_vals, ErasePlan *out, Err *err);

/* "pgc_rN" (erased rows) / "pgc_cN" (rows a plain DELETE removes): the
 * defining SELECT of node n over earlier nodes' sets; text only. */
void erase_reach_sql(const ErasePlan *p, const EraseNode *n, bool cascade_only, StrBuf *sb);
/* "WITH [RECURSIVE] pgc_r0 AS (...), ..." up to and including node upto
 * (every node when upto < 0); both walks when both. */
void erase_with_sql(const ErasePlan *p, int upto, bool both, StrBuf *sb);
/* Appends "UPDATE t x SET c = <policy value>, ..." for n's anonymised
 * columns (the policy's anonymize entries of n's table). */
void erase_anonymize_head(const ErasePlan *p, const EraseNode *n, StrBuf *sb);
/* The counting query: one row per (kind, index, count). */
void erase_count_sql(const ErasePlan *p, StrBuf *sb);
/* Appends "x.c = $1 AND ..." (the root row) for alias x. */
void erase_key_cond(const ErasePlan *p, const char *alias, StrBuf *sb);
/* Appends the row identity of alias x: "(x.a, x.b)", x.ctid or x.rowid. */
void erase_id_expr(const ErasePlan *p, const EraseNode *n, const char *alias, StrBuf *sb);
/* The SQL statements of the erasure in order: anonymising updates,
 * then deletes; order_deletes: every erased table, children first, else
 * the owner-column tables and the root row (cascades do the rest). */
void erase_statements(const ErasePlan *p, bool order_deletes, EraseStrVec *out);
/* Verification query: one row per check (label, rows still referencing the key). */
void erase_verify_sql(const ErasePlan *p, StrBuf *sb);
/* "schema.table" for messages. */
const char *erase_table_name(const ErasePlan *p, const Table *t);

/* The anonymising UPDATE of one batch of n's rows: $1 is an array of
 * identities (ctid / rowid / a one-column key) or a JSON array of key
 * objects. */
void erase_batch_sql(const ErasePlan *p, const EraseNode *n, StrBuf *sb);
/* One batch of n's deletes as one statement ($1.. the key): at most limit
 * rows of n's set, chosen in the statement itself ("DELETE ... WHERE
 * x.ctid = ANY(ARRAY(SELECT x.ctid ... LIMIT limit))", by identity on
 * CockroachDB), one UNION ALL branch per way into the set (owner column,
 * FK from an erased parent); owner_only: the owner-column branches alone. */
void erase_batch_delete_sql(const ErasePlan *p, const EraseNode *n, long limit, bool owner_only,
                            EraseNode *const *leaves, int nleaves, StrBuf *sb);
/* With leaves (tables whose rows go with n's rows through an ON DELETE
 * CASCADE edge): "WITH ..., pgc_d AS (DELETE ... RETURNING 1) SELECT
 * count, pg_stat_get_xact_tuples_deleted(leaf), ...": the rows n's batch
 * deleted and each leaf's deleted-row counter before its cascade ran
 * (PostgreSQL only). */
/* One batch of the rows an ON DELETE SET NULL / SET DEFAULT edge would
 * change when its parent's rows go (those not erased themselves): "UPDATE
 * child x SET c = NULL WHERE <identity> IN (... LIMIT limit)", so that the
 * parent's DELETE writes nothing beyond its own rows (batches). */
void erase_null_batch_sql(const ErasePlan *p, const NullEdge *ne, long limit, StrBuf *sb);
/* One batch of the leaf's rows under the first row of n's batch (a row
 * whose cascade alone exceeds N), at most limit of them (PostgreSQL). */
void erase_heavy_leaf_sql(const ErasePlan *p, const EraseNode *n, const EraseNode *leaf, long limit, StrBuf *sb);

/* Runs the counting query on conn (inside the caller's transaction). */
int erase_count(ErasePlan *p, PGconn *conn, Err *err);

typedef struct EraseRun {
	bool order_deletes;
	long batch_rows;            /* 0: one transaction */
	const char *lock_timeout, *statement_timeout;
	bool verified;
	EraseStrVec verify_failures; /* "label: N rows" */
	long transactions;
	const char *mode;           /* "cascade", "ordered", "batches" */
} EraseRun;

/* Opens a transaction; read_only: READ ONLY REPEATABLE READ. */
int erase_begin(PGconn *conn, bool read_only, const EraseRun *run, Err *err);
int erase_exec(PGconn *conn, const char *sql, Err *err);
/* Checks that the root row exists (err: findings, "no row ..."). */
int erase_find_root(ErasePlan *p, PGconn *conn, Err *err);
/* Executes the erasure (the plan must be counted, in the open
 * transaction for the one-transaction modes). On success the last
 * transaction (the only one, or the batches' root-row transaction) is
 * left open with the verification done (run->verified): the caller
 * commits it, or rolls it back when the verification failed. */
int erase_execute(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err);
int erase_verify(ErasePlan *p, PGconn *conn, EraseRun *run, Err *err);

/* Plan output (output.c). */
void erase_print_text(FILE *f, const ErasePlan *p);
int erase_print_json(FILE *f, const ErasePlan *p, Err *err);

/* Receipt (receipt.c). */
typedef struct ReceiptInfo {
	const char *tool_version, *database, *server_version;
	const char *salt;            /* NULL: none */
	bool include_key;
	const EraseRun *run;
} ReceiptInfo;
/* Writes the receipt to a temporary file beside path, flushed to disk
 * (*tmp: its name, in the plan's arena); call it before the erasure
 * commits. erase_receipt_publish() renames it over path after the commit
 * (no allocation); erase_receipt_discard() removes it when the erasure
 * did not commit. */
int erase_receipt_stage(const ErasePlan *p, const ReceiptInfo *ri, const char *path, const char **tmp, Err *err);
int erase_receipt_publish(const char *tmp, const char *path, Err *err);
void erase_receipt_discard(const char *tmp);
/* Validates a receipt: 0 valid, -1 with err (findings: invalid; usage: unreadable). */
int erase_check_receipt(const char *path, Err *err);
/* SHA-256 of data as 64 hex digits into out[65]. */
void erase_sha256_hex(const void *data, size_t n, char out[65]);

/* The --emit-sql script (emit.c). */
void erase_script(const ErasePlan *p, StrBuf *sb);

#endif
