#!/usr/bin/env bash
# audit.sh - the audit benchmark (issue 2, Performance acceptance).
#
#   bench/audit.sh            5,000 tables, 5 repetitions
#   BENCH_TABLES=N BENCH_REPS=R bench/audit.sh
#
# Builds build/pgcascade and build/bench/parse_only (libpg_query alone:
# split and parse every statement), generates one migration history with
# bench/gen-schema.py, then runs both on the same files, alternating,
# under /usr/bin/time -v. Reports the median wall times and their ratio
# (must be <= 1.5) and the audit's peak RSS against the input size (must
# be < 10x). Exit status 0 only when both bounds hold.
set -euo pipefail
cd "$(dirname "$0")/.."
TABLES=${BENCH_TABLES:-5000}
REPS=${BENCH_REPS:-5}

make -s build/pgcascade
mkdir -p build/bench
cc -std=c11 -O2 -Wall -Wextra -Werror -o build/bench/parse_only bench/parse_only.c -lpg_query

DIR=$(mktemp -d /tmp/pgc-bench.XXXXXX)
trap 'rm -rf "$DIR"' EXIT
bench/gen-schema.py --tables "$TABLES" "$DIR/migrations"
mapfile -t FILES < <(find "$DIR/migrations" -name '*.sql' | sort)
BYTES=$(cat "${FILES[@]}" | wc -c)
echo "input: $TABLES tables, ${#FILES[@]} files, $BYTES bytes"

# run LABEL REP CMD...: one measured run; appends "wall_seconds max_rss_kb" to $DIR/LABEL.
run() {
	local label=$1 rep=$2; shift 2
	local rc=0
	/usr/bin/time -v -o "$DIR/time.$label.$rep" "$@" >"$DIR/out.$label" 2>"$DIR/err.$label" || rc=$?
	# audit exits 1 when it has error findings (the generated schema has blockers).
	local worst=0
	[ "$label" = audit ] && worst=1
	if [ "$rc" -gt "$worst" ]; then
		echo "bench: $label failed with status $rc:" >&2
		head -20 "$DIR/err.$label" >&2
		exit 1
	fi
	local wall rss
	wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$DIR/time.$label.$rep")
	rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$DIR/time.$label.$rep")
	echo "$wall $rss" >>"$DIR/$label"
	printf '  %-10s run %d: %6.2f s  %8d KB\n' "$label" "$rep" "$wall" "$rss"
}

for r in $(seq 1 "$REPS"); do
	run parse_only "$r" build/bench/parse_only "${FILES[@]}"
	run audit "$r" build/pgcascade audit --format json "$DIR/migrations"
done
echo "parse_only: $(cat "$DIR/out.parse_only")"
echo "audit: $(jq -r '"\(.foreign_keys | length) foreign keys, \(.closure | length) tables in the closure, \(.findings | length) findings"' "$DIR/out.audit" 2>/dev/null || echo "(output is not JSON)")"

median() { sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
P=$(cut -d' ' -f1 "$DIR/parse_only" | median)
A=$(cut -d' ' -f1 "$DIR/audit" | median)
RSS=$(cut -d' ' -f2 "$DIR/audit" | sort -n | tail -1)
PRSS=$(cut -d' ' -f2 "$DIR/parse_only" | sort -n | tail -1)
awk -v p="$P" -v a="$A" -v rss="$RSS" -v prss="$PRSS" -v bytes="$BYTES" -v reps="$REPS" 'BEGIN {
	ratio = (p > 0) ? a / p : 0
	mem = rss * 1024 / bytes
	printf "wall time (median of %d): audit %.2f s, parse_only %.2f s, ratio %.2fx (bound 1.5x): %s\n",
	       reps, a, p, ratio, (ratio <= 1.5) ? "ok" : "FAIL"
	printf "peak RSS: audit %d KB (parse_only %d KB), input %d bytes, %.2fx input (bound 10x): %s\n",
	       rss, prss, bytes, mem, (mem < 10) ? "ok" : "FAIL"
	exit !(ratio <= 1.5 && mem < 10)
}'
