/*
 * erase_writer.c - the concurrent writer of bench/erase.sh: another user
 * (user 2, "B") working in the erased tables while user 1 ("A") is
 * erased, one autocommit INSERT at a time, round robin over the five
 * parent tables p1..p5 and their children c1..c5, three kinds in turn:
 *   own parent   INSERT INTO pN (user 2)                 - B's own row
 *   own child    INSERT INTO cN under B's own pN row      - B's own row
 *   cross-owner  INSERT INTO cN under one of A's pN rows  - B comments on
 *                A's content (the many-owners situation of issue 9)
 * A cross-owner INSERT checks its parent row with FOR KEY SHARE; while a
 * transaction that deletes that row is open, the INSERT waits for it to
 * end, then fails with foreign_key_violation (23503) when the row is gone:
 * counted as "refused", its wait counted like any other. B's own rows
 * take no lock the erasure holds.
 * It writes from its start until STOPFILE exists; only the INSERTs begun
 * while the operation under test runs (GOFILE exists, ENDFILE does not)
 * are measured. Prints one line about the measured INSERTs:
 *   max_ms p99_ms inserts refused max_cross_ms max_own_ms
 * usage: erase_writer CONNINFO GOFILE ENDFILE STOPFILE A_PARENTS
 *   A_PARENTS: A's rows of each pN have ids 1..A_PARENTS; B's own parent
 *   row of pN has id 2000000 + N.
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: erase_writer CONNINFO GOFILE ENDFILE STOPFILE A_PARENTS\n");
		return 2;
	}
	const char *go = argv[2], *end = argv[3], *stop = argv[4];
	long a_parents = strtol(argv[5], NULL, 10);
	if (a_parents < 1) {
		fprintf(stderr, "erase_writer: A_PARENTS must be at least 1\n");
		return 2;
	}
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "erase_writer: %s", PQerrorMessage(c));
		return 3;
	}
	size_t cap = 1 << 16, n = 0;
	double *lat = malloc(cap * sizeof(*lat));
	if (!lat) {
		fprintf(stderr, "erase_writer: out of memory\n");
		return 3;
	}
	double max_cross = 0, max_own = 0;
	long refused = 0, id = 100000000;
	unsigned long rnd = 12345;
	char sql[256];
	long seq = 0;
	while (access(stop, F_OK) != 0) {
		int t = (int)(seq % 5) + 1, kind = (int)(seq / 5 % 3);
		seq++;
		bool measured = access(go, F_OK) == 0 && access(end, F_OK) != 0;
		if (kind == 0) {
			snprintf(sql, sizeof(sql), "INSERT INTO p%d (id, user_id, v) VALUES (%ld, 2, 'b')", t, id);
		} else if (kind == 1) {
			snprintf(sql, sizeof(sql), "INSERT INTO c%d (id, parent_id, user_id, v) VALUES (%ld, %d, 2, 'b')", t,
			         id, 2000000 + t);
		} else {
			rnd = rnd * 6364136223846793005UL + 1442695040888963407UL;
			long parent = 1 + (long)((rnd >> 33) % (unsigned long)a_parents);
			snprintf(sql, sizeof(sql), "INSERT INTO c%d (id, parent_id, user_id, v) VALUES (%ld, %ld, 2, 'b on a')", t,
			         id, parent);
		}
		double t0 = now_ms();
		PGresult *r = PQexec(c, sql);
		double dt = now_ms() - t0;
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
			if (kind == 2 && state && strcmp(state, "23503") == 0) {
				refused += measured; /* A's row was erased: the application's "not found" */
			} else {
				fprintf(stderr, "erase_writer: %s", PQresultErrorMessage(r));
				PQclear(r);
				PQfinish(c);
				free(lat);
				return 3;
			}
		}
		PQclear(r);
		id++;
		if (!measured)
			continue;
		if (n == cap) {
			double *more = realloc(lat, 2 * cap * sizeof(*lat));
			if (!more) {
				fprintf(stderr, "erase_writer: out of memory\n");
				PQfinish(c);
				free(lat);
				return 3;
			}
			lat = more;
			cap *= 2;
		}
		lat[n++] = dt;
		if (kind == 2 && dt > max_cross)
			max_cross = dt;
		if (kind != 2 && dt > max_own)
			max_own = dt;
	}
	double max = 0, p99 = 0;
	if (n) {
		qsort(lat, n, sizeof(*lat), cmp_double);
		max = lat[n - 1];
		p99 = lat[(size_t)((double)(n - 1) * 0.99)];
	}
	printf("%.1f %.1f %zu %ld %.1f %.1f\n", max, p99, n, refused, max_cross, max_own);
	PQfinish(c);
	free(lat);
	return 0;
}
