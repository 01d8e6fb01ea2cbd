#!/usr/bin/env bash
# bench/erase.sh - one heavy user: 1,000,000 rows across 10 tables two
# levels deep (5 tables referencing users, 5 referencing those), all
# ON DELETE CASCADE with indexed foreign keys. Side by side in one run, on
# identical copies of the database (CREATE DATABASE ... TEMPLATE):
#   single  DELETE FROM users WHERE id = 1 (one statement, one transaction)
#   batch   pgcascade erase --batch-rows 5000
# while a concurrent writer (bench/erase_writer.c) inserts rows for user 2
# into the same tables, one autocommit INSERT at a time.
# Reported: wall time of each, the CPU time of the cluster's processes
# (the writer's backend excluded) and of the client during each
# (user+sys), and the writer's longest INSERT (the stall).
# Targets (issue 13): batch total time <= 1.5x single; writer's longest
# stall >= 10x shorter in batch mode.
# usage: bench/erase.sh [ROWS]   (default 1000000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
source "$ROOT/tests/lib/pgserver.sh"
WORK=$(mktemp -d /tmp/pgc-bench-erase.XXXXXX)
chmod 755 "$WORK"
cleanup() { pgserver_stop; rm -rf "$WORK"; }
trap cleanup EXIT
(cd "$ROOT" && make -s build/pgcascade >/dev/null)
cc -std=c11 -O2 -Wall -Wextra -Werror -I/usr/include/postgresql -o "$WORK/writer" "$ROOT/bench/erase_writer.c" -lpq
pgserver_start
export PGDATABASE=postgres

per1=$((ROWS / 10 / 5))           # level-1 rows per table for user 1 (10%)
per2=$(((ROWS - per1 * 5) / 5))   # level-2 rows per table (90%)
echo "bench/erase.sh: $ROWS rows of user 1: 5 tables x $per1 (level 1) + 5 tables x $per2 (level 2)"
{
	echo "CREATE TABLE users (id int PRIMARY KEY, name text);"
	for i in 1 2 3 4 5; do
		echo "CREATE TABLE p$i (id bigint PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE, v text);"
		echo "CREATE INDEX ON p$i (user_id);"
		echo "CREATE TABLE c$i (id bigint PRIMARY KEY, parent_id bigint NOT NULL REFERENCES p$i ON DELETE CASCADE, user_id int NOT NULL, v text);"
		echo "CREATE INDEX ON c$i (parent_id);"
	done
	echo "INSERT INTO users VALUES (1, 'heavy'), (2, 'writer');"
	for i in 1 2 3 4 5; do
		echo "INSERT INTO p$i SELECT g, 1, 'x' FROM generate_series(1, $per1) g;"
		echo "INSERT INTO p$i VALUES ($((2000000 + i)), 2, 'writer parent');"
		echo "INSERT INTO c$i SELECT g, 1 + (g % $per1), 1, 'y' FROM generate_series(1, $per2) g;"
	done
	echo "VACUUM ANALYZE;"
} >"$WORK/schema.sql"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE erase_tpl" >/dev/null
t0=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -d erase_tpl -f "$WORK/schema.sql" >/dev/null
echo "load: $(echo "$(date +%s.%N) - $t0" | bc) s"
psql -X -q -c "CREATE DATABASE erase_single TEMPLATE erase_tpl" -c "CREATE DATABASE erase_batch TEMPLATE erase_tpl" >/dev/null
psql -X -q -d erase_single -c "VACUUM ANALYZE" -d erase_batch >/dev/null
psql -X -q -d erase_batch -c "VACUUM ANALYZE" >/dev/null

# cluster_cpu: user+sys ticks of every process of this cluster but the
# writer's backend (its work grows with the time it runs, not with the delete)
cluster_cpu() {
	local pm total=0 p wb
	pm=$(head -1 "$PGSERVER_DIR/data/postmaster.pid")
	wb=$(psql -X -At -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'pgc_writer'")
	for p in $pm $(pgrep -P "$pm"); do
		[ "$p" = "$wb" ] && continue
		[ -r "/proc/$p/stat" ] || continue
		total=$((total + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat")))
	done
	echo "$total"
}
HZ=$(getconf CLK_TCK)

run_mode() { # MODE DB
	local mode=$1 db=$2 stop="$WORK/stop.$1"
	local conninfo="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"
	"$WORK/writer" "$conninfo application_name=pgc_writer" "$stop" >"$WORK/writer.$mode" &
	local wpid=$!
	sleep 1
	local c0 t0 t1 c1
	c0=$(cluster_cpu)
	t0=$(date +%s.%N)
	if [ "$mode" = single ]; then
		/usr/bin/time -f "%U %S" -o "$WORK/client.$mode" psql -X -q -d "$db" -c "DELETE FROM users WHERE id = 1"
	else
		/usr/bin/time -f "%U %S" -o "$WORK/client.$mode" "$ROOT/build/pgcascade" erase --db "$conninfo" --key 1 \
			--yes --no-config --batch-rows 5000 --quiet
	fi
	t1=$(date +%s.%N)
	# the operation's backend has exited: its CPU is in the postmaster's
	# cutime/cstime once reaped; sampled before the writer stops
	sleep 0.5
	c1=$(cluster_cpu)
	touch "$stop"
	wait "$wpid"
	local left
	left=$(psql -X -At -d "$db" -c "SELECT (SELECT count(*) FROM c1 WHERE user_id = 1) + (SELECT count(*) FROM p1 WHERE user_id = 1) + (SELECT count(*) FROM users WHERE id = 1)")
	local wall cpu ccpu
	wall=$(echo "$t1 - $t0" | bc)
	cpu=$(echo "scale=2; ($c1 - $c0) / $HZ" | bc)
	ccpu=$(awk '{print $1 + $2}' "$WORK/client.$mode")
	read -r stall n <"$WORK/writer.$mode"
	printf "%-7s wall %7.2f s   server cpu %7.2f s   client cpu %6.2f s   writer: longest INSERT %8.1f ms over %d inserts   rows of user 1 left: %s\n" \
		"$mode" "$wall" "$cpu" "$ccpu" "$stall" "$n" "$left"
	eval "WALL_$mode=$wall CPU_$mode=$cpu CCPU_$mode=$ccpu STALL_$mode=$stall"
}
run_mode single erase_single
run_mode batch erase_batch
echo
echo "total time, batch / single: wall $(echo "scale=2; $WALL_batch / $WALL_single" | bc)x," \
	"cpu (server + client) $(echo "scale=2; ($CPU_batch + $CCPU_batch) / ($CPU_single + $CCPU_single)" | bc)x  (target <= 1.5x)"
echo "longest writer stall, single / batch: $(echo "scale=1; $STALL_single / $STALL_batch" | bc)x  (target >= 10x)"
