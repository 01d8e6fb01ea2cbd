/*
 * check.c - the CHECK solver: candidate values for the columns a CHECK
 * expression (or a domain's check, where VALUE is the column) constrains,
 * read from libpg_query's parse tree of "SELECT <expr>", never by hand.
 *
 * Understood, per column:
 *   col op const, const op col    (=, <, <=, >, >=; <> only avoids a value)
 *   col IN (...), col = ANY (ARRAY[...])   each element a candidate
 *   enum columns: comparisons by the labels' order, NOT IN / <> ALL
 *                                 rule labels out, every candidate a label
 *   col BETWEEN a AND b           bounds
 *   col LIKE 'p%', col ~ '^re$'   a string the pattern matches
 *   length(col) / char_length(col) / character_length(col) / octet_length(col)
 *                                 op n, also of btrim/trim/lower/upper(col): a string that long
 *   col IS NOT NULL               the column must be filled
 *   col = other_col               the first value tried copies the other's
 *   a AND b                       both, into the same bounds
 *   a OR b                        each arm on its own: its candidates follow
 *                                 the previous arm's (so `t = 1 OR t = 2`
 *                                 gives 1 then 2)
 * Casts around a column or a constant are looked through. Anything else
 * gives no candidate (the seeder then tries generic values and reports
 * the refusing constraint by name).
 */
#include "verify/seed_int.h"
#include "util/strbuf.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64

typedef struct Walk {
	Arena *a;
	const TState *t;
	int value_col;      /* >= 0: a domain check, VALUE is this column */
	Hints *h;           /* per column: where this walk's findings go */
} Walk;

/* ---- checked accessors ---- */

static const PgQuery__AExpr *as_aexpr(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_A_EXPR ? n->a_expr : NULL;
}

static const char *as_string(const PgQuery__Node *n)
{
	return n && n->node_case == PG_QUERY__NODE__NODE_STRING && n->string ? n->string->sval : NULL;
}

/* Strips casts (and COLLATE) around a node. */
static const PgQuery__Node *bare(const PgQuery__Node *n)
{
	for (int i = 0; n && i < MAX_DEPTH; i++) {
		if (n->node_case == PG_QUERY__NODE__NODE_TYPE_CAST && n->type_cast)
			n = n->type_cast->arg;
		else if (n->node_case == PG_QUERY__NODE__NODE_COLLATE_CLAUSE && n->collate_clause)
			n = n->collate_clause->arg;
		else
			break;
	}
	return n;
}

/* The column a (cast-stripped) node names, or -1. */
static int column_of(const Walk *w, const PgQuery__Node *n)
{
	n = bare(n);
	if (!n || n->node_case != PG_QUERY__NODE__NODE_COLUMN_REF || !n->column_ref ||
	    n->column_ref->n_fields < 1)
		return -1;
	const char *name = as_string(n->column_ref->fields[n->column_ref->n_fields - 1]);
	if (!name)
		return -1;
	if (w->value_col >= 0)
		return strcasecmp(name, "value") == 0 ? w->value_col : -1;
	return sd_col_index(w->t, name);
}

/* The text of a (cast-stripped) constant, or NULL. */
static const char *const_text(Arena *a, const PgQuery__Node *n)
{
	n = bare(n);
	if (!n || n->node_case != PG_QUERY__NODE__NODE_A_CONST || !n->a_const || n->a_const->isnull)
		return NULL;
	const PgQuery__AConst *c = n->a_const;
	switch (c->val_case) {
	case PG_QUERY__A__CONST__VAL_IVAL:
		return arena_printf(a, "%d", c->ival ? c->ival->ival : 0);
	case PG_QUERY__A__CONST__VAL_FVAL:
		return c->fval && c->fval->fval ? arena_strdup(a, c->fval->fval) : NULL;
	case PG_QUERY__A__CONST__VAL_SVAL:
		return c->sval && c->sval->sval ? arena_strdup(a, c->sval->sval) : NULL;
	case PG_QUERY__A__CONST__VAL_BOOLVAL:
		return c->boolval && c->boolval->boolval ? "true" : "false";
	default:
		return NULL;
	}
}

static bool is_number(const char *s)
{
	char *end;
	if (!s || !*s)
		return false;
	strtod(s, &end);
	return *end == '\0';
}

/* The operator's name ("=", "<", "~~", ...), or NULL. */
static const char *op_name(const PgQuery__AExpr *e)
{
	return e->n_name >= 1 ? as_string(e->name[e->n_name - 1]) : NULL;
}

/* ---- what one comparison says ---- */

static void bound(Hints *h, const char *op, const char *v)
{
	if (strcmp(op, "=") == 0) {
		return;
	}
	double d = atof(v);
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

static const char *flip(const char *op)
{
	if (strcmp(op, "<") == 0)
		return ">";
	if (strcmp(op, ">") == 0)
		return "<";
	if (strcmp(op, "<=") == 0)
		return ">=";
	if (strcmp(op, ">=") == 0)
		return "<=";
	return op;
}

/*
 * An enum column compares by its labels' sort order, not as text: keep
 * the labels for which `label op v` holds (v not a label: no effect,
 * PostgreSQL would refuse the constant).
 */
static void enum_compare(Arena *a, Hints *h, const char *op, const char *v)
{
	int li = -1;
	for (int i = 0; i < h->nlabels && li < 0; i++)
		if (strcmp(h->labels[i], v) == 0)
			li = i;
	if (li < 0)
		return;
	if (!h->label_ok) {
		h->label_ok = arena_alloc(a, (size_t)h->nlabels * sizeof(*h->label_ok));
		for (int i = 0; i < h->nlabels; i++)
			h->label_ok[i] = true;
	}
	bool eq = strcmp(op, "=") == 0, ne = strcmp(op, "<>") == 0 || strcmp(op, "!=") == 0;
	bool lt = op[0] == '<' && !ne, gt = op[0] == '>', orequal = op[1] == '=';
	if (!eq && !ne && !lt && !gt)
		return;
	for (int i = 0; i < h->nlabels; i++) {
		bool ok = eq ? i == li : ne ? i != li : lt ? (i < li || (orequal && i == li)) : (i > li || (orequal && i == li));
		h->label_ok[i] = h->label_ok[i] && ok;
	}
}

static void compare(Walk *w, int c, const char *op, const char *v)
{
	Hints *h = &w->h[c];
	if (h->labels) {
		enum_compare(w->a, h, op, v);
		if (strcmp(op, "=") == 0)
			sd_add_hint(w->a, h, v);
	} else if (strcmp(op, "=") == 0) {
		sd_add_hint(w->a, h, v);
	} else if (is_number(v)) {
		bound(h, op, v);
	} else if (strcmp(op, ">=") == 0 || strcmp(op, "<=") == 0) {
		sd_add_hint(w->a, h, v); /* a string, date, ... bound: the bound itself */
	} else if (strcmp(op, ">") == 0) {
		/* just above a string bound: append a character */
		sd_add_hint(w->a, h, arena_printf(w->a, "%sz", v));
	}
}

static void length_bound(Hints *h, const char *op, double n)
{
	int v = (int)n;
	if (strcmp(op, "=") == 0) {
		h->has_len_lo = h->has_len_hi = true;
		h->len_lo = h->len_hi = v;
	} else if (op[0] == '>') {
		int lo = op[1] == '=' ? v : v + 1;
		if (!h->has_len_lo || lo > h->len_lo)
			h->len_lo = lo;
		h->has_len_lo = true;
	} else if (op[0] == '<' && op[1] != '>') {
		int hi = op[1] == '=' ? v : v - 1;
		if (!h->has_len_hi || hi < h->len_hi)
			h->len_hi = hi;
		h->has_len_hi = true;
	}
}

/* length(col), char_length(btrim(col)), ...: the column, or -1. */
static int length_of(const Walk *w, const PgQuery__Node *n)
{
	n = bare(n);
	for (int depth = 0; n && depth < 4; depth++) {
		if (n->node_case != PG_QUERY__NODE__NODE_FUNC_CALL || !n->func_call || n->func_call->n_args < 1 ||
		    n->func_call->n_funcname < 1)
			return -1;
		const char *f = as_string(n->func_call->funcname[n->func_call->n_funcname - 1]);
		if (!f)
			return -1;
		bool len = strcmp(f, "length") == 0 || strcmp(f, "char_length") == 0 ||
		           strcmp(f, "character_length") == 0 || strcmp(f, "octet_length") == 0;
		bool wrap = strcmp(f, "btrim") == 0 || strcmp(f, "trim") == 0 || strcmp(f, "lower") == 0 ||
		            strcmp(f, "upper") == 0 || strcmp(f, "rtrim") == 0 || strcmp(f, "ltrim") == 0;
		if (!len && !(wrap && depth > 0))
			return -1;
		const PgQuery__Node *arg = bare(n->func_call->args[0]);
		int c = column_of(w, arg);
		if (c >= 0)
			return c;
		n = arg;
	}
	return -1;
}

/*
 * A string that the LIKE pattern matches: '%' matches nothing, '_' one
 * character ('x'), '\' escapes. NULL for ILIKE-only oddities.
 */
static const char *like_value(Arena *a, const char *p)
{
	StrBuf sb = STRBUF_INIT;
	for (; *p; p++) {
		if (*p == '%')
			continue;
		if (*p == '_')
			sb_addch(&sb, 'x');
		else if (*p == '\\' && p[1])
			sb_addch(&sb, *++p);
		else
			sb_addch(&sb, *p);
	}
	const char *r = arena_strdup(a, sb.len ? sb.buf : "");
	sb_release(&sb);
	return r;
}

/* One character a bracket expression [..] accepts; *pp is past '['. */
static void class_char(const char **pp, StrBuf *out)
{
	const char *p = *pp;
	bool neg = *p == '^';
	if (neg)
		p++;
	char first = 0, excl[256] = {0};
	const char *start = p;
	while (*p && (*p != ']' || p == start)) {
		if (p[0] == '[' && p[1] == ':') {
			const char *e = strstr(p, ":]");
			if (!e)
				break;
			if (!first)
				first = strncmp(p + 2, "digit", 5) == 0 ? '0' : strncmp(p + 2, "upper", 5) == 0 ? 'A' : 'a';
			p = e + 2;
			continue;
		}
		char c = *p;
		if (c == '\\' && p[1]) {
			p++;
			c = *p == 'd' ? '0' : *p == 'w' ? 'a' : *p == 's' ? ' ' : *p;
		}
		if (p[1] == '-' && p[2] && p[2] != ']') {
			if (!first)
				first = c;
			for (int k = (unsigned char)c; k <= (unsigned char)p[2]; k++)
				excl[k] = 1;
			p += 3;
			continue;
		}
		if (!first)
			first = c;
		excl[(unsigned char)c] = 1;
		p++;
	}
	if (*p == ']')
		p++;
	*pp = p;
	if (!neg) {
		sb_addch(out, first ? first : 'a');
		return;
	}
	for (const char *cand = "abcdefghijklmnopqrstuvwxyz0123456789"; *cand; cand++)
		if (!excl[(unsigned char)*cand]) {
			sb_addch(out, *cand);
			return;
		}
}

/*
 * A string a simple POSIX regex matches: anchors, literals, escapes
 * (\d \w \s \.), bracket expressions, '.', groups, the first branch of an
 * alternation, quantifiers (* ? take none, + and {n,m} take n, at least
 * one). Without '^' or '$' the match may sit anywhere, so the pattern's
 * own string is enough. NULL when the pattern is beyond this.
 */
static const char *regex_value(Arena *a, const char *p)
{
	StrBuf sb = STRBUF_INIT;
	size_t atom = 0; /* where the last atom starts in sb */
	size_t groups[32]; /* where each open group starts */
	int depth = 0;
	const char *ret = NULL;
	for (; *p; ) {
		char c = *p;
		if (c == '^' || c == '$') {
			p++;
			continue;
		}
		if (c == '|') {
			if (depth == 0)
				break; /* the first branch is enough */
			/* inside a group: skip to its ')' */
			int d = 0;
			while (*p && !(*p == ')' && d == 0)) {
				if (*p == '(')
					d++;
				else if (*p == ')')
					d--;
				p++;
			}
			continue;
		}
		if (c == '(') {
			if (depth >= 32)
				goto out;
			groups[depth++] = sb.len;
			p++;
			if (p[0] == '?' && p[1] == ':')
				p += 2;
			continue;
		}
		if (c == ')') {
			if (depth > 0)
				atom = groups[--depth]; /* a quantifier now applies to the group */
			p++;
			continue;
		}
		if (c == '*' || c == '?') {
			sb_setlen(&sb, atom); /* none of the atom */
			p++;
			continue;
		}
		if (c == '+') {
			p++;
			continue;
		}
		if (c == '{') {
			int n = atoi(p + 1);
			const char *e = strchr(p, '}');
			if (!e)
				goto out;
			size_t alen = sb.len - atom;
			char *copy = arena_strndup(a, sb.buf + atom, alen);
			sb_setlen(&sb, atom);
			for (int k = 0; k < n; k++)
				sb_add(&sb, copy, alen);
			p = e + 1;
			continue;
		}
		atom = sb.len;
		if (c == '[') {
			p++;
			class_char(&p, &sb);
		} else if (c == '.') {
			sb_addch(&sb, 'a');
			p++;
		} else if (c == '\\' && p[1]) {
			char e = p[1];
			sb_addch(&sb, e == 'd' ? '0' : e == 'w' ? 'a' : e == 's' ? ' ' : e);
			p += 2;
		} else {
			sb_addch(&sb, c);
			p++;
		}
	}
	ret = arena_strdup(a, sb.len ? sb.buf : "");
out:
	sb_release(&sb);
	return ret;
}

/* ---- the walk ---- */

static void walk(Walk *w, const PgQuery__Node *n, int depth);

/* One arm of an OR, on its own hints; its candidates are appended. */
static void walk_arm(Walk *w, const PgQuery__Node *n, int depth)
{
	int nc = w->value_col >= 0 ? w->value_col + 1 : w->t->ncols;
	Hints *arm = arena_alloc(w->a, (size_t)(nc + 1) * sizeof(*arm));
	for (int c = 0; c < nc; c++) {
		arm[c].labels = w->h[c].labels;
		arm[c].nlabels = w->h[c].nlabels;
	}
	Walk sub = {w->a, w->t, w->value_col, arm};
	walk(&sub, n, depth + 1);
	for (int c = 0; c < nc; c++) {
		sd_finish_bounds(w->a, &arm[c]);
		for (size_t i = 0; i < arm[c].vals.n; i++)
			sd_add_hint(w->a, &w->h[c], arm[c].vals.items[i]);
		if (arm[c].eq_col && !w->h[c].eq_col)
			w->h[c].eq_col = arm[c].eq_col;
	}
}

/* col LIKE 'p%' (also as PostgreSQL prints it: col ~~ 'p%'). */
static void like(Walk *w, int c, const char *pattern)
{
	const char *s = like_value(w->a, pattern);
	sd_add_hint(w->a, &w->h[c], s);
	size_t l = strlen(pattern);
	if (l && pattern[l - 1] == '%' && (l < 2 || pattern[l - 2] != '\\'))
		VEC_PUSH(w->a, w->h[c].open_end, s); /* 'p%': a longer string matches too */
}

static void walk_aexpr(Walk *w, const PgQuery__AExpr *e)
{
	const char *op = op_name(e);
	if (!op)
		return;
	switch (e->kind) {
	case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
		int c = column_of(w, e->lexpr);
		const char *v = const_text(w->a, e->rexpr);
		if (c < 0 || !v) {
			int c2 = column_of(w, e->rexpr);
			const char *v2 = const_text(w->a, e->lexpr);
			if (c2 >= 0 && v2) {
				c = c2;
				v = v2;
				op = flip(op);
			}
		}
		if (!v && strcmp(op, "=") == 0 && column_of(w, e->rexpr) >= 0) {
			/* col = other_col: the first value tried copies the other */
			int a = column_of(w, e->lexpr), b = column_of(w, e->rexpr);
			if (a >= 0 && b >= 0 && a != b) {
				if (!w->h[a].eq_col)
					w->h[a].eq_col = b + 1;
				if (!w->h[b].eq_col)
					w->h[b].eq_col = a + 1;
			}
			return;
		}
		if (c >= 0 && v) {
			if (strcmp(op, "~~") == 0 || strcmp(op, "~~*") == 0) {
				like(w, c, v); /* LIKE / ILIKE as pg_get_constraintdef() prints them */
			} else if (strcmp(op, "~") == 0 || strcmp(op, "~*") == 0) {
				const char *s = regex_value(w->a, v);
				if (s) {
					sd_add_hint(w->a, &w->h[c], s);
					size_t l = strlen(v);
					if (!(l && v[l - 1] == '$' && (l < 2 || v[l - 2] != '\\')))
						VEC_PUSH(w->a, w->h[c].open_end, s); /* no '$': a longer string matches too */
				}
			} else {
				compare(w, c, op, v);
			}
			return;
		}
		/* length(col) op n */
		int lc = length_of(w, e->lexpr);
		const char *n = const_text(w->a, e->rexpr);
		if (lc < 0 || !n) {
			lc = length_of(w, e->rexpr);
			n = const_text(w->a, e->lexpr);
			op = flip(op);
		}
		if (lc >= 0 && n && is_number(n))
			length_bound(&w->h[lc], op, atof(n));
		return;
	}
	case PG_QUERY__A__EXPR__KIND__AEXPR_IN:
	case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
	case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
		/* col IN (...), col = ANY (...): each element a candidate; on an
		 * enum column, NOT IN (...) and <> ALL (...) rule labels out */
		bool eq = strcmp(op, "=") == 0 && e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
		bool ne = strcmp(op, "<>") == 0 && e->kind != PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY;
		int c = column_of(w, e->lexpr);
		if (!eq && !(ne && c >= 0 && w->h[c].labels))
			return;
		const PgQuery__Node *r = bare(e->rexpr);
		if (c < 0 || !r)
			return;
		PgQuery__Node **items = NULL;
		size_t n = 0;
		if (r->node_case == PG_QUERY__NODE__NODE_LIST && r->list) {
			items = r->list->items;
			n = r->list->n_items;
		} else if (r->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR && r->a_array_expr) {
			items = r->a_array_expr->elements;
			n = r->a_array_expr->n_elements;
		}
		for (size_t i = 0; i < n; i++) {
			const char *v = const_text(w->a, items[i]);
			if (v && eq)
				sd_add_hint(w->a, &w->h[c], v);
			else if (v)
				enum_compare(w->a, &w->h[c], "<>", v);
		}
		return;
	}
	case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
	case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM: {
		int c = column_of(w, e->lexpr), lc = c < 0 ? length_of(w, e->lexpr) : -1;
		const PgQuery__Node *r = e->rexpr;
		if ((c < 0 && lc < 0) || !r || r->node_case != PG_QUERY__NODE__NODE_LIST || !r->list ||
		    r->list->n_items != 2)
			return;
		const char *lo = const_text(w->a, r->list->items[0]), *hi = const_text(w->a, r->list->items[1]);
		if (!lo || !hi)
			return;
		if (lc >= 0) { /* length(col) BETWEEN a AND b */
			if (is_number(lo) && is_number(hi)) {
				double a = atof(lo), b = atof(hi);
				length_bound(&w->h[lc], ">=", a < b ? a : b);
				length_bound(&w->h[lc], "<=", a < b ? b : a);
			}
			return;
		}
		if (w->h[c].labels) {
			enum_compare(w->a, &w->h[c], ">=", lo);
			enum_compare(w->a, &w->h[c], "<=", hi);
			return;
		}
		if (is_number(lo) && is_number(hi)) {
			double a = atof(lo), b = atof(hi);
			if (a > b && e->kind == PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN_SYM) {
				const char *t = lo;
				lo = hi;
				hi = t;
			}
			bound(&w->h[c], ">=", lo);
			bound(&w->h[c], "<=", hi);
		} else {
			sd_add_hint(w->a, &w->h[c], lo);
		}
		return;
	}
	case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
	case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE: {
		if (strcmp(op, "~~") != 0 && strcmp(op, "~~*") != 0)
			return; /* NOT LIKE */
		int c = column_of(w, e->lexpr);
		const char *v = const_text(w->a, e->rexpr);
		if (c >= 0 && v)
			like(w, c, v);
		return;
	}
	default:
		return;
	}
}

static void walk(Walk *w, const PgQuery__Node *n, int depth)
{
	if (!n || depth > MAX_DEPTH)
		return;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_BOOL_EXPR: {
		const PgQuery__BoolExpr *b = n->bool_expr;
		if (!b)
			return;
		if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR) {
			for (size_t i = 0; i < b->n_args; i++)
				walk(w, b->args[i], depth + 1);
		} else if (b->boolop == PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR) {
			for (size_t i = 0; i < b->n_args; i++)
				walk_arm(w, b->args[i], depth + 1);
		}
		return;
	}
	case PG_QUERY__NODE__NODE_A_EXPR:
		walk_aexpr(w, as_aexpr(n));
		return;
	case PG_QUERY__NODE__NODE_NULL_TEST: {
		const PgQuery__NullTest *t = n->null_test;
		if (t && t->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL) {
			int c = column_of(w, t->arg);
			if (c >= 0)
				w->h[c].must_fill = true;
		}
		return;
	}
	default:
		return;
	}
}

/* Columns mentioned anywhere in the tree. */
static void mark_columns(const Walk *w, const PgQuery__Node *n, bool *mark, int depth);

static void mark_list(const Walk *w, PgQuery__Node **v, size_t n, bool *mark, int depth)
{
	for (size_t i = 0; i < n; i++)
		mark_columns(w, v[i], mark, depth + 1);
}

static void mark_columns(const Walk *w, const PgQuery__Node *n, bool *mark, int depth)
{
	if (!n || depth > MAX_DEPTH)
		return;
	switch (n->node_case) {
	case PG_QUERY__NODE__NODE_COLUMN_REF: {
		int c = column_of(w, n);
		if (c >= 0)
			mark[c] = true;
		return;
	}
	case PG_QUERY__NODE__NODE_A_EXPR:
		if (n->a_expr) {
			mark_columns(w, n->a_expr->lexpr, mark, depth + 1);
			mark_columns(w, n->a_expr->rexpr, mark, depth + 1);
		}
		return;
	case PG_QUERY__NODE__NODE_BOOL_EXPR:
		if (n->bool_expr)
			mark_list(w, n->bool_expr->args, n->bool_expr->n_args, mark, depth);
		return;
	case PG_QUERY__NODE__NODE_NULL_TEST:
		if (n->null_test)
			mark_columns(w, n->null_test->arg, mark, depth + 1);
		return;
	case PG_QUERY__NODE__NODE_TYPE_CAST:
		if (n->type_cast)
			mark_columns(w, n->type_cast->arg, mark, depth + 1);
		return;
	case PG_QUERY__NODE__NODE_FUNC_CALL:
		if (n->func_call)
			mark_list(w, n->func_call->args, n->func_call->n_args, mark, depth);
		return;
	case PG_QUERY__NODE__NODE_LIST:
		if (n->list)
			mark_list(w, n->list->items, n->list->n_items, mark, depth);
		return;
	case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
		if (n->a_array_expr)
			mark_list(w, n->a_array_expr->elements, n->a_array_expr->n_elements, mark, depth);
		return;
	case PG_QUERY__NODE__NODE_COALESCE_EXPR:
		if (n->coalesce_expr)
			mark_list(w, n->coalesce_expr->args, n->coalesce_expr->n_args, mark, depth);
		return;
	case PG_QUERY__NODE__NODE_CASE_EXPR:
		if (n->case_expr) {
			mark_columns(w, n->case_expr->arg, mark, depth + 1);
			mark_list(w, n->case_expr->args, n->case_expr->n_args, mark, depth);
			mark_columns(w, n->case_expr->defresult, mark, depth + 1);
		}
		return;
	case PG_QUERY__NODE__NODE_CASE_WHEN:
		if (n->case_when) {
			mark_columns(w, n->case_when->expr, mark, depth + 1);
			mark_columns(w, n->case_when->result, mark, depth + 1);
		}
		return;
	case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
		if (n->collate_clause)
			mark_columns(w, n->collate_clause->arg, mark, depth + 1);
		return;
	default:
		return;
	}
}

/*
 * Parses the expression (pg_get_constraintdef()'s "CHECK (...)" or a
 * bare expression) as the target of a SELECT. Returns the unpacked
 * result (free with pg_query__parse_result__free_unpacked) and sets
 * *expr, or NULL when it does not parse.
 */
static PgQuery__ParseResult *parse_expr(const char *text, const PgQuery__Node **expr)
{
	const char *p = text;
	while (isspace((unsigned char)*p))
		p++;
	if (strncasecmp(p, "CHECK", 5) == 0 && !isalnum((unsigned char)p[5]) && p[5] != '_')
		p += 5;
	StrBuf sb = STRBUF_INIT;
	sb_adds(&sb, "SELECT ");
	sb_adds(&sb, p);
	/* pg_get_constraintdef() may end with NOT VALID / NO INHERIT */
	size_t l = sb.len;
	while (l && isspace((unsigned char)sb.buf[l - 1]))
		l--;
	if (l >= 9 && strncasecmp(sb.buf + l - 9, "NOT VALID", 9) == 0)
		l -= 9;
	while (l && isspace((unsigned char)sb.buf[l - 1]))
		l--;
	if (l >= 10 && strncasecmp(sb.buf + l - 10, "NO INHERIT", 10) == 0)
		l -= 10;
	sb_setlen(&sb, l);
	PgQueryProtobufParseResult pr = pg_query_parse_protobuf(sb.buf);
	sb_release(&sb);
	PgQuery__ParseResult *res = NULL;
	*expr = NULL;
	if (!pr.error)
		res = pg_query__parse_result__unpack(NULL, pr.parse_tree.len, (const uint8_t *)pr.parse_tree.data);
	pg_query_free_protobuf_parse_result(pr);
	if (!res)
		return NULL;
	if (res->n_stmts == 1 && res->stmts[0]->stmt &&
	    res->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
		const PgQuery__SelectStmt *s = res->stmts[0]->stmt->select_stmt;
		if (s && s->n_target_list == 1 && s->target_list[0]->node_case == PG_QUERY__NODE__NODE_RES_TARGET &&
		    s->target_list[0]->res_target)
			*expr = s->target_list[0]->res_target->val;
	}
	return res;
}

void sd_hints_from_expr(Arena *a, TState *t, const char *expr, int value_col)
{
	const PgQuery__Node *e;
	PgQuery__ParseResult *res = parse_expr(expr, &e);
	if (!res)
		return;
	Walk w = {a, t, value_col, t->hints};
	walk(&w, e, 0);
	pg_query__parse_result__free_unpacked(res, NULL);
}

void sd_cols_in_expr(Arena *a, const TState *t, const char *expr, bool *mark)
{
	(void)a;
	const PgQuery__Node *e;
	PgQuery__ParseResult *res = parse_expr(expr, &e);
	if (!res)
		return;
	Walk w = {a, t, -1, NULL};
	mark_columns(&w, e, mark, 0);
	pg_query__parse_result__free_unpacked(res, NULL);
}

/*
 * Length bounds: strings that long go first (several, for unique
 * columns), unless a value was given outright.
 */
void sd_finish_lengths(Arena *a, Hints *h)
{
	if (!h->has_len_lo && !h->has_len_hi)
		return;
	int lo = h->has_len_lo ? h->len_lo : 1;
	if (lo < 1)
		lo = 1;
	if (h->has_len_hi && lo > h->len_hi)
		lo = h->len_hi < 0 ? 0 : h->len_hi;
	if (lo > 512)
		return;
	/* the candidates that already fit go first (they satisfy what made
	 * them: a LIKE, a regex, an IN), then open-ended ones padded to the
	 * lower bound; fresh strings of that length only when there are none
	 * (they would break the pattern) */
	PGC_VEC(const char *) keep = {0};
	for (size_t i = 0; i < h->vals.n; i++) {
		int l = (int)strlen(h->vals.items[i]);
		if (l >= lo && (!h->has_len_hi || l <= h->len_hi))
			VEC_PUSH(a, keep, h->vals.items[i]);
	}
	for (size_t i = 0; i < h->open_end.n; i++) {
		int l = (int)strlen(h->open_end.items[i]);
		if (l >= lo)
			continue;
		char *s = arena_alloc(a, (size_t)lo + 1);
		memcpy(s, h->open_end.items[i], (size_t)l);
		memset(s + l, 'x', (size_t)(lo - l));
		s[lo] = '\0';
		VEC_PUSH(a, keep, s);
	}
	h->vals.n = 0;
	for (size_t i = 0; i < keep.n; i++)
		sd_add_hint(a, h, keep.items[i]);
	for (int k = 0; k < 8 && keep.n == 0; k++) {
		char *s = arena_alloc(a, (size_t)lo + 1);
		for (int i = 0; i < lo; i++)
			s[i] = (char)('a' + (i == lo - 1 ? k : 0));
		s[lo] = '\0';
		sd_add_hint(a, h, s);
		if (lo == 0)
			break;
	}
}

void sd_finish_labels(Arena *a, Hints *h)
{
	if (!h->labels || !h->label_ok)
		return;
	/* the candidates that are allowed labels, else every allowed label */
	size_t n = 0;
	for (size_t i = 0; i < h->vals.n; i++)
		for (int k = 0; k < h->nlabels; k++)
			if (h->label_ok[k] && strcmp(h->vals.items[i], h->labels[k]) == 0) {
				h->vals.items[n++] = h->vals.items[i];
				break;
			}
	h->vals.n = n;
	for (int k = 0; n == 0 && k < h->nlabels; k++)
		if (h->label_ok[k])
			sd_add_hint(a, h, h->labels[k]);
	h->label_ok = NULL;
}

/* ---- partition bounds ---- */

static PgQuery__ParseResult *parse_create(const char *sql, const PgQuery__CreateStmt **cs)
{
	PgQueryProtobufParseResult pr = pg_query_parse_protobuf(sql);
	PgQuery__ParseResult *res = NULL;
	*cs = NULL;
	if (!pr.error)
		res = pg_query__parse_result__unpack(NULL, pr.parse_tree.len, (const uint8_t *)pr.parse_tree.data);
	pg_query_free_protobuf_parse_result(pr);
	if (res && res->n_stmts == 1 && res->stmts[0]->stmt &&
	    res->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_CREATE_STMT)
		*cs = res->stmts[0]->stmt->create_stmt;
	return res;
}

int sd_partition_values(Arena *a, const char *keydef, const char *bound, const char ***cols,
                        const char ***vals)
{
	*cols = *vals = NULL;
	StrBuf sb = STRBUF_INIT;
	sb_addf(&sb, "CREATE TABLE pgc_p (pgc_c int) PARTITION BY %s", keydef);
	const PgQuery__CreateStmt *ks, *bs;
	PgQuery__ParseResult *kr = parse_create(sb.buf, &ks);
	sb_reset(&sb);
	sb_addf(&sb, "CREATE TABLE pgc_c PARTITION OF pgc_p %s", bound);
	PgQuery__ParseResult *br = parse_create(sb.buf, &bs);
	sb_release(&sb);
	int n = 0;
	if (ks && bs && ks->partspec && bs->partbound && !bs->partbound->is_default) {
		const PgQuery__PartitionBoundSpec *b = bs->partbound;
		size_t nk = ks->partspec->n_part_params;
		*cols = arena_alloc(a, (nk + 1) * sizeof(**cols));
		*vals = arena_alloc(a, (nk + 1) * sizeof(**vals));
		for (size_t k = 0; k < nk; k++) {
			const PgQuery__Node *pe = ks->partspec->part_params[k];
			const char *col = pe && pe->node_case == PG_QUERY__NODE__NODE_PARTITION_ELEM && pe->partition_elem &&
			                          pe->partition_elem->name && *pe->partition_elem->name
			                      ? arena_strdup(a, pe->partition_elem->name)
			                      : NULL;
			const char *v = NULL;
			if (b->n_listdatums > 0 && k == 0) {
				v = const_text(a, b->listdatums[0]);
			} else if (k < b->n_lowerdatums) {
				const PgQuery__Node *d = b->lowerdatums[k];
				if (d && d->node_case == PG_QUERY__NODE__NODE_PARTITION_RANGE_DATUM && d->partition_range_datum)
					v = const_text(a, d->partition_range_datum->value); /* MINVALUE: NULL */
				else
					v = const_text(a, d);
			}
			(*cols)[n] = col;
			(*vals)[n] = v;
			n++;
		}
	}
	if (kr)
		pg_query__parse_result__free_unpacked(kr, NULL);
	if (br)
		pg_query__parse_result__free_unpacked(br, NULL);
	return n;
}
