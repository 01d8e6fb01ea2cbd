#!/usr/bin/env bash
# lint-vs-squawk.sh - side by side, in one run: `pgcascade lint --format
# json` of the generated history against squawk's own binary (`squawk
# --reporter json`, squawk-cli from npm installed under bench/node_modules;
# the binary itself, not the Node launcher) on the same files in the same
# order. Medians of interleaved rounds; judged on CPU time.
#
#   bench/lint-vs-squawk.sh [TABLES] [ROUNDS]     (default 5000 tables, 7 rounds)
#
# Exit status 1 when pgcascade lint takes more CPU time than squawk
# (2: could not run).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TABLES=${1:-5000}
REPS=${2:-7}

bench_build
SQUAWK=$(squawk_bin)
[ -n "$SQUAWK" ] || { echo "bench: squawk's binary is not available (npm install squawk-cli failed)" >&2; exit 2; }
gen_schema "$TABLES" "$BENCH_DIR/schema"
FILES=("$BENCH_DIR"/schema/*.sql)
BYTES=$(cat "${FILES[@]}" | wc -c)
PGC="$BENCH_ROOT/build/pgcascade"

run_lint() { measure lint 1 "$PGC" lint --no-config --format json "${FILES[@]}"; }
# squawk reads PostgreSQL only; the same run with the dialect given skips auto-detection
run_lint_pg() { measure lint_pg 1 "$PGC" lint --no-config --dialect postgres --format json "${FILES[@]}"; }
run_squawk() { measure squawk 1 "$SQUAWK" --reporter json "${FILES[@]}"; }

echo "input: $TABLES tables, ${#FILES[@]} files, $BYTES bytes; $("$SQUAWK" --version); medians of $REPS interleaved rounds"
load_begin
interleave "$REPS" lint lint_pg squawk
load_end
echo "findings: pgcascade lint $(grep -c '"rule":' "$BENCH_DIR/out.lint" || true), squawk $(grep -o '"rule_name"' "$BENCH_DIR/out.squawk" | wc -l)"
row_head
row "pgcascade lint --format json" lint
row "  ... --dialect postgres" lint_pg
row "squawk --reporter json" squawk
bound "lint / squawk, CPU time" "$(ratio "$(med lint 2)" "$(med squawk 2)")" 1
printf '  %-58s %7.2f (for information)\n' "lint / squawk, wall time" "$(ratio "$(med lint 1)" "$(med squawk 1)")"
[ "$BENCH_OK" = 1 ] || exit 1
