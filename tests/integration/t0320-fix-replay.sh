#!/usr/bin/env bash
# t0320-fix-replay.sh - the migration pgcascade fix writes is itself
# replayed by the static front end (its guarded DO $pgcascade$ blocks run
# one literal ALTER TABLE each), and that replay agrees with PostgreSQL.
#
# For each tests/fixtures/pg/*.sql that needs a fix: write the fix next
# to a copy of the fixture, apply fixture + up + validate files to a fresh
# database, then compare the static audit of the three files with the
# live audit of the database (foreign keys, closure, findings), and check
# that neither reports fk-blocks-delete any more.
source "$(dirname "$0")/../lib/tap.sh"

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
# 8 checks per fixture that needs a fix; one that does not (fix --check
# exits 0, or 2 without a users root) runs that check and skips 7.
plan $((8 * ${#fixtures[@]} + 1))
tested=0
for f in "${fixtures[@]}"; do
	name=$(basename "$f" .sql)
	args=()
	line=$(grep -m1 -E '^-- pgcascade-args:' "$f" | sed 's/^-- pgcascade-args://')
	[ -n "$line" ] && eval "args=($line)"
	dir="$TMP/$name"
	mkdir -p "$dir"
	cp "$f" "$dir/001-fixture.sql"
	pgc fix --dialect postgres "${args[@]}" --check "$dir"
	if [ "$RC" -ne 1 ]; then # nothing to fix (or no users root): not this test's business
		check "$name: fix --check: nothing to fix, or no users root (exit $RC)" test "$RC" -eq 0 -o "$RC" -eq 2
		skip 7 "$name: nothing to fix"
		continue
	fi
	tested=$((tested + 1))
	pgc fix --dialect postgres "${args[@]}" --out "$dir" "$dir"
	check_eq "$name: fix writes its files" 0 "$RC"
	db="pgc_fixreplay_$(tr -c 'a-zA-Z0-9_\n' '_' <<<"$name" | tr 'A-Z' 'a-z')"
	conninfo=$(fresh_db "$db") || { not_ok "$name: create database"; exit 1; }
	applied=0
	for s in "$dir"/0*.sql; do
		case "$s" in *.down.sql) continue ;; esac
		psql_db "$db" -f "$s" >"$TMP/psql.out" 2>&1 || { applied=1; sed 's/^/#   /' "$TMP/psql.out" | head; }
	done
	check_eq "$name: PostgreSQL applies fixture, up and validate" 0 "$applied"

	pgc audit --dialect postgres --format json "${args[@]}" "$dir"
	static_rc=$RC
	cp "$TMP/out" "$TMP/static.json"
	pgc audit --format json "${args[@]}" --db "$conninfo"
	live_rc=$RC
	cp "$TMP/out" "$TMP/live.json"
	check_eq "$name: static and live exit codes agree" "$live_rc" "$static_rc"
	normalise "$TMP/static.json" "$TMP/s"
	normalise "$TMP/live.json" "$TMP/l"
	for part in foreign_keys closure findings; do
		check_files "$name: static replay of the fix agrees with PostgreSQL on $part" "$TMP/l.$part" "$TMP/s.$part"
	done
	n=$(jq '[.findings[] | select(.rule == "fk-blocks-delete")] | length' "$TMP/static.json")
	check_eq "$name: no fk-blocks-delete left after the fix (static)" 0 "$n"
	pgc fix --dialect postgres "${args[@]}" --check "$dir"
	check_eq "$name: fix --check is satisfied once its own migration is among the sources" 0 "$RC"
done
[ "$tested" -gt 0 ] && ok "at least one fixture needed a fix ($tested)" || not_ok "at least one fixture needed a fix"
