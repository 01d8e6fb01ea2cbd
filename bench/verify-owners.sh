#!/usr/bin/env bash
# verify-owners.sh - the seed phase of verify's two-owner proof (issue 9)
# against the same proof with one owner (PGCASCADE_VERIFY_ONE_OWNER=1: owner
# A only, the seeding as it was before issue 9), on the generated
# 5,000-table schema (bench/gen-schema.py), judged on CPU time: pgcascade's
# own plus the server backend's during the seed phase (verify's
# timings.seed_cpu_ms, read from getrusage and /proc/<backend>/stat).
# Median of PGC_BENCH_REPS (default 3) interleaved pairs; the bound is 1.5x.
# Exit status 0 when the ratio is within the bound.
set -uo pipefail
cd "$(dirname "$0")/.."
make -j2 all >/dev/null 2>&1 || { echo "build failed" >&2; exit 4; }
PGC=${PGC_BENCH_BIN:-build/pgcascade}
WORK=$(mktemp -d /tmp/pgc-bench-owners.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
status=0
TABLES=${PGC_BENCH_TABLES:-5000}
bench/gen-schema.py --tables "$TABLES" "$WORK/raw" >/dev/null || { echo "gen-schema.py failed" >&2; exit 1; }
# as bench/verify.sh: blank the data statements, apply the schema
mkdir -p "$WORK/gen"
for f in "$WORK"/raw/*.sql; do
	awk 'BEGIN { skip = 0 } /^(INSERT|UPDATE|DELETE) / { skip = 1 }
	     { print (skip ? "" : $0) } skip && /;[[:space:]]*$/ { skip = 0 }' "$f" >"$WORK/gen/${f##*/}"
done

# two owners vs one owner: seed-phase CPU, median of 3 interleaved pairs
reps=${PGC_BENCH_REPS:-3}
: >"$WORK/one" && : >"$WORK/two"
for i in $(seq "$reps"); do
	for mode in one two; do
		if [ "$mode" = one ]; then
			PGCASCADE_VERIFY_ONE_OWNER=1 "$PGC" verify --with-fix --timings --format json --quiet "$WORK/gen" \
				>"$WORK/out" 2>/dev/null
		else
			"$PGC" verify --with-fix --timings --format json --quiet "$WORK/gen" >"$WORK/out" 2>/dev/null
		fi
		jq -r '"\(.timings.seed_cpu_ms) \(.timings.seed_ms) \([.tables[].seeded] | add) \([.tables[].other_seeded] | add) \(.roots[0].cross_rows)"' \
			"$WORK/out" >>"$WORK/$mode"
	done
done
med() { sort -n -k"$2" "$1" | awk -v k="$2" '{ v[NR] = $k } END { print v[int((NR + 1) / 2)] }'; }
one_cpu=$(med "$WORK/one" 1) two_cpu=$(med "$WORK/two" 1)
one_wall=$(med "$WORK/one" 2) two_wall=$(med "$WORK/two" 2)
read -r _ _ rows_a _ _ < <(head -1 "$WORK/one")
read -r _ _ rows_a2 rows_b cross < <(head -1 "$WORK/two")
ratio=$(awk -v a="$two_cpu" -v b="$one_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "seed phase, generated $TABLES tables (median of $reps interleaved runs, CPU = pgcascade + server backend):"
printf '  one owner : CPU %8.0f ms  wall %8.0f ms  rows: A %s\n' "$one_cpu" "$one_wall" "$rows_a"
printf '  two owners: CPU %8.0f ms  wall %8.0f ms  rows: A %s, other %s (cross-owner %s)\n' \
	"$two_cpu" "$two_wall" "$rows_a2" "$rows_b" "$cross"
echo "  ratio two/one (CPU): ${ratio}x (bound 1.5x)"
awk -v r="$ratio" 'BEGIN { exit !(r > 0 && r <= 1.5) }' || status=1
exit $status
