/* options.c - the option table and the parser; see options.h. */
#include "cli/options.h"
#include "cli/commands.h"
#include "exitcodes.h"
#include "util/strbuf.h"

#include <string.h>

#define M CMD_MODEL
#define KEYS (CMD_MODEL | CMD_CONFIG) /* options that map to a policy-file key: `config` shows them */

const OptSpec pgc_options[] = {
	{O_DB, "db", "URL", false, M, NULL, VAL_NONE, NULL,
	 "read a live database (libpq conninfo or URI) instead of files"},
	{O_DIALECT, "dialect", "D", false, KEYS, "dialect", VAL_WORDS, "postgres cockroach auto",
	 "postgres, cockroach or auto (default: auto)"},
	{O_ROOT, "root", "SPEC", true, KEYS, "root", VAL_NONE, NULL,
	 "root table in SQL syntax, repeatable (default: users)\n"
	 "e.g. auth.users, '\"Users\"', 'users(id)'"},
	{O_OWNER, "owner-column", "PAT", true, KEYS, "owner_column", VAL_NONE, NULL,
	 "owner-column pattern, repeatable; * matches any text\n"
	 "(default: <root in singular>_id, e.g. user_id)"},
	{O_FORMAT, "format", "F", false, CMD_ALL, NULL, VAL_FORMATS, NULL,
	 "output format (see the formats below)"},
	{O_COLOR, "color", "WHEN", false, M, NULL, VAL_WORDS, "auto always never",
	 "auto, always or never (default: auto)"},
	{O_LAYOUT, "layout", "NAME", false, KEYS, "layout", VAL_WORDS,
	 "auto plain golang-migrate goose dbmate flyway liquibase sqitch diesel sqlx refinery pop prisma supabase "
	 "atlas graphile-migrate",
	 "how to read directories: auto (default), plain,\n"
	 "golang-migrate, goose, dbmate, flyway, liquibase,\n"
	 "sqitch, diesel, sqlx, refinery, pop, prisma,\n"
	 "supabase, atlas, graphile-migrate (doc/sources.md)"},
	{O_SET, "set", "NAME=VALUE", true, M, NULL, VAL_NONE, NULL,
	 "value of a pop template option, repeatable\n"
	 "(e.g. --set Namespace=auth)"},
	{O_VERBOSE, "verbose", NULL, false, M, NULL, VAL_NONE, NULL,
	 "also name each file the migration tool would not run"},
	{O_QUIET, "quiet", NULL, false, M, NULL, VAL_NONE, NULL, "no progress messages"},
	{O_CONFIG, "config", "FILE", false, CMD_ALL, NULL, VAL_FILE, NULL,
	 "policy file (default: the nearest " CONFIG_FILE_NAME ",\n"
	 "looked for from the working directory up to the\n"
	 "repository root)"},
	{O_NO_CONFIG, "no-config", NULL, false, CMD_ALL, NULL, VAL_NONE, NULL, "do not read a policy file"},
	{O_HELP, "help", NULL, false, CMD_ALL, NULL, VAL_NONE, NULL, "show this help"},

	{O_LIST_FILES, "list-files", NULL, false, CMD_AUDIT, NULL, VAL_NONE, NULL,
	 "print the files that would be applied, in order, and exit"},

	{O_OUT, "out", "DIR", false, CMD_FIX, NULL, VAL_DIR, NULL,
	 "write up, validate and down files into DIR (created when\n"
	 "missing), named in the project's convention (see doc/fix.md)"},
	{O_NAME, "name", "NAME", false, CMD_FIX, NULL, VAL_NONE, NULL,
	 "description (cascade_cleanup) or full up-file name\n"
	 "(060-cascade-cleanup.sql) overriding the detected one"},
	{O_DEPTH, "depth", "N", false, CMD_FIX, NULL, VAL_NONE, NULL,
	 "only edges at depth <= N (1: the root's direct references)"},
	{O_MINIMAL, "minimal", NULL, false, CMD_FIX, NULL, VAL_NONE, NULL,
	 "PostgreSQL: leave alone the edges proven harmless for any\n"
	 "data (blocks: not-on-postgres)"},
	{O_CHECK, "check", NULL, false, CMD_FIX, NULL, VAL_NONE, NULL, "write nothing; exit 1 when a fix is needed"},
	{O_FORCE, "force", NULL, false, CMD_FIX, NULL, VAL_NONE, NULL, "replace existing output files"},
	{O_LOCK_TIMEOUT, "lock-timeout", "T", false, CMD_FIX, NULL, VAL_NONE, NULL,
	 "lock_timeout for each step (default: 5s)"},
	{O_SHARED_PARENT, "shared-parent", "WHAT", false, CMD_FIX, NULL, VAL_WORDS, "cascade set-null leave",
	 "where a cascade deletes other owners' rows\n"
	 "(cascade-deletes-other-owners): cascade (default: fix as\n"
	 "usual, the header and stderr list those paths), set-null\n"
	 "(ON DELETE SET NULL on the nullable root edge that starts\n"
	 "the path, so the shared rows outlive the owner), leave\n"
	 "(do not re-create the edges that reach other owners' rows)"},

	{O_WITH_FIX, "with-fix", NULL, false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "apply the fix migration before proving (embedded mode)"},
	{O_EXTRA, "extra", "FILE", true, CMD_VERIFY, NULL, VAL_FILE, NULL,
	 "apply FILE after the sources (and the fix), repeatable"},
	{O_TOLERATE, "tolerate", "SQLSTATE[,...]", true, CMD_VERIFY | CMD_CONFIG, "tolerate", VAL_NONE, NULL,
	 "skip a statement that fails with one of these\n"
	 "SQLSTATEs, as the project's migration runner does\n"
	 "(statements the audit ignores are always skipped);\n"
	 "adds to tolerate = of the policy file"},
	{O_KEEP, "keep", NULL, false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "keep the embedded cluster running and say how to connect"},
	{O_CLEANUP, "cleanup", NULL, false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "only remove the cluster directories killed runs left behind\n"
	 "(under $TMPDIR or /tmp), say which, and exit"},
	{O_ALLOW_UNSEEDED, "allow-unseeded", NULL, false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "a closure table that could not be seeded is not a failure"},
	{O_TIMINGS, "timings", NULL, false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "print startup, apply, load, seed and delete times to stderr"},
	{O_RETAIN, "retain", "TABLE", true, CMD_VERIFY | CMD_CONFIG, "retain", VAL_NONE, NULL,
	 "A's rows may stay in TABLE (schema.table), repeatable;\n"
	 "adds to [erase] retain of the policy file"},
	{O_LOCK_TIMEOUT, "lock-timeout", "T", false, CMD_VERIFY, NULL, VAL_NONE, NULL,
	 "lock_timeout of the live session (default 2s; statement_timeout\n"
	 "is the larger of 30s and T, unless the session already has\n"
	 "a stricter one)"},

	{O_NEW, "new", "FILE", true, CMD_LINT, NULL, VAL_FILE, NULL, "a new file to check, repeatable"},
	{O_SINCE, "since", "REV", false, CMD_LINT, NULL, VAL_NONE, NULL,
	 "check the files added or modified since the git\n"
	 "revision REV (git diff --name-only REV), and the\n"
	 "untracked .sql files under PATH... (each one named)\n"
	 "(neither --new nor --since: check every file)"},

	{O_KEY, "key", "VALUE", false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "the root row's key; composite: --key a=1,b=2"},
	{O_DRY_RUN, "dry-run", NULL, false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "print the plan (exact counts), change nothing"},
	{O_YES, "yes", NULL, false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "erase without asking (needed when stdin is not a terminal)"},
	{O_ORDER_DELETES, "order-deletes", NULL, false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "when foreign keys block the delete: delete children first"},
	{O_BATCH_ROWS, "batch-rows", "N", false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "batches of at most N rows, each its own transaction\n"
	 "(resumable: run the same command again)"},
	{O_LOCK_TIMEOUT, "lock-timeout", "T", false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "lock_timeout of each transaction (default: 5s)"},
	{O_STATEMENT_TIMEOUT, "statement-timeout", "T", false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "statement_timeout of each transaction (default: 5min)"},
	{O_RECEIPT, "receipt", "FILE", false, CMD_ERASE, NULL, VAL_FILE, NULL,
	 "write a JSON receipt (atomically)"},
	{O_RECEIPT_SALT, "receipt-salt", "S", false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "salt of the key's SHA-256 (default: $PGCASCADE_RECEIPT_SALT)"},
	{O_RECEIPT_INCLUDE_KEY, "receipt-include-key", NULL, false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "put the raw key in the receipt"},
	{O_CHECK_RECEIPT, "check-receipt", "FILE", false, CMD_ERASE, NULL, VAL_FILE, NULL,
	 "validate a receipt (exit 1 when invalid)"},
	{O_EMIT_SQL, "emit-sql", "FILE", false, CMD_ERASE, NULL, VAL_FILE, NULL,
	 "write the erasure as a parameterised SQL script ($1 = key)"},
	{O_CHECK, "check", NULL, false, CMD_ERASE, NULL, VAL_NONE, NULL,
	 "with --emit-sql: exit 1 when FILE is stale, write nothing"},
};
const size_t pgc_noptions = sizeof(pgc_options) / sizeof(pgc_options[0]);

static bool takes(const Command *c, const OptSpec *o)
{
	return (o->commands & c->bit) != 0;
}

const OptSpec *opt_spec(const Command *c, OptId id)
{
	for (size_t i = 0; i < pgc_noptions; i++)
		if (pgc_options[i].id == id && takes(c, &pgc_options[i]))
			return &pgc_options[i];
	return NULL;
}

bool opt_given(const Settings *s, OptId id)
{
	return s->v[id].n > 0;
}

const char *opt_str(const Settings *s, OptId id, const char *def)
{
	return s->v[id].n ? s->v[id].vals[s->v[id].n - 1] : def;
}

void cli_help(FILE *f, const Command *c)
{
	fputs(c->usage, f);
	fputs("options:\n", f);
	for (size_t i = 0; i < pgc_noptions; i++) {
		const OptSpec *o = &pgc_options[i];
		if (!takes(c, o))
			continue;
		char head[64];
		int n = snprintf(head, sizeof(head), "  --%s%s%s", o->name, o->metavar ? " " : "",
		                 o->metavar ? o->metavar : "");
		fprintf(f, "%s%*s", head, n < 23 ? 24 - n : 2, "");
		for (const char *p = o->help; *p; p++) {
			fputc(*p, f);
			if (*p == '\n')
				fprintf(f, "%24s", "");
		}
		fputc('\n', f);
	}
	if (c->formats) {
		fputs("\nformats: ", f);
		const char *p = c->formats;
		for (bool first = true; *p; first = false) {
			size_t len = strcspn(p, " ");
			fprintf(f, "%s%.*s%s", first ? "" : ", ", (int)len, p, first ? " (default)" : "");
			p += len;
			p += strspn(p, " ");
		}
		fputc('\n', f);
	}
	if (c->tail)
		fputs(c->tail, f);
}

/* The option of c named name[0..len): exact, else the unique prefix. */
static const OptSpec *find(const Command *c, const char *name, size_t len, bool *ambiguous)
{
	const OptSpec *hit = NULL;
	int nhit = 0;
	*ambiguous = false;
	for (size_t i = 0; i < pgc_noptions; i++) {
		const OptSpec *o = &pgc_options[i];
		if (!takes(c, o) || strncmp(o->name, name, len) != 0)
			continue;
		if (strlen(o->name) == len)
			return o;
		hit = o;
		nhit++;
	}
	*ambiguous = nhit > 1;
	return nhit == 1 ? hit : NULL;
}

/* The option nearest to name (edit distance at most 2) among those of c
 * (any_command false) or of any command, or NULL. */
static const OptSpec *nearest(const Command *c, const char *name, bool any_command)
{
	const OptSpec *best = NULL;
	int bestd = 3;
	for (size_t i = 0; i < pgc_noptions; i++) {
		const OptSpec *o = &pgc_options[i];
		if (!any_command && !takes(c, o))
			continue;
		int d = edit_distance(name, o->name);
		if (d < bestd) {
			bestd = d;
			best = o;
		}
	}
	return best;
}

/* The error for an option c does not know; name is the text between
 * "--" and "=" (never the value). */
static int unknown(Arena *a, const Command *c, const char *name, size_t len, bool ambiguous, Err *err)
{
	char *nm = arena_strndup(a, name, len);
	if (ambiguous) {
		StrBuf sb = STRBUF_INIT;
		for (size_t i = 0; i < pgc_noptions; i++)
			if (takes(c, &pgc_options[i]) && strncmp(pgc_options[i].name, nm, len) == 0)
				sb_addf(&sb, "%s'--%s'", sb.len ? ", " : "", pgc_options[i].name);
		err_set(err, PGC_EXIT_USAGE, "option '--%s' is ambiguous (%s); spell it out", nm, sb.buf);
		sb_release(&sb);
		return -1;
	}
	const OptSpec *near = nearest(c, nm, false);
	if (near)
		return err_set(err, PGC_EXIT_USAGE, "unknown option '--%s' (did you mean '--%s'?)", nm, near->name);
	near = nearest(c, nm, true);
	if (near && strcmp(near->name, nm) == 0)
		return err_set(err, PGC_EXIT_USAGE, "%s takes no option '--%s' (see pgcascade %s --help)", c->name, nm,
		               c->name);
	return err_set(err, PGC_EXIT_USAGE, "unknown option '--%s' (see pgcascade %s --help)", nm, c->name);
}

static void push(Arena *a, OptValue *v, const char *s)
{
	const char **nv = arena_alloc(a, (size_t)(v->n + 1) * sizeof(*nv));
	if (v->n)
		memcpy(nv, v->vals, (size_t)v->n * sizeof(*nv));
	nv[v->n++] = s;
	v->vals = nv;
}

/* --config FILE, --no-config, or the nearest file upwards. */
static int read_config(Arena *a, Settings *s, Err *err)
{
	config_init(&s->cfg);
	const char *path = opt_str(s, O_CONFIG, NULL);
	if (opt_given(s, O_NO_CONFIG) && (!path || s->v[O_NO_CONFIG].last > s->v[O_CONFIG].last)) {
		s->config_how = "--no-config"; /* the last of --config and --no-config wins */
		return 0;
	}
	s->config_how = "--config";
	if (!path) {
		path = config_find(a, ".");
		s->config_how = path ? "found upwards" : "none found";
	}
	return path ? config_load(a, path, &s->cfg, err) : 0;
}

int cli_parse(Arena *a, const Command *c, int argc, char **argv, Settings *s, Err *err)
{
	memset(s, 0, sizeof(*s));
	s->cmd = c;
	s->paths = arena_alloc(a, (size_t)(argc + 1) * sizeof(*s->paths));
	bool help = false;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "--") == 0) {
			while (++i < argc)
				s->paths[s->npaths++] = argv[i];
			break;
		}
		if (arg[0] != '-' || arg[1] == '\0') {
			s->paths[s->npaths++] = arg;
			continue;
		}
		if (arg[1] != '-')
			return err_set(err, PGC_EXIT_USAGE,
			               "unknown option '-%c' (options are long: --name; see pgcascade %s --help)", arg[1],
			               c->name);
		const char *name = arg + 2, *eq = strchr(name, '=');
		size_t len = eq ? (size_t)(eq - name) : strlen(name);
		bool ambiguous;
		const OptSpec *o = find(c, name, len, &ambiguous);
		if (!o)
			return unknown(a, c, name, len, ambiguous, err);
		const char *val = "";
		if (!o->metavar && eq)
			return err_set(err, PGC_EXIT_USAGE, "option '--%s' takes no value", o->name);
		if (o->metavar) {
			if (eq)
				val = eq + 1;
			else if (i + 1 < argc)
				val = argv[++i]; /* the value, whatever it looks like */
			else
				return err_set(err, PGC_EXIT_USAGE, "option '--%s' needs a value (%s)", o->name, o->metavar);
		}
		if (o->id == O_HELP)
			help = true;
		push(a, &s->v[o->id], val);
		s->v[o->id].last = i;
	}
	if (help) {
		cli_help(stdout, c);
		return 1;
	}
	return read_config(a, s, err) < 0 ? -1 : 0;
}
