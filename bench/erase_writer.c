/*
 * erase_writer.c - the concurrent writer of bench/erase.sh: inserts rows
 * for another user (user 2) into the erased tables, round robin, one
 * autocommit INSERT at a time, and records the longest wait of one INSERT
 * (the stall a delete imposes on the application). Runs until the file
 * named by argv[2] exists; prints "max_ms count".
 * usage: erase_writer CONNINFO STOPFILE
 */
#define _POSIX_C_SOURCE 200809L
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: erase_writer CONNINFO STOPFILE\n");
		return 2;
	}
	PGconn *c = PQconnectdb(argv[1]);
	if (PQstatus(c) != CONNECTION_OK) {
		fprintf(stderr, "erase_writer: %s", PQerrorMessage(c));
		return 3;
	}
	double worst = 0;
	long n = 0, id = 100000000;
	char sql[256];
	while (access(argv[2], F_OK) != 0) {
		int t = (int)(n % 10) + 1;
		if (t <= 5)
			snprintf(sql, sizeof(sql), "INSERT INTO p%d (id, user_id, v) VALUES (%ld, 2, 'w')", t, id);
		else
			snprintf(sql, sizeof(sql), "INSERT INTO c%d (id, parent_id, user_id, v) VALUES (%ld, %d, 2, 'w')",
			         t - 5, id, 2000000 + t - 5);
		double t0 = now_ms();
		PGresult *r = PQexec(c, sql);
		double dt = now_ms() - t0;
		if (PQresultStatus(r) != PGRES_COMMAND_OK) {
			fprintf(stderr, "erase_writer: %s", PQresultErrorMessage(r));
			PQclear(r);
			PQfinish(c);
			return 3;
		}
		PQclear(r);
		if (dt > worst)
			worst = dt;
		n++;
		id++;
	}
	printf("%.1f %ld\n", worst, n);
	PQfinish(c);
	return 0;
}
