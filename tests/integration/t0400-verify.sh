#!/usr/bin/env bash
# t0400-verify.sh - `pgcascade verify` on real PostgreSQL: the embedded
# cluster it starts itself, and live mode (--db) against the suite's server.
#   - the type zoo: every column type, enums, domains, checks, identity,
#     generated, unique, composite FKs, a table outside the closure;
#   - the bundled example: fails without the fix, passes with --with-fix;
#   - every PostgreSQL fixture: verify agrees with audit, and --with-fix passes;
#   - live mode leaves every table's row count unchanged;
#   - apply errors carry file:line:col; usage errors exit 2;
#   - no cluster and no temporary directory is ever left behind.
source "$PGC_ROOT/tests/lib/tap.sh"
ZOO="$FIXTURES/verify/type-zoo.sql"
ZOOFIX="$FIXTURES/verify/type-zoo-fix.sql"
EXAMPLE=("$PGC_ROOT/examples/skytwin/schema.sql" "$PGC_ROOT/examples/skytwin/migrations")
shopt -s nullglob
PGFIX=("$FIXTURES"/pg/*.sql)
# fixed checks + 2 per fixture (embedded) + 4 per fixture (live); the example: +3 (usage_events)
plan $((78 + 6 * ${#PGFIX[@]}))

# Our clusters go under a private TMPDIR, so the checks below see only ours
# (the postgres user must be able to traverse it).
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
leftovers() { ls -A "$TMPDIR"; }

# jq helper on $TMP/out
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }

# --- the type zoo, embedded -------------------------------------------------
pgc verify --format json --root '"Users"' "$ZOO"
check_eq "zoo without fix: exit 1" 1 "$RC"
check_eq "zoo without fix: ok is false" false "$(j .ok)"
check_eq "zoo without fix: the NO ACTION edge is named" messages_recipient_id_fkey \
	"$(j '.blockers[].constraint')"
check_eq "zoo without fix: every closure table seeded" 0 "$(j '[.tables[] | select(.seeded < 1)] | length')"
check_eq "zoo without fix: nothing unseeded" 0 "$(j '.unseeded | length')"

pgc verify --format json --root '"Users"' --extra "$ZOOFIX" "$ZOO"
check_eq "zoo with fix: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head -20
check_eq "zoo with fix: ok" true "$(j .ok)"
check_eq "zoo with fix: error is null" null "$(j .error)"
check_eq "zoo with fix: 0 rows left" 0 "$(j '[.tables[].left] | add')"
check_eq "zoo with fix: nothing unseeded" 0 "$(j '.unseeded | length')"
check_eq "zoo: a parent row went into the tables outside the closure" true \
	"$(j '.roots[0].helper_rows >= 2')"
check_eq "zoo: messages gets A's row per incoming edge (sender, recipient, reply_to) and cross-owner rows" true \
	"$(j '.tables[] | select(.table == "messages") | .seeded >= 3 and .other_seeded >= 3')"

# The closure verify seeded is the closure audit computes on the same
# schema applied by psql to the suite's PostgreSQL (expected from a real server).
db=$(fresh_db t0400_zoo) || { not_ok "create database"; exit 1; }
check "zoo: PostgreSQL applies the schema" psql_db t0400_zoo -f "$ZOO" -o /dev/null
"$PGC" audit --format json --root '"Users"' --db "$db" >"$TMP/audit.json" 2>"$TMP/audit.err"
jq -r '[.roots[0] | "\(.schema).\(.table)"] + [.closure[] | "\(.schema).\(.table)"] | unique | .[]' \
	"$TMP/audit.json" >"$TMP/expect"
j '.tables[] | "\(.schema).\(.table)"' | sort -u >"$TMP/actual"
check_files "zoo: seeded tables = audit's closure (+ root) on the same schema" "$TMP/expect" "$TMP/actual"

# --- hostile identifiers (quotes, semicolons, keywords, non-ASCII, 63 bytes) ---
HOSTILE="$FIXTURES/verify/hostile.sql"
pgc verify --format json --root '"Users"' "$HOSTILE"
check_eq "hostile names without fix: exit 1" 1 "$RC"
check_eq "hostile names: the quoted constraint name comes back raw" 'fk: "quoted" ; name' "$(j .error.constraint)"
check_eq "hostile names: every closure table seeded" 0 "$(j '.unseeded | length')"
pgc verify --format json --root '"Users"' --extra "$FIXTURES/verify/hostile-fix.sql" "$HOSTILE"
check_eq "hostile names with fix: exit 0" 0 "$RC"
check_eq "hostile names with fix: 4 tables, 0 left" "4 0" "$(j '"\(.tables | length) \([.tables[].left] | add)"')"
check_eq "hostile names: Robert's table was seeded" 1 \
	"$(j '.tables[] | select(.table == "Robert'"'"'); DROP TABLE students;--") | .seeded')"

# --- a small failing schema: the error names constraint and path -------------
cat >"$TMP/chain.sql" <<'EOF'
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id serial PRIMARY KEY, post_id int NOT NULL REFERENCES posts ON DELETE CASCADE);
CREATE TABLE votes (id serial PRIMARY KEY, comment_id int NOT NULL
	CONSTRAINT votes_comment_fk REFERENCES comments ON DELETE RESTRICT);
EOF
pgc verify --format json "$TMP/chain.sql"
check_eq "chain: exit 1" 1 "$RC"
check_eq "chain: SQLSTATE 23503 (PostgreSQL reports RESTRICT as foreign_key_violation)" 23503 "$(j .error.sqlstate)"
check_eq "chain: blocking constraint" votes_comment_fk "$(j .error.constraint)"
check_eq "chain: path from the root" "posts_user_id_fkey comments_post_id_fkey votes_comment_fk" \
	"$(j '.error.path | join(" ")')"
pgc verify "$TMP/chain.sql"
check_contains "chain text: names the constraint" "blocking constraint: votes_comment_fk" "$TMP/out"
check_contains "chain text: shows the path" \
	"path from the root: users <- posts (posts_user_id_fkey) <- comments (comments_post_id_fkey) <- votes (votes_comment_fk)" "$TMP/out"
check_contains "chain text: verdict" "FAIL" "$TMP/out"

# --- a table no value can satisfy: unseeded, a failure unless --allow-unseeded --
cat >"$TMP/impossible.sql" <<'EOF'
CREATE TABLE users (id serial PRIMARY KEY);
CREATE TABLE fine (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE impossible (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE,
	x int NOT NULL CONSTRAINT never CHECK (x > 0 AND x < 0));
EOF
pgc verify --format json "$TMP/impossible.sql"
check_eq "unseedable table: exit 1" 1 "$RC"
check_eq "unseedable table: listed with its edge" "impossible impossible_user_id_fkey" \
	"$(j '.unseeded[] | "\(.table) \(.constraint)"')"
check_eq "unseedable table: the reason names the check" true "$(j '.unseeded[0].reason | contains("never")')"
check_eq "unseedable table: the delete itself succeeded" true "$(j '.roots[0].deleted')"
pgc verify --format json --allow-unseeded "$TMP/impossible.sql"
check_eq "unseedable table with --allow-unseeded: exit 0" 0 "$RC"

# --- the example (CockroachDB dialect), without and with the fix ------------
pgc verify --format json "${EXAMPLE[@]}"
check_eq "example without fix: exit 1" 1 "$RC"
check_eq "example without fix: a blocking constraint is named" true "$(j '.error.constraint | length > 0')"
check_eq "example without fix: with its path" true "$(j '.error.path | length > 0')"
check_eq "example without fix: every closure table seeded" 0 "$(j '.unseeded | length')"
# usage_events.user_id has no FK (audit: user-column-no-fk): A's row there
# survives the delete, which fails the proof until the table is retained
pgc verify --format json --with-fix "${EXAMPLE[@]}"
check_eq "example with fix: A's usage_events row survives (owner column without FK): exit 1" 1 "$RC"
check_eq "example with fix: the only rows left are in usage_events" "usage_events 1" \
	"$(j '[.tables[] | select(.left > 0) | "\(.table) \(.left)"] | join(",")')"
pgc verify --format json --with-fix --retain usage_events "${EXAMPLE[@]}"
check_eq "example with fix: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] && true || { sed 's/^/#   /' "$TMP/err" | head -20; }
check_eq "example with fix: ok" true "$(j .ok)"
check_eq "example with fix: 0 left outside usage_events (retained)" 0 \
	"$(j '[.tables[] | select(.retained | not) | .left] | add // -1')"
check_eq "example with fix: usage_events listed as retained" public.usage_events "$(j '.retained | join(",")')"
check_eq "example with fix: nothing unseeded" 0 "$(j '.unseeded | length')"
check_eq "example with fix: more than 20 tables seeded" true "$(j '[.tables[] | select(.seeded > 0)] | length > 20')"

# --- every PostgreSQL fixture: verify agrees with audit; --with-fix passes ----
nfix=0
for f in "${PGFIX[@]}"; do
	nfix=$((nfix + 1))
	name=$(basename "$f")
	"$PGC" audit --format json "$f" >"$TMP/a.json" 2>/dev/null
	arc=$?
	if [ "$arc" -eq 2 ]; then
		pgc verify "$f"
		check_eq "fixture $name: no root, verify exits 2 like audit" 2 "$RC"
		pgc verify --with-fix "$f"
		check_eq "fixture $name: no root, verify --with-fix exits 2 like audit" 2 "$RC"
		continue
	fi
	if [ "$arc" -gt 1 ]; then
		not_ok "fixture $name: the static audit failed (exit $arc), so there is nothing to compare with"
		not_ok "fixture $name: --with-fix (not run)"
		continue
	fi
	# edges classed not-on-postgres are harmless for any data (left alone)
	blocking=$(jq '[.findings[] | select((.rule == "fk-blocks-delete" and .blocks != "not-on-postgres") or .rule == "set-null-not-null")] | length' "$TMP/a.json")
	setnull=$(jq '[.findings[] | select(.rule == "set-null-not-null")] | length' "$TMP/a.json")
	retain_from_audit "$TMP/a.json"
	pgc verify --format json "${retain[@]}" "$f"
	if [ "$blocking" -gt 0 ]; then
		check_eq "fixture $name: blocked without the fix (exit 1)" 1 "$RC"
	else
		check_eq "fixture $name: no blocker, passes without the fix" 0 "$RC"
	fi
	pgc verify --format json --with-fix "${retain[@]}" "$f"
	if [ "$setnull" -gt 0 ]; then
		# the fix re-creates blocking FKs; a SET NULL on a NOT NULL column
		# still fails at run time, and verify must prove it
		check_eq "fixture $name: SET NULL on NOT NULL still fails with the fix: exit 1, SQLSTATE 23502, a set-null-not-null constraint" \
			"1 23502 true" \
			"$RC $(j .error.sqlstate) $(jq --arg c "$(j .error.constraint)" '[.findings[] | select(.rule == "set-null-not-null" and .constraint == $c)] | length > 0' "$TMP/a.json")"
	else
		check_eq "fixture $name: passes with --with-fix" 0 "$RC"
		[ "$RC" -eq 0 ] || { j '.unseeded, .error' | head -10 | sed 's/^/#   /'; sed 's/^/#   /' "$TMP/err" | head -5; }
	fi
done
check "found the PostgreSQL fixtures ($nfix)" test "$nfix" -gt 0

# --- live mode: one transaction, always rolled back ---------------------------
counts() { # db: "schema.table count" for every table
	psql_db "$1" -At -c "SELECT n.nspname || '.' || c.relname || ' ' ||
		(xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM %I.%I', n.nspname, c.relname), false, true, '')))[1]::text
		FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
		ORDER BY 1"
}
inserts() { # db: total rows ever inserted (rolled back or not), from the statistics
	psql_db "$1" -At -c "SELECT pg_stat_clear_snapshot(); SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables" | tail -1
}
inserts_grew() { # db before: the statistics show rows inserted since (they lag a little)
	local n
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		n=$(inserts "$1")
		[ "$n" -gt "$2" ] && return 0
		sleep 0.5
	done
	return 1
}
# some existing data, so "unchanged" is not just "empty"
psql_db t0400_zoo -c "INSERT INTO countries VALUES ('fr', 'France')" \
	-c "INSERT INTO \"Users\" (handle, email, age) VALUES ('ann', 'ann@example.com', 30)" >/dev/null
counts t0400_zoo >"$TMP/before"
ins_before=$(inserts t0400_zoo)
pgc verify --format json --root '"Users"' --db "$db"
check_eq "live zoo without fix: exit 1" 1 "$RC"
[ "$RC" -eq 1 ] || sed 's/^/#   /' "$TMP/err" | head -5
check_eq "live zoo: same blocker as embedded" messages_recipient_id_fkey "$(j '.blockers[].constraint')"
check_eq "live zoo: mode" live "$(j .mode)"
counts t0400_zoo >"$TMP/after"
check_files "live zoo: every table's row count unchanged" "$TMP/before" "$TMP/after"
ins_after=$ins_before
for _ in 1 2 3 4 5 6; do
	ins_after=$(inserts t0400_zoo)
	[ "$ins_after" -gt "$ins_before" ] && break
	sleep 0.5
done
check "live zoo: verify did insert (then rolled back): n_tup_ins $ins_before -> $ins_after" \
	test "$ins_after" -gt "$ins_before"
check "zoo: PostgreSQL applies the fix" psql_db t0400_zoo -f "$ZOOFIX" -o /dev/null
ins_after=$(inserts t0400_zoo)
pgc verify --format json --root '"Users"' --db "$db"
check_eq "live zoo with fix applied: exit 0" 0 "$RC"
check "live zoo with fix: verify inserted rows (then rolled back)" inserts_grew t0400_zoo "$ins_after"
counts t0400_zoo >"$TMP/after2"
check_files "live zoo with fix: every table's row count unchanged" "$TMP/before" "$TMP/after2"
pgc verify --db "$db" "$ZOO"
check_eq "--db with files is a usage error" 2 "$RC"

# every PostgreSQL fixture in live mode: same verdict as embedded, nothing
# changed, and the run did reach the database (it inserted, then rolled
# back); a fixture without a root stops before the database in both modes.
for f in "${PGFIX[@]}"; do
	name=$(basename "$f" .sql)
	ldb=$(fresh_db "t0400_live_$name") || { not_ok "live $name: create database"; exit 1; }
	check "live $name: PostgreSQL applies the fixture" psql_db "t0400_live_$name" -f "$f" -o /dev/null
	counts "t0400_live_$name" >"$TMP/lb"
	ins0=$(inserts "t0400_live_$name")
	pgc verify --format json --db "$ldb"
	live_rc=$RC
	counts "t0400_live_$name" >"$TMP/la"
	pgc verify --format json "$f"
	check_eq "live $name: same verdict as embedded mode" "$RC" "$live_rc"
	if [ "$live_rc" -le 1 ]; then
		check "live $name: verify inserted rows (then rolled back)" inserts_grew "t0400_live_$name" "$ins0"
		check_files "live $name: every table's row count unchanged" "$TMP/lb" "$TMP/la"
	else
		skip 2 "live $name: verify stops before the database in both modes (exit $live_rc)"
	fi
	psql_db postgres -c "DROP DATABASE \"t0400_live_$name\"" >/dev/null 2>&1
done

# --- apply errors carry file:line:col ----------------------------------------
printf 'CREATE TABLE users (id int PRIMARY KEY);\n\nCREATE TABLE t (\n  user_id int REFERENCES nosuch(id)\n);\n' >"$TMP/bad.sql"
pgc verify "$TMP/bad.sql"
check_eq "apply error: exit 2" 2 "$RC"
# (an FK's missing table is found at execution, without a cursor position:
# the place is the statement's start)
check_contains "apply error: file:line:col of the failing statement" "$TMP/bad.sql:3:1:" "$TMP/err"
check_contains "apply error: the server's message" 'relation "nosuch" does not exist' "$TMP/err"
printf 'CREATE TABLE users (id int PRIMARY KEY);\n\nSELECT nosuch_col\n  FROM users;\n' >"$TMP/bad2.sql"
pgc verify "$TMP/bad2.sql"
check_eq "apply error with a position: exit 2" 2 "$RC"
check_contains "apply error with a position: file:line:col of the column" "$TMP/bad2.sql:3:8:" "$TMP/err"
# (a re-created table is what the static replay ignores: verify skips it the
# same way, t0460; a re-created function is not)
printf 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$;\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$SELECT 1$$;\n' >"$TMP/dup.sql"
pgc verify "$TMP/dup.sql"
check_eq "apply error without a position: exit 2" 2 "$RC"
check_contains "apply error without a position: placed by statement" "$TMP/dup.sql:3:1:" "$TMP/err"
printf 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE p (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE);\nCREATE INDEX CONCURRENTLY p_user ON p (user_id);\n' >"$TMP/conc.sql"
pgc verify "$TMP/conc.sql"
check_eq "CREATE INDEX CONCURRENTLY in a file is applied statement by statement" 0 "$RC"

# --- session settings the sources leave behind do not steer the proof --------
printf "CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE notes (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);\nSET statement_timeout = '1ms';\nSET lock_timeout = '1ms';\n" >"$TMP/settings.sql"
pgc verify --root app.users --format json "$TMP/settings.sql"
check_eq "sources that SET search_path and timeouts: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head -5
check_eq "... and both tables seeded" "2" "$(j '[.tables[] | select(.seeded > 0)] | length')"

# --- usage --------------------------------------------------------------------
pgc verify --format dot "$ZOO"
check_eq "--format dot: exit 2" 2 "$RC"
pgc verify
check_eq "no paths: exit 2" 2 "$RC"
pgc verify "$TMP/missing.sql"
check_eq "missing file: exit 2" 2 "$RC"
pgc verify --root nosuch "$ZOO"
check_eq "unknown root: exit 2" 2 "$RC"
t0=$(date +%s%N)
pgc verify --root 'users(' "$ZOO"
t1=$(date +%s%N)
check_eq "malformed --root: exit 2" 2 "$RC"
check "malformed --root: rejected before any server starts ($(( (t1 - t0) / 1000000 )) ms)" \
	test $(( (t1 - t0) / 1000000 )) -lt 500
pgc verify --help
check_eq "--help: exit 0" 0 "$RC"
check_contains "--help documents --with-fix" "--with-fix" "$TMP/out"

# --- --keep: the cluster stays and says how to connect -------------------------
pgc verify --keep "$TMP/chain.sql"
conn=$(grep -o 'psql "[^"]*"' "$TMP/err" | head -1 | sed 's/^psql "//; s/"$//')
check "--keep prints a psql command" test -n "$conn"
kept=$(sed -n 's/.*host=\([^ ]*\).*/\1/p' <<<"$conn")
n=$(psql -X -At -d "$conn" -c "SELECT count(*) FROM users" 2>/dev/null)
check_eq "--keep: the kept cluster answers (both owners' rows kept after the failed delete)" 2 "$n"
stop=$(grep -A1 'stop and remove' "$TMP/err" | tail -1)
bash -c "$stop" >/dev/null 2>&1
check "--keep: the printed stop command removes it" test ! -e "$kept"

# --- nothing left behind -------------------------------------------------------
check_eq "no temporary directory left behind" "" "$(leftovers)"
check_eq "no embedded server left running" "" "$(pgrep -f "postgres -D $TMPDIR" || true)"
# a crashed run (a sanitizer abort) cannot clean up: stop what this test started
for p in $(pgrep -f "postgres -D $TMPDIR"); do kill -KILL "$p"; done
