#!/usr/bin/env bash
# t0410-verify-faults.sh - verify under database faults (issue 4, issue 6
# part 8): the embedded server killed or stopped mid-run, SIGINT/SIGTERM
# during embedded mode, a --db that refuses connections, a read-only
# transaction, a role without rights, a statement timeout, and the live
# backend terminated mid-run. Each gives a clear message and exit 3 (or
# the signal's status), and leaves no server and no directory behind.
#
# PGCASCADE_VERIFY_STALL=<phase> (test builds only) makes verify print
# "stalling before <phase>" and wait until SIGUSR1, so faults land at a
# known point.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 37
ZOO="$FIXTURES/verify/type-zoo.sql"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"

# start_stalled PHASE ARGS...: runs verify in the background until it stalls.
start_stalled() {
	local phase=$1; shift
	PGCASCADE_VERIFY_STALL=$phase "$PGC" verify "$@" >"$TMP/out" 2>"$TMP/err" &
	VPID=$!
	for _ in $(seq 1 600); do
		grep -q "stalling before $phase" "$TMP/err" 2>/dev/null && return 0
		kill -0 "$VPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
cluster_dir() { ls -d "$TMPDIR"/pgcascade-verify.* 2>/dev/null | head -1; }
postmaster_of() { head -1 "$1/data/postmaster.pid" 2>/dev/null; }
finish() { wait "$VPID"; RC=$?; }
clean() { # nothing of ours left: no directory, no server
	check_eq "$1: temporary directory removed" "" "$(ls -A "$TMPDIR")"
	check_eq "$1: no server left running" "" "$(pgrep -f "postgres -D $TMPDIR" || true)"
}

# --- the embedded server is killed (SIGKILL, all its processes) while seeding ---
check "kill -9: verify reached the seeding" start_stalled seed --root '"Users"' "$ZOO"
dir=$(cluster_dir)
pm=$(postmaster_of "$dir")
check "kill -9: found the postmaster ($pm)" test -n "$pm"
pkill -KILL -P "$pm"; kill -KILL "$pm"
kill -USR1 "$VPID"
finish
check_eq "kill -9 while seeding: exit 3" 3 "$RC"
check_contains "kill -9: a clear message" "the embedded PostgreSQL server died during verify" "$TMP/err"
clean "kill -9"

# --- the embedded server stops (immediate shutdown) before the apply ---------
check "stop: verify reached the apply" start_stalled apply "$ZOO"
dir=$(cluster_dir)
kill -QUIT "$(postmaster_of "$dir")"
sleep 0.5
kill -USR1 "$VPID"
finish
check_eq "server stopped before the apply: exit 3" 3 "$RC"
check_contains "stop: the message names the file being applied" "type-zoo.sql" "$TMP/err"
clean "stop"

# --- SIGINT and SIGTERM during embedded mode -------------------------------------
check "SIGINT: verify reached the seeding" start_stalled seed --root '"Users"' "$ZOO"
check "SIGINT: the cluster is up" test -n "$(pgrep -f "postgres -D $TMPDIR")"
kill -INT "$VPID"
finish
check_eq "SIGINT: killed by SIGINT (status 130)" 130 "$RC"
clean "SIGINT"

check "SIGTERM: verify reached the apply" start_stalled apply "$ZOO"
kill -TERM "$VPID"
finish
check_eq "SIGTERM: killed by SIGTERM (status 143)" 143 "$RC"
clean "SIGTERM"

# --- no server programs where PGCASCADE_PG_BINDIR points ---------------------
PGCASCADE_PG_BINDIR=/nonexistent pgc verify "$ZOO"
check_eq "bad PGCASCADE_PG_BINDIR: exit 3" 3 "$RC"
check_contains "bad PGCASCADE_PG_BINDIR: says what is missing" "PGCASCADE_PG_BINDIR=/nonexistent has no initdb" "$TMP/err"
clean "bad bindir"

# --- a --db that refuses connections: exit 3 within the connect timeout -------
t0=$(date +%s)
pgc verify --db "host=127.0.0.1 port=1 connect_timeout=5 dbname=x"
t1=$(date +%s)
check_eq "refused TCP connection: exit 3" 3 "$RC"
check "refused TCP connection: within the 5 s timeout ($((t1 - t0)) s)" test $((t1 - t0)) -le 6
pgc verify --db "host=$TMP/nosocket port=5432 connect_timeout=5"
check_eq "no server at that socket: exit 3" 3 "$RC"
check_contains "no server: says it could not connect" "connect" "$TMP/err"

# --- live mode: read-only, no rights, timeout, backend terminated -------------
db=$(fresh_db t0410_live)
psql_db t0410_live -f "$ZOO" >/dev/null 2>&1
psql_db postgres -c "ALTER DATABASE t0410_live SET default_transaction_read_only = on" >/dev/null
pgc verify --root '"Users"' --db "$db"
check_eq "read-only transaction: exit 3" 3 "$RC"
check_contains "read-only transaction: a clear message" "read-only transaction" "$TMP/err"
psql_db postgres -c "ALTER DATABASE t0410_live RESET default_transaction_read_only" >/dev/null

psql_db postgres -c "DROP ROLE IF EXISTS pgc_t0410_weak" -c "CREATE ROLE pgc_t0410_weak LOGIN" >/dev/null
psql_db t0410_live -c "GRANT USAGE ON SCHEMA public, zoo TO pgc_t0410_weak" \
	-c "GRANT SELECT ON ALL TABLES IN SCHEMA public TO pgc_t0410_weak" >/dev/null
pgc verify --root '"Users"' --db "$db user=pgc_t0410_weak"
check_eq "role without INSERT rights: exit 3" 3 "$RC"
check_contains "role without rights: permission denied" "permission denied" "$TMP/err"

pgc verify --root '"Users"' --db "$db options='-c statement_timeout=1'"
check_eq "statement timeout of 1 ms: exit 3" 3 "$RC"

counts() { psql_db t0410_live -At -c "SELECT count(*) FROM \"Users\"" -c "SELECT count(*) FROM profiles"; }
before=$(counts)
check "terminated backend: verify reached the seeding" start_stalled seed --root '"Users"' --db "$db"
psql_db postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 't0410_live' AND pid <> pg_backend_pid()" >/dev/null
kill -USR1 "$VPID"
finish
check_eq "backend terminated mid-run: exit 3" 3 "$RC"
check_contains "backend terminated: a clear message" "pgcascade: error:" "$TMP/err"
check_eq "backend terminated: the database is unchanged" "$before" "$(counts)"
psql_db postgres -c "DROP DATABASE t0410_live" -c "DROP ROLE pgc_t0410_weak" >/dev/null 2>&1

# stop whatever a crashed run of this test could not (our own processes only)
for p in $(pgrep -f "postgres -D $TMPDIR"); do kill -KILL "$p"; done
