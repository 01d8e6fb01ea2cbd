#!/usr/bin/env bash
# t0600-bad-input.sh - every case of the bad-input corpus (tests/bad/, see
# its README) through `pgcascade audit` under ASan+UBSan: the exit code,
# the message fragments with their file:line:col, no hang, no sanitizer
# report; then through `pgcascade fix` (no crash; input errors stay exit
# 2, anything else gives a migration). Cases run in a fresh work
# directory each, so messages say `input`.
source "$PGC_ROOT/tests/lib/tap.sh"

# The unreadable cases run as another user, who must reach the work dirs.
chmod 755 "$TMP"

# run_case WORK USER TIMEOUT OUT ERR COMMAND ARGS...: one run of
# `pgcascade COMMAND ARGS input` in WORK; prints the status.
run_case() {
	local work=$1 user=$2 secs=$3 out=$4 err=$5; shift 5
	local rc
	if [ -n "$user" ] && [ "$(id -u)" -eq 0 ]; then
		(cd "$work" && timeout -k 5 "$secs" runuser -u "$user" -- "$PGC" "$@" input) >"$out" 2>"$err"
	else
		(cd "$work" && timeout -k 5 "$secs" "$PGC" "$@" input) >"$out" 2>"$err"
	fi
	rc=$?
	echo "$rc"
}

sanitizer_clean() { # NAME RC ERRFILE
	if [ "$2" -ge 98 ] && [ "$2" -le 99 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$3"; then
		not_ok "$1: no sanitizer report"
		sed 's/^/#   /' "$3" | head -30
	else
		ok "$1: no sanitizer report"
	fi
}

# The plan, from the expect files: per case 3 checks of the audit run,
# one per message/absent/jq line (+1 for the JSON run's sanitizer check
# when the case's args do not ask for JSON already), 2 of the fix run;
# and the corpus size check.
n=1
for e in "$PGC_ROOT"/tests/bad/*/expect; do
	n=$((n + 5 + $(grep -cE '^(message|absent|jq) ' "$e")))
	if grep -qE '^jq ' "$e" && ! grep -E '^args ' "$e" | grep -qE ' --format[ =]json( |$)'; then
		n=$((n + 1))
	fi
done
plan "$n"

ncases=0
for dir in "$PGC_ROOT"/tests/bad/*/; do
	dir=${dir%/}
	name=$(basename "$dir")
	[ -f "$dir/expect" ] || continue
	ncases=$((ncases + 1))
	work=$TMP/$name
	mkdir -p "$work"
	chmod 755 "$work"
	if [ -e "$dir/input" ]; then
		cp -a "$dir/input" "$work/input"
	elif [ -f "$dir/gen" ]; then
		(cd "$work" && bash "$dir/gen" input) || { not_ok "$name: gen failed"; exit 1; }
	fi

	want_exit="" user="" secs=60 args=() messages=() absents=() jqs=()
	while IFS= read -r line || [ -n "$line" ]; do
		case "$line" in
		'#'* | '') ;;
		'exit '*) want_exit=${line#exit } ;;
		'message '*) messages+=("${line#message }") ;;
		'absent '*) absents+=("${line#absent }") ;;
		'jq '*) jqs+=("${line#jq }") ;;
		'args '*) read -r -a args <<<"${line#args }" ;;
		'user '*) user=${line#user } ;;
		'timeout '*) secs=${line#timeout } ;;
		*) not_ok "$name: unknown directive: $line" ;;
		esac
	done <"$dir/expect"

	out=$work.out err=$work.err
	rc=$(run_case "$work" "$user" "$secs" "$out" "$err" audit ${args[@]+"${args[@]}"})
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		not_ok "$name: finished within ${secs}s"
	else
		ok "$name: finished within ${secs}s"
	fi
	sanitizer_clean "$name" "$rc" "$err"
	if [ "$rc" = "$want_exit" ]; then
		ok "$name: exit $want_exit"
	else
		not_ok "$name: exit $want_exit"
		echo "#   got exit $rc; stderr:"
		head -c 2000 "$err" | head -10 | sed 's/^/#   /'
	fi
	cat "$out" "$err" >"$work.all"
	for m in ${messages[@]+"${messages[@]}"}; do
		check_contains "$name: says '$m'" "$m" "$work.all"
	done
	for m in ${absents[@]+"${absents[@]}"}; do
		if grep -qF -- "$m" "$work.all"; then
			not_ok "$name: does not say '$m'"
			grep -F -- "$m" "$work.all" | head -5 | cut -c1-200 | sed 's/^/#   /'
		else
			ok "$name: does not say '$m'"
		fi
	done
	if [ "${#jqs[@]}" -gt 0 ]; then
		json=$out
		case " ${args[*]-} " in
		*" --format json "* | *" --format=json "*) ;;
		*)
			json=$work.json
			rc2=$(run_case "$work" "$user" "$secs" "$json" "$work.err2" audit ${args[@]+"${args[@]}"} --format json)
			sanitizer_clean "$name (json)" "$rc2" "$work.err2"
			;;
		esac
		for q in "${jqs[@]}"; do
			if jq -se "length == 1 and (.[0] | ($q))" "$json" >/dev/null 2>&1; then
				ok "$name: jq $q"
			else
				not_ok "$name: jq $q"
				head -c 1500 "$json" | sed 's/^/#   /' | head -20
			fi
		done
	fi
	# The same input through `fix` (it prints the up migration): the same
	# input errors (exit 2); otherwise a migration, exit 0, parse errors or not.
	fixargs=() skip=0
	for a in ${args[@]+"${args[@]}"}; do
		if [ "$skip" -eq 1 ]; then skip=0; continue; fi
		case "$a" in --format) skip=1 ;; --format=*) ;; *) fixargs+=("$a") ;; esac
	done
	want_fix=0
	[ "$want_exit" = 2 ] && want_fix=2
	rcf=$(run_case "$work" "$user" "$secs" "$work.fix" "$work.fixerr" fix ${fixargs[@]+"${fixargs[@]}"})
	sanitizer_clean "$name (fix)" "$rcf" "$work.fixerr"
	check_eq "$name: fix exits $want_fix" "$want_fix" "$rcf"
	# Mode 000 inputs: give them back so the cleanup can remove them.
	chmod -R u+rwX "$work" 2>/dev/null
	rm -rf "$work" "$work".*
done

# The corpus itself must hold what issue 6 asks for.
check "corpus has at least 20 cases ($ncases)" test "$ncases" -ge 20
