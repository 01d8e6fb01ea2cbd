/* common.c - shared options and model loading; see common.h. */
#include "cli/common.h"
#include "exitcodes.h"
#include "loader/live.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const struct option common_long_options[] = {
	{"db", required_argument, NULL, OPT_DB},
	{"dialect", required_argument, NULL, OPT_DIALECT},
	{"root", required_argument, NULL, OPT_ROOT},
	{"owner-column", required_argument, NULL, OPT_OWNER},
	{"format", required_argument, NULL, OPT_FORMAT},
	{"color", required_argument, NULL, OPT_COLOR},
	{"quiet", no_argument, NULL, OPT_QUIET},
	{"help", no_argument, NULL, OPT_HELP},
	{"layout", required_argument, NULL, OPT_LAYOUT},
	{"set", required_argument, NULL, OPT_SET},
	{"verbose", no_argument, NULL, OPT_VERBOSE},
};
const int common_long_options_count = sizeof(common_long_options) / sizeof(common_long_options[0]);

const char common_options_help[] =
	"  --db URL              read a live database (libpq conninfo or URI) instead of files\n"
	"  --dialect D           postgres, cockroach or auto (default: auto)\n"
	"  --root SPEC           root table in SQL syntax, repeatable (default: users)\n"
	"                        e.g. auth.users, '\"Users\"', 'users(id)'\n"
	"  --owner-column PAT    owner-column pattern, repeatable; * matches any text\n"
	"                        (default: <root in singular>_id, e.g. user_id)\n"
	"  --format F            output format (see the command's help)\n"
	"  --color WHEN          auto, always or never (default: auto)\n"
	"  --layout NAME         how to read directories: auto (default), plain,\n"
	"                        golang-migrate, goose, dbmate, flyway, liquibase,\n"
	"                        sqitch, diesel, sqlx, refinery, pop, prisma,\n"
	"                        supabase, atlas, graphile-migrate (doc/sources.md)\n"
	"  --set NAME=VALUE      value of a pop template option, repeatable\n"
	"                        (e.g. --set Namespace=auth)\n"
	"  --verbose             also name each file the migration tool would not run\n"
	"  --quiet               no progress messages\n"
	"  --help                show this help\n";

void common_init(CommonOptions *o)
{
	memset(o, 0, sizeof(*o));
	o->dialect = DIALECT_AUTO;
	o->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

static void push(Arena *a, const char ***v, int *n, const char *s)
{
	const char **nv = arena_alloc(a, (size_t)(*n + 1) * sizeof(*nv));
	if (*n)
		memcpy(nv, *v, (size_t)*n * sizeof(*nv));
	nv[(*n)++] = s;
	*v = nv;
}

int common_option(Arena *a, CommonOptions *o, int opt, const char *arg, Err *err)
{
	switch (opt) {
	case OPT_DB:
		o->db = arg;
		o->use_db = true;
		return 1;
	case OPT_DIALECT:
		if (strcmp(arg, "postgres") == 0 || strcmp(arg, "postgresql") == 0)
			o->dialect = DIALECT_POSTGRES;
		else if (strcmp(arg, "cockroach") == 0 || strcmp(arg, "cockroachdb") == 0)
			o->dialect = DIALECT_COCKROACH;
		else if (strcmp(arg, "auto") == 0)
			o->dialect = DIALECT_AUTO;
		else
			return err_set(err, PGC_EXIT_USAGE,
			               "invalid --dialect \"%s\": expected postgres, cockroach or auto", arg);
		return 1;
	case OPT_ROOT:
		push(a, &o->roots, &o->nroots, arg);
		return 1;
	case OPT_OWNER:
		push(a, &o->owner_patterns, &o->nowner, arg);
		return 1;
	case OPT_FORMAT:
		o->format = arg;
		return 1;
	case OPT_COLOR:
		if (strcmp(arg, "always") == 0)
			o->color = 1;
		else if (strcmp(arg, "never") == 0)
			o->color = 0;
		else if (strcmp(arg, "auto") == 0)
			o->color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
		else
			return err_set(err, PGC_EXIT_USAGE,
			               "invalid --color \"%s\": expected auto, always or never", arg);
		return 1;
	case OPT_LAYOUT:
		return layout_parse(arg, &o->src_opts.layout, err) < 0 ? -1 : 1;
	case OPT_SET: {
		const char *eq = strchr(arg, '=');
		if (!eq || eq == arg)
			return err_set(err, PGC_EXIT_USAGE, "invalid --set \"%s\": expected NAME=VALUE", arg);
		const char **v = (const char **)o->src_opts.sets;
		push(a, &v, &o->src_opts.nsets, arg);
		o->src_opts.sets = v;
		return 1;
	}
	case OPT_VERBOSE:
		o->src_opts.verbose = true;
		return 1;
	case OPT_QUIET:
		o->quiet = true;
		log_set_quiet(1);
		return 1;
	default:
		return 0;
	}
}

void common_paths(CommonOptions *o, int argc, char **argv)
{
	o->paths = (const char **)(argv + optind);
	o->npaths = argc - optind;
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

struct option *options_table(Arena *a, const struct option *extra)
{
	int n = 0;
	while (extra && extra[n].name)
		n++;
	struct option *t = arena_alloc(a, (size_t)(common_long_options_count + n + 1) * sizeof(*t));
	memcpy(t, common_long_options, (size_t)common_long_options_count * sizeof(*t));
	if (n)
		memcpy(t + common_long_options_count, extra, (size_t)n * sizeof(*t));
	return t;
}

int die_with(const Err *err)
{
	log_error("%s", err->msg);
	return err->code ? err->code : PGC_EXIT_INTERNAL;
}
