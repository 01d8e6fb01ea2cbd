#!/usr/bin/env bash
# t0628-runner.sh - the runner's counting (tests/lib/run_tap.sh, used by
# scripts/test.sh) on producers that misbehave (issue 12: a script that
# stops early must fail the run, and the runner prints the planned and
# executed counts). Each case runs one producer through run_tap with fresh
# counters and checks the failures it counted and what it printed.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 18

# case NAME EXPECTED_FAILED NEEDLE PRODUCER_BODY: PRODUCER_BODY is a bash
# script; NEEDLE must be in the runner's output.
case_() {
	local name=$1 want=$2 needle=$3 body=$4
	printf '%s\n' "$body" >"$TMP/producer.sh"
	(
		passed=0 failed=0 all_planned=0 all_ran=0 all_skipped=0
		results="$TMP/results"
		source "$PGC_ROOT/tests/lib/run_tap.sh"
		run_tap "$name" bash "$TMP/producer.sh"
		echo "COUNTS failed=$failed planned=$all_planned ran=$all_ran"
	) >"$TMP/runner.out" 2>&1
	check_eq "$name: counted failures" "failed=$want" "$(sed -n 's/^COUNTS \(failed=[0-9]*\).*/\1/p' "$TMP/runner.out")"
	check_contains "$name: says \"$needle\"" "$needle" "$TMP/runner.out"
}

case_ "all planned tests pass" 0 "planned    2, ran    2" $'echo 1..2\necho "ok - a"\necho "ok - b"'
case_ "stops early" 1 "planned 3 tests but ran 1 (it stopped early)" $'echo 1..3\necho "ok - a"\nexit 0'
case_ "no plan" 1 "declared no plan (1..N)" $'echo "ok - a"'
case_ "more than planned" 1 "planned 1 tests but ran 2 (more than planned)" $'echo 1..1\necho "ok - a"\necho "ok - b"'
case_ "non-zero exit without not ok" 1 "exited with status 3" $'echo 1..1\necho "ok - a"\nexit 3'
case_ "runs nothing" 1 "ran no test" $'echo 1..0'
case_ "one not ok" 1 "not ok - b" $'echo 1..2\necho "ok - a"\necho "not ok - b"'
# an integration script as they are written: plan 3 from tap.sh, two
# checks, then it stops (a command that ends the script, as set -e would)
case_ "tap.sh script that stops after 2 of 3" 1 "planned 3 tests but ran 2 (it stopped early)" \
	"source \"$PGC_ROOT/tests/lib/tap.sh\"
plan 3
check 'one' true
check 'two' true
exit 0
check 'three' true"
# and the same script that runs all three passes
case_ "tap.sh script that runs all 3" 0 "planned    3, ran    3" \
	"source \"$PGC_ROOT/tests/lib/tap.sh\"
plan 3
check 'one' true
check 'two' true
check 'three' true"
