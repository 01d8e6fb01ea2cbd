/*
 * scan.c - one scan per source (see scan.h).
 *
 * libpg_query's scanner runs once over each chunk of the text; every
 * token then goes through
 *   - the splitter: the state machine of pg_query_split_with_scanner()
 *     (a statement ends at a ';' outside parentheses once it holds a
 *     keyword), replayed on the tokens, with its after-an-unbalanced-
 *     parenthesis tail cut at every ';' (what the splitter drops);
 *   - the classifier (classify.c), on each statement's tokens;
 *   - for --dialect auto, the CockroachDB rules (crdb.c), on each
 *     ';'-separated statement, until one finds CockroachDB syntax.
 * Chunks end just after a ';' token, so no statement of the rules is
 * cut; the splitter's state carries over from chunk to chunk.
 */
#include "frontend/scan.h"
#include "frontend/recover.h"

#include "exitcodes.h"
#include "util/xalloc.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <stdlib.h>
#include <string.h>

size_t scan_chunk_size = 1 << 20;

typedef CrdbTokVec CTokVec;

/* ScanMem: a bump allocator for one unpacked scan result at a time
 * ("free" is a no-op). */
typedef ScanMem Mem;

static void *mem_alloc(void *data, size_t n)
{
	Mem *m = data;
	n = (n + 15) & ~(size_t)15;
	m->want += n;
	if (m->used + n <= m->cap) {
		void *p = m->buf + m->used;
		m->used += n;
		return p;
	}
	void *p = xmalloc(n);
	if (m->big.n == m->big.cap) {
		m->big.cap = m->big.cap ? 2 * m->big.cap : 64;
		m->big.items = xrealloc(m->big.items, m->big.cap * sizeof(void *));
	}
	m->big.items[m->big.n++] = p;
	return p;
}

static void mem_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

static void mem_reset(Mem *m)
{
	for (size_t i = 0; i < m->big.n; i++)
		free(m->big.items[i]);
	m->big.n = 0;
	if (m->want > m->cap) {
		free(m->buf);
		m->cap = m->want + m->want / 4;
		m->buf = xmalloc(m->cap);
	}
	m->used = m->want = 0;
}

/* Under ASan each token is malloc'd, so that a stray pointer is caught. */
#if defined(__SANITIZE_ADDRESS__)
#define MEM_ALLOCATOR(pa) NULL
#else
#define MEM_ALLOCATOR(pa) (pa)
#endif

static void tok_push(CTokVec *v, CrdbTok t)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->items = xrealloc(v->items, v->cap * sizeof(CrdbTok));
	}
	v->items[v->n++] = t;
}

/*
 * Scans text[from, to) into v (comments dropped, offsets absolute).
 * Returns 0; 1 when the scanner rejected it (*cursor: its cursorpos,
 * relative to from; *msg: its message in a); -1 when its output could
 * not be read.
 */
int scan_range(ScanMem *mem, Arena *a, const char *text, size_t from, size_t to, size_t len,
               CrdbTokVec *v, int *cursor, const char **msg)
{
	ProtobufCAllocator pa = {mem_alloc, mem_free, mem};
	(void)pa; /* unused under ASan */
	int ret = -1;
	char *copy = NULL;
	const char *in = text + from;
	if (to < len) {
		copy = xmalloc(to - from + 1);
		memcpy(copy, text + from, to - from);
		copy[to - from] = '\0';
		in = copy;
	}
	v->n = 0;
	PgQueryScanResult r = pg_query_scan(in);
	if (r.error) {
		*cursor = r.error->cursorpos;
		*msg = a ? arena_strdup(a, r.error->message) : NULL;
		ret = 1;
		goto out;
	}
	PgQuery__ScanResult *s = pg_query__scan_result__unpack(MEM_ALLOCATOR(&pa), r.pbuf.len,
	                                                       (const uint8_t *)r.pbuf.data);
	if (!s)
		goto out;
	for (size_t i = 0; i < s->n_tokens; i++) {
		const PgQuery__ScanToken *st = s->tokens[i];
		if (!st || st->token == PG_QUERY__TOKEN__SQL_COMMENT || st->token == PG_QUERY__TOKEN__C_COMMENT)
			continue;
		tok_push(v, (CrdbTok){st->start + (int)from, st->end + (int)from, st->token, st->keyword_kind});
	}
#if defined(__SANITIZE_ADDRESS__)
	pg_query__scan_result__free_unpacked(s, NULL);
#endif
	ret = 0;
out:
	mem_reset(mem);
	pg_query_free_scan_result(r);
	free(copy);
	return ret;
}

/* ---- the splitter ------------------------------------------------- */

typedef struct Split {
	Arena *a;
	const char *text;
	ScanPlan *out;
	size_t open_parens;    /* size_t as in libpg_query: ')' at 0 wraps */
	bool keyword;          /* a keyword since the last statement */
	int stmtstart;
	TokVec toks;           /* tokens since the last statement ended */
	size_t cur;            /* toks.items[cur..] are the current statement's */
} Split;

static void push_tok(TokVec *v, const CrdbTok *t)
{
	if (v->n == v->cap) {
		v->cap = v->cap ? v->cap * 2 : 256;
		v->items = xrealloc(v->items, v->cap * sizeof(Tok));
	}
	v->items[v->n++] = (Tok){t->start, t->end, t->tok};
}

static void plan_push(Split *sp, const Tok *t, int n, int end)
{
	ScanPlan *p = sp->out;
	Classified c = classify_stmt(sp->a, sp->text, t, n);
	bool deep = c.cls == STMT_SCHEMA && classify_nesting(t, n) > CLASSIFY_MAX_NESTING;
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 64;
		p->items = xrealloc(p->items, p->cap * sizeof(*p->items));
	}
	p->items[p->n++] = (StmtPlan){c, end, deep};
	if (c.cls == STMT_SCHEMA && !deep)
		p->nschema++;
}

static void split_tok(Split *sp, const CrdbTok *t)
{
	if (t->kw != PG_QUERY__KEYWORD_KIND__NO_KEYWORD) {
		sp->keyword = true;
	} else if (t->tok == PG_QUERY__TOKEN__ASCII_40) {
		sp->open_parens++;
	} else if (t->tok == PG_QUERY__TOKEN__ASCII_41) {
		sp->open_parens--;
	} else if (t->tok == PG_QUERY__TOKEN__ASCII_59 && sp->open_parens == 0) {
		if (sp->keyword) {
			Tok *st = sp->toks.items + sp->cur;
			plan_push(sp, st, (int)(sp->toks.n - sp->cur), t->start);
			sp->keyword = false;
			sp->toks.n = 0; /* the tail starts after this ';' */
		}
		else
			push_tok(&sp->toks, t); /* the tail cuts there */
		sp->stmtstart = t->end;
		sp->cur = sp->toks.n;
		return;
	}
	push_tok(&sp->toks, t);
}

/*
 * The end of the text: the splitter's last statement, then what it
 * dropped after an unbalanced parenthesis, cut at every ';'.
 */
static void split_end(Split *sp, int len)
{
	if (sp->keyword && sp->open_parens == 0) {
		plan_push(sp, sp->toks.items + sp->cur, (int)(sp->toks.n - sp->cur), len);
		return;
	}
	const Tok *t = sp->toks.items;
	size_t n = sp->toks.n, start = 0;
	bool open = false;
	for (size_t i = 0; i < n; i++) {
		if (t[i].token == PG_QUERY__TOKEN__ASCII_59) {
			if (open)
				plan_push(sp, t + start, (int)(i - start), t[i].start);
			open = false;
		} else if (!open) {
			open = true;
			start = i;
		}
	}
	if (open)
		plan_push(sp, t + start, (int)(n - start), t[n - 1].end);
}

/* ---- detection ----------------------------------------------------- */

/* Runs the CockroachDB rules on each ';'-separated statement of t[0, n). */
static bool detect(CrdbDetect *det, const CrdbTok *t, size_t n, bool final)
{
	size_t s = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && t[i].tok != PG_QUERY__TOKEN__ASCII_59)
			continue;
		if (i == n && !final)
			break;
		if (i > s && crdb_detect_stmt(det, t + s, (int)(i - s), i < n ? t[i].end : -1))
			return true;
		s = i + 1;
	}
	return false;
}

/* The tokens of one chunk, in order. */
static void feed(Split *sp, CrdbDetect *det, bool *found, const CrdbTok *t, size_t n, bool final)
{
	if (det && !*found && detect(det, t, n, final))
		*found = true;
	for (size_t i = 0; i < n; i++)
		split_tok(sp, &t[i]);
}

/* Characters (not bytes) of UTF-8 text[0, n): the scanner's cursorpos counts characters. */
static int chars(const char *text, size_t n)
{
	int c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)text[i] & 0xC0) != 0x80;
	return c;
}

int scan_source(Arena *a, const char *text, int len, CrdbDetect *det, bool *found, ScanPlan *out,
                Err *err)
{
	memset(out, 0, sizeof(*out));
	out->err_offset = -1;
	Split sp = {.a = a, .text = text, .out = out};
	ScanMem mem = {0};
	CTokVec v = {0};
	size_t pos = 0, chunk = scan_chunk_size ? scan_chunk_size : 1, ulen = (size_t)len;
	int ret = 0;
	while (pos < ulen) {
		size_t end = ulen - pos > chunk ? pos + chunk : ulen;
		int cursor = 0;
		const char *msg = NULL;
		int r = scan_range(&mem, a, text, pos, end, ulen, &v, &cursor, &msg);
		if (r < 0) {
			ret = err_set(err, PGC_EXIT_INTERNAL, "could not read the scanner's output");
			break;
		}
		if (r == 1) {
			/* what lies before the rejected place */
			size_t errpos = pos + (size_t)(cursor > 0 ? cursor - 1 : 0);
			if (errpos > ulen)
				errpos = ulen;
			int c2 = 0;
			const char *m2 = NULL;
			if (errpos <= pos || scan_range(&mem, a, text, pos, errpos, ulen, &v, &c2, &m2) != 0)
				v.n = 0;
			/* a token of a newer PostgreSQL (0x1F): recover.c says where
			 * reading goes on; the statement up to there is planned (it
			 * fails to parse, and is reported and recovered, in its turn) */
			size_t bpos = pos; /* cursorpos counts characters: the byte */
			for (int cc = 1; bpos < ulen && cc < cursor; cc++)
				for (bpos++; bpos < ulen && ((unsigned char)text[bpos] & 0xC0) == 0x80; bpos++)
					;
			int resume = end == ulen ? recover_resume(text, len, (int)bpos, msg) : -1;
			if (resume > 0) {
				feed(&sp, det, found, v.items, v.n, false);
				if (sp.toks.n > sp.cur)
					plan_push(&sp, sp.toks.items + sp.cur, (int)(sp.toks.n - sp.cur), resume - 1);
				sp.keyword = false;
				sp.open_parens = 0;
				sp.toks.n = sp.cur = 0;
				sp.stmtstart = resume;
				pos = (size_t)resume;
				continue;
			}
			if (end == ulen) {
				/* genuine: the splitter's message and position (a
				 * character count from the start of the text, read as
				 * a byte offset, as it always was) */
				int off = chars(text, pos) + (cursor > 0 ? cursor - 1 : 0);
				out->err_offset = off > len ? len : off;
				out->err_msg = msg;
				feed(&sp, det, found, v.items, v.n, true);
				break;
			}
		} else if (end == ulen) {
			feed(&sp, det, found, v.items, v.n, true);
			split_end(&sp, len);
			break;
		}
		/* cut after the last ';': the chunk boundary may split a token */
		size_t k = v.n;
		while (k > 0 && v.items[k - 1].tok != PG_QUERY__TOKEN__ASCII_59)
			k--;
		if (k == 0) {
			chunk *= 2; /* one statement longer than the chunk */
			continue;
		}
		feed(&sp, det, found, v.items, k, false);
		pos = (size_t)v.items[k - 1].end;
	}
	free(v.items);
	free(sp.toks.items);
	scan_mem_free(&mem);
	return ret;
}

void scan_mem_free(ScanMem *mem)
{
	mem_reset(mem);
	free(mem->buf);
	free(mem->big.items);
	memset(mem, 0, sizeof(*mem));
}

void scan_plan_free(ScanPlan *p)
{
	free(p->items);
	p->items = NULL;
	p->n = p->cap = p->nschema = 0;
}
