#!/usr/bin/env bash
# t0460-verify-apply.sh - verify applies what the audit reads, with the same
# tolerance (issue 10, item 1):
#   - a statement the static replay ignores with a warning is skipped by
#     verify with the same warning at the same file:line:col, and PostgreSQL
#     itself rejects that statement (checked with psql on the suite's server);
#   - inside the file's own BEGIN block (savepoint path) too;
#   - a statement PostgreSQL rejects that nothing tolerates: exit 2 with
#     file:line:col, SQLSTATE, PostgreSQL's message and a --tolerate hint;
#   - --tolerate and `tolerate =` in .pgcascade.ini skip it; a bad SQLSTATE
#     is a usage error;
#   - a COMMIT inside a failing file is not applied twice (the error is the
#     real one, not "already exists");
#   - PGCASCADE_VERIFY_APPLY=statement gives the same proof;
#   - no cluster is ever left behind.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 27
F="$FIXTURES/verify/apply"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }
ignored() { grep -E 'ignored' "$1" | sed 's/^pgcascade: warning: //' | sort; }

# --- re-created index and column: the replay's warnings, verify skips the same
cd "$F" || exit 1
pgc audit recreate
ignored "$TMP/err" >"$TMP/audit.warn"
pgc verify --format json recreate
check_eq "recreate: verify exits 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head
check_eq "recreate: every table seeded, nothing left" "3 0" \
	"$(j '[.tables[] | select(.seeded > 0)] | length') $(j '[.tables[].left] | add')"
ignored "$TMP/err" >"$TMP/verify.warn"
check_eq "recreate: two statements ignored" 2 "$(wc -l <"$TMP/verify.warn")"
check_files "recreate: verify's warnings are the audit's, place for place" "$TMP/audit.warn" "$TMP/verify.warn"
# PostgreSQL itself rejects exactly those statements, with the kind of error the replay names
db=$(fresh_db t0460_recreate)
psql "$db" -X -q -v ON_ERROR_STOP=1 -f recreate/001_init.sql >/dev/null 2>&1
psql "$db" -X -q -f recreate/002_again.sql >/dev/null 2>"$TMP/psql.err"
check_eq "recreate: PostgreSQL rejects the two ignored statements (psql)" \
	'psql:recreate/002_again.sql:3: ERROR:  relation "posts_user_idx" already exists
psql:recreate/002_again.sql:4: ERROR:  column "user_id" of relation "posts" already exists' "$(cat "$TMP/psql.err")"

# --- every kind of warning the replay ignores a statement with (15 kinds, 16 statements)
pgc audit ignored
ignored "$TMP/err" >"$TMP/audit.warn"
pgc verify --format json ignored
check_eq "ignored: verify exits 0" 0 "$RC"
ignored "$TMP/err" >"$TMP/verify.warn"
check_eq "ignored: the replay ignores 16 statements" 16 "$(wc -l <"$TMP/audit.warn")"
check_files "ignored: verify skips the same 16, with the same warnings at the same places" "$TMP/audit.warn" "$TMP/verify.warn"
# PostgreSQL itself refuses each of them, on the lines the replay names
db=$(fresh_db t0460_ignored)
psql "$db" -X -q -v ON_ERROR_STOP=1 -f ignored/001_init.sql >/dev/null 2>&1
psql "$db" -X -q -f ignored/002_again.sql >/dev/null 2>"$TMP/psql.err"
check_eq "ignored: PostgreSQL refuses exactly the lines the replay ignores (psql)" \
	"$(sed -n 's/^ignored\/002_again\.sql:\([0-9]*\):.*/\1/p' "$TMP/audit.warn" | sort -n | tr '\n' ' ')" \
	"$(sed -n 's/^psql:ignored\/002_again\.sql:\([0-9]*\): ERROR:.*/\1/p' "$TMP/psql.err" | sort -n | tr '\n' ' ')"

# --- the same inside the file's own transaction block (savepoints)
pgc verify --format json block
check_eq "block: verify exits 0" 0 "$RC"
check_eq "block: comments and likes seeded" "public.comments public.likes public.posts public.users" \
	"$(j '[.tables[] | select(.seeded > 0) | .schema + "." + .table] | sort | join(" ")')"
check_contains "block: the replay's warning" \
	'block/002_block.sql:2:1: relation "posts_user_idx" already exists; statement ignored' "$TMP/err"

# --- a re-created function: the replay does not model it, so it stops verify
pgc verify func-twice.sql
check_eq "function twice: exit 2" 2 "$RC"
check_contains "function twice: file:line:col, message, SQLSTATE" \
	'func-twice.sql:4:3: PostgreSQL rejected this statement: function "one" already exists with same argument types (SQLSTATE 42723)' "$TMP/err"
check_contains "function twice: --tolerate suggested" "--tolerate 42723" "$TMP/err"
pgc verify --format json --tolerate 42P07,42723 func-twice.sql
check_eq "--tolerate 42723: exit 0" 0 "$RC"
check_contains "--tolerate 42723: warned" \
	'func-twice.sql:4:3: function "one" already exists with same argument types; statement ignored (SQLSTATE 42723 is tolerated)' "$TMP/err"
check_eq "--tolerate 42723: posts seeded" 1 "$(j '.tables[] | select(.table == "posts") | .seeded')"
mkdir -p "$TMP/cfg" && cp func-twice.sql "$TMP/cfg/" && printf 'tolerate = 42723\n' >"$TMP/cfg/.pgcascade.ini"
(cd "$TMP/cfg" && pgc verify func-twice.sql && echo "$RC" >"$TMP/rc")
check_eq "tolerate = in .pgcascade.ini: exit 0" 0 "$(cat "$TMP/rc")"
(cd "$TMP/cfg" && pgc verify --no-config func-twice.sql && echo "$RC" >"$TMP/rc")
check_eq "--no-config: the policy file's tolerate is not read" 2 "$(cat "$TMP/rc")"
pgc verify --tolerate 42p7 func-twice.sql
check_eq "bad --tolerate: exit 2" 2 "$RC"
check_contains "bad --tolerate: named" '--tolerate: "42p7" is not a SQLSTATE' "$TMP/err"

# --- COMMIT inside a failing file: the committed part is not run twice
pgc verify commit-then-fail.sql
check_eq "commit then fail: exit 2" 2 "$RC"
check_contains "commit then fail: the real error, in place" \
	'commit-then-fail.sql:4:49: PostgreSQL rejected this statement: type "no_such_type" does not exist (SQLSTATE 42704)' "$TMP/err"

# --- per-statement mode proves the same on the bundled example
cd "$PGC_ROOT" || exit 1
# (usage_events.user_id has no FK: retained, as in t0400)
pgc verify --format json --with-fix --retain usage_events examples/skytwin/schema.sql examples/skytwin/migrations
j '[.ok, ([.tables[] | .table + ":" + (.seeded|tostring) + ":" + (.left|tostring)] | sort)] | tostring' >"$TMP/whole"
PGCASCADE_VERIFY_APPLY=statement pgc verify --format json --with-fix --retain usage_events examples/skytwin/schema.sql examples/skytwin/migrations
j '[.ok, ([.tables[] | .table + ":" + (.seeded|tostring) + ":" + (.left|tostring)] | sort)] | tostring' >"$TMP/stmt"
check_eq "per-statement apply: exit 0" 0 "$RC"
check_files "per-statement apply: the same proof as the whole-file apply" "$TMP/whole" "$TMP/stmt"

check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
