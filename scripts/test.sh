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
source tests/lib/run_tap.sh

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
