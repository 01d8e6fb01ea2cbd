/*
 * test_scan.c - one scan per source (scan.c) against libpg_query's own
 * splitter and the CockroachDB rewrite's own detection: on random token
 * soup, the statements scan_source() finds end where
 * pg_query_split_with_scanner() ends them (plus its tail after an
 * unbalanced parenthesis), a scanner failure has the splitter's message
 * and place, the plan does not depend on the chunk size, and detection
 * on the shared tokens finds what crdb_rewrite() finds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "frontend/crdb.h"
#include "frontend/crdb_scan.h"
#include "frontend/scan.h"

#include <pg_query.h>
#include <stdlib.h>
#include <string.h>

static const char *const frag[] = {
	"CREATE", "TABLE", "INDEX", "UNIQUE", "FUNCTION", "DO", "ALTER", "DROP", "SET", "search_path",
	"INSERT", "INTO", "VALUES", "SELECT", "a", "b", "t", "(", ")", "(", ")", ";", ";", ",", "=", "+",
	"'s;'", "'it''s'", "\"q;\"", "$$x;y$$", "$f$ EXECUTE 'x' $f$", "-- c;\n", "/* c; */", "\n", " ",
	"STRING", "BYTES", "FAMILY", "STORING", ":::", "t@i", "INT8", "PRIMARY", "KEY", "REFERENCES",
	"ON", "DELETE", "CASCADE", "1", "2.5", "é", "RULE", "AS", "RETURNS", "LANGUAGE", "sql",
};

static unsigned seed = 4242;
static unsigned rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 16;
}

static size_t soup(char *buf, size_t cap, bool quotes)
{
	size_t len = 0;
	int n = 1 + (int)(rnd() % 80);
	const size_t nf = sizeof(frag) / sizeof(frag[0]);
	for (int k = 0; k < n; k++) {
		const char *f = frag[rnd() % nf];
		if (!quotes && (f[0] == '\'' || f[0] == '"' || f[0] == '$' || f[0] == '-' || f[0] == '/'))
			continue;
		size_t fl = strlen(f);
		if (len + fl + 2 >= cap)
			break;
		memcpy(buf + len, f, fl);
		len += fl;
		buf[len++] = ' ';
	}
	if (rnd() % 4 == 0 && len + 2 < cap)
		buf[len++] = '\''; /* an unterminated quote now and then */
	buf[len] = '\0';
	return len;
}

/* The statement ends libpg_query's splitter gives, then the tail's. */
static void check_against_splitter(Arena *a, const char *text, size_t len)
{
	ScanPlan p;
	Err err = {0};
	assert_int_equal(scan_source(a, text, (int)len, NULL, &(bool){false}, &p, &err), 0);
	PgQuerySplitResult sr = pg_query_split_with_scanner(text);
	if (sr.error) {
		assert_int_equal(p.err_offset, sr.error->cursorpos > 0 ? sr.error->cursorpos - 1 : 0);
		assert_string_equal(p.err_msg, sr.error->message);
		/* only statements that a ';' ends, before the failure */
		for (size_t i = 0; i < p.n; i++) {
			assert_true(p.items[i].end < p.err_offset);
			assert_int_equal(text[p.items[i].end], ';');
		}
	} else {
		assert_int_equal(p.err_offset, -1);
		assert_true(p.n >= (size_t)sr.n_stmts);
		for (int i = 0; i < sr.n_stmts; i++)
			assert_int_equal(p.items[i].end, sr.stmts[i]->stmt_location + sr.stmts[i]->stmt_len);
		for (size_t i = (size_t)sr.n_stmts; i < p.n; i++) /* the tail: after the splitter's last */
			assert_true(sr.n_stmts == 0 ||
			            p.items[i].c.first >= sr.stmts[sr.n_stmts - 1]->stmt_location + sr.stmts[sr.n_stmts - 1]->stmt_len);
	}
	pg_query_free_split_result(sr);
	scan_plan_free(&p);
}

static void test_split_like_libpg_query(void **state)
{
	(void)state;
	Arena *a = arena_new();
	char buf[4096];
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = soup(buf, sizeof(buf), true);
		check_against_splitter(a, buf, len);
	}
	arena_free(a);
}

static bool same_plan(const ScanPlan *x, const ScanPlan *y)
{
	if (x->n != y->n || x->nschema != y->nschema || x->err_offset != y->err_offset)
		return false;
	for (size_t i = 0; i < x->n; i++)
		if (x->items[i].end != y->items[i].end || x->items[i].c.cls != y->items[i].c.cls ||
		    x->items[i].c.first != y->items[i].c.first || x->items[i].too_deep != y->items[i].too_deep)
			return false;
	return true;
}

static void test_chunks_do_not_matter(void **state)
{
	(void)state;
	Arena *a = arena_new();
	size_t cap = 1 << 16, len = 0;
	char *big = malloc(cap);
	char buf[512];
	while (len + sizeof(buf) + 2 < cap) {
		size_t n = soup(buf, sizeof(buf), false); /* no quote: the soup stays readable */
		if (n && buf[n - 1] == '\'')
			n--;
		memcpy(big + len, buf, n);
		len += n;
		big[len++] = ';';
	}
	big[len] = '\0';
	Err err = {0};
	ScanPlan whole, part;
	size_t saved = scan_chunk_size;
	assert_int_equal(scan_source(a, big, (int)len, NULL, &(bool){false}, &whole, &err), 0);
	assert_true(whole.n > 100);
	size_t sizes[] = {1, 7, 64, 333, 4096};
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		scan_chunk_size = sizes[k];
		assert_int_equal(scan_source(a, big, (int)len, NULL, &(bool){false}, &part, &err), 0);
		assert_true(same_plan(&whole, &part));
		scan_plan_free(&part);
	}
	scan_chunk_size = saved;
	check_against_splitter(a, big, len);
	scan_plan_free(&whole);
	free(big);
	arena_free(a);
}

static void test_detect_like_rewrite(void **state)
{
	(void)state;
	Arena *a = arena_new();
	char buf[4096];
	CrdbDetect det = {0};
	int hits = 0;
	for (int iter = 0; iter < 3000; iter++) {
		size_t len = soup(buf, sizeof(buf), true);
		Source s = {"soup.sql", buf, len};
		CrdbRewrite rw;
		Err err = {0};
		assert_int_equal(crdb_rewrite(a, &s, &rw, &err), 0);
		bool found = false;
		ScanPlan p;
		CrdbDetect *d = crdb_detect_begin(&det, a, &s) ? &det : NULL;
		assert_int_equal(scan_source(a, buf, (int)len, d, &found, &p, &err), 0);
		assert_int_equal(found, rw.first_syntax != NULL);
		if (found) {
			hits++;
			assert_string_equal(det.res.first_syntax, rw.first_syntax);
			assert_int_equal(det.res.first_offset, rw.first_offset);
		}
		scan_plan_free(&p);
	}
	assert_true(hits > 100);
	crdb_detect_free(&det);
	arena_free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_like_libpg_query),
		cmocka_unit_test(test_chunks_do_not_matter),
		cmocka_unit_test(test_detect_like_rewrite),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
