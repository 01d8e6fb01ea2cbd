/*
 * naming.h - the names PostgreSQL (and CockroachDB) give to unnamed
 * constraints and indexes.
 *
 * The PostgreSQL rules follow src/backend/commands/indexcmds.c
 * (makeObjectName, ChooseRelationName, ChooseIndexName,
 * ChooseIndexNameAddition) and src/backend/catalog/pg_constraint.c
 * (ChooseConstraintName), PostgreSQL 15. Every rule is checked against a
 * real PostgreSQL 15 by tests/unit/test_naming.c and the pg fixtures.
 *
 * Returned strings live in the given arena (or the model's).
 */
#ifndef PGC_NAMING_H
#define PGC_NAMING_H

#include "model/model.h"

#include <stdbool.h>

/*
 * makeObjectName: name1[_name2][_label], clipped to 63 bytes by
 * trimming the longer of name1/name2 first, never splitting a UTF-8
 * character. name2 and label may be NULL.
 */
char *pgname_make(Arena *a, const char *name1, const char *name2, const char *label);

/*
 * The column-name "addition" of ChooseIndexNameAddition and
 * ChooseForeignKeyConstraintNameAddition: names joined by "_", stopping
 * once 63 bytes are reached. NULL entries (expressions) read "expr".
 */
char *pgname_addition(Arena *a, const char *const *names, int n);

/*
 * ChooseConstraintName: the first of label, label1, label2, ... whose
 * makeObjectName() is not a constraint name in schema.
 */
const char *pgname_choose_constraint(Model *m, const char *schema, const char *name1,
                                     const char *name2, const char *label);

/*
 * ChooseRelationName: the first free relation (table or index) name in
 * schema; isconstraint also avoids constraint names (PRIMARY KEY and
 * UNIQUE indexes).
 */
const char *pgname_choose_relation(Model *m, const char *schema, const char *name1,
                                   const char *name2, const char *label, bool isconstraint);

/* Length of the longest prefix of s (at most limit bytes) that ends on a
 * UTF-8 character boundary (pg_mbcliplen for UTF-8). */
int pgname_mbcliplen(const char *s, int len, int limit);

#endif
