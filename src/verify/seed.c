/*
 * seed.c - seeding and the proof; see seed.h.
 *
 * Design. One row goes into the root table. Then every incoming closure
 * edge (child --fk--> parent) becomes a task: insert one row into the
 * child whose fk columns point at a seeded row of the parent, so each
 * FK path from the root is exercised by a row of its own. Tasks run in
 * closure order (depth first) and are retried until no task makes
 * progress, which handles children of children, self-references and
 * NOT NULL references between closure tables. The row's other FKs are
 * NULL when their columns are nullable (so the row tests exactly its
 * own path); otherwise they point at a seeded closure row or at a
 * helper row inserted, recursively and with the same generator, into a
 * table outside the closure.
 *
 * Values: each column gets candidates from the CHECK constraints that
 * mention it (IN lists, = ANY (ARRAY[...]), comparisons, BETWEEN) and
 * then generic values for its type, distinct per row (a global serial)
 * for UNIQUE. Each insert runs under a savepoint; on a check, unique,
 * not-null or data error the columns concerned move to their next
 * candidate and the insert is tried again, a bounded number of times.
 * Values are text parameters: the server converts them to the column
 * types, so arrays, enums, domains, json, ranges and the rest need only
 * a valid text form.
 */
#include "verify/seed.h"
#include "exitcodes.h"
#include "util/quote.h"
#include "util/strbuf.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ATTEMPTS 40
#define MAX_HELPER_DEPTH 16

typedef struct Row {
	char **v;                 /* text value per live column; NULL = SQL NULL */
	const char *key;          /* key expression's value, to count it later */
	bool linked;              /* reaches the root */
} Row;

typedef struct Hints {
	PGC_VEC(const char *) vals;
	bool must_fill;           /* IS NOT NULL in a check */
	bool has_lo, lo_strict, has_hi, hi_strict;
	double lo, hi;
	bool bound_pushed;        /* vals[0] is the value the bounds chose */
} Hints;

typedef struct TState {
	Table *t;
	Column **cols;            /* live columns */
	int ncols;
	Hints *hints;             /* per column */
	bool *in_unique;          /* per column: part of a unique index */
	PGC_VEC(const ForeignKey *) fks;  /* outgoing */
	PGC_VEC(const Index *) uniques;
	PGC_VEC(const Check *) checks;
	PGC_VEC(Row *) rows;
	Row *helper;              /* a reusable row when the table is outside the closure */
	bool in_closure;          /* in the closure of the current root, or the root itself */
	int depth;
	const char *keyexpr;      /* SQL for the row key, e.g. ROW("id")::text */
	bool prepared;
} TState;

typedef struct Seeder {
	PGconn *conn;
	Model *m;
	Arena *a;
	const SeedOptions *opt;
	TState *ts;               /* by Table.id */
	size_t nts;
	long serial;
	int helper_rows;
	bool retry;               /* 40001 seen */
	bool boundary;            /* the row being seeded exercises a SET NULL / SET DEFAULT edge */
	Err *err;
	char reason[1024];        /* why the last insert failed */
} Seeder;

enum { INS_OK = 0, INS_WAIT = 1, INS_FAIL = 2, INS_DBERR = -1 };

/* ---------- small helpers ---------- */

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *field(const PGresult *r, int f)
{
	const char *s = r ? PQresultErrorField(r, f) : NULL;
	return s ? s : "";
}

/* Connection-level failure (server gone, admin shutdown): fatal, exit 3. */
static bool conn_failed(Seeder *s, const PGresult *r)
{
	if (PQstatus(s->conn) != CONNECTION_OK)
		return true;
	const char *st = field(r, PG_DIAG_SQLSTATE);
	return !*st || strncmp(st, "08", 2) == 0 || strncmp(st, "57P", 3) == 0 ||
	       strncmp(st, "53", 2) == 0 || strncmp(st, "58", 2) == 0;
}

static int db_fail(Seeder *s, const char *what, const PGresult *r)
{
	const char *msg = r ? PQresultErrorMessage(r) : "";
	if (!*msg)
		msg = PQerrorMessage(s->conn);
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", msg);
	size_t l = strlen(buf);
	while (l && (buf[l - 1] == '\n' || buf[l - 1] == ' '))
		buf[--l] = '\0';
	return err_set(s->err, PGC_EXIT_DB, "%s: %s", what, *buf ? buf : "the server closed the connection");
}

/* Runs one command that must succeed. Returns 0 or -1 (err set). */
static int run(Seeder *s, const char *sql)
{
	PGresult *r = PQexec(s->conn, sql);
	int st = PQresultStatus(r);
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return 0;
	}
	if (strcmp(field(r, PG_DIAG_SQLSTATE), "40001") == 0)
		s->retry = true;
	db_fail(s, sql, r);
	PQclear(r);
	return -1;
}

static int col_index(const TState *t, const char *name)
{
	for (int i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i]->name, name) == 0)
			return i;
	return -1;
}

static TState *st_of(Seeder *s, const Table *t)
{
	return (size_t)t->id < s->nts ? &s->ts[t->id] : NULL;
}

static const UserType *find_type(const Model *m, const char *schema, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < m->types.n; i++) {
		const UserType *u = m->types.items[i];
		if (!u->dropped && strcmp(u->name, name) == 0 &&
		    (!schema || !u->schema || strcmp(u->schema, schema) == 0))
			return u;
	}
	return NULL;
}

/* ---------- reading CHECK expressions ---------- */

typedef enum { T_ID, T_NUM, T_STR, T_OP, T_COMMA, T_LBRACK, T_RBRACK } TokKind;
typedef struct Tok {
	TokKind k;
	char *s;
} Tok;

static bool kw(const Tok *t, const char *w)
{
	return t->k == T_ID && strcasecmp(t->s, w) == 0;
}

/*
 * Tokenises a CHECK expression as pg_get_constraintdef() prints it,
 * dropping parentheses and casts (::type), which is all the pattern
 * matcher below needs. Returns the token count; *out is arena-owned.
 */
static int tokenize(Arena *a, const char *e, Tok **out)
{
	size_t cap = strlen(e) + 1, n = 0;
	Tok *v = arena_alloc(a, cap * sizeof(*v));
	const char *p = e;
	while (*p && n < cap) {
		if (isspace((unsigned char)*p) || *p == '(' || *p == ')') {
			p++;
		} else if (p[0] == ':' && p[1] == ':') {
			/* a cast: skip the type name (words, quoted names, [], (n)) */
			p += 2;
			for (;;) {
				while (*p == ' ')
					p++;
				if (*p == '"') {
					p++;
					while (*p && !(*p == '"' && p[1] != '"'))
						p += (*p == '"') ? 2 : 1;
					if (*p)
						p++;
				} else if (isalpha((unsigned char)*p) || *p == '_') {
					const char *w = p;
					while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
						p++;
					size_t wl = (size_t)(p - w);
					if ((wl == 3 && strncasecmp(w, "and", 3) == 0) ||
					    (wl == 2 && strncasecmp(w, "or", 2) == 0)) {
						p = w;
						break;
					}
				} else if (*p == '[' && p[1] == ']') {
					p += 2;
				} else {
					break;
				}
			}
		} else if (*p == '\'') {
			StrBuf sb = STRBUF_INIT;
			p++;
			while (*p) {
				if (*p == '\'' && p[1] == '\'') {
					sb_addch(&sb, '\'');
					p += 2;
				} else if (*p == '\'') {
					p++;
					break;
				} else {
					sb_addch(&sb, *p++);
				}
			}
			v[n].k = T_STR;
			v[n++].s = arena_strdup(a, sb.buf);
			sb_release(&sb);
		} else if (*p == '"') {
			StrBuf sb = STRBUF_INIT;
			p++;
			while (*p) {
				if (*p == '"' && p[1] == '"') {
					sb_addch(&sb, '"');
					p += 2;
				} else if (*p == '"') {
					p++;
					break;
				} else {
					sb_addch(&sb, *p++);
				}
			}
			v[n].k = T_ID;
			v[n++].s = arena_strdup(a, sb.buf);
			sb_release(&sb);
		} else if (isdigit((unsigned char)*p) ||
		           (*p == '-' && isdigit((unsigned char)p[1]) &&
		            (n == 0 || v[n - 1].k == T_OP || v[n - 1].k == T_COMMA ||
		             v[n - 1].k == T_LBRACK || kw(&v[n - 1], "and") || kw(&v[n - 1], "in") ||
		             kw(&v[n - 1], "between")))) {
			const char *w = p++;
			while (isdigit((unsigned char)*p) || *p == '.' || *p == 'e' || *p == 'E')
				p++;
			v[n].k = T_NUM;
			v[n++].s = arena_strndup(a, w, (size_t)(p - w));
		} else if (isalpha((unsigned char)*p) || *p == '_' || (unsigned char)*p >= 0x80) {
			const char *w = p;
			while (isalnum((unsigned char)*p) || *p == '_' || *p == '$' || (unsigned char)*p >= 0x80)
				p++;
			v[n].k = T_ID;
			v[n++].s = arena_strndup(a, w, (size_t)(p - w));
		} else if (*p == ',') {
			v[n].k = T_COMMA;
			v[n++].s = ",";
			p++;
		} else if (*p == '[') {
			v[n].k = T_LBRACK;
			v[n++].s = "[";
			p++;
		} else if (*p == ']') {
			v[n].k = T_RBRACK;
			v[n++].s = "]";
			p++;
		} else {
			const char *w = p++;
			while (*p && strchr("<>=!~*+-/%|&^#@", *p))
				p++;
			v[n].k = T_OP;
			v[n++].s = arena_strndup(a, w, (size_t)(p - w));
		}
	}
	*out = v;
	return (int)n;
}

static bool is_lit(const Tok *t)
{
	return t->k == T_NUM || t->k == T_STR;
}

static void add_hint(Arena *a, Hints *h, const char *v)
{
	for (size_t i = 0; i < h->vals.n; i++)
		if (strcmp(h->vals.items[i], v) == 0)
			return;
	VEC_PUSH(a, h->vals, v);
}

static void hint_cmp(Arena *a, Hints *h, const char *op, const Tok *lit, bool flipped)
{
	if (flipped) { /* 5 < x  is  x > 5 */
		if (strcmp(op, "<") == 0) op = ">";
		else if (strcmp(op, ">") == 0) op = "<";
		else if (strcmp(op, "<=") == 0) op = ">=";
		else if (strcmp(op, ">=") == 0) op = "<=";
	}
	if (strcmp(op, "=") == 0) {
		add_hint(a, h, lit->s);
		return;
	}
	if (lit->k == T_STR) {
		if (strcmp(op, ">=") == 0 || strcmp(op, "<=") == 0)
			add_hint(a, h, lit->s);
		return;
	}
	double d = atof(lit->s);
	if (op[0] == '>') {
		if (!h->has_lo || d > h->lo || (d == h->lo && op[1] != '=')) {
			h->has_lo = true;
			h->lo = d;
			h->lo_strict = op[1] != '=';
		}
	} else if (op[0] == '<' && op[1] != '>') {
		if (!h->has_hi || d < h->hi || (d == h->hi && op[1] != '=')) {
			h->has_hi = true;
			h->hi = d;
			h->hi_strict = op[1] != '=';
		}
	}
}

/*
 * Reads candidate values out of one CHECK expression. value_col >= 0
 * for a domain check, where VALUE stands for that column.
 */
static void hints_from_expr(Arena *a, TState *t, const char *expr, int value_col)
{
	Tok *tk;
	int n = tokenize(a, expr, &tk);
	for (int i = 0; i < n; i++) {
		int c = -1;
		if (tk[i].k == T_ID)
			c = value_col >= 0 ? (strcasecmp(tk[i].s, "value") == 0 ? value_col : -1)
			                   : col_index(t, tk[i].s);
		if (c >= 0) {
			Hints *h = &t->hints[c];
			if (i + 2 < n && tk[i + 1].k == T_OP && is_lit(&tk[i + 2])) {
				hint_cmp(a, h, tk[i + 1].s, &tk[i + 2], false);
			} else if (i + 1 < n && (kw(&tk[i + 1], "in") ||
			           (i + 3 < n && tk[i + 1].k == T_OP && strcmp(tk[i + 1].s, "=") == 0 &&
			            kw(&tk[i + 2], "any") && kw(&tk[i + 3], "array")))) {
				int j = kw(&tk[i + 1], "in") ? i + 2 : i + 4;
				if (j < n && tk[j].k == T_LBRACK)
					j++;
				for (; j < n && (is_lit(&tk[j]) || tk[j].k == T_COMMA); j++)
					if (is_lit(&tk[j]))
						add_hint(a, h, tk[j].s);
			} else if (i + 4 < n && kw(&tk[i + 1], "between") && is_lit(&tk[i + 2]) &&
			           kw(&tk[i + 3], "and") && is_lit(&tk[i + 4])) {
				Tok lo = tk[i + 2], hi = tk[i + 4];
				hint_cmp(a, h, ">=", &lo, false);
				hint_cmp(a, h, "<=", &hi, false);
			} else if (i + 3 < n && kw(&tk[i + 1], "is") && kw(&tk[i + 2], "not") &&
			           kw(&tk[i + 3], "null")) {
				h->must_fill = true;
			}
		} else if (is_lit(&tk[i]) && i + 2 < n && tk[i + 1].k == T_OP && tk[i + 2].k == T_ID) {
			int c2 = value_col >= 0 ? (strcasecmp(tk[i + 2].s, "value") == 0 ? value_col : -1)
			                        : col_index(t, tk[i + 2].s);
			if (c2 >= 0)
				hint_cmp(a, &t->hints[c2], tk[i + 1].s, &tk[i], true);
		}
	}
}

/* Columns an expression mentions (by name), as a bitmap. */
static void cols_in_expr(Arena *a, const TState *t, const char *expr, bool *mark)
{
	Tok *tk;
	int n = tokenize(a, expr, &tk);
	for (int i = 0; i < n; i++)
		if (tk[i].k == T_ID) {
			int c = col_index(t, tk[i].s);
			if (c >= 0)
				mark[c] = true;
		}
}

/* After all checks: turn numeric bounds into one hint. */
static void finish_bounds(Arena *a, Hints *h)
{
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
static void array_elem(StrBuf *sb, const char *v)
{
	sb_addch(sb, '"');
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_addch(sb, '\\');
		sb_addch(sb, *p);
	}
	sb_addch(sb, '"');
}

typedef struct ColPlan {
	enum { P_OMIT, P_NULL, P_VALUE } how;
	const char *value;       /* P_VALUE: fixed (FK or forced), or NULL to generate */
	bool fixed;              /* set by an FK or forced: never varied */
	bool force_gen;          /* generate even though there is a default */
	int variant;
} ColPlan;

/*
 * The variant-th candidate for column c of table t: check hints first
 * (rotated by the row number when the column is unique), then generic
 * values for its type. Arena-owned; NULL means past the last one.
 */
static const char *candidate(Seeder *s, TState *t, int c, int variant, int rowno)
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
			array_elem(&sb, v);
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
		u = find_type(s->m, col->type_schema, col->type_name);
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
		array_elem(&sb, buf);
		sb_addch(&sb, '}');
		const char *r = arena_strdup(s->a, sb.buf);
		sb_release(&sb);
		return r;
	}
	return arena_strdup(s->a, buf);
}

/* ---------- per-table preparation ---------- */

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
static void partition_hints(Seeder *s, TState *t)
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
	Tok *kt, *bt;
	int nk = tokenize(s->a, PQgetvalue(r, 0, 0), &kt);
	int nb = tokenize(s->a, PQgetvalue(r, 0, 1), &bt);
	PQclear(r);
	int keys[32], nkeys = 0;
	for (int i = 1; i < nk && nkeys < 32; i++) /* after RANGE / LIST / HASH */
		if (kt[i].k == T_ID) {
			keys[nkeys++] = col_index(t, kt[i].s);
			while (i + 1 < nk && kt[i + 1].k != T_COMMA)
				i++; /* an expression: skip to the next key */
		}
	int at = -1;
	for (int i = 0; i < nb && at < 0; i++)
		if (kw(&bt[i], "from") || kw(&bt[i], "in"))
			at = i + 1;
	if (at < 0)
		return; /* DEFAULT or HASH: every row has a partition */
	for (int k = 0; k < nkeys && at < nb; k++, at++) {
		while (at < nb && bt[at].k == T_COMMA)
			at++;
		if (at < nb && is_lit(&bt[at]) && keys[k] >= 0) {
			push_front_hint(s->a, &t->hints[keys[k]], bt[at].s);
			t->hints[keys[k]].must_fill = true;
		}
	}
}

static void prepare(Seeder *s, TState *t)
{
	if (t->prepared)
		return;
	t->prepared = true;
	Table *tb = t->t;
	t->cols = arena_alloc(s->a, (tb->cols.n + 1) * sizeof(*t->cols));
	for (size_t i = 0; i < tb->cols.n; i++)
		if (!tb->cols.items[i]->dropped)
			t->cols[t->ncols++] = tb->cols.items[i];
	t->hints = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*t->hints));
	t->in_unique = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*t->in_unique));
	for (size_t i = 0; i < t->uniques.n; i++) {
		const Index *ix = t->uniques.items[i];
		for (int k = 0; k < ix->ncols; k++) {
			int c = ix->cols[k] ? col_index(t, ix->cols[k]) : -1;
			if (c >= 0)
				t->in_unique[c] = true;
		}
	}
	for (size_t i = 0; i < t->checks.n; i++)
		hints_from_expr(s->a, t, t->checks.items[i]->expr, -1);
	for (int c = 0; c < t->ncols; c++) {
		Column *col = t->cols[c];
		if (col->typtype == 'd') {
			const UserType *u = find_type(s->m, col->type_schema, col->type_name);
			for (int k = 0; u && k < u->nchecks; k++)
				hints_from_expr(s->a, t, u->checks[k], c);
		}
		finish_bounds(s->a, &t->hints[c]);
	}
	if (tb->relkind == 'p' && !s->opt->crdb)
		partition_hints(s, t);
	/* the key that identifies our rows when counting */
	StrBuf sb = STRBUF_INIT;
	const Index *pk = tb->pk;
	bool ok = pk && !pk->dropped && pk->ncols > 0;
	for (int k = 0; ok && k < pk->ncols; k++)
		ok = pk->cols[k] && col_index(t, pk->cols[k]) >= 0;
	if (ok) {
		sb_adds(&sb, "(");
		for (int k = 0; k < pk->ncols; k++) {
			if (k)
				sb_adds(&sb, " || chr(31) || ");
			sb_add_ident(&sb, pk->cols[k]);
			sb_adds(&sb, "::text");
		}
		sb_adds(&sb, ")");
	} else {
		sb_adds(&sb, s->opt->crdb ? "rowid::text" : "ctid::text");
	}
	t->keyexpr = arena_strdup(s->a, sb.buf);
	sb_release(&sb);
}

/* ---------- inserting one row ---------- */

/* Finds a linked row of p whose ref columns agree with the values fixed so far. */
static Row *matching_parent(TState *p, const ForeignKey *fk, const TState *t, char **vals,
                            const ColPlan *plan, bool want_linked)
{
	for (size_t r = 0; r < p->rows.n; r++) {
		Row *row = p->rows.items[r];
		if (row->linked != want_linked)
			continue;
		bool ok = true;
		for (int k = 0; ok && k < fk->ncols; k++) {
			int c = col_index(t, fk->cols[k]);
			int pc = col_index(p, fk->ref_cols[k]);
			if (c < 0 || pc < 0 || !row->v[pc])
				ok = false;
			else if (plan[c].fixed && vals[c] && strcmp(vals[c], row->v[pc]) != 0)
				ok = false;
		}
		if (ok)
			return row;
	}
	return NULL;
}

static int insert_row(Seeder *s, TState *t, const ForeignKey *edge, Row *parent,
                      char **forced, int depth, Row **out);

/*
 * Fills the columns of one FK of t (not the seeding edge). Returns
 * INS_OK, INS_WAIT (needs a closure row that does not exist yet),
 * INS_FAIL or INS_DBERR.
 */
static int fill_fk(Seeder *s, TState *t, const ForeignKey *fk, ColPlan *plan, char **vals, int depth,
                   bool linked)
{
	int nfixed = 0;
	bool all_nullable = true;
	for (int k = 0; k < fk->ncols; k++) {
		int c = col_index(t, fk->cols[k]);
		if (c < 0)
			return INS_OK; /* a column the model does not know: let the server say */
		if (plan[c].fixed)
			nfixed++;
		if (t->cols[c]->not_null || t->hints[c].must_fill)
			all_nullable = false;
	}
	if (nfixed == fk->ncols)
		return INS_OK; /* already decided (an overlapping FK); the server checks it */
	/* NULLs skip the check: MATCH SIMPLE needs one NULL column, MATCH FULL all */
	if (fk->match != 'f') {
		for (int k = 0; k < fk->ncols; k++) {
			int c = col_index(t, fk->cols[k]);
			if (!plan[c].fixed && !t->cols[c]->not_null && !t->hints[c].must_fill) {
				plan[c].how = P_NULL;
				plan[c].fixed = true;
				vals[c] = NULL;
				return INS_OK;
			}
		}
	} else if (all_nullable && nfixed == 0) {
		for (int k = 0; k < fk->ncols; k++) {
			int c = col_index(t, fk->cols[k]);
			plan[c].how = P_NULL;
			plan[c].fixed = true;
			vals[c] = NULL;
		}
		return INS_OK;
	}
	TState *p = st_of(s, fk->ref);
	if (!p)
		return INS_OK;
	prepare(s, p);
	Row *pr = NULL;
	if (p->in_closure && linked) {
		pr = matching_parent(p, fk, t, vals, plan, true);
		if (!pr) {
			bool any = false;
			for (size_t r = 0; r < p->rows.n; r++)
				any |= p->rows.items[r]->linked;
			if (!any)
				return INS_WAIT;
			snprintf(s->reason, sizeof(s->reason),
			         "no seeded row of %s.%s matches the columns shared by %s", p->t->schema,
			         p->t->name, fk->name);
			return INS_FAIL;
		}
	} else {
		/* a helper row: outside the closure, or a row of a closure table
		 * that does not reach the root (for rows that must not either) */
		bool unique_cols = false;
		for (int k = 0; k < fk->ncols; k++) {
			int c = col_index(t, fk->cols[k]);
			unique_cols |= c >= 0 && t->in_unique[c];
		}
		pr = nfixed ? matching_parent(p, fk, t, vals, plan, false) : unique_cols ? NULL : p->helper;
		if (!pr) {
			if (depth >= MAX_HELPER_DEPTH) {
				snprintf(s->reason, sizeof(s->reason),
				         "parent rows nest deeper than %d tables at %s", MAX_HELPER_DEPTH, fk->name);
				return INS_FAIL;
			}
			char **pf = arena_alloc(s->a, (size_t)(p->ncols + 1) * sizeof(*pf));
			for (int k = 0; k < fk->ncols; k++) {
				int c = col_index(t, fk->cols[k]);
				int pc = col_index(p, fk->ref_cols[k]);
				if (pc >= 0 && plan[c].fixed && vals[c])
					pf[pc] = vals[c];
			}
			int r = insert_row(s, p, NULL, NULL, pf, depth + 1, &pr);
			if (r != INS_OK) {
				if (r == INS_WAIT) {
					snprintf(s->reason, sizeof(s->reason),
					         "parent table %s.%s needs a row that cannot exist yet",
					         p->t->schema, p->t->name);
					return INS_FAIL;
				}
				return r;
			}
			s->helper_rows++;
			/* reuse it, unless our FK columns are unique (each row needs its own parent) */
			if (!nfixed && !unique_cols)
				p->helper = pr;
		}
	}
	for (int k = 0; k < fk->ncols; k++) {
		int c = col_index(t, fk->cols[k]);
		int pc = col_index(p, fk->ref_cols[k]);
		if (pc < 0 || plan[c].fixed)
			continue;
		plan[c].how = P_VALUE;
		plan[c].fixed = true;
		vals[c] = pr->v[pc];
	}
	return INS_OK;
}

/* Which columns a failed insert points at (by constraint or column name). */
static int blame(Seeder *s, TState *t, const PGresult *r, bool *mark)
{
	const char *con = field(r, PG_DIAG_CONSTRAINT_NAME);
	const char *colname = field(r, PG_DIAG_COLUMN_NAME);
	const char *dtype = field(r, PG_DIAG_DATATYPE_NAME);
	int n = 0;
	if (*colname) {
		int c = col_index(t, colname);
		if (c >= 0) {
			mark[c] = true;
			n++;
		}
	}
	if (*con) {
		for (size_t i = 0; i < t->checks.n; i++)
			if (strcmp(t->checks.items[i]->name, con) == 0)
				cols_in_expr(s->a, t, t->checks.items[i]->expr, mark);
		for (size_t i = 0; i < t->uniques.n; i++) {
			const Index *ix = t->uniques.items[i];
			if (strcmp(ix->name, con) == 0)
				for (int k = 0; k < ix->ncols; k++) {
					int c = ix->cols[k] ? col_index(t, ix->cols[k]) : -1;
					if (c >= 0)
						mark[c] = true;
				}
		}
	}
	if (*dtype) /* a domain's check: every column of that domain */
		for (int c = 0; c < t->ncols; c++)
			if (t->cols[c]->type_name && strcmp(t->cols[c]->type_name, dtype) == 0)
				mark[c] = true;
	for (int c = 0; c < t->ncols; c++)
		n += mark[c];
	return n;
}

/* Reads the returned row: key first, then every live column. */
static Row *take_row(Seeder *s, TState *t, const PGresult *r)
{
	Row *row = arena_alloc(s->a, sizeof(*row));
	row->v = arena_alloc(s->a, (size_t)(t->ncols + 1) * sizeof(*row->v));
	row->key = arena_strdup(s->a, PQgetvalue(r, 0, 0));
	for (int c = 0; c < t->ncols && c + 1 < PQnfields(r); c++)
		row->v[c] = PQgetisnull(r, 0, c + 1) ? NULL : arena_strdup(s->a, PQgetvalue(r, 0, c + 1));
	return row;
}

/*
 * Inserts one row into t. edge/parent: the closure edge this row
 * exercises and the parent row it points at (NULL for the root row and
 * helper rows). forced: values some columns must take (indexed like
 * t->cols; NULL entries are free), or NULL. On INS_OK *out is the row,
 * appended to t->rows.
 */
static int insert_row(Seeder *s, TState *t, const ForeignKey *edge, Row *parent,
                      char **forced, int depth, Row **out)
{
	prepare(s, t);
	int nc = t->ncols;
	ColPlan *plan = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*plan));
	char **vals = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*vals));
	bool *mark = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*mark));
	int rowno = (int)t->rows.n;
	s->reason[0] = '\0';

	if (edge) {
		TState *p = st_of(s, edge->ref);
		for (int k = 0; k < edge->ncols; k++) {
			int c = col_index(t, edge->cols[k]);
			int pc = col_index(p, edge->ref_cols[k]);
			if (c < 0 || pc < 0) {
				snprintf(s->reason, sizeof(s->reason), "the model lacks a column of %s", edge->name);
				return INS_FAIL;
			}
			if (!parent->v[pc]) {
				snprintf(s->reason, sizeof(s->reason), "the parent row has NULL in %s, referenced by %s",
				         edge->ref_cols[k], edge->name);
				return INS_FAIL;
			}
			plan[c].how = P_VALUE;
			plan[c].fixed = true;
			vals[c] = parent->v[pc];
		}
	}
	for (int c = 0; forced && c < nc; c++)
		if (forced[c] && !plan[c].fixed) {
			plan[c].how = P_VALUE;
			plan[c].fixed = true;
			vals[c] = forced[c];
		}
	/* other FKs: closure parents first, then the rest (helpers) */
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < t->fks.n; i++) {
			const ForeignKey *fk = t->fks.items[i];
			if (fk == edge)
				continue;
			TState *p = st_of(s, fk->ref);
			if (!p || (pass == 0) != p->in_closure)
				continue;
			/* a boundary row's other parents are helpers, so that nothing
			 * but its SET NULL / SET DEFAULT edge ties it to the root */
			int r = fill_fk(s, t, fk, plan, vals, depth, edge != NULL && !(depth == 0 && s->boundary));
			if (r != INS_OK)
				return r;
		}

	bool full = false;
	StrBuf sql = STRBUF_INIT;
	const char **params = arena_alloc(s->a, (size_t)(nc + 1) * sizeof(*params));
	int ret = INS_FAIL;
	for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
		/* decide every free column */
		int np = 0;
		bool overriding = false;
		sb_reset(&sql);
		sb_adds(&sql, "INSERT INTO ");
		sb_add_qualified(&sql, t->t->schema, t->t->name);
		StrBuf cols = STRBUF_INIT, valsql = STRBUF_INIT;
		for (int c = 0; c < nc; c++) {
			Column *col = t->cols[c];
			const char *v = NULL;
			bool include = false;
			if (plan[c].fixed) {
				include = plan[c].how == P_VALUE || plan[c].how == P_NULL;
				v = plan[c].how == P_VALUE ? vals[c] : NULL;
				if (col->identity == 'a' && plan[c].how == P_VALUE)
					overriding = true;
			} else if (col->generated || col->identity) {
				include = false;
			} else if (col->default_expr && !plan[c].force_gen &&
			           !(t->hints[c].must_fill && t->hints[c].vals.n)) {
				/* the default, unless a referencing table's checks want a value */
				include = false;
			} else if (!col->not_null && !full && !t->hints[c].must_fill && !plan[c].force_gen &&
			           !(col->typtype == 'd')) {
				include = false;
			} else {
				v = candidate(s, t, c, plan[c].variant, rowno);
				include = v != NULL || col->not_null;
				if (!v && col->not_null)
					v = candidate(s, t, c, 0, rowno);
			}
			if (col->generated && plan[c].fixed)
				include = false;
			if (!include)
				continue;
			if (cols.len)
				sb_adds(&cols, ", ");
			sb_add_ident(&cols, col->name);
			if (valsql.len)
				sb_adds(&valsql, ", ");
			if (v || plan[c].how != P_NULL) {
				params[np++] = v;
				sb_addf(&valsql, "$%d", np);
			} else {
				sb_adds(&valsql, "NULL");
			}
		}
		if (cols.len) {
			sb_addf(&sql, " (%s)%s VALUES (%s)", cols.buf,
			        overriding ? " OVERRIDING SYSTEM VALUE" : "", valsql.buf);
		} else {
			sb_adds(&sql, " DEFAULT VALUES");
		}
		sb_release(&cols);
		sb_release(&valsql);
		sb_addf(&sql, " RETURNING %s", t->keyexpr);
		for (int c = 0; c < nc; c++) {
			sb_adds(&sql, ", ");
			sb_add_ident(&sql, t->cols[c]->name);
		}

		if (run(s, "SAVEPOINT pgcascade_seed") < 0) {
			ret = INS_DBERR;
			goto out;
		}
		PGresult *r = PQexecParams(s->conn, sql.buf, np, NULL, params, NULL, NULL, 0);
		if (getenv("PGCASCADE_VERIFY_DEBUG")) { /* every insert, its values and its outcome */
			fprintf(stderr, "verify: %s", sql.buf);
			for (int i = 0; i < np; i++)
				fprintf(stderr, "%s$%d=%s", i ? ", " : " -- ", i + 1, params[i] ? params[i] : "NULL");
			fprintf(stderr, " => %s", PQresultStatus(r) == PGRES_TUPLES_OK ? "ok\n" : PQresultErrorMessage(r));
		}
		if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) {
			Row *row = take_row(s, t, r);
			PQclear(r);
			if (run(s, "RELEASE SAVEPOINT pgcascade_seed") < 0) {
				ret = INS_DBERR;
				goto out;
			}
			VEC_PUSH(s->a, t->rows, row);
			*out = row;
			ret = INS_OK;
			goto out;
		}
		if (conn_failed(s, r)) {
			db_fail(s, "seeding failed", r);
			PQclear(r);
			ret = INS_DBERR;
			goto out;
		}
		const char *state = field(r, PG_DIAG_SQLSTATE);
		char st[6];
		snprintf(st, sizeof(st), "%s", state);
		snprintf(s->reason, sizeof(s->reason), "%s (SQLSTATE %s)", field(r, PG_DIAG_MESSAGE_PRIMARY), st);
		memset(mark, 0, (size_t)nc * sizeof(*mark));
		int nblamed = blame(s, t, r, mark);
		PQclear(r);
		if (strcmp(st, "40001") == 0) {
			s->retry = true;
			ret = INS_DBERR;
			goto out;
		}
		if (strncmp(st, "25", 2) == 0 || strcmp(st, "42501") == 0 || strcmp(st, "57014") == 0 ||
		    strcmp(st, "55P03") == 0) {
			/* read-only transaction, no privilege, statement or lock
			 * timeout: no other value helps; a database error */
			err_set(s->err, PGC_EXIT_DB, "cannot seed %s.%s: %s (verify needs INSERT and DELETE on the "
			        "closure tables; in live mode it rolls everything back)",
			        t->t->schema, t->t->name, s->reason);
			ret = INS_DBERR;
			goto out;
		}
		if (run(s, "ROLLBACK TO SAVEPOINT pgcascade_seed; RELEASE SAVEPOINT pgcascade_seed") < 0) {
			ret = INS_DBERR;
			goto out;
		}
		if (strcmp(st, "23503") == 0 || strncmp(st, "42", 2) == 0)
			break; /* a missing parent or no privilege: another value will not help */
		bool changed = false;
		if (!full && (strcmp(st, "23514") == 0 || strncmp(st, "P0", 2) == 0 || nblamed == 0)) {
			/* maybe a nullable column must be filled */
			bool omitted = false;
			for (int c = 0; c < nc; c++)
				omitted |= !plan[c].fixed && !t->cols[c]->not_null && !t->cols[c]->generated &&
				           !t->cols[c]->identity && !t->cols[c]->default_expr;
			if (omitted) {
				full = true;
				if (nblamed == 0 || strcmp(st, "23514") != 0)
					continue;
				changed = true;
			}
		}
		/* move the blamed free columns (all free ones if none) to their next candidate */
		bool fixed_blamed = false;
		for (int c = 0; c < nc; c++) {
			if (nblamed && !mark[c])
				continue;
			if (plan[c].fixed) {
				fixed_blamed |= mark[c];
				continue;
			}
			if (t->cols[c]->generated || t->cols[c]->identity)
				continue;
			if (strcmp(st, "23505") == 0 || strcmp(st, "23502") == 0) {
				if (!plan[c].force_gen && t->cols[c]->default_expr) {
					plan[c].force_gen = true;
					changed = true;
					continue;
				}
			}
			if (strcmp(st, "23502") == 0 && !t->cols[c]->not_null) {
				plan[c].force_gen = true;
				changed = true;
				continue;
			}
			plan[c].variant++;
			changed = true;
			if (nblamed > 1 && strcmp(st, "23505") != 0)
				break; /* vary one column at a time: an odometer */
		}
		if (!changed) {
			if (fixed_blamed)
				snprintf(s->reason + strlen(s->reason), sizeof(s->reason) - strlen(s->reason),
				         "; the constraint involves foreign-key columns, which must point at the seeded parent");
			break;
		}
	}
out:
	sb_release(&sql);
	return ret;
}

/* ---------- the proof ---------- */

typedef struct Task {
	TState *t;
	const ForeignKey *edge;
	bool done;
	char *reason;
	bool boundary;            /* a SET NULL / SET DEFAULT edge out of the closure: its
	                             row stays, but the delete must be able to update it */
} Task;

static void add_unseeded(Seeder *s, SeedResult *out, TState *t, const ForeignKey *fk, const char *why)
{
	Unseeded u = {t->t->schema, t->t->name, fk ? fk->name : NULL, arena_strdup(s->a, why)};
	VEC_PUSH(s->a, out->unseeded, u);
}

/* Does some linked row of t point, through fk, at a linked row of its parent? */
static bool edge_covered(Seeder *s, TState *t, const ForeignKey *fk)
{
	TState *p = st_of(s, fk->ref);
	for (size_t i = 0; i < t->rows.n; i++) {
		Row *row = t->rows.items[i];
		if (!row->linked)
			continue;
		for (size_t j = 0; j < p->rows.n; j++) {
			Row *pr = p->rows.items[j];
			if (!pr->linked)
				continue;
			bool eq = true;
			for (int k = 0; eq && k < fk->ncols; k++) {
				int c = col_index(t, fk->cols[k]), pc = col_index(p, fk->ref_cols[k]);
				eq = c >= 0 && pc >= 0 && row->v[c] && pr->v[pc] && strcmp(row->v[c], pr->v[pc]) == 0;
			}
			if (eq)
				return true;
		}
	}
	return false;
}

/* Path of constraint names from the root to fk (shortest, through via edges). */
static void path_to(Seeder *s, const Analysis *an, Root *root, const ForeignKey *fk, SeedResult *out)
{
	for (size_t i = 0; i < an->findings.n; i++) {
		const Finding *f = an->findings.items[i];
		if (f->fk == fk && f->npath > 0 &&
		    (!f->root_table || strcmp(f->root_table, root->t->name) == 0)) {
			out->path = f->path;
			out->npath = f->npath;
			return;
		}
	}
	/* walk up through the closure (bounded: at most one step per table) */
	const char *rev[256];
	int n = 0;
	const ForeignKey *cur = fk;
	while (cur && n < 256) {
		rev[n++] = cur->name;
		if (cur->ref == root->t)
			break;
		const ForeignKey *next = NULL;
		for (size_t i = 0; i < an->closure.n && !next; i++) {
			const ClosureEntry *e = an->closure.items[i];
			if (e->root != root || e->table != cur->ref)
				continue;
			for (int k = 0; k < e->nvia && !next; k++) {
				const ForeignKey *v = e->via[k];
				const TState *pt = st_of(s, v->ref);
				if (v->ref == root->t || (pt && pt->depth < e->depth))
					next = v;
			}
		}
		cur = next;
	}
	out->path = arena_alloc(s->a, (size_t)(n + 1) * sizeof(*out->path));
	for (int i = 0; i < n; i++)
		out->path[i] = rev[n - 1 - i];
	out->npath = n;
}

static int cmp_tables(const void *x, const void *y)
{
	const SeedTable *a = x, *b = y;
	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	int c = strcmp(a->schema, b->schema);
	return c ? c : strcmp(a->table, b->table);
}

int seed_prove(PGconn *conn, Model *m, const Analysis *an, Root *root, const SeedOptions *opt,
               SeedResult *out, Err *err)
{
	memset(out, 0, sizeof(*out));
	out->root = root;
	if (!root->t)
		return err_set(err, PGC_EXIT_USAGE, "root table %s does not exist", root->spec);
	Seeder S = {0}, *s = &S;
	s->conn = conn;
	s->m = m;
	s->a = m->arena;
	s->opt = opt;
	s->err = err;
	s->serial = 1;
	s->nts = m->tables.n;
	s->ts = arena_alloc(s->a, (s->nts + 1) * sizeof(*s->ts));
	for (size_t i = 0; i < m->tables.n; i++) {
		Table *t = m->tables.items[i];
		if ((size_t)t->id < s->nts)
			s->ts[t->id].t = t;
	}
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->table || !fk->ref)
			continue;
		TState *t = st_of(s, fk->table);
		if (t)
			VEC_PUSH(s->a, t->fks, fk);
	}
	for (size_t i = 0; i < m->indexes.n; i++) {
		const Index *ix = m->indexes.items[i];
		TState *t = ix->table ? st_of(s, ix->table) : NULL;
		if (t && !ix->dropped && ix->unique)
			VEC_PUSH(s->a, t->uniques, ix);
	}
	for (size_t i = 0; i < m->checks.n; i++) {
		const Check *ck = m->checks.items[i];
		TState *t = ck->table ? st_of(s, ck->table) : NULL;
		if (t && !ck->dropped && ck->expr)
			VEC_PUSH(s->a, t->checks, ck);
	}
	/* a column some FK references must never be NULL in our rows */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		TState *p = fk->dropped || !fk->ref ? NULL : st_of(s, fk->ref);
		if (!p)
			continue;
		prepare(s, p);
		for (int k = 0; k < fk->nref_cols; k++) {
			int c = col_index(p, fk->ref_cols[k]);
			if (c >= 0)
				p->hints[c].must_fill = true;
		}
	}
	/* a child's FK column takes its value from the parent, so what the
	 * child's checks want becomes a (later) candidate for the parent's
	 * referenced column, e.g. CHECK (user_id > 1) */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		TState *p = fk->dropped || !fk->ref ? NULL : st_of(s, fk->ref);
		TState *c = fk->table ? st_of(s, fk->table) : NULL;
		if (!p || !c || p == c)
			continue;
		prepare(s, c);
		for (int k = 0; k < fk->ncols && k < fk->nref_cols; k++) {
			int cc = col_index(c, fk->cols[k]), pc = col_index(p, fk->ref_cols[k]);
			if (cc < 0 || pc < 0)
				continue;
			Hints *ch = &c->hints[cc], *ph = &p->hints[pc];
			/* bounds combine (the tightest wins); listed values add up */
			if (ch->has_lo && (!ph->has_lo || ch->lo > ph->lo || (ch->lo == ph->lo && ch->lo_strict))) {
				ph->has_lo = true;
				ph->lo = ch->lo;
				ph->lo_strict = ch->lo_strict;
			}
			if (ch->has_hi && (!ph->has_hi || ch->hi < ph->hi || (ch->hi == ph->hi && ch->hi_strict))) {
				ph->has_hi = true;
				ph->hi = ch->hi;
				ph->hi_strict = ch->hi_strict;
			}
			finish_bounds(s->a, ph);
			for (size_t h = ch->bound_pushed ? 1 : 0; h < ch->vals.n; h++)
				add_hint(s->a, ph, ch->vals.items[h]);
		}
	}
	TState *rt = st_of(s, root->t);
	rt->in_closure = true;
	rt->depth = 0;
	PGC_VEC(Task) tasks = {0};
	for (size_t i = 0; i < an->closure.n; i++) {
		const ClosureEntry *e = an->closure.items[i];
		if (e->root != root)
			continue;
		TState *t = st_of(s, e->table);
		if (!t)
			continue;
		if (t != rt) {
			t->in_closure = true;
			t->depth = e->depth;
		}
		for (int k = 0; k < e->nvia; k++) {
			Task tk = {t, e->via[k], false, NULL, false};
			VEC_PUSH(s->a, tasks, tk);
		}
	}
	/* SET NULL / SET DEFAULT edges into the closure: the delete updates
	 * those rows, which fails on a NOT NULL column or a default that
	 * references nothing. One row each exercises that. */
	for (size_t i = 0; i < m->fks.n; i++) {
		const ForeignKey *fk = m->fks.items[i];
		if (fk->dropped || !fk->table || !fk->ref ||
		    (fk->on_delete != FK_SET_NULL && fk->on_delete != FK_SET_DEFAULT))
			continue;
		TState *p = st_of(s, fk->ref), *t = st_of(s, fk->table);
		if (p && t && p->in_closure) {
			Task tk = {t, fk, false, NULL, true};
			VEC_PUSH(s->a, tasks, tk);
		}
	}
	double t0 = now_ms();
	int ntables = 1;
	for (size_t i = 0; i < an->closure.n; i++)
		ntables += an->closure.items[i]->root == root && an->closure.items[i]->table != root->t;
	if (opt->progress)
		opt->progress("seeding", ntables);
	if (!opt->crdb && run(s, "SET CONSTRAINTS ALL IMMEDIATE") < 0)
		return s->retry ? 1 : -1;

	/* the root row */
	Row *rootrow = NULL;
	int r = insert_row(s, rt, NULL, NULL, NULL, 0, &rootrow);
	if (r == INS_DBERR)
		return s->retry ? 1 : -1;
	if (r != INS_OK) {
		add_unseeded(s, out, rt, NULL, *s->reason ? s->reason : "could not insert the root row");
	} else {
		rootrow->linked = true;
		/* the tasks, until no progress */
		bool progress = true;
		while (progress) {
			progress = false;
			for (size_t i = 0; i < tasks.n; i++) {
				Task *tk = &tasks.items[i];
				if (tk->done)
					continue;
				TState *p = st_of(s, tk->edge->ref);
				Row *pr = NULL;
				for (size_t j = 0; p && j < p->rows.n && !pr; j++)
					if (p->rows.items[j]->linked)
						pr = p->rows.items[j];
				if (!pr)
					continue;
				Row *row = NULL;
				s->boundary = tk->boundary;
				r = insert_row(s, tk->t, tk->edge, pr, NULL, 0, &row);
				s->boundary = false;
				if (r == INS_DBERR)
					return s->retry ? 1 : -1;
				if (r == INS_WAIT)
					continue;
				tk->done = true;
				progress = true;
				if (r == INS_OK)
					row->linked = !tk->boundary;
				else
					tk->reason = arena_strdup(s->a, s->reason);
			}
		}
		for (size_t i = 0; i < tasks.n; i++) {
			Task *tk = &tasks.items[i];
			if ((tk->done && !tk->reason) || tk->boundary)
				continue;
			if (edge_covered(s, tk->t, tk->edge))
				continue; /* another row already reaches the root through this edge */
			const char *why = tk->reason;
			char buf[512];
			if (!why) {
				snprintf(buf, sizeof(buf), "%s.%s never got a seeded row to point at",
				         tk->edge->ref->schema, tk->edge->ref->name);
				why = buf;
			}
			add_unseeded(s, out, tk->t, tk->edge, why);
		}
	}
	out->helper_rows = s->helper_rows;
	out->seed_ms = now_ms() - t0;

	/* the tables of the closure, root first */
	for (size_t i = 0; i < s->nts; i++) {
		TState *t = &s->ts[i];
		if (!t->t || !t->in_closure)
			continue;
		int linked = 0;
		for (size_t j = 0; j < t->rows.n; j++)
			linked += t->rows.items[j]->linked;
		SeedTable st = {t->t->schema, t->t->name, t->depth, linked, -1};
		VEC_PUSH(s->a, out->tables, st);
	}
	qsort(out->tables.items, out->tables.n, sizeof(*out->tables.items), cmp_tables);
	if (!rootrow)
		return 0;

	/* the delete. PostgreSQL re-checks the FKs of a row updated by SET
	 * NULL / SET DEFAULT when the row was inserted by the same
	 * transaction, which never happens in production; so where we may
	 * (embedded mode) the seed is committed first. */
	if (opt->commit_seed &&
	    (run(s, "COMMIT") < 0 || run(s, "BEGIN") < 0 ||
	     (!opt->crdb && run(s, "SET CONSTRAINTS ALL IMMEDIATE") < 0)))
		return s->retry ? 1 : -1;
	double t1 = now_ms();
	if (opt->progress)
		opt->progress("deleting", 1);
	StrBuf sql = STRBUF_INIT;
	sb_adds(&sql, "DELETE FROM ");
	sb_add_qualified(&sql, root->t->schema, root->t->name);
	sb_addf(&sql, " WHERE %s = $1", rt->keyexpr);
	if (run(s, "SAVEPOINT pgcascade_delete") < 0) {
		sb_release(&sql);
		return s->retry ? 1 : -1;
	}
	const char *kp[1] = {rootrow->key};
	PGresult *res = PQexecParams(conn, sql.buf, 1, NULL, kp, NULL, NULL, 0);
	sb_release(&sql);
	if (PQresultStatus(res) == PGRES_COMMAND_OK) {
		out->deleted = atoi(PQcmdTuples(res)) == 1;
		if (!out->deleted) {
			out->message = "the DELETE removed no row";
		}
		PQclear(res);
		if (run(s, "RELEASE SAVEPOINT pgcascade_delete") < 0)
			return s->retry ? 1 : -1;
	} else {
		if (conn_failed(s, res)) {
			db_fail(s, "the DELETE failed", res);
			PQclear(res);
			return -1;
		}
		out->sqlstate = arena_strdup(s->a, field(res, PG_DIAG_SQLSTATE));
		if (strcmp(out->sqlstate, "40001") == 0) {
			PQclear(res);
			return 1;
		}
		if (strncmp(out->sqlstate, "23", 2) != 0 && strncmp(out->sqlstate, "P0", 2) != 0) {
			/* not a verdict on the schema (privileges, timeouts, read-only): a database error */
			db_fail(s, "the DELETE of the root row failed", res);
			PQclear(res);
			return -1;
		}
		const char *con = field(res, PG_DIAG_CONSTRAINT_NAME);
		out->constraint = *con ? arena_strdup(s->a, con) : NULL;
		out->message = arena_strdup(s->a, field(res, PG_DIAG_MESSAGE_PRIMARY));
		const char *det = field(res, PG_DIAG_MESSAGE_DETAIL);
		out->detail = *det ? arena_strdup(s->a, det) : NULL;
		const char *tschema = arena_strdup(s->a, field(res, PG_DIAG_SCHEMA_NAME));
		const char *tname = arena_strdup(s->a, field(res, PG_DIAG_TABLE_NAME));
		const char *colname = arena_strdup(s->a, field(res, PG_DIAG_COLUMN_NAME));
		PQclear(res);
		if (run(s, "ROLLBACK TO SAVEPOINT pgcascade_delete") < 0)
			return s->retry ? 1 : -1;
		if (!out->constraint && strcmp(out->sqlstate, "23502") == 0 && *colname) {
			/* a SET NULL on a NOT NULL column: name the FK that did it */
			for (size_t i = 0; i < m->fks.n && !out->constraint; i++) {
				const ForeignKey *fk = m->fks.items[i];
				if (fk->dropped || fk->on_delete != FK_SET_NULL || strcmp(fk->table->name, tname) != 0)
					continue;
				for (int k = 0; k < fk->ncols; k++)
					if (strcmp(fk->cols[k], colname) == 0)
						out->constraint = fk->name;
			}
		}
		if (out->constraint) {
			const ForeignKey *hit = NULL;
			for (size_t i = 0; i < m->fks.n && !hit; i++) {
				const ForeignKey *fk = m->fks.items[i];
				if (!fk->dropped && strcmp(fk->name, out->constraint) == 0 &&
				    (!*tname || (strcmp(fk->table->name, tname) == 0 &&
				                 (!*tschema || strcmp(fk->table->schema, tschema) == 0))))
					hit = fk;
			}
			if (hit)
				path_to(s, an, root, hit, out);
		}
	}
	out->delete_ms = now_ms() - t1;

	/* count what is left of our rows */
	for (size_t i = 0; i < out->tables.n; i++) {
		SeedTable *st = &out->tables.items[i];
		TState *t = st_of(s, model_find_table(m, st->schema, st->table));
		if (!t)
			continue;
		StrBuf arr = STRBUF_INIT;
		sb_addch(&arr, '{');
		int nk = 0;
		for (size_t j = 0; j < t->rows.n; j++) {
			if (!t->rows.items[j]->linked)
				continue;
			if (nk++)
				sb_addch(&arr, ',');
			array_elem(&arr, t->rows.items[j]->key);
		}
		sb_addch(&arr, '}');
		if (!nk) {
			st->left = 0;
			sb_release(&arr);
			continue;
		}
		StrBuf q = STRBUF_INIT;
		sb_addf(&q, "SELECT count(*) FROM ");
		sb_add_qualified(&q, st->schema, st->table);
		sb_addf(&q, " WHERE %s = ANY($1::text[])", t->keyexpr);
		const char *p1[1] = {arr.buf};
		res = PQexecParams(conn, q.buf, 1, NULL, p1, NULL, NULL, 0);
		sb_release(&q);
		sb_release(&arr);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			db_fail(s, "counting the rows left failed", res);
			bool retry = strcmp(field(res, PG_DIAG_SQLSTATE), "40001") == 0;
			PQclear(res);
			return retry ? 1 : -1;
		}
		st->left = atoi(PQgetvalue(res, 0, 0));
		PQclear(res);
	}

	/* the verification query: no NO ACTION / RESTRICT edge inside the
	 * closure. On CockroachDB, whose pg_catalog is an emulation, the
	 * model (loaded from that same server) answers instead. */
	if (opt->crdb) {
		for (size_t i = 0; i < m->fks.n; i++) {
			const ForeignKey *fk = m->fks.items[i];
			TState *c = fk->dropped || !fk->table ? NULL : st_of(s, fk->table);
			TState *p = fk->ref ? st_of(s, fk->ref) : NULL;
			if (c && p && c->in_closure && p->in_closure &&
			    (fk->on_delete == FK_NO_ACTION || fk->on_delete == FK_RESTRICT)) {
				Blocker b = {fk->table->schema, fk->table->name, fk->name,
				             fk->on_delete == FK_RESTRICT ? "restrict" : "no action"};
				VEC_PUSH(s->a, out->blockers, b);
			}
		}
		return 0;
	}
	StrBuf arr = STRBUF_INIT;
	sb_addch(&arr, '{');
	for (size_t i = 0; i < out->tables.n; i++) {
		StrBuf qn = STRBUF_INIT;
		sb_add_qualified(&qn, out->tables.items[i].schema, out->tables.items[i].table);
		if (i)
			sb_addch(&arr, ',');
		array_elem(&arr, qn.buf);
		sb_release(&qn);
	}
	sb_addch(&arr, '}');
	const char *vq =
		"SELECT n.nspname, c.relname, k.conname, k.confdeltype::text "
		"FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
		"JOIN pg_namespace n ON n.oid = c.relnamespace "
		"WHERE k.contype = 'f' AND k.confdeltype IN ('a', 'r') "
		"AND k.conrelid = ANY($1::regclass[]) AND k.confrelid = ANY($1::regclass[]) "
		"ORDER BY 1, 2, 3";
	const char *p1[1] = {arr.buf};
	res = PQexecParams(conn, vq, 1, NULL, p1, NULL, NULL, 0);
	sb_release(&arr);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		db_fail(s, "the verification query failed", res);
		bool retry = strcmp(field(res, PG_DIAG_SQLSTATE), "40001") == 0;
		PQclear(res);
		return retry ? 1 : -1;
	}
	for (int i = 0; i < PQntuples(res); i++) {
		Blocker b = {arena_strdup(s->a, PQgetvalue(res, i, 0)), arena_strdup(s->a, PQgetvalue(res, i, 1)),
		             arena_strdup(s->a, PQgetvalue(res, i, 2)),
		             PQgetvalue(res, i, 3)[0] == 'r' ? "restrict" : "no action"};
		VEC_PUSH(s->a, out->blockers, b);
	}
	PQclear(res);
	return 0;
}

int seed_check_hints(Arena *a, const char *expr, const char *column, bool is_domain,
                     const char ***out)
{
	Column col = {0};
	col.name = column;
	Column *cols[1] = {&col};
	TState t = {0};
	t.cols = cols;
	t.ncols = 1;
	t.hints = arena_alloc(a, sizeof(*t.hints));
	hints_from_expr(a, &t, expr, is_domain ? 0 : -1);
	finish_bounds(a, &t.hints[0]);
	*out = t.hints[0].vals.items;
	return (int)t.hints[0].vals.n;
}

bool seed_generic_value(const char *type, int k, long serial, char *out, size_t size)
{
	return generic_scalar(type, k, serial, out, size);
}

bool seed_passed(const SeedResult *r, bool allow_unseeded)
{
	if (!r->deleted || r->blockers.n)
		return false;
	if (r->unseeded.n && !allow_unseeded)
		return false;
	for (size_t i = 0; i < r->tables.n; i++)
		if (r->tables.items[i].left != 0)
			return false;
	return true;
}
