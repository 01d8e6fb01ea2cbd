#!/usr/bin/env bash
# t0640-hostile-names.sh - hostile identifiers end to end (issue 6, part 4)
# on a real PostgreSQL. tests/hostile/hostile.sql names tables, columns and
# constraints with quotes, semicolons, spaces, non-ASCII letters, reserved
# words, mixed case, 63 and 64 bytes, and Bobby Tables. PostgreSQL is the
# oracle throughout:
#   1. static and live audit both list exactly the FKs pg_catalog has
#      (names, columns, actions) and exactly its blocking edges;
#   2. --root takes SQL identifier syntax;
#   3. fix writes a migration that applies, changes exactly the blocking
#      constraints (same names, nothing else touched, the canary table
#      survives), leaves no blocking edge, and whose down file restores
#      every definition;
#   4. verify proves the delete on the fixed database (live) and with
#      --with-fix (embedded), and fails without the fix.
source "$PGC_ROOT/tests/lib/tap.sh"
FX="$PGC_ROOT/tests/hostile/hostile.sql"
export LC_ALL=C

apply() { # db file: one transaction, stop on the first error
	psql -X -q -v ON_ERROR_STOP=1 -1 -d "$1" -f "$2" >"$TMP/psql.out" 2>&1
}
q() { psql -X -At -F $'\t' -d "$DB" -c "$1"; }

# Every FK: schema, table, name, columns, ref schema, ref table, ref columns, on delete.
FKS="SELECT n.nspname, r.relname, c.conname,
   (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n),
   fn.nspname, f.relname,
   (SELECT string_agg(a.attname, ',' ORDER BY k.i) FROM unnest(c.confkey) WITH ORDINALITY k(n, i)
      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n),
   CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
                      WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
  JOIN pg_class f ON f.oid = c.confrelid JOIN pg_namespace fn ON fn.oid = f.relnamespace
 WHERE c.contype = 'f' ORDER BY 1, 2, 3"
JQ_FKS='.foreign_keys[] | [.schema, .table, .name, (.columns | join(",")), .ref_schema, .ref_table, (.ref_columns | join(",")), .on_delete] | @tsv'
# NO ACTION / RESTRICT edges inside the closure of public."Users".
BLOCKING="WITH RECURSIVE cl(rel) AS (
  SELECT 'public.\"Users\"'::regclass::oid
  UNION
  SELECT c.conrelid FROM pg_constraint c JOIN cl ON c.confrelid = cl.rel
   WHERE c.contype = 'f' AND c.confdeltype IN ('c', 'a', 'r'))
SELECT DISTINCT n.nspname, r.relname, c.conname
  FROM pg_constraint c JOIN cl ON c.confrelid = cl.rel
  JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
 WHERE c.contype = 'f' AND c.confdeltype IN ('a', 'r') ORDER BY 1, 2, 3"
JQ_BLOCKERS='.findings[] | select(.rule == "fk-blocks-delete") | [.schema, .table, .constraint] | @tsv'
DEFS="SELECT n.nspname, r.relname, c.conname, pg_get_constraintdef(c.oid)
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace
 WHERE c.contype = 'f' ORDER BY 1, 2, 3"
TABLES="SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2"

plan 32
CONN=$(fresh_db hostile) || { not_ok "create database"; exit 1; }
DB=hostile
if apply "$DB" "$FX"; then ok "PostgreSQL accepts hostile.sql"; else not_ok "PostgreSQL accepts hostile.sql"; sed 's/^/#   /' "$TMP/psql.out"; exit 1; fi
q "$FKS" >"$TMP/pg.fks"
q "$BLOCKING" >"$TMP/pg.blockers"
q "$DEFS" >"$TMP/defs.before"
q "$TABLES" >"$TMP/tables.before"
check "the fixture has blocking edges" test -s "$TMP/pg.blockers"
check_eq "PostgreSQL truncated the 64-byte names" "t64_$(printf 'y%.0s' {1..59}) m64_$(printf 'z%.0s' {1..58})" \
	"$(q "SELECT string_agg(relname, ' ' ORDER BY relname DESC) FROM pg_class WHERE relname LIKE 't64%' OR relname LIKE 'm64%'")"

# 1. Static and live audit against the catalog.
pgc audit --dialect postgres --root '"Users"' --format json "$FX"
check_eq "static audit: exit 1" 1 "$RC"
cp "$TMP/out" "$TMP/static.json"
jq -r "$JQ_FKS" "$TMP/static.json" | sort >"$TMP/static.fks"
check_files "static audit: every FK as in pg_catalog" "$TMP/pg.fks" "$TMP/static.fks"
jq -r "$JQ_BLOCKERS" "$TMP/static.json" | sort -u >"$TMP/static.blockers"
check_files "static audit: the blocking edges PostgreSQL has" "$TMP/pg.blockers" "$TMP/static.blockers"

pgc audit --db "$CONN" --root '"Users"' --format json
check_eq "live audit: exit 1" 1 "$RC"
cp "$TMP/out" "$TMP/live.json"
jq -r "$JQ_FKS" "$TMP/live.json" | sort >"$TMP/live.fks"
check_files "live audit: every FK as in pg_catalog" "$TMP/pg.fks" "$TMP/live.fks"
jq -r "$JQ_BLOCKERS" "$TMP/live.json" | sort -u >"$TMP/live.blockers"
check_files "live audit: the blocking edges PostgreSQL has" "$TMP/pg.blockers" "$TMP/live.blockers"
CLOSURE='[.closure[] | [.schema, .table, .depth]] | sort'
check_eq "static and live closures agree" "$(jq -c "$CLOSURE" "$TMP/live.json")" "$(jq -c "$CLOSURE" "$TMP/static.json")"

# 2. --root in SQL identifier syntax.
for spec in 'public."Users"' '"Users"("ID")' 'public."Users"("ID")'; do
	pgc audit --dialect postgres --root "$spec" --format json "$FX"
	check_eq "--root '$spec': the same closure" "$(jq -c "$CLOSURE" "$TMP/static.json")" "$(jq -c "$CLOSURE" "$TMP/out" 2>&1)"
done
pgc audit --dialect postgres --root 'Users' "$FX"
check_eq "--root Users (folds to users, which does not exist): exit 2" 2 "$RC"
check_contains "--root Users: says the table does not exist" "does not exist" "$TMP/err"

# 3. fix: apply, and check it did exactly what it says.
mkdir -p "$TMP/fix"
pgc fix --quiet --dialect postgres --root '"Users"' --out "$TMP/fix" --name 900-fix.sql "$FX"
check_eq "fix: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/err" | head -10
UP="$TMP/fix/900-fix.sql" VAL="$TMP/fix/901-fix-validate.sql" DOWN="$TMP/fix/900-fix.down.sql"
if apply "$DB" "$UP"; then ok "fix: the up migration applies"; else not_ok "fix: the up migration applies"; sed 's/^/#   /' "$TMP/psql.out" | head -20; fi
if [ -f "$VAL" ]; then
	if apply "$DB" "$VAL"; then ok "fix: the validate migration applies"; else not_ok "fix: the validate migration applies"; sed 's/^/#   /' "$TMP/psql.out" | head; fi
else
	check_eq "fix: no validate file, and every FK is validated" 0 "$(q "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND NOT convalidated")"
fi
q "$DEFS" >"$TMP/defs.after"
check_files "fix: every table still there (students too)" "$TMP/tables.before" <(q "$TABLES")
check_eq "fix: no blocking edge left" "" "$(q "$BLOCKING")"
check_eq "fix: the same constraint names" "$(cut -f1-3 "$TMP/defs.before")" "$(cut -f1-3 "$TMP/defs.after")"
diff "$TMP/defs.before" "$TMP/defs.after" | sed -n 's/^> //p' | cut -f1-3 | sort >"$TMP/changed"
check_files "fix: it changed exactly the blocking constraints" "$TMP/pg.blockers" "$TMP/changed"
check_eq "fix: each changed constraint now cascades" "" \
	"$(diff "$TMP/defs.before" "$TMP/defs.after" | sed -n 's/^> //p' | grep -v 'ON DELETE CASCADE')"
pgc audit --db "$CONN" --root '"Users"' --format json
check_eq "live audit after the fix: exit 0" 0 "$RC"

# 4. verify: live on the fixed database, embedded with and without the fix.
ins=$(psql -X -At -d "$DB" -c "SELECT pg_stat_clear_snapshot(); SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables" | tail -1)
q "$TABLES" | while IFS=$'\t' read -r s t; do printf '%s\t%s\t%s\n' "$s" "$t" "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM $(printf '"%s"."%s"' "${s//\"/\"\"}" "${t//\"/\"\"}")")"; done >"$TMP/rows.before"
pgc verify --db "$CONN" --root '"Users"'
check_eq "verify --db on the fixed database: exit 0" 0 "$RC"
inserted() {
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(psql -X -At -d "$DB" -c "SELECT pg_stat_clear_snapshot(); SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables" | tail -1)" -gt "$ins" ] && return 0
		sleep 0.5
	done
	return 1
}
check "verify --db: it inserted rows (then rolled back)" inserted
q "$TABLES" | while IFS=$'\t' read -r s t; do printf '%s\t%s\t%s\n' "$s" "$t" "$(psql -X -At -d "$DB" -c "SELECT count(*) FROM $(printf '"%s"."%s"' "${s//\"/\"\"}" "${t//\"/\"\"}")")"; done >"$TMP/rows.after"
check_files "verify --db: every table's row count unchanged" "$TMP/rows.before" "$TMP/rows.after"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/out" "$TMP/err" | head -20
check_eq "students survived" "t" "$(q "SELECT to_regclass('public.students') IS NOT NULL")"
pgc verify --dialect postgres --root '"Users"' --with-fix "$FX"
check_eq "verify --with-fix (embedded): exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || sed 's/^/#   /' "$TMP/out" "$TMP/err" | head -20
pgc verify --dialect postgres --root '"Users"' "$FX"
check_eq "verify without the fix (embedded): exit 1, the delete is blocked" 1 "$RC"

# The down migration restores every definition.
if apply "$DB" "$DOWN"; then ok "fix: the down migration applies"; else not_ok "fix: the down migration applies"; sed 's/^/#   /' "$TMP/psql.out" | head; fi
check_files "fix: down restores every FK definition" "$TMP/defs.before" <(q "$DEFS")
psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS hostile' >/dev/null 2>&1
