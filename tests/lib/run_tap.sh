# run_tap.sh - the runner's count of one TAP producer (sourced by
# scripts/test.sh; tests/integration/t0628-runner.sh checks it on scripts
# that stop early, declare no plan or run more than planned).
# Uses and updates the caller's passed, failed, all_planned, all_ran,
# all_skipped, and appends the producer's output to the file $results.

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
