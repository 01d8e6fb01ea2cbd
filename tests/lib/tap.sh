# tap.sh - helpers for integration tests (tests/integration/tNNNN-*.sh).
# Each test prints TAP lines ("ok - name" / "not ok - name"); scripts/test.sh
# counts them. In the spirit of git's t/: write expect, run into actual,
# compare. $PGC is the ASan+UBSan binary; the test PostgreSQL is reachable
# through PGHOST/PGPORT/PGUSER.
set -u
: "${PGC:?run through scripts/test.sh}"
: "${PGC_ROOT:?run through scripts/test.sh}"
TMP=$(mktemp -d /tmp/pgc-t.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
FIXTURES="$PGC_ROOT/tests/fixtures"

# plan N: the number of tests this script runs, declared before the first
# one (TAP "1..N"). scripts/test.sh fails a script that declares no plan,
# or runs fewer or more tests than it planned: a script that stops early
# cannot hide the checks it never ran. Compute N from the fixtures when a
# loop runs a fixed number of checks per fixture.
PLANNED=""
plan() {
	if [ -n "$PLANNED" ]; then echo "not ok - plan declared twice ($PLANNED, then $1)"; return 1; fi
	case "$1" in '' | *[!0-9]*) echo "not ok - plan: not a number: '$1'"; return 1 ;; esac
	PLANNED=$1
	echo "1..$1"
}

# TAP_COUNT: tests printed so far by this shell (ok, not_ok, skip).
TAP_COUNT=0
ok() { TAP_COUNT=$((TAP_COUNT + 1)); echo "ok - $*"; }
not_ok() { TAP_COUNT=$((TAP_COUNT + 1)); echo "not ok - $*"; }

# skip N REASON: N planned tests that do not apply here, each printed as
# "ok - REASON # SKIP" (TAP's directive; scripts/test.sh counts and shows
# them). Only for a reason that is a fact about the input (a fixture
# without a users table), never for something missing or broken.
skip() {
	local i
	for ((i = 0; i < $1; i++)); do TAP_COUNT=$((TAP_COUNT + 1)); echo "ok - $2 # SKIP"; done
}

# check NAME COMMAND...: passes when the command succeeds.
check() {
	local name=$1; shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   expected: $(printf '%q' "$2")"; echo "#   actual:   $(printf '%q' "$3")"; fi
}

# check_files NAME EXPECT_FILE ACTUAL_FILE: shows a diff on failure.
check_files() {
	if diff -u "$2" "$3" >"$TMP/diff" 2>&1; then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$TMP/diff" | head -60; fi
}

# check_contains NAME NEEDLE FILE
check_contains() {
	if grep -qF -- "$2" "$3"; then ok "$1"; else not_ok "$1"; echo "#   '$2' not in:"; head -30 "$3" | sed 's/^/#   /'; fi
}

# pgc ARGS...: runs pgcascade; stdout in $TMP/out, stderr in $TMP/err, status in $RC.
# An ASan/UBSan report (exit 98/99) is always a failure of the calling test.
pgc() {
	"$PGC" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	if [ "$RC" -ge 98 ]; then echo "# sanitizer report:"; sed 's/^/#   /' "$TMP/err" | head -40; fi
	return 0
}

# retain_from_audit AUDIT_JSON: sets the array `retain` to --retain for every
# table that audit names user-column-no-fk (an owner column without a FK:
# its rows survive DELETE FROM the root, which fails verify's proof unless
# the table is kept on purpose).
retain_from_audit() {
	local t
	retain=()
	while read -r t; do [ -n "$t" ] && retain+=(--retain "$t"); done < <(jq -r \
		'[.findings[] | select(.rule == "user-column-no-fk") | "\(.schema).\(.table)"] | unique | .[]' "$1")
}

# fresh_db NAME: drops and creates a database in the test server; prints its conninfo.
fresh_db() {
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS \"$1\"" -c "CREATE DATABASE \"$1\"" >/dev/null || return 1
	echo "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$1"
}

# psql_db DB SQL-or-args...: quiet, stops on error.
psql_db() {
	local db=$1; shift
	psql -X -q -v ON_ERROR_STOP=1 -d "$db" "$@"
}
