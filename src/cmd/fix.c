/*
 * fix.c - `pgcascade fix`: load the model, analyse it, build the
 * migration (fix/fix.c) and print it or write it in the project's own
 * file convention (fix/naming.c), each file atomically (fix/write.c).
 */
#include "cli/common.h"
#include "cli/validate.h"
#include "cmd/cmd.h"
#include "exitcodes.h"
#include "fix/fix.h"
#include "fix/naming.h"
#include "fix/write.h"
#include "loader/live.h"
#include "report/words.h"
#include "util/strbuf.h"
#include "util/xalloc.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "pgcascade fix ARGS" for the header: arguments quoted for a shell when
 * needed. --force and --quiet change no content and are left out, so that
 * a forced rerun writes byte-identical files. The --db URL goes through
 * db_redact(): a password never lands in a migration file. */
static const char *command_line(Arena *a, int argc, char **argv)
{
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "pgcascade fix");
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (strcmp(s, "--force") == 0 || strcmp(s, "--quiet") == 0)
			continue;
		if (strncmp(s, "--db=", 5) == 0)
			s = arena_printf(a, "--db=%s", db_redact(a, s + 5));
		else if (i > 1 && strcmp(argv[i - 1], "--db") == 0)
			s = db_redact(a, s);
		bool plain = s[0] != 0;
		for (const char *p = s; *p; p++)
			if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,@+%", *p))
				plain = false;
		sb_addch(&sb, ' ');
		if (plain) {
			sb_adds(&sb, s);
		} else {
			sb_addch(&sb, '\'');
			for (const char *p = s; *p; p++) {
				if (*p == '\'')
					sb_adds(&sb, "'\\''");
				else
					sb_addch(&sb, *p);
			}
			sb_addch(&sb, '\'');
		}
	}
	char *r = arena_strdup(a, sb.buf);
	sb_release(&sb);
	return r;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* Reads up to 64 KiB of dir/name (enough to see "-- migrate:up"), or NULL. */
static const char *read_head(Arena *a, const char *dir, const char *name)
{
	char *path = arena_printf(a, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = arena_alloc(a, 65537);
	size_t n = fread(buf, 1, 65536, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The existing migration files: those in --out and the sources read. */
static void collect_files(Arena *a, const char *out_dir, const CommonOptions *o,
                          NamingFile **files, int *n)
{
	PGC_VEC(NamingFile) v = {0};
	if (out_dir) {
		DIR *d = opendir(out_dir);
		if (d) {
			PGC_VEC(const char *) names = {0};
			struct dirent *e;
			while ((e = readdir(d)) != NULL) {
				size_t len = strlen(e->d_name);
				if (e->d_name[0] != '.' && len > 4 && strcmp(e->d_name + len - 4, ".sql") == 0)
					VEC_PUSH(a, names, arena_strdup(a, e->d_name));
			}
			closedir(d);
			if (names.n > 1)
				qsort(names.items, names.n, sizeof(char *), cmp_str);
			for (size_t i = 0; i < names.n; i++) {
				NamingFile nf = {names.items[i], read_head(a, out_dir, names.items[i])};
				VEC_PUSH(a, v, nf);
			}
		}
	}
	for (size_t i = 0; i < o->sources.n; i++) {
		NamingFile nf = {base_name(o->sources.items[i].path), o->sources.items[i].text};
		VEC_PUSH(a, v, nf);
	}
	*files = v.items;
	*n = (int)v.n;
}

typedef struct OutFile {
	const char *name;
	const char *text;
} OutFile;

/* The set being written, for the out-of-memory hook: an allocation that
 * fails after some files are in place unwinds without returning here, so
 * the hook removes what this run created, as a failed write does below.
 * It must not allocate: the path is built on the stack. */
static struct {
	const char *dir;
	const OutFile *files;
	const bool *existed;
	int written;
} g_set;

static void unwrite_set(void)
{
	for (int k = 0; k < g_set.written; k++) {
		if (g_set.existed[k])
			continue;
		char path[4096];
		if (snprintf(path, sizeof(path), "%s/%s", g_set.dir, g_set.files[k].name) < (int)sizeof(path) &&
		    unlink(path) == 0)
			log_detail("removed %s again", path);
	}
}

/* Lays the SQL out in files for the naming style. */
static int plan_files(Arena *a, const FixNames *nm, const FixOutput *fo, OutFile *files)
{
	int n = 0;
	const char *tx = fo->no_transaction ? " transaction:false" : "";
	const char *nothing = "-- Down migration written by pgcascade fix: nothing to undo. Validation\n"
	                      "-- changes no definition; the down migration of the up migration restores\n"
	                      "-- the previous constraints.\n";
	if (nm->style == NAMING_DBMATE) {
		files[n++] = (OutFile){nm->up, arena_printf(a, "-- migrate:up%s\n%s\n-- migrate:down%s\n%s", tx,
		                                            fo->up, tx, fo->down)};
		if (fo->validate)
			files[n++] = (OutFile){nm->validate, arena_printf(a, "-- migrate:up\n%s\n-- migrate:down\n%s",
			                                                  fo->validate, nothing)};
		return n;
	}
	files[n++] = (OutFile){nm->up, fo->up};
	if (fo->validate) {
		files[n++] = (OutFile){nm->validate, fo->validate};
		if (nm->validate_down)
			files[n++] = (OutFile){nm->validate_down, nothing};
	}
	if (nm->down)
		files[n++] = (OutFile){nm->down, fo->down};
	return n;
}

int cmd_fix(int argc, char **argv)
{
	int ret = PGC_EXIT_INTERNAL;
	Err err = {0};
	Arena *a = arena_new();
	CommonOptions o;
	Settings s;
	int parsed = common_parse(a, "fix", argc, argv, &s, &o, &err);
	if (parsed != 0) {
		ret = parsed > 0 ? PGC_EXIT_OK : die_with(&err);
		goto out;
	}
	const char *out_dir = opt_str(&s, O_OUT, NULL), *name = opt_str(&s, O_NAME, NULL);
	const char *lock_timeout = opt_str(&s, O_LOCK_TIMEOUT, "5s");
	bool minimal = opt_given(&s, O_MINIMAL), check = opt_given(&s, O_CHECK), force = opt_given(&s, O_FORCE);
	int depth = 0;
	const char *ds = opt_str(&s, O_DEPTH, NULL);
	if (ds) {
		char *end;
		long d = strtol(ds, &end, 10);
		if (!ds[0] || *end || d < 1 || d > 1000000) {
			err_set(&err, PGC_EXIT_USAGE, "invalid --depth \"%s\": expected a number >= 1", ds);
			ret = die_with(&err);
			goto out;
		}
		depth = (int)d;
	}
	int shared_parent = fix_shared_parent_parse(opt_str(&s, O_SHARED_PARENT, "cascade"));
	if (shared_parent < 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --shared-parent \"%s\": expected cascade, set-null or leave",
		        opt_str(&s, O_SHARED_PARENT, ""));
		ret = die_with(&err);
		goto out;
	}
	if (o.format && strcmp(o.format, "sql") != 0) {
		err_set(&err, PGC_EXIT_USAGE, "invalid --format \"%s\": fix writes SQL (--format sql)", o.format);
		ret = die_with(&err);
		goto out;
	}
	if (cli_check_timeout("--lock-timeout", lock_timeout, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (out_dir && !check && write_check_dir(out_dir, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	Model *m = load_model(a, &o, &err);
	if (!m) {
		ret = die_with(&err);
		goto out;
	}
	AnalysisOptions ao;
	common_analysis_options(&o, &ao);
	Analysis an;
	if (analyze(m, &ao, &an, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	/* --shared-parent=set-null: make the nullable start edges SET NULL in
	 * the model and analyse again (the shared tables may leave the
	 * closure, or other paths may still reach them), until nothing new. */
	PGC_VEC(const ForeignKey *) set_null = {0};
	PGC_VEC(char) set_null_was = {0};
	for (int round = 0; shared_parent == SHARED_SET_NULL && round < 64; round++) {
		size_t before = set_null.n;
		for (size_t i = 0; i < an.findings.n; i++) {
			const Finding *f = an.findings.items[i];
			ForeignKey *st = (ForeignKey *)f->start_fk;
			if (strcmp(f->rule, "cascade-deletes-other-owners") != 0 || !st ||
			    st->on_delete == FK_SET_NULL)
				continue;
			bool nullable = st->ncols > 0;
			for (int k = 0; k < st->ncols && nullable; k++) {
				const Column *col = table_column(st->table, st->cols[k]);
				nullable = col && !col->not_null;
				for (int j = 0; nullable && st->table->pk && j < st->table->pk->ncols; j++)
					nullable = !st->table->pk->cols[j] || strcmp(st->table->pk->cols[j], st->cols[k]) != 0;
			}
			if (!nullable)
				continue;
			VEC_PUSH(a, set_null, st);
			VEC_PUSH(a, set_null_was, st->on_delete);
			st->on_delete = FK_SET_NULL;
		}
		if (set_null.n == before)
			break;
		if (analyze(m, &ao, &an, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	}
	for (size_t i = 0; i < set_null.n; i++)
		((ForeignKey *)set_null.items[i])->on_delete = set_null_was.items[i];
	for (size_t i = 0; i < an.findings.n; i++)
		if (strcmp(an.findings.items[i]->rule, "parse-error") == 0) {
			log_warning("the sources have parse errors (see pgcascade audit); the migration covers "
			            "only what could be read");
			break;
		}

	FixNames names = {0};
	if (out_dir) {
		NamingFile *files;
		int nfiles;
		collect_files(a, out_dir, &o, &files, &nfiles);
		if (naming_next(a, files, nfiles, name, &names, &err) < 0) {
			ret = die_with(&err);
			goto out;
		}
	} else if (name) {
		log_warning("--name has no effect without --out");
	}

	FixOptions fo = {
		.depth = depth, .minimal = minimal, .command_line = command_line(a, argc, argv),
		.lock_timeout = lock_timeout, .up_name = names.up, .validate_name = names.validate,
		.down_name = names.down, .shared_parent = shared_parent,
		.set_null = set_null.items, .set_null_was = set_null_was.items, .nset_null = (int)set_null.n,
	};
	FixOutput fx;
	if (fix_build(m, &an, &fo, &fx, &err) < 0) {
		ret = die_with(&err);
		goto out;
	}
	if (fx.nshared && shared_parent == SHARED_CASCADE)
		log_warning("%d %s other owners' rows (cascade-deletes-other-owners); the header lists them; "
		            "see --shared-parent", fx.nshared,
		            words_noun(fx.nshared, "cascade path deletes", "cascade paths delete"));
	if (fx.nchanges == 0) {
		fprintf(stderr, "pgcascade: nothing to fix: no foreign key blocks the delete%s%s",
		        depth || minimal ? " within the chosen scope" : "",
		        check || !out_dir ? "\n" : "; no file written\n");
		if (fx.ndecisions)
			fprintf(stderr, "pgcascade: %d %s a decision (see pgcascade audit)\n", fx.ndecisions,
			        words_noun(fx.ndecisions, "set-null-not-null finding still needs",
			                   "set-null-not-null findings still need"));
		ret = PGC_EXIT_OK;
		goto out;
	}
	if (check) {
		/* the verdict, not progress: said under --quiet too, on stderr like "nothing to fix" */
		int ncascade = fx.nchanges - fx.nset_null;
		StrBuf sb = STRBUF_INIT;
		words_count(&sb, fx.nchanges, "foreign key", "foreign keys");
		sb_adds(&sb, " to re-create ");
		if (fx.nset_null == 0)
			sb_addf(&sb, "with %s", words_action(FK_CASCADE));
		else if (ncascade == 0)
			sb_addf(&sb, "with %s", words_action(FK_SET_NULL));
		else
			sb_addf(&sb, "(%d with %s, %d with %s)", ncascade, words_action(FK_CASCADE), fx.nset_null,
			        words_action(FK_SET_NULL));
		fprintf(stderr, "pgcascade: fix needed: %s\n", sb.buf);
		sb_release(&sb);
		ret = PGC_EXIT_FINDINGS;
		goto flush;
	}
	if (!out_dir) {
		fputs(fx.up, stdout);
		ret = PGC_EXIT_OK;
		goto flush;
	}
	OutFile files[5];
	int nf = plan_files(a, &names, &fx, files);
	if (!force)
		for (int i = 0; i < nf; i++)
			if (write_exists(out_dir, files[i].name)) {
				err_set(&err, PGC_EXIT_USAGE, "%s/%s already exists; use --force to replace it",
				        out_dir, files[i].name);
				ret = die_with(&err);
				goto out;
			}
	/* All or nothing: when a write fails, the files this run created are
	 * removed again, so a runner never sees an up file without its down. */
	bool existed[5];
	for (int i = 0; i < nf; i++)
		existed[i] = write_exists(out_dir, files[i].name);
	g_set.dir = out_dir;
	g_set.files = files;
	g_set.existed = existed;
	g_set.written = 0;
	XallocHook outer = xalloc_on_failure(unwrite_set);
	for (int i = 0; i < nf; i++) {
		g_set.written = i;
		if (write_file_atomic(out_dir, files[i].name, files[i].text, strlen(files[i].text), force,
		                      &err) < 0) {
			xalloc_on_failure(outer);
			ret = die_with(&err);
			for (int k = 0; k < i; k++) {
				if (existed[k]) {
					log_detail("%s/%s was already replaced", out_dir, files[k].name);
					continue;
				}
				char *path = arena_printf(a, "%s/%s", out_dir, files[k].name);
				if (unlink(path) == 0)
					log_detail("removed %s again", path);
			}
			goto out;
		}
	}
	xalloc_on_failure(outer);
	for (int i = 0; i < nf; i++)
		log_info("wrote %s/%s", out_dir, files[i].name);
	ret = PGC_EXIT_OK;
flush:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		log_error("could not write to standard output");
		ret = PGC_EXIT_INTERNAL;
	}
out:
	arena_free(a);
	return ret;
}
