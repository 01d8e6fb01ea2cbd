#!/usr/bin/env bash
# t0630-fuzz-smoke.sh - every libFuzzer target (fuzz/fuzz_*.c) builds and
# runs for a bounded time (FUZZ_SMOKE_SECONDS: 10 by default, 60 in CI,
# where scripts/test.sh sets it) on its seed corpus without a crash, leak,
# hang or sanitizer report. Longer runs: scripts/fuzz.sh (make fuzz).
source "$PGC_ROOT/tests/lib/tap.sh"
cd "$PGC_ROOT" || exit 1
targets=$(make -s -f fuzz/fuzz.mk targets)
plan $((1 + 2 * $(wc -w <<<"$targets"))) # the build, then per target: a corpus, a clean run

if make -s -j2 -f fuzz/fuzz.mk >"$TMP/build.log" 2>&1; then
	ok "fuzz targets build"
else
	not_ok "fuzz targets build"
	sed 's/^/#   /' "$TMP/build.log" | tail -20
	exit 1
fi

secs=${FUZZ_SMOKE_SECONDS:-10}
for t in $targets; do
	check "$t: has a seed corpus" test -n "$(ls -A "fuzz/corpus/$t" 2>/dev/null)"
	mkdir -p "$TMP/$t.corpus" "$TMP/$t.art"
	dict=()
	[ -f "fuzz/$t.dict" ] && dict=(-dict="fuzz/$t.dict")
	"build/fuzz/$t" "$TMP/$t.corpus" "fuzz/corpus/$t" -max_total_time="$secs" -timeout=10 \
		-rss_limit_mb=2048 -max_len=16384 -artifact_prefix="$TMP/$t.art/" -print_final_stats=1 \
		${dict[@]+"${dict[@]}"} >"$TMP/$t.log" 2>&1
	rc=$?
	execs=$(awk '/stat::number_of_executed_units/ {print $NF}' "$TMP/$t.log")
	if [ "$rc" -eq 0 ] && [ -z "$(ls -A "$TMP/$t.art")" ] && [ -n "$execs" ] && [ "$execs" -gt 0 ]; then
		ok "$t: ${secs}s, $execs executions, no crash"
	else
		not_ok "$t: ${secs}s, ${execs:-0} executions, no crash (exit $rc)"
		grep -E 'ERROR|SUMMARY|runtime error|libFuzzer:|Test unit written|#0 |#1 |#2 |#3 ' "$TMP/$t.log" | head -20 | sed 's/^/#   /'
		for a in "$TMP/$t.art"/*; do
			[ -f "$a" ] && { echo "#   reproducer ($(basename "$a")):"; head -c 300 "$a" | od -c | head -8 | sed 's/^/#   /'; }
		done
	fi
done
