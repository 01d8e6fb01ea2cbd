#!/usr/bin/env bash
# parse-paths.sh - libpg_query's public parse paths on the statements
# pgcascade parses (bench/parse_paths.c), medians of interleaved rounds
# of the CPU time each path spends on the generated history (issue 15,
# item 2; the figures and the choice are in bench/README.md).
#
#   bench/parse-paths.sh [TABLES] [ROUNDS]     (default 5000 tables, 5 rounds)
#
# For information: exit status 0 unless it could not run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TABLES=${1:-5000}
REPS=${2:-5}
mkdir -p "$BENCH_ROOT/build/bench"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$BENCH_ROOT/src" -o "$BENCH_ROOT/build/bench/parse_paths" \
	"$BENCH_ROOT/bench/parse_paths.c" "$BENCH_ROOT/src/frontend/pgjson.c" -lpg_query -lyajl -ljson-c
gen_schema "$TABLES" "$BENCH_DIR/s"
FILES=("$BENCH_DIR"/s/*.sql)
# the JSON path's trees are the protobuf path's, on every statement
"$BENCH_ROOT/build/bench/parse_paths" check "${FILES[@]}" | sed 's/^check.*CPU/check: same trees/'

modes=(split protobuf unpack bump json json-c yajl scan)
load_begin
for ((r = 0; r < REPS; r++)); do
	for ((i = 0; i < ${#modes[@]}; i++)); do
		m=${modes[(i + r) % ${#modes[@]}]}
		"$BENCH_ROOT/build/bench/parse_paths" "$m" "${FILES[@]}" >>"$BENCH_DIR/pp.$m"
	done
done
load_end
echo "input: $TABLES tables, ${#FILES[@]} files; medians of $REPS interleaved rounds (CPU time of the loop)"
for m in "${modes[@]}"; do
	printf '%-9s %6.3f s   %s\n' "$m" "$(awk '{print $2}' "$BENCH_DIR/pp.$m" | sort -g |
		awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}')" \
		"$(head -1 "$BENCH_DIR/pp.$m" | sed 's/^[^(]*//')"
done
