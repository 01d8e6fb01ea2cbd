/*
 * pgjson.h - libpg_query's JSON parse tree read into protobuf-c messages.
 *
 * pg_query_parse() writes the parse tree as JSON about three times
 * faster than pg_query_parse_protobuf() packs it. pgjson_read() reads
 * that JSON with yajl's event parser straight into the PgQuery__* structs
 * that pg_query__parse_result__unpack() would build, guided by the
 * protobuf-c descriptors (a JSON key names a field once case and '_' are
 * ignored: "tableElts" is table_elts, "CreateStmt" is Node's create_stmt),
 * so replay.c walks the same tree whichever path made it.
 */
#ifndef PGC_PGJSON_H
#define PGC_PGJSON_H

#include <pg_query/pg_query.pb-c.h>

#include <stddef.h>

/* The reader's state: the field index (built as descriptors are met) and
 * its stacks. One per thread; NULL when out of memory. */
typedef struct PgJson PgJson;
PgJson *pgjson_new(void);
void pgjson_free(PgJson *j);

/*
 * The tree of json (pg_query_parse's parse_tree of text[0, textlen), len
 * bytes), every
 * message, array and string allocated with pa (freed all at once by the
 * caller, never one by one). NULL when json holds anything the
 * descriptors do not describe the way pg_query.proto's JSON mapping
 * does (an unknown key or enum name, a null, a number out of range, an
 * Integer the JSON lost that the tokens of text cannot give back):
 * the caller then takes the protobuf path for that statement (also when
 * j is NULL).
 */
PgQuery__ParseResult *pgjson_read(PgJson *j, const char *text, size_t textlen, const char *json,
                                  size_t len, ProtobufCAllocator *pa);

#endif
