/*
 * config.c - `pgcascade config`: the effective settings and where each
 * one came from (a flag, the policy file with its line, or the default),
 * as the other commands would see them in this folder with these flags.
 */
#include "cli/common.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "lint/output.h"
#include "util/strbuf.h"
#include "verify/apply.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

typedef struct Row {
	const char *section; /* "" for the general keys */
	const char *key;
	const char *value;
	const char *source;  /* "--root", "file:line" or "default" */
} Row;

typedef PGC_VEC(Row) RowVec;

static void row(Arena *a, RowVec *rows, const char *section, const char *key, const char *value,
                const char *source)
{
	Row r = {section, key, value, source};
	VEC_PUSH(a, *rows, r);
}

/* The file's lines for key (or its alias) in section; returns how many. */
static int file_rows(Arena *a, const Settings *s, RowVec *rows, const char *section, const char *key,
                     const char *alias)
{
	int n = 0;
	for (size_t i = 0; i < s->cfg.settings.n; i++) {
		const ConfigSetting *cs = &s->cfg.settings.items[i];
		bool general = cs->section[0] == '\0' || strcmp(cs->section, "pgcascade") == 0;
		if (section[0] ? strcmp(cs->section, section) != 0 : !general)
			continue;
		if (key && strcmp(cs->key, key) != 0 && !(alias && strcmp(cs->key, alias) == 0))
			continue;
		row(a, rows, section, key ? key : cs->key, cs->value, arena_printf(a, "%s:%d", s->cfg.path, cs->line));
		n++;
	}
	return n;
}

/* The flag's values, joined, as one row; returns 1, or 0 when not given. */
static int flag_row(Arena *a, const Settings *s, RowVec *rows, const char *section, const char *key, OptId id,
                    const char *flag)
{
	if (!opt_given(s, id))
		return 0;
	StrBuf sb = STRBUF_INIT;
	for (int i = 0; i < s->v[id].n; i++)
		sb_addf(&sb, "%s%s", i ? ", " : "", s->v[id].vals[i]);
	row(a, rows, section, key, arena_strdup(a, sb.buf), flag);
	sb_release(&sb);
	return 1;
}

/* A key whose flag replaces the file's value: flag > file > default. */
static void replaced(Arena *a, const Settings *s, RowVec *rows, const char *key, const char *alias, OptId id,
                     const char *flag, const char *def)
{
	if (!flag_row(a, s, rows, "", key, id, flag) && !file_rows(a, s, rows, "", key, alias))
		row(a, rows, "", key, def, "default");
}

/* A key whose flag adds to the file's list: both, else the default. */
static void added(Arena *a, const Settings *s, RowVec *rows, const char *section, const char *key, OptId id,
                  const char *flag, const char *def)
{
	int n = file_rows(a, s, rows, section, key, NULL);
	n += flag_row(a, s, rows, section, key, id, flag);
	if (!n)
		row(a, rows, section, key, def, "default");
}

static void collect(Arena *a, const Settings *s, RowVec *rows)
{
	replaced(a, s, rows, "root", "roots", O_ROOT, "--root", "users");
	replaced(a, s, rows, "owner_column", "owner_columns", O_OWNER, "--owner-column", "<root in singular>_id");
	replaced(a, s, rows, "dialect", NULL, O_DIALECT, "--dialect", "auto");
	replaced(a, s, rows, "layout", NULL, O_LAYOUT, "--layout", "auto");
	added(a, s, rows, "", "tolerate", O_TOLERATE, "--tolerate", "");
	if (!file_rows(a, s, rows, "", "ignore", NULL))
		row(a, rows, "", "ignore", "", "default");
	if (!file_rows(a, s, rows, "", "rules_url", NULL))
		row(a, rows, "", "rules_url", LINT_RULES_URL, "default");
	file_rows(a, s, rows, "rules", NULL, NULL);
	file_rows(a, s, rows, "on_delete", NULL, NULL);
	added(a, s, rows, "erase", "retain", O_RETAIN, "--retain", "");
	file_rows(a, s, rows, "erase", "anonymize", "anonymise");
	file_rows(a, s, rows, "erase", "delete-by", "delete_by");
}

static void print_text(const Settings *s, const RowVec *rows)
{
	if (s->cfg.path)
		printf("# policy file: %s (%s)\n", s->cfg.path, s->config_how);
	else
		printf("# no policy file (%s)\n", strcmp(s->config_how, "--no-config") == 0
		                                     ? "--no-config"
		                                     : "none found from here up to the repository root");
	const char *section = "";
	for (size_t i = 0; i < rows->n; i++) {
		const Row *r = &rows->items[i];
		if (strcmp(r->section, section) != 0) {
			printf("[%s]\n", r->section);
			section = r->section;
		}
		printf("%s = %s%s# %s\n", r->key, r->value, r->value[0] ? "    " : "   ", r->source);
	}
	bool rules = false;
	for (size_t i = 0; i < rows->n; i++)
		rules = rules || strcmp(rows->items[i].section, "rules") == 0;
	if (!rules)
		printf("# [rules]: every rule at its default severity\n");
}

static void print_json(const Settings *s, const RowVec *rows)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "file", s->cfg.path ? json_object_new_string(s->cfg.path) : NULL);
	json_object_object_add(o, "found", json_object_new_string(s->config_how));
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < rows->n; i++) {
		const Row *r = &rows->items[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "section", json_object_new_string(r->section));
		json_object_object_add(e, "key", json_object_new_string(r->key));
		json_object_object_add(e, "value", json_object_new_string(r->value));
		json_object_object_add(e, "source", json_object_new_string(r->source));
		json_object_array_add(arr, e);
	}
	json_object_object_add(o, "settings", arr);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

int cmd_config(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	Settings s;
	int parsed = common_parse(a, "config", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	const char *fmt = o.format ? o.format : "text";
	if (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --format \"%s\": config writes text or json", fmt);
		ret = die_with(&err);
		goto out;
	}
	if (s.npaths) {
		err_set(&err, PGC_EXIT_USAGE, "config takes no paths (got \"%s\"); run it in the folder to look at",
		        s.paths[0]);
		ret = die_with(&err);
		goto out;
	}
	/* the flags' values are checked as the other commands check them */
	ApplyOptions ap;
	apply_options_init(&ap, a);
	for (size_t i = 0; i < s.cfg.tolerate.n; i++)
		if (apply_add_tolerate(&ap, s.cfg.tolerate.items[i], arena_printf(a, "%s: tolerate", s.cfg.path),
		                       &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	for (int i = 0; i < s.v[O_TOLERATE].n; i++)
		if (apply_add_tolerate(&ap, s.v[O_TOLERATE].vals[i], "--tolerate", &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	for (int i = 0; i < s.v[O_RETAIN].n; i++)
		if (policy_add_retain(a, &s.cfg.erase, s.v[O_RETAIN].vals[i], &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	for (int i = 0; i < o.nroots; i++) {
		Root root;
		if (root_parse(a, o.roots[i], &root, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	}
	RowVec rows = {0};
	collect(a, &s, &rows);
	if (strcmp(fmt, "json") == 0)
		print_json(&s, &rows);
	else
		print_text(&s, &rows);
	ret = fflush(stdout) != 0 || ferror(stdout) ? PGC_EXIT_INTERNAL : PGC_EXIT_OK;
out:
	arena_free(a);
	return ret;
}
