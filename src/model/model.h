/*
 * model.h - the one schema model.
 *
 * Two loaders fill it: static replay of migration files
 * (frontend/replay.c) and the live catalog (loader/live.c). Analysis,
 * reporters, the fix writer, lint and verify read only this model and
 * never know which loader ran.
 *
 * Ownership: every object and string hangs off model->arena and is freed
 * with it. Objects are never moved once created, so pointers stay valid;
 * a dropped object is marked dropped and skipped by every reader (use
 * the model_each_* helpers or check ->dropped).
 *
 * Names are raw catalog names: unquoted, case kept, already truncated to
 * 63 bytes the way PostgreSQL truncates identifiers.
 */
#ifndef PGC_MODEL_H
#define PGC_MODEL_H

#include "util/arena.h"
#include "util/hashmap.h"

#include <stdbool.h>

#define PGC_NAMEDATALEN 64 /* PostgreSQL's NAMEDATALEN: names hold 63 bytes */

typedef enum Dialect {
	DIALECT_AUTO = 0,
	DIALECT_POSTGRES,
	DIALECT_COCKROACH,
} Dialect;

const char *dialect_name(Dialect d); /* "auto", "postgres", "cockroach" */

/* A place in a source file. file == NULL means "no place" (live mode). */
typedef struct SrcLoc {
	const char *file; /* path as given or as found under a directory argument */
	int line, col;    /* 1-based; col counts bytes, like PostgreSQL's cursor */
	int offset;       /* 0-based byte offset in the file */
} SrcLoc;

/* ON DELETE / ON UPDATE actions, spelled as pg_constraint.confdeltype. */
typedef enum FkAction {
	FK_NO_ACTION = 'a',
	FK_RESTRICT = 'r',
	FK_CASCADE = 'c',
	FK_SET_NULL = 'n',
	FK_SET_DEFAULT = 'd',
} FkAction;

/* "no action", "restrict", "cascade", "set null", "set default". */
const char *fk_action_name(char action);
/* SQL spelling: "NO ACTION", "RESTRICT", "CASCADE", "SET NULL", "SET DEFAULT". */
const char *fk_action_sql(char action);

typedef struct Table Table;

typedef struct Column {
	const char *name;
	const char *type;       /* format_type() spelling, e.g. "text", "integer[]",
	                           "character varying(20)"; static mode: best effort */
	const char *type_schema;/* schema of a user-defined type (enum, domain), or NULL */
	const char *type_name;  /* bare name of a user-defined type, or NULL */
	char typtype;           /* pg_type.typtype of the element type: 'b','e','d','c','r' or 0 if unknown */
	int ndims;              /* array dimensions, 0 for scalars */
	const char *default_expr; /* NULL when none */
	bool not_null;
	char identity;          /* 0, 'a' (ALWAYS) or 'd' (BY DEFAULT) */
	char generated;         /* 0 or 's' (STORED) */
	bool dropped;
	int attnum;             /* 1-based position among live columns when loaded */
} Column;

typedef struct Index {
	const char *name;      /* for PK/UNIQUE constraints, also the constraint name */
	Table *table;
	const char **cols;     /* key columns; NULL entry for an expression column */
	int ncols;
	bool unique, primary;
	bool is_constraint;    /* PRIMARY KEY / UNIQUE constraint (not a bare index) */
	bool partial;          /* has a WHERE clause */
	bool inline_crdb;      /* CockroachDB INDEX (...) clause inside CREATE TABLE */
	bool dropped;
	SrcLoc loc;
} Index;

typedef struct Check {
	const char *name;
	Table *table;
	const char *expr;      /* the expression text, without "CHECK (...)" */
	bool dropped;
	SrcLoc loc;
} Check;

/* A user-defined type: enum labels or a domain's base type. */
typedef struct UserType {
	const char *schema, *name;
	char typtype;          /* 'e' enum, 'd' domain, 'c' composite, 'r' range */
	const char **labels;   /* enum labels in sort order */
	int nlabels;
	const char *base_type; /* domain: format_type of the base type */
	const char **checks;   /* domain CHECK expressions */
	int nchecks;
	bool not_null;         /* domain NOT NULL */
	bool dropped;
} UserType;

struct Table {
	const char *schema, *name;
	PGC_VEC(Column *) cols;  /* in attnum order, dropped ones marked */
	Index *pk;               /* primary key, or NULL */
	char relkind;            /* 'r' table, 'p' partitioned table */
	Table *partition_of;     /* parent when created with PARTITION OF */
	bool dropped;
	bool unlogged;
	SrcLoc loc;              /* the CREATE TABLE statement */
	int id;                  /* dense 0-based id, stable for the run */
};

typedef struct ForeignKey {
	const char *name;
	Table *table;            /* referencing (child) table */
	const char **cols;
	int ncols;
	Table *ref;              /* referenced (parent) table */
	const char **ref_cols;
	int nref_cols;
	char on_delete, on_update; /* FkAction */
	char match;              /* 's' SIMPLE, 'f' FULL, 'p' PARTIAL */
	bool deferrable, initially_deferred;
	bool validated;          /* false when added NOT VALID and not validated since */
	const char **set_cols;   /* ON DELETE SET NULL/DEFAULT (cols); NULL when absent */
	int nset_cols;
	SrcLoc origin;           /* statement that created it as it stands now */
	SrcLoc ref_loc;          /* the REFERENCES / FOREIGN KEY clause itself (lint carets) */
	bool name_predicted;     /* static mode: the name was computed, not written */
	long seq;                /* creation order: live = pg_constraint.oid, static = counter */
	bool dropped;
	int id;                  /* dense 0-based id among all FKs, including dropped */
} ForeignKey;

/* Severity of a finding. */
typedef enum Severity {
	SEV_INFO = 0,
	SEV_WARNING = 1,
	SEV_ERROR = 2,
} Severity;

const char *severity_name(Severity s); /* "info", "warning", "error" */

/*
 * A finding, from a loader (parse-error, dynamic-sql) or from analysis.
 * Rule ids are stable: fk-blocks-delete, set-null-not-null,
 * user-column-no-fk, parse-error, dynamic-sql, fk-unindexed.
 */
typedef struct Finding {
	const char *rule;
	Severity severity;
	const char *schema, *table; /* NULL when not about a table */
	const char *constraint;     /* NULL when not about a constraint */
	const char *column;         /* user-column-no-fk: the owner column; else NULL */
	int depth;                  /* fk-blocks-delete: depth of the edge; else 0 */
	const char *message;
	SrcLoc loc;
	const char *blocks;         /* fk-blocks-delete, for ANY data (several owners): "always",
	                               "order-dependent", "not-on-postgres" (doc/rules/fk-blocks-delete.md) */
	const char **path;          /* constraint names from the root to this edge */
	int npath;
	const char *help;           /* one-line fix, e.g. "+ ON DELETE CASCADE" */
	const ForeignKey *fk;       /* the edge concerned, or NULL */
	const char *root_schema, *root_table; /* root whose closure produced it */
	const char *order_outcome;  /* fk-blocks-delete, blocks order-dependent: "fails" or "passes",
	                               PostgreSQL's outcome with the current FK creation order
	                               when this is the only blocker; NULL when not computed */
	/* fk-blocks-delete, detail only (fix never reads them): the class and
	 * outcome when every row of the closure belongs to the deleted owner
	 * (the level rule of findings.c). */
	const char *single_owner_blocks;
	const char *single_owner_outcome;
	/* cascade-deletes-other-owners: the edge from the root that starts the path
	 * (path[0]), whose ON DELETE SET NULL would keep the shared parent */
	const ForeignKey *start_fk;
	const char *owner_column;   /* cascade-deletes-other-owners: table's owner column the path bypasses */
} Finding;

typedef struct Model {
	Arena *arena;
	Dialect dialect;         /* dialect the sources were read in */
	bool live;               /* filled by the live loader */
	bool server_is_crdb;     /* live: version() says CockroachDB */
	int server_version_num;  /* live: server_version_num, 0 if unknown */
	PGC_VEC(Table *) tables;        /* creation order */
	PGC_VEC(ForeignKey *) fks;      /* creation order */
	PGC_VEC(Index *) indexes;
	PGC_VEC(Check *) checks;
	PGC_VEC(UserType *) types;
	PGC_VEC(Finding *) findings;    /* loader findings: parse-error, dynamic-sql */
	PGC_VEC(const char *) schemas;  /* schemas created or seen, besides public */
	HashMap *table_by_name;  /* key from model_key(schema, name) */
	HashMap *conname;        /* constraint names per schema: key model_key(schema, name) */
	HashMap *relname;        /* relation (table and index) names per schema */
	HashMap *strings;        /* model_intern's strings */
	long next_seq;
} Model;

/* Makes a model whose data live in a (the caller owns a). */
Model *model_new(Arena *a);

/* Key for the per-schema hash maps: schema "\x1f" name, in the model's arena. */
const char *model_key(Model *m, const char *schema, const char *name);

Table *model_find_table(const Model *m, const char *schema, const char *name);
/* Creates a table and registers its name; the caller fills the rest. */
Table *model_add_table(Model *m, const char *schema, const char *name, SrcLoc loc);
/* Marks t dropped, with its indexes, checks and FKs (both directions when cascade). */
void model_drop_table(Model *m, Table *t);
/* Renames or moves t (either of new_schema/new_name may be NULL to keep it). */
void model_rename_table(Model *m, Table *t, const char *new_schema, const char *new_name);

Column *model_add_column(Model *m, Table *t, const char *name, const char *type);
/* One arena copy of each distinct string (column names and types repeat
 * across tables): the result is shared, never to be changed. */
const char *model_intern(Model *m, const char *s);
Column *table_column(const Table *t, const char *name);

ForeignKey *model_add_fk(Model *m, Table *t, const char *name);
void model_add_index(Model *m, Index *ix, const char *schema);
void model_add_check(Model *m, Check *c);

/* Registers / forgets a constraint name in its schema (for default naming). */
void model_note_conname(Model *m, const char *schema, const char *name);
void model_forget_conname(Model *m, const char *schema, const char *name);
bool model_conname_taken(const Model *m, const char *schema, const char *name);

Finding *model_add_finding(Model *m, const char *rule, Severity sev, SrcLoc loc,
                           const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Array of live FKs sorted by schema, table, name (deterministic output). *n gets the count. */
ForeignKey **model_sorted_fks(Model *m, size_t *n);
/* Array of live tables sorted by schema, name. */
Table **model_sorted_tables(Model *m, size_t *n);

#endif
