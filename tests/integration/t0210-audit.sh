#!/usr/bin/env bash
# t0210-audit.sh - golden outputs of `pgcascade audit` and its exit codes.
#
# tests/golden/audit/app is a small migration history with every finding
# rule (fk-blocks-delete at depth 1 and 2, always and order-dependent,
# set-null-not-null, user-column-no-fk, parse-error, dynamic-sql);
# clean/ has none. The expected outputs live in tests/golden/audit/expect;
# regenerate them with T0210_UPDATE=1 (each rewritten golden is then a
# failure that says so: review the diff, commit, run again without it).
# The same migrations applied to PostgreSQL and read with --db must give
# the same findings (locations aside), which also checks the golden
# classification against a real catalog.
source "$(dirname "$0")/../lib/tap.sh"
plan 54

G="$PGC_ROOT/tests/golden/audit"
cd "$G" || { not_ok "golden directory"; exit 1; }

golden() { # NAME ARGS...: runs pgc, compares stdout with expect/NAME
	local name=$1; shift
	pgc "$@"
	if [ -n "${T0210_UPDATE:-}" ]; then
		cp "$TMP/out" "expect/$name"
		not_ok "audit $*: expect/$name rewritten (T0210_UPDATE): review the diff, then run without T0210_UPDATE"
		return
	fi
	check_files "audit $* matches expect/$name" "expect/$name" "$TMP/out"
}

golden app.txt audit app/migrations
check_eq "app: exit 1 (error findings)" 1 "$RC"
check_eq "app: no diagnostics on stderr" "" "$(cat "$TMP/err")"
golden app.json audit --format json app/migrations
# Beside the text golden: app.txt says what app.json says (app.json's
# findings and closure are compared with audit --db on PostgreSQL below),
# and each position points at the statement's text in the source.
jq -r '.findings[] | "\(.file):\(.line):\(.column): \(.severity): \(.message) [\(.rule)]"' expect/app.json | sort >"$TMP/json-lines"
grep -E '^[^ ]+:[0-9]+:[0-9]+: ' expect/app.txt | sort >"$TMP/txt-lines"
check_files "app.txt: its findings are app.json's, line for line" "$TMP/json-lines" "$TMP/txt-lines"
check_eq "app.txt summary: counts from app.json (closure, foreign keys, findings)" \
	"$(jq -r '"\(.closure | length) tables in the deletion closure|\(.foreign_keys | length) foreign keys in the schema; \(.findings | length) findings: \(.summary.errors) errors, \(.summary.warnings) warning, \(.summary.infos) info"' expect/app.json)" \
	"$(sed -n 1p expect/app.txt | grep -o '[0-9]* tables in the deletion closure')|$(sed -n 2p expect/app.txt)"
at() { sed -n "$2p" "$1" | cut -c"$3"-; }
bad=$(jq -r '.findings[] | select(.constraint != null and .rule != "user-column-no-fk") | "\(.file) \(.line) \(.column) \(.constraint)"' expect/app.json |
	while read -r f l c con; do
		t=$(at "$f" "$l" "$c")
		case "$t" in REFERENCES*|"CONSTRAINT $con"*|FOREIGN\ KEY*) ;; *) echo "$f:$l:$c ($con): $t";; esac
	done)
check_eq "app.txt: every foreign-key finding points at REFERENCES, CONSTRAINT or FOREIGN KEY in its file" "" "$bad"
bad=$(jq -r '.findings[] | select(.rule == "user-column-no-fk" or .rule == "dynamic-sql") | "\(.file) \(.line) \(.column) \(.rule)"' expect/app.json |
	while read -r f l c r; do
		t=$(at "$f" "$l" "$c")
		case "$r:$t" in user-column-no-fk:CREATE\ TABLE*|dynamic-sql:DO*) ;; *) echo "$f:$l:$c ($r): $t";; esac
	done)
check_eq "app.txt: table and DO-block findings point at CREATE TABLE and DO" "" "$bad"
check_eq "app json: exit 1" 1 "$RC"
jq_true() { jq -e "$@" >/dev/null 2>&1; }
check "app json: parses, version 1" jq_true '.version == 1 and (.foreign_keys | length) > 0' "$TMP/out"
golden app.dot audit --format dot app/migrations
check "app dot: Graphviz reads it" dot -Tsvg -o "$TMP/app.svg" "$TMP/out"
golden app.mmd audit --format mermaid app/migrations
golden app-roots.txt audit --root 'org."Teams"(id)' --root users --owner-column '*user_id' app/migrations
check_eq "app two roots: exit 1" 1 "$RC"

golden clean.txt audit clean
check_eq "clean: exit 0" 0 "$RC"
golden clean.json audit --format json clean
check_eq "clean json: exit 0" 0 "$RC"
# Beside clean.txt: its finding lines and counts are clean.json's (whose
# one finding is checked on PostgreSQL below).
check_files "clean.txt: its findings are clean.json's, line for line" \
	<(jq -r '.findings[] | "\(.file):\(.line):\(.column): \(.severity): \(.message) [\(.rule)]"' expect/clean.json | sort) \
	<(grep -E '^[^ ]+:[0-9]+:[0-9]+: ' expect/clean.txt | sort)
check_eq "clean.txt summary: counts from clean.json" \
	"$(jq -r '"\(.closure | length) tables in the deletion closure|\(.foreign_keys | length) foreign keys in the schema; \(.findings | length) finding: \(.summary.errors) errors, \(.summary.warnings) warning, \(.summary.infos) info"' expect/clean.json)" \
	"$(sed -n 1p expect/clean.txt | grep -o '[0-9]* tables in the deletion closure')|$(sed -n 2p expect/clean.txt)"
# Beside the golden: clean/ blocks nothing, but its one warning
# (cascade-deletes-other-owners on comments_post_id_fkey) is true on
# PostgreSQL: user 2's comment on user 1's post goes with user 1.
check_eq "clean json: the one finding is cascade-deletes-other-owners on comments_post_id_fkey" \
	"cascade-deletes-other-owners comments comments_post_id_fkey user_id" \
	"$(jq -r '.findings[] | "\(.rule) \(.table) \(.constraint) \(.owner_column)"' expect/clean.json)"
fresh_db pgc_t0210_clean >/dev/null || not_ok "create database"
psql_db pgc_t0210_clean -f clean/001-schema.sql >/dev/null 2>&1
check_eq "clean, PostgreSQL: deleting user 1 deletes user 2's comment on user 1's post" "0 1" \
	"$(psql -X -At -d pgc_t0210_clean -c "INSERT INTO users VALUES (1), (2)" -c "INSERT INTO posts VALUES (10, 1), (20, 2)" \
		-c "INSERT INTO comments VALUES (100, 10, 2), (101, 20, 2)" -c "DELETE FROM users WHERE id = 1" \
		-c "SELECT count(*) FILTER (WHERE id = 100) || ' ' || count(*) FILTER (WHERE id = 101) FROM comments" | tail -1)"

# Usage and input errors: exit 2 with a message on stderr, nothing on stdout.
usage() { # NAME NEEDLE ARGS...
	local name=$1 needle=$2; shift 2
	pgc "$@"
	check_eq "$name: exit 2" 2 "$RC"
	check_contains "$name: says why" "$needle" "$TMP/err"
	check_eq "$name: nothing on stdout" "" "$(cat "$TMP/out")"
}
usage "missing path" "no-such-dir" audit no-such-dir
usage "bad --root" "--root" audit --root 'users; drop table users' clean
usage "bad --root clause" "--root" audit --root 'users(id) on delete cascade' clean
usage "absent root" "public.accounts" audit --root accounts clean
usage "absent root column" "nope" audit --root 'users(nope)' clean
usage "bad --format" "--format" audit --format yaml clean

# Live: the same history applied to PostgreSQL (minus the broken
# statement, which PostgreSQL refuses too) gives the same findings.
conn=$(fresh_db pgc_t0210) || { not_ok "create database"; exit 1; }
cat app/migrations/00[1-5]-*.sql >"$TMP/apply.sql"
grep -v "CREATE TABLE broken" app/migrations/006-broken.sql >>"$TMP/apply.sql"
if psql_db pgc_t0210 -f "$TMP/apply.sql" >/dev/null 2>&1; then ok "fixture applies to PostgreSQL"; else not_ok "fixture applies to PostgreSQL"; fi
pgc audit --format json --db "$conn"
check_eq "live: exit 1" 1 "$RC"
strip='[.findings[] | select(.rule != "parse-error" and .rule != "dynamic-sql")
        | {rule, severity, schema, table, constraint, depth, blocks, order_outcome, single_owner, path}]
       | sort_by(.rule, .schema, .table, .constraint)'
jq -S "$strip" "$TMP/out" >"$TMP/live.json" 2>&1
jq -S "$strip" expect/app.json >"$TMP/static.json"
check_files "live findings equal static findings" "$TMP/static.json" "$TMP/live.json"
jq -S '.closure' "$TMP/out" >"$TMP/live-closure.json" 2>&1
jq -S '.closure' expect/app.json >"$TMP/static-closure.json"
check_files "live closure equals static closure" "$TMP/static-closure.json" "$TMP/live-closure.json"

# PostgreSQL agrees with the golden verdicts. With one owner (every row
# user 1's), the single_owner detail of note_links says the RESTRICT edge
# passes with the current order, and it does; with two owners (user 2's link
# from user 2's decision to user 1's note) it fails, which is why its
# class for any data is "always". DELETE fails on an "always" edge.
if psql_db pgc_t0210 >"$TMP/seed.out" 2>&1 <<'SQL'
INSERT INTO users (id, email) VALUES (1, 'a@example.com');
INSERT INTO decisions (id, user_id) VALUES (1, 1);
INSERT INTO notes (id, user_id) VALUES (1, 1);
INSERT INTO note_links (note_id, decision_id) VALUES (1, 1);
SQL
then ok "PostgreSQL: one row in users, decisions, notes and note_links"
else not_ok "PostgreSQL: one row in users, decisions, notes and note_links"; sed 's/^/#   /' "$TMP/seed.out"
fi
out=$(psql -X -q -d pgc_t0210 -c 'BEGIN' -c 'DELETE FROM users' -c 'ROLLBACK' 2>&1)
check_eq "golden: note_links_note_id_fkey is always, single owner order-dependent/passes" \
	"always order-dependent passes" \
	"$(jq -r '.findings[] | select(.constraint == "note_links_note_id_fkey") | "\(.blocks) \(.single_owner.blocks) \(.single_owner.order_outcome)"' expect/app.json)"
check_eq "PostgreSQL, one owner: note_links edge passes as single_owner predicts" "" "$(grep ERROR <<<"$out")"
out=$(psql -X -q -d pgc_t0210 -c "INSERT INTO users (id, email) VALUES (2, 'b@example.com')" \
	-c "INSERT INTO decisions (id, user_id) VALUES (2, 2)" \
	-c "INSERT INTO note_links (note_id, decision_id) VALUES (1, 2)" \
	-c 'BEGIN' -c 'DELETE FROM users WHERE id = 1' -c 'ROLLBACK' \
	-c "DELETE FROM note_links WHERE decision_id = 2" -c "DELETE FROM decisions WHERE id = 2" 2>&1)
check_contains "PostgreSQL, two owners: user 2's link to user 1's note blocks (always)" "note_links_note_id_fkey" <(echo "$out")
check "PostgreSQL: one row in decision_feedback" \
	psql_db pgc_t0210 -c "INSERT INTO decision_feedback (decision_id) VALUES (1)"
out=$(psql -X -q -d pgc_t0210 -c 'BEGIN' -c 'DELETE FROM users' -c 'ROLLBACK' 2>&1)
check_contains "PostgreSQL: the always edge blocks" "decision_feedback_decision_id_fkey" <(echo "$out")

# Beside the app-roots.txt golden: each root's summary line counts what
# PostgreSQL's catalog holds for the applied history - the tables reached
# through foreign keys that delete or block (not SET NULL/SET DEFAULT),
# per depth, the foreign keys inside, the SET NULL/SET DEFAULT edges into
# it, and the NO ACTION/RESTRICT ones that block.
catalog_counts() { # ROOT: "N|depth 1: a, depth 2: b|M|K|B" from pg_constraint
	psql -X -At -d pgc_t0210 -v root="$1" <<'SQL'
WITH RECURSIVE fk AS (
	SELECT conrelid AS child, confrelid AS parent, confdeltype AS act FROM pg_catalog.pg_constraint WHERE contype = 'f'),
cl(rel, depth) AS (
	SELECT :'root'::regclass::oid, 0
	UNION
	SELECT fk.child, cl.depth + 1 FROM fk JOIN cl ON fk.parent = cl.rel WHERE fk.act NOT IN ('n', 'd') AND cl.depth < 20),
c AS (SELECT rel, min(depth) AS depth FROM cl GROUP BY rel)
SELECT (SELECT count(*) FROM c WHERE depth > 0) || '|' ||
	(SELECT string_agg('depth ' || depth || ': ' || n, ', ' ORDER BY depth)
	 FROM (SELECT depth, count(*) AS n FROM c WHERE depth > 0 GROUP BY depth) d) || '|' ||
	(SELECT count(*) FROM fk WHERE act NOT IN ('n', 'd') AND child IN (SELECT rel FROM c) AND parent IN (SELECT rel FROM c)) || '|' ||
	(SELECT count(*) FROM fk WHERE act IN ('n', 'd') AND parent IN (SELECT rel FROM c)) || '|' ||
	(SELECT count(*) FROM fk WHERE act IN ('a', 'r') AND child IN (SELECT rel FROM c) AND parent IN (SELECT rel FROM c))
SQL
}
golden_counts() { # LINE-PREFIX: the same numbers, read from app-roots.txt
	grep -F "$1" expect/app-roots.txt | sed -E 's/^root [^:]*: ([0-9]+) tables? in the deletion closure \(([^)]*)\), ([0-9]+) foreign keys? inside it( \(and ([0-9]+) [^)]*\))?, ([0-9]+) blocking the delete$/\1|\2|\3|\5|\6/; s/\|\|/|0|/'
}
check_eq "app-roots.txt: root users counts what PostgreSQL's catalog holds" "$(catalog_counts users)" "$(golden_counts 'root users (id):')"
check_eq "app-roots.txt: root org.Teams counts what PostgreSQL's catalog holds" "$(catalog_counts 'org."Teams"')" "$(golden_counts 'root org.Teams (id):')"
check_eq "app-roots.txt: its foreign keys in the schema are PostgreSQL's" \
	"$(psql -X -At -d pgc_t0210 -c "SELECT count(*) FROM pg_catalog.pg_constraint WHERE contype = 'f'") foreign keys in the schema" \
	"$(grep -o '^[0-9]* foreign keys in the schema' expect/app-roots.txt)"
