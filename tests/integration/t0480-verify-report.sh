#!/usr/bin/env bash
# t0480-verify-report.sh - verify's report says what happened (issue 10, item 5):
#   - "N files applied" counts the sources; the fix and --extra files are
#     named apart, not counted twice;
#   - rows inserted into closure tables that do not reach the root are not
#     called "parent rows ... outside the closure", and a row of neither
#     owner inserted into the root table itself is named as such;
#   - a table whose row kept waiting for another parent is not reported as
#     "public.users never got a seeded row" when the root was seeded.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 17
F="$FIXTURES/verify/report"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }
cd "$PGC_ROOT" || exit 1

# --- files applied: 2 sources (schema.sql + the migrations folder's files), then the fix
nsrc=$(( 1 + $(ls examples/skytwin/migrations/*.sql | wc -l) ))
pgc verify --with-fix examples/skytwin/schema.sql examples/skytwin/migrations
check_contains "with fix: the sources counted, then the fix" \
	"(embedded PostgreSQL: $nsrc files applied, then the fix)" "$TMP/out"
pgc verify --format json --with-fix examples/skytwin/schema.sql examples/skytwin/migrations
check_eq "with fix (json): applied = the sources" "$nsrc" "$(j .applied)"
pgc verify --extra "$F/extra.sql" "$FIXTURES/verify/apply/recreate/001_init.sql"
check_contains "--extra: named apart" "(embedded PostgreSQL: 1 file applied, then 1 extra file)" "$TMP/out"

# --- rows inside the closure are not "outside the closure"
pgc verify --format json "$F/closure-helper.sql"
check_eq "closure helper: exit 0" 0 "$RC"
check_eq "closure helper: no row outside the closure" 0 "$(j '.roots[0].helper_rows')"
check_eq "closure helper: one extra row in a closure table (posts)" 1 "$(j '.roots[0].helper_rows_closure')"
check_eq "closure helper: one extra row in the root table itself (users)" 1 "$(j '.roots[0].helper_rows_root')"
check_eq "closure helper: posts and users are closure tables" "public.posts public.users" \
	"$(j '[.tables[] | select(.table == "posts" or .table == "users") | .schema + "." + .table] | sort | join(" ")')"
pgc verify "$F/closure-helper.sql"
check_contains "closure helper (text): said so" \
	"(1 extra row inserted in closure tables without reaching the root, as parents of rows that must not reach it)" "$TMP/out"
check_contains "closure helper (text): the root table's row named as such" \
	"(1 extra row inserted in the root table users, of neither owner, as parents of rows that must not reach the root)" "$TMP/out"
if grep -q "outside the closure" "$TMP/out"; then not_ok "closure helper (text): no 'outside the closure' line"; else ok "closure helper (text): no 'outside the closure' line"; fi

# --- the root was seeded: the reason is the other parent
pgc verify --format json "$F/waiting.sql"
check_eq "waiting: exit 1" 1 "$RC"
check_eq "waiting: the root was seeded" 1 "$(j '.tables[] | select(.table == "users") | .seeded')"
check_eq "waiting: t via users names the missing x row" \
	"its row could not be inserted: no row of public.x reaches the root yet (for t_x_id_fkey)" \
	"$(j '.unseeded[] | select(.table == "t" and .constraint == "t_user_id_fkey") | .reason')"
check_eq "waiting: never blames the seeded root" 0 "$(j '[.unseeded[] | select(.reason | test("users never got"))] | length')"
check_eq "waiting: x names the refusing CHECK" 1 "$(j '[.unseeded[] | select(.table == "x" and (.reason | test("x_never")))] | length')"

check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
