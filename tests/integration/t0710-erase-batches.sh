#!/usr/bin/env bash
# t0710-erase-batches.sh - `pgcascade erase --batch-rows N` on the suite's
# PostgreSQL:
#   - no transaction deletes more than N rows: an AFTER DELETE trigger on
#     every table logs txid_current() per deleted row, PostgreSQL counts;
#     cascades count: project_files rows go with their projects' batches
#     (the cascade, trigger depth 2), one project has more files than N;
#   - the receipt's deleted counts (the cascaded ones from PostgreSQL's
#     per-transaction statistics) equal the dry run's;
#   - the rows removed per table equal the dry run's counts;
#   - kill -9 in the middle, then the same command again, reaches the
#     state of one uninterrupted erasure of a copy of the database;
#   - a root table that references itself: the other root rows it erases
#     go leaves first, N at a time, the root row's DELETE cascades nothing;
#   - ON DELETE SET NULL: the rows it would change go to NULL first, N at a
#     time, so no transaction writes more than N rows (updates counted).
source "$PGC_ROOT/tests/lib/tap.sh"
plan 20
q() { psql -X -At -d "$1" -c "$2"; }
counts() {
	psql -X -At -d "$1" -c "SELECT relname || ' ' || (xpath('/row/c/text()', query_to_xml(format('SELECT count(*) AS c FROM public.%I', relname), false, true, '')))[1]::text FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'deleted_log' ORDER BY 1"
}
state() {
	psql -X -At -d "$1" -c "SELECT relname || ': ' || md5((xpath('/row/s/text()', query_to_xml(format('SELECT coalesce(string_agg(t::text, '';'' ORDER BY t::text), '''') AS s FROM public.%I t', relname), false, true, '')))[1]::text) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace AND relname <> 'deleted_log' ORDER BY 1"
}

# schema: users -> projects -> tasks -> task_notes, users -> tokens,
# a self-reference (tasks.parent_id), a NO ACTION edge (blocks a plain
# DELETE), and B's rows under A's projects.
SCHEMA="CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE projects (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE tasks (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects ON DELETE CASCADE,
	parent_id int REFERENCES tasks ON DELETE CASCADE, author_id int REFERENCES users ON DELETE CASCADE);
CREATE TABLE task_notes (id int PRIMARY KEY, task_id int NOT NULL REFERENCES tasks, body text);
CREATE TABLE tokens (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE project_files (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects ON DELETE CASCADE, user_id int);
CREATE INDEX ON project_files (project_id); CREATE INDEX ON project_files (user_id);
CREATE INDEX ON projects (user_id); CREATE INDEX ON tasks (project_id); CREATE INDEX ON tasks (parent_id);
CREATE INDEX ON tasks (author_id); CREATE INDEX ON task_notes (task_id); CREATE INDEX ON tokens (user_id);
CREATE TABLE deleted_log (xid bigint, tbl text, r jsonb);
CREATE FUNCTION log_delete() RETURNS trigger LANGUAGE plpgsql AS
	\$\$BEGIN INSERT INTO deleted_log VALUES (txid_current(), TG_TABLE_NAME, to_jsonb(OLD)); RETURN OLD; END\$\$;
CREATE TRIGGER l AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON tasks FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON task_notes FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON tokens FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON project_files FOR EACH ROW EXECUTE FUNCTION log_delete();"
DATA="INSERT INTO users VALUES (1), (2);
INSERT INTO projects SELECT g, CASE WHEN g <= 40 THEN 1 ELSE 2 END FROM generate_series(1, 50) g;
INSERT INTO tasks SELECT g, 1 + (g % 50), NULL, CASE WHEN g % 7 = 0 THEN 2 ELSE 1 END FROM generate_series(1, \$N) g;
UPDATE tasks SET parent_id = id - 1 WHERE id % 5 <> 1;
INSERT INTO task_notes SELECT g, 1 + (g % \$N), 'n' FROM generate_series(1, \$N) g;
INSERT INTO tokens SELECT g, 1 + (g % 2) FROM generate_series(1, 300) g;
INSERT INTO project_files SELECT g, CASE WHEN g <= 250 THEN 1 ELSE 1 + (g % 50) END,
	CASE WHEN g % 9 = 0 THEN 2 ELSE 1 END FROM generate_series(1, 1000) g;
ANALYZE;"

make_db() { # NAME ROWS
	local db
	db=$(fresh_db "$1")
	psql_db "$1" -c "$SCHEMA" >/dev/null
	psql_db "$1" -c "${DATA//\$N/$2}" >/dev/null
	echo "$db"
}

# --- no transaction exceeds N rows ------------------------------------------
DB=$(make_db pgc_erase_batch 2000)
counts pgc_erase_batch >"$TMP/before"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS pgc_erase_batch_ref" -c "CREATE DATABASE pgc_erase_batch_ref TEMPLATE pgc_erase_batch"
pgc erase --db "$DB" --key 1 --dry-run --format json
jq -r '.tables[] | "\(.table) \(.delete)"' "$TMP/out" | sort >"$TMP/plan"
PGCASCADE_RECEIPT_SALT=s pgc erase --db "$DB" --key 1 --yes --batch-rows 100 --receipt "$TMP/receipt.json"
check_eq "batches: exit 0 (a NO ACTION edge does not stop children-first batches)" 0 "$RC"
jq -r '.tables[] | "\(.table) \(.deleted)"' "$TMP/receipt.json" | sort >"$TMP/receipt"
check_files "batches: the receipt's deleted counts = the dry run's (cascaded rows included)" "$TMP/plan" "$TMP/receipt"
counts pgc_erase_batch >"$TMP/after"
join "$TMP/before" "$TMP/after" | awk '{print $1, $2 - $3}' | sort >"$TMP/removed"
join -a1 -e 0 -o 0,2.2 "$TMP/removed" "$TMP/plan" >"$TMP/expect"
check_files "batches: rows removed per table = the dry run's counts" "$TMP/expect" "$TMP/removed"
check_eq "batches: the largest transaction deleted at most 100 rows (trigger count)" "t" \
	"$(q pgc_erase_batch "SELECT max(n) <= 100 FROM (SELECT count(*) AS n FROM deleted_log GROUP BY xid) c")"
check "batches: many transactions were used" test "$(q pgc_erase_batch "SELECT count(DISTINCT xid) FROM deleted_log")" -gt 20
# project 1 has 265 files (more than N): its files go in batches of their
# own before it; every other project of user 1 takes its files along.
FILE_XID="FROM deleted_log f JOIN deleted_log p ON p.tbl = 'projects' AND p.r->>'id' = f.r->>'project_id' WHERE f.tbl = 'project_files'"
check_eq "batches: the files of user 1's projects (up to N per project) were deleted in their project's transaction (the cascade)" \
	"$(q pgc_erase_batch_ref "SELECT count(*) FROM project_files f JOIN projects p ON p.id = f.project_id WHERE p.user_id = 1 AND p.id <> 1")" \
	"$(q pgc_erase_batch "SELECT count(*) $FILE_XID AND f.xid = p.xid")"
check_eq "batches: the files of project 1 (more than N) went before it, in transactions of their own" \
	"$(q pgc_erase_batch_ref "SELECT count(*) FROM project_files WHERE project_id = 1") 0" "$(q pgc_erase_batch "SELECT count(*) FILTER (WHERE f.xid < p.xid) || ' ' || count(*) FILTER (WHERE f.xid = p.xid) $FILE_XID AND p.r->>'id' = '1'")"
check_eq "batches: user 1's files under user 2's projects were deleted by their owner column" \
	"$(q pgc_erase_batch_ref "SELECT count(*) FROM project_files f JOIN projects p ON p.id = f.project_id WHERE p.user_id = 2 AND f.user_id = 1")" \
	"$(q pgc_erase_batch "SELECT count(*) FROM deleted_log f WHERE f.tbl = 'project_files' AND NOT EXISTS (SELECT 1 FROM deleted_log p WHERE p.tbl = 'projects' AND p.r->>'id' = f.r->>'project_id')")"
check_eq "batches: user 2 is still there" 1 "$(q pgc_erase_batch "SELECT count(*) FROM users WHERE id = 2")"

# --- kill -9 mid-run, then the same command again ---------------------------
DB=$(make_db pgc_erase_kill 10000)
psql -X -q -d postgres -c "CREATE DATABASE pgc_erase_kill_ref TEMPLATE pgc_erase_kill" 2>/dev/null \
	|| { psql -X -q -d postgres -c "DROP DATABASE pgc_erase_kill_ref"; psql -X -q -d postgres -c "CREATE DATABASE pgc_erase_kill_ref TEMPLATE pgc_erase_kill"; }
REF="host=$PGHOST port=$PGPORT user=$PGUSER dbname=pgc_erase_kill_ref"
pgc erase --db "$REF" --key 1 --yes
check_eq "reference: one uninterrupted erasure (--order-deletes not needed? no: NO ACTION blocks)" 1 "$RC"
pgc erase --db "$REF" --key 1 --yes --order-deletes
check_eq "reference: one transaction with --order-deletes" 0 "$RC"
TOTAL=$(q pgc_erase_kill "SELECT count(*) FROM task_notes")
"$PGC" erase --db "$DB" --key 1 --yes --batch-rows 50 >"$TMP/kill.out" 2>&1 &
PID=$!
killed=no
for _ in $(seq 1 600); do
	n=$(q pgc_erase_kill "SELECT count(*) FROM task_notes")
	if [ "$n" -lt "$TOTAL" ]; then kill -9 "$PID" 2>/dev/null && killed=yes; break; fi
	sleep 0.05
done
wait "$PID" 2>/dev/null
check_eq "kill -9 landed in the middle of the batches" yes "$killed"
check_eq "after kill -9: the root row is still there (it goes last)" 1 "$(q pgc_erase_kill "SELECT count(*) FROM users WHERE id = 1")"
pgc erase --db "$DB" --key 1 --yes --batch-rows 50
check_eq "second run: exit 0" 0 "$RC"
check_eq "second run: the same final state as one uninterrupted erasure" "$(state pgc_erase_kill_ref)" "$(state pgc_erase_kill)"

# --- the root table references itself: users invited by user 1 ------------------
# The plan erases them (ON DELETE CASCADE); the root row's own DELETE must
# not take them along beyond N: they go leaves first, the root row last.
DB=$(fresh_db pgc_erase_selfroot)
psql_db pgc_erase_selfroot -c "CREATE TABLE users (id int PRIMARY KEY, invited_by int REFERENCES users ON DELETE CASCADE);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE deleted_log (xid bigint, tbl text, r jsonb);
CREATE FUNCTION log_delete() RETURNS trigger LANGUAGE plpgsql AS
	\$\$BEGIN INSERT INTO deleted_log VALUES (txid_current(), TG_TABLE_NAME, to_jsonb(OLD)); RETURN OLD; END\$\$;
CREATE TRIGGER l AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION log_delete();
CREATE TRIGGER l AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION log_delete();
INSERT INTO users VALUES (1, NULL), (2, 1), (3, 1), (4, 2), (5, 4), (6, NULL), (7, 3), (8, 1);
INSERT INTO posts SELECT g, 1 + g % 8 FROM generate_series(1, 40) g;"
pgc erase --db "$DB" --key 1 --dry-run --format json
jq -r '.tables[] | "\(.table) \(.delete)"' "$TMP/out" | sort >"$TMP/self.plan"
PGCASCADE_RECEIPT_SALT=s pgc erase --db "$DB" --key 1 --yes --batch-rows 2 --receipt "$TMP/self.json"
check_eq "self-referencing root, batches: exit 0, only user 6 and its posts left" "0 6 5" \
	"$RC $(q pgc_erase_selfroot "SELECT string_agg(id::text, ',') FROM users") $(q pgc_erase_selfroot "SELECT count(*) FROM posts")"
check_eq "self-referencing root: the largest transaction deleted at most 2 rows (trigger count)" "t" \
	"$(q pgc_erase_selfroot "SELECT max(n) <= 2 FROM (SELECT count(*) AS n FROM deleted_log GROUP BY xid) c")"
jq -r '.tables[] | "\(.table) \(.deleted)"' "$TMP/self.json" | sort >"$TMP/self.receipt"
check_files "self-referencing root: the receipt's deleted counts = the dry run's (invited users included)" "$TMP/self.plan" "$TMP/self.receipt"

# --- ON DELETE SET NULL: B's 30 likes on A's 2 notes --------------------------
# The notes' DELETE would write 32 rows in one transaction (2 deleted, 30
# set to NULL); the likes go to NULL first, at most N per transaction.
DB=$(fresh_db pgc_erase_setnull)
psql_db pgc_erase_setnull -c "CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE notes (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE likes (id int PRIMARY KEY, note_id int REFERENCES notes ON DELETE SET NULL, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE written_log (xid bigint, tbl text);
CREATE FUNCTION log_write() RETURNS trigger LANGUAGE plpgsql AS
	\$\$BEGIN INSERT INTO written_log VALUES (txid_current(), TG_TABLE_NAME); RETURN NULL; END\$\$;
CREATE TRIGGER l AFTER DELETE OR UPDATE ON users FOR EACH ROW EXECUTE FUNCTION log_write();
CREATE TRIGGER l AFTER DELETE OR UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION log_write();
CREATE TRIGGER l AFTER DELETE OR UPDATE ON likes FOR EACH ROW EXECUTE FUNCTION log_write();
INSERT INTO users VALUES (1), (2);
INSERT INTO notes VALUES (10, 1), (11, 1), (20, 2);
INSERT INTO likes SELECT g, 10 + g % 2, 2 FROM generate_series(1, 30) g;
INSERT INTO likes VALUES (31, 20, 1), (32, 10, 1);"
pgc erase --db "$DB" --key 1 --yes --batch-rows 5
check_eq "SET NULL, batches: exit 0; B's 30 likes kept with note_id NULL, A's gone, B's note kept" "0 30 30 20" \
	"$RC $(q pgc_erase_setnull "SELECT count(*) FROM likes WHERE user_id = 2") $(q pgc_erase_setnull "SELECT count(*) FROM likes WHERE note_id IS NULL") $(q pgc_erase_setnull "SELECT string_agg(id::text, ',') FROM notes")"
check_eq "SET NULL, batches: no transaction wrote more than 5 rows, updates included (trigger count)" "t" \
	"$(q pgc_erase_setnull "SELECT max(n) <= 5 FROM (SELECT count(*) AS n FROM written_log GROUP BY xid) c")"

psql -X -q -d postgres -c "DROP DATABASE pgc_erase_batch" -c "DROP DATABASE pgc_erase_batch_ref" -c "DROP DATABASE pgc_erase_kill" -c "DROP DATABASE pgc_erase_kill_ref" -c "DROP DATABASE pgc_erase_selfroot" -c "DROP DATABASE pgc_erase_setnull"
