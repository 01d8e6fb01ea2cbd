#!/usr/bin/env bash
# t0620-alloc-fail.sh - allocation failure (issue 6, part 7), in the
# spirit of SQLite's fault simulation. The ASan binary is built with
# -DPGC_FAULT_INJECTION: PGCASCADE_FAIL_ALLOC=N makes the Nth
# xmalloc/xcalloc/xrealloc fail (src/util/xalloc.c). We step N from 1
# through every allocation that `audit` makes on a small input (sources,
# front end, replay, analysis, report): each run must end with exit 4 and
# "out of memory", never a crash, a sanitizer report or a leak. The first
# N that does not fail gives the run's normal result, which ends the walk.
# The first JSON walk also fails each of json-c's constructors in turn
# (util/xjson.h, PGCASCADE_FAIL_ALLOC_JSON); the other walks leave them out.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 16 # 4 walks of 4 checks (the bad allocations are diagnostics of the third)

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

mkdir -p "$TMP/c"
cat >"$TMP/c/schema.sql" <<'EOF'
CREATE TABLE users (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), email STRING NOT NULL,
  tags STRING[], UNIQUE INDEX users_email_key (email), INVERTED INDEX (tags));
CREATE TABLE sessions (id UUID PRIMARY KEY, user_id UUID NOT NULL REFERENCES users (id),
  token BYTES, INDEX sessions_user_idx (user_id) STORING (token), FAMILY f1 (id, user_id, token));
ALTER TABLE sessions ADD CONSTRAINT IF NOT EXISTS sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE;
EOF

run() { # DIR N ARGS...: one audit run with the Nth allocation failing (0: none)
	local dir=$1 n=$2; shift 2
	# JSON_POINTS=1: json-c's constructors (util/xjson.h) are injection points too
	if [ -n "${JSON_POINTS:-}" ]; then export PGCASCADE_FAIL_ALLOC_JSON=1; else unset PGCASCADE_FAIL_ALLOC_JSON; fi
	PGCASCADE_FAIL_ALLOC=$n "$PGC" audit "$@" "$dir" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}

# walk NAME DIR ARGS...: the baseline run, then N = 1, 2, ... until a run
# no longer fails (N is past the last allocation).
walk() {
	local name=$1 dir=$2; shift 2
	run "$dir" 0 "$@"
	local base_rc=$RC
	cp "$TMP/out" "$TMP/base.out"
	if [ "$base_rc" -eq 1 ] && [ -s "$TMP/base.out" ]; then
		ok "$name: the baseline run works (exit 1, with findings)"
	else
		not_ok "$name: the baseline run works (exit 1, with findings)"
		echo "#   exit $base_rc"; sed 's/^/#   /' "$TMP/err" | head -10
	fi
	local max=${PGC_ALLOC_MAX:-20000} n=1 bad=0 oom=0 done=0
	while [ "$n" -le "$max" ]; do
		run "$dir" "$n" "$@"
		if [ "$RC" -ge 98 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$TMP/err"; then
			bad=$((bad + 1))
			[ "$bad" -le 10 ] && { echo "# $name: allocation $n fails: sanitizer report (exit $RC)"; sed 's/^/#   /' "$TMP/err" | head -25; }
		elif [ "$RC" -eq 4 ] && grep -q 'out of memory' "$TMP/err"; then
			oom=$((oom + 1))
		elif [ "$RC" -eq "$base_rc" ] && cmp -s "$TMP/out" "$TMP/base.out"; then
			done=1
			break
		else
			bad=$((bad + 1))
			[ "$bad" -le 10 ] && { echo "# $name: allocation $n fails: exit $RC, not 4 \"out of memory\""; sed 's/^/#   /' "$TMP/err" | head -5; }
		fi
		n=$((n + 1))
	done
	check_eq "$name: every allocation was stepped through (the walk ended below $max)" 1 "$done"
	check_eq "$name: allocations 1..$((n - 1)): each a clean \"out of memory\" exit 4" "0 bad" "$bad bad"
	echo "# $name: $((n - 1)) allocations stepped; $oom ended in exit 4 out of memory"
	check "$name: audit allocates through xalloc ($oom)" test "$oom" -gt 0
}

# PostgreSQL dialect, two files, JSON and text reports.
JSON_POINTS=1
walk "pg json" "$TMP/m" --format json
JSON_POINTS=
walk "pg text" "$TMP/m" --format text
# CockroachDB dialect (auto-detected): the rewrite allocates on its own.
walk "crdb dot" "$TMP/c" --format dot
# A generated history of 60 tables: the arena and the hash maps grow.
"$PGC_ROOT/bench/gen-schema.py" --tables 60 "$TMP/g"
walk "60 tables json" "$TMP/g" --format json
