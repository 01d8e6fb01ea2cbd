#!/usr/bin/env bash
# t0720-erase-exit-after-commit.sh - erase's exit status says whether the
# erasure committed (doc/erase.md, "Exit codes"): 0 when it did (and the
# receipt asked for is in place), anything else when it did not. Nothing
# that can fail runs after the commit: the summary and the receipt (in a
# temporary file, flushed) are made before it, only the rename comes after.
# Proven with the test build's fault injection: every allocation of a run
# (json-c's too, PGCASCADE_FAIL_ALLOC_JSON) fails once, and every such run
# must end in exit 4 with the erasure NOT committed and no receipt - an
# allocation after the commit would show up as exit 4 with user 1 gone
# (before this was fixed, the summary line's allocation did exactly that).
#   1. one transaction, --receipt: all or nothing, the database unchanged;
#   2. batches, --receipt: the root row still there (the batches committed
#      so far stay), no receipt; the same command again finishes the erasure
#      with the state of an uninterrupted one;
#   3. the receipt can't be staged (its folder is missing): nothing changed.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 14
q() { psql -X -At -d "$1" -c "$2"; }
SCHEMA="CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE);
CREATE TABLE audit_log (id bigint PRIMARY KEY, user_id bigint);
INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO posts VALUES (10, 1), (11, 1), (12, 1), (20, 2);
INSERT INTO comments VALUES (100, 10), (101, 11), (102, 12), (103, 12), (200, 20);
INSERT INTO audit_log VALUES (1, 1), (2, 1), (3, 2);"
rows() { q "$1" "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM posts) || ' ' || (SELECT count(*) FROM comments) || ' ' || (SELECT count(*) FROM audit_log)"; }
INITIAL="2 4 5 3" ERASED="1 1 1 1"
fresh_db t0720_tpl >/dev/null
psql_db t0720_tpl -c "$SCHEMA"
reset() { psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS t0720" -c "CREATE DATABASE t0720 TEMPLATE t0720_tpl"; }
DB="host=$PGHOST port=$PGPORT user=$PGUSER dbname=t0720"
R="$TMP/receipt.json"
leftovers() { find "$TMP" -maxdepth 1 -name 'receipt.json*' | wc -l; }

# walk JSON MODE-ARGS...: every allocation of the run fails once (json-c's
# too when JSON is 1); counts the outcomes: good (exit 4, the message, not
# committed, no receipt), bad; partial: good ones that changed rows.
walk() {
	local json=$1; shift
	[ "$json" = 1 ] && export PGCASCADE_FAIL_ALLOC_JSON=1
	reset
	PGCASCADE_COUNT_ALLOC=1 pgc erase --db "$DB" --key 1 --yes --receipt "$R" --receipt-salt s "$@"
	total=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
	first_rc=$RC first_rows=$(rows t0720)
	rm -f "$R"
	good=0 bad=0 partial=0
	reset
	for n in $(seq 1 "${total:-0}"); do
		PGCASCADE_FAIL_ALLOC=$n pgc erase --db "$DB" --key 1 --yes --receipt "$R" --receipt-salt s "$@"
		local now root
		now=$(rows t0720)
		root=$(q t0720 "SELECT count(*) FROM users WHERE id = 1")
		if [ "$RC" = 4 ] && [ "$(tail -1 "$TMP/err")" = "pgcascade: error: out of memory" ] && [ "$root" = 1 ] && [ "$(leftovers)" = 0 ]; then
			good=$((good + 1))
		else
			bad=$((bad + 1))
			echo "# allocation $n of $total: exit $RC, rows $now, receipt files $(leftovers)"
			sed 's/^/#   /' "$TMP/err" | tail -3
		fi
		rm -f "$R"*
		[ "$now" != "$INITIAL" ] && { partial=$((partial + 1)); reset; }
	done
	unset PGCASCADE_FAIL_ALLOC_JSON
}

# --- 1. one transaction -----------------------------------------------------
walk 1
check_eq "one transaction: the run without a failure erases user 1 (exit $first_rc, ${total:-?} allocations)" \
	"0 $ERASED" "$first_rc $first_rows"
check "one transaction: some allocations were walked (${total:-0})" test "${total:-0}" -gt 20
check_eq "one transaction: every allocation failing ends in exit 4 with nothing committed and no receipt" \
	"$total good, 0 bad" "$good good, $bad bad"
check_eq "one transaction: the database unchanged each time (all or nothing)" 0 "$partial"

# --- 2. batches ---------------------------------------------------------------
walk 0 --batch-rows 2
check_eq "batches: the run without a failure erases user 1 (exit $first_rc, ${total:-?} allocations)" \
	"0 $ERASED" "$first_rc $first_rows"
check_eq "batches: every allocation failing ends in exit 4 with the root row there and no receipt" \
	"$total good, 0 bad" "$good good, $bad bad"
check "batches: some failures came after batches had committed ($partial)" test "$partial" -gt 0
# a failure in the middle, then the same command again
reset
PGCASCADE_FAIL_ALLOC=$(( total * 2 / 3 )) pgc erase --db "$DB" --key 1 --yes --batch-rows 2 --receipt "$R" --receipt-salt s
mid=$(rows t0720)
rm -f "$R"*
check "batches: the failed run left part of the erasure ($mid)" test "$mid" != "$INITIAL" -a "$mid" != "$ERASED"
pgc erase --db "$DB" --key 1 --yes --batch-rows 2 --receipt "$R" --receipt-salt s
check_eq "batches: the same command again finishes: exit 0, user 1 gone, B's rows kept" "0 $ERASED" "$RC $(rows t0720)"
check_eq "batches: B's rows are exactly the ones it had" "20|2 200|20 3|2" \
	"$(q t0720 "SELECT (SELECT string_agg(id || '|' || user_id, ',') FROM posts) || ' ' || (SELECT string_agg(id || '|' || post_id, ',') FROM comments) || ' ' || (SELECT string_agg(id || '|' || user_id, ',') FROM audit_log)")"
pgc erase --check-receipt "$R"
check_eq "batches: the resumed run's receipt checks" 0 "$RC"

# --- 3. the receipt cannot be staged ---------------------------------------------
reset
pgc erase --db "$DB" --key 1 --yes --receipt "$TMP/no-such-dir/receipt.json" --receipt-salt s
check_eq "receipt folder missing: exit 2" 2 "$RC"
check_contains "receipt folder missing: says nothing was changed" "the erasure was rolled back, nothing was changed" "$TMP/err"
check_eq "receipt folder missing: the database unchanged" "$INITIAL" "$(rows t0720)"

psql -X -q -d postgres -c "DROP DATABASE t0720" -c "DROP DATABASE t0720_tpl"
