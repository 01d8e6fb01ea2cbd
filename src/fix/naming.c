/* naming.c - migration file conventions and the next names; see naming.h. */
#include "fix/naming.h"
#include "exitcodes.h"

#include <ctype.h>
#include <string.h>

const char *naming_style_name(NamingStyle s)
{
	switch (s) {
	case NAMING_GOLANG_MIGRATE: return "golang-migrate";
	case NAMING_FLYWAY: return "flyway";
	case NAMING_DBMATE: return "dbmate";
	default: return "plain";
	}
}

typedef struct Parsed {
	bool ok;
	NamingStyle style;
	unsigned long long version;
	int width;       /* digits of the version as written */
	char sep;        /* plain: the separator after the version */
	const char *desc;/* description part (arena copy), without suffixes */
} Parsed;

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

/* Reads the digits at *p; returns how many (0 when none or too many). */
static int read_version(const char **p, unsigned long long *v)
{
	int n = 0;
	*v = 0;
	while (isdigit((unsigned char)**p)) {
		if (n >= 18)
			return 0;
		*v = *v * 10 + (unsigned long long)(**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static const char *desc_between(Arena *a, const char *start, const char *name, const char *suffix)
{
	size_t end = strlen(name) - strlen(suffix);
	size_t off = (size_t)(start - name);
	return end > off ? arena_strndup(a, start, end - off) : "";
}

static Parsed parse_name(Arena *a, const char *name, const char *text)
{
	Parsed r = {0};
	const char *p = name;
	if (!ends_with(name, ".sql"))
		return r;
	if (name[0] == 'V' && isdigit((unsigned char)name[1])) {
		p = name + 1;
		r.width = read_version(&p, &r.version);
		while (r.width && *p == '_' && isdigit((unsigned char)p[1])) {
			unsigned long long minor;
			p++;
			read_version(&p, &minor);
		}
		if (r.width && strncmp(p, "__", 2) == 0) {
			r.ok = true;
			r.style = NAMING_FLYWAY;
			r.desc = desc_between(a, p + 2, name, ".sql");
		}
		return r;
	}
	r.width = read_version(&p, &r.version);
	if (!r.width)
		return r;
	r.ok = true;
	if (*p == '_' && (ends_with(name, ".up.sql") || ends_with(name, ".down.sql"))) {
		r.style = NAMING_GOLANG_MIGRATE;
		r.desc = desc_between(a, p + 1, name, ends_with(name, ".up.sql") ? ".up.sql" : ".down.sql");
		return r;
	}
	if (text && strstr(text, "-- migrate:up")) {
		r.style = NAMING_DBMATE;
		r.sep = '_';
		r.desc = desc_between(a, *p == '_' ? p + 1 : p, name, ".sql");
		return r;
	}
	r.style = NAMING_PLAIN;
	r.sep = (*p == '_' || *p == '-' || *p == '.') ? *p : '-';
	r.desc = desc_between(a, (*p == '_' || *p == '-' || *p == '.') ? p + 1 : p, name,
	                      ends_with(name, ".down.sql") ? ".down.sql" : ".sql");
	return r;
}

static const char *join_desc(Arena *a, const char *desc, char sep, const char *extra)
{
	/* The description keeps the user's words; only our own words take the separator. */
	return extra ? arena_printf(a, "%s%c%s", desc, sep, extra) : desc;
}

static void make_names(Arena *a, NamingStyle style, unsigned long long v, int width, char sep,
                       const char *desc, FixNames *out)
{
	memset(out, 0, sizeof(*out));
	out->style = style;
	const char *vdesc = join_desc(a, desc, style == NAMING_PLAIN ? sep : '_', "validate");
	switch (style) {
	case NAMING_FLYWAY:
		out->up = arena_printf(a, "V%llu__%s.sql", v, desc);
		out->down = arena_printf(a, "U%llu__%s.sql", v, desc);
		out->validate = arena_printf(a, "V%llu__%s.sql", v + 1, vdesc);
		break;
	case NAMING_GOLANG_MIGRATE:
		out->up = arena_printf(a, "%0*llu_%s.up.sql", width, v, desc);
		out->down = arena_printf(a, "%0*llu_%s.down.sql", width, v, desc);
		out->validate = arena_printf(a, "%0*llu_%s.up.sql", width, v + 1, vdesc);
		out->validate_down = arena_printf(a, "%0*llu_%s.down.sql", width, v + 1, vdesc);
		break;
	case NAMING_DBMATE:
		out->up = arena_printf(a, "%0*llu_%s.sql", width, v, desc);
		out->validate = arena_printf(a, "%0*llu_%s.sql", width, v + 1, vdesc);
		break;
	default:
		out->up = arena_printf(a, "%0*llu%c%s.sql", width, v, sep, desc);
		out->down = arena_printf(a, "%0*llu%c%s.down.sql", width, v, sep, desc);
		out->validate = arena_printf(a, "%0*llu%c%s.sql", width, v + 1, sep, vdesc);
		break;
	}
}

static bool valid_desc(const char *s)
{
	if (!s[0])
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return strcmp(s, ".") != 0 && strcmp(s, "..") != 0;
}

int naming_next(Arena *a, const NamingFile *files, int n, const char *name_override,
                FixNames *out, Err *err)
{
	bool seen[4] = {false, false, false, false};
	unsigned long long maxv = 0;
	int width = 3;
	bool any = false;
	char sep = '-';
	bool sep_known = false;
	for (int i = 0; i < n; i++) {
		/* pgcascade's own earlier output does not move the version on: a
		 * rerun targets the same names (refused without --force). */
		if (files[i].text && strstr(files[i].text, NAMING_MARKER) &&
		    (size_t)(strstr(files[i].text, NAMING_MARKER) - files[i].text) < 256)
			continue;
		Parsed p = parse_name(a, files[i].name, files[i].text);
		if (!p.ok)
			continue;
		seen[p.style] = true;
		if (!any || p.version > maxv)
			maxv = p.version;
		if (!any || p.width > width)
			width = p.width;
		any = true;
		if (p.style == NAMING_PLAIN && !sep_known) {
			sep = p.sep;
			sep_known = true;
		}
	}
	NamingStyle style = seen[NAMING_FLYWAY] ? NAMING_FLYWAY
	                  : seen[NAMING_GOLANG_MIGRATE] ? NAMING_GOLANG_MIGRATE
	                  : seen[NAMING_DBMATE] ? NAMING_DBMATE : NAMING_PLAIN;
	if (style == NAMING_GOLANG_MIGRATE && !any)
		width = 6;
	unsigned long long v = any ? maxv + 1 : 1;
	const char *desc = style == NAMING_PLAIN ? arena_printf(a, "cascade%ccleanup", sep)
	                                         : "cascade_cleanup";
	if (name_override) {
		if (!valid_desc(name_override))
			return err_set(err, PGC_EXIT_USAGE,
			               "invalid --name \"%s\": expected a description such as cascade_cleanup "
			               "or a file name such as 060-cascade-cleanup.sql, without a directory",
			               name_override);
		if (ends_with(name_override, ".sql")) {
			Parsed p = parse_name(a, name_override, NULL);
			if (!p.ok || ends_with(name_override, ".down.sql") || !p.desc[0])
				return err_set(err, PGC_EXIT_USAGE,
				               "invalid --name \"%s\": a file name must start with a version, "
				               "e.g. 060-cascade-cleanup.sql, 000061_cascade_cleanup.up.sql or "
				               "V61__cascade_cleanup.sql", name_override);
			if (style == NAMING_DBMATE && p.style == NAMING_PLAIN && p.sep == '_')
				p.style = NAMING_DBMATE; /* same shape; keep the project's dbmate layout */
			make_names(a, p.style, p.version, p.width, p.sep ? p.sep : '-', p.desc, out);
			return 0;
		}
		desc = name_override;
	}
	make_names(a, style, v, width, sep, desc, out);
	return 0;
}
