#!/usr/bin/env bash
# t0660-option-validation.sh - option values are checked before anything
# is read or written (issue 12, item 5), with PostgreSQL as the oracle:
#   - --lock-timeout: pgcascade accepts a value exactly when PostgreSQL's
#     SET lock_timeout does (hexadecimal and octal integers aside, which
#     pgcascade refuses), and a refused value writes no file;
#   - fix --format: only sql;
#   - --root t(cols): accepted exactly when PostgreSQL accepts a foreign
#     key referencing t(cols); else exit 2 naming the keys the table has.
source "$PGC_ROOT/tests/lib/tap.sh"

TIMEOUTS=('2s' '500' '500ms' '1.5min' ' 3 s ' '1e3ms' '0' '1h' '1d' '100us' '+5s' '.5s'
	'banana' '' '-1' '2S' '2 sec' '5s5' '99999999999' '3000000 min' "1s'; DROP TABLE users; --" 's' '1 1s'
	'1e' '2147483647' '2147483648' '25d' '24d')
ROOTS=('users(id)' 'users(email)' 'users(created_at)' 'users(id, created_at)' 'users(tenant_id, handle)'
	'users(handle, tenant_id)' 'users(handle)' 'users(note)')
plan $((2 * ${#TIMEOUTS[@]} + 4 + 2 * ${#ROOTS[@]} + 1))

DB=pgc_t0660
fresh_db "$DB" >/dev/null || { not_ok "create database"; exit 1; }
cat >"$TMP/schema.sql" <<'EOF'
CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, tenant_id int, handle text,
  created_at timestamptz, note text, UNIQUE (tenant_id, handle));
CREATE UNIQUE INDEX users_note_partial ON users (note) WHERE note IS NOT NULL;
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);
EOF
psql_db "$DB" -f "$TMP/schema.sql" || { not_ok "PostgreSQL applies the schema"; exit 1; }

# --- --lock-timeout against SET lock_timeout ------------------------------------
mkdir -p "$TMP/m"
cp "$TMP/schema.sql" "$TMP/m/001-init.sql"
for v in "${TIMEOUTS[@]}"; do
	lit=${v//\'/\'\'}
	if psql -X -q -d "$DB" -c "SET lock_timeout = '$lit'" >/dev/null 2>&1; then pg=accepts; else pg=refuses; fi
	rm -rf "$TMP/out.d"; mkdir -p "$TMP/out.d"
	pgc fix --quiet --dialect postgres --lock-timeout "$v" --out "$TMP/out.d" "$TMP/m"
	if [ "$RC" -eq 0 ]; then us=accepts; elif [ "$RC" -eq 2 ]; then us=refuses; else us="exit $RC"; fi
	check_eq "--lock-timeout '$v': PostgreSQL $pg it, so does pgcascade" "$pg" "$us"
	if [ "$us" = refuses ]; then
		check_eq "--lock-timeout '$v': refused before writing anything" "" "$(ls -A "$TMP/out.d")"
	else
		check_contains "--lock-timeout '$v': written into the migration" "SET lock_timeout = '$v';" "$TMP/out.d/002-cascade-cleanup.sql"
	fi
done

# --- fix --format ---------------------------------------------------------------------
pgc fix --dialect postgres --format nonsense "$TMP/m"
check_eq "fix --format nonsense: exit 2" 2 "$RC"
check_contains "fix --format nonsense: says what fix writes" 'invalid --format "nonsense": fix writes SQL' "$TMP/err"
pgc fix --dialect postgres --format sql "$TMP/m"
check_eq "fix --format sql: exit 0" 0 "$RC"
check_contains "fix --format sql: the migration" "ALTER TABLE public.posts" "$TMP/out"

# --- --root with a column list ---------------------------------------------------------
i=0
for r in "${ROOTS[@]}"; do
	i=$((i + 1))
	cols=${r#users(}; cols=${cols%)}
	if psql -X -q -v ON_ERROR_STOP=1 -d "$DB" -c "BEGIN" -c "CREATE TABLE probe_$i (id int, email text,
		tenant_id int, handle text, created_at timestamptz, note text, FOREIGN KEY ($cols) REFERENCES users ($cols))" \
		-c "ROLLBACK" >/dev/null 2>&1; then pg=accepts; else pg=refuses; fi
	pgc audit --root "$r" "$TMP/m"
	if [ "$RC" -le 1 ]; then us=accepts; elif [ "$RC" -eq 2 ]; then us=refuses; else us="exit $RC"; fi
	check_eq "--root '$r': PostgreSQL $pg a foreign key to it, so does pgcascade" "$pg" "$us"
	if [ "$us" = refuses ]; then
		check_contains "--root '$r': names the keys the table has" "its keys: (id) primary key, (email), (tenant_id, handle)" "$TMP/err"
	else
		check "--root '$r': no error message" test "$(grep -c 'error:' "$TMP/err")" = 0
	fi
done
pgc verify --root 'users(created_at)' "$TMP/m"
check_eq "verify --root on a column that is no key: exit 2" 2 "$RC"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
