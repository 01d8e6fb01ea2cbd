#!/usr/bin/env bash
# t0700-erase.sh - `pgcascade erase` on the suite's PostgreSQL, two owners
# (A = user 1, B = user 2) and rows that cross them. PostgreSQL is the
# oracle: row counts of every table before and after, B's rows by owner,
# the real DELETE, and the emitted script run by psql.
#   - dry-run counts equal the rows actually removed, per table;
#   - owner-column tables end empty of the key, retained unchanged,
#     anonymised columns updated; B's data changes as the plan said;
#   - --order-deletes succeeds on an unfixed schema where DELETE fails;
#   - the receipt validates against its schema and its hash checks;
#   - --emit-sql: the script does what erase does; --check finds it stale;
#   - bad input: unknown key, wrong type, missing --yes, bad policy.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 70
OWNERS="$FIXTURES/erase/owners.sql"
UNFIXED="$FIXTURES/erase/owners-unfixed.sql"
RSCHEMA="$PGC_ROOT/doc/schema/erase-receipt.schema.json"
PSCHEMA="$PGC_ROOT/doc/schema/erase-plan.schema.json"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }

# counts DB: "table count" for every table of schema public, counted by PostgreSQL.
counts() {
	psql -X -At -d "$1" -c "SELECT relname || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', relname), false, true, '')))[1]::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1"
}
# state DB: every row of every table, for comparing final states.
state() {
	psql -X -At -d "$1" -c "SELECT relname || ': ' || (xpath('/row/s/text()', query_to_xml(format('SELECT coalesce(string_agg(t::text, '';'' ORDER BY t::text), '''') AS s FROM public.%I t', relname), false, true, '')))[1]::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1"
}
q() { psql -X -At -d "$1" -c "$2"; }
# removed BEFORE AFTER: "table removed" per table
removed() { join "$1" "$2" | awk '{print $1, $2 - $3}'; }

cat >"$TMP/policy.ini" <<'INI'
[erase]
retain = events
anonymize = invoices.user_id=NULL, invoices.email='erased'
INI
POL=(--config "$TMP/policy.ini")

# --- two owners: dry run, then the erasure --------------------------------
DB=$(fresh_db pgc_erase_owners)
psql_db pgc_erase_owners -f "$OWNERS"
counts pgc_erase_owners >"$TMP/before"
q pgc_erase_owners "SELECT md5(string_agg(e::text, ',' ORDER BY id)) FROM events e" >"$TMP/events.before"

pgc erase --db "$DB" --key 1 --dry-run --format json "${POL[@]}"
check_eq "dry run: exit 0" 0 "$RC"
cp "$TMP/out" "$TMP/plan.json"
check "plan JSON validates against doc/schema/erase-plan.schema.json" \
	python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$PSCHEMA" "$TMP/plan.json"
check_eq "dry run changed nothing" "$(cat "$TMP/before")" "$(counts pgc_erase_owners)"
jq -r '.tables[] | "\(.table) \(.delete)"' "$TMP/plan.json" | sort >"$TMP/plan.delete"

pgc erase --db "$DB" --key 1 "${POL[@]}" </dev/null
check_eq "no --yes off a terminal: exit 2" 2 "$RC"
check_contains "no --yes: says nothing changed" "nothing was changed" "$TMP/err"
check_eq "no --yes: nothing changed" "$(cat "$TMP/before")" "$(counts pgc_erase_owners)"

# B's rows by owner column, before
b_rows() {
	q pgc_erase_owners "SELECT 'messages', count(*) FROM messages WHERE author_id = 2 UNION ALL
	                    SELECT 'note_comments', count(*) FROM note_comments WHERE author_id = 2 UNION ALL
	                    SELECT 'replies', count(*) FROM replies WHERE user_id = 2 UNION ALL
	                    SELECT 'likes', count(*) FROM likes WHERE user_id = 2 UNION ALL
	                    SELECT 'notes', count(*) FROM notes WHERE user_id = 2" | tr '|' ' ' | sort
}
b_rows >"$TMP/b.before"
B_NULL_BEFORE=$(q pgc_erase_owners "SELECT count(*) FROM likes WHERE user_id = 2 AND note_id IS NULL")

PGCASCADE_RECEIPT_SALT=pepper pgc erase --db "$DB" --key 1 --yes --receipt "$TMP/receipt.json" "${POL[@]}"
check_eq "erase: exit 0" 0 "$RC"
check_contains "erase: verification passed" "verification passed" "$TMP/err"
counts pgc_erase_owners >"$TMP/after"
removed "$TMP/before" "$TMP/after" | sort >"$TMP/removed"
# every table the plan lists removed exactly its delete count; the others nothing
join -a1 -e 0 -o 0,2.2 "$TMP/removed" "$TMP/plan.delete" >"$TMP/expect.removed"
check_files "rows removed per table (PostgreSQL before/after) = the plan's delete" "$TMP/expect.removed" "$TMP/removed"
check_eq "owner-column table without FK (audit_log) holds no row of A" 0 \
	"$(q pgc_erase_owners "SELECT count(*) FROM audit_log WHERE user_id = 1")"
check_eq "audit_log keeps B's row" 1 "$(q pgc_erase_owners "SELECT count(*) FROM audit_log WHERE user_id = 2")"
check_eq "retained table (events) unchanged" "$(cat "$TMP/events.before")" \
	"$(q pgc_erase_owners "SELECT md5(string_agg(e::text, ',' ORDER BY id)) FROM events e")"
check_eq "anonymised invoice of A: columns updated, row kept" "700||erased|10" \
	"$(q pgc_erase_owners "SELECT * FROM invoices WHERE id = 700")"
check_eq "B's invoice untouched" "701|2|b@example.org|20" "$(q pgc_erase_owners "SELECT * FROM invoices WHERE id = 701")"
b_rows >"$TMP/b.after"
join "$TMP/b.before" "$TMP/b.after" | awk '{print $1, $2 - $3}' | sort >"$TMP/b.removed"
jq -r '.tables[] | select(.table == "messages" or .table == "note_comments" or .table == "replies" or .table == "likes" or .table == "notes") | "\(.table) \(.other_removed)"' "$TMP/plan.json" | sort >"$TMP/b.plan"
check_files "B's rows removed per table = the plan's other_removed" "$TMP/b.plan" "$TMP/b.removed"
check_eq "B's rows set NULL = the plan's other_nulled" \
	"$(jq '[.tables[].other_nulled] | add' "$TMP/plan.json")" \
	"$(( $(q pgc_erase_owners "SELECT count(*) FROM likes WHERE user_id = 2 AND note_id IS NULL") - B_NULL_BEFORE ))"
check_eq "plan saw B's removed rows (not zero)" 3 "$(jq '[.tables[].other_removed] | add' "$TMP/plan.json")"

# --- the receipt ------------------------------------------------------------
check "receipt validates against doc/schema/erase-receipt.schema.json" \
	python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$RSCHEMA" "$TMP/receipt.json"
check "receipt hash: SHA-256 of the canonical content, recomputed by Python" python3 - "$TMP/receipt.json" <<'PY'
import hashlib, json, sys
r = json.load(open(sys.argv[1]))
want = r.pop("sha256")
got = hashlib.sha256(json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
sys.exit(0 if got == want else 1)
PY
check_eq "receipt: key hash is sha256(salt || key), by sha256sum" \
	"$(printf 'pepper1' | sha256sum | cut -d' ' -f1)" "$(jq -r .key_sha256 "$TMP/receipt.json")"
check_eq "receipt: no raw key without --receipt-include-key" null "$(jq -r .key "$TMP/receipt.json")"
check_eq "receipt: deleted counts = the plan's" \
	"$(jq -c '[.tables[] | .delete]' "$TMP/plan.json" | tr -d ' ')" \
	"$(jq -c '[.tables[] | .deleted]' "$TMP/receipt.json" | tr -d ' ')"
check_eq "receipt: verification ok" true "$(jq -r .verification.ok "$TMP/receipt.json")"
check_eq "receipt: database name" pgc_erase_owners "$(jq -r .database.name "$TMP/receipt.json")"
pgc erase --check-receipt "$TMP/receipt.json"
check_eq "--check-receipt: valid, exit 0" 0 "$RC"
jq '.tables[1].deleted += 1' "$TMP/receipt.json" >"$TMP/tampered.json"
pgc erase --check-receipt "$TMP/tampered.json"
check_eq "--check-receipt: a changed count fails, exit 1" 1 "$RC"
check_contains "--check-receipt: says altered" "altered" "$TMP/err"
echo '{' >"$TMP/broken.json"
pgc erase --check-receipt "$TMP/broken.json"
check_eq "--check-receipt: not JSON, exit 2" 2 "$RC"

# --- bad input --------------------------------------------------------------
rm -f "$TMP/r2.json"
pgc erase --db "$DB" --key 1 --yes --receipt "$TMP/r2.json" --receipt-salt s "${POL[@]}"
check_eq "unknown key (already erased): exit 1" 1 "$RC"
check_contains "unknown key: clear message" "no row in public.users with id = 1" "$TMP/err"
check "unknown key: no receipt written" test ! -e "$TMP/r2.json"
pgc erase --db "$DB" --key abc --dry-run "${POL[@]}"
check_eq "key of the wrong type: exit 2" 2 "$RC"
check_contains "wrong type: PostgreSQL's message with the column's type" \
	'invalid --key for users.id (integer): invalid input syntax for type integer: "abc"' "$TMP/err"
printf '[erase]\nretain = events\n\nanonymize = invoices.mail=NULL\n' >"$TMP/bad.ini"
pgc erase --db "$DB" --key 2 --dry-run --config "$TMP/bad.ini"
check_eq "policy naming a missing column: exit 2" 2 "$RC"
check_contains "policy error: file and line" "bad.ini:4: anonymize names column mail of public.invoices, which does not exist" "$TMP/err"
printf '[erase]\nretain = notes\n' >"$TMP/bad2.ini"
pgc erase --db "$DB" --key 2 --dry-run --config "$TMP/bad2.ini"
check_eq "retaining a table the cascade deletes: exit 2" 2 "$RC"
check_contains "retain through a cascade: says why" "bad2.ini:2: public.notes is retained but the foreign key notes_user_id_fkey" "$TMP/err"
pgc erase --db "$DB" --key 2 --yes --receipt "$TMP/r3.json" "${POL[@]}"
check_eq "--receipt without a salt: exit 2" 2 "$RC"
check_eq "--receipt without a salt: nothing changed" 1 "$(q pgc_erase_owners "SELECT count(*) FROM users WHERE id = 2")"

# --- on a terminal: the plan's totals, then a typed "yes" ------------------
# script(1) gives pgcascade a pseudo-terminal; the answer comes from our pipe.
printf 'no\n' | script -qec "$PGC erase --db '$DB' --key 2 ${POL[*]}" /dev/null >"$TMP/tty.out" 2>&1
check_eq "terminal, answer no: exit 2" 2 "$?"
check_contains "terminal, answer no: says so" "not confirmed; nothing was changed" "$TMP/tty.out"
check_contains "terminal: shows the plan's totals before asking" "erase will delete" "$TMP/tty.out"
check_eq "terminal, answer no: user 2 still there" 1 "$(q pgc_erase_owners "SELECT count(*) FROM users WHERE id = 2")"
printf 'yes\n' | script -qec "$PGC erase --db '$DB' --key 2 ${POL[*]}" /dev/null >"$TMP/tty.out" 2>&1
check_eq "terminal, answer yes: exit 0" 0 "$?"
check_contains "terminal, answer yes: erased" "verification passed" "$TMP/tty.out"
check_eq "terminal, answer yes: user 2 gone" 0 "$(q pgc_erase_owners "SELECT count(*) FROM users WHERE id = 2")"

pgc erase --help
check_eq "erase --help: exit 0" 0 "$RC"
check_contains "erase --help documents --batch-rows" "--batch-rows N" "$TMP/out"
check_contains "pgcascade --help lists erase" "erase" <("$PGC" --help)

# --- --order-deletes on an unfixed schema ----------------------------------
DB2=$(fresh_db pgc_erase_unfixed)
psql_db pgc_erase_unfixed -f "$UNFIXED"
psql -X -q -d postgres -c "CREATE DATABASE pgc_erase_unfixed_ref TEMPLATE pgc_erase_unfixed" 2>/dev/null \
	|| { psql -X -q -d postgres -c "DROP DATABASE pgc_erase_unfixed_ref" && psql -X -q -d postgres -c "CREATE DATABASE pgc_erase_unfixed_ref TEMPLATE pgc_erase_unfixed"; }
if psql -X -q -d pgc_erase_unfixed_ref -c "DELETE FROM users WHERE id = 1" 2>"$TMP/pgerr"; then
	not_ok "unfixed schema: a plain DELETE fails on PostgreSQL"
else
	ok "unfixed schema: a plain DELETE fails on PostgreSQL"
fi
counts pgc_erase_unfixed >"$TMP/u.before"
pgc erase --db "$DB2" --key 1 --dry-run --format json
cp "$TMP/out" "$TMP/u.plan.json"
check_eq "unfixed: the plan names the blocking edge with its rows" "1" \
	"$(jq -r '.blockers[] | select(.constraint == "note_comments_note_id_fkey") | .rows' "$TMP/u.plan.json")"
pgc erase --db "$DB2" --key 1 --yes
check_eq "unfixed without --order-deletes: exit 1" 1 "$RC"
check_contains "unfixed: names the blocker and the way out" "note_comments_note_id_fkey" "$TMP/err"
check_eq "unfixed without --order-deletes: nothing changed" "$(cat "$TMP/u.before")" "$(counts pgc_erase_unfixed)"
pgc erase --db "$DB2" --key 1 --yes --order-deletes
check_eq "--order-deletes: exit 0" 0 "$RC"
counts pgc_erase_unfixed >"$TMP/u.after"
removed "$TMP/u.before" "$TMP/u.after" | sort >"$TMP/u.removed"
jq -r '.tables[] | "\(.table) \(.delete)"' "$TMP/u.plan.json" | sort >"$TMP/u.plan.delete"
join -a1 -e 0 -o 0,2.2 "$TMP/u.removed" "$TMP/u.plan.delete" >"$TMP/u.expect"
check_files "--order-deletes: rows removed per table = the plan's delete" "$TMP/u.expect" "$TMP/u.removed"
check_eq "--order-deletes: B keeps the rest" "1 1 1" \
	"$(q pgc_erase_unfixed "SELECT (SELECT count(*) FROM notes) || ' ' || (SELECT count(*) FROM workspaces) || ' ' || (SELECT count(*) FROM users)")"

# a cycle of NO ACTION edges is named
DB3=$(fresh_db pgc_erase_cycle)
psql_db pgc_erase_cycle -c "CREATE TABLE users (id int PRIMARY KEY);
	CREATE TABLE a (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE, b_id int);
	CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
	ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b;
	INSERT INTO users VALUES (1);"
pgc erase --db "$DB3" --key 1 --dry-run
check_eq "cycle of NO ACTION edges: exit 1" 1 "$RC"
check_contains "cycle: names both edges" "b_a_id_fkey" "$TMP/err"
check_contains "cycle: names both edges (2)" "a_b_fkey" "$TMP/err"

# --- a composite key --------------------------------------------------------
DB5=$(fresh_db pgc_erase_composite)
psql_db pgc_erase_composite -c "CREATE TABLE accounts (tenant int, id int, PRIMARY KEY (tenant, id));
	CREATE TABLE docs (id int PRIMARY KEY, tenant int NOT NULL, account_id int NOT NULL,
		FOREIGN KEY (tenant, account_id) REFERENCES accounts ON DELETE CASCADE);
	INSERT INTO accounts VALUES (1, 5), (2, 5), (1, 6);
	INSERT INTO docs VALUES (1, 1, 5), (2, 1, 5), (3, 2, 5), (4, 1, 6);"
pgc erase --db "$DB5" --root accounts --key tenant=1,id=5 --dry-run --format json --no-config
check_eq "composite key: the plan counts the account and its 2 docs" "1 2" "$(j -r '[.tables[].delete] | map(tostring) | join(" ")')"
pgc erase --db "$DB5" --root accounts --key id=5 --dry-run --no-config
check_eq "composite key missing a column: exit 2" 2 "$RC"
check_contains "composite key missing a column: names it" "no value for key column tenant" "$TMP/err"
pgc erase --db "$DB5" --root accounts --key id=5,tenant=1 --yes --no-config
check_eq "composite key (any order): exit 0" 0 "$RC"
check_eq "composite key: exactly that account and its docs are gone" "2 2" \
	"$(q pgc_erase_composite "SELECT (SELECT count(*) FROM accounts) || ' ' || (SELECT count(*) FROM docs)")"

# --- --emit-sql: the script erases what erase erases -----------------------
DB4=$(fresh_db pgc_erase_emit)
psql_db pgc_erase_emit -f "$OWNERS"
pgc erase --db "$DB4" --emit-sql "$TMP/erase.sql" "${POL[@]}"
check_eq "--emit-sql: exit 0" 0 "$RC"
pgc erase --db "$DB4" --emit-sql "$TMP/erase.sql" --check "${POL[@]}"
check_eq "--emit-sql --check on a fresh script: exit 0" 0 "$RC"
psql -X -q -d postgres -c "CREATE DATABASE pgc_erase_emit_run TEMPLATE pgc_erase_emit"
# PostgreSQL 15's psql binds no $1: tests/lib/erase_prepare.py PREPAREs, EXECUTEs with the key
python3 "$PGC_ROOT/tests/lib/erase_prepare.py" "$TMP/erase.sql" 1 >"$TMP/run.sql"
psql_db pgc_erase_emit_run -f "$TMP/run.sql" >/dev/null
pgc erase --db "$DB4" --key 1 --yes "${POL[@]}"
check_eq "the emitted script leaves the state erase leaves" "$(state pgc_erase_emit)" "$(state pgc_erase_emit_run)"
psql_db pgc_erase_emit -c "CREATE TABLE bookmarks (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE)"
pgc erase --db "$DB4" --emit-sql "$TMP/erase.sql" --check "${POL[@]}"
check_eq "--emit-sql --check after a schema change: exit 1" 1 "$RC"
check_contains "--check: says stale" "stale" "$TMP/err"

psql -X -q -d postgres -c "DROP DATABASE pgc_erase_owners" -c "DROP DATABASE pgc_erase_unfixed" \
	-c "DROP DATABASE pgc_erase_unfixed_ref" -c "DROP DATABASE pgc_erase_cycle" \
	-c "DROP DATABASE pgc_erase_emit" -c "DROP DATABASE pgc_erase_emit_run" -c "DROP DATABASE pgc_erase_composite"
