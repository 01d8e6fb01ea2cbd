/*
 * frontend.c - frontend_load(): dialect, split, classify, parse, replay.
 *
 * For each source, in order:
 *   1. the CockroachDB rewrite (cockroach dialect; auto picks it when a
 *      source uses CockroachDB-only syntax, and falls back to postgres
 *      when the rewrite fails);
 *   2. what psql reads but is not SQL is blanked: meta-commands
 *      (\connect, \set, pg_dump's \restrict ...) and COPY ... FROM stdin
 *      data. A NUL byte ends the text (a parse-error at its place);
 *   3. pg_query_split_with_scanner() cuts the text into statements. A
 *      scanner failure (unterminated quote, dollar quote or comment) is a
 *      parse-error at its place; the statements before it are kept;
 *   4. the scanner's tokens classify each statement (classify.c). Only
 *      the head of a statement is scanned (its first words decide),
 *      except for function bodies (EXECUTE) and statements whose bytes
 *      allow deep nesting;
 *   5. only schema statements are parsed, one at a time, so a syntax
 *      error costs one statement, and replayed (replay.c). DO and
 *      EXECUTE become dynamic-sql findings. A statement nested deeper
 *      than libpg_query can pack without overflowing the stack is a
 *      parse-error instead of a crash.
 *
 * Offsets: every rewrite keeps the length and the newlines, and every
 * text handed to libpg_query is a copy of a slice of the file; node
 * locations and cursor positions are shifted back by the slice's file
 * offset. Unpacked trees live in a bump allocator reset per statement
 * (plain malloc under ASan, so a pointer kept into a tree is caught).
 */
#include "frontend/frontend.h"

#include "exitcodes.h"
#include "frontend/classify.h"
#include "frontend/crdb.h"
#include "frontend/psql.h"
#include "frontend/recover.h"
#include "frontend/replay.h"
#include "util/xalloc.h"

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include <ctype.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>


typedef struct Stmt {
	int loc, len;   /* from the splitter: leading comments included */
} Stmt;

typedef PGC_VEC(Stmt) StmtVec;

/*
 * Bump allocator for unpacking protobuf trees: one tree at a time, so
 * "free" is a no-op and bump_reset() drops the whole tree at once
 * (protobuf_c_message_free_unpacked costs as much as the unpacking).
 */
typedef struct Bump {
	char *buf;
	size_t cap, used, want;
	PGC_VEC(void *) big;     /* blocks that did not fit (malloc'd) */
	ProtobufCAllocator pa;
} Bump;

static void *bump_alloc(void *data, size_t n)
{
	Bump *b = data;
	n = (n + 15) & ~(size_t)15;
	b->want += n;
	if (b->used + n <= b->cap) {
		void *p = b->buf + b->used;
		b->used += n;
		return p;
	}
	void *p = xmalloc(n);
	/* Overflow list on the heap (not the arena: it is reset per tree). */
	if (b->big.n == b->big.cap) {
		size_t nc = b->big.cap ? 2 * b->big.cap : 16;
		b->big.items = xrealloc(b->big.items, nc * sizeof(void *));
		b->big.cap = nc;
	}
	b->big.items[b->big.n++] = p;
	return p;
}

static void bump_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

static void bump_init(Bump *b)
{
	memset(b, 0, sizeof(*b));
	b->pa.alloc = bump_alloc;
	b->pa.free = bump_free;
	b->pa.allocator_data = b;
}

/* Forgets the last tree; grows the buffer when it overflowed. */
static void bump_reset(Bump *b)
{
	for (size_t i = 0; i < b->big.n; i++)
		free(b->big.items[i]);
	b->big.n = 0;
	if (b->want > b->cap) {
		free(b->buf);
		b->cap = b->want + b->want / 2;
		b->buf = xmalloc(b->cap);
	}
	b->used = 0;
	b->want = 0;
}

static void bump_release(Bump *b)
{
	bump_reset(b);
	free(b->big.items);
	free(b->buf);
}

/* Under ASan trees are malloc'd and freed one by one, so that a pointer
 * kept into a freed tree is caught. */
#if defined(__SANITIZE_ADDRESS__)
#define USE_BUMP 0
#else
#define USE_BUMP 1
#endif

/* Scratch buffer for NUL-terminated slices; the caller frees buf. */
typedef struct Slice {
	char *buf;
	size_t cap;
} Slice;

static const char *slice(Slice *s, const char *text, int off, int len)
{
	if ((size_t)len + 1 > s->cap) {
		free(s->buf);
		s->cap = (size_t)len + 1 > 2 * s->cap ? (size_t)len + 1 : 2 * s->cap;
		s->buf = xmalloc(s->cap);
	}
	memcpy(s->buf, text + off, (size_t)len);
	s->buf[len] = '\0';
	return s->buf;
}


static Finding *parse_error(Model *m, const Replay *r, int offset, const char *msg, const char *what)
{
	SrcLoc l = replay_loc(r, offset);
	return model_add_finding(m, "parse-error", SEV_ERROR, l, "%s%s", msg, what);
}

/*
 * Splits text[0, len) into out. On a scanner failure, records a
 * parse-error and keeps the complete statements before it.
 */
/*
 * libpg_query's scanner splitter counts parentheses and, after an
 * unbalanced one, returns nothing for the rest of the text: statements
 * would vanish without a word. When its statements stop short of the
 * end, split what is left at every ';' token (whatever the depth), so
 * the broken statement becomes a parse-error and the ones after it
 * still count.
 */
static void split_tail(Model *m, const char *text, int len, int from, Slice *sl, StmtVec *out)
{
	int p = from;
	while (p < len && (isspace((unsigned char)text[p]) || text[p] == ';'))
		p++;
	if (p >= len)
		return;
	TokVec toks = {0};
	Err e = {0};
	int eoff = 0;
	if (classify_scan(slice(sl, text, p, len - p), p, &toks, &eoff, &e) < 0) {
		free(toks.items);
		return; /* the splitter scanned the same text without error */
	}
	int start = -1;
	for (size_t i = 0; i < toks.n; i++) {
		if (toks.items[i].token == PG_QUERY__TOKEN__ASCII_59) {
			if (start >= 0) {
				Stmt s = {start, toks.items[i].start - start};
				VEC_PUSH(m->arena, *out, s);
			}
			start = -1;
		} else if (start < 0) {
			start = toks.items[i].start;
		}
	}
	if (start >= 0 && toks.n > 0) {
		Stmt s = {start, toks.items[toks.n - 1].end - start};
		VEC_PUSH(m->arena, *out, s);
	}
	free(toks.items);
}

static void split_source(Model *m, const Replay *r, const char *text, int len, Slice *sl, StmtVec *out)
{
	/* base: where the scanner starts; past a statement it cannot read,
	 * reading goes on after its ';' (recover.c recover_resume) */
	for (int base = 0; base < len;) {
		PgQuerySplitResult sr = pg_query_split_with_scanner(text + base);
		if (!sr.error) {
			int covered = base;
			for (int i = 0; i < sr.n_stmts; i++) {
				Stmt s = {base + sr.stmts[i]->stmt_location, sr.stmts[i]->stmt_len};
				VEC_PUSH(m->arena, *out, s);
				if (s.loc + s.len > covered)
					covered = s.loc + s.len;
			}
			pg_query_free_split_result(sr);
			split_tail(m, text, len, covered, sl, out);
			return;
		}
		int errpos = base + (sr.error->cursorpos > 0 ? sr.error->cursorpos - 1 : 0);
		if (errpos > len)
			errpos = len;
		int resume = recover_resume(text, len, errpos, sr.error->message);
		if (resume < 0)
			parse_error(m, r, errpos, sr.error->message, "; the rest of the file is not read");
		pg_query_free_split_result(sr);
		/* Split what comes before the failure; the last statement there is
		 * the broken one unless a ';' ends it. */
		int bstart = base;
		if (errpos > base) {
			PgQuerySplitResult pre = pg_query_split_with_scanner(slice(sl, text, base, errpos - base));
			if (!pre.error) {
				for (int i = 0; i < pre.n_stmts; i++) {
					Stmt s = {base + pre.stmts[i]->stmt_location, pre.stmts[i]->stmt_len};
					int end = s.loc + s.len;
					if (end >= errpos || text[end] != ';')
						break;
					VEC_PUSH(m->arena, *out, s);
					bstart = end + 1;
				}
			}
			pg_query_free_split_result(pre);
		}
		if (resume < 0)
			return;
		/* the broken statement itself: parsed (and so reported and
		 * recovered) in its turn */
		Stmt b = {bstart, resume - 1 - bstart};
		VEC_PUSH(m->arena, *out, b);
		base = resume;
	}
}

/*
 * replay_parsed: replays pr, the parse of text[first, end), and frees pr.
 */
static void replay_parsed(Model *m, Replay *r, PgQueryProtobufParseResult pr, int first, int end,
                          Bump *bump)
{
	PgQuery__ParseResult *tree = NULL;
	if (pr.error) {
		int off = first + (pr.error->cursorpos > 0 ? pr.error->cursorpos - 1 : 0);
		Recovered rec = recover_statement(m->arena, r, first, end, pr.error->message); /* recover.c */
		Finding *f = parse_error(m, r, off, pr.error->message, rec.what);
		if (f && rec.hint)
			f->help = rec.hint;
		goto out;
	}
	tree = pg_query__parse_result__unpack(USE_BUMP ? &bump->pa : NULL, pr.parse_tree.len,
	                                      (const uint8_t *)pr.parse_tree.data);
	if (!tree) {
		parse_error(m, r, first, "cannot read the parser's output", "; the statement is skipped");
		goto out;
	}
	for (size_t i = 0; i < tree->n_stmts; i++) {
		const PgQuery__RawStmt *rs = tree->stmts[i];
		if (rs && rs->stmt)
			replay_stmt(r, rs->stmt, first, first, end);
	}
out:
	if (tree && !USE_BUMP)
		pg_query__parse_result__free_unpacked(tree, NULL);
	bump_reset(bump); /* frees tree */
	pg_query_free_protobuf_parse_result(pr);
}

static void parse_and_replay(Model *m, Replay *r, const char *text, int first, int end, Slice *sl,
                             Bump *bump)
{
	const char *q = slice(sl, text, first, end - first);
	replay_parsed(m, r, pg_query_parse_protobuf(q), first, end, bump);
}

/* ---- parsing ahead --------------------------------------------------- */

/*
 * libpg_query's parser is thread-safe and parsing is most of the time of
 * a load. While the main thread classifies and replays one file's
 * statements in order, a worker thread parses the file's schema
 * statements in the same order; the main thread takes each result when
 * it is ready. Replay order and results are those of a sequential run.
 */
typedef struct Job {
	int first, end;
	bool done;            /* pr is set (under mu) */
	bool unparsed;        /* the worker could not parse it: parse when taken */
	PgQueryProtobufParseResult pr;
} Job;

typedef struct Ahead {
	const char *text;     /* the file being read */
	Job *jobs;            /* room for every statement of the file: never moves while read */
	size_t njobs;         /* allocated */
	size_t nsub, claim;   /* submitted by main; next job nobody parses yet (under mu) */
	bool quit;            /* the load is over (under mu) */
	bool running;         /* the worker was started */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t th;
} Ahead;

/*
 * One worker for the whole load; it claims jobs in order. The main
 * thread parses a job itself when the worker has not claimed it yet, so
 * a busy machine (the worker not scheduled) costs no more than a
 * sequential run.
 */
static void *ahead_worker(void *arg)
{
	Ahead *a = arg;
	char *buf = NULL;
	size_t cap = 0;
	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->claim == a->nsub && !a->quit)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->claim == a->nsub)
			break;
		Job *j = &a->jobs[a->claim++];
		const char *text = a->text;
		pthread_mutex_unlock(&a->mu);
		/* plain malloc: xmalloc counts allocations for fault injection
		 * and exits on failure, which is the main thread's business */
		size_t len = (size_t)(j->end - j->first);
		char *q = len + 1 > cap ? realloc(buf, len + 1) : buf;
		PgQueryProtobufParseResult pr = {0};
		if (q) {
			if (q != buf)
				cap = len + 1;
			buf = q;
			memcpy(buf, text + j->first, len);
			buf[len] = '\0';
			pr = pg_query_parse_protobuf(buf);
		}
		pthread_mutex_lock(&a->mu);
		j->pr = pr;
		j->unparsed = !q; /* out of memory here: the main thread parses it */
		j->done = true;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	free(buf);
	return NULL;
}

static void ahead_init(Ahead *a)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
#ifdef PGC_FAULT_INJECTION
	/* the allocation walk (tests/integration/t0620) needs the same
	 * allocations in the same order on every run */
	if (getenv("PGCASCADE_FAIL_ALLOC"))
		return;
#endif
	a->running = pthread_create(&a->th, NULL, ahead_worker, a) == 0;
}

/*
 * Starts a file: text with up to n statements. Every job of the previous
 * file has been taken, so the worker is idle.
 */
static void ahead_begin(Ahead *a, const char *text, size_t n)
{
	pthread_mutex_lock(&a->mu);
	if (n > a->njobs) {
		free(a->jobs);
		a->njobs = n;
		a->jobs = xcalloc(n, sizeof(*a->jobs));
	}
	a->text = text;
	a->nsub = a->claim = 0;
	pthread_mutex_unlock(&a->mu);
}

static void ahead_submit(Ahead *a, int first, int end)
{
	pthread_mutex_lock(&a->mu);
	Job *j = &a->jobs[a->nsub];
	j->first = first;
	j->end = end;
	j->done = false;
	j->unparsed = false;
	a->nsub++; /* without a worker, jobs are parsed when taken */
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/*
 * The parse of job k (taken in order); the caller frees it. While the
 * worker parses job k, the main thread parses the next unclaimed job
 * instead of waiting.
 */
static PgQueryProtobufParseResult ahead_take(Ahead *a, size_t k, Slice *sl)
{
	Job *j = &a->jobs[k];
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->claim <= k) {
			/* nobody parses k yet: do it here */
			a->claim = k + 1;
			const char *text = a->text;
			pthread_mutex_unlock(&a->mu);
			return pg_query_parse_protobuf(slice(sl, text, j->first, j->end - j->first));
		}
		if (j->done)
			break;
		if (a->claim < a->nsub) {
			Job *o = &a->jobs[a->claim++];
			const char *text = a->text;
			pthread_mutex_unlock(&a->mu);
			PgQueryProtobufParseResult pr = pg_query_parse_protobuf(slice(sl, text, o->first, o->end - o->first));
			pthread_mutex_lock(&a->mu);
			o->pr = pr;
			o->done = true;
			continue;
		}
		pthread_cond_wait(&a->cv, &a->mu);
	}
	const char *text = a->text;
	pthread_mutex_unlock(&a->mu);
	if (j->unparsed)
		return pg_query_parse_protobuf(slice(sl, text, j->first, j->end - j->first));
	return j->pr;
}

/* Stops the worker (every submitted job must have been taken) and frees a. */
static void ahead_finish(Ahead *a)
{
	if (a->running) {
		pthread_mutex_lock(&a->mu);
		a->quit = true;
		pthread_cond_broadcast(&a->cv);
		pthread_mutex_unlock(&a->mu);
		pthread_join(a->th, NULL);
	}
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a->jobs);
}

#define HEAD_BYTES 64   /* first try at the bytes that hold a statement's first words */
#define HEAD_TOKENS 8   /* enough words to classify (CREATE OR REPLACE GLOBAL TEMP ...) */

/* All tokens of text[from, to) into out (replacing its content). */
static bool all_tokens(const char *text, int from, int to, Slice *sl, TokVec *out)
{
	Err e = {0};
	int eoff;
	out->n = 0;
	if (classify_scan(slice(sl, text, from, to - from), from, out, &eoff, &e) < 0) {
		/* a statement the scanner cannot read (split_source resumed
		 * after it): its tokens up to the failure */
		out->n = 0;
		if (classify_scan(slice(sl, text, from, eoff), from, out, &eoff, &e) < 0)
			out->n = 0;
	}
	return true;
}

/*
 * The first tokens of the statement text[from, to): scanning only its
 * head is much cheaper than scanning all of it, and the first words
 * decide its class. The head grows when it ends inside a quote or a
 * comment, or holds too few words. The last token of a cut head may be
 * cut too, so it is dropped. Returns whether out holds all the tokens.
 */
static bool head_tokens(const char *text, int from, int to, Slice *sl, TokVec *out)
{
	for (long n = HEAD_BYTES;; n *= 4) {
		if (from + n >= to)
			return all_tokens(text, from, to, sl, out);
		Err e = {0};
		int eoff;
		out->n = 0;
		if (classify_scan(slice(sl, text, from, (int)n), from, out, &eoff, &e) < 0)
			continue;
		if (out->n > HEAD_TOKENS) {
			out->n--;
			return false;
		}
	}
}

/* An upper bound of classify_nesting() from the bytes alone: every
 * operator character and parenthesis, quoted or not, and every word
 * (keyword operators such as NOT, IS, COLLATE, AT, IN, OPERATOR). */
static int nesting_bound(const char *text, int from, int to)
{
	int n = 0;
	for (int i = from; i < to; i++) {
		unsigned char ch = (unsigned char)text[i];
		if (ch && strchr("+-*/<>=%^|&#~!@([:", ch))
			n++;
		else if (isalpha(ch) && (i == from || !(isalnum((unsigned char)text[i - 1]) || text[i - 1] == '_')))
			n++;
	}
	return n;
}

/*
 * pgcascade fix writes each PostgreSQL step as a guarded DO block whose
 * body is quoted with the tag $pgcascade$ and runs one literal
 * ALTER TABLE when its guard passes (see src/fix/fix.c). Such a block is
 * ours, so its ALTER TABLE statements are replayed as if the guard
 * passed: a static audit that includes the generated migration then
 * sees the cascades it made. Any other DO block stays dynamic SQL.
 * Returns whether text[first, end) was such a block.
 */
static bool replay_own_do(Model *m, Replay *r, const char *text, int first, int end, Slice *sl,
                          Bump *bump, TokVec *toks)
{
	static const char tag[] = "$pgcascade$";
	const size_t taglen = sizeof(tag) - 1;
	int p = first;
	if (end - p < 2 || strncasecmp(text + p, "DO", 2) != 0)
		return false;
	p += 2;
	while (p < end && isspace((unsigned char)text[p]))
		p++;
	if ((size_t)(end - p) < 2 * taglen || strncmp(text + p, tag, taglen) != 0)
		return false;
	int body = p + (int)taglen;
	const char *close = memmem(text + body, (size_t)(end - body), tag, taglen);
	if (!close)
		return false;
	int body_end = (int)(close - text);
	if (!all_tokens(text, body, body_end, sl, toks))
		return false;
	/* Copy the tokens: parse_and_replay reuses the slice buffer. */
	size_t n = toks->n;
	Tok *tk = xmalloc((n ? n : 1) * sizeof(*tk));
	memcpy(tk, toks->items, n * sizeof(*tk));
	bool found = false;
	for (size_t i = 0; i + 1 < n; i++) {
		if (tk[i].token != PG_QUERY__TOKEN__ALTER || tk[i + 1].token != PG_QUERY__TOKEN__TABLE)
			continue;
		size_t j = i + 2;
		while (j < n && tk[j].token != PG_QUERY__TOKEN__ASCII_59)
			j++;
		int stop = j < n ? tk[j].start : body_end;
		parse_and_replay(m, r, text, tk[i].start, stop, sl, bump);
		found = true;
		i = j;
	}
	free(tk);
	return found;
}

static int load_source(Model *m, Replay *r, const Source *src, const char *text,
                       const CrdbRewrite *cr, Slice *sl, Bump *bump, Ahead *ah, Err *err)
{
	if (!text)
		return 0; /* nothing to read (an empty source) */
	int len = (int)src->len;
	if (src->len > (size_t)0x7fffffff)
		return err_set(err, PGC_EXIT_USAGE, "%s: file too large", src->path);
	const char *nul = memchr(text, '\0', src->len);
	if (nul)
		len = (int)(nul - text);
	if (memchr(text, '\\', (size_t)len)) {
		char *copy = arena_alloc(m->arena, src->len + 1);
		memcpy(copy, text, src->len);
		if (psql_blank(NULL, copy, (size_t)len, NULL, true))
			text = copy;
	}
	replay_set_source(r, src->path, text, src->len, cr);
	if (nul)
		parse_error(m, r, (int)(nul - text), "NUL byte in input", "; the rest of the file is not read");
	StmtVec stmts = {0};
	split_source(m, r, text, len, sl, &stmts);

	/* Pass 1 classifies every statement and hands the schema statements
	 * to the parser thread; pass 2 replays them in order. */
	typedef struct Plan {
		Classified c;
		int end, nesting;
	} Plan;
	Plan *plan = xmalloc((stmts.n ? stmts.n : 1) * sizeof(*plan));
	ahead_begin(ah, text, stmts.n);
	TokVec toks = {0};
	for (size_t i = 0; i < stmts.n; i++) {
		const Stmt *s = &stmts.items[i];
		int end = s->loc + s->len;
		bool all = head_tokens(text, s->loc, end, sl, &toks);
		if (!all && classify_needs_all(toks.items, (int)toks.n))
			all = all_tokens(text, s->loc, end, sl, &toks);
		const Tok *st = toks.items;
		int nt = (int)toks.n;
		Classified c = classify_stmt(m->arena, text, st, nt);
		int nesting = 0;
		if (c.cls == STMT_SCHEMA && nesting_bound(text, s->loc, end) > CLASSIFY_MAX_NESTING) {
			/* the cheap bound is too high: count on the real tokens */
			if (!all)
				all_tokens(text, s->loc, end, sl, &toks);
			nesting = classify_nesting(toks.items, (int)toks.n);
		}
		plan[i] = (Plan){c, end, nesting};
		if (c.cls == STMT_SCHEMA && nesting <= CLASSIFY_MAX_NESTING)
			ahead_submit(ah, c.first, end);
	}
	size_t next = 0;
	for (size_t i = 0; i < stmts.n; i++) {
		const Classified c = plan[i].c;
		int end = plan[i].end;
		switch (c.cls) {
		case STMT_SCHEMA:
			if (plan[i].nesting > CLASSIFY_MAX_NESTING) {
				parse_error(m, r, c.first, "expression nested too deeply to parse safely",
				            "; the statement is skipped");
				break;
			}
			replay_parsed(m, r, ahead_take(ah, next++, sl), c.first, end, bump);
			break;
		case STMT_DYNAMIC: {
			if (replay_own_do(m, r, text, c.first, end, sl, bump, &toks))
				break;
			SrcLoc l = replay_loc(r, c.dyn_offset);
			model_add_finding(m, "dynamic-sql", SEV_INFO, l,
			                  "%s: dynamic SQL is not replayed; check by hand which "
			                  "tables and foreign keys it changes", c.what);
			break;
		}
		default:
			break;
		}
	}
	free(plan);
	free(toks.items);
	return 0;
}

/*
 * rewrite_all: crdb_rewrite() of every source into a (rw has src->n + 1
 * entries). Returns 0, or -1 with err from the first file that failed.
 */
static int rewrite_all(Arena *a, const SourceList *src, CrdbRewrite *rw, Err *err)
{
	for (size_t i = 0; i < src->n; i++)
		if (crdb_rewrite(a, &src->items[i], &rw[i], err) < 0)
			return -1;
	return 0;
}

/* One half of the detection: crdb_rewrite() of src[from, to) into its own arena. */
typedef struct Detect {
	const SourceList *src;
	size_t from, to;
	Arena *a;
	CrdbRewrite *rw;
	int rc;
} Detect;

static void *detect_part(void *arg)
{
	Detect *d = arg;
	Err e = {0};
	d->rc = 0;
	for (size_t i = d->from; i < d->to && d->rc == 0; i++)
		d->rc = crdb_rewrite(d->a, &d->src->items[i], &d->rw[i], &e) < 0 ? -1 : 0;
	return NULL;
}

/*
 * detect_cockroach: --dialect auto. The rewrite is done in scratch arenas
 * that are freed at once: most histories are PostgreSQL, and then the
 * rewritten copies are not needed (the rewrite is redone in the model's
 * arena when CockroachDB syntax is found). A worker thread scans the
 * second half of the files; the answer and the message are those of a
 * scan in order (a file that fails makes it PostgreSQL).
 */
static bool detect_cockroach(const SourceList *src)
{
	Arena *scratch = arena_new();
	CrdbRewrite *rw = arena_alloc(scratch, (src->n + 1) * sizeof(*rw));
	Detect lo = {src, 0, src->n, scratch, rw, 0}, hi = {src, src->n, src->n, NULL, rw, 0};
	pthread_t th;
	bool threaded = src->n >= 2;
#ifdef PGC_FAULT_INJECTION
	if (getenv("PGCASCADE_FAIL_ALLOC"))
		threaded = false; /* the same allocations in the same order on every run */
#endif
	if (threaded) {
		hi.a = arena_new();
		hi.from = lo.to = src->n / 2;
		if (pthread_create(&th, NULL, detect_part, &hi) != 0) {
			arena_free(hi.a);
			hi.a = NULL;
			threaded = false;
			hi.from = lo.to = src->n;
		}
	}
	detect_part(&lo);
	if (threaded)
		pthread_join(th, NULL);
	bool crdb = false;
	if (lo.rc == 0 && hi.rc == 0) {
		for (size_t i = 0; i < src->n; i++) {
			if (!rw[i].first_syntax)
				continue;
			const Source *s = &src->items[i];
			SrcLoc l = srcloc_at(s->path, s->text, s->len, rw[i].first_offset);
			log_info("dialect: cockroach (%s:%d:%d: %s)", l.file, l.line, l.col, rw[i].first_syntax);
			crdb = true;
			break;
		}
	}
	arena_free(hi.a);
	arena_free(scratch);
	return crdb;
}

int frontend_load(Model *m, const SourceList *src, Dialect want, Err *err)
{
	Dialect d = want == DIALECT_COCKROACH ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	CrdbRewrite *rw = NULL;
	if (want == DIALECT_AUTO && detect_cockroach(src))
		d = DIALECT_COCKROACH;
	if (d == DIALECT_COCKROACH) {
		rw = arena_alloc(m->arena, (src->n + 1) * sizeof(*rw));
		Err e = {0};
		if (rewrite_all(m->arena, src, rw, &e) < 0) {
			if (want == DIALECT_COCKROACH) {
				*err = e;
				return -1;
			}
			rw = NULL; /* auto: read as PostgreSQL */
			d = DIALECT_POSTGRES;
		}
	}
	m->dialect = d;
	Replay *r = replay_new(m, d);
	Slice sl = {NULL, 0};
	Bump bump;
	bump_init(&bump);
	Ahead ah;
	ahead_init(&ah);
	int ret = 0;
	for (size_t i = 0; i < src->n && ret == 0; i++) {
		const Source *s = &src->items[i];
		const char *text = rw && rw[i].text ? rw[i].text : s->text;
		ret = load_source(m, r, s, text, rw ? &rw[i] : NULL, &sl, &bump, &ah, err);
	}
	ahead_finish(&ah);
	bump_release(&bump);
	free(sl.buf);
	return ret;
}
