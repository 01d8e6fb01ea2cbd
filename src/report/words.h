/*
 * words.h - the one vocabulary of pgcascade's reports: how a table, a
 * path from the root, an ON DELETE action, the dialect notice and a
 * count are written. audit (text, graphs), fix, verify, lint and erase
 * all go through these functions, so the same edge reads the same in
 * every command. It needs only the model, so the analysis (which writes
 * the findings' messages) uses it too.
 */
#ifndef PGC_REPORT_WORDS_H
#define PGC_REPORT_WORDS_H

#include "model/model.h"
#include "util/strbuf.h"

/* A table as reports name it: "name" in public, "schema.name" elsewhere. */
void words_table(StrBuf *sb, const char *schema, const char *name);

/*
 * A path from the root, as in "users <- twin_profiles
 * (twin_profiles_user_id_fkey) <- explanation_records
 * (explanation_records_profile_id_fkey)": the root, then for each
 * foreign key down from it " <- referencing table (constraint)".
 * path[0] references root; n may be 0 (the root alone).
 */
void words_path(StrBuf *sb, const Table *root, const ForeignKey *const *path, int n);

/*
 * The same path from constraint names (a finding's or a failed DELETE's
 * path): each name is looked up among the foreign keys of m that
 * reference the previous table; root_name stands for root when root is
 * NULL, and a step whose table is unknown is written "? (name)".
 */
void words_path_names(StrBuf *sb, const Model *m, const Table *root, const char *root_name,
                      const char *const *names, int n);

/* One edge: the path of one step from the table it references. */
void words_edge(StrBuf *sb, const ForeignKey *fk);

/*
 * The same for the foreign key named constraint on schema.table, looked
 * up in m (a catalog query's row); "? <- table (constraint)" when m
 * does not have it.
 */
void words_edge_named(StrBuf *sb, const Model *m, const char *schema, const char *table, const char *constraint);

/* "ON DELETE NO ACTION", "ON DELETE CASCADE", ...: always upper case. */
const char *words_action(char action);

/* The same from the lower-case name the catalog queries give ("no action", "restrict", ...). */
const char *words_action_named(const char *name);

/*
 * The dialect notice: "dialect: cockroach (FILE:LINE:COL: WHY)" when it
 * was detected at a place, "dialect: cockroach (WHY)" otherwise.
 */
void words_dialect(StrBuf *sb, Dialect d, const char *where, const char *why);

/* The noun for n things: one when n == 1, else many. */
const char *words_noun(long n, const char *one, const char *many);

/* "1 table", "3 tables": n and its noun (words_noun). */
void words_count(StrBuf *sb, long n, const char *one, const char *many);

/* "25 errors, 5 warnings, 0 info": the findings by severity (audit and lint summaries). */
void words_findings(StrBuf *sb, long nerrors, long nwarnings, long ninfos);

#endif
