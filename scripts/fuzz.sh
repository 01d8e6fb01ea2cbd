#!/usr/bin/env bash
# fuzz.sh - builds every libFuzzer target (fuzz/fuzz_*.c) and runs each for
# a bounded time; `make fuzz` and CI call it.
#
#   scripts/fuzz.sh                 every target, FUZZ_SECONDS (default 60) each
#   scripts/fuzz.sh quote sources   only targets whose name contains a word
#   FUZZ_SECONDS=10 scripts/fuzz.sh
#
# Seeds come from fuzz/corpus/<target>/ (read only); new inputs go to
# build/fuzz/corpus/<target>/ and crashes to build/fuzz/artifacts/<target>/.
# Prints, per target, the executions, the time and the crashes found, and
# exits non-zero when any target crashed, leaked, hung or failed to run.
# Turn every crash into a regression test (tests/bad/ or a unit test).
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER=${FUZZ_SECONDS:-60}

make -s -j2 -f fuzz/fuzz.mk >build/fuzz-build.log 2>&1 || { cat build/fuzz-build.log; echo "fuzz: build failed" >&2; exit 1; }
for src in fuzz/fuzz_*.c; do
	make -s -f fuzz/fuzz.mk targets | grep -qx "$(basename "$src" .c)" ||
		echo "fuzz: $(basename "$src" .c) is not built yet (see fuzz/fuzz.mk)"
done

targets=()
for t in $(make -s -f fuzz/fuzz.mk targets); do
	if [ $# -gt 0 ]; then
		want=0
		for w in "$@"; do case "$t" in *"$w"*) want=1 ;; esac; done
		[ "$want" -eq 1 ] || continue
	fi
	targets+=("$t")
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
summary=()
for t in "${targets[@]}"; do
	work=build/fuzz/corpus/$t art=build/fuzz/artifacts/$t log=build/fuzz/$t.log
	mkdir -p "$work" "$art" "fuzz/corpus/$t"
	dict=()
	[ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
	touch "$art/.stamp"
	start=$(date +%s.%N)
	"build/fuzz/$t" "$work" "fuzz/corpus/$t" \
		-max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
		-artifact_prefix="$art/" -print_final_stats=1 ${dict[@]+"${dict[@]}"} >"$log" 2>&1
	rc=$?
	end=$(date +%s.%N)
	execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$log")
	crashes=$(grep -cE '^==[0-9]+==ERROR|^SUMMARY: (Address|Undefined|Leak)Sanitizer|runtime error:|libFuzzer: (deadly signal|timeout|out-of-memory|fuzz target exited)' "$log")
	arts=$(find "$art" -type f ! -name .stamp -newer "$art/.stamp" | wc -l)
	[ -n "$execs" ] || execs="?"
	line=$(printf '%-16s %6.1f s  %10s executions  %3d crash reports  %3d artifacts  (exit %d)' \
		"$t" "$(awk -v a="$start" -v b="$end" 'BEGIN {print b - a}')" "$execs" "$crashes" "$arts" "$rc")
	summary+=("$line")
	echo "$line"
	if [ "$rc" -ne 0 ] || [ "$crashes" -gt 0 ]; then
		status=1
		echo "  log: $log"
		grep -E 'ERROR|SUMMARY|runtime error|libFuzzer:|Test unit written' "$log" | head -10 | sed 's/^/  /'
	fi
done
echo "== fuzz summary (FUZZ_SECONDS=$SECONDS_PER)"
printf '%s\n' "${summary[@]}"
exit $status
