#!/usr/bin/env bash
# t0860-config.sh - one policy file for every command (issue 14 item 3):
#  - .pgcascade.ini is found as git finds its configuration: from a
#    subfolder of a repository up to its root, never above it;
#  - root = posts makes audit, fix --check, verify, lint and erase all
#    work on posts; a flag beats the file, the file beats the default;
#  - --config FILE and --no-config on every command;
#  - an unknown key is an error with file:line on every command;
#  - `pgcascade config` prints each effective setting and where it came from.
# The schema has users <- posts <- comments, all ON DELETE NO ACTION: the
# closure of users holds two blocking foreign keys, that of posts one.
source "$PGC_ROOT/tests/lib/tap.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
plan 94
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"

REPO="$TMP/repo"
mkdir -p "$REPO/db/sub"
git -C "$REPO" init -q
cat >"$REPO/db/schema.sql" <<'EOF'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users (id));
CREATE INDEX ON posts (user_id);
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts (id));
CREATE INDEX ON comments (post_id);
EOF
SCHEMA="$REPO/db/schema.sql"
printf '[pgcascade]\n; the root every command uses here\nroot = posts\n' >"$REPO/.pgcascade.ini"

# root_seen CMD ARGS...: runs pgcascade CMD with ARGS and the schema, and
# prints the root table the command worked on, read from its own output.
root_seen() {
	local cmd=$1; shift
	case $cmd in
	audit)
		pgc audit --format json "$@" "$SCHEMA"
		jq -r '[.roots[].table] | join(",")' "$TMP/out" 2>/dev/null ;;
	fix)
		# fix --check counts the blocking foreign keys: 1 for posts, 2 for users
		pgc fix --check "$@" "$SCHEMA"
		case "$RC $(cat "$TMP/out" "$TMP/err" | grep -o 'fix needed: [0-9]* foreign keys\? to re-create')" in
		"1 fix needed: 1 foreign key to re-create") echo posts ;;
		"1 fix needed: 2 foreign keys to re-create") echo users ;;
		*) echo "? rc=$RC $(head -c 300 "$TMP/out" "$TMP/err")" ;;
		esac ;;
	lint)
		pgc lint "$@" "$SCHEMA"
		sed -nE 's/.*blocks DELETE FROM ([a-z_.]+).*/\1/p' "$TMP/out" | sort -u | paste -sd, ;;
	erase)
		pgc erase --emit-sql "$TMP/erase.sql" "$@" "$SCHEMA"
		sed -nE '1s/^-- pgcascade erase script for public\.([a-z_]+) .*/\1/p' "$TMP/erase.sql" ;;
	verify)
		pgc verify --format json "$@" "$SCHEMA"
		jq -r '[.roots[] | if type == "object" then (.table // .name // tostring) else . end] | join(",")' \
			"$TMP/out" 2>/dev/null ;;
	esac
}

# --- discovery: in a subfolder of the repository ---------------------------------
cd "$REPO/db/sub" || exit 1
for cmd in audit fix verify lint erase; do
	check_eq "found upwards from a subfolder: $cmd works on posts (root = posts)" posts "$(root_seen $cmd)"
done
pgc config
check_eq "config: exit 0" 0 "$RC"
check_eq "config: the file and how it was found" "# policy file: ../../.pgcascade.ini (found upwards)" \
	"$(head -1 "$TMP/out")"
check_eq "config: root from the file, with its line" "root = posts    # ../../.pgcascade.ini:3" \
	"$(grep '^root = ' "$TMP/out")"
check_eq "config: dialect from the default" "dialect = auto    # default" "$(grep '^dialect = ' "$TMP/out")"
check_eq "config: layout from the default" "layout = auto    # default" "$(grep '^layout = ' "$TMP/out")"

# --- precedence: flag > file > default, on every command ----------------------------
for cmd in audit fix verify lint erase; do
	check_eq "flag beats the file: $cmd --root users works on users" users "$(root_seen $cmd --root users)"
done
for cmd in audit fix verify lint erase; do
	check_eq "--no-config: $cmd falls back to the default root (users)" users "$(root_seen $cmd --no-config)"
done
pgc config --root users
check_eq "config --root: the flag wins, and says so" "root = users    # --root" "$(grep '^root = ' "$TMP/out")"
pgc config --no-config
check_eq "config --no-config: says so" "# no policy file (--no-config)" "$(head -1 "$TMP/out")"
check_eq "config --no-config: root from the default" "root = users    # default" "$(grep '^root = ' "$TMP/out")"

# dialect: default auto (reads postgres here), file cockroach, flag postgres
pgc audit --format json "$SCHEMA"
check_eq "dialect default: auto detects postgres" postgres "$(jq -r .dialect "$TMP/out")"
printf 'root = posts\ndialect = cockroach\nlayout = plain\n' >"$REPO/.pgcascade.ini"
pgc audit --format json "$SCHEMA"
check_eq "dialect from the file: cockroach" cockroach "$(jq -r .dialect "$TMP/out")"
pgc audit --format json --dialect postgres "$SCHEMA"
check_eq "dialect flag beats the file" postgres "$(jq -r .dialect "$TMP/out")"
pgc config --dialect postgres
check_eq "config: dialect flag" "dialect = postgres    # --dialect" "$(grep '^dialect = ' "$TMP/out")"
check_eq "config: layout from the file, line 3" "layout = plain    # ../../.pgcascade.ini:3" \
	"$(grep '^layout = ' "$TMP/out")"
pgc config --format json
check "config --format json: valid JSON" jq -e . "$TMP/out"
check_eq "config json: dialect's source" "../../.pgcascade.ini:2" \
	"$(jq -r '.settings[] | select(.key == "dialect") | .source' "$TMP/out")"
check_eq "config json: the file" "../../.pgcascade.ini" "$(jq -r .file "$TMP/out")"

# layout: a diesel folder with a stray top-level file; diesel (what auto
# detects) never applies top-level files, plain does
mkdir -p "$TMP/ds/20240101_a"
echo "CREATE TABLE a (id int);" >"$TMP/ds/extra.sql"
echo "CREATE TABLE b (id int);" >"$TMP/ds/20240101_a/up.sql"
pgc audit --list-files --no-config "$TMP/ds"
check_eq "layout default (auto: diesel): one file" 1 "$(wc -l <"$TMP/out")"
pgc audit --list-files "$TMP/ds"
check_eq "layout = plain from the file: both files" 2 "$(wc -l <"$TMP/out")"
pgc audit --list-files --layout diesel "$TMP/ds"
check_eq "--layout diesel beats the file: one file" 1 "$(wc -l <"$TMP/out")"
printf 'root = posts\n' >"$REPO/.pgcascade.ini"

# [rules] severities hold for audit as for lint (the rule ids are shared)
printf 'root = posts\n[rules]\nfk-blocks-delete = warning\n' >"$REPO/.pgcascade.ini"
pgc audit --format json "$SCHEMA"
check_eq "[rules] fk-blocks-delete = warning: audit exits 0" 0 "$RC"
check_eq "[rules]: audit's finding is a warning" '{"errors":0,"warnings":1}' \
	"$(jq -c '{errors: .summary.errors, warnings: .summary.warnings}' "$TMP/out")"
pgc lint "$SCHEMA"
check_eq "[rules]: lint exits 0 too" 0 "$RC"
pgc audit --no-config "$SCHEMA"
check_eq "[rules], --no-config: audit's error again (exit 1)" 1 "$RC"
pgc config
check_eq "config: the [rules] line with its source" \
	"$(printf '[rules]\nfk-blocks-delete = warning    # ../../.pgcascade.ini:3')" \
	"$(grep -A1 '^\[rules\]' "$TMP/out")"

# lists that add up: tolerate and [erase] retain (file, then flag)
printf 'root = posts\ntolerate = 42P07\n[erase]\nretain = comments\n' >"$REPO/.pgcascade.ini"
pgc config --tolerate 42710 --retain posts
check_eq "config: tolerate from the file and the flag" \
	"$(printf 'tolerate = 42P07    # ../../.pgcascade.ini:2\ntolerate = 42710    # --tolerate')" \
	"$(grep '^tolerate = ' "$TMP/out")"
check_eq "config: [erase] retain from the file and the flag" \
	"$(printf 'retain = comments    # ../../.pgcascade.ini:4\nretain = posts    # --retain')" \
	"$(sed -n '/^\[erase\]/,$p' "$TMP/out" | grep '^retain = ')"
printf 'root = posts\n' >"$REPO/.pgcascade.ini"

# --- --config FILE on every command, from a folder with no policy file -----------
mkdir -p "$TMP/elsewhere"
printf '# another policy\n\nroot = posts\n' >"$TMP/other.ini"
cd "$TMP/elsewhere" || exit 1
for cmd in audit fix verify lint erase; do
	check_eq "no file found here: $cmd uses the default root" users "$(root_seen $cmd)"
	check_eq "--config FILE: $cmd works on posts" posts "$(root_seen $cmd --config "$TMP/other.ini")"
done
pgc config --config "$TMP/other.ini"
check_eq "config --config: names the file" "# policy file: $TMP/other.ini (--config)" "$(head -1 "$TMP/out")"
check_eq "config --config: root with its line" "root = posts    # $TMP/other.ini:3" "$(grep '^root = ' "$TMP/out")"
pgc config
check_eq "config, nothing found" "# no policy file (none found from here up to the repository root)" \
	"$(head -1 "$TMP/out")"
for cmd in audit lint; do
	check_eq "$cmd --config FILE --no-config: the last wins (none)" users \
		"$(root_seen $cmd --config "$TMP/other.ini" --no-config)"
	check_eq "$cmd --no-config --config FILE: the last wins (FILE)" posts \
		"$(root_seen $cmd --no-config --config "$TMP/other.ini")"
done
pgc config --config "$TMP/other.ini" --no-config
check_eq "config --config FILE --no-config: none" "# no policy file (--no-config)" "$(head -1 "$TMP/out")"
pgc config --config /nonexistent/p.ini
check_eq "config --config with a missing file: exit 2, names it" \
	"2 pgcascade: error: /nonexistent/p.ini: cannot read the policy file: no such file or directory" \
	"$RC $(cat "$TMP/err")"

# --- not above the repository root ------------------------------------------------
mkdir -p "$TMP/outer/repo2/sub" "$TMP/outer/plain/sub"
git -C "$TMP/outer/repo2" init -q
printf 'root = posts\n' >"$TMP/outer/.pgcascade.ini"
cd "$TMP/outer/repo2/sub" || exit 1
check_eq "above the repository root: not read (audit)" users "$(root_seen audit)"
check_eq "above the repository root: not read (lint)" users "$(root_seen lint)"
pgc config
check_eq "above the repository root: config says none found" \
	"# no policy file (none found from here up to the repository root)" "$(head -1 "$TMP/out")"
touch "$TMP/outer/repo2/.pgcascade.ini"
pgc config
check_eq "at the repository root: found (an empty file)" "# policy file: ../.pgcascade.ini (found upwards)" \
	"$(head -1 "$TMP/out")"
rm "$TMP/outer/repo2/.pgcascade.ini"
# a worktree's .git is a file: it stops the walk too
rm -rf "$TMP/outer/repo2/.git" && echo "gitdir: /nonexistent" >"$TMP/outer/repo2/.git"
check_eq "a .git file (worktree) also marks the repository root" users "$(root_seen audit)"
cd "$TMP/outer/plain/sub" || exit 1
check_eq "outside any repository: found further up (control)" posts "$(root_seen audit)"

# --- an unknown key: file:line on every command ------------------------------------
printf 'root = posts\n[pgcascade]\nrooot = users\n' >"$TMP/bad.ini"
for cmd in audit fix verify lint erase config; do
	pgc "$cmd" --config "$TMP/bad.ini" "$SCHEMA"
	check_eq "$cmd: unknown key: exit 2" 2 "$RC"
	check_eq "$cmd: unknown key: file:line" \
		"pgcascade: error: $TMP/bad.ini:3: unknown key \"rooot\" (expected root, owner_column, dialect, layout, ignore, rules_url or tolerate)" \
		"$(cat "$TMP/err")"
done
cp "$TMP/bad.ini" "$REPO/.pgcascade.ini"
cd "$REPO/db/sub" || exit 1
pgc audit "$SCHEMA"
check_eq "discovered file with an unknown key: audit says file:line" \
	'pgcascade: error: ../../.pgcascade.ini:3: unknown key "rooot" (expected root, owner_column, dialect, layout, ignore, rules_url or tolerate)' \
	"$(cat "$TMP/err")"
pgc audit --no-config "$SCHEMA"
check_eq "--no-config skips the broken file" 1 "$RC"
printf 'layout = nosuch\n' >"$REPO/.pgcascade.ini"
pgc fix --check "$SCHEMA"
check_contains "bad layout in the file: file:line" '../../.pgcascade.ini:1: bad value "nosuch" for layout' "$TMP/err"
printf 'dialect = oracle\n' >"$REPO/.pgcascade.ini"
pgc verify "$SCHEMA"
check_eq "bad dialect in the file: verify stops before any server, file:line" \
	'2 pgcascade: error: ../../.pgcascade.ini:1: bad value "oracle" for dialect: expected postgres, cockroach or auto' \
	"$RC $(cat "$TMP/err")"

# --- the config command in the table, --help, man page, README, completions ----------
pgc --help
check_contains "--help lists config" "  config   print the effective settings" "$TMP/out"
pgc config --help
check_contains "config --help: --config" "  --config FILE" "$TMP/out"
check_contains "config --help: --format" "formats: text (default), json" "$TMP/out"
check "man page: pgcascade config in COMMANDS" bash -c "sed -n '/^.SH COMMANDS/,/^.SH OPTIONS\\|^.SH FIX/p' '$PGC_ROOT/man/pgcascade.1' | grep -q '^.B config'"
check "README: pgcascade config" grep -q 'pgcascade config' "$PGC_ROOT/README.md"
"$PGC" completion bash >"$TMP/c.bash"
check "bash completion offers config" grep -q 'config)' "$TMP/c.bash"

# config --format json against doc/schema/config.schema.json: every way the
# file is chosen, every section, lists with a flag added
mkdir -p "$TMP/cj/sub" && git -C "$TMP/cj" init -q . || not_ok "git init"
cat >"$TMP/cj/.pgcascade.ini" <<'INI'
root = posts
owner_column = author_id
tolerate = 42P07
ignore = legacy/
[rules]
fk-unindexed = off
[on_delete]
teams = set null
[erase]
retain = audit_log
INI
(cd "$TMP/cj/sub" && "$PGC" config --format json --tolerate 0A000 --retain b --dialect postgres) >"$TMP/out" 2>"$TMP/err"
schema_keep config "$TMP/out" "config --format json (found upwards, every section, flags)"
(cd "$TMP/cj" && "$PGC" config --format json --config .pgcascade.ini) >"$TMP/out" 2>"$TMP/err"
schema_keep config "$TMP/out" "config --format json --config FILE"
(cd "$TMP/cj" && "$PGC" config --format json --no-config) >"$TMP/out" 2>"$TMP/err"
schema_keep config "$TMP/out" "config --format json --no-config"
rm "$TMP/cj/.pgcascade.ini"
(cd "$TMP/cj" && "$PGC" config --format json) >"$TMP/out" 2>"$TMP/err"
schema_keep config "$TMP/out" "config --format json (none found)"
schema_validate
check_contains "README links the config schema" "doc/schema/config.schema.json" "$PGC_ROOT/README.md"
check_eq "no leftover verify cluster" "" "$(ls -A "$TMPDIR")"
