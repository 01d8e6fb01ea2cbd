#!/usr/bin/env bash
# t0730-erase-promises.sh - the promises of `pgcascade erase` that t0700
# does not run, each shown on the suite's PostgreSQL (doc/erase.md):
#   - the dry run is one READ ONLY, REPEATABLE READ transaction holding the
#     counting query, and changes nothing; --yes is one REPEATABLE READ
#     transaction: count, owner-column DELETE, root DELETE, verification,
#     COMMIT (the server's statement log);
#   - a failed verification (a trigger writes the key back) rolls back,
#     exit 1, no receipt; in batches the root row stays, the batches stay;
#   - lock_timeout and statement_timeout bound the erasure: a row lock held
#     by another session, a slow trigger; exit 3, nothing changed; a value
#     PostgreSQL refuses is an input error naming the option, exit 2;
#   - the policy's delete-by: an owner column without a foreign key that the
#     default pattern does not find is deleted by it, and only with it;
#   - a policy naming a missing table: exit 2 with the file and the line;
#   - --receipt-include-key writes the raw key, the salt comes from
#     --receipt-salt; a receipt with a changed member fails --check-receipt,
#     and so does one the schema rejects whose hash was recomputed;
#   - --emit-sql on an unfixed schema: the script deletes children first and
#     succeeds where a plain DELETE fails, leaving erase's state; the same
#     script from the migration files as from the live database;
#   - --order-deletes covers a table added after the script was written,
#     with no change anywhere (the order is read from the live catalog);
#     the receipt's schema fingerprint changes with it.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 44
UNFIXED="$FIXTURES/erase/owners-unfixed.sql"
q() { psql -X -At -d "$1" -c "$2"; }
state() {
	psql -X -At -d "$1" -c "SELECT relname || ': ' || (xpath('/row/s/text()', query_to_xml(format('SELECT coalesce(string_agg(t::text, '';'' ORDER BY t::text), '''') AS s FROM public.%I t', relname), false, true, '')))[1]::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace ORDER BY 1"
}
SCHEMA="CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts ON DELETE CASCADE);
CREATE TABLE legacy_events (id int PRIMARY KEY, owner int);
INSERT INTO users VALUES (1), (2);
INSERT INTO posts VALUES (10, 1), (11, 1), (20, 2);
INSERT INTO comments VALUES (100, 10), (101, 11), (200, 20);
INSERT INTO legacy_events VALUES (1, 1), (2, 1), (3, 2);"

# session_stmts OFFSET: from the server's log after OFFSET, the statements of
# the session that ran erase's counting query, in order: the first word of
# each (BEGIN in full).
session_stmts() {
	tail -c +"$(($1 + 1))" "$LOG" | python3 -c '
import re, sys
stmts, cur = {}, None
for l in sys.stdin.read().split("\n"):
    m = re.match(r"\S+ \S+ \S+ \[(\d+)\] LOG:  (?:statement|execute [^:]*): (.*)", l)
    if m:
        cur = (m.group(1), len(stmts.setdefault(m.group(1), [])))
        stmts[m.group(1)].append(m.group(2))
    elif cur and l.startswith("\t"):
        stmts[cur[0]][cur[1]] += " " + l.strip()
    else:
        cur = None
for pid, ss in stmts.items():
    if any("pgc_r0" in s for s in ss):
        print("\n".join(s if s.startswith("BEGIN") else s.split(" ")[0] for s in ss))
'
}
LOG="$PGSERVER_DIR/server.log"

# --- the dry run: READ ONLY, REPEATABLE READ, from the server's log ------------
DB=$(fresh_db t0730)
psql_db t0730 -c "$SCHEMA"
psql -X -q -d postgres -c "ALTER DATABASE t0730 SET log_statement = 'all'"
from=$(wc -c <"$LOG")
before=$(state t0730)
pgc erase --db "$DB" --key 1 --dry-run --format json --no-config
check_eq "dry run: exit 0" 0 "$RC"
sleep 0.3 # the server writes its log asynchronously
session_stmts "$from" >"$TMP/dry.stmts"
check_eq "dry run: its session is one READ ONLY, REPEATABLE READ transaction: the timeouts, the root row, the counting query, COMMIT" \
	"BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY|SELECT|SELECT|SELECT|WITH|COMMIT" "$(paste -sd'|' "$TMP/dry.stmts")"
check_eq "dry run: no row changed" "$before" "$(state t0730)"
# the counting query reads each table along the erase graph's paths only:
# every "FROM table alias" is filtered (WHERE) or joined to a set (JOIN)
tail -c +"$((from + 1))" "$LOG" | python3 -c '
import re, sys
text = sys.stdin.read()
q = text[text.index("WITH pgc_r0"):]
q = q[:q.index("\n2")]  # up to the next log line
reads = re.findall(r"FROM (public\.\w+) \w+( WHERE| JOIN)?", q)
bare = sorted({t for t, f in reads if not f})
print(len(reads), "reads;", "unfiltered: " + ",".join(bare) if bare else "none unfiltered")' >"$TMP/reads"
check "dry run: the counting query reads no table whole ($(cat "$TMP/reads"))" grep -q "[1-9][0-9]* reads; none unfiltered" "$TMP/reads"

# --- lock_timeout and statement_timeout ----------------------------------------
# Another session holds a row lock on one of user 1's posts: the erasure's
# cascade waits for it, lock_timeout ends the wait.
psql -X -q -d t0730 -c "BEGIN; SELECT id FROM posts WHERE id = 10 FOR UPDATE; SELECT pg_sleep(30);" >/dev/null 2>&1 &
LOCKER=$!
for _ in $(seq 1 100); do
	[ "$(q t0730 "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE a.query LIKE '%pg_sleep(30)%' AND l.locktype = 'transactionid'")" -gt 0 ] && break
	sleep 0.05
done
pgc erase --db "$DB" --key 1 --yes --lock-timeout 200ms --no-config
check_eq "a locked row, --lock-timeout 200ms: exit 3" 3 "$RC"
check_contains "lock timeout: PostgreSQL's message" "canceling statement due to lock timeout" "$TMP/err"
pgc erase --db "$DB" --key 1 --yes --lock-timeout 200ms --batch-rows 1 --no-config
check_eq "batches, a locked row, --lock-timeout 200ms: exit 3" 3 "$RC"
check_contains "batches: lock timeout too" "lock timeout" "$TMP/err"
check_eq "after the lock timeouts: user 1's post 10 and user 1 still there" "1 1" \
	"$(q t0730 "SELECT (SELECT count(*) FROM posts WHERE id = 10) || ' ' || (SELECT count(*) FROM users WHERE id = 1)")"
kill "$LOCKER" 2>/dev/null
wait "$LOCKER" 2>/dev/null
psql -X -q -d t0730 -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()" >/dev/null
before=$(state t0730)
pgc erase --db "$DB" --key 1 --yes --lock-timeout abc --no-config
check_eq "--lock-timeout abc: exit 2 (input), PostgreSQL's reason" "2 pgcascade: error: invalid --lock-timeout \"abc\": invalid value for parameter \"lock_timeout\": \"abc\"" \
	"$RC $(cat "$TMP/err")"
pgc erase --db "$DB" --key 1 --yes --batch-rows 5 --statement-timeout -5 --no-config
check_eq "batches, --statement-timeout -5: exit 2, names the option, nothing changed" "2 1 $before" \
	"$RC $(grep -c 'invalid --statement-timeout "-5"' "$TMP/err") $(state t0730)"
psql_db t0730 -c "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN PERFORM pg_sleep(3); RETURN OLD; END\$\$;
	CREATE TRIGGER slow BEFORE DELETE ON users FOR EACH ROW EXECUTE FUNCTION slow();"
before=$(state t0730)
pgc erase --db "$DB" --key 1 --yes --statement-timeout 300ms --no-config
check_eq "a slow trigger, --statement-timeout 300ms: exit 3" 3 "$RC"
check_contains "statement timeout: PostgreSQL's message" "canceling statement due to statement timeout" "$TMP/err"
check_eq "statement timeout: nothing changed" "$before" "$(state t0730)"
psql_db t0730 -c "DROP TRIGGER slow ON users"

# --- the policy: delete-by, a missing table --------------------------------------
pgc erase --db "$DB" --key 1 --dry-run --format json --no-config
check_eq "without delete-by: legacy_events.owner is not an owner column the plan knows" "" \
	"$(jq -r '.tables[] | select(.table == "legacy_events") | .delete' "$TMP/out")"
printf '[erase]\n; legacy rows\ndelete-by = legacy_events.owner\n' >"$TMP/by.ini"
pgc erase --db "$DB" --key 1 --dry-run --format json --config "$TMP/by.ini"
check_eq "delete-by: the plan deletes user 1's 2 legacy_events rows" 2 \
	"$(jq -r '.tables[] | select(.table == "legacy_events") | .delete' "$TMP/out")"
# an audit trigger writes the key again as the root row goes: the
# verification finds it, the transaction rolls back
psql_db t0730 -c "CREATE FUNCTION relog() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN INSERT INTO legacy_events VALUES (100 + OLD.id, OLD.id); RETURN OLD; END\$\$;
	CREATE TRIGGER relog AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION relog();"
before=$(state t0730)
pgc erase --db "$DB" --key 1 --yes --config "$TMP/by.ini" --receipt "$TMP/rv.json" --receipt-salt s
check_eq "a row written back by a trigger: the verification fails, exit 1" 1 "$RC"
check_contains "verification failed: names the owner column and its row" "owner column public.legacy_events.owner: 1 row" "$TMP/err"
check_contains "verification failed: says it rolled back" "the transaction was rolled back, nothing was changed" "$TMP/err"
check_eq "verification failed: nothing changed, no receipt" "$before no receipt" "$(state t0730) $(test -e "$TMP/rv.json" && echo receipt || echo no receipt)"
psql_db t0730 -c "ALTER TABLE users DISABLE TRIGGER relog"
from=$(wc -c <"$LOG")
PGCASCADE_RECEIPT_SALT=ignored pgc erase --db "$DB" --key 1 --yes --config "$TMP/by.ini" \
	--receipt "$TMP/r.json" --receipt-salt pepper --receipt-include-key
check_eq "delete-by: exit 0" 0 "$RC"
sleep 0.3
session_stmts "$from" >"$TMP/yes.stmts"
check_eq "one transaction: REPEATABLE READ, the timeouts, the root row, the count, the owner-column DELETE, the root DELETE, the verification, COMMIT" \
	"BEGIN ISOLATION LEVEL REPEATABLE READ|SELECT|SELECT|SELECT|WITH|DELETE|DELETE|SELECT|COMMIT" "$(paste -sd'|' "$TMP/yes.stmts")"
psql -X -q -d postgres -c "ALTER DATABASE t0730 RESET log_statement"
check_eq "delete-by: user 1's legacy rows gone, user 2's kept" "3|2" "$(q t0730 "SELECT id || '|' || owner FROM legacy_events")"
check_eq "--receipt-include-key: the raw key is in the receipt" 1 "$(jq -r .key "$TMP/r.json")"
check_eq "--receipt-salt wins over PGCASCADE_RECEIPT_SALT: key_sha256 = sha256(pepper || 1)" \
	"$(printf 'pepper1' | sha256sum | cut -d' ' -f1)" "$(jq -r .key_sha256 "$TMP/r.json")"
check_eq "receipt: legacy_events deleted 2" 2 "$(jq -r '.tables[] | select(.table == "legacy_events") | .deleted' "$TMP/r.json")"
jq '.key = "2"' "$TMP/r.json" >"$TMP/r2.json"
pgc erase --check-receipt "$TMP/r2.json"
check_eq "--check-receipt: a changed key fails, exit 1" 1 "$RC"
jq 'del(.verification)' "$TMP/r.json" >"$TMP/r3.json"
pgc erase --check-receipt "$TMP/r3.json"
check_eq "--check-receipt: a missing member fails, exit 1" 1 "$RC"
check_contains "--check-receipt: names the member" '"verification"' "$TMP/err"
# batches: the root row's transaction rolls back, the batches stay
psql_db t0730 -c "ALTER TABLE users ENABLE TRIGGER relog; INSERT INTO users VALUES (1); INSERT INTO posts VALUES (12, 1);
	INSERT INTO comments VALUES (102, 12); INSERT INTO legacy_events VALUES (4, 1);"
pgc erase --db "$DB" --key 1 --yes --batch-rows 1 --config "$TMP/by.ini"
check_eq "batches, verification fails: exit 1, the root row kept, the batches' deletes stay" "1 1 0 0" \
	"$RC $(q t0730 "SELECT (SELECT count(*) FROM users WHERE id = 1) || ' ' || (SELECT count(*) FROM posts WHERE user_id = 1) || ' ' || (SELECT count(*) FROM legacy_events WHERE owner = 1)")"
check_contains "batches, verification failed: says the batches stay" "the batches already committed stay" "$TMP/err"
psql_db t0730 -c "DROP TRIGGER relog ON users"
# a receipt the schema rejects, its hash recomputed: --check-receipt rejects
# it too (the hash alone proves no structure)
RSCHEMA="$PGC_ROOT/doc/schema/erase-receipt.schema.json"
seal() { # JQ-FILTER OUT: the receipt changed by the filter, its sha256 recomputed
	jq "del(.sha256) | $1" "$TMP/r.json" | python3 -c '
import hashlib, json, sys
r = json.load(sys.stdin)
r["sha256"] = hashlib.sha256(json.dumps(r, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
json.dump(r, open(sys.argv[1], "w"))' "$2"
}
schema_ok() { python3 -c 'import json,sys,jsonschema; jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))' "$RSCHEMA" "$1" 2>/dev/null && echo valid || echo invalid; }
seal '.' "$TMP/s0.json"
seal 'del(.mode)' "$TMP/s1.json"
seal 'del(.tables[1].deleted)' "$TMP/s2.json"
seal '.set_null = [{"constraint": "x"}]' "$TMP/s3.json"
seal '.key_sha256 = "not a hash"' "$TMP/s4.json"
got=""
for f in s0 s1 s2 s3 s4; do pgc erase --check-receipt "$TMP/$f.json"; got="$got $f:$RC:$(schema_ok "$TMP/$f.json")"; done
check_eq "--check-receipt agrees with the schema on resealed receipts (exit, schema)" \
	" s0:0:valid s1:1:invalid s2:1:invalid s3:1:invalid s4:1:invalid" "$got"
pgc erase --check-receipt "$TMP/s2.json"
check_contains "--check-receipt: names the member of the table entry" 'member "tables[1].deleted" is missing' "$TMP/err"
printf '[erase]\nretain = posts\n\nanonymize = nosuch.email=NULL\n' >"$TMP/missing.ini"
pgc erase --db "$DB" --key 2 --dry-run --config "$TMP/missing.ini"
check_eq "policy naming a missing table: exit 2" 2 "$RC"
check_contains "policy naming a missing table: the file and the line" "missing.ini:4:" "$TMP/err"
check_contains "policy naming a missing table: names it" "nosuch" "$TMP/err"

# --- --emit-sql on an unfixed schema, --order-deletes on a new table -----------
DB2=$(fresh_db t0730_unfixed)
psql_db t0730_unfixed -f "$UNFIXED"
psql -X -q -d postgres -c "CREATE DATABASE t0730_script TEMPLATE t0730_unfixed"
pgc erase --db "$DB2" --emit-sql "$TMP/erase.sql" --no-config
check_eq "--emit-sql (unfixed): exit 0" 0 "$RC"
mkdir -p "$TMP/migrations"
grep -v '^INSERT' "$UNFIXED" >"$TMP/migrations/001_init.sql"
pgc erase --emit-sql "$TMP/static.sql" --no-config "$TMP/migrations"
check_eq "--emit-sql from the migration files: exit 0, the same script as from the live database" "0" \
	"$RC$(cmp -s "$TMP/erase.sql" "$TMP/static.sql" || echo ' (differs)')"
# PostgreSQL 15's psql binds no $1: tests/lib/erase_prepare.py PREPAREs, EXECUTEs with the key
python3 "$PGC_ROOT/tests/lib/erase_prepare.py" "$TMP/erase.sql" 1 >"$TMP/run.sql"
if psql -X -q -v ON_ERROR_STOP=1 -d t0730_script -f "$TMP/run.sql" >/dev/null 2>"$TMP/psql.err"; then
	ok "--emit-sql (unfixed): the script runs where a plain DELETE fails (children first)"
else
	not_ok "--emit-sql (unfixed): the script runs where a plain DELETE fails (children first)"
	sed 's/^/#   /' "$TMP/psql.err" | head -5
fi
pgc erase --db "$DB2" --key 1 --yes --order-deletes --no-config --receipt "$TMP/u1.json" --receipt-salt s
check_eq "--order-deletes (unfixed): exit 0" 0 "$RC"
check_eq "the script leaves the state --order-deletes leaves" "$(state t0730_unfixed)" "$(state t0730_script)"
# a table added afterwards, blocking (NO ACTION) under A's note: covered at run time
psql_db t0730_unfixed -c "INSERT INTO users VALUES (1, 'A'); INSERT INTO notes VALUES (11, 1), (21, 2);
	CREATE TABLE note_tags (id int PRIMARY KEY, note_id int NOT NULL REFERENCES notes);
	INSERT INTO note_tags VALUES (1, 11), (2, 11), (3, 21);"
if psql -X -q -d t0730_unfixed -c "BEGIN; DELETE FROM users WHERE id = 1; ROLLBACK" >/dev/null 2>&1; then
	not_ok "new table: a plain DELETE fails on note_tags"
else
	ok "new table: a plain DELETE fails on note_tags"
fi
pgc erase --db "$DB2" --key 1 --yes --order-deletes --no-config --receipt "$TMP/u2.json" --receipt-salt s
check "the receipt's schema fingerprint changed with the new table" \
	test "$(jq -r .schema_fingerprint "$TMP/u1.json")" != "$(jq -r .schema_fingerprint "$TMP/u2.json")" -a -n "$(jq -r .schema_fingerprint "$TMP/u1.json")"
check_eq "new table, --order-deletes: exit 0, A's note and its tags gone, B's kept" "0 3|21 20,21" \
	"$RC $(q t0730_unfixed "SELECT (SELECT string_agg(id || '|' || note_id, ',') FROM note_tags) || ' ' || (SELECT string_agg(id::text, ',' ORDER BY id) FROM notes)")"

psql -X -q -d postgres -c "DROP DATABASE t0730" -c "DROP DATABASE t0730_unfixed" -c "DROP DATABASE t0730_script"
