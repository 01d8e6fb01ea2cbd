#!/usr/bin/env bash
# memory.sh - peak memory (issue 15, "what must be shown").
#
#   bench/memory.sh                 (BENCH_REPS=3 runs of each, largest peak kept)
#
# Peak RSS (/usr/bin/time %M, KiB) of, side by side in one run:
#   - lint --format sarif against lint --format text on the generated
#     20,000-table history: at most 1.2x (the SARIF document streams);
#   - audit --format json, lint --format text and lint --format sarif on
#     generated histories of 2 MB and more (3,500, 5,000 and 20,000
#     tables): at most 10x the input;
#   - audit and lint on the bundled example (examples/skytwin): at most
#     1 MiB above `pgcascade --version`.
# Exit status 0 only when every bound holds (2: could not run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REPS=${BENCH_REPS:-3}

bench_build
PGC="$BENCH_ROOT/build/pgcascade"
EX=("$BENCH_ROOT/examples/skytwin/schema.sql" "$BENCH_ROOT/examples/skytwin/migrations")

for t in 3500 5000 20000; do gen_schema "$t" "$BENCH_DIR/s$t"; done
bytes() { cat "$BENCH_DIR/s$1"/*.sql | wc -c; }

for t in 3500 5000 20000; do
	eval "run_audit$t() { measure audit$t 1 \"\$PGC\" audit --format json \"\$BENCH_DIR/s$t\"; }"
	eval "run_text$t() { measure text$t 1 \"\$PGC\" lint --no-config --format text \"\$BENCH_DIR/s$t\"/*.sql; }"
	eval "run_sarif$t() { measure sarif$t 1 \"\$PGC\" lint --no-config --format sarif \"\$BENCH_DIR/s$t\"/*.sql; }"
done
run_version() { measure version 0 "$PGC" --version; }
run_ex_audit() { measure ex_audit 1 "$PGC" audit --format json "${EX[@]}"; }
run_ex_lint() { measure ex_lint 1 "$PGC" lint --no-config --format sarif "${EX[@]}"; }

load_begin
interleave "$REPS" version ex_audit ex_lint audit3500 text3500 sarif3500 audit5000 text5000 sarif5000 audit20000 text20000 sarif20000
load_end
row_head
row "pgcascade --version" version
row "audit --format json, bundled example" ex_audit
row "lint --format sarif, bundled example" ex_lint
for t in 3500 5000 20000; do
	echo "generated, $t tables, $(bytes $t) bytes:"
	row "  audit --format json" "audit$t"
	row "  lint --format text" "text$t"
	row "  lint --format sarif" "sarif$t"
done
grep -c '"ruleId"' "$BENCH_DIR/out.sarif20000" | sed 's/^/SARIF results at 20,000 tables: /'

bound "lint sarif / lint text peak RSS, 20,000 tables" "$(ratio "$(maxof sarif20000 3)" "$(maxof text20000 3)")" 1.2
for t in 3500 5000 20000; do
	for l in audit text sarif; do
		bound "$l peak RSS / input, $t tables" "$(ratio "$(($(maxof "$l$t" 3) * 1024))" "$(bytes $t)")" 10
	done
done
V=$(maxof version 3)
bound "audit on the example - --version, MiB" "$(awk -v a="$(maxof ex_audit 3)" -v v="$V" 'BEGIN { print (a - v) / 1024 }')" 1
bound "lint sarif on the example - --version, MiB" "$(awk -v a="$(maxof ex_lint 3)" -v v="$V" 'BEGIN { print (a - v) / 1024 }')" 1
[ "$BENCH_OK" = 1 ] || exit 1
