/*
 * policy.c - the [erase] policy; see policy.h.
 *
 * libinih splits the file into keys and config_split_list() the values
 * into items (lint/config.c, the one reader of the file); this file reads
 * the items: dotted SQL names, and
 * for anonymize "name=NULL" or "name='constant'" ('' is a quote inside).
 */
#include "policy/policy.h"
#include "exitcodes.h"
#include "lint/config.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

typedef struct Msg {
	char *buf;
	size_t size;
} Msg;

static int bad(Msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(Msg *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(m->buf, m->size, fmt, ap);
	va_end(ap);
	return 0;
}

const char *policy_ident(Arena *a, const char *p, const char **out)
{
	StrBuf sb = STRBUF_INIT;
	if (*p == '"') {
		p++;
		for (;;) {
			if (*p == '\0') {
				sb_release(&sb);
				return NULL;
			}
			if (*p == '"') {
				if (p[1] != '"')
					break;
				p++;
			}
			sb_addch(&sb, *p++);
		}
		p++;
	} else {
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80)
			sb_addch(&sb, (char)tolower((unsigned char)*p++));
	}
	if (sb.len == 0 || sb.len >= PGC_NAMEDATALEN) {
		sb_release(&sb);
		return NULL;
	}
	*out = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return p;
}

/* Reads a dotted name of 1..3 parts into parts[]; returns the end or NULL. */
static const char *dotted(Arena *a, const char *p, const char **parts, int *n)
{
	*n = 0;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*n == 3)
			return NULL;
		p = policy_ident(a, p, &parts[*n]);
		if (!p)
			return NULL;
		(*n)++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '.')
			return p;
		p++;
	}
}

static int table_item(Arena *a, const char *item, PolicyEntry *e, bool with_column, Msg *m,
                      const char *key)
{
	const char *parts[3];
	int n;
	const char *end = dotted(a, item, parts, &n);
	int want_min = with_column ? 2 : 1, want_max = with_column ? 3 : 2;
	if (!end || *end != '\0' || n < want_min || n > want_max)
		return bad(m, "bad item \"%s\" for %s: expected %s", item, key,
		           with_column ? "table.column or schema.table.column" : "table or schema.table");
	int i = 0;
	e->schema = n == want_max ? parts[i++] : "public";
	e->table = parts[i++];
	e->column = with_column ? parts[i] : NULL;
	return 1;
}

static int anonymize_item(Arena *a, const char *item, PolicyEntry *e, Msg *m)
{
	const char *parts[3];
	int n;
	const char *end = dotted(a, item, parts, &n);
	if (!end || *end != '=' || n < 2)
		return bad(m, "bad item \"%s\" for anonymize: expected table.column=NULL or table.column='constant'", item);
	e->schema = n == 3 ? parts[0] : "public";
	e->table = parts[n - 2];
	e->column = parts[n - 1];
	const char *v = end + 1;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strcasecmp(v, "null") == 0) {
		e->value = NULL;
		return 1;
	}
	if (*v != '\'')
		return bad(m, "bad value \"%s\" in \"%s\" for anonymize: expected NULL or a quoted 'constant'", v, item);
	StrBuf sb = STRBUF_INIT;
	const char *p = v + 1;
	for (;;) {
		if (*p == '\0') {
			sb_release(&sb);
			return bad(m, "unterminated quoted constant in \"%s\" for anonymize", item);
		}
		if (*p == '\'') {
			if (p[1] != '\'')
				break;
			p++;
		}
		sb_addch(&sb, *p++);
	}
	p++;
	if (*p != '\0') {
		sb_release(&sb);
		return bad(m, "unexpected text \"%s\" after the constant in \"%s\" for anonymize", p, item);
	}
	e->value = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return 1;
}

int policy_key(Arena *a, ErasePolicy *p, const char *name, const char *value, int line,
               char *msg, size_t msgsize)
{
	Msg m = {msg, msgsize};
	int which;
	if (strcmp(name, "retain") == 0)
		which = 0;
	else if (strcmp(name, "anonymize") == 0 || strcmp(name, "anonymise") == 0)
		which = 1;
	else if (strcmp(name, "delete-by") == 0 || strcmp(name, "delete_by") == 0)
		which = 2;
	else
		return bad(&m, "unknown key \"%s\" in [erase] (expected retain, anonymize or delete-by)", name);
	StrVec list = {0};
	if (config_split_list(a, value, &list) < 0)
		return bad(&m, "bad value \"%s\" for %s: expected items separated by commas", value, name);
	const char **items = list.items;
	for (size_t i = 0; i < list.n; i++) {
		PolicyEntry e = {0};
		e.line = line;
		int ok = which == 1 ? anonymize_item(a, items[i], &e, &m)
		                    : table_item(a, items[i], &e, which == 2, &m, name);
		if (!ok)
			return 0;
		if (which == 0)
			VEC_PUSH(a, p->retain, e);
		else if (which == 1)
			VEC_PUSH(a, p->anonymize, e);
		else
			VEC_PUSH(a, p->delete_by, e);
	}
	return 1;
}

int policy_add_retain(Arena *a, ErasePolicy *p, const char *spec, Err *err)
{
	char msg[512];
	Msg m = {msg, sizeof(msg)};
	PolicyEntry e = {0};
	if (!table_item(a, spec, &e, false, &m, "--retain"))
		return err_set(err, PGC_EXIT_USAGE, "%s", msg);
	VEC_PUSH(a, p->retain, e);
	return 0;
}

static int resolve(PolicyEntry *e, const ErasePolicy *p, const Model *m, const char *key, Err *err)
{
	const char *path = p->path ? p->path : "policy";
	e->t = model_find_table(m, e->schema, e->table);
	if (!e->t || e->t->dropped)
		return err_set(err, PGC_EXIT_USAGE, "%s:%d: %s names table %s.%s, which does not exist",
		               path, e->line, key, e->schema, e->table);
	if (e->column) {
		Column *c = table_column(e->t, e->column);
		if (!c || c->dropped)
			return err_set(err, PGC_EXIT_USAGE, "%s:%d: %s names column %s of %s.%s, which does not exist",
			               path, e->line, key, e->column, e->schema, e->table);
	}
	return 0;
}

int policy_check(ErasePolicy *p, const Model *m, Err *err)
{
	for (size_t i = 0; i < p->retain.n; i++)
		if (resolve(&p->retain.items[i], p, m, "retain", err) < 0)
			return -1;
	for (size_t i = 0; i < p->anonymize.n; i++)
		if (resolve(&p->anonymize.items[i], p, m, "anonymize", err) < 0)
			return -1;
	for (size_t i = 0; i < p->delete_by.n; i++)
		if (resolve(&p->delete_by.items[i], p, m, "delete-by", err) < 0)
			return -1;
	const char *path = p->path ? p->path : "policy";
	for (size_t i = 0; i < p->anonymize.n; i++) {
		PolicyEntry *e = &p->anonymize.items[i];
		if (policy_retained(p, e->t))
			return err_set(err, PGC_EXIT_USAGE, "%s:%d: table %s.%s is both retained and anonymized",
			               path, e->line, e->schema, e->table);
	}
	for (size_t i = 0; i < p->delete_by.n; i++)
		for (size_t j = 0; j < i; j++)
			if (p->delete_by.items[j].t == p->delete_by.items[i].t &&
			    strcmp(p->delete_by.items[j].column, p->delete_by.items[i].column) != 0)
				return err_set(err, PGC_EXIT_USAGE, "%s:%d: table %s.%s has two delete-by columns (%s and %s)",
				               path, p->delete_by.items[i].line, p->delete_by.items[i].schema,
				               p->delete_by.items[i].table, p->delete_by.items[j].column,
				               p->delete_by.items[i].column);
	return 0;
}

static bool same(const PolicyEntry *e, const Table *t)
{
	if (e->t)
		return e->t == t;
	return strcmp(e->schema, t->schema) == 0 && strcmp(e->table, t->name) == 0;
}

bool policy_retained(const ErasePolicy *p, const Table *t)
{
	for (size_t i = 0; p && i < p->retain.n; i++)
		if (same(&p->retain.items[i], t))
			return true;
	return false;
}

bool policy_anonymized(const ErasePolicy *p, const Table *t)
{
	for (size_t i = 0; p && i < p->anonymize.n; i++)
		if (same(&p->anonymize.items[i], t))
			return true;
	return false;
}

const PolicyEntry *policy_delete_by(const ErasePolicy *p, const Table *t)
{
	for (size_t i = 0; p && i < p->delete_by.n; i++)
		if (same(&p->delete_by.items[i], t))
			return &p->delete_by.items[i];
	return NULL;
}
