#!/usr/bin/env bash
# bench/erase.sh - one heavy user: 1,000,000 rows across 10 tables two
# levels deep (5 tables p1..p5 referencing users, 5 tables c1..c5
# referencing those), all ON DELETE CASCADE, every foreign key column and
# the children's owner column (c.user_id, no foreign key) indexed, as a
# real schema would be. Side by side in one run, on identical copies of
# the database (CREATE DATABASE ... TEMPLATE), ROUNDS rounds (default 3),
# the order of the two modes alternating from round to round (autovacuum
# off on the bench's tables: it would clean the same dead rows after
# either mode):
#   single  DELETE FROM users WHERE id = 1 (one statement, one transaction)
#   batch   pgcascade erase --batch-rows 5000 --yes
# while a concurrent writer (bench/erase_writer.c) works as another user
# (user 2) in the same tables, one autocommit INSERT at a time: its own
# parent rows, its own child rows, and child rows under user 1's parent
# rows (comments on user 1's content: the many-owners case). An INSERT
# under a parent row that an open transaction deletes waits for that
# transaction; that wait is the stall.
# Reported per round and as medians: wall time; CPU time (user+sys) of
# the cluster's processes during the operation (the writer's backend
# excluded) and of the client; the writer's longest INSERT and its 99th
# percentile; how busy the machine was.
# Targets (issue 13): batch total time <= 1.5x single (judged on CPU);
# writer's longest stall >= 10x shorter in batch mode.
# usage: bench/erase.sh [ROWS] [ROUNDS]   (default 1000000 3)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ROWS=${1:-1000000}
ROUNDS=${2:-3}
source "$ROOT/bench/lib.sh"
source "$ROOT/tests/lib/pgserver.sh"
WORK=$(mktemp -d /tmp/pgc-bench-erase.XXXXXX)
chmod 755 "$WORK"
cleanup() { pgserver_stop; rm -rf "$WORK" "$BENCH_DIR"; }
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
		echo "CREATE INDEX ON c$i (user_id);"
	done
	echo "INSERT INTO users VALUES (1, 'heavy'), (2, 'writer');"
	for i in 1 2 3 4 5; do
		echo "INSERT INTO p$i SELECT g, 1, 'x' FROM generate_series(1, $per1) g;"
		echo "INSERT INTO p$i VALUES ($((2000000 + i)), 2, 'writer parent');"
		echo "INSERT INTO c$i SELECT g, 1 + (g % $per1), 1, 'y' FROM generate_series(1, $per2) g;"
	done
	# autovacuum would clean the same dead rows after either mode; left
	# running, it starts during the longer of the two and its CPU lands
	# in that mode's figure: off on these tables, counted in neither
	for t in users p1 p2 p3 p4 p5 c1 c2 c3 c4 c5; do echo "ALTER TABLE $t SET (autovacuum_enabled = false);"; done
	echo "VACUUM ANALYZE;"
} >"$WORK/schema.sql"
psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE erase_tpl" >/dev/null
t0=$(date +%s.%N)
psql -X -q -v ON_ERROR_STOP=1 -d erase_tpl -f "$WORK/schema.sql" >/dev/null
echo "load: $(echo "$(date +%s.%N) - $t0" | bc) s"
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

run_mode() { # MODE ROUND
	local mode=$1 round=$2 db=erase_run stop="$WORK/stop.$1.$2" go="$WORK/go.$1.$2" end="$WORK/end.$1.$2"
	local conninfo="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"
	psql -X -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db TEMPLATE erase_tpl" >/dev/null
	psql -X -q -d "$db" -c "VACUUM ANALYZE" >/dev/null
	psql -X -q -c "CHECKPOINT" >/dev/null
	"$WORK/writer" "$conninfo application_name=pgc_writer" "$go" "$end" "$stop" "$per1" >"$WORK/writer.$mode.$round" &
	local wpid=$!
	sleep 1
	local c0 t0 t1 c1
	c0=$(cluster_cpu)
	touch "$go"
	t0=$(date +%s.%N)
	if [ "$mode" = single ]; then
		/usr/bin/time -f "%U %S" -o "$WORK/client.$mode" psql -X -q -d "$db" -c "DELETE FROM users WHERE id = 1"
	else
		/usr/bin/time -f "%U %S" -o "$WORK/client.$mode" "$ROOT/build/pgcascade" erase --db "$conninfo" --key 1 \
			--yes --no-config --batch-rows 5000 --quiet
	fi
	t1=$(date +%s.%N)
	touch "$end"
	# the operation's backend has exited: its CPU is in the postmaster's
	# cutime/cstime once reaped; sampled before the writer's backend exits
	sleep 0.5
	c1=$(cluster_cpu)
	touch "$stop"
	wait "$wpid"
	local left
	left=$(psql -X -At -d "$db" -c "SELECT (SELECT count(*) FROM users WHERE id = 1) + $(for i in 1 2 3 4 5; do printf '(SELECT count(*) FROM p%s WHERE user_id = 1) + (SELECT count(*) FROM c%s WHERE user_id = 1) + ' $i $i; done) 0")
	psql -X -q -c "DROP DATABASE $db" >/dev/null
	local wall cpu ccpu stall p99 n refused xmax omax
	wall=$(echo "$t1 - $t0" | bc)
	cpu=$(echo "scale=2; ($c1 - $c0) / $HZ" | bc)
	ccpu=$(awk '{print $1 + $2}' "$WORK/client.$mode")
	read -r stall p99 n refused xmax omax <"$WORK/writer.$mode.$round"
	printf "round %d %-6s wall %6.2f s  cpu %5.2f s (server %5.2f + client %4.2f)  writer: longest INSERT %7.1f ms, p99 %6.1f ms, %5d inserts (%d refused: parent erased), longest cross-owner %7.1f ms, own rows %6.1f ms  rows of user 1 left: %s\n" \
		"$round" "$mode" "$wall" "$(echo "$cpu + $ccpu" | bc)" "$cpu" "$ccpu" "$stall" "$p99" "$n" "$refused" "$xmax" "$omax" "$left"
	echo "$wall $(echo "$cpu + $ccpu" | bc) $stall $p99" >>"$WORK/m.$mode"
}
median() { # FILE FIELD
	cut -d' ' -f"$2" "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}
load_begin
for r in $(seq 1 "$ROUNDS"); do
	if [ $((r % 2)) -eq 1 ]; then run_mode single "$r"; run_mode batch "$r"; else run_mode batch "$r"; run_mode single "$r"; fi
done
echo
load_end
for m in single batch; do
	printf "median of %d rounds, %-6s wall %6.2f s  cpu %5.2f s  longest INSERT %7.1f ms  p99 %6.1f ms\n" "$ROUNDS" "$m" \
		"$(median "$WORK/m.$m" 1)" "$(median "$WORK/m.$m" 2)" "$(median "$WORK/m.$m" 3)" "$(median "$WORK/m.$m" 4)"
done
ratio_of() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 999) }'; }
echo "total time, batch / single: cpu (server + client) $(ratio_of "$(median "$WORK/m.batch" 2)" "$(median "$WORK/m.single" 2)")x," \
	"wall $(ratio_of "$(median "$WORK/m.batch" 1)" "$(median "$WORK/m.single" 1)")x  (target <= 1.5x, judged on cpu)"
echo "longest writer stall, single / batch: $(ratio_of "$(median "$WORK/m.single" 3)" "$(median "$WORK/m.batch" 3)")x" \
	"(p99: $(ratio_of "$(median "$WORK/m.single" 4)" "$(median "$WORK/m.batch" 4)")x)  (target >= 10x)"
