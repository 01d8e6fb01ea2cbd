#!/usr/bin/env bash
# lock.sh - lock benchmark for `pgcascade fix` (issue 3).
#
# A child table of ROWS rows (default 1,000,000) references users with
# NO ACTION. While a concurrent pgbench session inserts into child in a
# loop (one insert per transaction, latency of each logged), we change
# the FK to ON DELETE CASCADE in two ways and report the longest insert
# stall (the maximum insert latency) during each:
#   naive:     BEGIN; ALTER TABLE child DROP CONSTRAINT ...;
#              ALTER TABLE child ADD CONSTRAINT ... ON DELETE CASCADE; COMMIT;
#   generated: the up migration of pgcascade fix (one ALTER TABLE ... NOT
#              VALID) in one transaction, then its validate migration in
#              another, as a migration runner would run the two files.
# Local throwaway server only (its own mkdtemp cluster); bounded loops
# (pgbench -T). Usage: bench/lock.sh [ROWS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${1:-1000000}
SECS=${2:-12}
source tests/lib/pgserver.sh
pgserver_start
WORK=$(mktemp -d /tmp/pgc-lockbench.XXXXXX)
cleanup() { pgserver_stop; rm -rf "$WORK"; }
trap cleanup EXIT
chmod 777 "$WORK"
PGBENCH="$PGSERVER_BINDIR/pgbench"
export PGOPTIONS="-c client_min_messages=warning"
PSQL="psql -X -q -v ON_ERROR_STOP=1"

cat >"$WORK/schema.sql" <<SQL
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE child (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id), payload text);
SQL
cat >"$WORK/insert.sql" <<'SQL'
\set u random(1, 10000)
INSERT INTO child (user_id, payload) VALUES (:u, 'x');
SQL

# The generated migration: from pgcascade itself when it can read the
# schema; else from bench/lock_gen (fix_build on the same model by hand).
if "$ROOT/build/pgcascade" fix --quiet --dialect postgres --out "$WORK" --name 001-schema-fix.sql "$WORK/schema.sql" 2>"$WORK/fix.err" \
	&& [ -f "$WORK/001-schema-fix.sql" ]; then
	UP="$WORK/001-schema-fix.sql"; VAL="$WORK/002-schema-fix-validate.sql"; GEN="pgcascade fix"
else
	cc -std=c11 -D_GNU_SOURCE -Isrc -o "$WORK/lock_gen" bench/lock_gen.c \
		$(ls build/obj/*/*.o | grep -v '/main.o$') -lpg_query -lyajl -ljson-c -linih -lm -ldl
	"$WORK/lock_gen" "$WORK/up.sql" "$WORK/validate.sql"
	UP="$WORK/up.sql"; VAL="$WORK/validate.sql"; GEN="fix_build via bench/lock_gen ($(head -1 "$WORK/fix.err"))"
fi
cat >"$WORK/naive.sql" <<'SQL'
BEGIN;
ALTER TABLE child DROP CONSTRAINT child_user_id_fkey;
ALTER TABLE child ADD CONSTRAINT child_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;
COMMIT;
SQL

setup() {
	$PSQL -d postgres -c "DROP DATABASE IF EXISTS lockbench" -c "CREATE DATABASE lockbench"
	$PSQL -d lockbench -f "$WORK/schema.sql"
	$PSQL -d lockbench -c "INSERT INTO users SELECT generate_series(1, 10000)" \
		-c "INSERT INTO child (user_id, payload) SELECT 1 + (g % 10000), 'x' FROM generate_series(1, $ROWS) g" \
		-c "CREATE INDEX ON child (user_id)" -c "VACUUM ANALYZE child"
}

# run NAME COMMAND...: pgbench inserts for SECS seconds; the command starts after 3 s.
run() {
	local name=$1; shift
	setup
	rm -f "$WORK"/pgbench_log.*
	(cd "$WORK" && pg_as "$PGBENCH" -n -c 1 -T "$SECS" -l -f insert.sql lockbench >"$WORK/pgbench.$name" 2>&1) &
	local bench=$!
	sleep 3
	local t0 t1
	t0=$(date +%s%N)
	"$@"
	t1=$(date +%s%N)
	wait "$bench"
	# pgbench log: client tx latency(us) script epoch_s epoch_us
	local max n
	max=$(awk 'BEGIN{m=0} {if ($3>m) m=$3} END{printf "%.1f", m/1000}' "$WORK"/pgbench_log.*)
	n=$(cat "$WORK"/pgbench_log.* | wc -l)
	printf '%-10s migration %7.1f ms   longest insert stall %8s ms   inserts %d\n' \
		"$name" "$(( (t1 - t0) / 100000 ))e-1" "$max" "$n"
	$PSQL -d lockbench -At -c "SELECT 'check: ' || conname || ' ' || confdeltype::text || ' validated=' || convalidated::text FROM pg_constraint WHERE conname = 'child_user_id_fkey'"
}

naive() { $PSQL -d lockbench -f "$WORK/naive.sql"; }
generated() { $PSQL -d lockbench -1 -f "$UP"; $PSQL -d lockbench -1 -f "$VAL"; }

echo "lock benchmark: child with $ROWS rows, one concurrent inserting session, PostgreSQL $($PSQL -d postgres -At -c 'SHOW server_version')"
echo "generated migration from: $GEN"
run naive naive
run generated generated
