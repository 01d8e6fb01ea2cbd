/*
 * frontend.c - frontend_load(): dialect, scan, parse, replay.
 *
 * Pass 1, for each source in order (plan_source):
 *   1. the CockroachDB rewrite (cockroach dialect);
 *   2. what psql reads but is not SQL is blanked: meta-commands
 *      (\connect, \set, pg_dump's \restrict ...) and COPY ... FROM stdin
 *      data. A NUL byte ends the text (a parse-error at its place);
 *   3. one scan (scan.c): pg_query_scan's tokens split the text as
 *      pg_query_split_with_scanner() would, classify each statement
 *      (classify.c) and, for --dialect auto, feed the CockroachDB rules
 *      (crdb.c) until one finds CockroachDB syntax. A scanner failure
 *      (unterminated quote, dollar quote or comment) is a parse-error at
 *      its place; the statements before it are kept.
 * When auto finds CockroachDB syntax, every source is rewritten and pass
 * 1 runs again on the rewritten texts (a PostgreSQL history pays for
 * the detection nothing beyond the scan it needs anyway).
 *
 * Pass 2, for each source in order (replay_source): only schema
 * statements are parsed, one at a time, so a syntax error costs one
 * statement, and replayed (replay.c); a worker thread parses ahead. DO
 * and EXECUTE become dynamic-sql findings. A statement nested deeper
 * than libpg_query can pack without overflowing the stack is a
 * parse-error instead of a crash.
 *
 * Offsets: every rewrite keeps the length and the newlines, and every
 * text handed to libpg_query is a copy of a slice of the file; node
 * locations and cursor positions are shifted back by the slice's file
 * offset.
 *
 * The parse: pg_query_parse() writes the tree as JSON (three times
 * faster than it packs protobuf), pgjson.c reads it with yajl into the
 * PgQuery__* structs unpacking would build; a statement it declines (an
 * Integer libpg_query 15's JSON lost that the tokens cannot give back)
 * is parsed again to protobuf and unpacked. Either way the tree lives in
 * a bump allocator reset per statement (poisoned under ASan, so a
 * pointer kept into a tree is caught).
 */
#include "frontend/frontend.h"

#include "exitcodes.h"
#include "frontend/classify.h"
#include "frontend/crdb.h"
#include "frontend/pgjson.h"
#include "frontend/psql.h"
#include "frontend/recover.h"
#include "frontend/replay.h"
#include "frontend/scan.h"
#include "report/words.h"
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
 * Bump allocator for parse trees (read from JSON or unpacked): one tree
 * at a time, so "free" is a no-op and bump_reset() drops the whole tree
 * at once (protobuf_c_message_free_unpacked costs as much as the
 * unpacking).
 */
typedef struct Bump {
	char *buf;
	size_t cap, used, want;
	PGC_VEC(void *) big;     /* blocks that did not fit (malloc'd) */
	ProtobufCAllocator pa;
	PgJson *pj;              /* the JSON reader (NULL: out of memory, protobuf path) */
} Bump;

/* Under ASan the buffer is poisoned but for the live allocations, each
 * followed by a 16-byte red zone: a read past a node, or through a pointer
 * kept into a tree after bump_reset(), is reported (use-after-poison). */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define BUMP_REDZONE 16
#else
#define ASAN_POISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define ASAN_UNPOISON_MEMORY_REGION(p, n) ((void)(p), (void)(n))
#define BUMP_REDZONE 0
#endif

static void *bump_alloc(void *data, size_t n)
{
	Bump *b = data;
	size_t asked = n;
	n = ((n + 15) & ~(size_t)15) + BUMP_REDZONE;
	b->want += n;
	if (b->used + n <= b->cap) {
		void *p = b->buf + b->used;
		b->used += n;
		ASAN_UNPOISON_MEMORY_REGION(p, asked);
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
	b->pj = pgjson_new();
}

/* Forgets the last tree; grows the buffer when it overflowed. */
static void bump_reset(Bump *b)
{
	for (size_t i = 0; i < b->big.n; i++)
		free(b->big.items[i]);
	b->big.n = 0;
	if (b->want > b->cap) {
		ASAN_UNPOISON_MEMORY_REGION(b->buf, b->cap);
		free(b->buf);
		b->cap = b->want + b->want / 2;
		b->buf = xmalloc(b->cap);
	}
	ASAN_POISON_MEMORY_REGION(b->buf, b->cap);
	b->used = 0;
	b->want = 0;
}

static void bump_release(Bump *b)
{
	bump_reset(b);
	ASAN_UNPOISON_MEMORY_REGION(b->buf, b->cap);
	free(b->big.items);
	free(b->buf);
	pgjson_free(b->pj);
}

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
 * The tree of text[first, end) from pr, its JSON parse (pgjson.c), in
 * bump; NULL if it cannot be read. When the JSON cannot give the tree
 * unpacking the protobuf parse would give (pgjson_read says when), the
 * statement is parsed again to protobuf and unpacked.
 */
static PgQuery__ParseResult *read_tree(const PgQueryParseResult *pr, const char *text, int first,
                                       int end, Slice *sl, Bump *bump)
{
	PgQuery__ParseResult *tree = pgjson_read(bump->pj, text + first, (size_t)(end - first),
	                                         pr->parse_tree, strlen(pr->parse_tree), &bump->pa);
	if (tree)
		return tree;
	bump_reset(bump);
	PgQueryProtobufParseResult pb = pg_query_parse_protobuf(slice(sl, text, first, end - first));
	if (!pb.error)
		tree = pg_query__parse_result__unpack(&bump->pa, pb.parse_tree.len,
		                                      (const uint8_t *)pb.parse_tree.data);
	pg_query_free_protobuf_parse_result(pb);
	return tree;
}

/*
 * replay_parsed: replays pr, the parse of text[first, end), and frees pr.
 */
static void replay_parsed(Model *m, Replay *r, PgQueryParseResult pr, const char *text, int first,
                          int end, Slice *sl, Bump *bump)
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
	tree = read_tree(&pr, text, first, end, sl, bump);
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
	bump_reset(bump); /* frees tree */
	pg_query_free_parse_result(pr);
}

static void parse_and_replay(Model *m, Replay *r, const char *text, int first, int end, Slice *sl,
                             Bump *bump)
{
	const char *q = slice(sl, text, first, end - first);
	replay_parsed(m, r, pg_query_parse(q), text, first, end, sl, bump);
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
	PgQueryParseResult pr;
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
		PgQueryParseResult pr = {0};
		if (q) {
			if (q != buf)
				cap = len + 1;
			buf = q;
			memcpy(buf, text + j->first, len);
			buf[len] = '\0';
			pr = pg_query_parse(buf);
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

/*
 * Below this many bytes of statements to parse, the worker is not
 * started: its stack and its own malloc arena (about 64 KiB resident)
 * would cost more than parsing ahead saves (issue 15, the footprint on
 * a small project).
 */
#define AHEAD_MIN_BYTES (64 * 1024)

/* work: bytes of schema statements the load will parse */
static void ahead_init(Ahead *a, size_t work)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	if (work < AHEAD_MIN_BYTES)
		return; /* every job is parsed when taken, on the main thread */
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
	/* allocated outside the lock: xcalloc may end the process, which
	 * must not happen while the worker waits on mu */
	Job *fresh = n > a->njobs ? xcalloc(n, sizeof(*a->jobs)) : NULL, *old = NULL;
	pthread_mutex_lock(&a->mu);
	if (fresh) {
		old = a->jobs;
		a->jobs = fresh;
		a->njobs = n;
	}
	a->text = text;
	a->nsub = a->claim = 0;
	pthread_mutex_unlock(&a->mu);
	free(old);
}

/* Submits every schema statement of plan[0, n) at once (one wake-up). */
static void ahead_submit_all(Ahead *a, const StmtPlan *plan, size_t n)
{
	pthread_mutex_lock(&a->mu);
	for (size_t i = 0; i < n; i++) {
		if (plan[i].c.cls != STMT_SCHEMA || plan[i].too_deep)
			continue;
		Job *j = &a->jobs[a->nsub++]; /* without a worker, jobs are parsed when taken */
		j->first = plan[i].c.first;
		j->end = plan[i].end;
		j->done = false;
		j->unparsed = false;
	}
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

/*
 * The parse of job k (taken in order); the caller frees it. While the
 * worker parses job k, the main thread parses the next unclaimed job
 * instead of waiting.
 */
static PgQueryParseResult ahead_take(Ahead *a, size_t k, Slice *sl)
{
	Job *j = &a->jobs[k];
	pthread_mutex_lock(&a->mu);
	for (;;) {
		if (a->claim <= k) {
			/* nobody parses k yet: do it here */
			a->claim = k + 1;
			const char *text = a->text;
			pthread_mutex_unlock(&a->mu);
			return pg_query_parse(slice(sl, text, j->first, j->end - j->first));
		}
		if (j->done)
			break;
		if (a->claim < a->nsub) {
			Job *o = &a->jobs[a->claim++];
			const char *text = a->text;
			pthread_mutex_unlock(&a->mu);
			PgQueryParseResult pr = pg_query_parse(slice(sl, text, o->first, o->end - o->first));
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
		return pg_query_parse(slice(sl, text, j->first, j->end - j->first));
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

/* One source between the two passes: what is read, and its statements. */
typedef struct FilePlan {
	const char *text;     /* NULL: nothing to read */
	int len;              /* up to a NUL byte */
	bool nul;
	ScanPlan sp;
} FilePlan;

/*
 * Pass 1 for one source: the text that is read (psql lines blanked),
 * scanned once into its classified statements. With det, also looks for
 * CockroachDB syntax (until *found): on the same tokens when the text is
 * the file's own, else with a separate rewrite in scratch.
 */
static int plan_source(Model *m, const Source *src, const char *text, CrdbDetect *det, bool *found,
                       Arena *scratch, FilePlan *fp, Err *err)
{
	memset(fp, 0, sizeof(*fp));
	fp->sp.err_offset = -1;
	if (!text)
		return 0; /* nothing to read (an empty source) */
	if (src->len > (size_t)0x7fffffff)
		return err_set(err, PGC_EXIT_USAGE, "%s: file too large", src->path);
	int len = (int)src->len;
	const char *nul = memchr(text, '\0', src->len);
	if (nul)
		len = (int)(nul - text);
	if (memchr(text, '\\', (size_t)len)) {
		char *copy = arena_alloc(m->arena, src->len + 1);
		memcpy(copy, text, src->len);
		if (psql_blank(NULL, copy, (size_t)len, NULL, true))
			text = copy;
	}
	fp->text = text;
	fp->len = len;
	fp->nul = nul != NULL;
	CrdbDetect *d = NULL;
	if (det && !*found) {
		if (text == src->text && !nul) {
			if (crdb_detect_begin(det, scratch, src))
				d = det;
		} else {
			CrdbRewrite rw;
			Err e = {0};
			if (crdb_rewrite(scratch, src, &rw, &e) == 0 && rw.first_syntax) {
				det->res = rw;
				*found = true;
			}
		}
	}
	return scan_source(m->arena, text, len, d, found, &fp->sp, err);
}

/* Pass 2 for one source: parses its schema statements and replays them in order. */
static void replay_source(Model *m, Replay *r, const Source *src, const FilePlan *fp,
                          const CrdbRewrite *cr, Slice *sl, Bump *bump, Ahead *ah, TokVec *toks)
{
	const char *text = fp->text;
	if (!text)
		return;
	replay_set_source(r, src->path, text, src->len, cr);
	if (fp->nul)
		parse_error(m, r, fp->len, "NUL byte in input", "; the rest of the file is not read");
	if (fp->sp.err_offset >= 0)
		parse_error(m, r, fp->sp.err_offset, fp->sp.err_msg, "; the rest of the file is not read");
	const StmtPlan *plan = fp->sp.items;
	ahead_begin(ah, text, fp->sp.nschema);
	ahead_submit_all(ah, plan, fp->sp.n);
	size_t next = 0;
	for (size_t i = 0; i < fp->sp.n; i++) {
		const Classified c = plan[i].c;
		int end = plan[i].end;
		switch (c.cls) {
		case STMT_SCHEMA:
			if (plan[i].too_deep) {
				parse_error(m, r, c.first, "expression nested too deeply to parse safely",
				            "; the statement is skipped");
				break;
			}
			replay_parsed(m, r, ahead_take(ah, next++, sl), text, c.first, end, sl, bump);
			break;
		case STMT_DYNAMIC: {
			if (replay_own_do(m, r, text, c.first, end, sl, bump, toks))
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

/* Pass 1 for every source; rw: the rewritten texts, or NULL. */
static int plan_all(Model *m, const SourceList *src, const CrdbRewrite *rw, CrdbDetect *det,
                    bool *found, size_t *found_at, Arena *scratch, FilePlan *fp, Err *err)
{
	for (size_t i = 0; i < src->n; i++) {
		const Source *s = &src->items[i];
		const char *text = rw && rw[i].text ? rw[i].text : s->text;
		bool was = *found;
		if (plan_source(m, s, text, det, found, scratch, &fp[i], err) < 0)
			return -1;
		if (*found && !was)
			*found_at = i;
	}
	return 0;
}

static void free_plans(FilePlan *fp, size_t n)
{
	for (size_t i = 0; i < n; i++)
		scan_plan_free(&fp[i].sp);
}

/*
 * --dialect auto reads the sources as PostgreSQL; the first CockroachDB
 * construct found on the way (by the rewrite's own rules, on the tokens
 * the front end scans anyway) makes every source be rewritten and
 * scanned again as CockroachDB.
 */
int frontend_load(Model *m, const SourceList *src, Dialect want, Err *err)
{
	Dialect d = want == DIALECT_COCKROACH ? DIALECT_COCKROACH : DIALECT_POSTGRES;
	CrdbRewrite *rw = NULL;
	FilePlan *fp = xcalloc(src->n + 1, sizeof(*fp));
	int ret = 0;
	if (d == DIALECT_COCKROACH) {
		rw = arena_alloc(m->arena, (src->n + 1) * sizeof(*rw));
		if (rewrite_all(m->arena, src, rw, err) < 0 ||
		    plan_all(m, src, rw, NULL, &(bool){false}, &(size_t){0}, NULL, fp, err) < 0) {
			ret = -1;
			goto out;
		}
	} else {
		bool found = false;
		size_t at = 0;
		Arena *scratch = want == DIALECT_AUTO ? arena_new() : NULL;
		CrdbDetect det = {0};
		ret = plan_all(m, src, NULL, scratch ? &det : NULL, &found, &at, scratch, fp, err);
		if (ret == 0 && found) {
			const Source *s = &src->items[at];
			SrcLoc l = srcloc_at(s->path, s->text, s->len, det.res.first_offset);
			StrBuf notice = STRBUF_INIT;
			words_dialect(&notice, DIALECT_COCKROACH, arena_printf(m->arena, "%s:%d:%d", l.file, l.line, l.col),
			              det.res.first_syntax);
			log_info("%s", notice.buf);
			sb_release(&notice);
			CrdbRewrite *crw = arena_alloc(m->arena, (src->n + 1) * sizeof(*crw));
			Err e = {0};
			if (rewrite_all(m->arena, src, crw, &e) == 0) {
				/* else: read as PostgreSQL */
				free_plans(fp, src->n);
				rw = crw;
				d = DIALECT_COCKROACH;
				ret = plan_all(m, src, rw, NULL, &found, &at, NULL, fp, err);
			}
		}
		crdb_detect_free(&det);
		arena_free(scratch);
		if (ret < 0)
			goto out;
	}
	m->dialect = d;
	Replay *r = replay_new(m, d);
	Slice sl = {NULL, 0};
	Bump bump;
	bump_init(&bump);
	size_t work = 0;
	for (size_t i = 0; i < src->n; i++)
		for (size_t k = 0; k < fp[i].sp.n; k++)
			if (fp[i].sp.items[k].c.cls == STMT_SCHEMA)
				work += (size_t)(fp[i].sp.items[k].end - fp[i].sp.items[k].c.first);
	Ahead ah;
	ahead_init(&ah, work);
	TokVec toks = {0};
	for (size_t i = 0; i < src->n; i++)
		replay_source(m, r, &src->items[i], &fp[i], rw ? &rw[i] : NULL, &sl, &bump, &ah, &toks);
	ahead_finish(&ah);
	bump_release(&bump);
	free(toks.items);
	free(sl.buf);
out:
	free_plans(fp, src->n);
	free(fp);
	return ret;
}
