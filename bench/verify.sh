#!/usr/bin/env bash
# verify.sh - wall time of an embedded `pgcascade verify --with-fix`, split
# into startup (initdb + postmaster), apply (sources + fix over one
# connection), load (the live loader on the result), seed and delete, on
# the bundled example and, when bench/gen-schema.py (or gen-schema.sh)
# exists, on a generated 5,000-table schema. Figures come from verify's
# own --timings (JSON "timings", teardown from stderr); wall time and
# peak RSS from time(1). Clusters go under $TMPDIR or /tmp: on a disk
# mounted with `discard`, removing a 5,000-table cluster takes long;
# TMPDIR=/dev/shm shows the difference.
# The seed phase of the two-owner proof against one owner: bench/verify-owners.sh.
# Exit status is 0 when every proof passed.
set -uo pipefail
cd "$(dirname "$0")/.."
make -j2 all >/dev/null 2>&1 || { echo "build failed" >&2; exit 4; }
PGC=${PGC_BENCH_BIN:-build/pgcascade}
WORK=$(mktemp -d /tmp/pgc-bench-verify.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
status=0

printf '%-28s %8s %8s %8s %8s %8s %8s %8s %9s %9s %6s %s\n' case startup apply fix load seed delete total teardown wall peakMB tables
run() { # label, args...
	local label=$1; shift
	/usr/bin/time -f '%e %M' -o "$WORK/time" "$PGC" verify --with-fix --timings --format json --quiet "$@" \
		>"$WORK/out" 2>"$WORK/err"
	local rc=$?
	local wall peak
	read -r wall peak < <(tail -1 "$WORK/time") || { wall=?; peak=0; }
	if ! jq -e .timings "$WORK/out" >/dev/null 2>&1; then
		echo "$label: verify failed (exit $rc):" >&2; tail -5 "$WORK/err" >&2
		status=1
		return
	fi
	local td
	td=$(sed -n 's/^pgcascade: timings: teardown \([0-9]*\) ms.*/\1/p' "$WORK/err")
	jq -r --arg l "$label" --arg td "${td:-?}" --arg w "$wall" --arg p "$((peak / 1024))" --arg rc "$rc" '
		.timings as $t |
		"\($l | .[0:28] | . + " " * (28 - length)) \($t.startup_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.apply_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.fix_apply_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.load_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.seed_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.delete_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($t.total_ms | floor | tostring | (" " * (6 - length)) + . + "ms") \($td | (" " * (7 - length)) + . + "ms") \($w | (" " * (8 - length)) + . + "s") \($p | (" " * (6 - length)) + .) \([.tables[] | select(.seeded > 0)] | length) seeded, \([.tables[].left] | add) left, ok=\(.ok) (exit \($rc))"' \
		"$WORK/out"
	echo
	[ "$rc" -eq 0 ] || status=1
}

run "example (skytwin, crdb)" --retain usage_events examples/skytwin/schema.sql examples/skytwin/migrations

gen=""
[ -x bench/gen-schema.py ] && gen=bench/gen-schema.py
[ -z "$gen" ] && [ -x bench/gen-schema.sh ] && gen=bench/gen-schema.sh
if [ -n "$gen" ]; then
	"$gen" --tables 5000 "$WORK/raw" >/dev/null || { echo "$gen failed" >&2; exit 1; }
	# The generator writes data statements for the static parser's sake;
	# some omit NOT NULL columns, which a real server rejects. Blank them
	# (lines kept, so positions stay) and apply the schema statements.
	mkdir -p "$WORK/gen"
	for f in "$WORK"/raw/*.sql; do
		awk 'BEGIN { skip = 0 } /^(INSERT|UPDATE|DELETE) / { skip = 1 }
		     { print (skip ? "" : $0) } skip && /;[[:space:]]*$/ { skip = 0 }' "$f" >"$WORK/gen/${f##*/}"
	done
	run "generated 5,000 tables" "$WORK/gen"
	# Apply: the whole-file query (the default; a file is run again
	# statement by statement only when it fails) against per-statement
	# apply (each statement alone, a savepoint inside a file's own BEGIN
	# block), PGCASCADE_VERIFY_APPLY=statement, and a SAVEPOINT per statement
	# inside one transaction per file, PGCASCADE_VERIFY_APPLY=savepoint. Interleaved, 3 runs each;
	# the figures are the medians of verify's apply phase (wall) and of the
	# CPU time (user+sys) of verify and its server (time(1) counts the
	# reaped postmaster and its backends), all other phases being the same.
	echo
	printf '%-34s %10s %12s\n' "apply of 5,000 tables" "apply ms" "CPU s (all)"
	for i in 1 2 3; do
		for mode in file statement savepoint; do
			PGCASCADE_VERIFY_APPLY=$mode /usr/bin/time -f '%U %S' -o "$WORK/t.$mode.$i" \
				"$PGC" verify --timings --format json --quiet "$WORK/gen" >"$WORK/o.$mode.$i" 2>/dev/null
			jq -r '.timings.apply_ms' "$WORK/o.$mode.$i" >"$WORK/a.$mode.$i" 2>/dev/null || echo 0 >"$WORK/a.$mode.$i"
		done
	done
	for mode in file statement savepoint; do
		a=$(cat "$WORK"/a.$mode.* | sort -n | sed -n 2p)
		# (time(1) writes "Command exited with non-zero status 1" first when the proof fails)
		c=$(for f in "$WORK"/t.$mode.*; do tail -1 "$f" | awk '{ printf "%.2f\n", $1 + $2 }'; done | sort -n | sed -n 2p)
		printf '%-34s %10.0f %12s\n' "$mode" "$a" "$c"
		eval "apply_$mode=$a cpu_$mode=$c"
	done
	awk -v a="$apply_statement" -v b="$apply_file" -v c="$cpu_statement" -v d="$cpu_file" \
		-v e="$apply_savepoint" -v f="$cpu_savepoint" 'BEGIN {
		printf "per-statement (autocommit) / whole-file: apply %.2fx, CPU %.2fx (limit 1.3x)\n", a / b, c / d
		printf "savepoint per statement / whole-file:    apply %.2fx, CPU %.2fx (limit 1.3x)\n", e / b, f / d }'
else
	echo "(no bench/gen-schema.py yet: the 5,000-table case runs once it lands)"
fi
exit $status
