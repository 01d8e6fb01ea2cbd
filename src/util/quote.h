/*
 * quote.h - the one identifier-quoting function, after pg_dump's fmtId().
 *
 * Every identifier pgcascade writes into SQL goes through quote_ident().
 * It quotes only when it must: when the name is not all [a-z0-9_]
 * starting with [a-z_], or when it is a keyword other than an
 * unreserved one (keyword categories come from libpg_query's scanner,
 * i.e. PostgreSQL's own kwlist). Any " inside is doubled.
 */
#ifndef PGC_QUOTE_H
#define PGC_QUOTE_H

#include "util/arena.h"
#include "util/strbuf.h"

/* Appends the quoted form of name to sb. */
void sb_add_ident(StrBuf *sb, const char *name);
/* Appends schema.name, each part quoted as needed. */
void sb_add_qualified(StrBuf *sb, const char *schema, const char *name);
/* Appends a string literal: E'' is never needed because we double ' and
 * reject nothing; backslashes are safe under standard_conforming_strings. */
void sb_add_literal(StrBuf *sb, const char *s);
/* Quoted copy in the arena. */
const char *quote_ident(Arena *a, const char *name);

#endif
