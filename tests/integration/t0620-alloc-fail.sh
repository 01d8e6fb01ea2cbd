#!/usr/bin/env bash
# t0620-alloc-fail.sh - allocation failure (issue 6, part 7), in the
# spirit of SQLite's fault simulation. The ASan binary is built with
# -DPGC_FAULT_INJECTION: PGCASCADE_FAIL_ALLOC=N makes the Nth
# xmalloc/xcalloc/xrealloc fail (src/util/xalloc.c). We step N from 1
# through every allocation that `audit` makes on a small input (sources,
# front end, replay, analysis, report): each run must end with exit 4 and
# "out of memory", never a crash, a sanitizer report or a leak. The first
# N that does not fail gives the run's normal result, which ends the walk.
source "$PGC_ROOT/tests/lib/tap.sh"

mkdir -p "$TMP/m"
cat >"$TMP/m/001_users.sql" <<'EOF'
CREATE SCHEMA app;
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE app."Orders" (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE items (id int PRIMARY KEY, order_id bigint REFERENCES app."Orders" (id), note text);
CREATE INDEX items_order_idx ON items (order_id);
INSERT INTO users VALUES (1, 'a@example.com');
EOF
cat >"$TMP/m/002_more.sql" <<'EOF'
CREATE TABLE sessions (id int, user_id bigint, owner_id bigint REFERENCES users ON DELETE SET NULL);
ALTER TABLE sessions ADD CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE sessions ALTER COLUMN owner_id SET NOT NULL;
CREATE TABLE broken (id int,;
DO $$ BEGIN EXECUTE 'SELECT 1'; END $$;
ALTER TABLE items RENAME TO line_items;
EOF

run() { # N: one audit run with the Nth allocation failing (0: none)
	PGCASCADE_FAIL_ALLOC=$1 "$PGC" audit --format json "$TMP/m" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

run 0
base_rc=$RC
cp "$TMP/out" "$TMP/base.out"
if [ "$base_rc" -eq 1 ] && jq -e '.findings | length > 0' "$TMP/base.out" >/dev/null 2>&1; then
	ok "baseline: audit runs (exit 1, with findings)"
else
	not_ok "baseline: audit runs (exit 1, with findings)"
	echo "#   exit $base_rc"; sed 's/^/#   /' "$TMP/err" | head -10
fi

max=${PGC_ALLOC_MAX:-20000}
n=1 bad=0 oom=0 done=0
while [ "$n" -le "$max" ]; do
	run "$n"
	if [ "$RC" -ge 98 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/err"; then
		bad=$((bad + 1))
		[ "$bad" -le 10 ] && { not_ok "allocation $n fails: sanitizer report (exit $RC)"; sed 's/^/#   /' "$TMP/err" | head -25; }
	elif [ "$RC" -eq 4 ] && grep -q 'out of memory' "$TMP/err"; then
		oom=$((oom + 1))
	elif [ "$RC" -eq "$base_rc" ] && cmp -s "$TMP/out" "$TMP/base.out"; then
		done=1
		break
	else
		bad=$((bad + 1))
		[ "$bad" -le 10 ] && { not_ok "allocation $n fails: exit $RC, not 4 \"out of memory\""; sed 's/^/#   /' "$TMP/err" | head -5; }
	fi
	n=$((n + 1))
done
check_eq "every allocation was stepped through (the walk ended below $max)" 1 "$done"
check_eq "allocations 1..$((n - 1)): each a clean \"out of memory\" exit 4" "0 bad" "$bad bad"
echo "# $((n - 1)) allocations stepped; $oom ended in exit 4 out of memory"
check "audit allocates at all through xalloc ($oom)" test "$oom" -gt 0
