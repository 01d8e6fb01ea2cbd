/*
 * policy.h - the [erase] section of .pgcascade.ini: what `erase` keeps,
 * anonymises, or deletes by an owner column that has no foreign key.
 *
 *   [erase]
 *   retain    = audit.log, invoices          ; rows kept as they are
 *   anonymize = invoices.email=NULL, invoices.name='erased user'
 *                                           ; rows updated instead of deleted
 *   delete-by = events.user_id              ; owner columns without an FK
 *
 * Names are SQL identifiers: bare words fold to lower case, "Quoted"
 * keep theirs; a table without a schema means public. Keys may repeat
 * (the lists add up). The lint policy parser (lint/config.c) hands every
 * key of the [erase] section to policy_key(); whoever reads the file
 * (erase, verify --retain) gets the lists in LintConfig.erase.
 * policy_check() then resolves every entry against the model: a missing
 * table or column is an input error naming the file and the line.
 */
#ifndef PGC_POLICY_H
#define PGC_POLICY_H

#include "model/model.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct PolicyEntry {
	const char *schema;   /* "public" when the file gave no schema */
	const char *table;
	const char *column;   /* anonymize, delete-by; NULL for retain */
	const char *value;    /* anonymize: the constant (unquoted), NULL for SQL NULL */
	int line;             /* line of the key in the file */
	Table *t;             /* resolved by policy_check() */
} PolicyEntry;

typedef struct ErasePolicy {
	const char *path;     /* file the entries came from (messages) */
	PGC_VEC(PolicyEntry) retain;
	PGC_VEC(PolicyEntry) anonymize;
	PGC_VEC(PolicyEntry) delete_by;
} ErasePolicy;

/*
 * Takes one key of the [erase] section. Returns 1, or 0 with a message
 * (without the "file:line: " prefix) in msg.
 */
int policy_key(Arena *a, ErasePolicy *p, const char *name, const char *value, int line,
               char *msg, size_t msgsize);

/*
 * Resolves every entry against m (sets PolicyEntry.t). Returns 0, or -1
 * with err (PGC_EXIT_USAGE) "path:line: ..." for a missing table or
 * column, or a table both retained and anonymised.
 */
int policy_check(ErasePolicy *p, const Model *m, Err *err);

/* Adds a retained table from the command line (verify --retain TABLE);
 * spec is schema.table or table. Returns 0, or -1 with err (usage). */
int policy_add_retain(Arena *a, ErasePolicy *p, const char *spec, Err *err);

/* Reads one SQL identifier at p: "Quoted ""x""" keeps its case, a bare
 * word folds to lower case. Sets *out (in a); returns the end, or NULL. */
const char *policy_ident(Arena *a, const char *p, const char **out);

bool policy_retained(const ErasePolicy *p, const Table *t);
/* True when some anonymize entry names t (after policy_check). */
bool policy_anonymized(const ErasePolicy *p, const Table *t);
/* The delete-by entry of t, or NULL (after policy_check). */
const PolicyEntry *policy_delete_by(const ErasePolicy *p, const Table *t);

#endif
