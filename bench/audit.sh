#!/usr/bin/env bash
# audit.sh - the audit benchmark (issue 15, "what must be shown").
#
#   bench/audit.sh                      5,000 tables, 7 interleaved rounds
#   BENCH_TABLES=N BENCH_REPS=R bench/audit.sh
#   BENCH_REF=path/to/pgcascade bench/audit.sh   adds a row for another build
#
# Runs, on the same generated history (bench/gen-schema.py), interleaved
# round after round: `pgcascade audit --format json DIR`, squawk's own
# binary `squawk --reporter json FILES` (squawk-cli from npm, installed
# under bench/node_modules), bench/parse_json.c (libpg_query's one-call
# parse of each file to JSON) and bench/parse_only.c (split, then
# pg_query_parse_protobuf per statement). Reports medians of wall and CPU
# time (user + system) and peak RSS, and judges on medians:
#   audit CPU  <= 0.5 x squawk CPU, audit wall <= 0.5 x squawk wall,
#   audit CPU  <= 1.5 x parse_json CPU,
#   audit peak RSS <= 10 x the input.
# Exit status 0 only when every bound holds (2: could not run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TABLES=${BENCH_TABLES:-5000}
REPS=${BENCH_REPS:-7}

bench_build
SQUAWK=$(squawk_bin)
[ -n "$SQUAWK" ] || { echo "bench: squawk's binary is not available (npm install squawk-cli failed)" >&2; exit 2; }
gen_schema "$TABLES" "$BENCH_DIR/migrations"
mapfile -t FILES < <(find "$BENCH_DIR/migrations" -name '*.sql' | sort)
BYTES=$(cat "${FILES[@]}" | wc -c)
PGC="$BENCH_ROOT/build/pgcascade"

run_audit() { measure audit 1 "$PGC" audit --format json "$BENCH_DIR/migrations"; }
run_ref() { measure ref 1 "$BENCH_REF" audit --format json "$BENCH_DIR/migrations"; }
run_squawk() { measure squawk 1 "$SQUAWK" --reporter json "${FILES[@]}"; }
run_parse_json() { measure parse_json 0 "$BENCH_ROOT/build/bench/parse_json" "${FILES[@]}"; }
run_parse_only() { measure parse_only 0 "$BENCH_ROOT/build/bench/parse_only" "${FILES[@]}"; }
labels=(audit squawk parse_json parse_only)
[ -n "${BENCH_REF:-}" ] && labels+=(ref)

echo "input: $TABLES tables, ${#FILES[@]} files, $BYTES bytes; $("$SQUAWK" --version); medians of $REPS interleaved rounds"
load_begin
interleave "$REPS" "${labels[@]}"
load_end
echo "audit: $(jq -r '"\(.foreign_keys | length) foreign keys, \(.closure | length) tables in the closure, \(.findings | length) findings"' "$BENCH_DIR/out.audit" 2>/dev/null || echo "(output is not JSON)")"
echo "parse_json: $(cat "$BENCH_DIR/out.parse_json"); parse_only: $(cat "$BENCH_DIR/out.parse_only")"
row_head
row "pgcascade audit --format json" audit
[ -n "${BENCH_REF:-}" ] && row "  same, BENCH_REF build" ref
row "squawk --reporter json" squawk
row "libpg_query parse to JSON" parse_json
row "libpg_query split + protobuf" parse_only

A1=$(med audit 1) A2=$(med audit 2)
bound "audit / squawk, CPU time" "$(ratio "$A2" "$(med squawk 2)")" 0.5
bound "audit / squawk, wall time" "$(ratio "$A1" "$(med squawk 1)")" 0.5
bound "audit / libpg_query parse to JSON, CPU time" "$(ratio "$A2" "$(med parse_json 2)")" 1.5
bound "audit peak RSS / input size" "$(ratio "$(($(maxof audit 3) * 1024))" "$BYTES")" 10
[ "$BENCH_OK" = 1 ]
