#!/usr/bin/env bash
# test.sh - the whole test suite, from a fresh Debian machine:
# installs what is missing, builds (normal and ASan+UBSan), starts a
# throwaway PostgreSQL for the integration tests, runs every layer, and
# ends with "N passed, N failed". Exit status is 0 only when nothing failed.
#
#   scripts/test.sh            everything
#   scripts/test.sh PATTERN... only test files whose name contains one of the PATTERNs
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
scripts/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
make -j"$(nproc)" all asan unit >build.log 2>&1 || { cat build.log; echo "0 passed, 1 failed"; exit 1; }

# One PostgreSQL for the integration tests (each test file makes its own
# databases in it). Never skip: if it cannot start, the suite fails.
source tests/lib/pgserver.sh
pgserver_start || { echo "could not start the test PostgreSQL" >&2; echo "0 passed, 1 failed"; exit 1; }
trap pgserver_stop EXIT

export PGC="$ROOT/build/asan/pgcascade"
export PGC_ROOT="$ROOT"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
export CMOCKA_MESSAGE_OUTPUT=TAP
# Fuzz targets run 10 s each locally; in CI (CI=true) at least 60 s each.
if [ "${CI:-}" = true ]; then export FUZZ_SMOKE_SECONDS=${FUZZ_SMOKE_SECONDS:-60}; fi

patterns=("$@")
[ "${#patterns[@]}" -gt 0 ] || patterns=("")
wanted() { # path: does it match one of the patterns?
	local p
	for p in "${patterns[@]}"; do case "$1" in *"$p"*) return 0 ;; esac; done
	return 1
}
passed=0 failed=0 all_planned=0 all_ran=0 all_skipped=0
results=$(mktemp)
# run_tap NAME COMMAND...: runs one TAP producer and counts its results.
# Every producer declares its plan ("1..N": cmocka prints it, integration
# scripts call `plan N` from tests/lib/tap.sh). A missing plan, fewer tests
# than planned (the script stopped early) or more than planned is one more
# failure, as is a non-zero exit without a "not ok" line.
run_tap() { # name, command...
	local name=$1; shift
	local out rc
	out=$("$@" 2>&1); rc=$?
	local p f s planned nplans ran extra=""
	p=$(grep -cE '^ok ' <<<"$out")
	s=$(grep -cE '^ok .*# SKIP' <<<"$out")
	f=$(grep -cE '^not ok ' <<<"$out")
	nplans=$(grep -cE '^1\.\.[0-9]+' <<<"$out")
	planned=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' <<<"$out" | awk '{ s += $1 } END { print s + 0 }')
	ran=$((p + f))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=$((f + 1))
		extra="$extra"$'\n'"not ok - $name exited with status $rc"
	fi
	if [ "$nplans" -eq 0 ]; then
		f=$((f + 1))
		extra="$extra"$'\n'"not ok - $name declared no plan (1..N)"
	elif [ "$ran" -ne "$planned" ]; then
		f=$((f + 1))
		if [ "$ran" -lt "$planned" ]; then
			extra="$extra"$'\n'"not ok - $name planned $planned tests but ran $ran (it stopped early)"
		else
			extra="$extra"$'\n'"not ok - $name planned $planned tests but ran $ran (more than planned)"
		fi
	fi
	if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
		f=1
		extra="$extra"$'\n'"not ok - $name ran no test"
	fi
	passed=$((passed + p)); failed=$((failed + f))
	all_planned=$((all_planned + planned)); all_ran=$((all_ran + ran))
	all_skipped=$((all_skipped + s))
	printf '%-40s %4d passed %4d failed   planned %4d, ran %4d%s\n' "$name" "$p" "$f" "$planned" "$ran" \
		"$([ "$s" -eq 0 ] || echo " ($s skipped: input without that case)")"
	if [ "$f" -gt 0 ]; then
		grep -E '^not ok|^#' <<<"$out" | head -40 | sed 's/^/    /'
		[ -z "$extra" ] || sed '/^$/d; s/^/    /' <<<"$extra"
	fi
	printf '%s%s\n' "$out" "$extra" >>"$results"
}

for t in build/asan/tests/test_*; do
	[ -x "$t" ] || continue
	wanted "$t" || continue
	run_tap "unit/$(basename "$t")" "$t"
done
for t in tests/integration/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	wanted "$t" || continue
	run_tap "$(basename "$t")" bash "$t"
done

cp "$results" build/test-results.tap
rm -f "$results"
echo "planned $all_planned tests, ran $all_ran ($all_skipped of them skipped as not applicable)"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
