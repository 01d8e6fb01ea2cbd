#!/usr/bin/env bash
# t0300-fix.sh - the acceptance cycle of `pgcascade fix` on a real
# PostgreSQL, for every tests/fixtures/pg/*.sql whose schema has a users
# table, in the default mode and with --minimal (migration from --db, and
# the same statements from the static sources):
#   1. apply the fixture (and its seed from tests/fixtures/fix-seed/, if any);
#   2. apply the generated up and validate files (each in one transaction,
#      as a runner would): no NO ACTION/RESTRICT edge is left in the closure
#      of users (with --minimal: exactly the edges the header lists as left
#      alone), the header's verification query returns no row, and deleting
#      the seeded users succeeds and leaves none of their rows;
#   3. apply the up files again: no error, no DDL (constraint oids unchanged),
#      pg_get_constraintdef and names unchanged;
#   4. apply the down file: every constraint exactly as before step 2;
#   5. apply the up files once more: they work.
source "$PGC_ROOT/tests/lib/tap.sh"

# The migration is generated from the live catalog (--db: every name read
# from pg_constraint) and also from the fixture file; the two must write
# the same statements.
#
# Plan: each cycle runs a fixed list of checks (cycle_plan); a fixture
# without public.users, or with nothing to fix (PostgreSQL confirms there
# is no blocking edge), prints the rest of its list as skipped.
cycle_plan() { # fixture mode
	local n=12
	[ "$2" = default ] && n=$((n + 1))
	[ -f "$FIXTURES/fix-seed/$(basename "$1" .sql).sql" ] && n=$((n + 2))
	echo "$n"
}
total=0
for fx in "$FIXTURES"/pg/*.sql; do
	total=$((total + $(cycle_plan "$fx" default) + $(cycle_plan "$fx" minimal)))
done
plan "$total"

DEFS="SELECT conrelid::regclass, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname"
NOTVALID="SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated"
OIDS="SELECT conrelid::regclass, conname, oid FROM pg_constraint WHERE contype = 'f' ORDER BY conrelid::regclass::text, conname"
# NO ACTION / RESTRICT edges inside the closure of public.users.
BLOCKING="WITH RECURSIVE cl(rel) AS (
  SELECT 'public.users'::regclass::oid
  UNION
  SELECT c.conrelid FROM pg_constraint c JOIN cl ON c.confrelid = cl.rel
   WHERE c.contype = 'f' AND c.confdeltype IN ('c', 'a', 'r'))
SELECT DISTINCT quote_ident(n.nspname) || '.' || quote_ident(r.relname) || '.' || quote_ident(c.conname)
  FROM pg_constraint c JOIN cl ON c.confrelid = cl.rel
  JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
 WHERE c.contype = 'f' AND c.confdeltype IN ('a', 'r') ORDER BY 1"

apply() { # db file: one transaction, stop on the first error
	psql -X -q -v ON_ERROR_STOP=1 -1 -d "$1" -f "$2" >"$TMP/psql.out" 2>&1
}

# The header's verification query, without the comment markers.
verification_query() {
	sed -n '/^-- Verification query/,/;$/p' "$1" | sed '1d; s/^--   //; s/^--//'
}

# Header entries "--   schema.table.conname (depth N, blocks: X): --minimal..." left alone.
left_alone() {
	sed -n '/^-- Left alone/,/^--$/p' "$1" | sed -n 's/^--   \(.*\) (depth .*/\1/p' | sort
}

cycle() { # fixture mode
	local fx=$1 mode=$2 base db out flags=() end
	end=$((TAP_COUNT + $(cycle_plan "$fx" "$mode")))
	base=$(basename "$fx" .sql)
	db="fix_${base//[^a-zA-Z0-9]/_}_$mode"
	[ "$mode" = minimal ] && flags=(--minimal)
	fresh_db "$db" >/dev/null || { not_ok "$base/$mode: create database"; return; }
	if ! apply "$db" "$fx"; then not_ok "$base/$mode: apply fixture"; sed 's/^/#   /' "$TMP/psql.out"; return; fi
	if [ "$(psql -X -At -d "$db" -c "SELECT to_regclass('public.users') IS NOT NULL")" != t ]; then
		ok "$base/$mode: no public.users table, not a fix fixture"
		skip $((end - TAP_COUNT)) "$base/$mode: no public.users table"
		return
	fi
	local seed="$FIXTURES/fix-seed/$base.sql"
	if [ -f "$seed" ] && ! apply "$db" "$seed"; then not_ok "$base/$mode: seed"; sed 's/^/#   /' "$TMP/psql.out"; return; fi
	out="$TMP/$base-$mode"
	mkdir -p "$out"
	local conn="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"
	pgc fix --quiet --dialect postgres "${flags[@]}" --out "$out" --name 900-fix.sql --db "$conn"
	check_eq "$base/$mode: fix exits 0" 0 "$RC"
	[ "$RC" -eq 0 ] || { sed 's/^/#   /' "$TMP/err" | head -5; return; }
	local up="$out/900-fix.sql" val="$out/901-fix-validate.sql" down="$out/900-fix.down.sql"
	if [ ! -f "$up" ]; then
		check_eq "$base/$mode: nothing to fix means no blocking edge" "" "$(psql -X -At -d "$db" -c "$BLOCKING")"
		skip $((end - TAP_COUNT)) "$base/$mode: nothing to fix"
		return
	fi
	local before oids after novalid
	before=$(psql -X -At -d "$db" -c "$DEFS")
	novalid=$(psql -X -At -d "$db" -c "$NOTVALID")

	# static mode (the fixture file, names predicted) writes the same SQL
	pgc fix --quiet --dialect postgres "${flags[@]}" "$fx"
	check_eq "$base/$mode: static sources write the same statements as --db" \
		"$(grep -v '^--' "$up")" "$(grep -v '^--' "$TMP/out")"

	# 2. up + validate
	apply "$db" "$up" && ok "$base/$mode: up applies" || { not_ok "$base/$mode: up applies"; sed 's/^/#   /' "$TMP/psql.out" | head; return; }
	if [ -f "$val" ]; then
		apply "$db" "$val" && ok "$base/$mode: validate applies" || { not_ok "$base/$mode: validate applies"; sed 's/^/#   /' "$TMP/psql.out" | head; }
	else
		check_eq "$base/$mode: no validate file, and the up file leaves no more FK unvalidated than before" \
			"$novalid" "$(psql -X -At -d "$db" -c "$NOTVALID")"
	fi
	check_eq "$base/$mode: blocking edges left in the closure" "$(left_alone "$up")" "$(psql -X -At -d "$db" -c "$BLOCKING")"
	if [ "$mode" = default ]; then
		check_eq "$base/$mode: verification query returns no row" "" \
			"$(psql -X -At -d "$db" -c "$(verification_query "$up")")"
	fi
	if [ -f "$seed" ]; then
		local users
		users=$(psql -X -At -d "$db" -c "SELECT string_agg(id::text, ',') FROM users")
		if psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "BEGIN; DELETE FROM users WHERE id IN ($users); COMMIT;" >"$TMP/del" 2>&1; then
			ok "$base/$mode: DELETE of the seeded users succeeds"
		else
			not_ok "$base/$mode: DELETE of the seeded users succeeds"; sed 's/^/#   /' "$TMP/del"
		fi
		# every table of the closure is empty now (SET NULL edges stop the closure)
		check_eq "$base/$mode: seeded rows gone from every table of the closure" "0" \
			"$(psql -X -At -d "$db" -c "WITH RECURSIVE cl(rel) AS (
			     SELECT 'public.users'::regclass::oid
			     UNION
			     SELECT c.conrelid FROM pg_constraint c JOIN cl ON c.confrelid = cl.rel
			      WHERE c.contype = 'f' AND c.confdeltype IN ('c', 'a', 'r'))
			   SELECT coalesce(sum((xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', rel::regclass), false, true, '')))[1]::text::int), 0)
			     FROM cl")"
	fi
	after=$(psql -X -At -d "$db" -c "$DEFS")
	oids=$(psql -X -At -d "$db" -c "$OIDS")

	# 3. up again: no error, no DDL
	apply "$db" "$up" && ok "$base/$mode: up runs again without error" || { not_ok "$base/$mode: up runs again without error"; sed 's/^/#   /' "$TMP/psql.out" | head; }
	if [ -f "$val" ]; then
		apply "$db" "$val" && ok "$base/$mode: validate runs again" || { not_ok "$base/$mode: validate runs again"; sed 's/^/#   /' "$TMP/psql.out" | head; }
	else
		skip 1 "$base/$mode: validate runs again (no validate file)"
	fi
	check_eq "$base/$mode: second run performs no DDL (oids unchanged)" "$oids" "$(psql -X -At -d "$db" -c "$OIDS")"
	check_eq "$base/$mode: second run leaves definitions and names unchanged" "$after" "$(psql -X -At -d "$db" -c "$DEFS")"

	# 4. down: exactly as before
	apply "$db" "$down" && ok "$base/$mode: down applies" || { not_ok "$base/$mode: down applies"; sed 's/^/#   /' "$TMP/psql.out" | head; }
	check_eq "$base/$mode: down restores every constraint exactly" "$before" "$(psql -X -At -d "$db" -c "$DEFS")"

	# 5. up once more
	if apply "$db" "$up" && { [ ! -f "$val" ] || apply "$db" "$val"; }; then
		check_eq "$base/$mode: up works again after down" "$after" "$(psql -X -At -d "$db" -c "$DEFS")"
	else
		not_ok "$base/$mode: up works again after down"; sed 's/^/#   /' "$TMP/psql.out" | head
	fi
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
}

for fx in "$FIXTURES"/pg/*.sql; do
	[ -f "$fx" ] || continue
	cycle "$fx" default
	cycle "$fx" minimal
done
