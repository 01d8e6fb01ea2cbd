#!/usr/bin/env bash
# t0110-live.sh - live audit faults and secrets (issue 6, parts 5 and 8):
# passwords never reach any output; refused and silent servers end in
# exit 3 within the connect timeout; a role without catalog rights, a
# statement timeout and a server that drops the connection mid-query
# each give a clear message and exit 3; a read-only database works; and
# nothing is left behind on the server.
source "$(dirname "$0")/../lib/tap.sh"

plan 80
SECRET='S3cr3tPassw0rdXyz'
DB=pgc_t0110
conninfo=$(fresh_db "$DB") || { not_ok "create database"; exit 1; }
psql_db "$DB" -f "$FIXTURES/pg/90-live-basic.sql" >/dev/null || { not_ok "apply fixture"; exit 1; }

# no_secret NAME: neither stdout nor stderr of the last pgc run holds $SECRET.
no_secret() {
	if grep -qF -- "$SECRET" "$TMP/out" "$TMP/err"; then
		not_ok "$1: password not in output"; sed 's/^/#   /' "$TMP/err" | head -5
	else
		ok "$1: password not in output"
	fi
}

# --- secrets in messages -------------------------------------------------
pgc audit --format json --db "postgresql://bob:$SECRET@127.0.0.1:1/app"
check_eq "refused URI: exit 3" 3 "$RC"
no_secret "refused URI"
check_contains "refused URI: the parsed options shown, the password as ***" \
	"(user=bob password=*** dbname=app host=127.0.0.1 port=1)" "$TMP/err"

pgc audit --format json --db "host=127.0.0.1 port=1 user=bob password='$SECRET' dbname=app"
check_eq "refused conninfo: exit 3" 3 "$RC"
no_secret "refused conninfo"
check_contains "refused conninfo: redacted conninfo shown" "password=***" "$TMP/err"

pgc audit --format json --db "postgresql://bob:$SECRET@no-such-host.invalid/app"
check_eq "wrong host: exit 3" 3 "$RC"
no_secret "wrong host"
check_contains "wrong host: the host is named" "no-such-host.invalid" "$TMP/err"

pgc audit --format json --db "host=h password=$SECRET extra"
check_eq "malformed conninfo with a password: exit 2 (input error)" 2 "$RC"
no_secret "malformed conninfo"
pgc audit --format json --db "host=h extra"
check_eq "malformed conninfo without a password: exit 2" 2 "$RC"
check_contains "malformed conninfo without a password: libpq's reason" 'missing "=" after "extra"' "$TMP/err"

# A password with '/' and '@' unencoded: libpq would read pieces of it as
# host and database name, so the URI is refused without showing any of it.
pgc audit --db 'postgresql://bob:pa/ss@wo:rd9@127.0.0.1:55811/app'
check_eq "password with '/' and '@': exit 2" 2 "$RC"
for piece in 'pa/ss@wo:rd9' 'ss@wo' 'wo:rd9' 'rd9'; do
	check "password with '/' and '@': '$piece' not in stdout or stderr" \
		test "$(cat "$TMP/out" "$TMP/err" | grep -cF -- "$piece")" = 0
done
check_contains "password with '/' and '@': says how to write it" "percent-encode" "$TMP/err"
# '?' before the '@' does not end libpq's user-info (found by fuzz_conninfo)
pgc audit --db 'postgresql://bob:se?cr@t2XYZ@127.0.0.1:1/app'
check_eq "password with '?' and '@': exit 2" 2 "$RC"
check "password with '?' and '@': no piece of it in stdout or stderr" \
	test "$(cat "$TMP/out" "$TMP/err" | grep -cF -e 'se?cr' -e 't2XYZ')" = 0
# Percent-encoded, the same password is fine: neither spelling shows.
pgc audit --db 'postgresql://bob:pa%2Fss%40wo%3Ard9@127.0.0.1:1/app'
check_eq "percent-encoded password: exit 3 (refused)" 3 "$RC"
check "percent-encoded password: neither spelling in the output" \
	test "$(cat "$TMP/out" "$TMP/err" | grep -cF -e 'pa/ss@wo:rd9' -e 'pa%2Fss%40wo%3Ard9' -e 'rd9')" = 0
# Several hosts and query parameters, a password in the query.
pgc audit --db "postgresql://bob@127.0.0.1:1,127.0.0.1:2/app?sslmode=disable&password=$SECRET&application_name=x"
check_eq "multiple hosts: exit 3" 3 "$RC"
no_secret "multiple hosts"
check_contains "multiple hosts: both shown" "host=127.0.0.1,127.0.0.1 port=1,2" "$TMP/err"
pgc audit --db "host=127.0.0.1 port=1 sslpassword=$SECRET"
no_secret "sslpassword"
# A password from a password file (PGPASSFILE, else ~/.pgpass).
printf '127.0.0.1:1:*:bob:%s\n' "$SECRET" >"$TMP/pgpass"; chmod 600 "$TMP/pgpass"
PGPASSFILE="$TMP/pgpass" pgc audit --db "host=127.0.0.1 port=1 user=bob dbname=app"
check_eq "password file: exit 3" 3 "$RC"
no_secret "password file"

DATABASE_URL="postgresql://bob:$SECRET@127.0.0.1:1/app" pgc audit --format json --db ''
check_eq "DATABASE_URL (--db ''): exit 3" 3 "$RC"
no_secret "DATABASE_URL"
check_contains "DATABASE_URL is what was used" "host=127.0.0.1 port=1" "$TMP/err"
DATABASE_URL='postgresql://bob:pa/ss@wo:rd9@127.0.0.1:55811/app' pgc audit --db ''
check_eq "DATABASE_URL with an unencoded '/': exit 2" 2 "$RC"
check "DATABASE_URL with an unencoded '/': no piece of the password shown" \
	test "$(cat "$TMP/out" "$TMP/err" | grep -cF -e 'ss@wo' -e 'rd9')" = 0

PGPASSWORD=$SECRET pgc audit --format json --db "host=127.0.0.1 port=1 user=bob dbname=app"
check_eq "PGPASSWORD: exit 3" 3 "$RC"
no_secret "PGPASSWORD"

# A successful live audit (the test server trusts, so any password is
# accepted) prints nothing of it either, in any format.
for fmt in text json dot mermaid; do
	pgc audit --format "$fmt" --db "postgresql://$PGUSER:$SECRET@/$DB?host=$PGHOST&port=$PGPORT"
	check "success, $fmt: audit ran (exit $RC)" test "$RC" -le 1
	no_secret "success, $fmt"
done
DATABASE_URL="postgresql://$PGUSER:$SECRET@/$DB?host=$PGHOST&port=$PGPORT" pgc audit --format text --db ''
check "success through DATABASE_URL (exit $RC)" test "$RC" -le 1
no_secret "success through DATABASE_URL"

# --- connect timeouts ----------------------------------------------------
start=$(date +%s)
pgc audit --format json --db "host=127.0.0.1 port=1 dbname=app"
check_eq "refused: exit 3" 3 "$RC"
check "refused: fails at once ($(( $(date +%s) - start ))s)" test $(( $(date +%s) - start )) -lt 10

# A server that accepts TCP connections and never answers: only
# connect_timeout ends the wait. The default (10 s) applies, and a
# connect_timeout in the conninfo wins over it.
python3 - "$TMP/port" <<'EOF' &
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
conns = []
end = time.time() + 40
s.settimeout(1)
while time.time() < end:
    try:
        conns.append(s.accept()[0])
    except socket.timeout:
        pass
EOF
silent_pid=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
port=$(cat "$TMP/port")
start=$(date +%s)
pgc audit --format json --db "host=127.0.0.1 port=$port dbname=app"
took=$(( $(date +%s) - start ))
check_eq "silent server: exit 3" 3 "$RC"
check "silent server: default connect_timeout of 10 s applies (${took}s)" test "$took" -ge 8 -a "$took" -le 16
start=$(date +%s)
pgc audit --format json --db "host=127.0.0.1 port=$port dbname=app connect_timeout=2"
took=$(( $(date +%s) - start ))
check_eq "silent server, connect_timeout=2: exit 3" 3 "$RC"
check "silent server: the user's connect_timeout wins (${took}s)" test "$took" -le 5
kill "$silent_pid" 2>/dev/null; wait "$silent_pid" 2>/dev/null

# --- a role without the rights to read the catalog ----------------------
psql_db "$DB" -c "DROP ROLE IF EXISTS pgc_t0110_nobody" -c "CREATE ROLE pgc_t0110_nobody LOGIN" \
	-c "REVOKE SELECT ON pg_catalog.pg_constraint FROM PUBLIC" >/dev/null 2>&1
pgc audit --format json --db "$conninfo user=pgc_t0110_nobody"
check_eq "no catalog rights: exit 3" 3 "$RC"
check_contains "no catalog rights: says what it was reading" "could not read" "$TMP/err"
check_contains "no catalog rights: the server's reason" "permission denied" "$TMP/err"
check_contains "no catalog rights: a hint" "needs SELECT on the pg_catalog" "$TMP/err"
psql_db "$DB" -c "GRANT SELECT ON pg_catalog.pg_constraint TO PUBLIC" >/dev/null

# --- statement timeout -----------------------------------------------------
# Another session holds pg_enum exclusively; the loader's types query
# waits, and the user's statement_timeout (kept, not overridden) fires.
hold_lock() { # seconds
	psql -X -q -d "$DB" -c "BEGIN" -c "LOCK TABLE pg_catalog.pg_enum IN ACCESS EXCLUSIVE MODE" \
		-c "SELECT pg_sleep($1)" -c "COMMIT" >/dev/null 2>&1 &
	lock_pid=$!
	for _ in $(seq 50); do
		[ "$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_locks l JOIN pg_database d
			ON d.oid = l.database WHERE d.datname = '$DB' AND l.relation = 'pg_enum'::regclass
			AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
release_lock() {
	psql -X -q -d postgres -c "SELECT pg_cancel_backend(pid) FROM pg_stat_activity
		WHERE datname = '$DB' AND query LIKE 'SELECT pg_sleep%'" >/dev/null
	wait "$lock_pid" 2>/dev/null
}

check "statement timeout: lock taken" hold_lock 30
start=$(date +%s)
pgc audit --format json --db "$conninfo options='-c statement_timeout=500'"
took=$(( $(date +%s) - start ))
release_lock
check_eq "statement timeout: exit 3" 3 "$RC"
check_contains "statement timeout: says so" "statement timeout" "$TMP/err"
check_contains "statement timeout: names the catalog read" "could not read " "$TMP/err"
check "statement timeout: ends quickly (${took}s)" test "$took" -le 5

# --- a table locked by another session (a migration's ALTER TABLE) ---------
# Reading a column default locks its table (pg_get_expr): without a
# lock_timeout the catalog read would wait behind the lock, and every later
# query of the application behind it. audit --db and fix --db wait at most
# 2s (lock_timeout) and end in exit 3; verify --db's seed transaction too.
hold_table_lock() { # MODE TABLE SECONDS
	psql -X -q -d "$DB" -c "BEGIN" -c "LOCK TABLE $2 IN $1 MODE" \
		-c "SELECT pg_sleep($3)" -c "COMMIT" >/dev/null 2>&1 &
	lock_pid=$!
	for _ in $(seq 50); do
		[ "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM pg_locks WHERE relation = '$2'::regclass AND granted
			AND pid <> pg_backend_pid()")" = 1 ] && return 0
		sleep 0.1
	done
	return 1
}
check "locked table: lock taken" hold_table_lock 'ACCESS EXCLUSIVE' public.users 60
for cmd in audit fix; do
	start=$(date +%s)
	pgc "$cmd" --db "$conninfo"
	took=$(( $(date +%s) - start ))
	check_eq "locked table, $cmd --db: exit 3" 3 "$RC"
	check_contains "locked table, $cmd --db: says lock timeout" "canceling statement due to lock timeout" "$TMP/err"
	check "locked table, $cmd --db: gives up after lock_timeout, 2s (${took}s)" test "$took" -le 6
done
release_lock
# verify --db: the catalog reads pass, the seed's INSERT waits (SHARE blocks writes only)
check "locked table, verify: lock taken" hold_table_lock SHARE '"Posts"' 60
pgc verify --db "$conninfo" --lock-timeout 300ms
release_lock
check_eq "locked table, verify --db: exit 3" 3 "$RC"
check_contains "locked table, verify --db: the seed's insert timed out" "cannot seed public.Posts: canceling statement due to lock timeout" "$TMP/err"
check_contains "locked table, verify --db: says another session holds a lock" "another session holds a lock on it" "$TMP/err"

# --- the server drops the connection mid-query -----------------------------
# (the user's lock_timeout=0 is kept: the read waits until it is killed)
check "mid-query: lock taken" hold_lock 30
"$PGC" audit --format json --db "$conninfo options='-c lock_timeout=0'" >"$TMP/out" 2>"$TMP/err" &
pgc_pid=$!
killed=0
for _ in $(seq 100); do
	n=$(psql -X -At -d postgres -c "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE datname = '$DB' AND application_name = 'pgcascade' AND wait_event_type = 'Lock'")
	[ "$n" = 1 ] && { killed=1; break; }
	sleep 0.1
done
wait "$pgc_pid"; RC=$?
release_lock
check_eq "mid-query: the backend was terminated while reading" 1 "$killed"
check_eq "mid-query: exit 3" 3 "$RC"
check_contains "mid-query: says what it was reading" "could not read" "$TMP/err"
check_contains "mid-query: says the connection was lost" "connection to the server was lost" "$TMP/err"

# --- nothing left behind ---------------------------------------------------
left=$(psql -X -At -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'pgcascade'")
check_eq "no pgcascade session left on the server" 0 "$left"

# --- a read-only database works ----------------------------------------------
psql_db "$DB" -c "ALTER DATABASE $DB SET default_transaction_read_only = on" >/dev/null
pgc audit --format json --db "$conninfo"
check "read-only database: audit succeeds (exit $RC)" test "$RC" -le 1
check "read-only database: JSON with the foreign keys" \
	test "$(jq '.foreign_keys | length' "$TMP/out" 2>/dev/null)" = 9

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "DROP ROLE IF EXISTS pgc_t0110_nobody" >/dev/null 2>&1
