#!/usr/bin/env bash
# footprint.sh - where audit's memory above `pgcascade --version` goes on
# the bundled example (issue 15, bound: at most 1 MiB above --version).
#
#   bench/footprint.sh                (BENCH_REPS=5 interleaved rounds)
#
# Runs, interleaved, under an LD_PRELOAD library (bench/smaps_at_exit.c)
# that copies /proc/self/status and /proc/self/smaps at exit:
#   pgcascade --version; pgcascade audit --format json and lint --format
#   sarif on examples/skytwin; and bench/parse_floor.c on the example's
#   files: read (reads them, parses nothing), json (libpg_query's
#   one-call parse of each file, nothing else), stmts-pgjson (split,
#   parse of the statements audit parses, read by pgjson.c).
# Prints the median peak (VmHWM) of each, then, for the run whose peak
# is the median, the resident pages by owner (library code r-xp,
# read-only data r--p, data rw-p; [heap]; anonymous mappings: thread
# stacks and malloc arenas; [stack]) against --version (pgcascade) or
# read (parse_floor): what parsing the example costs in a program that
# does nothing else is the floor under the bound.
# (At exit RSS equals the peak in these runs: the script prints both.)
# For information: exit status 0 unless it could not run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
REPS=${BENCH_REPS:-5}

bench_build
B="$BENCH_ROOT/build/bench"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$BENCH_ROOT/src" -o "$B/parse_floor" \
	"$BENCH_ROOT/bench/parse_floor.c" "$BENCH_ROOT/src/frontend/pgjson.c" -lpg_query -lyajl -ljson-c ||
	{ echo "bench: cannot build bench/parse_floor.c" >&2; exit 2; }
cc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$B/smaps_at_exit.so" "$BENCH_ROOT/bench/smaps_at_exit.c" ||
	{ echo "bench: cannot build bench/smaps_at_exit.c" >&2; exit 2; }
PGC="$BENCH_ROOT/build/pgcascade"
EX=("$BENCH_ROOT/examples/skytwin/schema.sql" "$BENCH_ROOT/examples/skytwin/migrations")
mapfile -t EXF < <(find "${EX[@]}" -name '*.sql' | sort)

nrun=0
snap() { # LABEL CMD...: one run, its smaps kept as LABEL.N
	local label=$1
	shift
	nrun=$((nrun + 1))
	PGC_SMAPS_OUT="$BENCH_DIR/$label.$nrun" LD_PRELOAD="$B/smaps_at_exit.so" "$@" >/dev/null 2>&1 || true
	[ -s "$BENCH_DIR/$label.$nrun" ] || { echo "bench: $label: no smaps written" >&2; exit 2; }
	echo "$(awk '/^VmHWM:/ {print $2}' "$BENCH_DIR/$label.$nrun") $nrun" >>"$BENCH_DIR/hwm.$label"
}
run_version() { snap version "$PGC" --version; }
run_audit() { snap audit "$PGC" audit --format json "${EX[@]}"; }
run_lint() { snap lint "$PGC" lint --no-config --format sarif "${EX[@]}"; }
run_read() { snap read "$B/parse_floor" read "${EXF[@]}"; }
run_json() { snap json "$B/parse_floor" json "${EXF[@]}"; }
run_pgjson() { snap pgjson "$B/parse_floor" stmts-pgjson "${EXF[@]}"; }
labels=(version audit lint read json pgjson)

load_begin
interleave "$REPS" "${labels[@]}"
load_end
# median run of a label: "hwm n"
medrun() { sort -n "$BENCH_DIR/hwm.$1" | awk '{v[NR] = $0} END {print v[int((NR + 1) / 2)]}'; }
# resident KiB by owner of one smaps file
owners() {
	awk '/^[0-9a-f]+-[0-9a-f]+ / {
		name = (NF >= 6) ? $6 : "[anon]"; k = split(name, p, "/"); name = p[k]
		if (name ~ /\.so/ && name !~ /^libpg_query|^libc\.so/) name = "other libraries"
		if (name == "parse_floor" || name == "pgcascade") name = "the program"
		key = name " " $2; next }
	/^Rss:/ { rss[key] += $2 }
	END { for (k in rss) print k, rss[k] }' "$1" | sort
}
echo "bundled example: ${#EXF[@]} files, $(cat "${EXF[@]}" | wc -c) bytes; medians of $REPS interleaved rounds"
printf '%-44s %10s %10s\n' "" "peak KiB" "exit RSS"
for l in "${labels[@]}"; do
	read -r h k < <(medrun "$l")
	printf '%-44s %10d %10d\n' "$l" "$h" "$(awk '/^VmRSS:/ {print $2}' "$BENCH_DIR/$l.$k")"
done
cmp_owners() { # BASE LABEL: the owners' resident KiB, both, and the difference
	local b l
	b=$(medrun "$1" | cut -d' ' -f2) l=$(medrun "$2" | cut -d' ' -f2)
	echo "resident KiB by owner at exit, $2 against $1 (the runs with the median peak):"
	join -a1 -a2 -e0 -o 0,1.2,2.2 <(owners "$BENCH_DIR/$1.$b" | sed 's/ \([^ ]*\)$/|\1/; s/ /_/g; s/|/ /') \
		<(owners "$BENCH_DIR/$2.$l" | sed 's/ \([^ ]*\)$/|\1/; s/ /_/g; s/|/ /') |
		awk '{d = $3 - $2; t1 += $2; t2 += $3; if (d != 0) printf "  %-40s %8d %8d %+8d\n", $1, $2, $3, d}
		     END {printf "  %-40s %8d %8d %+8d\n", "total", t1, t2, t2 - t1}' | sort -k4 -g -r
}
cmp_owners version audit
cmp_owners read json
cmp_owners read pgjson
V=$(medrun version | cut -d' ' -f1)
A=$(medrun audit | cut -d' ' -f1)
J=$(( $(medrun json | cut -d' ' -f1) - $(medrun read | cut -d' ' -f1) ))
echo "audit above --version: $(awk -v a="$A" -v v="$V" 'BEGIN {printf "%.2f", (a - v) / 1024}') MiB;" \
	"libpg_query's one-call parse of the example above reading it, in a program that does nothing else:" \
	"$(awk -v j="$J" 'BEGIN {printf "%.2f", j / 1024}') MiB (bound: 1 MiB)"
exit 0
