#!/usr/bin/env bash
# t0100-differential.sh - the heart of the tests: static replay and the
# live catalog must agree.
#
# For each tests/fixtures/pg/*.sql: apply it with psql to a fresh
# database of the test PostgreSQL, then run
#   pgcascade audit --format json --db CONNINFO   (live loader)
#   pgcascade audit --format json FILE            (static replay)
# and compare, with jq:
#   - the exit codes;
#   - foreign_keys: every field except "origin" (absent in live mode) and
#     "predicted_name" (static mode only: whether the name was computed);
#   - closure: as printed;
#   - findings: every field except file/line/column (absent in live mode)
#     and predicted_name, sorted by rule, schema, table, constraint and
#     message (static output is ordered by place, live output has none).
#     dynamic-sql findings (info) only exist in static mode: a fixture the
#     server accepted has no DO block worth comparing.
# A fixture may pass extra audit arguments (e.g. --root) on a line of its
# own near the top:  -- pgcascade-args: --root auth.users
# Without one, the root is users when public.users exists, else the table
# most foreign keys point at.
source "$(dirname "$0")/../lib/tap.sh"

command -v jq >/dev/null || { not_ok "jq is installed"; exit 1; }

# The normalised parts of an audit's JSON, one file per part.
normalise() { # json-file prefix
	jq -S '.foreign_keys | map(del(.origin, .predicted_name))' "$1" >"$2.foreign_keys" &&
	jq -S '.closure' "$1" >"$2.closure" &&
	jq -S '.findings | map(select(.rule != "dynamic-sql")
	        | del(.file, .line, .column, .predicted_name))
	        | sort_by(.rule, .schema // "", .table // "", .constraint // "", .message)' \
		"$1" >"$2.findings"
}

shopt -s nullglob
fixtures=("$FIXTURES"/pg/*.sql)
if [ "${#fixtures[@]}" -eq 0 ]; then
	not_ok "there are PostgreSQL fixtures in tests/fixtures/pg"
	exit 1
fi
# 7 checks per fixture: accepted, exit codes, FK count, no places, 3 parts.
plan $((7 * ${#fixtures[@]}))

for f in "${fixtures[@]}"; do
	name=$(basename "$f" .sql)
	db="pgc_diff_$(tr -c 'a-zA-Z0-9_\n' '_' <<<"$name" | tr 'A-Z' 'a-z')"
	args=()
	line=$(grep -m1 -E '^-- pgcascade-args:' "$f" | sed 's/^-- pgcascade-args://')
	[ -n "$line" ] && eval "args=($line)" # shell words: quotes work

	conninfo=$(fresh_db "$db") || { not_ok "$name: create database"; exit 1; }
	if ! psql_db "$db" -f "$f" >"$TMP/psql.out" 2>&1; then
		not_ok "$name: PostgreSQL accepts the fixture"
		sed 's/^/#   /' "$TMP/psql.out" | head -20
		continue
	fi
	ok "$name: PostgreSQL accepts the fixture"
	# Without --root the audit roots at users; a fixture without a users
	# table is rooted at its most referenced table (ties: by name).
	if [ "${#args[@]}" -eq 0 ] &&
	   [ -z "$(psql_db "$db" -At -c "SELECT to_regclass('public.users')")" ]; then
		root=$(psql_db "$db" -At -c "SELECT format('%I.%I', n.nspname, t.relname)
			FROM pg_constraint k JOIN pg_class t ON t.oid = k.confrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE k.contype = 'f' AND k.conparentid = 0
			GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
		[ -n "$root" ] && args=(--root "$root")
	fi

	pgc audit --format json "${args[@]}" --db "$conninfo"
	live_rc=$RC; cp "$TMP/out" "$TMP/live.json"; cp "$TMP/err" "$TMP/live.err"
	pgc audit --format json "${args[@]}" "$f"
	static_rc=$RC; cp "$TMP/out" "$TMP/static.json"; cp "$TMP/err" "$TMP/static.err"

	check_eq "$name: same exit code (live $live_rc, static $static_rc)" "$static_rc" "$live_rc"
	if [ "$live_rc" -gt 1 ] || [ "$static_rc" -gt 1 ] ||
	   ! normalise "$TMP/live.json" "$TMP/live" 2>"$TMP/jq.err" ||
	   ! normalise "$TMP/static.json" "$TMP/static" 2>>"$TMP/jq.err"; then
		for part in foreign_keys closure findings; do
			not_ok "$name: $part agree (no JSON to compare)"
		done
		echo "#   live stderr:";   sed 's/^/#     /' "$TMP/live.err" | head -10
		echo "#   static stderr:"; sed 's/^/#     /' "$TMP/static.err" | head -10
		sed 's/^/#   /' "$TMP/jq.err" | head -5
		continue
	fi
	# Guard against agreeing on nothing: the live FKs are the server's.
	want=$(psql_db "$db" -At -c "SELECT count(*) FROM pg_constraint c JOIN pg_namespace n
		ON n.oid = c.connamespace WHERE c.contype = 'f' AND c.conparentid = 0
		AND n.nspname NOT IN ('pg_catalog', 'information_schema')")
	check_eq "$name: live foreign_keys are the server's $want" "$want" "$(jq '.foreign_keys | length' "$TMP/live.json")"
	check_eq "$name: live output has no source places" 0 \
		"$(jq '[.foreign_keys[] | select(has("origin"))] + [.findings[] | select(has("file"))] | length' "$TMP/live.json")"
	for part in foreign_keys closure findings; do
		check_files "$name: $part agree (static vs live)" "$TMP/static.$part" "$TMP/live.$part"
	done
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
done
