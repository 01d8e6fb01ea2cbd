/*
 * naming.c - default names of constraints and indexes; see naming.h.
 */
#include "frontend/naming.h"

#include <stdio.h>
#include <string.h>

#define MAXNAME (PGC_NAMEDATALEN - 1)

int pgname_mbcliplen(const char *s, int len, int limit)
{
	if (len > limit)
		len = limit;
	/* Back up over UTF-8 continuation bytes so no character is split. */
	int n = len;
	if (n < (int)strlen(s)) {
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	return n;
}

char *pgname_make(Arena *a, const char *name1, const char *name2, const char *label)
{
	int overhead = 0;
	int n1 = (int)strlen(name1), n2 = 0;
	if (name2) {
		n2 = (int)strlen(name2);
		overhead++;          /* the '_' before name2 */
	}
	if (label)
		overhead += (int)strlen(label) + 1;
	int avail = MAXNAME - overhead;
	/* Trim the longer part first, as PostgreSQL does. */
	while (n1 + n2 > avail) {
		if (n1 > n2)
			n1--;
		else
			n2--;
	}
	n1 = pgname_mbcliplen(name1, n1, n1);
	if (name2)
		n2 = pgname_mbcliplen(name2, n2, n2);
	return arena_printf(a, "%.*s%s%.*s%s%s", n1, name1, name2 ? "_" : "",
	                    n2, name2 ? name2 : "", label ? "_" : "", label ? label : "");
}

char *pgname_addition(Arena *a, const char *const *names, int n)
{
	char buf[PGC_NAMEDATALEN * 2];
	size_t len = 0;
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *name = names[i] ? names[i] : "expr";
		if (len > 0)
			buf[len++] = '_';
		/* strlcpy(buf + len, name, NAMEDATALEN) */
		size_t k = strlen(name);
		if (k > MAXNAME)
			k = MAXNAME;
		memcpy(buf + len, name, k);
		len += k;
		buf[len] = '\0';
		if (len >= PGC_NAMEDATALEN)
			break;
	}
	return arena_strdup(a, buf);
}

const char *pgname_choose_constraint(Model *m, const char *schema, const char *name1,
                                     const char *name2, const char *label)
{
	char modlabel[PGC_NAMEDATALEN];
	snprintf(modlabel, sizeof(modlabel), "%s", label);
	for (int pass = 1;; pass++) {
		char *name = pgname_make(m->arena, name1, name2, modlabel);
		if (!model_conname_taken(m, schema, name))
			return name;
		snprintf(modlabel, sizeof(modlabel), "%s%d", label, pass);
	}
}

static bool relname_taken(const Model *m, const char *schema, const char *name)
{
	char buf[2 * PGC_NAMEDATALEN + 256];
	int k = snprintf(buf, sizeof(buf), "%s\x1f%s", schema, name);
	return k > 0 && (size_t)k < sizeof(buf) && hm_get(m->relname, buf) != NULL;
}

const char *pgname_choose_relation(Model *m, const char *schema, const char *name1,
                                   const char *name2, const char *label, bool isconstraint)
{
	char modlabel[PGC_NAMEDATALEN];
	snprintf(modlabel, sizeof(modlabel), "%s", label);
	for (int pass = 1;; pass++) {
		char *name = pgname_make(m->arena, name1, name2, modlabel);
		if (!relname_taken(m, schema, name) &&
		    !(isconstraint && model_conname_taken(m, schema, name)))
			return name;
		snprintf(modlabel, sizeof(modlabel), "%s%d", label, pass);
	}
}
