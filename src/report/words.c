/* words.c - the one vocabulary of pgcascade's reports; see words.h. */
#include "report/words.h"

#include <string.h>

void words_table(StrBuf *sb, const char *schema, const char *name)
{
	if (schema && strcmp(schema, "public") != 0)
		sb_addf(sb, "%s.", schema);
	sb_adds(sb, name ? name : "?");
}

/* " <- table (constraint)": one step down the path. */
static void path_step(StrBuf *sb, const char *schema, const char *table, const char *constraint)
{
	sb_adds(sb, " <- ");
	words_table(sb, schema, table);
	sb_addf(sb, " (%s)", constraint ? constraint : "?");
}

void words_path(StrBuf *sb, const Table *root, const ForeignKey *const *path, int n)
{
	words_table(sb, root->schema, root->name);
	for (int k = 0; k < n; k++)
		path_step(sb, path[k]->table->schema, path[k]->table->name, path[k]->name);
}

void words_path_names(StrBuf *sb, const Model *m, const Table *root, const char *root_name,
                      const char *const *names, int n)
{
	if (root)
		words_table(sb, root->schema, root->name);
	else
		sb_adds(sb, root_name ? root_name : "?");
	const Table *cur = root;
	for (int k = 0; k < n; k++) {
		const ForeignKey *step = NULL;
		for (size_t i = 0; cur && !step && i < m->fks.n; i++) {
			const ForeignKey *fk = m->fks.items[i];
			if (!fk->dropped && fk->ref == cur && fk->name && strcmp(fk->name, names[k]) == 0)
				step = fk;
		}
		cur = step ? step->table : NULL;
		path_step(sb, cur ? cur->schema : NULL, cur ? cur->name : NULL, names[k]);
	}
}

void words_edge(StrBuf *sb, const ForeignKey *fk)
{
	words_path(sb, fk->ref, &fk, 1);
}

void words_edge_named(StrBuf *sb, const Model *m, const char *schema, const char *table, const char *constraint)
{
	for (size_t i = 0; m && i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (!fk->dropped && fk->ref && fk->table && fk->name && strcmp(fk->name, constraint) == 0 &&
		    strcmp(fk->table->name, table) == 0 && strcmp(fk->table->schema, schema) == 0) {
			words_edge(sb, fk);
			return;
		}
	}
	sb_addch(sb, '?');
	path_step(sb, schema, table, constraint);
}

const char *words_action(char action)
{
	switch (action) {
	case FK_CASCADE: return "ON DELETE CASCADE";
	case FK_RESTRICT: return "ON DELETE RESTRICT";
	case FK_SET_NULL: return "ON DELETE SET NULL";
	case FK_SET_DEFAULT: return "ON DELETE SET DEFAULT";
	default: return "ON DELETE NO ACTION";
	}
}

const char *words_action_named(const char *name)
{
	static const char codes[] = {FK_CASCADE, FK_RESTRICT, FK_SET_NULL, FK_SET_DEFAULT};
	for (size_t i = 0; name && i < sizeof(codes); i++)
		if (strcmp(name, fk_action_name(codes[i])) == 0)
			return words_action(codes[i]);
	return words_action(FK_NO_ACTION);
}

void words_dialect(StrBuf *sb, Dialect d, const char *where, const char *why)
{
	sb_addf(sb, "dialect: %s", dialect_name(d));
	if (where && why)
		sb_addf(sb, " (%s: %s)", where, why);
	else if (where || why)
		sb_addf(sb, " (%s)", where ? where : why);
}

const char *words_noun(long n, const char *one, const char *many)
{
	return n == 1 ? one : many;
}

void words_count(StrBuf *sb, long n, const char *one, const char *many)
{
	sb_addf(sb, "%ld %s", n, words_noun(n, one, many));
}

void words_findings(StrBuf *sb, long nerrors, long nwarnings, long ninfos)
{
	words_count(sb, nerrors, "error", "errors");
	sb_adds(sb, ", ");
	words_count(sb, nwarnings, "warning", "warnings");
	sb_adds(sb, ", ");
	words_count(sb, ninfos, "info", "info");
}
