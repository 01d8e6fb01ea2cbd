# bench/lib.sh - what the benchmarks share (sourced, not run).
#
# The machine is shared, so every figure is a median over interleaved
# runs (each repetition runs every tool once, in a rotated order), and
# the bounds are judged on CPU time (user + system), which another
# process's load changes much less than wall time. Each report says how
# busy the machine was while it ran (from /proc/stat and /proc/loadavg).

BENCH_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BENCH_DIR=$(mktemp -d /tmp/pgc-bench.XXXXXX)
trap 'rm -rf "$BENCH_DIR"' EXIT

# bench_build: build/pgcascade and the libpg_query peers under build/bench.
bench_build() {
	(cd "$BENCH_ROOT" && make -s build/pgcascade >/dev/null) || { echo "bench: build failed" >&2; exit 2; }
	mkdir -p "$BENCH_ROOT/build/bench"
	local p
	for p in parse_only parse_json; do
		cc -std=c11 -O2 -Wall -Wextra -Werror -o "$BENCH_ROOT/build/bench/$p" "$BENCH_ROOT/bench/$p.c" -lpg_query ||
			{ echo "bench: cannot build bench/$p.c" >&2; exit 2; }
	done
}

# squawk_bin: prints the path of squawk's own binary (not the Node
# launcher), installing squawk-cli from npm under bench/node_modules
# (git-ignored) when it is missing. Prints nothing when it cannot.
squawk_bin() {
	local nm="$BENCH_ROOT/bench/node_modules"
	if ! ls "$nm"/@squawk-cli/*/bin/squawk >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
		npm install --prefix "$BENCH_ROOT/bench" --no-save --no-package-lock --no-audit --no-fund squawk-cli \
			>"$BENCH_DIR/npm.log" 2>&1 || tail -3 "$BENCH_DIR/npm.log" >&2
	fi
	local b
	for b in "$nm"/@squawk-cli/*/bin/squawk; do
		[ -x "$b" ] && { echo "$b"; return; }
	done
}

# gen_schema TABLES DIR: the generated migration history (bench/gen-schema.py).
gen_schema() {
	/usr/bin/python3 "$BENCH_ROOT/bench/gen-schema.py" --tables "$1" "$2" >/dev/null ||
		{ echo "bench: gen-schema.py failed" >&2; exit 2; }
}

# cpu_snapshot: "busy total" jiffies of the whole machine.
cpu_snapshot() { awk '/^cpu / {b = $2 + $3 + $4 + $7 + $8; t = b + $5 + $6; print b, t; exit}' /proc/stat; }

# load_begin / load_end: how busy the machine was in between (all
# processes, ours included), printed by load_end.
load_begin() { LOAD0=$(cpu_snapshot); LOADAVG0=$(cut -d' ' -f1-3 /proc/loadavg); }
load_end() {
	local b0 t0 b1 t1
	read -r b0 t0 <<<"$LOAD0"
	read -r b1 t1 < <(cpu_snapshot)
	awk -v b="$((b1 - b0))" -v t="$((t1 - t0))" -v n="$(nproc)" -v l0="$LOADAVG0" -v l1="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
		printf "machine: %d cores, %.0f%% busy during the runs (all processes); load average %s at start, %s at end\n",
		       n, (t > 0 ? 100 * b / t : 0), l0, l1 }'
}

# measure LABEL MAXRC CMD...: one run of CMD under /usr/bin/time; appends
# "wall cpu rss_kib" to $BENCH_DIR/m.LABEL; stdout goes to
# $BENCH_DIR/out.LABEL. An exit status above MAXRC fails the benchmark.
measure() {
	local label=$1 maxrc=$2 rc=0
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$BENCH_DIR/time" "$@" >"$BENCH_DIR/out.$label" 2>"$BENCH_DIR/err.$label" || rc=$?
	if [ "$rc" -gt "$maxrc" ]; then
		echo "bench: $label failed with status $rc:" >&2
		head -5 "$BENCH_DIR/err.$label" >&2
		exit 2
	fi
	# time prepends "Command exited with non-zero status N" on failure
	tail -1 "$BENCH_DIR/time" | awk '{printf "%.2f %.2f %d\n", $1, $2 + $3, $4}' >>"$BENCH_DIR/m.$label"
}

# interleave REPS LABEL...: REPS rounds; each round calls run_LABEL for
# every label, starting one further along each round.
interleave() {
	local reps=$1 r i n
	shift
	n=$#
	local labels=("$@")
	for ((r = 0; r < reps; r++)); do
		for ((i = 0; i < n; i++)); do
			"run_${labels[(i + r) % n]}"
		done
	done
}

# med LABEL FIELD: median of field 1 (wall s), 2 (CPU s) or 3 (peak RSS KiB).
med() {
	cut -d' ' -f"$2" "$BENCH_DIR/m.$1" | sort -g |
		awk '{v[NR] = $1} END {if (NR == 0) print 0; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'
}
# maxof LABEL FIELD: the largest value of a field.
maxof() { cut -d' ' -f"$2" "$BENCH_DIR/m.$1" | sort -g | tail -1; }

# row NAME LABEL: one table row: median wall, median CPU, max peak RSS.
row() { printf '%-34s %8.2f %8.2f %10d KiB\n' "$1" "$(med "$2" 1)" "$(med "$2" 2)" "$(maxof "$2" 3)"; }
row_head() { printf '%-34s %8s %8s %14s\n' "" "wall s" "CPU s" "peak RSS"; }

# bound WHAT VALUE LIMIT: prints the check; clears BENCH_OK when VALUE > LIMIT.
BENCH_OK=1
bound() {
	if awk -v v="$2" -v l="$3" 'BEGIN { exit !(v <= l) }'; then
		printf '  %-58s %7.2f (bound %s): ok\n' "$1" "$2" "$3"
	else
		printf '  %-58s %7.2f (bound %s): FAIL\n' "$1" "$2" "$3"
		BENCH_OK=0
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 999) }'; }
