/*
 * layout.c - one function per migration tool: which files of a
 * directory the tool runs going up, and in which order, as the tool
 * itself decides (each function cites the tool's source or docs; the
 * table is in doc/sources.md). Detection picks a layout per directory
 * unless --layout forces one, and says which and why.
 *
 * A directory argument is, in this order of checks:
 *   - a project folder (no migrations of its own, known subfolders such
 *     as migrations/, db/migrations/, prisma/migrations/,
 *     supabase/migrations/, or schema.sql + migrations/): read as the
 *     project (project_dir);
 *   - a migrations directory of one tool (detect).
 * Down, undo and rollback parts are never applied; what the tool would
 * not run is ignored, with one info line each under --verbose.
 */
#include "frontend/layout.h"
#include "exitcodes.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>


static const char *const layout_names_tab[LAYOUT_COUNT] = {
	[LAYOUT_AUTO] = "auto",
	[LAYOUT_PLAIN] = "plain",
	[LAYOUT_GOLANG_MIGRATE] = "golang-migrate",
	[LAYOUT_GOOSE] = "goose",
	[LAYOUT_DBMATE] = "dbmate",
	[LAYOUT_FLYWAY] = "flyway",
	[LAYOUT_LIQUIBASE] = "liquibase",
	[LAYOUT_SQITCH] = "sqitch",
	[LAYOUT_DIESEL] = "diesel",
	[LAYOUT_SQLX] = "sqlx",
	[LAYOUT_REFINERY] = "refinery",
	[LAYOUT_POP] = "pop",
	[LAYOUT_PRISMA] = "prisma",
	[LAYOUT_SUPABASE] = "supabase",
	[LAYOUT_ATLAS] = "atlas",
	[LAYOUT_GRAPHILE] = "graphile-migrate",
};

const char *layout_name(Layout l)
{
	return (unsigned)l < LAYOUT_COUNT ? layout_names_tab[l] : NULL;
}

const char *layout_names(void)
{
	return "auto, plain, golang-migrate, goose, dbmate, flyway, liquibase, sqitch, diesel, sqlx, "
	       "refinery, pop, prisma, supabase, atlas, graphile-migrate";
}

int layout_parse(const char *name, Layout *out, Err *err)
{
	for (int i = 0; i < LAYOUT_COUNT; i++)
		if (strcmp(name, layout_names_tab[i]) == 0) {
			*out = (Layout)i;
			return 0;
		}
	if (strcmp(name, "migrate") == 0 || strcmp(name, "sql-migrate") == 0) {
		*out = LAYOUT_GOLANG_MIGRATE;
		return 0;
	}
	if (strcmp(name, "fizz") == 0) {
		*out = LAYOUT_POP;
		return 0;
	}
	if (strcmp(name, "graphile") == 0) {
		*out = LAYOUT_GRAPHILE;
		return 0;
	}
	return err_set(err, PGC_EXIT_USAGE, "invalid --layout \"%s\": expected one of %s", name,
	               layout_names());
}

/* ---- entries and their order ------------------------------------------ */

/* One numeric version component: digits without leading zeros. */
typedef struct VerPart {
	const char *digits;
	size_t len;
} VerPart;

#define MAX_VER_PARTS 8

typedef struct Entry {
	char *rel;         /* path relative to the directory argument */
	int rank;          /* first sort key (layout-specific) */
	VerPart ver[MAX_VER_PARTS];
	int nver;          /* numeric version, compared part by part */
	bool trim_zeros;   /* Flyway: 1.0 == 1 */
	const char *skey;  /* then this string (strcmp), when set */
	long tie;          /* then this */
	bool foreign;      /* run by the tool, not SQL pgcascade can read (.go, .fizz) */
} Entry;

typedef PGC_VEC(Entry) EntryVec;

typedef struct Item {
	char *name;
	bool is_file, is_dir;
} Item;

typedef PGC_VEC(Item) ItemVec;

typedef struct Dir {
	Arena *tmp;
	const char *dir;      /* the directory (as shown) */
	const SourceOptions *o;
	ItemVec items;        /* its entries, hidden ones excluded */
	EntryVec v;           /* what the layout selected */
	Layout layout;
	const char *why;      /* detection reason (a path) */
} Dir;

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && memcmp(s + n - m, suf, m) == 0;
}

static size_t ndigits(const char *p)
{
	size_t n = 0;
	while (p[n] >= '0' && p[n] <= '9')
		n++;
	return n;
}

static void push_part(Entry *e, const char *d, size_t n)
{
	while (n > 1 && *d == '0') { /* 000001 == 1 */
		d++;
		n--;
	}
	if (e->nver < MAX_VER_PARTS)
		e->ver[e->nver++] = (VerPart){d, n};
}

static char *join_path(Arena *a, const char *dir, const char *rel)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 1 && dir[0] == '/')
		return arena_printf(a, "/%s", rel);
	return arena_printf(a, "%.*s/%s", (int)n, dir, rel);
}

static int cmp_part(const VerPart *a, const VerPart *b)
{
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	return memcmp(a->digits, b->digits, a->len);
}

static int eff_nver(const Entry *e)
{
	int n = e->nver;
	if (e->trim_zeros)
		while (n > 1 && e->ver[n - 1].len == 1 && e->ver[n - 1].digits[0] == '0')
			n--;
	return n;
}

static int cmp_entry(const void *pa, const void *pb)
{
	const Entry *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	int na = eff_nver(a), nb = eff_nver(b);
	for (int i = 0; i < na && i < nb; i++) {
		int c = cmp_part(&a->ver[i], &b->ver[i]);
		if (c)
			return c;
	}
	if (na != nb)
		return na < nb ? -1 : 1;
	if (a->skey && b->skey) {
		int c = strcmp(a->skey, b->skey);
		if (c)
			return c;
	}
	if (a->tie != b->tie)
		return a->tie < b->tie ? -1 : 1;
	return strcmp(a->rel, b->rel);
}

static Entry *add(Dir *d, const char *rel)
{
	Entry e = {0};
	e.rel = arena_strdup(d->tmp, rel);
	VEC_PUSH(d->tmp, d->v, e);
	return &d->v.items[d->v.n - 1];
}

/* The file is not run by the tool: one info line under --verbose. */
static void ignored(Dir *d, const char *rel, const char *why)
{
	if (d->o->verbose)
		log_info("%s: ignored (%s)", join_path(d->tmp, d->dir, rel), why);
}

static bool is_sql(const Item *it)
{
	return it->is_file && has_suffix(it->name, ".sql");
}

/* stat() of dir/rel: regular file? (dangling symlinks are errors) */
static int probe(const char *full, bool relevant, bool *is_file, bool *is_dir, Err *err)
{
	struct stat st;
	*is_file = *is_dir = false;
	if (stat(full, &st) != 0) {
		if (errno == ENOENT && relevant && lstat(full, &st) == 0)
			return err_set(err, PGC_EXIT_USAGE, "%s: dangling symbolic link", full);
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		return sources_stat_error(err, full, errno);
	}
	*is_file = S_ISREG(st.st_mode);
	*is_dir = S_ISDIR(st.st_mode);
	return 0;
}

static int cmp_item(const void *a, const void *b)
{
	return strcmp(((const Item *)a)->name, ((const Item *)b)->name);
}

static int list_dir(Arena *tmp, const char *dir, ItemVec *out, Err *err)
{
	DIR *dd = opendir(dir);
	if (!dd) {
		if (errno == ELOOP || errno == ENOENT)
			return sources_stat_error(err, dir, errno);
		return err_set(err, PGC_EXIT_USAGE, "%s: cannot read directory: %s", dir, err_errno(errno));
	}
	struct dirent *de;
	int ret = 0;
	while ((errno = 0, de = readdir(dd)) != NULL) {
		if (de->d_name[0] == '.')
			continue; /* ., .., hidden files and directories */
		Item it = {arena_strdup(tmp, de->d_name), false, false};
		if (probe(join_path(tmp, dir, it.name), has_suffix(it.name, ".sql"), &it.is_file, &it.is_dir, err) != 0) {
			ret = -1;
			break;
		}
		VEC_PUSH(tmp, *out, it);
	}
	if (ret == 0 && errno != 0)
		ret = err_set(err, PGC_EXIT_USAGE, "%s: cannot read directory: %s", dir, err_errno(errno));
	closedir(dd);
	if (out->n > 1)
		qsort(out->items, out->n, sizeof(Item), cmp_item); /* examples in messages: the first by name */
	return ret;
}

static bool exists_file(Dir *d, const char *rel, Err *err, int *rc)
{
	bool f, dd;
	if (probe(join_path(d->tmp, d->dir, rel), true, &f, &dd, err) != 0)
		*rc = -1;
	return f;
}

static const Item *find_item(const Dir *d, const char *name)
{
	for (size_t i = 0; i < d->items.n; i++)
		if (strcmp(d->items.items[i].name, name) == 0)
			return &d->items.items[i];
	return NULL;
}

/* The first bytes of dir/rel (for detection), NUL-terminated; "" when unreadable. */
static char *head(Dir *d, const char *rel, size_t max)
{
	char *buf = arena_alloc(d->tmp, max + 1);
	buf[0] = '\0';
	int fd = open(join_path(d->tmp, d->dir, rel), O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return buf;
	ssize_t n = read(fd, buf, max);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

/* A line of text (any line) that starts, after blanks, with "--", blanks, then word. */
static bool has_comment_line(const char *t, const char *word, bool icase)
{
	size_t n = strlen(word);
	for (const char *p = t; p && *p;) {
		const char *q = p;
		while (*q == ' ' || *q == '\t')
			q++;
		if (q[0] == '-' && q[1] == '-') {
			q += 2;
			while (*q == ' ' || *q == '\t')
				q++;
			if ((icase ? strncasecmp(q, word, n) : strncmp(q, word, n)) == 0)
				return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

/* ---- plain numbered files (pgcascade's own rule) ----------------------- */

/*
 * Reads the version from a file or subdirectory name:
 *   Flyway V1__x, V1_1__x, V1.1__x  -> [1], [1,1], [1,1]
 *   leading digit runs joined by one '-', '_' or '.'
 *                                   -> [2], [20240101120000], [1], [2024,1,1,0]
 *   Flyway repeatable R__x          -> rank 2 (after every versioned file)
 *   anything else                   -> rank 0 (before every versioned file)
 */
static void plain_version(const char *name, Entry *e)
{
	size_t n;
	e->nver = 0;
	e->rank = 0;
	if ((name[0] == 'V' || name[0] == 'v') && name[1] >= '0' && name[1] <= '9') {
		const char *p = name + 1;
		for (;;) {
			n = ndigits(p);
			if (n == 0)
				break;
			push_part(e, p, n);
			p += n;
			if ((*p == '_' || *p == '.') && p[1] >= '0' && p[1] <= '9')
				p++;
			else
				break;
		}
		if (strncmp(p, "__", 2) == 0) {
			e->rank = 1;
			return;
		}
		e->nver = 0; /* "V2x.sql" is not Flyway: fall through */
	}
	if (strncmp(name, "R__", 3) == 0) {
		e->rank = 2;
		return;
	}
	const char *p = name;
	for (;;) {
		n = ndigits(p);
		if (n == 0)
			break;
		push_part(e, p, n);
		e->rank = 1;
		p += n;
		if ((*p == '-' || *p == '_' || *p == '.') && p[1] >= '0' && p[1] <= '9')
			p++;
		else
			break;
	}
}

/* Down migrations found in a directory are never applied. */
static bool is_down(const char *base)
{
	if (strcmp(base, "down.sql") == 0 || has_suffix(base, ".down.sql"))
		return true;
	/* Flyway undo: U<version>__<description>.sql */
	return base[0] == 'U' && base[1] >= '0' && base[1] <= '9' && strstr(base, "__") != NULL;
}

/*
 * plain: pgcascade's rule for a directory of numbered files when no
 * tool is recognised (doc/sources.md "plain"): *.sql, and Prisma's
 * <sub>/migration.sql and diesel's <sub>/up.sql, down migrations
 * excluded, ordered by the numeric version in the name.
 */
static int sel_plain(Dir *d, Err *err)
{
	int rc = 0;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (is_sql(it)) {
			if (is_down(it->name)) {
				ignored(d, it->name, "down migration");
				continue;
			}
			plain_version(it->name, add(d, it->name));
		} else if (it->is_dir) {
			static const char *const nested[] = {"migration.sql", "up.sql"};
			for (size_t k = 0; k < 2; k++) {
				char *rel = arena_printf(d->tmp, "%s/%s", it->name, nested[k]);
				if (exists_file(d, rel, err, &rc))
					plain_version(it->name, add(d, rel));
				if (rc)
					return rc;
			}
		} else if (it->is_file) {
			ignored(d, it->name, "not a .sql file");
		}
	}
	return 0;
}

/* ---- golang-migrate ---------------------------------------------------- */

/*
 * golang-migrate (github.com/golang-migrate/migrate/v4, source/parse.go):
 * a file is a migration iff it matches ^([0-9]+)_(.*)\.(down|up)\.(.*)$;
 * the version is ParseUint(m[1]); source/migration.go buildIndex sorts
 * the versions ascending (unsigned integers). Going up, the .up. file of
 * each version runs. Anything else is not a migration.
 */
static bool gm_match(const char *name, size_t *nd, bool *up)
{
	*nd = ndigits(name);
	if (*nd == 0 || name[*nd] != '_')
		return false;
	/* the greedy (.*) makes the LAST ".up." / ".down." the direction */
	const char *best = NULL;
	bool bup = false;
	for (const char *p = name + *nd + 1; *p; p++) {
		if (strncmp(p, ".up.", 4) == 0) {
			best = p;
			bup = true;
		} else if (strncmp(p, ".down.", 6) == 0) {
			best = p;
			bup = false;
		}
	}
	if (!best)
		return false;
	*up = bup;
	return true;
}

static int sel_golang_migrate(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		size_t nd;
		bool up;
		if (!it->is_file)
			continue;
		if (!gm_match(it->name, &nd, &up)) {
			ignored(d, it->name, "golang-migrate runs only N_name.up.* files");
			continue;
		}
		if (!up) {
			ignored(d, it->name, "down migration");
			continue;
		}
		Entry *e = add(d, it->name);
		push_part(e, it->name, nd);
	}
	return 0;
}

/* ---- goose -------------------------------------------------------------- */

/*
 * goose (github.com/pressly/goose/v3, migration.go NumericComponent,
 * migrate.go collectMigrationsFS / sortAndConnectMigrations): *.sql and
 * Go migrations (*.go, not *_test.go); the version is the part before
 * the first '_', ParseInt, >= 1; sorted by version. Inside a file only
 * the "-- +goose Up" section runs (sources.c goose_blank).
 */
static int sel_goose(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_file)
			continue;
		bool go = has_suffix(it->name, ".go");
		if (!has_suffix(it->name, ".sql") && !go) {
			ignored(d, it->name, "goose runs only .sql and .go migrations");
			continue;
		}
		if (go && has_suffix(it->name, "_test.go"))
			continue;
		size_t nd = ndigits(it->name);
		bool zero = true;
		for (size_t k = 0; k < nd; k++)
			if (it->name[k] != '0')
				zero = false;
		if (nd == 0 || it->name[nd] != '_' || zero) {
			if (!go)
				log_warning("%s: goose cannot read a version from this name (<version>_<name>.sql, version >= 1); not applied",
				            join_path(d->tmp, d->dir, it->name));
			continue;
		}
		Entry *e = add(d, it->name);
		push_part(e, it->name, nd);
		e->foreign = go;
	}
	return 0;
}

/* ---- dbmate -------------------------------------------------------------- */

/*
 * dbmate (github.com/amacneil/dbmate, pkg/dbmate/db.go FindMigrations):
 * files matching ^(\d+).*\.sql$ in the migrations directory, in file
 * name order (the order of the directory listing, which Go sorts by
 * name); the version is the leading digits. Only the "-- migrate:up"
 * section runs (sources.c dbmate_blank).
 */
static int sel_dbmate(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_file)
			continue;
		if (ndigits(it->name) == 0 || !has_suffix(it->name, ".sql")) {
			ignored(d, it->name, "dbmate runs only <digits>*.sql files");
			continue;
		}
		add(d, it->name)->skey = it->name;
	}
	return 0;
}

/* ---- Flyway -------------------------------------------------------------- */

/* Flyway's version: digit groups separated by '.' or '_', then "__". */
static bool flyway_version(const char *p, Entry *e, const char **rest)
{
	for (;;) {
		size_t n = ndigits(p);
		if (n == 0)
			return false;
		push_part(e, p, n);
		p += n;
		if ((*p == '_' || *p == '.') && p[1] >= '0' && p[1] <= '9')
			p++;
		else
			break;
	}
	if (strncmp(p, "__", 2) != 0)
		return false;
	*rest = p + 2;
	return true;
}

static const char *base_name(const char *rel)
{
	const char *s = strrchr(rel, '/');
	return s ? s + 1 : rel;
}

/* Files under d->dir/rel (recursively, hidden ones excluded), as rel paths. */
static int walk(Dir *d, const char *rel, int depth, ItemVec *out, Err *err)
{
	ItemVec sub = {0};
	const char *full = rel ? join_path(d->tmp, d->dir, rel) : d->dir;
	if (rel) {
		if (list_dir(d->tmp, full, &sub, err) != 0)
			return -1;
	} else {
		sub = d->items;
	}
	for (size_t i = 0; i < sub.n; i++) {
		Item it = sub.items[i];
		char *r = rel ? arena_printf(d->tmp, "%s/%s", rel, it.name) : it.name;
		if (it.is_dir && depth < 16) {
			if (walk(d, r, depth + 1, out, err) != 0)
				return -1;
		} else if (it.is_file) {
			it.name = r;
			VEC_PUSH(d->tmp, *out, it);
		}
	}
	return 0;
}

/*
 * Flyway (documentation, "Migrations" / "Naming"; core
 * MigrationInfoServiceImpl): the location is scanned recursively;
 * V<version>__<desc>.sql are versioned migrations, applied in the order
 * of their version, compared numerically part by part ('.' or '_'
 * separate parts, 1.0 == 1); R__<desc>.sql are repeatable, applied after
 * every versioned one, ordered by description; U<version>__ undo
 * migrations are never applied by migrate; B<version>__ baseline
 * migrations only stand in for a history on an empty database (not
 * applied here). Anything else is not a migration.
 */
static int sel_flyway(Dir *d, Err *err)
{
	ItemVec files = {0};
	if (walk(d, NULL, 0, &files, err) != 0)
		return -1;
	for (size_t i = 0; i < files.n; i++) {
		const char *rel = files.items[i].name, *b = base_name(rel), *rest;
		if (!has_suffix(b, ".sql")) {
			ignored(d, rel, "Flyway runs only .sql migrations here");
			continue;
		}
		Entry tmp = {0};
		if (b[0] == 'V' && flyway_version(b + 1, &tmp, &rest)) {
			Entry *e = add(d, rel);
			*e = tmp;
			e->rel = arena_strdup(d->tmp, rel);
			e->rank = 1;
			e->trim_zeros = true;
		} else if (strncmp(b, "R__", 3) == 0) {
			Entry *e = add(d, rel);
			e->rank = 2;
			e->skey = b + 3;
		} else if (b[0] == 'U' && flyway_version(b + 1, &tmp, &rest)) {
			ignored(d, rel, "Flyway undo migration");
		} else if (b[0] == 'B' && flyway_version(b + 1, &tmp, &rest)) {
			ignored(d, rel, "Flyway baseline migration");
		} else {
			ignored(d, rel, "not a Flyway V__/R__ migration name");
		}
	}
	return 0;
}

/* ---- refinery -------------------------------------------------------------- */

/*
 * refinery (github.com/rust-db/refinery, refinery_core/src/runner.rs
 * file_match_re ^([U|V])(\d+(?:\.\d+)?)__(\w+), util.rs
 * find_migration_files walks the directory recursively, .sql files):
 * V versioned and U unversioned migrations are both applied, in the
 * order of their integer version.
 */
static int sel_refinery(Dir *d, Err *err)
{
	ItemVec files = {0};
	if (walk(d, NULL, 0, &files, err) != 0)
		return -1;
	for (size_t i = 0; i < files.n; i++) {
		const char *rel = files.items[i].name, *b = base_name(rel);
		size_t nd = ndigits(b + 1);
		if ((b[0] != 'V' && b[0] != 'U') || nd == 0 || strncmp(b + 1 + nd, "__", 2) != 0 ||
		    !has_suffix(b, ".sql")) {
			ignored(d, rel, "not a refinery V<n>__/U<n>__ .sql migration");
			continue;
		}
		push_part(add(d, rel), b + 1, nd);
	}
	return 0;
}

/* ---- sqlx -------------------------------------------------------------- */

/*
 * sqlx (github.com/launchbadge/sqlx, sqlx-core/src/migrate/source.rs
 * resolve_blocking): files named <VERSION>_<DESCRIPTION>.sql, version an
 * i64; <...>.down.sql is the reversible down part (not run going up);
 * sorted by version. Other files are skipped.
 */
static int sel_sqlx(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_file)
			continue;
		const char *us = strchr(it->name, '_');
		if (!us || !has_suffix(us + 1, ".sql")) {
			ignored(d, it->name, "sqlx runs only <VERSION>_<DESCRIPTION>.sql files");
			continue;
		}
		size_t nd = ndigits(it->name);
		if (nd == 0 || it->name + nd != us) {
			log_warning("%s: sqlx cannot read a version from this name; not applied",
			            join_path(d->tmp, d->dir, it->name));
			continue;
		}
		if (has_suffix(it->name, ".down.sql")) {
			ignored(d, it->name, "down migration");
			continue;
		}
		push_part(add(d, it->name), it->name, nd);
	}
	return 0;
}

/* ---- diesel -------------------------------------------------------------- */

/*
 * diesel (github.com/diesel-rs/diesel, diesel_migrations
 * file_based_migrations.rs): every subdirectory of the migrations
 * directory that holds an up.sql is a migration; its version is the
 * directory name up to the first '_', with the '-' removed
 * (version_from_string), and migrations run in the order of that
 * version as a string. Files at the top level are never run.
 */
static int sel_diesel(Dir *d, Err *err)
{
	int rc = 0;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_dir) {
			if (it->is_file)
				ignored(d, it->name, "diesel runs only <dir>/up.sql");
			continue;
		}
		char *rel = arena_printf(d->tmp, "%s/up.sql", it->name);
		if (!exists_file(d, rel, err, &rc)) {
			if (rc)
				return rc;
			ignored(d, it->name, "no up.sql in this directory");
			continue;
		}
		size_t n = strcspn(it->name, "_");
		char *key = arena_alloc(d->tmp, n + 1), *k = key;
		for (size_t j = 0; j < n; j++)
			if (it->name[j] != '-')
				*k++ = it->name[j];
		*k = '\0';
		Entry *e = add(d, rel);
		e->skey = key;
	}
	return 0;
}

/* ---- Prisma -------------------------------------------------------------- */

/*
 * Prisma Migrate (prisma-engines, migration-connector
 * migrations_directory.rs list_migrations): each subdirectory holding a
 * migration.sql is a migration, in the order of the directory names
 * (sorted as strings); migration_lock.toml and other files are not
 * migrations.
 */
static int sel_prisma(Dir *d, Err *err)
{
	int rc = 0;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_dir) {
			if (it->is_file && strcmp(it->name, "migration_lock.toml") != 0)
				ignored(d, it->name, "Prisma runs only <dir>/migration.sql");
			continue;
		}
		char *rel = arena_printf(d->tmp, "%s/migration.sql", it->name);
		if (!exists_file(d, rel, err, &rc)) {
			if (rc)
				return rc;
			ignored(d, it->name, "no migration.sql in this directory");
			continue;
		}
		add(d, rel)->skey = it->name;
	}
	return 0;
}

/* ---- Supabase CLI ---------------------------------------------------------- */

/*
 * Supabase CLI (github.com/supabase/cli, pkg/migration/list.go
 * ListLocalMigrations, file.go migrateFilePattern ^([0-9]+)_(.*)\.sql$):
 * the matching files of supabase/migrations in file name order;
 * directories and other files are skipped; a first
 * <14 digits>_init.sql older than 20211209000000 is skipped.
 */
static int sel_supabase(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!it->is_file)
			continue;
		size_t nd = ndigits(it->name);
		if (nd == 0 || it->name[nd] != '_' || !has_suffix(it->name, ".sql")) {
			ignored(d, it->name, "Supabase runs only <timestamp>_<name>.sql");
			continue;
		}
		if (nd == 14 && strcmp(it->name + nd, "_init.sql") == 0 &&
		    strncmp(it->name, "20211209000000", 14) < 0) {
			ignored(d, it->name, "Supabase skips an initial _init.sql older than 20211209000000");
			continue;
		}
		add(d, it->name)->skey = it->name;
	}
	return 0;
}

/* ---- Liquibase formatted SQL ---------------------------------------------- */

/*
 * Liquibase formatted SQL (docs.liquibase.com, "Example Changelogs: SQL
 * Format"; includeAll "includes all files in alphabetical order"): a
 * directory of changelogs is read in file name order. Inside a file,
 * "--rollback" lines are comments, never run; a changeset whose dbms:
 * attribute excludes postgresql is blanked (liquibase_blank).
 */
static int sel_liquibase(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!is_sql(it)) {
			if (it->is_file)
				ignored(d, it->name, "not a .sql changelog");
			continue;
		}
		add(d, it->name)->skey = it->name;
	}
	return 0;
}

/* ---- sqitch -------------------------------------------------------------- */

static char *read_small(Dir *d, const char *rel, Err *err)
{
	const char *full = join_path(d->tmp, d->dir, rel);
	FILE *f = fopen(full, "r");
	if (!f) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot open: %s", full, err_errno(errno));
		return NULL;
	}
	StrBuf sb = STRBUF_INIT;
	char buf[4096];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&sb, buf, n);
	fclose(f);
	char *r = arena_strdup(d->tmp, sb.buf);
	sb_release(&sb);
	return r;
}

/*
 * sqitch (sqitch.plan(5), App::Sqitch::Plan): the plan lists changes in
 * deploy order, one per line: "name [deps] timestamp planner <email> #
 * note"; "@tag" lines tag the change before them; "%pragma", blank and
 * "#" lines are not changes. Each change deploys deploy/<name>.sql. A
 * change that is reworked appears again later in the plan: its earlier
 * occurrences deploy deploy/<name>@<tag>.sql, tag = the first tag after
 * that occurrence (sqitch-rework(1)). revert/ and verify/ are never run.
 */
static int sel_sqitch(Dir *d, Err *err)
{
	char *plan = read_small(d, "sqitch.plan", err);
	if (!plan)
		return -1;
	typedef struct Line {
		char *name;
		const char *tag; /* first tag after it */
	} Line;
	PGC_VEC(Line) lines = {0};
	for (char *p = plan; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '@') {
			size_t n = strcspn(p + 1, " \t\r");
			char *tag = arena_printf(d->tmp, "%.*s", (int)n, p + 1);
			for (size_t i = lines.n; i-- > 0 && !lines.items[i].tag;)
				lines.items[i].tag = tag;
		} else if (*p && *p != '#' && *p != '%' && *p != '\r') {
			size_t n = strcspn(p, " \t\r");
			Line l = {arena_printf(d->tmp, "%.*s", (int)n, p), NULL};
			VEC_PUSH(d->tmp, lines, l);
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	for (size_t i = 0; i < lines.n; i++) {
		bool later = false;
		for (size_t j = i + 1; j < lines.n; j++)
			if (strcmp(lines.items[j].name, lines.items[i].name) == 0)
				later = true;
		char *rel = later && lines.items[i].tag
		                    ? arena_printf(d->tmp, "deploy/%s@%s.sql", lines.items[i].name, lines.items[i].tag)
		                    : arena_printf(d->tmp, "deploy/%s.sql", lines.items[i].name);
		Entry *e = add(d, rel);
		e->tie = (long)i;
	}
	return 0;
}

/* ---- Atlas -------------------------------------------------------------- */

/*
 * Atlas (ariga.io/atlas, sql/migrate/dir.go: LocalDir.Files sorts the
 * *.sql files by version, i.e. by name; HashFile / atlas.sum records
 * them in that order and "atlas migrate apply" refuses a directory whose
 * files do not match atlas.sum). The files listed in atlas.sum, in its
 * order.
 */
static int sel_atlas(Dir *d, Err *err)
{
	char *sum = read_small(d, "atlas.sum", err);
	if (!sum)
		return -1;
	long idx = 0;
	bool first = true;
	for (char *p = sum; *p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (first)
			first = false; /* h1:<sum of the directory> */
		else if (*p) {
			char *sp = strrchr(p, ' ');
			if (sp) {
				*sp = '\0';
				if (has_suffix(p, ".sql"))
					add(d, p)->tie = idx++;
			}
		}
		p = nl ? nl + 1 : p + strlen(p);
	}
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (!is_sql(it))
			continue;
		bool listed = false;
		for (size_t k = 0; k < d->v.n; k++)
			if (strcmp(d->v.items[k].rel, it->name) == 0)
				listed = true;
		if (!listed)
			log_warning("%s: not in atlas.sum (atlas refuses to apply the directory until `atlas migrate hash`); not applied",
			            join_path(d->tmp, d->dir, it->name));
	}
	return 0;
}

/* ---- graphile-migrate ---------------------------------------------------- */

/*
 * graphile-migrate (github.com/graphile/migrate, src/current.ts /
 * migration.ts getAllMigrations): `graphile-migrate migrate` applies the
 * committed migrations migrations/committed/NNNNNN[-name].sql in the
 * order of their number; current.sql (or current/) is only run by
 * `watch`, never by migrate. d->dir is the committed directory.
 */
static int sel_graphile_committed(Dir *d, Err *err)
{
	(void)err;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		size_t nd = ndigits(it->name);
		if (!it->is_file || nd == 0 || !has_suffix(it->name, ".sql") ||
		    (it->name[nd] != '-' && it->name[nd] != '.')) {
			ignored(d, it->name, "not a committed NNNNNN[-name].sql migration");
			continue;
		}
		push_part(add(d, it->name), it->name, nd);
	}
	return 0;
}

/* ---- pop / fizz ---------------------------------------------------------- */

/*
 * pop (github.com/gobuffalo/pop/v6, migrator.go mrx
 * ^(\d+)_([^.]+)(\.[a-z0-9]+)?\.(up|down)\.(sql|fizz)$; ory/x popx adds
 * an optional .autocommit before .up): group 3 is the dialect, absent =
 * every dialect. migrationIsCompatible keeps a file iff it is for every
 * dialect or for the connection's; migration_info.go UpMigrations.Less
 * compares the versions as strings and, on equal versions, puts the
 * dialect-specific file first. Each .sql file is a Go text/template
 * (migration_content.go), rendered by pop_render.
 */
static const char *pop_canon(const char *d, size_t n)
{
#define IS(s) (n == strlen(s) && memcmp(d, s, n) == 0)
	if (IS("postgres") || IS("postgresql") || IS("pg"))
		return "postgres";
	if (IS("cockroach") || IS("cockroachdb") || IS("crdb"))
		return "cockroach";
	if (IS("mysql") || IS("mariadb"))
		return "mysql";
	if (IS("sqlite3") || IS("sqlite"))
		return "sqlite3";
#undef IS
	return NULL;
}

typedef struct PopName {
	size_t nd;          /* version digits */
	const char *dialect; /* canonical, or NULL = all */
	const char *raw;    /* dialect as written */
	size_t rawlen;
	bool up, fizz, autocommit;
} PopName;

static bool pop_match(const char *name, PopName *pn)
{
	memset(pn, 0, sizeof(*pn));
	pn->nd = ndigits(name);
	if (pn->nd == 0 || name[pn->nd] != '_')
		return false;
	const char *p = name + pn->nd + 1;
	size_t nlen = strcspn(p, ".");
	if (nlen == 0)
		return false;
	p += nlen;
	/* the rest: (.dialect)?(.autocommit)?.(up|down).(sql|fizz) */
	const char *parts[5];
	size_t lens[5];
	int np = 0;
	while (*p == '.' && np < 5) {
		p++;
		size_t n = strcspn(p, ".");
		parts[np] = p;
		lens[np++] = n;
		p += n;
	}
	if (*p || np < 2 || np > 4)
		return false;
	const char *ext = parts[np - 1], *dir = parts[np - 2];
	size_t el = lens[np - 1], dl = lens[np - 2];
	if (el == 3 && memcmp(ext, "sql", 3) == 0)
		pn->fizz = false;
	else if (el == 4 && memcmp(ext, "fizz", 4) == 0)
		pn->fizz = true;
	else
		return false;
	if (dl == 2 && memcmp(dir, "up", 2) == 0)
		pn->up = true;
	else if (!(dl == 4 && memcmp(dir, "down", 4) == 0))
		return false;
	int k = 0;
	if (np - 2 > k && !(lens[k] == 10 && memcmp(parts[k], "autocommit", 10) == 0)) {
		for (size_t j = 0; j < lens[k]; j++)
			if (!((parts[k][j] >= 'a' && parts[k][j] <= 'z') || (parts[k][j] >= '0' && parts[k][j] <= '9')))
				return false;
		pn->raw = parts[k];
		pn->rawlen = lens[k];
		pn->dialect = pop_canon(parts[k], lens[k]);
		if (!pn->dialect)
			pn->dialect = "?";
		k++;
	}
	if (np - 2 > k) {
		if (!(lens[k] == 10 && memcmp(parts[k], "autocommit", 10) == 0))
			return false;
		pn->autocommit = true;
		k++;
	}
	return k == np - 2;
}

static int sel_pop(Dir *d, Err *err)
{
	const char *want = d->o->dialect == DIALECT_COCKROACH ? "cockroach" : "postgres";
	StrBuf seen = STRBUF_INIT;
	size_t nspecific = 0, nall = 0;
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		PopName pn;
		if (!it->is_file)
			continue;
		if (!pop_match(it->name, &pn)) {
			ignored(d, it->name, "not a pop migration name (<version>_<name>[.<dialect>].(up|down).(sql|fizz))");
			continue;
		}
		if (pn.dialect) {
			char *w = arena_printf(d->tmp, " %.*s,", (int)pn.rawlen, pn.raw);
			if (!strstr(seen.buf, w))
				sb_adds(&seen, w);
		}
		if (!pn.up) {
			ignored(d, it->name, "down migration");
			continue;
		}
		if (pn.dialect && strcmp(pn.dialect, want) != 0) {
			ignored(d, it->name, arena_printf(d->tmp, "for the %.*s dialect, not %s", (int)pn.rawlen, pn.raw, want));
			continue;
		}
		if (pn.dialect)
			nspecific++;
		else
			nall++;
		Entry *e = add(d, it->name);
		e->skey = arena_printf(d->tmp, "%.*s", (int)pn.nd, it->name);
		e->tie = pn.dialect ? 0 : 1;
		e->foreign = pn.fizz;
	}
	int rc = 0;
	if (nspecific + nall == 0 && seen.len) {
		rc = err_set(err, PGC_EXIT_USAGE,
		             "%s: no pop migration for the %s dialect and none without a dialect suffix; "
		             "this folder has files for:%.*s (pgcascade reads postgres and cockroach: choose with --dialect)",
		             d->dir, want, (int)(seen.len - 1), seen.buf);
	}
	sb_release(&seen);
	return rc;
}

/*
 * Renders pop's Go templates (text/template, executed with the
 * connection details as data): {{ index .Options "NAME" }} and
 * {{ .Options.NAME }} take --set NAME=VALUE (pop has no default for
 * options: index of a missing key gives "", .Options.NAME gives
 * "<no value>", as Go's text/template does); {{ .Dialect }} is the
 * dialect. "{{-" and "-}}" trim the blanks next to them. Anything else
 * is left as it is, with a warning. The text changes length, so a
 * column after a template on the same line is the rendered one.
 */
void pop_render(Arena *a, Source *s, const SourceOptions *o)
{
	if (!strstr(s->text, "{{"))
		return;
	StrBuf out = STRBUF_INIT;
	const char *p = s->text;
	int line = 1;
	const char *ls = p;
	for (;;) {
		const char *q = strstr(p, "{{");
		if (!q) {
			sb_adds(&out, p);
			break;
		}
		for (const char *c = p; c < q; c++)
			if (*c == '\n') {
				line++;
				ls = c + 1;
			}
		const char *e = strstr(q + 2, "}}");
		if (!e) {
			sb_adds(&out, p);
			break;
		}
		bool ltrim = q[2] == '-', rtrim = e > q + 2 && e[-1] == '-';
		size_t keep = (size_t)(q - p);
		if (ltrim)
			while (keep > 0 && strchr(" \t\r\n", p[keep - 1]))
				keep--;
		sb_add(&out, p, keep);
		const char *b = q + 2 + (ltrim ? 1 : 0), *bend = e - (rtrim ? 1 : 0);
		while (b < bend && strchr(" \t", *b))
			b++;
		while (bend > b && strchr(" \t", bend[-1]))
			bend--;
		char *act = arena_printf(a, "%.*s", (int)(bend - b), b);
		const char *val = NULL, *key = NULL;
		bool index_form = false;
		char name[256];
		if (sscanf(act, "index .Options \"%255[^\"]\"", name) == 1 ||
		    sscanf(act, "index .Options `%255[^`]`", name) == 1) {
			key = name;
			index_form = true;
		} else if (strncmp(act, ".Options.", 9) == 0 && act[9]) {
			key = act + 9;
		} else if (strcmp(act, ".Dialect") == 0) {
			val = o->dialect == DIALECT_COCKROACH ? "cockroach" : "postgres";
		}
		if (key) {
			size_t kl = strlen(key);
			for (int i = 0; i < o->nsets; i++)
				if (strncmp(o->sets[i], key, kl) == 0 && o->sets[i][kl] == '=')
					val = o->sets[i] + kl + 1;
			if (!val) {
				log_warning("%s:%d:%d: template option \"%s\" is not set: pop renders it as %s; give its value with --set %s=VALUE",
				            s->path, line, (int)(q - ls) + 1, key, index_form ? "\"\"" : "\"<no value>\"", key);
				val = index_form ? "" : "<no value>";
			}
			sb_adds(&out, val);
		} else if (val) {
			sb_adds(&out, val);
		} else {
			log_warning("%s:%d:%d: template action {{ %s }} is not one pgcascade renders (index .Options \"NAME\", .Options.NAME, .Dialect); left as written",
			            s->path, line, (int)(q - ls) + 1, act);
			sb_add(&out, q, (size_t)(e + 2 - q));
		}
		p = e + 2;
		if (rtrim)
			while (*p && strchr(" \t\r\n", *p)) {
				if (*p == '\n') {
					line++;
					ls = p + 1;
				}
				p++;
			}
	}
	s->text = arena_alloc(a, out.len + 1);
	memcpy(s->text, out.buf, out.len + 1);
	s->len = out.len;
	sb_release(&out);
}

/* ---- detection ----------------------------------------------------------- */

typedef struct Signals {
	const char *ex[LAYOUT_COUNT]; /* an example file per layout seen */
	size_t nsql, nflyway, nupdown;
	const char *simple;           /* a <digits>_<name>.sql that is not .up./.down. */
} Signals;

/* Does DIR/../Cargo.toml (the Rust crate that owns the migrations) name crate? */
static bool cargo_uses(Dir *d, const char *crate)
{
	char *h = head(d, "../Cargo.toml", 65536);
	char *q = arena_printf(d->tmp, "\n%s", crate);
	return strstr(h, q) != NULL;
}

static bool path_ends(const char *dir, const char *tail)
{
	size_t n = strlen(dir), m = strlen(tail);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	return n >= m && memcmp(dir + n - m, tail, m) == 0 && (n == m || dir[n - m - 1] == '/');
}

static int detect(Dir *d, Err *err)
{
	int rc = 0;
	Signals s = {0};
	const Item *it;
	if ((it = find_item(d, "sqitch.plan")) && it->is_file) {
		d->layout = LAYOUT_SQITCH;
		d->why = "sqitch.plan";
		return 0;
	}
	if ((it = find_item(d, "atlas.sum")) && it->is_file) {
		d->layout = LAYOUT_ATLAS;
		d->why = "atlas.sum";
		return 0;
	}
	for (size_t i = 0; i < d->items.n; i++) {
		it = &d->items.items[i];
		if (it->is_dir) {
			char *up = arena_printf(d->tmp, "%s/up.sql", it->name);
			char *mig = arena_printf(d->tmp, "%s/migration.sql", it->name);
			if (!s.ex[LAYOUT_DIESEL] && exists_file(d, up, err, &rc))
				s.ex[LAYOUT_DIESEL] = up;
			if (!s.ex[LAYOUT_PRISMA] && exists_file(d, mig, err, &rc))
				s.ex[LAYOUT_PRISMA] = mig;
			if (rc)
				return rc;
			continue;
		}
		if (!it->is_file)
			continue;
		PopName pn;
		if (pop_match(it->name, &pn) && (pn.dialect || pn.fizz || pn.autocommit) && !s.ex[LAYOUT_POP])
			s.ex[LAYOUT_POP] = it->name;
		if (!has_suffix(it->name, ".sql"))
			continue;
		s.nsql++;
		size_t nd;
		bool up;
		if (gm_match(it->name, &nd, &up)) {
			s.nupdown++;
			if (!s.ex[LAYOUT_GOLANG_MIGRATE] && up)
				s.ex[LAYOUT_GOLANG_MIGRATE] = it->name;
		} else if ((nd = ndigits(it->name)) > 0 && it->name[nd] == '_' && !s.simple) {
			s.simple = it->name;
		}
		Entry tmp = {0};
		const char *rest;
		if (((it->name[0] == 'V' || it->name[0] == 'U') && flyway_version(it->name + 1, &tmp, &rest)) ||
		    strncmp(it->name, "R__", 3) == 0) {
			s.nflyway++;
			if (!s.ex[LAYOUT_FLYWAY])
				s.ex[LAYOUT_FLYWAY] = it->name;
		}
		char *h = head(d, it->name, 4096);
		if (!s.ex[LAYOUT_GOOSE] && has_comment_line(h, "+goose up", true))
			s.ex[LAYOUT_GOOSE] = it->name;
		if (!s.ex[LAYOUT_DBMATE] && has_comment_line(h, "migrate:up", false))
			s.ex[LAYOUT_DBMATE] = it->name;
		if (!s.ex[LAYOUT_LIQUIBASE] && has_comment_line(h, "liquibase formatted sql", true))
			s.ex[LAYOUT_LIQUIBASE] = it->name;
		if (!s.ex[LAYOUT_GRAPHILE] && has_comment_line(h, "! Previous:", false))
			s.ex[LAYOUT_GRAPHILE] = it->name;
		if (!s.ex[LAYOUT_POP] && strstr(h, "{{") && strstr(h, ".Options"))
			s.ex[LAYOUT_POP] = it->name;
	}
	/* name conventions count only when most SQL files follow them (a
	 * plain directory may hold one V3__ file among numbered ones) */
	if (s.nflyway * 2 < s.nsql)
		s.ex[LAYOUT_FLYWAY] = NULL;
	if (s.nupdown * 2 < s.nsql)
		s.ex[LAYOUT_GOLANG_MIGRATE] = NULL;
	if (s.ex[LAYOUT_POP])
		s.ex[LAYOUT_GOLANG_MIGRATE] = NULL; /* pop's names are golang-migrate's plus a dialect */
	if (s.ex[LAYOUT_FLYWAY] && s.ex[LAYOUT_GOLANG_MIGRATE])
		s.ex[LAYOUT_GOLANG_MIGRATE] = NULL;
	/* sqlx: reversible .up/.down files beside simple ones (golang-migrate
	 * would never run the simple ones), or a crate that uses sqlx */
	if (s.ex[LAYOUT_GOLANG_MIGRATE] && (s.simple || cargo_uses(d, "sqlx"))) {
		s.ex[LAYOUT_SQLX] = s.simple ? s.simple : "../Cargo.toml";
		s.ex[LAYOUT_GOLANG_MIGRATE] = NULL;
	}
	/* refinery's V__ names are Flyway's; its crate says which */
	if (s.ex[LAYOUT_FLYWAY] && cargo_uses(d, "refinery")) {
		s.ex[LAYOUT_REFINERY] = "../Cargo.toml";
		s.ex[LAYOUT_FLYWAY] = NULL;
	}
	static const Layout order[] = {LAYOUT_DIESEL, LAYOUT_PRISMA, LAYOUT_POP, LAYOUT_GOLANG_MIGRATE,
	                               LAYOUT_SQLX, LAYOUT_FLYWAY, LAYOUT_REFINERY, LAYOUT_GOOSE, LAYOUT_DBMATE, LAYOUT_LIQUIBASE,
	                               LAYOUT_GRAPHILE};
	Layout first = LAYOUT_AUTO, second = LAYOUT_AUTO;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!s.ex[order[i]])
			continue;
		if (first == LAYOUT_AUTO)
			first = order[i];
		else if (second == LAYOUT_AUTO)
			second = order[i];
	}
	if (second != LAYOUT_AUTO)
		return err_set(err, PGC_EXIT_USAGE,
		               "%s: this directory mixes two migration layouts: %s (%s) and %s (%s); "
		               "choose one with --layout %s or --layout %s",
		               d->dir, layout_name(first), join_path(d->tmp, d->dir, s.ex[first]),
		               layout_name(second), join_path(d->tmp, d->dir, s.ex[second]), layout_name(first),
		               layout_name(second));
	if (first != LAYOUT_AUTO) {
		d->layout = first;
		d->why = join_path(d->tmp, d->dir, s.ex[first]);
		return 0;
	}
	if (path_ends(d->dir, "supabase/migrations")) {
		d->layout = LAYOUT_SUPABASE;
		d->why = "supabase/migrations";
		return 0;
	}
	d->layout = LAYOUT_PLAIN;
	d->why = "numbered files";
	return 0;
}

/* ---- project folders ------------------------------------------------------ */

/* Does this directory hold migrations of its own (for any layout)? */
static int has_own_migrations(Dir *d, bool *yes, Err *err)
{
	int rc = 0;
	*yes = false;
	for (size_t i = 0; i < d->items.n && !*yes; i++) {
		const Item *it = &d->items.items[i];
		if (is_sql(it) || strcmp(it->name, "sqitch.plan") == 0 || strcmp(it->name, "atlas.sum") == 0)
			*yes = true;
		else if (it->is_dir) {
			if (exists_file(d, arena_printf(d->tmp, "%s/up.sql", it->name), err, &rc) ||
			    exists_file(d, arena_printf(d->tmp, "%s/migration.sql", it->name), err, &rc))
				*yes = true;
			if (rc)
				return rc;
		}
	}
	return 0;
}

static int dir_has_sql(Arena *tmp, const char *full, bool *yes)
{
	*yes = false;
	DIR *dd = opendir(full);
	if (!dd)
		return 0;
	struct dirent *de;
	while ((de = readdir(dd)) != NULL)
		if (de->d_name[0] != '.' && has_suffix(de->d_name, ".sql"))
			*yes = true;
	closedir(dd);
	(void)tmp;
	return 0;
}

/* Known places of migrations inside a project, tried in this order. */
static const char *const project_subdirs[] = {
	"migrations",
	"db/migrations",
	"db/migrate",
	"db/migration",
	"database/migrations",
	"sql/migrations",
	"prisma/migrations",
	"supabase/migrations",
	"src/main/resources/db/migration",
	"src/main/resources/db/changelog",
	"migrate/migrations",
};

static int collect_one(Arena *a, const char *dir, const SourceOptions *o, SourceList *out, int depth, Err *err);

/*
 * A project folder: no migrations of its own, but known subfolders.
 * The base schema (schema.sql, db/schema.sql, structure.sql) comes
 * first, then the first known migrations folder. Other subfolders that
 * hold SQL are named in a warning.
 */
static int project_dir(Arena *a, Dir *d, SourceList *out, int depth, bool *done, Err *err)
{
	*done = false;
	const char *schema = NULL, *mig = NULL;
	static const char *const schemas[] = {"schema.sql", "db/schema.sql", "db/structure.sql", "structure.sql"};
	int rc = 0;
	for (size_t i = 0; i < sizeof(schemas) / sizeof(schemas[0]) && !schema; i++)
		if (exists_file(d, schemas[i], err, &rc))
			schema = schemas[i];
	if (rc)
		return rc;
	for (size_t i = 0; i < sizeof(project_subdirs) / sizeof(project_subdirs[0]) && !mig; i++) {
		struct stat st;
		const char *full = join_path(d->tmp, d->dir, project_subdirs[i]);
		if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
			mig = project_subdirs[i];
	}
	if (!mig)
		return 0;
	/* the directory's own SQL: only a base schema is allowed beside the migrations */
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		if (is_sql(it) && (!schema || strcmp(it->name, schema) != 0))
			return 0;
	}
	*done = true;
	log_info("layout: project folder %s (%s%s%s/)", d->dir, schema ? schema : "", schema ? " + " : "", mig);
	/* SQL subfolders that are skipped are named */
	for (size_t i = 0; i < d->items.n; i++) {
		const Item *it = &d->items.items[i];
		bool sql;
		if (!it->is_dir)
			continue;
		size_t ml = strcspn(mig, "/");
		if (strncmp(it->name, mig, ml) == 0 && it->name[ml] == '\0')
			continue;
		dir_has_sql(d->tmp, join_path(d->tmp, d->dir, it->name), &sql);
		if (sql)
			log_warning("%s: holds SQL files but is not read as migrations (name it as an argument to read it)",
			            join_path(d->tmp, d->dir, it->name));
	}
	if (schema && sources_load_file(a, join_path(a, d->dir, schema), out, err) != 0)
		return -1;
	return collect_one(a, join_path(a, d->dir, mig), d->o, out, depth + 1, err);
}

/* ---- one directory ------------------------------------------------------ */

/*
 * Liquibase: a changeset ("--changeset author:id attrs") whose dbms:
 * list does not name postgresql (or all) is not run: blanked, newlines
 * kept. "--rollback" lines are SQL comments and stay comments.
 */
static void liquibase_blank(Source *s)
{
	char *t = s->text, *end = t + s->len;
	bool skip = false;
	for (char *p = t; p < end;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *le = nl ? nl : end;
		char *q = p;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (le - q > 2 && q[0] == '-' && q[1] == '-') {
			char *w = q + 2;
			while (w < le && (*w == ' ' || *w == '\t'))
				w++;
			if (le - w >= 9 && strncasecmp(w, "changeset", 9) == 0) {
				char *line = xstrndup(w, (size_t)(le - w));
				char *db = strstr(line, "dbms:");
				skip = false;
				if (db) {
					size_t n = strcspn(db + 5, " \t\r");
					db[5 + n] = '\0';
					skip = true;
					for (char *tok = strtok(db + 5, ","); tok; tok = strtok(NULL, ","))
						if (strcmp(tok, "postgresql") == 0 || strcmp(tok, "all") == 0)
							skip = false;
						else if (tok[0] == '!' && strcmp(tok + 1, "postgresql") != 0)
							skip = false;
				}
				free(line);
			}
		}
		if (skip)
			memset(p, ' ', (size_t)(le - p));
		p = nl ? nl + 1 : end;
	}
}

typedef int (*SelectFn)(Dir *, Err *);

static SelectFn select_fn(Layout l)
{
	switch (l) {
	case LAYOUT_GOLANG_MIGRATE: return sel_golang_migrate;
	case LAYOUT_GOOSE: return sel_goose;
	case LAYOUT_DBMATE: return sel_dbmate;
	case LAYOUT_FLYWAY: return sel_flyway;
	case LAYOUT_LIQUIBASE: return sel_liquibase;
	case LAYOUT_SQITCH: return sel_sqitch;
	case LAYOUT_DIESEL: return sel_diesel;
	case LAYOUT_SQLX: return sel_sqlx;
	case LAYOUT_REFINERY: return sel_refinery;
	case LAYOUT_POP: return sel_pop;
	case LAYOUT_PRISMA: return sel_prisma;
	case LAYOUT_SUPABASE: return sel_supabase;
	case LAYOUT_ATLAS: return sel_atlas;
	case LAYOUT_GRAPHILE: return sel_graphile_committed;
	default: return sel_plain;
	}
}

static int collect_one(Arena *a, const char *dir, const SourceOptions *o, SourceList *out, int depth, Err *err)
{
	int ret = -1;
	Dir d = {0};
	d.tmp = arena_new();
	d.dir = dir;
	d.o = o;
	if (list_dir(d.tmp, dir, &d.items, err) != 0)
		goto out;
	if (o->layout == LAYOUT_AUTO && depth == 0) {
		bool own, done;
		if (has_own_migrations(&d, &own, err) != 0)
			goto out;
		if (!own || find_item(&d, "schema.sql")) {
			if (project_dir(a, &d, out, depth, &done, err) != 0)
				goto out;
			if (done) {
				ret = 0;
				goto out;
			}
		}
	}
	/* graphile-migrate: migrations/committed/ is what migrate applies */
	const Item *committed = find_item(&d, "committed");
	if ((o->layout == LAYOUT_GRAPHILE || o->layout == LAYOUT_AUTO) && committed && committed->is_dir) {
		for (size_t i = 0; i < d.items.n; i++)
			if (strcmp(d.items.items[i].name, "committed") != 0)
				ignored(&d, d.items.items[i].name, "graphile-migrate's migrate applies only committed/");
		if (o->layout == LAYOUT_AUTO)
			log_info("layout: graphile-migrate (%s)", join_path(d.tmp, dir, "committed/"));
		SourceOptions o2 = *o;
		o2.layout = LAYOUT_GRAPHILE;
		ret = collect_one(a, join_path(a, dir, "committed"), &o2, out, depth + 1, err);
		goto out;
	}
	if (o->layout == LAYOUT_AUTO) {
		if (detect(&d, err) != 0)
			goto out;
		/* like the dialect notice: said when a tool is recognised */
		if (d.layout != LAYOUT_PLAIN || o->verbose)
			log_info("layout: %s (%s)", layout_name(d.layout), d.why);
	} else {
		d.layout = o->layout;
	}
	if (select_fn(d.layout)(&d, err) != 0)
		goto out;
	size_t nreadable = 0;
	for (size_t i = 0; i < d.v.n; i++)
		nreadable += !d.v.items[i].foreign;
	if (nreadable == 0) {
		StrBuf subs = STRBUF_INIT;
		for (size_t i = 0; i < d.items.n; i++) {
			bool sql;
			if (!d.items.items[i].is_dir)
				continue;
			dir_has_sql(d.tmp, join_path(d.tmp, dir, d.items.items[i].name), &sql);
			if (sql)
				sb_addf(&subs, "%s%s/", subs.len ? ", " : "", d.items.items[i].name);
		}
		if (subs.len && d.layout == LAYOUT_PLAIN)
			err_set(err, PGC_EXIT_USAGE,
			        "%s: directory contains no SQL migration files, and no known migrations folder; SQL files are in: %s (name the folder to read it, or see --layout)",
			        dir, subs.buf);
		else if (d.layout == LAYOUT_PLAIN)
			err_set(err, PGC_EXIT_USAGE,
			        "%s: directory contains no SQL migration files (*.sql, */migration.sql or */up.sql; down migrations are not counted)",
			        dir);
		else
			err_set(err, PGC_EXIT_USAGE,
			        "%s: directory contains no SQL migration files that %s runs going up (down, undo and other files are not counted; --layout chooses another layout)",
			        dir, layout_name(d.layout));
		sb_release(&subs);
		goto out;
	}
	qsort(d.v.items, d.v.n, sizeof(Entry), cmp_entry);
	for (size_t i = 0; i < d.v.n; i++) {
		const Entry *e = &d.v.items[i];
		char *shown = join_path(a, dir, e->rel);
		if (e->foreign) {
			log_warning("%s: %s runs this migration at this place in the order; it is not SQL and pgcascade cannot read it",
			            shown, layout_name(d.layout));
			continue;
		}
		size_t before = out->n;
		if (sources_load_file(a, shown, out, err) != 0)
			goto out;
		if (out->n > before) {
			Source *s = &out->items[out->n - 1];
			if (d.layout == LAYOUT_POP)
				pop_render(a, s, o);
			else if (d.layout == LAYOUT_LIQUIBASE)
				liquibase_blank(s);
		}
	}
	ret = 0;
out:
	arena_free(d.tmp);
	return ret;
}

int layout_collect_dir(Arena *a, const char *dir, const SourceOptions *o, SourceList *out, Err *err)
{
	return collect_one(a, dir, o, out, 0, err);
}
