#!/usr/bin/env bash
# t0510-lint-since.sh - `lint --since REV` in a real temporary git
# repository, on the bundled example project (examples/skytwin,
# CockroachDB dialect): a new migration with REFERENCES users(id) and no
# ON DELETE fails with the caret under the REFERENCES clause and flags no
# other file; a reasoned ignore passes; ON DELETE CASCADE plus an index
# passes. Also: run from a subdirectory, modified files, working-tree
# changes, and the errors (bad revision, not a repository).
source "$PGC_ROOT/tests/lib/tap.sh"
plan 40
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com
export GIT_CONFIG_NOSYSTEM=1 HOME="$TMP"
REPO="$TMP/repo"
mkdir -p "$REPO/db"
cp -R "$PGC_ROOT/examples/skytwin/schema.sql" "$PGC_ROOT/examples/skytwin/migrations" "$REPO/db/"
git -C "$REPO" init -q -b main
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "example project"

# lint_in DIR ARGS...: runs lint with DIR as working directory.
lint_in() {
	local dir=$1; shift
	(cd "$dir" && "$PGC" lint "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
	RC=$(cat "$TMP/rc")
	if [ "$RC" -ge 98 ]; then echo "# sanitizer report:"; sed 's/^/#   /' "$TMP/err" | head -30; fi
}

# commit_migration NAME TEXT: adds (or replaces) a migration and commits it.
commit_migration() {
	printf '%s' "$2" >"$REPO/db/migrations/$1"
	git -C "$REPO" add -A
	git -C "$REPO" commit -q -m "$1"
}

# caret_line FILE NEEDLE LEN: the text format's caret line for the first
# line of FILE containing NEEDLE, underlining LEN bytes from NEEDLE.
caret_line() {
	local line col n
	line=$(grep -n -F -- "$2" "$1" | head -1 | cut -d: -f1)
	col=$(awk -v n="$line" -v s="$2" 'NR == n { print index($0, s) }' "$1")
	n=${#line}
	printf '%*s | %*s%s' "$n" "" "$((col - 1))" "" "$(printf '^%.0s' $(seq 1 "$3"))"
	echo
	echo "$line:$col" >"$TMP/place"
}

# 1. The example itself, everything new: the seed issue's blockers are errors.
lint_in "$REPO" --format gcc db/schema.sql db/migrations
check_eq "example: all files, error findings exit 1" 1 "$RC"
check_contains "example: oauth_tokens blocks the delete" "db/migrations/002-oauth-tokens.sql" "$TMP/out"

# 2. Nothing changed since HEAD: nothing to report.
lint_in "$REPO" --since HEAD db/schema.sql db/migrations
check_eq "no change since HEAD: exit 0" 0 "$RC"
check_contains "no change since HEAD: 0 files checked" "0 files checked: no findings" "$TMP/out"

# 3. A new migration referencing users without ON DELETE.
BAD='-- Notes written by a user.
CREATE TABLE IF NOT EXISTS user_notes (
    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id UUID NOT NULL REFERENCES users(id),
    body STRING NOT NULL,
    INDEX (user_id)
);
'
commit_migration 060-user-notes.sql "$BAD"
F="$REPO/db/migrations/060-user-notes.sql"
caret_line "$F" "REFERENCES users(id)" 20 >"$TMP/caret"
lint_in "$REPO" --since HEAD~1 db/schema.sql db/migrations
check_eq "new REFERENCES users(id) without ON DELETE: exit 1" 1 "$RC"
check_contains "text: the error names the rule" "error[fk-blocks-delete]" "$TMP/out"
check_contains "text: the place is the REFERENCES clause" "--> db/migrations/060-user-notes.sql:$(cat "$TMP/place")" "$TMP/out"
check_contains "text: the caret is under REFERENCES users(id)" "$(cat "$TMP/caret")" "$TMP/out"
check_contains "text: the help adds ON DELETE CASCADE" "= help: + ON DELETE CASCADE" "$TMP/out"
check_contains "text: one file checked" "1 file checked: 1 error" "$TMP/out"
lint_in "$REPO" --since HEAD~1 --format gcc db/schema.sql db/migrations
check_eq "gcc: exactly one finding" 1 "$(grep -c . "$TMP/out")"
check_contains "gcc: file:line:col of the REFERENCES clause" "db/migrations/060-user-notes.sql:$(cat "$TMP/place"): error:" "$TMP/out"
check_eq "gcc: no other file is flagged" "" "$(grep -v '^db/migrations/060-user-notes.sql:' "$TMP/out")"

# 4. From a subdirectory: git's paths are relative to the repository root.
lint_in "$REPO/db/migrations" --since HEAD~1 --format gcc ../schema.sql .
check_eq "from a subdirectory: exit 1" 1 "$RC"
check_contains "from a subdirectory: the new file is flagged" "060-user-notes.sql:$(cat "$TMP/place"): error:" "$TMP/out"
check_eq "from a subdirectory: one finding" 1 "$(grep -c . "$TMP/out")"

# GitHub maps annotation and SARIF paths from the repository root.
lint_in "$REPO/db/migrations" --since HEAD~1 --format github ../schema.sql .
check_contains "github from a subdirectory: path from the repository root" "::error file=db/migrations/060-user-notes.sql,line=" "$TMP/out"
lint_in "$REPO/db/migrations" --format sarif ../schema.sql 060-user-notes.sql
check_contains "sarif from a subdirectory (no --since): uri from the repository root" '"uri": "db/migrations/060-user-notes.sql"' "$TMP/out"

# 5. The same migration with a reasoned ignore.
commit_migration 060-user-notes.sql "${BAD/CREATE TABLE/-- pgcascade:ignore fk-blocks-delete notes are kept for the legal hold
CREATE TABLE}"
lint_in "$REPO" --since HEAD~2 db/schema.sql db/migrations
check_eq "reasoned ignore: exit 0" 0 "$RC"
check_contains "reasoned ignore: counted as suppressed" "1 file checked: no findings (1 suppressed)" "$TMP/out"

# 6. The same migration without a reason: still silenced, but a warning.
commit_migration 060-user-notes.sql "${BAD/CREATE TABLE/-- pgcascade:ignore fk-blocks-delete
CREATE TABLE}"
lint_in "$REPO" --since HEAD~3 --format gcc db/schema.sql db/migrations
check_eq "ignore without a reason: exit 0 (a warning)" 0 "$RC"
check_contains "ignore without a reason: warned" "warning: pgcascade:ignore fk-blocks-delete gives no reason [suppression-no-reason]" "$TMP/out"

# 7. ON DELETE CASCADE and an index: clean, and fk-unindexed is quiet.
commit_migration 060-user-notes.sql "${BAD/REFERENCES users(id)/REFERENCES users(id) ON DELETE CASCADE}"
lint_in "$REPO" --since HEAD~4 --format gcc db/schema.sql db/migrations
check_eq "ON DELETE CASCADE with an index: exit 0" 0 "$RC"
check_eq "ON DELETE CASCADE with an index: no finding" "" "$(cat "$TMP/out")"

# 8. ON DELETE CASCADE without an index: a warning with CockroachDB's index form.
commit_migration 060-user-notes.sql "$(printf '%s' "${BAD/REFERENCES users(id)/REFERENCES users(id) ON DELETE CASCADE}" | grep -v 'INDEX (user_id)' | sed 's/body STRING NOT NULL,/body STRING NOT NULL/')
"
lint_in "$REPO" --since HEAD~1 db/schema.sql db/migrations
check_eq "no index: exit 0 (a warning)" 0 "$RC"
check_contains "no index: fk-unindexed" "warning[fk-unindexed]" "$TMP/out"
check_contains "no index: CockroachDB's CREATE INDEX in the help" "help: CREATE INDEX ON user_notes (user_id);" "$TMP/out"

# 9. An uncommitted edit of a tracked file counts (git diff compares the work tree).
printf '\nCREATE TABLE IF NOT EXISTS user_tags (user_id UUID REFERENCES users(id), INDEX (user_id));\n' >>"$REPO/db/migrations/059-user-devices.sql"
lint_in "$REPO" --since HEAD --format gcc db/schema.sql db/migrations
check_eq "uncommitted edit of 059: exit 1" 1 "$RC"
check_contains "uncommitted edit of 059: flagged" "db/migrations/059-user-devices.sql:" "$TMP/out"
check_eq "uncommitted edit of 059: only 059 is flagged" "" "$(grep -v '^db/migrations/059-user-devices.sql:' "$TMP/out")"
git -C "$REPO" checkout -q -- db/migrations/059-user-devices.sql

# 9b. A new migration not yet added to git counts, and lint says so; an
# untracked file outside the given paths does not.
printf 'CREATE TABLE user_pins (id UUID PRIMARY KEY, user_id UUID REFERENCES users(id), INDEX (user_id));\n' \
	>"$REPO/db/migrations/061-user-pins.sql"
printf 'CREATE TABLE elsewhere (user_id UUID REFERENCES users(id));\n' >"$REPO/scratch.sql"
printf 'DROP TABLE user_pins;\n' >"$REPO/db/migrations/061-user-pins.down.sql"
lint_in "$REPO" --since HEAD --format gcc db/schema.sql db/migrations
check_eq "untracked new migration: exit 1" 1 "$RC"
check_contains "untracked new migration: flagged" "db/migrations/061-user-pins.sql:1:" "$TMP/out"
check_contains "untracked new migration: lint says it checks it" \
	"pgcascade: --since HEAD: also checking the untracked file db/migrations/061-user-pins.sql" "$TMP/err"
check_eq "untracked: only the file under the given paths" "" "$(grep -v '^db/migrations/061-user-pins.sql:' "$TMP/out")"
check_eq "untracked down file (never run, not read): not named as checked" "" "$(grep 'down.sql' "$TMP/err")"
rm -f "$REPO/db/migrations/061-user-pins.sql" "$REPO/db/migrations/061-user-pins.down.sql" "$REPO/scratch.sql"

# 10. Errors: a bad revision, outside a repository, a revision that looks like an option.
lint_in "$REPO" --since no-such-rev db/schema.sql db/migrations
check_eq "bad revision: exit 2" 2 "$RC"
check_contains "bad revision: says so" 'pgcascade: error: invalid --since "no-such-rev": not a commit of the repository' "$TMP/err"
mkdir -p "$TMP/norepo"
cp "$REPO/db/schema.sql" "$TMP/norepo/"
lint_in "$TMP/norepo" --since HEAD schema.sql
check_eq "not a repository: exit 2" 2 "$RC"
check_contains "not a repository: says git failed" '"git rev-parse --show-toplevel" failed' "$TMP/err"
lint_in "$REPO" --since=--output=/tmp/x db/schema.sql
check_eq "a revision starting with '-' is refused: exit 2" 2 "$RC"
