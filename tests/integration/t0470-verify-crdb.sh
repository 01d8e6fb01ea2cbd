#!/usr/bin/env bash
# t0470-verify-crdb.sh - CockroachDB sources on a real PostgreSQL (issue 10,
# item 2; doc/cockroach.md): JSON columns are JSONB, INVERTED INDEX with
# gin_trgm_ops and a GIN index on a uuid first column are GIN indexes with
# pg_trgm / btree_gin created in the throwaway cluster, DROP INDEX t@idx
# CASCADE of a UNIQUE constraint's index drops the constraint, and
# CockroachDB-only data statements ([SHOW ...], UPSERT, functions
# PostgreSQL lacks) are skipped with a warning at their file:line:col;
# the front end's dialect notice is the only `dialect:` line. The expected state is checked by PostgreSQL itself: an
# --extra file raises an exception unless the catalog is as described.
# The static model of the same files does not change (audit reads them as
# before; t0220 covers the bundled example).
source "$PGC_ROOT/tests/lib/tap.sh"
plan 15
F="$FIXTURES/verify/crdb-translate"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }
cd "$F" || exit 1

pgc verify --format json --extra check.sql 001_schema.sql 002_data.sql
check_eq "translated sources and the catalog check: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head
check_eq "users and posts seeded, nothing left" "2 0" \
	"$(j '[.tables[] | select(.seeded > 0)] | length') $(j '[.tables[].left] | add')"
check_eq "one dialect line: the front end's notice, not a second one from verify" \
	"pgcascade: dialect: cockroach (001_schema.sql:1:74: STRING type)" "$(grep 'dialect:' "$TMP/err")"
check_contains "verify says it translates the sources" \
	'pgcascade: verify translates the CockroachDB sources for PostgreSQL (doc/cockroach.md); --dialect postgres turns this off' "$TMP/err"
check_contains "[SHOW ...] as a table expression: skipped with a warning" \
	'002_data.sql:1:1: CockroachDB-only data statement (a [statement] used as a table expression) skipped' "$TMP/err"
check_contains "UPSERT: skipped with a warning" '002_data.sql:2:1: CockroachDB-only data statement (UPSERT) skipped' "$TMP/err"
check_contains "a CockroachDB-only function in a data statement: skipped with a warning at the function" \
	'002_data.sql:6:25: CockroachDB-only data statement (function experimental_strftime(timestamp with time zone, unknown) does not exist in PostgreSQL) skipped' "$TMP/err"
check_contains "another one, inside INSERT ... SELECT" \
	'002_data.sql:7:46: CockroachDB-only data statement (function to_english(integer) does not exist in PostgreSQL) skipped' "$TMP/err"
check_contains "pg_trgm created for gin_trgm_ops" 'created extension pg_trgm in the throwaway cluster' "$TMP/err"
check_contains "btree_gin created for GIN on a uuid column" \
	'001_schema.sql:6:1: created extension btree_gin in the throwaway cluster' "$TMP/err"
check_contains "DROP INDEX of the UNIQUE constraint's index" \
	'002_data.sql:4:1: DROP INDEX of a constraint'"'"'s index: applied as CockroachDB runs it: ALTER TABLE users DROP CONSTRAINT users_email_key CASCADE;' "$TMP/err"

# the same files as PostgreSQL: PostgreSQL refuses them, with the place
pgc verify --dialect postgres 001_schema.sql
check_eq "--dialect postgres: exit 2" 2 "$RC"
check_contains "--dialect postgres: PostgreSQL's own refusal, in place" '001_schema.sql:3:18: PostgreSQL rejected this statement: syntax error at or near "users_name_trgm" (SQLSTATE 42601)' "$TMP/err"

# the static model: audit reads the same tables and foreign keys as before the translation work
pgc audit --format json 001_schema.sql 002_data.sql
check_eq "audit: the static model has users <- posts" "posts_user_id_fkey" \
	"$(jq -r '[.foreign_keys[].name] | join(" ")' "$TMP/out" 2>/dev/null)"

check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
