/*
 * fuzz_config.c - libFuzzer target for lint's policy file (.pgcascade.ini,
 * src/lint/config.h). The input (cut at the first NUL) is the file's text:
 * config_load_string parses it; on success every query the lint rules make
 * is asked of the result (rule levels, ON DELETE policies, ignore globs).
 * Errors are results; crashes, leaks and sanitizer reports are bugs.
 * fuzz/fuzz.mk builds it only once src/lint/config.h exists.
 */
#include "lint/config.h"
#include "model/model.h"
#include "util/arena.h"
#include "util/err.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = strnlen((const char *)data, size);
	Arena *a = arena_new();
	char *text = arena_strndup(a, (const char *)data, len);
	LintConfig c;
	config_init(&c);
	Err err = {0};
	if (config_load_string(a, "fuzz.ini", text, &c, &err) == 0) {
		static const char *const rules[] = {"fk-blocks-delete", "set-null-not-null", "user-column-no-fk",
		                                    "parse-error", "dynamic-sql", "fk-unindexed", "no-such-rule"};
		for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
			(void)config_rule_level(&c, rules[i], SEV_ERROR);
		static const char actions[] = {FK_NO_ACTION, FK_RESTRICT, FK_CASCADE, FK_SET_NULL, FK_SET_DEFAULT};
		for (size_t i = 0; i < c.policies.n; i++) {
			const ActionPolicy *p = config_policy_for(&c, c.policies.items[i].schema, c.policies.items[i].table);
			for (size_t k = 0; p && k < sizeof(actions); k++)
				(void)policy_allows(p, actions[k]);
		}
		(void)config_policy_for(&c, "public", "users");
		(void)config_policy_for(&c, NULL, "users");
		static const char *const paths[] = {"migrations/001_init.sql", "legacy/old_1.sql", "a/b/c.sql", "", "/abs/x.sql"};
		for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
			(void)config_path_ignored(&c, paths[i]);
	}
	arena_free(a);
	return 0;
}
