/* common.c - shared options and model loading; see common.h. */
#include "cli/common.h"
#include "cli/commands.h"
#include "exitcodes.h"
#include "loader/live.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int common_settings(const Settings *s, CommonOptions *o, Err *err)
{
	const LintConfig *cfg = &s->cfg;
	memset(o, 0, sizeof(*o));
	o->paths = s->paths;
	o->npaths = s->npaths;
	o->db = opt_str(s, O_DB, NULL);
	o->use_db = opt_given(s, O_DB);
	o->format = opt_str(s, O_FORMAT, NULL);
	o->quiet = opt_given(s, O_QUIET);
	if (o->quiet)
		log_set_quiet(1);
	o->src_opts.verbose = opt_given(s, O_VERBOSE);
	/* flag > file > default */
	o->dialect = cfg->dialect_set ? cfg->dialect : DIALECT_AUTO;
	const char *d = opt_str(s, O_DIALECT, NULL);
	if (d && config_dialect_parse(d, &o->dialect) < 0)
		return err_set(err, PGC_EXIT_USAGE, "invalid --dialect \"%s\": expected postgres, cockroach or auto", d);
	o->roots = s->v[O_ROOT].n ? s->v[O_ROOT].vals : cfg->roots.items;
	o->nroots = s->v[O_ROOT].n ? s->v[O_ROOT].n : (int)cfg->roots.n;
	o->owner_patterns = s->v[O_OWNER].n ? s->v[O_OWNER].vals : cfg->owner_patterns.items;
	o->nowner = s->v[O_OWNER].n ? s->v[O_OWNER].n : (int)cfg->owner_patterns.n;
	o->src_opts.layout = cfg->layout_set ? cfg->layout : LAYOUT_AUTO;
	const char *l = opt_str(s, O_LAYOUT, NULL);
	if (l && layout_parse(l, &o->src_opts.layout, err) < 0)
		return -1;
	const char *c = opt_str(s, O_COLOR, "auto");
	if (strcmp(c, "always") == 0)
		o->color = 1;
	else if (strcmp(c, "never") == 0)
		o->color = 0;
	else if (strcmp(c, "auto") == 0)
		o->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	else
		return err_set(err, PGC_EXIT_USAGE, "invalid --color \"%s\": expected auto, always or never", c);
	for (int i = 0; i < s->v[O_SET].n; i++) {
		const char *arg = s->v[O_SET].vals[i], *eq = strchr(arg, '=');
		if (!eq || eq == arg)
			return err_set(err, PGC_EXIT_USAGE, "invalid --set \"%s\": expected NAME=VALUE", arg);
	}
	o->src_opts.sets = s->v[O_SET].vals;
	o->src_opts.nsets = s->v[O_SET].n;
	return 0;
}

int common_parse(Arena *a, const char *command, int argc, char **argv, Settings *s, CommonOptions *o, Err *err)
{
	int r = cli_parse(a, command_find(command), argc, argv, s, err);
	if (r != 0)
		return r;
	return common_settings(s, o, err);
}

Model *load_model(Arena *a, CommonOptions *o, Err *err)
{
	/* A malformed --root is a usage error: say so before reading
	 * thousands of files or connecting to a database. */
	for (int i = 0; i < o->nroots; i++) {
		Root r;
		if (root_parse(a, o->roots[i], &r, err) < 0)
			return NULL;
	}
	Model *m = model_new(a);
	if (o->use_db) {
		if (o->npaths > 0) {
			err_set(err, PGC_EXIT_USAGE,
			        "--db reads a live database; do not also give paths (got \"%s\")", o->paths[0]);
			return NULL;
		}
		PGconn *conn = db_connect(o->db && o->db[0] ? o->db : NULL, err);
		if (!conn)
			return NULL;
		int rc = live_load(m, conn, err);
		PQfinish(conn);
		if (rc < 0)
			return NULL;
		m->live = true;
		if (o->dialect != DIALECT_AUTO)
			m->dialect = o->dialect;
		return m;
	}
	if (o->npaths == 0) {
		err_set(err, PGC_EXIT_USAGE,
		        "no migration files given: name files or directories, or use --db URL");
		return NULL;
	}
	if (collect_sources(a, o, err) < 0)
		return NULL;
	if (frontend_load(m, &o->sources, o->dialect, err) < 0)
		return NULL;
	return m;
}

int collect_sources(Arena *a, CommonOptions *o, Err *err)
{
	o->src_opts.dialect = o->dialect;
	return sources_collect_with(a, o->paths, o->npaths, &o->src_opts, &o->sources, err);
}

void common_analysis_options(const CommonOptions *o, AnalysisOptions *ao)
{
	memset(ao, 0, sizeof(*ao));
	ao->roots = o->roots;
	ao->nroots = o->nroots;
	ao->owner_patterns = o->owner_patterns;
	ao->nowner = o->nowner;
}

int die_with(const Err *err)
{
	log_error("%s", err->msg);
	return err->code ? err->code : PGC_EXIT_INTERNAL;
}
