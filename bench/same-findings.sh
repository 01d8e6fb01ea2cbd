#!/usr/bin/env bash
# same-findings.sh - the speed work changes no output: every fixture and
# the bundled example give, byte for byte, the output of a reference
# build (default: main's commit 67defd8, before issue 15).
#
#   bench/same-findings.sh [COMMIT]
#
# Builds the reference from `git archive COMMIT` under build/ref-COMMIT
# (kept for the next run), then runs both binaries on each SQL file under
# tests/fixtures/ and tests/golden/ (one by one), and on the bundled
# example, each corpus under tests/corpora (when there) and a generated
# 1,000-table history (as wholes): audit --format text and json, lint
# --no-config --format text, json, sarif, github and gcc, with dialect
# auto and postgres, and compares stdout, stderr and exit status. Exit
# status 1 on any difference.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REF=${1:-67defd8}
cd "$BENCH_ROOT"
make -s build/pgcascade >/dev/null
NEW=$BENCH_ROOT/build/pgcascade
REFDIR=$BENCH_ROOT/build/ref-$REF
if [ ! -x "$REFDIR/build/pgcascade" ]; then
	rm -rf "$REFDIR" && mkdir -p "$REFDIR"
	git archive "$REF" | tar -x -C "$REFDIR"
	make -s -C "$REFDIR" build/pgcascade >/dev/null || { echo "bench: cannot build $REF" >&2; exit 2; }
fi
OLD=$REFDIR/build/pgcascade

inputs=()
while IFS= read -r f; do inputs+=("$f"); done < <(find tests/fixtures tests/golden -name '*.sql' | sort)
n=0 bad=0
# compare LABEL ARGS...: both binaries, same arguments, same directory
compare() {
	local label=$1 rc1=0 rc2=0
	shift
	"$OLD" "$@" >"$BENCH_DIR/o1" 2>"$BENCH_DIR/e1" || rc1=$?
	"$NEW" "$@" >"$BENCH_DIR/o2" 2>"$BENCH_DIR/e2" || rc2=$?
	n=$((n + 1))
	if [ "$rc1" != "$rc2" ] || ! cmp -s "$BENCH_DIR/o1" "$BENCH_DIR/o2" || ! cmp -s "$BENCH_DIR/e1" "$BENCH_DIR/e2"; then
		bad=$((bad + 1))
		echo "DIFFERS: $label: pgcascade $* (exit $rc1 -> $rc2)"
		diff "$BENCH_DIR/o1" "$BENCH_DIR/o2" | head -5 || true
		diff "$BENCH_DIR/e1" "$BENCH_DIR/e2" | head -5 || true
	fi
}
each() { # LABEL PATHS...
	local label=$1 d f
	shift
	for d in auto postgres; do
		for f in text json; do compare "$label" audit --dialect "$d" --format "$f" "$@"; done
		for f in text json sarif github gcc; do compare "$label" lint --no-config --dialect "$d" --format "$f" "$@"; done
	done
}
for f in "${inputs[@]}"; do each "$f" "$f"; done
each "bundled example" examples/skytwin/schema.sql examples/skytwin/migrations
ncorp=0
for c in tests/corpora/*/src; do # the real corpora, when the repository has them
	[ -d "$c" ] && each "$c" "$c" && ncorp=$((ncorp + 1))
done
gen_schema 1000 "$BENCH_DIR/gen"
each "generated, 1000 tables" "$BENCH_DIR/gen"
echo "$n runs compared against $REF ($((${#inputs[@]} + 2 + ncorp)) inputs): $bad differ"
[ "$bad" = 0 ]
