#!/usr/bin/env bash
# t0420-verify-owners.sh - verify's two-owner proof (issue 9) and live mode
# changing nothing (issue 12 item 4), with PostgreSQL as the oracle:
#   - per fixture (tests/fixtures/verify/owners/): --with-fix passes; the fix
#     with one cascading edge put back to NO ACTION (FIXTURE-weaken.sql, an
#     --extra) fails and names that edge; PostgreSQL itself confirms the
#     weakened edge is NO ACTION and (where it matters) that the delete of A
#     with B's rows pointing at A's fails on exactly that constraint;
#   - the issue's three-table schema: fails without the fix, naming
#     note_comments_note_id_fkey;
#   - cross-owner rows exist, B's rows removed only through cascade paths,
#     SET NULL rows kept with the column nulled; triggers that remove B's
#     rows or undo a SET NULL make the proof fail ((c), (d));
#   - an owner column without FK: A's rows there fail the proof unless the
#     table is retained (--retain, [erase] retain), listed as retained;
#   - a root key that cannot hold two values: one owner, said so;
#   - live mode: sequences (last_value, is_called) and row counts unchanged;
#     a lock held by another session makes verify --db exit 3;
#     --lock-timeout is checked before anything runs.
source "$PGC_ROOT/tests/lib/tap.sh"
# 6 fixtures x 8 checks, 16 --lock-timeout values, 48 other checks
plan 112
OWN="$FIXTURES/verify/owners"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
cd "$TMP" || exit 1   # no policy file of the repository is found from here
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }
show_err() { sed 's/^/#   /' "$TMP/err" | head -10; sed 's/^/#   /' "$TMP/out" | head -30; }

# --- every fixture: --with-fix passes; a weakened fix fails naming the edge --
declare -A WEAK=([notes]=note_comments_note_id_fkey [workspace]=messages_workspace_id_fkey
	[composite]=projects_user_id_fkey [selfref]=comments_parent_id_fkey
	[setnull]=revisions_note_id_fkey [escape]=posts_user_id_fkey)
declare -A EXTRA=([escape]="--retain audit.log")
for name in notes workspace composite selfref setnull escape; do
	# shellcheck disable=SC2086
	pgc verify --format json --with-fix ${EXTRA[$name]:-} "$OWN/$name.sql"
	check_eq "$name: --with-fix passes" 0 "$RC"
	[ "$RC" -eq 0 ] || show_err
	check_eq "$name: two owners" 2 "$(j '.roots[0].owners')"
	check_eq "$name: none of A's rows left" 0 "$(j '[.tables[] | select(.retained | not) | .left] | add')"
	check_eq "$name: B's root row kept" 0 "$(j '.tables[] | select(.table == "users") | .other_removed')"
	check_eq "$name: no unexplained removal, no SET NULL left undone" 0 "$(j '.problems | length')"
	# shellcheck disable=SC2086
	pgc verify --format json --with-fix ${EXTRA[$name]:-} --extra "$OWN/$name-weaken.sql" "$OWN/$name.sql"
	check_eq "$name: weakened fix fails" 1 "$RC"
	check_contains "$name: weakened fix: the message names ${WEAK[$name]}" "${WEAK[$name]}" "$TMP/out"
	# PostgreSQL: the same fix and weakening leave that edge NO ACTION
	db=$(fresh_db "t0420_$name")
	psql_db "t0420_$name" -f "$OWN/$name.sql" >/dev/null
	"$PGC" fix "$OWN/$name.sql" >"$TMP/fix.sql" 2>/dev/null
	psql_db "t0420_$name" -f "$TMP/fix.sql" >/dev/null 2>"$TMP/psql.err"
	psql_db "t0420_$name" -f "$OWN/$name-weaken.sql" >/dev/null 2>>"$TMP/psql.err"
	check_eq "$name: PostgreSQL: ${WEAK[$name]} is NO ACTION after the weakening" a \
		"$(psql_db "t0420_$name" -At -c "SELECT confdeltype FROM pg_constraint WHERE conname = '${WEAK[$name]}'")"
done

# --- the issue's schema: without the fix it fails, naming the comment edge -----
pgc verify --format json "$OWN/notes.sql"
check_eq "notes without fix: exit 1" 1 "$RC"
check_contains "notes without fix: names note_comments_note_id_fkey" note_comments_note_id_fkey "$TMP/out"
# with the weakened fix the DATA proof fails on that constraint (B's comment on A's note) ...
pgc verify --format json --with-fix --extra "$OWN/notes-weaken.sql" "$OWN/notes.sql"
check_eq "notes weakened: the delete of A fails on note_comments_note_id_fkey" note_comments_note_id_fkey \
	"$(j .error.constraint)"
check_eq "notes weakened: SQLSTATE 23503" 23503 "$(j .error.sqlstate)"
# ... and so does PostgreSQL with the issue's rows (user 2 comments on user 1's note)
psql_db t0420_notes -c "INSERT INTO users VALUES (1), (2)" -c "INSERT INTO notes VALUES (10, 1)" \
	-c "INSERT INTO note_comments VALUES (100, 10, 2)" >/dev/null
psql_db t0420_notes -c "DELETE FROM users WHERE id = 1" >/dev/null 2>"$TMP/pg.err"
check_contains "notes weakened: PostgreSQL fails on the same constraint" \
	'violates foreign key constraint "note_comments_note_id_fkey"' "$TMP/pg.err"
# with the full fix: B's comment on A's note goes with the note; A's comment on B's note goes too
pgc verify --format json --with-fix "$OWN/notes.sql"
check "notes with fix: cross-owner rows were seeded" test "$(j '.roots[0].cross_rows')" -ge 2
check_eq "notes with fix: B's comment on A's note removed by the cascade (and only that)" 1 \
	"$(j '.tables[] | select(.table == "note_comments") | .other_removed')"
check_eq "notes with fix: B's note kept" 0 "$(j '.tables[] | select(.table == "notes") | .other_removed')"
check_eq "notes with fix: the verdict lists both checks" "static data-two-owners" "$(j '.roots[0].checks | join(" ")')"
pgc verify --with-fix "$OWN/notes.sql"
check_contains "notes text: the static check is named" "checks: static - NO ACTION / RESTRICT edges left inside the closure: 0" "$TMP/out"
check_contains "notes text: the data proof is named" "data - two owners" "$TMP/out"

# --- workspace: deleting the creator removes the members' messages; PostgreSQL agrees
pgc verify --format json "$OWN/workspace.sql"
check_eq "workspace: passes (every edge cascades)" 0 "$RC"
ws_removed=$(j '.tables[] | select(.table == "messages") | .other_removed')
check "workspace: B's messages in A's workspace removed ($ws_removed), reported" test "${ws_removed:-0}" -ge 1
psql_db t0420_workspace -c "DROP TABLE messages, memberships, workspaces, users" -f "$OWN/workspace.sql" \
	-c "INSERT INTO users VALUES (1, 'a'), (2, 'b')" -c "INSERT INTO workspaces VALUES (10, 1)" \
	-c "INSERT INTO messages (workspace_id, author_id, body) VALUES (10, 2, 'hi')" \
	-c "DELETE FROM users WHERE id = 1" >/dev/null
check_eq "workspace: PostgreSQL removes B's message in A's workspace too" 0 \
	"$(psql_db t0420_workspace -At -c "SELECT count(*) FROM messages WHERE author_id = 2")"

# --- composite same-owner key: no cross-owner row can exist, PostgreSQL agrees --
pgc verify --format json --with-fix "$OWN/composite.sql"
check_eq "composite: the constraints allow no cross-owner task" "0 true" \
	"$(j '"\(.roots[0].cross_rows) \(.roots[0].cross_skipped >= 2)"')"
psql_db t0420_composite -c "DROP TABLE tasks, projects, users" -f "$OWN/composite.sql" \
	-c "INSERT INTO users VALUES (1), (2)" -c "INSERT INTO projects VALUES (1, 10)" >/dev/null
psql_db t0420_composite -c "INSERT INTO tasks VALUES (100, 2, 10)" >/dev/null 2>"$TMP/pg.err"
check_contains "composite: PostgreSQL refuses B's task in A's project" tasks_project_fkey "$TMP/pg.err"

# --- self-reference: B's reply to A's comment goes with A's comment ------------
pgc verify --format json --with-fix "$OWN/selfref.sql"
check_eq "selfref: B's reply to A's comment removed through comments_parent_id_fkey" true \
	"$(j '[.tables[] | select(.table == "comments") | .other_removed] | add >= 1')"

# --- SET NULL: B's rows stay with the column nulled ----------------------------
pgc verify --format json "$OWN/setnull.sql"
check_eq "setnull: passes" 0 "$RC"
[ "$RC" -eq 0 ] || show_err
check "setnull: B's rows referencing A through SET NULL edges were seeded" \
	test "$(j '[.tables[] | select(.table == "notes" or .table == "revisions") | .other_seeded] | add')" -ge 2
# (d): a trigger that puts a value back where SET NULL wrote NULL
cat "$OWN/setnull.sql" >"$TMP/undo.sql"
cat >>"$TMP/undo.sql" <<'EOF'
CREATE FUNCTION keep_editor() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.last_editor_id IS NULL AND OLD.last_editor_id IS NOT NULL THEN
		NEW.last_editor_id := NEW.user_id;
	END IF;
	RETURN NEW;
END $$;
CREATE TRIGGER keep_editor BEFORE UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION keep_editor();
EOF
pgc verify --format json "$TMP/undo.sql"
check_eq "setnull undone by a trigger: exit 1" 1 "$RC"
check_eq "setnull undone: check (d) names the edge" "d notes_last_editor_id_fkey" \
	"$(j '.problems[] | "\(.check) \(.constraint)"' | sort -u | head -1)"
# (c): a trigger that removes B's rows, which no cascade path explains
cat "$OWN/setnull.sql" >"$TMP/grab.sql"
cat >>"$TMP/grab.sql" <<'EOF'
CREATE FUNCTION purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM revisions WHERE editor_id IS NULL OR editor_id <> OLD.id;
	RETURN OLD;
END $$;
CREATE TRIGGER purge AFTER DELETE ON users FOR EACH ROW EXECUTE FUNCTION purge();
EOF
pgc verify --format json "$TMP/grab.sql"
check_eq "rows removed by a trigger: exit 1" 1 "$RC"
check_eq "rows removed by a trigger: check (c) names revisions" revisions \
	"$(j '[.problems[] | select(.check == "c") | .table] | unique | join(",")')"

# --- rows that escape: owner column without FK --------------------------------
pgc verify --format json "$OWN/escape.sql"
check_eq "escape: A's audit.log row survives: exit 1" 1 "$RC"
check_eq "escape: audit.log seeded through its owner column" "user_id 1 1" \
	"$(j '.tables[] | select(.table == "log") | "\(.owner_column) \(.seeded) \(.left)"')"
check_eq "escape: not retained" false "$(j '.tables[] | select(.table == "log") | .retained')"
pgc verify --format json --retain audit.log "$OWN/escape.sql"
check_eq "escape --retain audit.log: exit 0" 0 "$RC"
check_eq "escape --retain: listed as retained" "audit.log" "$(j '.retained | join(",")')"
check_eq "escape --retain: table flagged retained" true "$(j '.tables[] | select(.table == "log") | .retained')"
pgc verify --retain audit.log "$OWN/escape.sql"
check_contains "escape --retain (text): retained shown" "retained" "$TMP/out"
printf '[erase]\nretain = audit.log\n' >"$TMP/.pgcascade.ini"
pgc verify --format json "$OWN/escape.sql"
check_eq "escape with [erase] retain in .pgcascade.ini: exit 0" 0 "$RC"
check_eq "escape with [erase] retain: listed as retained" "audit.log" "$(j '.retained | join(",")')"
pgc verify --format json --no-config "$OWN/escape.sql"
check_eq "escape --no-config: fails again" 1 "$RC"
rm -f "$TMP/.pgcascade.ini"
pgc verify --retain nosuch.table "$OWN/escape.sql"
check_eq "--retain of a missing table: exit 2" 2 "$RC"

# --- a root key that cannot hold two values ------------------------------------
cat >"$TMP/one.sql" <<'EOF'
CREATE TABLE users (id int PRIMARY KEY CHECK (id = 1));
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
EOF
pgc verify --format json "$TMP/one.sql"
check_eq "one-value CHECK: one owner" 1 "$(j '.roots[0].owners')"
check "one-value CHECK: the reason is given" test -n "$(j '.roots[0].one_owner_reason // empty')"
check_eq "one-value CHECK: the checks say one owner" "static data-one-owner" "$(j '.roots[0].checks | join(" ")')"
pgc verify "$TMP/one.sql"
check_contains "one-value CHECK (text): ONE owner only" "ONE owner only" "$TMP/out"
cat >"$TMP/enum.sql" <<'EOF'
CREATE TYPE kind AS ENUM ('only');
CREATE TABLE users (k kind PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_k kind NOT NULL REFERENCES users ON DELETE CASCADE);
EOF
pgc verify --format json "$TMP/enum.sql"
check_eq "one-label enum key: one owner" 1 "$(j '.roots[0].owners')"

# --- live mode: sequences untouched, a lock makes it exit 3 --------------------
db=$(fresh_db t0420_live)
psql_db t0420_live -f "$OWN/workspace.sql" >/dev/null
psql_db t0420_live -c "SELECT setval('users_id_seq', 1000)" \
	-c "INSERT INTO users (email) VALUES ('ann@example.com')" \
	-c "INSERT INTO workspaces (created_by) VALUES (1001)" >/dev/null
seqs() {
	psql_db t0420_live -At -c "SELECT format('SELECT %L || '' '' || last_value || '' '' || is_called FROM %I.%I',
		schemaname || '.' || sequencename, schemaname, sequencename) FROM pg_sequences ORDER BY 1" |
		while read -r q; do psql_db t0420_live -At -c "$q"; done
}
seqs >"$TMP/seq.before"
check "live: the database has sequences to watch (serial, bigserial, identity)" test "$(wc -l <"$TMP/seq.before")" -eq 3
pgc verify --format json --db "$db"
check_eq "live workspace: exit 0" 0 "$RC"
[ "$RC" -eq 0 ] || show_err
seqs >"$TMP/seq.after"
check_files "live: every sequence's last_value and is_called unchanged" "$TMP/seq.before" "$TMP/seq.after"
check_eq "live: the rows are rolled back" "1 1" \
	"$(psql_db t0420_live -At -c "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM workspaces)")"

# another session holds a lock on a closure table
psql_db t0420_live -c "BEGIN; LOCK TABLE messages IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(30); COMMIT" \
	>/dev/null 2>&1 &
locker=$!
for _ in $(seq 50); do
	[ "$(psql_db t0420_live -At -c "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
		WHERE c.relname = 'messages' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
	sleep 0.1
done
pgc verify --db "$db" --lock-timeout 300ms
check_eq "live, table locked by another session: exit 3" 3 "$RC"
check_contains "live, locked: the message says lock timeout" "lock timeout" "$TMP/err"
kill "$locker" 2>/dev/null
psql_db postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 't0420_live' AND pid <> pg_backend_pid()" >/dev/null
wait "$locker" 2>/dev/null

pgc verify --db "$db" --lock-timeout banana
check_eq "--lock-timeout banana: exit 2" 2 "$RC"
check_contains "--lock-timeout banana: the message names the option" "invalid --lock-timeout" "$TMP/err"
# the validator agrees with PostgreSQL's own reading of lock_timeout
tiny=$(fresh_db t0420_tiny)
psql_db t0420_tiny -c "CREATE TABLE users (id int PRIMARY KEY)" >/dev/null
for v in 2s 500ms '5 min' 1.5s ' 10 ' 0 1d 3h 100us 5MIN banana -1 10x '' '5 minutes' 2147483648; do
	if psql_db t0420_tiny -c "SET lock_timeout = '$v'" >/dev/null 2>&1; then pg=accepted; else pg=refused; fi
	pgc verify --db "$tiny" --lock-timeout "$v"
	if [ "$RC" -eq 2 ]; then us=refused; else us=accepted; fi
	check_eq "--lock-timeout '$v': $pg as by PostgreSQL" "$pg" "$us"
done
check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
