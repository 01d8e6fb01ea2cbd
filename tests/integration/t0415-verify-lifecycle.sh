#!/usr/bin/env bash
# t0415-verify-lifecycle.sh - the embedded cluster's directory never
# outlives its run, whatever ends it (issue 12, item 2):
#   - stdout closed early (SIGPIPE is ignored: a write error, then teardown);
#   - an allocation failure after the cluster started (PGCASCADE_FAIL_ALLOC);
#   - kill -9: the directory stays (nothing can run), but it holds an owner
#     file, and the next run removes it and says so in one line;
#   - verify --cleanup removes every stale one and reports it; it never
#     touches a live run's cluster, nor one kept with --keep.
# Everything runs under a private TMPDIR: other runs on this machine are
# never looked at, let alone removed.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 31
ZOO="$FIXTURES/verify/type-zoo.sql"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
dirs() { ls -A "$TMPDIR"; }
servers() { pgrep -f "postgres -D $TMPDIR" || true; }

start_stalled() { # PHASE ARGS...: verify in the background until it stalls
	local phase=$1; shift
	PGCASCADE_VERIFY_STALL=$phase "$PGC" verify "$@" >"$TMP/bg.out" 2>"$TMP/bg.err" &
	VPID=$!
	for _ in $(seq 1 600); do
		grep -q "stalling before $phase" "$TMP/bg.err" 2>/dev/null && return 0
		kill -0 "$VPID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
wait_no_server() { # the postmaster of a killed run dies with it (PDEATHSIG)
	for _ in $(seq 1 100); do [ -z "$(servers)" ] && return 0; sleep 0.1; done
	return 1
}

# --- stdout closed: no death by SIGPIPE, no directory left --------------------
"$PGC" verify "$ZOO" --root '"Users"' 2>"$TMP/pipe.err" | (exec 0<&-)
rc=${PIPESTATUS[0]}
check "closed stdout: not killed by SIGPIPE (exit $rc)" test "$rc" -ne 141
check_eq "closed stdout: no cluster directory left" "" "$(dirs)"
check_eq "closed stdout: no server left" "" "$(servers)"

# --- an allocation failure after the cluster started --------------------------
# PGCASCADE_COUNT_ALLOC=1 prints how many allocations a run makes; fail
# three of the late ones (the cluster is up by then).
PGCASCADE_COUNT_ALLOC=1 pgc verify --root '"Users"' "$ZOO"
total=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
check "allocation count known ($total)" test -n "$total"
for frac in 50 75 95; do
	n=$(( ${total:-0} * frac / 100 ))
	PGCASCADE_FAIL_ALLOC=$n pgc verify --root '"Users"' "$ZOO"
	check "allocation $n of $total fails: exit 4, out of memory (exit $RC)" \
		grep -q "out of memory" "$TMP/err"
	check_eq "allocation $n of $total fails: the cluster is torn down" "" "$(dirs)$(servers)"
done

# --- kill -9 while seeding: the next run removes what it left ------------------
check "kill -9: verify reached the seeding" start_stalled seed --root '"Users"' "$ZOO"
dir=$(ls -d "$TMPDIR"/pgcascade-verify.* 2>/dev/null | head -1)
check_eq "kill -9: the owner file names the run" "pid $VPID" "$(head -1 "$dir/owner" 2>/dev/null)"
kill -KILL "$VPID"; wait "$VPID" 2>/dev/null
check "kill -9: its server dies with it" wait_no_server
check "kill -9: the directory is left behind (nothing can run on SIGKILL)" test -d "$dir"
pgc verify --root '"Users"' --extra "$FIXTURES/verify/type-zoo-fix.sql" "$ZOO"
check_eq "next run: works (exit 0)" 0 "$RC"
check_contains "next run: says it removed the stale directory" "removed 1 stale verify cluster of dead pgcascade runs: $dir (owner pid $VPID gone)" "$TMP/err"
check_eq "next run: nothing left" "" "$(dirs)"

# --- verify --cleanup ------------------------------------------------------------
# a live run's cluster, stalled: never touched
check "cleanup: a live run" start_stalled seed --root '"Users"' "$ZOO"
LIVEPID=$VPID
live=$(ls -d "$TMPDIR"/pgcascade-verify.* 2>/dev/null | head -1)
check "cleanup: a second run, killed" start_stalled seed --root '"Users"' "$ZOO"
dir=$(ls -d "$TMPDIR"/pgcascade-verify.* | grep -vxF "$live")
pm=$(head -1 "$dir/data/postmaster.pid")
kill -KILL "$VPID"; wait "$VPID" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$pm" 2>/dev/null || break; sleep 0.1; done
pgc verify --cleanup
check_eq "cleanup: exit 0" 0 "$RC"
check_eq "cleanup: reports what it removed" "removed 1 stale verify cluster: $dir (owner pid" "$(grep -o '^removed .* (owner pid' "$TMP/out")"
check "cleanup: the stale directory is gone" test ! -e "$dir"
check "cleanup: the live run's directory is still there" test -d "$live"
kill -USR1 "$LIVEPID"; wait "$LIVEPID"; rc=$?
check_eq "cleanup: the live run finishes normally (exit 1: blocked)" 1 "$rc"
pgc verify --cleanup
check_eq "cleanup with nothing stale: says so" "no stale verify cluster found" "$(cat "$TMP/out")"

# a cluster kept with --keep is the user's: never stale
pgc verify --keep --root '"Users"' "$ZOO"
kept=$(ls -d "$TMPDIR"/pgcascade-verify.* 2>/dev/null | head -1)
stop=$(grep -A1 'stop and remove' "$TMP/err" | tail -1)
pgc verify --cleanup
check "cleanup: a --keep cluster stays" test -d "$kept/data"
bash -c "$stop" >/dev/null 2>&1
check_eq "cleanup: nothing left at the end" "" "$(dirs)$(servers)"

# the owner is its pid AND its start time: a live process that reuses a
# dead owner's pid does not keep the directory; the owner itself does
mkdir -p "$TMPDIR/pgcascade-verify.reused" "$TMPDIR/pgcascade-verify.owned"
mystart=$(sed 's/.*) //' /proc/$$/stat | cut -d' ' -f20)
printf 'pid %d\nstarttime %s\nkeep 0\n' $$ $((mystart + 1)) >"$TMPDIR/pgcascade-verify.reused/owner"
printf 'pid %d\nstarttime %s\nkeep 0\n' $$ "$mystart" >"$TMPDIR/pgcascade-verify.owned/owner"
pgc verify --cleanup
check_contains "cleanup: a live pid with another start time is a reused pid: removed" \
	"$TMPDIR/pgcascade-verify.reused (owner pid $$ gone (pid reused))" "$TMP/out"
check "cleanup: the directory of a live owner (pid and start time) stays" test -d "$TMPDIR/pgcascade-verify.owned"
rm -rf "$TMPDIR/pgcascade-verify.owned"
# an older pgcascade's owner file ("start", not a start time): its owner
# counts as alive while its pid exists; a dead owner's directory goes
true & deadpid=$!; wait "$deadpid"
mkdir -p "$TMPDIR/pgcascade-verify.old-live" "$TMPDIR/pgcascade-verify.old-dead"
printf 'pid %d\nstart 12345\nkeep 0\n' $$ >"$TMPDIR/pgcascade-verify.old-live/owner"
printf 'pid %d\nstart 12345\nkeep 0\n' "$deadpid" >"$TMPDIR/pgcascade-verify.old-dead/owner"
pgc verify --cleanup
check "cleanup: an older owner file with a live pid stays" test -d "$TMPDIR/pgcascade-verify.old-live"
check_contains "cleanup: an older owner file with a dead pid is removed" \
	"$TMPDIR/pgcascade-verify.old-dead (owner pid $deadpid gone)" "$TMP/out"
rm -rf "$TMPDIR/pgcascade-verify.old-live"

# stop whatever a crashed run of this test could not (our own processes only)
for p in $(servers); do kill -KILL "$p"; done
