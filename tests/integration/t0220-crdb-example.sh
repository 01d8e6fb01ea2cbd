#!/usr/bin/env bash
# t0220-crdb-example.sh - the CockroachDB example against expectations
# written by hand (tests/fixtures/crdb/expect/, each rule cited there):
# CockroachDB cannot run here, so these are the reference, not a server.
source "$(dirname "$0")/../lib/tap.sh"
plan 11
EX="$PGC_ROOT/examples/skytwin"
EXP="$FIXTURES/crdb/expect"

pgc audit --format json "$EX/schema.sql" "$EX/migrations"
check_eq "audit exits 1 (blockers)" 1 "$RC"
check_contains "auto picks cockroach and says why" "dialect: cockroach (" "$TMP/err"
cp "$TMP/out" "$TMP/audit.json"

jq -r '.foreign_keys[] | [.table, .name, (.columns | join(",")), .ref_table, (.ref_columns | join(",")), .on_delete] | @tsv' \
	"$TMP/audit.json" >"$TMP/fks"
grep -v '^#' "$EXP/skytwin.fks" >"$TMP/fks.expect"
check_files "foreign keys: names, columns, actions as CockroachDB names them" "$TMP/fks.expect" "$TMP/fks"

jq -r '.closure[] | [.table, .depth] | @tsv' "$TMP/audit.json" >"$TMP/closure"
grep -v '^#' "$EXP/skytwin.closure" >"$TMP/closure.expect"
check_files "closure and depths" "$TMP/closure.expect" "$TMP/closure"

# Every NO ACTION edge inside the closure blocks, and in the cockroach
# dialect always (CockroachDB does not document its cascade order).
want=$(awk -F'\t' '$6 == "no action" && $1 != "eval_decisions" || ($1 == "eval_decisions" && $2 ~ /eval_run/)' "$TMP/fks.expect" | wc -l)
got=$(jq '[.findings[] | select(.rule == "fk-blocks-delete")] | length' "$TMP/audit.json")
check_eq "one fk-blocks-delete per NO ACTION edge in the closure" "$want" "$got"
check_eq "every blocker is 'always' in the cockroach dialect" "[]" \
	"$(jq -c '[.findings[] | select(.rule == "fk-blocks-delete" and .blocks != "always") | .constraint]' "$TMP/audit.json")"
check_eq "usage_events.user_id has no FK" '["usage_events"]' \
	"$(jq -c '[.findings[] | select(.rule == "user-column-no-fk") | .table]' "$TMP/audit.json")"
check_eq "no parse-error in the CockroachDB sources" "0" \
	"$(jq '[.findings[] | select(.rule == "parse-error")] | length' "$TMP/audit.json")"

# The finding points at the REFERENCES clause, line:col exact after the rewrite.
pgc audit --format text "$EX/schema.sql" "$EX/migrations"
line=$(grep -n 'REFERENCES users(id)' "$EX/migrations/002-oauth-tokens.sql" | head -1 | cut -d: -f1)
col=$(grep -m1 'REFERENCES users(id)' "$EX/migrations/002-oauth-tokens.sql" | awk '{print index($0, "REFERENCES")}')
check_contains "oauth_tokens finding at the REFERENCES clause" \
	"002-oauth-tokens.sql:$line:$col: error: users <- oauth_tokens (oauth_tokens_user_id_fkey)" "$TMP/out"

# Inline CockroachDB indexes are in the model: lint's fk-unindexed sees them.
pgc lint --no-config --format json "$EX/schema.sql" "$EX/migrations"
check_eq "inline INDEX (user_id) counts as an index for twin_profiles" "0" \
	"$(jq '[.findings[] | select(.rule == "fk-unindexed" and .table == "twin_profiles")] | length' "$TMP/out")"
check_eq "sessions.user_id has no index: fk-unindexed" "1" \
	"$(jq '[.findings[] | select(.rule == "fk-unindexed" and .table == "sessions")] | length' "$TMP/out")"
