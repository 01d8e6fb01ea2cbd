/*
 * test_sources.c - sources_collect(): order, layouts, exclusions, dbmate
 * blanking and every input error. Each test builds its own directory
 * tree under a mkdtemp() directory and removes it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "exitcodes.h"
#include "frontend/frontend.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static Arena *A;
static char root[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	A = arena_new();
	strcpy(root, "/tmp/pgc-src.XXXXXX");
	if (!mkdtemp(root))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	arena_free(A);
	nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Path under the test root (arena-owned). */
static char *P(const char *rel)
{
	return arena_printf(A, "%s/%s", root, rel);
}

/* Creates root/rel with content, making parent directories. */
static void put(const char *rel, const char *content, size_t len)
{
	char *path = P(rel);
	for (char *s = path + strlen(root) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		mkdir(path, 0755);
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(content, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void puts_(const char *rel, const char *content)
{
	put(rel, content, strlen(content));
}

/* Collects the given paths; returns the shown paths relative to root, joined by " ". */
static const char *order_of(const char *const *paths, int n)
{
	SourceList sl = {0};
	Err err = {0};
	if (sources_collect(A, paths, n, &sl, &err) != 0)
		fail_msg("unexpected error: %s", err.msg);
	char *s = arena_strdup(A, "");
	size_t rl = strlen(root) + 1;
	for (size_t i = 0; i < sl.n; i++) {
		const char *p = sl.items[i].path;
		if (strncmp(p, root, rl - 1) == 0)
			p += rl;
		s = arena_printf(A, "%s%s%s", s, i ? " " : "", p);
	}
	return s;
}

static const char *order_dir(const char *rel)
{
	const char *p = P(rel);
	return order_of(&p, 1);
}

/* Expects an input error whose message contains want. */
static void expect_error(const char *const *paths, int n, const char *want)
{
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, paths, n, &sl, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	if (!strstr(err.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", err.msg, want);
}

static void test_natural_order(void **state)
{
	(void)state;
	puts_("m/10-x.sql", "");
	puts_("m/2-x.sql", "");
	puts_("m/1-a.sql", "");
	puts_("m/100-y.sql", "");
	puts_("m/README.md", "not sql");
	assert_string_equal(order_dir("m"), "m/1-a.sql m/2-x.sql m/10-x.sql m/100-y.sql");
}

static void test_timestamps(void **state)
{
	(void)state;
	puts_("m/20240101120000_b.sql", "");
	puts_("m/20231231235959_z.sql", "");
	puts_("m/20240101120000_a.sql", "");
	puts_("m/9_small.sql", "");
	assert_string_equal(order_dir("m"),
	                    "m/9_small.sql m/20231231235959_z.sql m/20240101120000_a.sql m/20240101120000_b.sql");
}

static void test_flyway(void **state)
{
	(void)state;
	puts_("m/V2__more.sql", "");
	puts_("m/V1_1__add.sql", "");
	puts_("m/V1__init.sql", "");
	puts_("m/V10__late.sql", "");
	puts_("m/V1.2__dot.sql", "");
	puts_("m/U1__undo.sql", "DROP TABLE x;");
	puts_("m/U1_1__undo.sql", "DROP TABLE y;");
	puts_("m/R__views.sql", "");
	assert_string_equal(order_dir("m"),
	                    "m/V1__init.sql m/V1_1__add.sql m/V1.2__dot.sql m/V2__more.sql m/V10__late.sql m/R__views.sql");
}

static void test_golang_migrate(void **state)
{
	(void)state;
	puts_("m/000010_c.up.sql", "");
	puts_("m/000001_a.up.sql", "");
	puts_("m/000001_a.down.sql", "");
	puts_("m/000002_b.up.sql", "");
	puts_("m/000002_b.down.sql", "");
	assert_string_equal(order_dir("m"), "m/000001_a.up.sql m/000002_b.up.sql m/000010_c.up.sql");
}

static void test_same_version_and_mixed(void **state)
{
	(void)state;
	puts_("m/071-users.sql", "");
	puts_("m/071-orders.sql", "");
	puts_("m/70-z.sql", "");
	puts_("m/71-a.sql", "");
	puts_("m/schema.sql", "");
	puts_("m/V3__flyway.sql", "");
	puts_("m/.hidden.sql", "");
	puts_("m/20240101000000_ts.sql", "");
	/* unversioned first; 071 == 71, then by full name */
	assert_string_equal(order_dir("m"),
	                    "m/schema.sql m/V3__flyway.sql m/70-z.sql m/071-orders.sql m/071-users.sql m/71-a.sql "
	                    "m/20240101000000_ts.sql");
}

static void test_prisma_and_diesel(void **state)
{
	(void)state;
	puts_("prisma/20240102000000_next/migration.sql", "");
	puts_("prisma/20240101000000_init/migration.sql", "");
	puts_("prisma/migration_lock.toml", "provider = \"postgresql\"");
	puts_("prisma/notes/readme.txt", "");
	assert_string_equal(order_dir("prisma"),
	                    "prisma/20240101000000_init/migration.sql prisma/20240102000000_next/migration.sql");
	puts_("diesel/2024-01-10-000000_c/up.sql", "");
	puts_("diesel/2024-01-10-000000_c/down.sql", "");
	puts_("diesel/2024-01-09-120000_b/up.sql", "");
	puts_("diesel/2024-01-09-120000_b/down.sql", "");
	puts_("diesel/00000000000000_diesel_initial_setup/up.sql", "");
	puts_("diesel/00000000000000_diesel_initial_setup/down.sql", "");
	assert_string_equal(order_dir("diesel"),
	                    "diesel/00000000000000_diesel_initial_setup/up.sql diesel/2024-01-09-120000_b/up.sql "
	                    "diesel/2024-01-10-000000_c/up.sql");
}

static void test_arguments_in_order_and_paths(void **state)
{
	(void)state;
	puts_("a/2-x.sql", "");
	puts_("a/1-x.sql", "");
	puts_("b.sql", "");
	puts_("c.down.sql", "");
	const char *args[] = {P("b.sql"), arena_printf(A, "%s/a//", root), P("c.down.sql")};
	/* a named file is taken as it is, even a down migration */
	assert_string_equal(order_of(args, 3), "b.sql a/1-x.sql a/2-x.sql c.down.sql");
	/* the path shown is the argument itself, or dir/relative */
	SourceList sl = {0};
	Err err = {0};
	char *cwd = getcwd(NULL, 0);
	assert_int_equal(chdir(root), 0);
	const char *rel[] = {"./b.sql", "a/", "."};
	int rc = sources_collect(A, rel, 3, &sl, &err);
	assert_int_equal(chdir(cwd), 0);
	free(cwd);
	assert_int_equal(rc, 0);
	assert_int_equal(sl.n, 4);
	assert_string_equal(sl.items[0].path, "./b.sql");
	assert_string_equal(sl.items[1].path, "a/1-x.sql");
	assert_string_equal(sl.items[2].path, "a/2-x.sql");
	assert_string_equal(sl.items[3].path, "./b.sql");
}

static void test_dbmate_blanking(void **state)
{
	(void)state;
	const char *text = "-- a header\n"
	                   "-- migrate:up transaction:false\n"
	                   "CREATE TABLE a (id int);\n"
	                   "\n"
	                   "--migrate:down\n"
	                   "DROP TABLE a;\n"
	                   "-- migrate:up\n"
	                   "CREATE TABLE b (id int);";
	puts_("db/20240101_a.sql", text);
	const char *p = P("db");
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, &p, 1, &sl, &err), 0);
	assert_int_equal(sl.n, 1);
	const Source *s = &sl.items[0];
	assert_int_equal(s->len, strlen(text));
	assert_int_equal(strlen(s->text), strlen(text));
	for (size_t i = 0; i < s->len; i++)
		if ((text[i] == '\n') != (s->text[i] == '\n'))
			fail_msg("newline moved at %zu", i);
	/* kept sections are at their original offsets */
	const char *up = strstr(text, "CREATE TABLE a");
	assert_memory_equal(s->text + (up - text), "CREATE TABLE a (id int);", 24);
	const char *up2 = strstr(text, "CREATE TABLE b");
	assert_memory_equal(s->text + (up2 - text), "CREATE TABLE b (id int);", 24);
	assert_null(strstr(s->text, "DROP"));
	assert_null(strstr(s->text, "header"));
	assert_null(strstr(s->text, "migrate"));
	/* line 3 col 1 is still CREATE TABLE a */
	SrcLoc l = srcloc_at(s->path, s->text, s->len, (int)(up - text));
	assert_int_equal(l.line, 3);
	assert_int_equal(l.col, 1);
	/* without the up marker nothing is blanked, even with a down marker */
	puts_("plain.sql", "SELECT 1;\n-- migrate:down\nSELECT 2;\n");
	const char *q = P("plain.sql");
	SourceList s2 = {0};
	assert_int_equal(sources_collect(A, &q, 1, &s2, &err), 0);
	assert_string_equal(s2.items[0].text, "SELECT 1;\n-- migrate:down\nSELECT 2;\n");
}

static void test_empty_comments_bom(void **state)
{
	(void)state;
	puts_("m/1-empty.sql", "");
	puts_("m/2-comments.sql", "-- nothing\n/* at all */\n");
	puts_("m/3-bom.sql", "\xEF\xBB\xBFSELECT 1;");
	const char *p = P("m");
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, &p, 1, &sl, &err), 0);
	assert_int_equal(sl.n, 3);
	assert_int_equal(sl.items[0].len, 0);
	assert_string_equal(sl.items[0].text, "");
	assert_string_equal(sl.items[1].text, "-- nothing\n/* at all */\n");
	assert_string_equal(sl.items[2].text, "   SELECT 1;");
}

static void test_error_missing(void **state)
{
	(void)state;
	const char *p[] = {P("nope"), P("nope/x.sql")};
	expect_error(p, 1, "nope: no such file or directory");
	expect_error(p + 1, 1, "nope/x.sql: no such file or directory");
	puts_("m/1.sql", "");
	const char *q[] = {P("m"), P("missing.sql")};
	expect_error(q, 2, "missing.sql: no such file or directory");
}

static void test_error_no_sql(void **state)
{
	(void)state;
	puts_("m/README.md", "");
	puts_("m/1.down.sql", "");
	puts_("m/U1__x.sql", "");
	puts_("m/sub/down.sql", "");
	const char *p = P("m");
	expect_error(&p, 1, "/m: directory contains no SQL migration files");
	assert_int_equal(mkdir(P("empty"), 0755), 0);
	p = P("empty");
	expect_error(&p, 1, "/empty: directory contains no SQL");
}

static void test_error_symlink_loop(void **state)
{
	(void)state;
	assert_int_equal(symlink(P("loop_b"), P("loop_a")), 0);
	assert_int_equal(symlink(P("loop_a"), P("loop_b")), 0);
	const char *p = P("loop_a");
	expect_error(&p, 1, "loop_a: symbolic link loop");
	/* inside a directory */
	puts_("m/1.sql", "");
	assert_int_equal(symlink(P("m/2.sql"), P("m/2.sql.tmp")), 0);
	assert_int_equal(rename(P("m/2.sql.tmp"), P("m/2.sql")), 0); /* 2.sql -> itself */
	p = P("m");
	expect_error(&p, 1, "m/2.sql: symbolic link loop");
}

static void test_error_dangling_and_special(void **state)
{
	(void)state;
	puts_("m/1.sql", "");
	assert_int_equal(symlink(P("gone"), P("m/2.sql")), 0);
	const char *p = P("m");
	expect_error(&p, 1, "m/2.sql: dangling symbolic link");
	const char *dev = "/dev/null";
	expect_error(&dev, 1, "/dev/null: not a regular file or directory");
}

static void test_error_unreadable(void **state)
{
	(void)state;
	/* a file whose read fails (EIO at offset 0), even for root */
	const char *p = "/proc/self/mem";
	expect_error(&p, 1, "/proc/self/mem: cannot read");
	/* a file without read permission, checked as an unprivileged user */
	puts_("secret.sql", "SELECT 1;");
	assert_int_equal(chmod(P("secret.sql"), 0), 0);
	assert_int_equal(chmod(root, 0755), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0))
			_exit(3);
		const char *q = P("secret.sql");
		SourceList sl = {0};
		Err err = {0};
		int rc = sources_collect(A, &q, 1, &sl, &err);
		_exit(rc == -1 && err.code == PGC_EXIT_USAGE && strstr(err.msg, "secret.sql: cannot open: permission denied") ? 0 : 1);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

/* A file that reports size 0 but has content (/proc) is read whole. */
static void test_sizeless_file(void **state)
{
	(void)state;
	const char *p = "/proc/self/status";
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, &p, 1, &sl, &err), 0);
	assert_true(sl.items[0].len > 100);
	assert_int_equal(strlen(sl.items[0].text), sl.items[0].len);
	assert_memory_equal(sl.items[0].text, "Name:", 5);
}

static void test_error_nul_byte(void **state)
{
	(void)state;
	put("m/1.sql", "SELECT 1;\nSEL\0ECT 2;\n", 21);
	const char *p = P("m");
	SourceList sl = {0};
	Err err = {0};
	assert_int_equal(sources_collect(A, &p, 1, &sl, &err), -1);
	assert_int_equal(err.code, PGC_EXIT_USAGE);
	assert_string_equal(err.msg, arena_printf(A, "%s/m/1.sql:2:4: NUL byte in input", root));
}

static void test_error_invalid_utf8(void **state)
{
	(void)state;
	/* valid multi-byte text first, then a lone continuation byte */
	puts_("a.sql", "-- héllo ✓ 😀\nSELECT 'x';\nSELECT '\x80';\n");
	const char *p = P("a.sql");
	expect_error(&p, 1, "a.sql:3:9: invalid UTF-8 byte sequence (0x80)");
	/* overlong encoding, surrogate, truncated sequence at the end */
	puts_("b.sql", "SELECT '\xC0\xAF';");
	p = P("b.sql");
	expect_error(&p, 1, "b.sql:1:9: invalid UTF-8");
	puts_("c.sql", "SELECT '\xED\xA0\x80';");
	p = P("c.sql");
	expect_error(&p, 1, "c.sql:1:9: invalid UTF-8");
	puts_("d.sql", "SELECT 1; \xE2\x9C");
	p = P("d.sql");
	expect_error(&p, 1, "d.sql:1:11: invalid UTF-8");
	/* binary garbage */
	puts_("e.sql", "\x7f\x45\x4c\x46\x02\x01\x01\xff\xfe");
	p = P("e.sql");
	expect_error(&p, 1, "e.sql:1:8: invalid UTF-8");
}

/* A 100 MB file is read whole, once: the arena holds it and little more. */
static void test_big_file(void **state)
{
	(void)state;
	const size_t size = (getenv("PGC_BIG_MB") ? (size_t)atoi(getenv("PGC_BIG_MB")) : 100u) << 20;
	char *path = P("big.sql");
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	static char block[1 << 16];
	for (size_t i = 0; i < sizeof(block); i += 16)
		memcpy(block + i, "SELECT 1234567;\n", 16);
	for (size_t w = 0; w < size; w += sizeof(block))
		assert_int_equal(fwrite(block, 1, sizeof(block), f), sizeof(block));
	assert_int_equal(fclose(f), 0);
	Arena *a = arena_new();
	SourceList sl = {0};
	Err err = {0};
	const char *p = path;
	assert_int_equal(sources_collect(a, &p, 1, &sl, &err), 0);
	assert_int_equal(sl.items[0].len, size);
	assert_memory_equal(sl.items[0].text + size - 16, "SELECT 1234567;\n", 16);
	assert_true(arena_used(a) < size + (1u << 20));
	arena_free(a);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_natural_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timestamps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flyway, setup, teardown),
		cmocka_unit_test_setup_teardown(test_golang_migrate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_version_and_mixed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_prisma_and_diesel, setup, teardown),
		cmocka_unit_test_setup_teardown(test_arguments_in_order_and_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dbmate_blanking, setup, teardown),
		cmocka_unit_test_setup_teardown(test_empty_comments_bom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_no_sql, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_symlink_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_dangling_and_special, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_unreadable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sizeless_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_nul_byte, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_invalid_utf8, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_file, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
