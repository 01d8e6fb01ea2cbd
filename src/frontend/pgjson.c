/*
 * pgjson.c - libpg_query's JSON parse tree into protobuf-c messages
 * (see pgjson.h).
 *
 * yajl reports the JSON as events; a stack of frames follows the nesting:
 *   - a message frame (an object): each key names one of the message's
 *     fields, looked up in an index of every descriptor's field names;
 *     the value that follows is stored where unpacking would store it
 *     (a oneof member also sets the oneof's case);
 *   - an array frame (the value of a repeated field): its elements pile
 *     up on a scratch stack and are copied out, with their count, when
 *     the array ends.
 * A Node is a message like any other: {"CreateStmt": {...}} sets its
 * oneof member create_stmt.
 *
 * Every message is initialised by its descriptor's init (so unset
 * strings are "" and unset messages NULL, as after unpacking); fields
 * the JSON leaves out are the defaults proto3 leaves out too.
 */
#include "frontend/pgjson.h"

#include <pg_query.h>
#include <yajl/yajl_parse.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- field index: (descriptor, key) -> field ---------------------------- */

/* Keys compare with case and '_' ignored. */
static uint32_t key_hash(const ProtobufCMessageDescriptor *d, const unsigned char *s, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)((uintptr_t)d >> 4);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = s[i];
		if (c == '_')
			continue;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

static bool key_eq(const char *name, const unsigned char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		while (*name == '_')
			name++;
		while (i < n && s[i] == '_')
			i++;
		if (!*name || i == n)
			return !*name && i == n;
		unsigned char a = (unsigned char)*name, b = s[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
		name++;
		i++;
	}
}

typedef struct Slot {
	const ProtobufCMessageDescriptor *d;
	const ProtobufCFieldDescriptor *f; /* NULL: d is indexed (marker slot) */
	uint32_t h;
} Slot;

/*
 * pg_query.proto has about 2,100 fields in 250 messages, but a history
 * meets few of them (Node's 250 and those of the statements it has):
 * the index starts small and doubles at half load, so a small input
 * touches a few pages of it, not 192 KiB (issue 15, the footprint).
 */
typedef struct Index {
	Slot *slots;
	uint32_t mask;     /* slots - 1, a power of two minus one */
	uint32_t used;
} Index;

#define INDEX_FIRST 512u

/*
 * The keys as spelled in the JSON, each with its field: libpg_query
 * spells a key the same way every time, so after the first look-up in
 * the index (case and '_' ignored) a key is found by comparing its bytes.
 * Direct-mapped: a collision only costs an index look-up.
 */
typedef struct Spelled {
	const ProtobufCMessageDescriptor *d;
	const ProtobufCFieldDescriptor *f;
	uint32_t len;
	char key[44];
} Spelled;

#define SPELLED_SLOTS 512u

struct PgJson {
	Index ix;      /* the field index, filled a descriptor at a time */
	Spelled *spelled;
	struct Frame *st; /* the reader's frame stack and scratch, kept between reads */
	size_t cap;
	char *scratch;
	size_t scap;
};

static Slot *slot_for(const Index *ix, uint32_t h)
{
	return &ix->slots[h & ix->mask];
}

static void index_insert(Index *ix, Slot v)
{
	for (uint32_t i = 0;; i++) {
		Slot *s = slot_for(ix, v.h + i);
		if (!s->d) {
			*s = v;
			ix->used++;
			return;
		}
	}
}

static bool index_put(Index *ix, const ProtobufCMessageDescriptor *d, const ProtobufCFieldDescriptor *f,
                      uint32_t h)
{
	if (2 * (ix->used + 1) > ix->mask + 1) {
		uint32_t n = 2 * (ix->mask + 1);
		Slot *slots = calloc(n, sizeof(Slot));
		if (!slots)
			return false;
		Index grown = {slots, n - 1, 0};
		for (uint32_t i = 0; i <= ix->mask; i++)
			if (ix->slots[i].d)
				index_insert(&grown, ix->slots[i]);
		free(ix->slots);
		*ix = grown;
	}
	index_insert(ix, (Slot){d, f, h});
	return true;
}

static bool index_has(const Index *ix, const ProtobufCMessageDescriptor *d)
{
	uint32_t h = (uint32_t)((uintptr_t)d >> 4) * 2654435761u;
	for (uint32_t i = 0; i <= ix->mask; i++) {
		Slot *s = slot_for(ix, h + i);
		if (!s->d)
			return false;
		if (s->d == d && !s->f && s->h == h)
			return true;
	}
	return false;
}

/* Indexes d's fields (once). */
static bool index_add(Index *ix, const ProtobufCMessageDescriptor *d)
{
	if (index_has(ix, d))
		return true;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (!index_put(ix, d, f, key_hash(d, (const unsigned char *)f->name, strlen(f->name))))
			return false;
	}
	return index_put(ix, d, NULL, (uint32_t)((uintptr_t)d >> 4) * 2654435761u);
}

static const ProtobufCFieldDescriptor *field_of(const Index *ix, const ProtobufCMessageDescriptor *d,
                                                const unsigned char *key, size_t n)
{
	uint32_t h = key_hash(d, key, n);
	for (uint32_t i = 0; i <= ix->mask; i++) {
		Slot *s = slot_for(ix, h + i);
		if (!s->d)
			return NULL;
		if (s->d == d && s->f && s->h == h && key_eq(s->f->name, key, n))
			return s->f;
	}
	return NULL;
}

/* ---- the reader --------------------------------------------------------- */

typedef struct Frame {
	bool array;
	const ProtobufCMessageDescriptor *desc; /* message frame */
	char *msg;                              /* the message (array: the one holding the field) */
	const ProtobufCFieldDescriptor *field;  /* message: the key just read; array: its field */
	size_t base;                            /* array: where its elements start on the scratch */
} Frame;

typedef struct Reader {
	const char *text;   /* what the parser read (node locations index it) */
	size_t len;
	ProtobufCAllocator *pa;
	Index *ix;
	Spelled *spelled;
	Frame *st;
	size_t depth, cap;
	char *scratch;
	size_t used, scap;
	PgQuery__ParseResult *root;
} Reader;

static void *alloc(Reader *r, size_t n)
{
	return r->pa->alloc(r->pa->allocator_data, n ? n : 1);
}

static size_t elem_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_ENUM:
		return 4;
	case PROTOBUF_C_TYPE_FLOAT:
		return sizeof(float);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	default:
		return 0; /* bytes: pg_query.proto has none */
	}
}

/*
 * Where the value that just started goes, or NULL: a field of the
 * message frame on top (its key read), or a new element of the array
 * frame on top. Sets the oneof case or has_ flag the unpacker would.
 */
static void *value_slot(Reader *r, const ProtobufCFieldDescriptor **fp)
{
	if (!r->depth)
		return NULL;
	Frame *t = &r->st[r->depth - 1];
	const ProtobufCFieldDescriptor *f = t->field;
	if (!f)
		return NULL;
	size_t sz = elem_size(f);
	if (!sz)
		return NULL;
	*fp = f;
	if (t->array) {
		if (r->used + sz > r->scap) {
			size_t nc = r->scap ? 2 * r->scap : 4096;
			char *ns = realloc(r->scratch, nc);
			if (!ns)
				return NULL;
			r->scratch = ns;
			r->scap = nc;
		}
		void *p = r->scratch + r->used;
		r->used += sz;
		return p;
	}
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		return NULL; /* a repeated field's value is an array */
	t->field = NULL;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		*(uint32_t *)(t->msg + f->quantifier_offset) = f->id;
	else if (f->label == PROTOBUF_C_LABEL_OPTIONAL && f->type != PROTOBUF_C_TYPE_MESSAGE &&
	         f->type != PROTOBUF_C_TYPE_STRING)
		*(protobuf_c_boolean *)(t->msg + f->quantifier_offset) = 1;
	return t->msg + f->offset;
}

static bool push(Reader *r, Frame f)
{
	if (r->depth == r->cap) {
		size_t nc = r->cap ? 2 * r->cap : 64;
		Frame *ns = realloc(r->st, nc * sizeof(Frame));
		if (!ns)
			return false;
		r->st = ns;
		r->cap = nc;
	}
	r->st[r->depth++] = f;
	return true;
}

/* ---- integers the JSON lost ------------------------------------------------
 *
 * libpg_query 15-4.0's JSON writer prints an Integer node's ival only
 * when it is positive (_outInteger: "if (node->ival > 0)"; fixed upstream
 * later as "!= 0"), so 0 and negative values both read as {}. Two such
 * places are rebuilt from the tokens at the node's location; anywhere else
 * an {} Integer makes pgjson_read fail (the protobuf path then runs):
 *   - an A_Const's ival: the constant is '-' and '(' tokens then an
 *     ICONST (gram.y's doNegate puts the location on the sign), so its
 *     value is the ICONST negated once per '-';
 *   - a TypeName's arrayBounds: each bound is '[' ']' or ARRAY (-1), or
 *     '[' ICONST ']' or ARRAY '[' ICONST ']' (the constant).
 * Nothing is guessed: the tokens must say so, and must agree with every
 * bound the JSON did print.
 */

/*
 * The scanner's tokens of text[from, from + max), or NULL (the caller
 * frees with pg_query__scan_result__free_unpacked). A window that cuts a
 * quote or a comment is cut again before it. *wlen gets the window's
 * length and *cut whether text goes on after it: then its last token may
 * be cut too ("12" of "123", ARRAY without its "[3]"), and a token is
 * trusted only when another one follows it.
 */
static PgQuery__ScanResult *scan_window(const Reader *r, int from, size_t max, size_t *wlen,
                                        bool *cut)
{
	char buf[260];
	if (from < 0 || (size_t)from >= r->len || max >= sizeof(buf))
		return NULL;
	size_t n = r->len - (size_t)from < max ? r->len - (size_t)from : max;
	for (int tries = 0; tries < 2; tries++) {
		memcpy(buf, r->text + from, n);
		buf[n] = '\0';
		PgQueryScanResult sr = pg_query_scan(buf);
		PgQuery__ScanResult *t = NULL;
		size_t again = 0;
		if (!sr.error)
			t = pg_query__scan_result__unpack(NULL, sr.pbuf.len, (const uint8_t *)sr.pbuf.data);
		else if (sr.error->cursorpos > 1)
			again = (size_t)sr.error->cursorpos - 1;
		pg_query_free_scan_result(sr);
		if (t) {
			*wlen = n;
			*cut = (size_t)from + n < r->len;
			return t;
		}
		if (!again || again >= n)
			return NULL;
		n = again;
	}
	return NULL;
}

static bool is_comment(const PgQuery__ScanToken *t)
{
	return t->token == PG_QUERY__TOKEN__SQL_COMMENT || t->token == PG_QUERY__TOKEN__C_COMMENT;
}

/* The value of the ICONST token t in buf, or -1 when it does not fit. */
static long long iconst(const char *buf, const PgQuery__ScanToken *t)
{
	long long v = 0;
	for (int i = t->start; i < t->end; i++) {
		if (buf[i] < '0' || buf[i] > '9' || v > INT32_MAX)
			return -1;
		v = v * 10 + (buf[i] - '0');
	}
	return v <= INT32_MAX ? v : -1;
}

static bool repair_a_const(const Reader *r, PgQuery__AConst *c)
{
	size_t wlen;
	bool cut;
	PgQuery__ScanResult *t = scan_window(r, c->location, 64, &wlen, &cut);
	bool ok = false;
	int minus = 0;
	for (size_t i = 0; t && i < t->n_tokens; i++) {
		const PgQuery__ScanToken *k = t->tokens[i];
		if (is_comment(k) || k->token == PG_QUERY__TOKEN__ASCII_40)
			continue;
		if (k->token == PG_QUERY__TOKEN__ASCII_45) {
			minus++;
			continue;
		}
		if (k->token == PG_QUERY__TOKEN__ICONST && (!cut || (size_t)k->end < wlen)) {
			long long v = iconst(r->text + c->location, k);
			/* {} means 0 or negative */
			if (v == 0 || (v > 0 && minus % 2 == 1)) {
				c->ival->ival = (int32_t)-v;
				ok = true;
			}
		}
		break;
	}
	if (t)
		pg_query__scan_result__free_unpacked(t, NULL);
	return ok;
}

static bool repair_bounds_in(const Reader *r, PgQuery__TypeName *tn, size_t window)
{
	size_t wlen;
	bool cut;
	PgQuery__ScanResult *t = scan_window(r, tn->location, window, &wlen, &cut);
	const char *at = r->text + tn->location;
	const PgQuery__ScanToken *k[256]; /* the tokens but comments (a window of 256 bytes) */
	int32_t val[16];                  /* the bounds read (PostgreSQL allows 6) */
	size_t n = 0, b = 0, i = 0;
	int depth = 0;
	if (!t)
		return false;
	if (tn->n_array_bounds > sizeof(val) / sizeof(val[0])) {
		pg_query__scan_result__free_unpacked(t, NULL);
		return false;
	}
	for (size_t j = 0; j < t->n_tokens && n < sizeof(k) / sizeof(k[0]); j++)
		if (!is_comment(t->tokens[j]))
			k[n++] = t->tokens[j];
	/* the name and the modifiers */
	for (; i < n; i++) {
		int c = k[i]->token;
		if (c == PG_QUERY__TOKEN__ASCII_40)
			depth++;
		else if (c == PG_QUERY__TOKEN__ASCII_41 && depth > 0)
			depth--;
		else if (depth == 0 && (c == PG_QUERY__TOKEN__ASCII_91 || c == PG_QUERY__TOKEN__ARRAY ||
		                        c == PG_QUERY__TOKEN__ASCII_44 || c == PG_QUERY__TOKEN__ASCII_41 ||
		                        c == PG_QUERY__TOKEN__ASCII_59))
			break;
	}
	/* the bounds: '[' ']' | '[' ICONST ']' | ARRAY | ARRAY '[' ICONST ']' */
	while (b < tn->n_array_bounds && i < n) {
		const PgQuery__ScanToken *const *q = k + i;
		size_t left = n - i;
		long long v;
		if (q[0]->token == PG_QUERY__TOKEN__ARRAY) {
			if (left >= 4 && q[1]->token == PG_QUERY__TOKEN__ASCII_91 &&
			    q[2]->token == PG_QUERY__TOKEN__ICONST && q[3]->token == PG_QUERY__TOKEN__ASCII_93) {
				v = iconst(at, q[2]);
				i += 4;
			} else if (left >= 2 && q[1]->token == PG_QUERY__TOKEN__ASCII_91) {
				break; /* ARRAY '[' but not a whole bound: the window cut it */
			} else {
				v = -1;
				i += 1;
			}
		} else if (q[0]->token == PG_QUERY__TOKEN__ASCII_91 && left >= 2 &&
		           q[1]->token == PG_QUERY__TOKEN__ASCII_93) {
			v = -1;
			i += 2;
		} else if (q[0]->token == PG_QUERY__TOKEN__ASCII_91 && left >= 3 &&
		           q[1]->token == PG_QUERY__TOKEN__ICONST && q[2]->token == PG_QUERY__TOKEN__ASCII_93) {
			v = iconst(at, q[1]);
			i += 3;
		} else {
			break;
		}
		const PgQuery__Node *nd = tn->array_bounds[b];
		PgQuery__Integer *in = nd->node_case == PG_QUERY__NODE__NODE_INTEGER ? nd->integer : NULL;
		if (!in || v < -1 || (in->ival != 0 && in->ival != v) || (in->ival == 0 && v > 0))
			break;
		val[b++] = (int32_t)v;
	}
	pg_query__scan_result__free_unpacked(t, NULL);
	if (b != tn->n_array_bounds || (cut && i >= n))
		return false;
	for (b = 0; b < tn->n_array_bounds; b++)
		tn->array_bounds[b]->integer->ival = val[b];
	return true;
}

/* A type and its bounds are short ("text[]"): a small window first. */
static bool repair_bounds(const Reader *r, PgQuery__TypeName *tn)
{
	return repair_bounds_in(r, tn, 48) || repair_bounds_in(r, tn, 256);
}

/* An Integer just read as {} (ival 0): whether the place it is in gets it
 * rebuilt when its holder ends (an A_Const, a TypeName's arrayBounds). */
static bool lost_integer_mendable(const Reader *r)
{
	if (r->depth < 2)
		return false;
	const Frame *up = &r->st[r->depth - 2];
	if (!up->array && up->desc == &pg_query__a__const__descriptor)
		return true;
	/* TypeName -> array_bounds [ Node -> integer ] */
	if (r->depth < 4 || up->array || up->desc != &pg_query__node__descriptor)
		return false;
	const Frame *arr = &r->st[r->depth - 3];
	return arr->array && arr->field->descriptor == &pg_query__node__descriptor &&
	       r->st[r->depth - 4].desc == &pg_query__type_name__descriptor &&
	       strcmp(arr->field->name, "array_bounds") == 0;
}

/* Rebuilds what the JSON lost in the message that just ended. */
static bool mend(const Reader *r, const Frame *t)
{
	if (t->desc == &pg_query__integer__descriptor)
		return ((PgQuery__Integer *)t->msg)->ival != 0 || lost_integer_mendable(r);
	if (t->desc == &pg_query__a__const__descriptor) {
		PgQuery__AConst *c = (PgQuery__AConst *)t->msg;
		return c->val_case != PG_QUERY__A__CONST__VAL_IVAL || !c->ival || c->ival->ival != 0 ||
		       repair_a_const(r, c);
	}
	if (t->desc == &pg_query__type_name__descriptor) {
		PgQuery__TypeName *tn = (PgQuery__TypeName *)t->msg;
		for (size_t i = 0; i < tn->n_array_bounds; i++) {
			const PgQuery__Node *n = tn->array_bounds[i];
			if (n && n->node_case == PG_QUERY__NODE__NODE_INTEGER && n->integer->ival == 0)
				return repair_bounds(r, tn);
		}
	}
	return true;
}

static int on_start_map(void *ctx)
{
	Reader *r = ctx;
	const ProtobufCMessageDescriptor *d;
	void **slot = NULL;
	if (!r->depth) {
		if (r->root)
			return 0;
		d = &pg_query__parse_result__descriptor;
	} else {
		const ProtobufCFieldDescriptor *f = NULL;
		slot = value_slot(r, &f);
		if (!slot || f->type != PROTOBUF_C_TYPE_MESSAGE)
			return 0;
		d = f->descriptor;
	}
	if (!index_add(r->ix, d))
		return 0;
	char *m = alloc(r, d->sizeof_message);
	if (!m)
		return 0;
	d->message_init((ProtobufCMessage *)m);
	if (slot)
		*slot = m;
	else
		r->root = (PgQuery__ParseResult *)m;
	return push(r, (Frame){false, d, m, NULL, 0});
}

static int on_map_key(void *ctx, const unsigned char *key, size_t n)
{
	Reader *r = ctx;
	Frame *t = &r->st[r->depth - 1];
	/* the descriptor, the length and the first and last bytes pick the slot */
	uint32_t h = (uint32_t)((uintptr_t)t->desc >> 4) * 2654435761u ^ (uint32_t)n * 40503u;
	if (n)
		h ^= (uint32_t)key[0] * 31u ^ (uint32_t)key[n - 1] * 131071u ^ (uint32_t)key[n / 2] * 8191u;
	Spelled *sp = &r->spelled[(h ^ h >> 15) & (SPELLED_SLOTS - 1)];
	if (sp->d == t->desc && sp->len == n && memcmp(sp->key, key, n) == 0) {
		t->field = sp->f;
		return 1;
	}
	t->field = field_of(r->ix, t->desc, key, n);
	if (t->field && n <= sizeof(sp->key)) {
		sp->d = t->desc;
		sp->f = t->field;
		sp->len = (uint32_t)n;
		memcpy(sp->key, key, n);
	}
	return t->field != NULL;
}

static int on_end_map(void *ctx)
{
	Reader *r = ctx;
	if (!mend(r, &r->st[r->depth - 1]))
		return 0;
	r->depth--;
	return 1;
}

static int on_start_array(void *ctx)
{
	Reader *r = ctx;
	if (!r->depth)
		return 0;
	Frame *t = &r->st[r->depth - 1];
	const ProtobufCFieldDescriptor *f = t->field;
	if (t->array || !f || f->label != PROTOBUF_C_LABEL_REPEATED || !elem_size(f))
		return 0;
	t->field = NULL;
	return push(r, (Frame){true, NULL, t->msg, f, r->used});
}

static int on_end_array(void *ctx)
{
	Reader *r = ctx;
	Frame *t = &r->st[r->depth - 1];
	const ProtobufCFieldDescriptor *f = t->field;
	size_t bytes = r->used - t->base;
	void *arr = NULL;
	if (bytes) {
		if (!(arr = alloc(r, bytes)))
			return 0;
		memcpy(arr, r->scratch + t->base, bytes);
	}
	*(size_t *)(t->msg + f->quantifier_offset) = bytes / elem_size(f);
	*(void **)(t->msg + f->offset) = arr;
	r->used = t->base;
	r->depth--;
	return 1;
}

static int set_int(Reader *r, long long v)
{
	const ProtobufCFieldDescriptor *f = NULL;
	void *p = value_slot(r, &f);
	if (!p)
		return 0;
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		if (v < INT32_MIN || v > INT32_MAX)
			return 0;
		*(int32_t *)p = (int32_t)v;
		return 1;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		if (v < 0 || v > (long long)UINT32_MAX)
			return 0;
		*(uint32_t *)p = (uint32_t)v;
		return 1;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*(int64_t *)p = (int64_t)v;
		return 1;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		if (v < 0)
			return 0;
		*(uint64_t *)p = (uint64_t)v;
		return 1;
	case PROTOBUF_C_TYPE_FLOAT:
		*(float *)p = (float)v;
		return 1;
	case PROTOBUF_C_TYPE_DOUBLE:
		*(double *)p = (double)v;
		return 1;
	default:
		return 0;
	}
}

static int on_integer(void *ctx, long long v)
{
	return set_int(ctx, v);
}

static int on_double(void *ctx, double v)
{
	Reader *r = ctx;
	const ProtobufCFieldDescriptor *f = NULL;
	void *p = value_slot(r, &f);
	if (!p)
		return 0;
	if (f->type == PROTOBUF_C_TYPE_DOUBLE)
		*(double *)p = v;
	else if (f->type == PROTOBUF_C_TYPE_FLOAT)
		*(float *)p = (float)v;
	else
		return 0;
	return 1;
}

static int on_boolean(void *ctx, int v)
{
	Reader *r = ctx;
	const ProtobufCFieldDescriptor *f = NULL;
	void *p = value_slot(r, &f);
	if (!p || f->type != PROTOBUF_C_TYPE_BOOL)
		return 0;
	*(protobuf_c_boolean *)p = v != 0;
	return 1;
}

static int on_string(void *ctx, const unsigned char *s, size_t n)
{
	Reader *r = ctx;
	const ProtobufCFieldDescriptor *f = NULL;
	void *p = value_slot(r, &f);
	if (!p)
		return 0;
	if (f->type == PROTOBUF_C_TYPE_STRING) {
		char *c = alloc(r, n + 1);
		if (!c)
			return 0;
		memcpy(c, s, n);
		c[n] = '\0';
		*(char **)p = c;
		return 1;
	}
	if (f->type == PROTOBUF_C_TYPE_ENUM) {
		char name[128];
		if (n >= sizeof(name))
			return 0;
		memcpy(name, s, n);
		name[n] = '\0';
		const ProtobufCEnumValue *v = protobuf_c_enum_descriptor_get_value_by_name(f->descriptor, name);
		if (!v)
			return 0;
		*(int *)p = v->value;
		return 1;
	}
	return 0;
}

static const yajl_callbacks callbacks = {
	.yajl_null = NULL, /* pg_query's JSON has none: a null cancels */
	.yajl_boolean = on_boolean,
	.yajl_integer = on_integer,
	.yajl_double = on_double,
	.yajl_string = on_string,
	.yajl_start_map = on_start_map,
	.yajl_map_key = on_map_key,
	.yajl_end_map = on_end_map,
	.yajl_start_array = on_start_array,
	.yajl_end_array = on_end_array,
};

PgJson *pgjson_new(void)
{
	PgJson *j = calloc(1, sizeof(*j));
	if (!j)
		return NULL;
	Slot *slots = calloc(INDEX_FIRST, sizeof(Slot));
	if (!slots) {
		free(j);
		return NULL;
	}
	j->ix = (Index){slots, INDEX_FIRST - 1, 0};
	Spelled *spelled = calloc(SPELLED_SLOTS, sizeof(Spelled));
	if (!spelled) {
		free(slots);
		free(j);
		return NULL;
	}
	j->spelled = spelled;
	return j;
}

void pgjson_free(PgJson *j)
{
	if (!j)
		return;
	free(j->ix.slots);
	free(j->spelled);
	free(j->st);
	free(j->scratch);
	free(j);
}

PgQuery__ParseResult *pgjson_read(PgJson *j, const char *text, size_t textlen, const char *json,
                                  size_t len, ProtobufCAllocator *pa)
{
	if (!j)
		return NULL;
	Reader r = {.text = text, .len = textlen, .pa = pa, .ix = &j->ix, .spelled = j->spelled,
	            .st = j->st, .cap = j->cap, .scratch = j->scratch, .scap = j->scap};
	yajl_handle h = yajl_alloc(&callbacks, NULL, &r);
	bool ok = h && yajl_parse(h, (const unsigned char *)json, len) == yajl_status_ok &&
	          yajl_complete_parse(h) == yajl_status_ok && r.depth == 0 && r.root;
	if (h)
		yajl_free(h);
	j->st = r.st;
	j->cap = r.cap;
	j->scratch = r.scratch;
	j->scap = r.scap;
	return ok ? r.root : NULL;
}
