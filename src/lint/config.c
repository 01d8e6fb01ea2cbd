/*
 * config.c - the policy file (.pgcascade.ini); see config.h.
 *
 * libinih does the parsing and calls handler() once per key. The
 * handler records the first problem and returns 0; ini_parse() then
 * returns that line number, which becomes the "file:line:" of the error.
 */
#include "lint/config.h"
#include "exitcodes.h"
#include "frontend/layout.h"
#include "lint/lint.h"
#include "util/strbuf.h"

#include <errno.h>
#include <ini.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef struct Ctx {
	Arena *a;
	LintConfig *c;
	char msg[1024];      /* first error, without the "file:line: " prefix */
	bool failed;
} Ctx;

void config_init(LintConfig *c)
{
	memset(c, 0, sizeof(*c));
	c->dialect = DIALECT_AUTO;
}

static int fail(Ctx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Ctx *x, const char *fmt, ...)
{
	if (!x->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(x->msg, sizeof(x->msg), fmt, ap);
		va_end(ap);
		x->failed = true;
	}
	return 0;
}

static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

int config_split_list(Arena *a, const char *value, StrVec *out)
{
	char *v = arena_strdup(a, value);
	int depth = 0;
	char quote = 0;
	char *item = v;
	for (char *p = v;; p++) {
		if (quote && *p == '\0')
			return -1;
		if (quote) {
			if (*p == quote)
				quote = 0;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = *p;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (*p == '\0' || (*p == ',' && depth == 0)) {
			bool end = *p == '\0';
			*p = '\0';
			char *t = trim(item);
			if (*t == '\0')
				return -1;
			VEC_PUSH(a, *out, t);
			if (end)
				break;
			item = p + 1;
		}
	}
	return 0;
}

int config_dialect_parse(const char *v, Dialect *d)
{
	if (strcmp(v, "postgres") == 0 || strcmp(v, "postgresql") == 0)
		*d = DIALECT_POSTGRES;
	else if (strcmp(v, "cockroach") == 0 || strcmp(v, "cockroachdb") == 0)
		*d = DIALECT_COCKROACH;
	else if (strcmp(v, "auto") == 0)
		*d = DIALECT_AUTO;
	else
		return -1;
	return 0;
}

static int parse_level(const char *v)
{
	if (strcmp(v, "error") == 0)
		return SEV_ERROR;
	if (strcmp(v, "warning") == 0)
		return SEV_WARNING;
	if (strcmp(v, "info") == 0)
		return SEV_INFO;
	if (strcmp(v, "off") == 0)
		return RULE_LEVEL_OFF;
	return RULE_LEVEL_DEFAULT;
}

static char parse_action(const char *v)
{
	static const struct { const char *name; char a; } names[] = {
		{"cascade", FK_CASCADE}, {"set null", FK_SET_NULL}, {"set default", FK_SET_DEFAULT},
		{"restrict", FK_RESTRICT}, {"no action", FK_NO_ACTION},
	};
	char buf[32];
	size_t j = 0;
	bool space = false;
	/* Case-insensitive, any run of blanks counts as one space. */
	for (const char *p = v; *p && j + 1 < sizeof(buf); p++) {
		if (isspace((unsigned char)*p) || *p == '_') {
			space = j > 0;
			continue;
		}
		if (space)
			buf[j++] = ' ';
		space = false;
		if (j + 1 < sizeof(buf))
			buf[j++] = (char)tolower((unsigned char)*p);
	}
	buf[j] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(buf, names[i].name) == 0)
			return names[i].a;
	return 0;
}

/* "table" or "schema.table", SQL identifier syntax. */
static int parse_table_name(Arena *a, const char *spec, const char **schema, const char **table)
{
	const char *first, *second = NULL;
	const char *p = policy_ident(a, spec, &first);
	if (!p)
		return -1;
	if (*p == '.') {
		p = policy_ident(a, p + 1, &second);
		if (!p)
			return -1;
	}
	if (*p != '\0')
		return -1;
	*schema = second ? first : NULL;
	*table = second ? second : first;
	return 0;
}

static bool is_section(const char *s, const char *name)
{
	return strcmp(s, name) == 0;
}

static int general_key(Ctx *x, const char *name, const char *value)
{
	LintConfig *c = x->c;
	if (strcmp(name, "root") == 0 || strcmp(name, "roots") == 0) {
		if (config_split_list(x->a, value, &c->roots) < 0)
			return fail(x, "bad value \"%s\" for %s: expected table names separated by commas", value, name);
		return 1;
	}
	if (strcmp(name, "owner_column") == 0 || strcmp(name, "owner_columns") == 0) {
		if (config_split_list(x->a, value, &c->owner_patterns) < 0)
			return fail(x, "bad value \"%s\" for %s: expected column patterns separated by commas", value, name);
		return 1;
	}
	if (strcmp(name, "ignore") == 0) {
		if (config_split_list(x->a, value, &c->ignore) < 0)
			return fail(x, "bad value \"%s\" for %s: expected path globs separated by commas", value, name);
		return 1;
	}
	if (strcmp(name, "dialect") == 0) {
		if (config_dialect_parse(value, &c->dialect) < 0)
			return fail(x, "bad value \"%s\" for %s: expected postgres, cockroach or auto", value, name);
		c->dialect_set = true;
		return 1;
	}
	if (strcmp(name, "layout") == 0) {
		Err e = {0};
		if (layout_parse(value, &c->layout, &e) < 0)
			return fail(x, "bad value \"%s\" for %s: expected %s", value, name, layout_names());
		c->layout_set = true;
		return 1;
	}
	if (strcmp(name, "rules_url") == 0) {
		if (strncmp(value, "https://", 8) != 0 && strncmp(value, "http://", 7) != 0)
			return fail(x, "bad value \"%s\" for %s: expected an http(s) URL", value, name);
		c->rules_url = arena_strdup(x->a, value);
		return 1;
	}
	if (strcmp(name, "tolerate") == 0) {
		/* SQLSTATEs verify skips like the project's runner; verify/apply.c checks them */
		if (config_split_list(x->a, value, &c->tolerate) < 0)
			return fail(x, "bad value \"%s\" for %s: expected SQLSTATEs separated by commas", value, name);
		return 1;
	}
	return fail(x, "unknown key \"%s\" (expected root, owner_column, dialect, layout, ignore, rules_url or tolerate)", name);
}

static int rules_key(Ctx *x, const char *name, const char *value)
{
	if (!lint_rule_find(name)) {
		StrBuf sb = STRBUF_INIT;
		for (int i = 0; i < lint_nrules; i++)
			sb_addf(&sb, "%s%s", i ? ", " : "", lint_rules[i].id);
		fail(x, "unknown rule \"%s\" in [rules] (rules: %s)", name, sb.buf);
		sb_release(&sb);
		return 0;
	}
	int level = parse_level(value);
	if (level == RULE_LEVEL_DEFAULT)
		return fail(x, "bad value \"%s\" for rule %s: expected error, warning, info or off", value, name);
	RuleSetting rs = {arena_strdup(x->a, name), level};
	for (size_t i = 0; i < x->c->rules.n; i++)
		if (strcmp(x->c->rules.items[i].rule, name) == 0) {
			x->c->rules.items[i] = rs;
			return 1;
		}
	VEC_PUSH(x->a, x->c->rules, rs);
	return 1;
}

static int on_delete_key(Ctx *x, const char *name, const char *value, int line)
{
	ActionPolicy p = {0};
	if (parse_table_name(x->a, name, &p.schema, &p.table) < 0)
		return fail(x, "bad table name \"%s\" in [on_delete]: expected table or schema.table", name);
	StrVec items = {0};
	if (config_split_list(x->a, value, &items) < 0)
		return fail(x, "bad value \"%s\" for %s: expected ON DELETE actions separated by commas", value, name);
	int n = 0;
	for (size_t i = 0; i < items.n; i++) {
		char act = parse_action(items.items[i]);
		if (!act)
			return fail(x, "bad ON DELETE action \"%s\" for %s: expected cascade, set null, set default, restrict or no action",
			            items.items[i], name);
		if (!strchr(p.actions, act) && n < (int)sizeof(p.actions) - 1)
			p.actions[n++] = act;
	}
	p.spec = arena_strdup(x->a, name);
	p.line = line;
	for (size_t i = 0; i < x->c->policies.n; i++) {
		ActionPolicy *o = &x->c->policies.items[i];
		if (strcmp(o->table, p.table) == 0 && ((!o->schema && !p.schema) ||
		    (o->schema && p.schema && strcmp(o->schema, p.schema) == 0))) {
			*o = p;
			return 1;
		}
	}
	VEC_PUSH(x->a, x->c->policies, p);
	return 1;
}

/* The line being parsed, for ActionPolicy.line: counted by the reader. */
typedef struct Reader {
	const char *p;
	int line;
	Ctx *x;
} Reader;

static int handler_line(Ctx *x, const char *section, const char *name, const char *value, int line)
{
	if (x->failed)
		return 0;
	if (is_section(section, "") || is_section(section, "pgcascade"))
		return general_key(x, name, value);
	if (is_section(section, "rules"))
		return rules_key(x, name, value);
	if (is_section(section, "on_delete"))
		return on_delete_key(x, name, value, line);
	if (is_section(section, "erase")) {
		char msg[sizeof(x->msg)];
		if (policy_key(x->a, &x->c->erase, name, value, line, msg, sizeof(msg)))
			return 1;
		return fail(x, "%s", msg);
	}
	return fail(x, "unknown section [%s] (expected [pgcascade], [rules], [on_delete] or [erase])", section);
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	Reader *r = user;
	if (!handler_line(r->x, section, name, value, r->line))
		return 0;
	/* every key as written, for `pgcascade config` */
	ConfigSetting cs = {arena_strdup(r->x->a, section), arena_strdup(r->x->a, name),
	                    arena_strdup(r->x->a, value), r->line};
	VEC_PUSH(r->x->a, r->x->c->settings, cs);
	return 1;
}

/* ini_parse_stream reader over a string that counts lines. */
static char *reader(char *buf, int size, void *stream)
{
	Reader *r = stream;
	if (*r->p == '\0' || size < 2)
		return NULL;
	int i = 0;
	while (i < size - 1 && r->p[i] && r->p[i] != '\n')
		i++;
	if (r->p[i] == '\n' && i < size - 1)
		i++;
	memcpy(buf, r->p, (size_t)i);
	buf[i] = '\0';
	r->p += i;
	r->line++;
	return buf;
}

static int load_text(Arena *a, const char *name, const char *text, LintConfig *out, Err *err)
{
	Ctx x = {a, out, "", false};
	Reader r = {text, 0, &x};
	int line = ini_parse_stream(reader, &r, handler, &r);
	if (line == 0)
		return 0;
	if (line < 0)
		return err_set(err, PGC_EXIT_USAGE, "%s: could not parse the policy file", name);
	if (!x.failed)
		return err_set(err, PGC_EXIT_USAGE, "%s:%d: syntax error: expected \"key = value\" or \"[section]\"",
		               name, line);
	return err_set(err, PGC_EXIT_USAGE, "%s:%d: %s", name, line, x.msg);
}

int config_load_string(Arena *a, const char *name, const char *text, LintConfig *out, Err *err)
{
	out->path = arena_strdup(a, name);
	out->erase.path = out->path;
	return load_text(a, name, text, out, err);
}

int config_load(Arena *a, const char *path, LintConfig *out, Err *err)
{
	int ret = -1;
	FILE *f = fopen(path, "rb");
	StrBuf sb = STRBUF_INIT;
	if (!f) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot read the policy file: %s", path, err_errno(errno));
		goto out;
	}
	char buf[8192];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&sb, buf, n);
	if (ferror(f)) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot read the policy file: %s", path, err_errno(errno));
		goto out;
	}
	if (memchr(sb.buf, '\0', sb.len)) {
		err_set(err, PGC_EXIT_USAGE, "%s: the policy file contains a NUL byte", path);
		goto out;
	}
	out->path = arena_strdup(a, path);
	out->erase.path = out->path;
	char *abs = realpath(path, NULL);
	if (abs) {
		char *slash = strrchr(abs, '/');
		if (slash && slash != abs)
			*slash = '\0';
		else if (slash)
			slash[1] = '\0';
		out->dir = arena_strdup(a, abs);
		free(abs);
	}
	ret = load_text(a, path, sb.buf, out, err);
out:
	if (f)
		fclose(f);
	sb_release(&sb);
	return ret;
}

const char *config_find(Arena *a, const char *start_dir)
{
	char *dir = realpath(start_dir, NULL);
	const char *found = NULL;
	StrBuf up = STRBUF_INIT; /* "../" per level climbed: the path is shown relative */
	if (!dir)
		return NULL;
	for (;;) {
		const char *sep = strcmp(dir, "/") == 0 ? "" : "/";
		char *cand = arena_printf(a, "%s%s%s", dir, sep, CONFIG_FILE_NAME);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
			found = strcmp(start_dir, ".") == 0 ? arena_printf(a, "%s%s", up.buf, CONFIG_FILE_NAME) : cand;
			break;
		}
		/* as git does: the repository's top folder (.git: a folder, or a
		 * file in a worktree) is the last one searched */
		if (stat(arena_printf(a, "%s%s.git", dir, sep), &st) == 0)
			break;
		char *slash = strrchr(dir, '/');
		if (!slash || strcmp(dir, "/") == 0)
			break;
		if (slash == dir)
			slash[1] = '\0';
		else
			*slash = '\0';
		sb_adds(&up, "../");
	}
	free(dir);
	sb_release(&up);
	return found;
}

int config_rule_level(const LintConfig *c, const char *rule, int def)
{
	if (!c)
		return def;
	for (size_t i = 0; i < c->rules.n; i++)
		if (strcmp(c->rules.items[i].rule, rule) == 0)
			return c->rules.items[i].level;
	return def;
}

size_t config_apply_rules(Arena *a, const LintConfig *c, Finding **items, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int level = config_rule_level(c, items[i]->rule, (int)items[i]->severity);
		if (level == RULE_LEVEL_OFF)
			continue;
		Finding *f = items[i];
		if (level != (int)f->severity) {
			f = arena_alloc(a, sizeof(*f));
			*f = *items[i];
			f->severity = (Severity)level;
		}
		items[k++] = f;
	}
	return k;
}

const ActionPolicy *config_policy_for(const LintConfig *c, const char *schema, const char *table)
{
	const ActionPolicy *any = NULL;
	if (!c || !table)
		return NULL;
	for (size_t i = 0; i < c->policies.n; i++) {
		const ActionPolicy *p = &c->policies.items[i];
		if (strcmp(p->table, table) != 0)
			continue;
		if (p->schema && schema && strcmp(p->schema, schema) == 0)
			return p; /* a qualified entry wins over a bare one */
		if (!p->schema)
			any = p;
	}
	return any;
}

bool policy_allows(const ActionPolicy *p, char action)
{
	return action && strchr(p->actions, action) != NULL;
}

bool config_path_ignored(const LintConfig *c, const char *path)
{
	if (!c || c->ignore.n == 0)
		return false;
	char *abs = realpath(path, NULL);
	const char *rel = abs ? abs : path;
	size_t dl = c->dir ? strlen(c->dir) : 0;
	if (abs && c->dir) {
		if (strcmp(c->dir, "/") == 0)
			rel = abs + 1;
		else if (strncmp(abs, c->dir, dl) == 0 && abs[dl] == '/')
			rel = abs + dl + 1;
	}
	const char *base = strrchr(rel, '/');
	base = base ? base + 1 : rel;
	bool hit = false;
	for (size_t i = 0; i < c->ignore.n && !hit; i++) {
		const char *g = c->ignore.items[i];
		size_t gl = strlen(g);
		if (fnmatch(g, rel, 0) == 0)
			hit = true;
		else if (!strchr(g, '/') && fnmatch(g, base, 0) == 0)
			hit = true;
		else if (gl && g[gl - 1] == '/' && strncmp(rel, g, gl) == 0)
			hit = true;
		else {
			/* a folder glob matches the files under it */
			char under[PATH_MAX];
			if (gl && g[gl - 1] != '/' && snprintf(under, sizeof(under), "%s/*", g) < (int)sizeof(under) &&
			    fnmatch(under, rel, 0) == 0)
				hit = true;
		}
	}
	free(abs);
	return hit;
}
