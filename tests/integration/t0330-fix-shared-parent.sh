#!/usr/bin/env bash
# t0330-fix-shared-parent.sh - cascade-deletes-other-owners and
# fix --shared-parent, with PostgreSQL as the oracle: the workspace example
# (workspaces.created_by -> users, messages.workspace_id -> workspaces,
# messages.author_id -> users). User 1 creates workspace 10; user 2 writes
# message 100 in it.
#   - audit and lint report the rule (table messages, constraint
#     messages_workspace_id_fkey, path from users), JSON and SARIF;
#   - default fix (cascade): the header lists the path; PostgreSQL deletes
#     user 2's message with user 1, as the warning says;
#   - --shared-parent=set-null: workspaces.created_by becomes ON DELETE SET
#     NULL; deleting user 1 keeps workspace 10 (created_by NULL) and user 2's
#     message; the down file restores the constraint;
#   - --shared-parent=leave: a NO ACTION messages.workspace_id stays NO ACTION.
source "$(dirname "$0")/../lib/tap.sh"
plan 25

cat >"$TMP/ws.sql" <<'SQL'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE workspaces (id int PRIMARY KEY, created_by int REFERENCES users ON DELETE CASCADE);
CREATE TABLE messages (id int PRIMARY KEY, workspace_id int NOT NULL REFERENCES workspaces,
                       author_id int NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE sessions (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users);
SQL
SEED="INSERT INTO users VALUES (1), (2);
INSERT INTO workspaces VALUES (10, 1);
INSERT INTO messages VALUES (100, 10, 2), (101, 10, 1);"

pgc audit --format json "$TMP/ws.sql"
check_eq "audit: exit 1 (fk-blocks-delete on workspace_id)" 1 "$RC"
check_eq "audit json: table, constraint, path, severity" \
	'messages messages_workspace_id_fkey workspaces_created_by_fkey,messages_workspace_id_fkey warning' \
	"$(jq -r '.findings[] | select(.rule == "cascade-deletes-other-owners") | "\(.table) \(.constraint) \(.path | join(",")) \(.severity)"' "$TMP/out")"
pgc audit "$TMP/ws.sql"
check_contains "audit text: says whose rows" "deleting a row of users also deletes the rows of messages that belong to other users (messages.author_id), once this edge cascades [cascade-deletes-other-owners]" "$TMP/out"
pgc lint --format sarif "$TMP/ws.sql"
check_eq "lint sarif: the rule is registered and reported" "cascade-deletes-other-owners" \
	"$(jq -r '[.runs[0].results[] | select(.ruleId == "cascade-deletes-other-owners") | .ruleId][0]' "$TMP/out")"
check_eq "lint sarif: rule metadata present" 1 \
	"$(jq '[.runs[0].tool.driver.rules[] | select(.id == "cascade-deletes-other-owners")] | length' "$TMP/out")"
printf '[rules]\ncascade-deletes-other-owners = off\n' >"$TMP/off.ini"
pgc lint --config "$TMP/off.ini" --format json "$TMP/ws.sql"
check_eq "lint: the rule can be switched off" 0 \
	"$(jq '[.findings[] | select(.rule == "cascade-deletes-other-owners")] | length' "$TMP/out" 2>/dev/null || echo x)"

# fix --check names the action each change gets (counted in the SQL the fix writes)
pgc fix --dialect postgres --shared-parent=set-null "$TMP/ws.sql"
ncas=$(grep -c '^[[:space:]]*ADD CONSTRAINT .* ON DELETE CASCADE' "$TMP/out")
nsn=$(grep -c '^[[:space:]]*ADD CONSTRAINT .* ON DELETE SET NULL' "$TMP/out")
pgc fix --check --dialect postgres --shared-parent=set-null "$TMP/ws.sql"
check_contains "fix --check --shared-parent=set-null: the real target actions" \
	"pgcascade: fix needed: $((ncas + nsn)) foreign keys to re-create ($ncas with ON DELETE CASCADE, $nsn with ON DELETE SET NULL)" "$TMP/err"

run_case() { # MODE: applies the fix for MODE, seeds, deletes user 1
	local mode=$1 db="pgc_t0330_${1//-/_}"
	fresh_db "$db" >/dev/null || { not_ok "$mode: create database"; return 1; }
	psql_db "$db" -f "$TMP/ws.sql" >/dev/null
	mkdir -p "$TMP/$mode"
	pgc fix --quiet --dialect postgres --shared-parent="$mode" --out "$TMP/$mode" --name 900-fix.sql "$TMP/ws.sql"
	check_eq "$mode: fix exits 0" 0 "$RC"
	for f in 900-fix.sql 901-fix-validate.sql; do
		[ -f "$TMP/$mode/$f" ] || continue
		psql_db "$db" -1 -f "$TMP/$mode/$f" >"$TMP/apply.out" 2>&1 || { not_ok "$mode: $f applies"; sed 's/^/#   /' "$TMP/apply.out" | head; }
	done
	psql_db "$db" -c "$SEED" >/dev/null
	DELETE_OUT=$(psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c "DELETE FROM users WHERE id = 1" 2>&1)
	STATE=$(psql -X -At -d "$db" -c "SELECT (SELECT coalesce(string_agg(id || ':' || coalesce(created_by::text, 'NULL'), ','), '-') FROM workspaces)
	                                      || ' ' || (SELECT coalesce(string_agg(id::text, ',' ORDER BY id), '-') FROM messages)")
}

run_case cascade
check_contains "cascade: the header lists the path" \
	"public.messages.messages_workspace_id_fkey: rows of public.messages that belong to other owners (author_id)" "$TMP/cascade/900-fix.sql"
check_contains "cascade: the header offers SET NULL on the start edge" \
	"offered: ON DELETE SET NULL on public.workspaces.workspaces_created_by_fkey keeps them" "$TMP/cascade/900-fix.sql"
check_contains "cascade: fix warns on stderr" "cascade-deletes-other-owners" "$TMP/err"
check_eq "cascade: deleting user 1 succeeds" "" "$(grep ERROR <<<"$DELETE_OUT")"
check_eq "cascade: PostgreSQL deleted user 2's message 100 with user 1's workspace (what the rule says)" "- -" "$STATE"

run_case set-null
check_contains "set-null: the start edge is re-created ON DELETE SET NULL" \
	"ADD CONSTRAINT workspaces_created_by_fkey FOREIGN KEY (created_by) REFERENCES public.users (id) ON DELETE SET NULL NOT VALID" \
	"$TMP/set-null/900-fix.sql"
check_eq "set-null: messages.workspace_id is not re-created (workspaces left the closure)" 0 \
	"$(grep -c 'ADD CONSTRAINT messages_workspace_id_fkey' "$TMP/set-null/900-fix.sql")"
check_eq "set-null: deleting user 1 succeeds" "" "$(grep ERROR <<<"$DELETE_OUT")"
check_eq "set-null: workspace 10 stays with created_by NULL; user 2's message 100 stays, user 1's 101 is gone" \
	"10:NULL 100" "$STATE"
psql_db pgc_t0330_set_null -1 -f "$TMP/set-null/900-fix.down.sql" >/dev/null 2>&1 &&
	check_eq "set-null: the down file restores ON DELETE CASCADE" "c" \
		"$(psql -X -At -d pgc_t0330_set_null -c "SELECT confdeltype FROM pg_constraint WHERE conname = 'workspaces_created_by_fkey'")" ||
	not_ok "set-null: the down file applies"

run_case leave
check_contains "leave: the edge is listed as left alone" \
	"public.messages.messages_workspace_id_fkey (depth 2, blocks: always): --shared-parent=leave" "$TMP/leave/900-fix.sql"
check_eq "leave: messages.workspace_id is still NO ACTION" "a" \
	"$(psql -X -At -d pgc_t0330_leave -c "SELECT confdeltype FROM pg_constraint WHERE conname = 'messages_workspace_id_fkey'")"
check_contains "leave: so PostgreSQL refuses to delete user 1 while user 2's message is in the workspace" \
	'violates foreign key constraint "messages_workspace_id_fkey"' <(echo "$DELETE_OUT")

pgc fix --shared-parent=sometimes "$TMP/ws.sql"
check_eq "bad --shared-parent: exit 2" 2 "$RC"
check_contains "bad --shared-parent: says what is expected" "expected cascade, set-null or leave" "$TMP/err"
