/*
 * config.h - the lint policy file, .pgcascade.ini.
 *
 * Parsed with libinih (Debian's libinih-dev); we only supply the handler.
 * This is the one reader of the file: every command gets its settings
 * here (cli/options.c), [erase] included (policy/policy.c reads the
 * values of that section's keys with config_split_list()). The file is
 * found as git finds its configuration: walking up from the working
 * directory, up to the repository root (the folder holding .git). Every key
 * is checked: an unknown key or a bad value is an error that names the
 * file and the line (squawk silently accepts unknown keys; we don't).
 *
 *   root = users, auth.users        ; repeatable, like --root
 *   owner_column = user_id, *_by    ; repeatable, like --owner-column
 *   dialect = cockroach             ; postgres, cockroach or auto
 *   layout = dbmate                 ; like --layout
 *   ignore = legacy/ , old_*.sql  ; globs, relative to the file's folder
 *   rules_url = https://...         ; base of each rule's helpUri (SARIF)
 *   tolerate = 42P07, 42710         ; SQLSTATEs verify skips, like --tolerate
 *   [rules]
 *   fk-unindexed = off              ; error, warning, info or off
 *   [on_delete]
 *   teams = set null                ; ON DELETE actions allowed for FKs
 *                                   ; that reference teams
 *   [erase]                         ; erase policy: see policy/policy.h
 *   retain = audit.log
 *
 * Keys of the first group may also sit under a [pgcascade] header.
 * Everything lives in the arena given to config_load().
 */
#ifndef PGC_LINT_CONFIG_H
#define PGC_LINT_CONFIG_H

#include "frontend/layout.h"
#include "model/model.h"
#include "policy/policy.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdbool.h>

#define CONFIG_FILE_NAME ".pgcascade.ini"

/* A rule's configured severity: a Severity, or one of these. */
enum { RULE_LEVEL_DEFAULT = -1, RULE_LEVEL_OFF = -2 };

typedef struct RuleSetting {
	const char *rule;
	int level;            /* Severity or RULE_LEVEL_OFF */
} RuleSetting;

/* ON DELETE actions allowed for foreign keys that reference one table. */
typedef struct ActionPolicy {
	const char *schema;   /* NULL: the table name in any schema */
	const char *table;
	const char *spec;     /* as written in the file */
	char actions[8];      /* FkAction letters, NUL-terminated, in the order written */
	int line;
} ActionPolicy;

typedef PGC_VEC(const char *) StrVec;

/* One key of the file as written (for `pgcascade config`). */
typedef struct ConfigSetting {
	const char *section;  /* "" for the keys before any header */
	const char *key;
	const char *value;
	int line;
} ConfigSetting;

typedef struct LintConfig {
	const char *path;     /* the file read, or NULL when there is none */
	const char *dir;      /* its folder, absolute (globs are relative to it) */
	StrVec roots;
	StrVec owner_patterns;
	StrVec ignore;
	Dialect dialect;
	bool dialect_set;
	Layout layout;        /* when layout_set */
	bool layout_set;
	const char *rules_url; /* NULL: the built-in default */
	StrVec tolerate;       /* SQLSTATEs (verify --tolerate) */
	PGC_VEC(RuleSetting) rules;
	PGC_VEC(ActionPolicy) policies;
	ErasePolicy erase;     /* [erase] (policy/policy.h); erase.path is set with path */
	PGC_VEC(ConfigSetting) settings; /* every key, in the file's order */
} LintConfig;

/* An empty configuration (every rule at its default). */
void config_init(LintConfig *c);

/*
 * Splits a list value on commas outside parentheses and quotes ("..." and
 * '...'; "users(id, tenant)" is one item); items are trimmed. Returns -1
 * on an empty item or an unterminated quote.
 */
int config_split_list(Arena *a, const char *value, StrVec *out);

/* postgres (postgresql), cockroach (cockroachdb) or auto; -1 otherwise. */
int config_dialect_parse(const char *value, Dialect *out);

/*
 * Looks for CONFIG_FILE_NAME in start_dir and each parent up to the
 * repository root (the first folder holding .git) or "/".
 * Returns the path (in a) or NULL when there is none. From ".", the path
 * is relative ("../../.pgcascade.ini"), as diagnostics show it.
 */
const char *config_find(Arena *a, const char *start_dir);

/*
 * Reads path into out (which config_init has prepared). Returns 0, or -1
 * with err (PGC_EXIT_USAGE) "path:line: ..." for an unknown section or
 * key, a bad value or a syntax error; "path: ..." when unreadable.
 */
int config_load(Arena *a, const char *path, LintConfig *out, Err *err);

/* Same, from a string (tests); name is used in messages. */
int config_load_string(Arena *a, const char *name, const char *text, LintConfig *out, Err *err);

/* The configured level for rule: a Severity, RULE_LEVEL_OFF, or def when unset. */
int config_rule_level(const LintConfig *c, const char *rule, int def);

/*
 * Applies the [rules] severities to items[0..n) in place (audit: the rule
 * ids are lint's): a finding whose rule is off is dropped, one whose level
 * differs is replaced by a copy (in a). Returns the new count.
 */
size_t config_apply_rules(Arena *a, const LintConfig *c, Finding **items, size_t n);

/* The policy for FKs referencing schema.table, or NULL. */
const ActionPolicy *config_policy_for(const LintConfig *c, const char *schema, const char *table);

/* True when the action is allowed by p. */
bool policy_allows(const ActionPolicy *p, char action);

/*
 * True when path (as given; resolved against the working directory)
 * matches one of the ignore globs, taken relative to c->dir. A glob
 * without '/' also matches the base name; "dir/" matches what is under it.
 */
bool config_path_ignored(const LintConfig *c, const char *path);

#endif
