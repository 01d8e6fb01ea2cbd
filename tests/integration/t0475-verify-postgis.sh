#!/usr/bin/env bash
# t0475-verify-postgis.sh - PostGIS types on real PostgreSQL (issue 10, item 3):
# the sources' CREATE EXTENSION postgis runs in the throwaway cluster
# (postgresql-15-postgis-3 is in scripts/deps.sh; without it this test
# fails), and geometry/geography NOT NULL columns get values PostGIS accepts.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 3
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }
pgc verify --format json "$FIXTURES/verify/postgis.sql"
check_eq "postgis: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head -5
check_eq "postgis: places seeded, nothing left, nothing unseeded" "1 0 0" \
	"$(j '.tables[] | select(.table == "places") | .seeded') $(j '[.tables[].left] | add') $(j '.unseeded | length')"
check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
