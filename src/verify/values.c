/*
 * values.c - value generation for the seeder: candidate values read out
 * of CHECK constraints (the hints), generic values per type, and the
 * candidate a column takes on a given attempt; see seed_int.h.
 *
 * Values: each column gets candidates from the CHECK constraints that
 * mention it (check.c reads them with libpg_query) and
 * then generic values for its type, distinct per row (a global serial)
 * for UNIQUE. Values are text parameters: the server converts them to
 * the column types, so arrays, enums, domains, json, ranges and the rest
 * need only a valid text form.
 */
#include "verify/seed_int.h"
#include "util/quote.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* ---------- CHECK hints (the solver is check.c) ---------- */

void sd_add_hint(Arena *a, Hints *h, const char *v)
{
	for (size_t i = 0; i < h->vals.n; i++)
		if (strcmp(h->vals.items[i], v) == 0)
			return;
	VEC_PUSH(a, h->vals, v);
}

/* After all checks: turn numeric bounds into one hint. */
void sd_finish_bounds(Arena *a, Hints *h)
{
	sd_finish_labels(a, h);
	sd_finish_lengths(a, h);
	if (!h->has_lo && !h->has_hi)
		return;
	double v;
	if (h->has_lo) {
		v = h->lo_strict ? floor(h->lo) + 1 : ceil(h->lo);
		if (h->has_hi && (v > h->hi || (h->hi_strict && v >= h->hi)))
			v = h->lo_strict ? (h->lo + h->hi) / 2 : h->lo; /* a fractional range */
	} else {
		v = 1;
		if (v > h->hi || (h->hi_strict && v >= h->hi))
			v = h->hi_strict ? ceil(h->hi) - 1 : floor(h->hi);
	}
	char buf[64];
	if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, sizeof(buf), "%.0f", v);
	else
		snprintf(buf, sizeof(buf), "%g", v);
	/* bounds go first: they are what the check demands */
	if (h->bound_pushed) {
		h->vals.items[0] = arena_strdup(a, buf);
		return;
	}
	VEC_PUSH(a, h->vals, NULL);
	memmove(h->vals.items + 1, h->vals.items, (h->vals.n - 1) * sizeof(*h->vals.items));
	h->vals.items[0] = arena_strdup(a, buf);
	h->bound_pushed = true;
}

/* The candidates of one column for expr (value_col 0: a domain check). */
static int hints_one(Arena *a, const char *expr, const char *column, int value_col, const char *const *labels,
                     int nlabels, const char ***out)
{
	Column col = {0};
	col.name = column;
	Column *cols[1] = {&col};
	TState t = {0};
	t.cols = cols;
	t.ncols = 1;
	t.hints = arena_alloc(a, sizeof(*t.hints));
	t.hints[0].labels = nlabels > 0 ? labels : NULL;
	t.hints[0].nlabels = nlabels;
	sd_hints_from_expr(a, &t, expr, value_col);
	sd_finish_bounds(a, &t.hints[0]);
	*out = t.hints[0].vals.items;
	return (int)t.hints[0].vals.n;
}

int seed_check_hints_enum(Arena *a, const char *expr, const char *column, const char *const *labels, int nlabels,
                          const char ***out)
{
	return hints_one(a, expr, column, -1, labels, nlabels, out);
}

int seed_check_hints(Arena *a, const char *expr, const char *column, bool is_domain,
                     const char ***out)
{
	return hints_one(a, expr, column, is_domain ? 0 : -1, NULL, 0, out);
}

void seed_check_row(Arena *a, const char *expr, const char *const *cols, const char *const *fixed, int ncols,
                    const char **out)
{
	Column *cv = arena_alloc(a, (size_t)(ncols + 1) * sizeof(*cv));
	Column **cp = arena_alloc(a, (size_t)(ncols + 1) * sizeof(*cp));
	bool *copy = arena_alloc(a, (size_t)(ncols + 1) * sizeof(*copy));
	bool *fx = arena_alloc(a, (size_t)(ncols + 1) * sizeof(*fx));
	for (int c = 0; c < ncols; c++) {
		cv[c].name = cols[c];
		cp[c] = &cv[c];
	}
	TState t = {0};
	t.cols = cp;
	t.ncols = ncols;
	t.hints = arena_alloc(a, (size_t)(ncols + 1) * sizeof(*t.hints));
	sd_hints_from_expr(a, &t, expr, -1);
	for (int c = 0; c < ncols; c++) {
		sd_finish_bounds(a, &t.hints[c]);
		fx[c] = fixed[c] != NULL;
		copy[c] = !fx[c];
		out[c] = fx[c] ? fixed[c] : t.hints[c].vals.n ? t.hints[c].vals.items[0] : NULL;
	}
	sd_copy_equal(&t, copy, fx, out);
}

void sd_copy_equal(const TState *t, const bool *may_copy, const bool *fixed, const char **chosen)
{
	for (int c = 0; c < t->ncols; c++) {
		int o = t->hints[c].eq_col - 1;
		if (o >= 0 && o < t->ncols && may_copy[c] && chosen[o] && (fixed[o] || o < c))
			chosen[c] = chosen[o];
	}
}

/* ---------- generic values by type ---------- */

/* The type's bare lower-case name without schema, modifiers or []. */
static void base_name(const char *type, char *out, size_t size, int *mod1, int *mod2)
{
	*mod1 = *mod2 = -1;
	const char *p = type ? type : "text";
	/* skip a schema qualification outside quotes */
	const char *dot = NULL;
	bool q = false;
	for (const char *x = p; *x; x++) {
		if (*x == '"')
			q = !q;
		else if (*x == '.' && !q)
			dot = x;
		else if (*x == '(' && !q)
			break;
	}
	if (dot)
		p = dot + 1;
	size_t n = 0;
	for (; *p && *p != '(' && *p != '[' && n + 1 < size; p++)
		if (*p != '"')
			out[n++] = (char)tolower((unsigned char)*p);
	while (n && out[n - 1] == ' ')
		n--;
	out[n] = '\0';
	if (*p == '(') {
		*mod1 = atoi(p + 1);
		const char *c = strchr(p, ',');
		if (c && (!strchr(p, ')') || c < strchr(p, ')')))
			*mod2 = atoi(c + 1);
	}
	/* "timestamp(3) with time zone" keeps its tail after the modifier */
	const char *close = *p == '(' ? strchr(p, ')') : NULL;
	if (close && close[1] == ' ' && n + strlen(close + 1) + 1 < size)
		snprintf(out + n, size - n, "%s", close + 1);
}

static void base36(long v, int width, char *out)
{
	static const char dig[] = "0123456789abcdefghijklmnopqrstuvwxyz";
	char tmp[32];
	int n = 0;
	do {
		tmp[n++] = dig[v % 36];
		v /= 36;
	} while (v && n < 31);
	int k = 0;
	if (width > 0 && n > width)
		n = width; /* keep the low digits: still distinct across the first 36^width rows */
	while (n)
		out[k++] = tmp[--n];
	out[k] = '\0';
}

/*
 * The k-th generic candidate for a scalar type (serial makes it
 * distinct). Returns false when k is past the last candidate.
 */
static bool generic_scalar(const char *type, int k, long serial, char *out, size_t size)
{
	char b[128];
	int m1, m2;
	base_name(type, b, sizeof(b), &m1, &m2);
	long n = serial;
#define CAND(...) do { const char *c_[] = {__VA_ARGS__}; \
		if (k < (int)(sizeof(c_) / sizeof(c_[0]))) { snprintf(out, size, "%s", c_[k]); return true; } \
		return false; } while (0)
	if (!strcmp(b, "integer") || !strcmp(b, "bigint") || !strcmp(b, "int") || !strcmp(b, "int4") ||
	    !strcmp(b, "int8") || !strcmp(b, "oid") || !strcmp(b, "int2") || !strcmp(b, "smallint")) {
		if (k == 0) {
			snprintf(out, size, "%ld", (!strcmp(b, "smallint") || !strcmp(b, "int2")) ? n % 32000 + 1 : n);
			return true;
		}
		CAND("", "1", "0", "-1", "100", "1000000");
	}
	if (!strcmp(b, "numeric") || !strcmp(b, "decimal")) {
		if (k == 0) {
			long lim = 1;
			if (m1 > 0) {
				int digits = m1 - (m2 > 0 ? m2 : 0);
				for (int i = 0; i < digits && lim < 1000000000L; i++)
					lim *= 10;
				snprintf(out, size, "%ld", digits > 0 ? n % lim : 0);
			} else {
				snprintf(out, size, "%ld", n);
			}
			return true;
		}
		CAND("", "1", "0", "0.5", "-1", "100");
	}
	if (!strcmp(b, "real") || !strcmp(b, "double precision") || !strcmp(b, "float4") ||
	    !strcmp(b, "float8")) {
		if (k == 0) {
			snprintf(out, size, "%ld.5", n);
			return true;
		}
		CAND("", "1", "0", "0.5", "-1");
	}
	if (!strcmp(b, "money")) {
		if (k == 0) {
			snprintf(out, size, "%ld.00", n);
			return true;
		}
		CAND("", "1.00", "0.00");
	}
	if (!strcmp(b, "boolean") || !strcmp(b, "bool"))
		CAND("true", "false");
	if (!strcmp(b, "text") || !strcmp(b, "character varying") || !strcmp(b, "varchar") ||
	    !strcmp(b, "citext") || !strcmp(b, "name") || !strcmp(b, "character") ||
	    !strcmp(b, "bpchar") || !strcmp(b, "char") || !strcmp(b, "string")) {
		int width = m1 > 0 ? m1 : -1;
		if (!strcmp(b, "char"))
			width = 1;
		if (!strcmp(b, "character") && m1 < 0)
			width = 1;
		char d[32];
		if (k == 0 || k == 1) {
			base36(n, width > 0 ? (k == 0 && width > 1 ? width - 1 : width) : -1, d);
			if (k == 0 && (width < 0 || width > 1))
				snprintf(out, size, "v%s", d);
			else
				snprintf(out, size, "%s", d);
			return true;
		}
		if (k == 2) {
			snprintf(out, size, "u%ld@example.com", n);
			if (width > 0 && (int)strlen(out) > width)
				out[width] = '\0';
			return true;
		}
		CAND("", "", "", "a", "A", "x", "0", "1", "");
	}
	if (!strcmp(b, "uuid")) {
		if (k == 0) {
			snprintf(out, size, "00000000-0000-4000-8000-%012lx", (unsigned long)n);
			return true;
		}
		return false;
	}
	if (!strcmp(b, "json") || !strcmp(b, "jsonb")) {
		if (k == 0) {
			snprintf(out, size, "{}");
			return true;
		}
		if (k == 1) {
			snprintf(out, size, "{\"pgcascade\": %ld}", n);
			return true;
		}
		CAND("", "", "[]", "\"x\"", "0", "true", "null");
	}
	if (!strcmp(b, "date")) {
		time_t t = 946684800 + (time_t)(n % 36500) * 86400; /* 2000-01-01 */
		struct tm tm;
		gmtime_r(&t, &tm);
		if (k == 0) {
			strftime(out, size, "%Y-%m-%d", &tm);
			return true;
		}
		CAND("", "2030-01-01", "1990-01-01", "today");
	}
	if (!strncmp(b, "timestamp", 9)) {
		time_t t = 946684800 + (time_t)n * 60;
		struct tm tm;
		gmtime_r(&t, &tm);
		if (k == 0) {
			strftime(out, size, strstr(b, "with time zone") ? "%Y-%m-%d %H:%M:%S+00" : "%Y-%m-%d %H:%M:%S", &tm);
			return true;
		}
		CAND("", "2030-01-01 00:00:00", "1990-01-01 00:00:00", "now");
	}
	if (!strncmp(b, "time", 4)) {
		if (k == 0) {
			snprintf(out, size, "%02ld:%02ld:00", (n / 60) % 24, n % 60);
			return true;
		}
		CAND("", "12:00:00", "00:00:00");
	}
	if (!strcmp(b, "interval")) {
		if (k == 0) {
			snprintf(out, size, "%ld seconds", n);
			return true;
		}
		CAND("", "1 day", "0", "1 hour");
	}
	if (!strcmp(b, "bytea") || !strcmp(b, "bytes")) {
		if (k == 0) {
			snprintf(out, size, "\\x%08lx", (unsigned long)n);
			return true;
		}
		CAND("", "\\x00", "\\x");
	}
	if (!strcmp(b, "inet")) {
		if (k == 0) {
			snprintf(out, size, "10.%ld.%ld.%ld", (n >> 16) & 255, (n >> 8) & 255, n & 255);
			return true;
		}
		CAND("", "127.0.0.1", "::1");
	}
	if (!strcmp(b, "cidr")) {
		if (k == 0) {
			snprintf(out, size, "10.%ld.%ld.0/24", (n >> 8) & 255, n & 255);
			return true;
		}
		CAND("", "10.0.0.0/8");
	}
	if (!strcmp(b, "macaddr")) {
		snprintf(out, size, "08:00:2b:%02lx:%02lx:%02lx", (n >> 16) & 255, (n >> 8) & 255, n & 255);
		return k == 0;
	}
	if (!strcmp(b, "macaddr8")) {
		snprintf(out, size, "08:00:2b:ff:fe:%02lx:%02lx:%02lx", (n >> 16) & 255, (n >> 8) & 255, n & 255);
		return k == 0;
	}
	if (!strcmp(b, "bit") || !strcmp(b, "bit varying") || !strcmp(b, "varbit")) {
		int w = m1 > 0 ? m1 : 1;
		if (w > 64)
			w = 64;
		for (int i = 0; i < w && (size_t)i + 1 < size; i++)
			out[i] = (char)('0' + ((n >> (w - 1 - i)) & 1));
		out[w < (int)size ? w : (int)size - 1] = '\0';
		return k == 0;
	}
	if (!strcmp(b, "geometry") || !strcmp(b, "geography")) {
		/* PostGIS: geometry(Point,4326) wants that subtype and SRID (EWKT) */
		const char *p = strchr(type, '(');
		char sub[32] = "POINT", srid[16] = "";
		if (p) {
			size_t l = strcspn(p + 1, ",)");
			if (l > 0 && l < sizeof(sub))
				snprintf(sub, sizeof(sub), "%.*s", (int)l, p + 1);
			const char *c = strchr(p, ',');
			if (c)
				snprintf(srid, sizeof(srid), "%d", atoi(c + 1));
		}
		for (char *q = sub; *q; q++)
			*q = (char)toupper((unsigned char)*q);
		const char *shape = strncmp(sub, "MULTIPOLYGON", 12) == 0 ? "MULTIPOLYGON(((0 0,0 1,1 1,0 0)))"
		                  : strncmp(sub, "POLYGON", 7) == 0      ? "POLYGON((0 0,0 1,1 1,0 0))"
		                  : strncmp(sub, "MULTILINESTRING", 15) == 0 ? "MULTILINESTRING((0 0,1 1))"
		                  : strncmp(sub, "LINESTRING", 10) == 0  ? "LINESTRING(0 0,1 1)"
		                  : strncmp(sub, "MULTIPOINT", 10) == 0  ? "MULTIPOINT((0 0))"
		                                                         : "POINT(0 0)";
		if (k == 0 && *srid && strcmp(srid, "0") != 0) {
			snprintf(out, size, "SRID=%s;%s", srid, shape);
			return true;
		}
		if (k == 0 || (k == 1 && *srid)) {
			snprintf(out, size, "%s", shape);
			return true;
		}
		return false;
	}
	if (!strcmp(b, "point")) CAND("(0,0)");
	if (!strcmp(b, "line")) CAND("{1,-1,0}");
	if (!strcmp(b, "lseg")) CAND("[(0,0),(1,1)]");
	if (!strcmp(b, "box")) CAND("((0,0),(1,1))");
	if (!strcmp(b, "path")) CAND("[(0,0),(1,1)]");
	if (!strcmp(b, "polygon")) CAND("((0,0),(1,1),(1,0))");
	if (!strcmp(b, "circle")) CAND("<(0,0),1>");
	if (!strcmp(b, "tsvector") || !strcmp(b, "tsquery")) CAND("a", "b");
	if (!strcmp(b, "xml")) CAND("<a/>");
	if (!strcmp(b, "hstore")) CAND("a=>1", "");
	if (!strcmp(b, "ltree")) CAND("a", "a.b");
	if (!strcmp(b, "regclass")) CAND("pg_class");
	if (!strcmp(b, "regtype")) CAND("integer");
	if (strstr(b, "range")) CAND("empty", "[1,2)");
	/* unknown: try the usual text forms */
	CAND("x", "0", "1", "{}", "()", "empty", "t", "2000-01-01");
#undef CAND
}

/* Quotes one array element: "..." with \ and " escaped. */
void sd_array_elem(StrBuf *sb, const char *v)
{
	sb_addch(sb, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addch(sb, '\\');
		sb_addch(sb, *p);
	}
	sb_addch(sb, '"');
}

bool seed_generic_value(const char *type, int k, long serial, char *out, size_t size)
{
	return generic_scalar(type, k, serial, out, size);
}

/* ---------- the candidate for one column ---------- */

bool sd_seq_fed(const Column *col)
{
	if (col->generated)
		return false;
	return col->identity || (col->default_expr && strstr(col->default_expr, "nextval("));
}

/*
 * A key a sequence would have given, taken from the top of the type's
 * range instead, where a live table's own keys are unlikely to be (a
 * clash is a unique violation, and the next candidate is tried).
 */
static bool seq_value(const char *type, long serial, char *out, size_t size)
{
	char b[128];
	int m1, m2;
	base_name(type, b, sizeof(b), &m1, &m2);
	if (!strcmp(b, "integer") || !strcmp(b, "int") || !strcmp(b, "int4"))
		snprintf(out, size, "%ld", 2000000000L + serial % 100000000L);
	else if (!strcmp(b, "bigint") || !strcmp(b, "int8"))
		snprintf(out, size, "%lld", 9000000000000000000LL + (long long)serial);
	else if (!strcmp(b, "smallint") || !strcmp(b, "int2"))
		snprintf(out, size, "%ld", 30000L + serial % 2000L);
	else if ((!strcmp(b, "numeric") || !strcmp(b, "decimal")) && m1 <= 0)
		snprintf(out, size, "%lld", 9000000000000000000LL + (long long)serial);
	else
		return false;
	return true;
}

/*
 * The variant-th candidate for column c of table t: check hints first
 * (rotated by the row number when the column is unique), then generic
 * values for its type. Arena-owned; NULL means past the last one.
 */
const char *sd_candidate(Seeder *s, TState *t, int c, int variant, int rowno)
{
	Column *col = t->cols[c];
	Hints *h = &t->hints[c];
	int nh = (int)h->vals.n;
	if (variant < nh) {
		int i = t->in_unique[c] ? (variant + rowno) % nh : variant;
		const char *v = h->vals.items[i];
		if (col->ndims > 0) {
			StrBuf sb = STRBUF_INIT;
			sb_addch(&sb, '{');
			sd_array_elem(&sb, v);
			sb_addch(&sb, '}');
			const char *r = arena_strdup(s->a, sb.buf);
			sb_release(&sb);
			return r;
		}
		return v;
	}
	int k = variant - nh;
	const char *type = col->type;
	const UserType *u = NULL;
	if (col->typtype == 'e' || col->typtype == 'd' || col->typtype == 'r' || col->typtype == 'c')
		u = sd_find_type(s->m, col->type_schema, col->type_name);
	char buf[256];
	bool got = false;
	if (u && u->typtype == 'e') {
		if (u->nlabels > 0 && k < u->nlabels) {
			snprintf(buf, sizeof(buf), "%s", u->labels[(k + (t->in_unique[c] ? rowno : 0)) % u->nlabels]);
			got = true;
		}
	} else if (u && u->typtype == 'd' && u->base_type) {
		got = generic_scalar(u->base_type, k, s->serial++, buf, sizeof(buf));
	} else if (u && u->typtype == 'r') {
		got = k == 0;
		snprintf(buf, sizeof(buf), "empty");
	} else if (u && u->typtype == 'c') {
		got = k == 0;
		snprintf(buf, sizeof(buf), "()");
	} else if (k == 0 && sd_seq_fed(col) && seq_value(type, s->serial++, buf, sizeof(buf))) {
		got = true;
	} else {
		got = generic_scalar(type, k, s->serial++, buf, sizeof(buf));
	}
	if (!got) {
		if (col->ndims > 0 && k == 0)
			return "{}";
		return NULL;
	}
	if (col->ndims > 0) {
		StrBuf sb = STRBUF_INIT;
		sb_addch(&sb, '{');
		sd_array_elem(&sb, buf);
		sb_addch(&sb, '}');
		const char *r = arena_strdup(s->a, sb.buf);
		sb_release(&sb);
		return r;
	}
	return arena_strdup(s->a, buf);
}

/* ---------- partition bounds ---------- */

static void push_front_hint(Arena *a, Hints *h, const char *v)
{
	VEC_PUSH(a, h->vals, v);
	memmove(h->vals.items + 1, h->vals.items, (h->vals.n - 1) * sizeof(*h->vals.items));
	h->vals.items[0] = v;
}

/*
 * A partitioned table takes only rows some partition accepts. The model
 * does not hold partition bounds, so read them from the server (one
 * query) and put the lower bound of a range partition (or the first
 * value of a list partition) first among the key columns' candidates.
 * Any failure here only means fewer hints.
 */
void sd_partition_hints(Seeder *s, TState *t)
{
	StrBuf qn = STRBUF_INIT;
	sb_add_qualified(&qn, t->t->schema, t->t->name);
	const char *p1[1] = {qn.buf};
	PGresult *sp = PQexec(s->conn, "SAVEPOINT pgcascade_part");
	PQclear(sp);
	PGresult *r = PQexecParams(s->conn,
		"SELECT pg_get_partkeydef($1::regclass), "
		"(SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
		" WHERE i.inhparent = $1::regclass ORDER BY pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' DESC, c.relname LIMIT 1)",
		1, NULL, p1, NULL, NULL, 0);
	sb_release(&qn);
	sp = PQexec(s->conn, PQresultStatus(r) == PGRES_TUPLES_OK
	                         ? "RELEASE SAVEPOINT pgcascade_part"
	                         : "ROLLBACK TO SAVEPOINT pgcascade_part; RELEASE SAVEPOINT pgcascade_part");
	PQclear(sp);
	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1 || PQgetisnull(r, 0, 0) ||
	    PQgetisnull(r, 0, 1)) {
		PQclear(r);
		return;
	}
	const char **cols, **vals;
	int n = sd_partition_values(s->a, PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 1), &cols, &vals);
	PQclear(r);
	for (int k = 0; k < n; k++) {
		int c = cols[k] ? sd_col_index(t, cols[k]) : -1;
		if (c >= 0 && vals[k]) {
			push_front_hint(s->a, &t->hints[c], vals[k]);
			t->hints[c].must_fill = true;
		}
	}
}
