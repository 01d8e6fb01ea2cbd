#!/usr/bin/env bash
# t0870-vocabulary.sh - one vocabulary (src/report/words.c): audit, fix,
# verify and lint describe the same edge with the same string, on the
# bundled example (examples/skytwin):
#   - a path from the root reads `users <- t (t_fkey) <- ...` everywhere:
#     the fix header's paths are audit's, lint's fk-blocks-delete messages
#     are audit's, verify's failed-DELETE path is one of audit's;
#   - an action reads `ON DELETE NO ACTION` (upper case) everywhere;
#   - the summary's counts equal the dot graph's edges, counted here from
#     the .dot text and, independently, from the JSON foreign keys;
#   - fix --check: `pgcascade: fix needed: ...` on stderr, with the count
#     of audit's fk-blocks-delete findings;
#   - lint fk-unindexed after the fix files were added: nothing reported
#     inside them, the same findings as before at the files that created
#     the foreign keys, plain CREATE INDEX for a table created in the same
#     migration (PostgreSQL dialect).
source "$(dirname "$0")/../lib/tap.sh"
plan 23
cd "$PGC_ROOT" || exit 1
SRC=(examples/skytwin/schema.sql examples/skytwin/migrations)

# --- audit: the paths and actions of fk-blocks-delete, and the summary
pgc audit --format json "${SRC[@]}"
cp "$TMP/out" "$TMP/audit.json"
pgc audit "${SRC[@]}"
cp "$TMP/out" "$TMP/audit.txt"
grep '^pgcascade: dialect: ' "$TMP/err" >"$TMP/notice.audit"
# "file:l:c: error: PATH: ON DELETE X blocks DELETE FROM users [fk-blocks-delete]" -> PATH
sed -n 's/^[^ ]*: error: \(.*\): ON DELETE [A-Z ]* blocks DELETE FROM .*\[fk-blocks-delete\]$/\1/p' "$TMP/audit.txt" | sort >"$TMP/audit.paths"
nblock=$(jq '[.findings[] | select(.rule == "fk-blocks-delete")] | length' "$TMP/audit.json")
check_eq "audit text: one path per fk-blocks-delete finding" "$nblock" "$(wc -l <"$TMP/audit.paths")"
# the path rebuilt from the JSON (root, then each constraint's table and name)
jq -r '
  (.foreign_keys | map({key: .name, value: .table}) | from_entries) as $t
  | .findings[] | select(.rule == "fk-blocks-delete")
  | .root.table + ([.path[] | " <- \($t[.]) (\(.))"] | join(""))' "$TMP/audit.json" | sort >"$TMP/json.paths"
check_files "audit text: the paths are the JSON's root and constraints, written root <- table (constraint)" "$TMP/json.paths" "$TMP/audit.paths"
check "audit text: no lower-case action" bash -c "! grep -q 'ON DELETE [a-z]' '$TMP/audit.txt'"

# --- the summary's counts and the graph's edges
summary=$(grep '^root users' "$TMP/audit.txt")
inside=$(sed -n 's/.*, \([0-9]*\) foreign keys\{0,1\} inside it.*/\1/p' <<<"$summary")
into=$(sed -n 's/.*(and \([0-9]*\) SET NULL\/SET DEFAULT edges\{0,1\} into it).*/\1/p' <<<"$summary")
pgc audit --format dot "${SRC[@]}"
cp "$TMP/out" "$TMP/graph.dot"
ndot=$(grep -c '^  "[^"]*" -> "[^"]*" \[' "$TMP/graph.dot")
ndashed=$(grep '^  "[^"]*" -> "[^"]*" \[' "$TMP/graph.dot" | grep -c 'style=dashed')
check_eq "summary: foreign keys inside + SET NULL edges into it = the dot graph's edges" "$ndot" "$((inside + ${into:-0}))"
check_eq "summary: the SET NULL/SET DEFAULT edges it names are the dashed ones" "$ndashed" "${into:-0}"
# independently, from the JSON: edges between closure tables (and the root),
# and SET NULL / SET DEFAULT edges whose parent is in the closure
jq -r '
  ([.roots[] | "\(.schema).\(.table)"] + [.closure[] | "\(.schema).\(.table)"]) as $in
  | [.closure[] | "\(.schema).\(.table)"] as $cl
  | [.foreign_keys[] | select(("\(.ref_schema).\(.ref_table)" as $p | $in | index($p)) != null)] as $e
  | "\([$e[] | select(.on_delete != "set null" and .on_delete != "set default")
            | select(("\(.schema).\(.table)" as $c | $cl | index($c)) != null)] | length) \([$e[] | select(.on_delete == "set null" or .on_delete == "set default")] | length)"' \
	"$TMP/audit.json" >"$TMP/json.counts"
check_eq "summary: the counts are the JSON foreign keys' (closure edges, SET NULL edges into it)" "$(cat "$TMP/json.counts")" "$inside ${into:-0}"
# the graph labels use the same action words as the text
check_eq "dot: every edge label ends in an upper-case ON DELETE action" "$ndot" \
	"$(grep '^  "[^"]*" -> "[^"]*" \[' "$TMP/graph.dot" | grep -cE 'label="[^"]*\\nON DELETE (NO ACTION|RESTRICT|CASCADE|SET NULL|SET DEFAULT)"')"

# --- fix: the header's paths are audit's; --check on stderr, prefixed
pgc fix "${SRC[@]}"
# each re-created edge: "--   table.constraint (depth N, blocks: ...)", then its path
awk '/^--   .* \(depth [0-9]+, blocks: / { want = 1; next } want && sub(/^--     path: /, "") { print } { want = 0 }' "$TMP/out" | sort >"$TMP/fix.paths"
check_files "fix header: the paths of the re-created edges are audit's" "$TMP/audit.paths" "$TMP/fix.paths"
pgc fix --check "${SRC[@]}"
grep '^pgcascade: dialect: ' "$TMP/err" >"$TMP/notice.fix"
check_eq "fix --check: exit 1" 1 "$RC"
check_contains "fix --check: prefixed, on stderr, counted as audit counts fk-blocks-delete" \
	"pgcascade: fix needed: $nblock foreign keys to re-create with ON DELETE CASCADE" "$TMP/err"
check_eq "fix --check: nothing on stdout" "" "$(cat "$TMP/out")"

# --- lint: its fk-blocks-delete messages are audit's
pgc lint --format json "${SRC[@]}"
grep '^pgcascade: dialect: ' "$TMP/err" >"$TMP/notice.lint"
jq -r '.findings[] | select(.rule == "fk-blocks-delete") | .message' "$TMP/out" | sort >"$TMP/lint.msgs"
jq -r '.findings[] | select(.rule == "fk-blocks-delete") | .message' "$TMP/audit.json" | sort >"$TMP/audit.msgs"
check_files "lint: the fk-blocks-delete messages are audit's, word for word" "$TMP/audit.msgs" "$TMP/lint.msgs"

# --- verify: the failed DELETE's path and the blocking edges
pgc verify "${SRC[@]}"
cp "$TMP/out" "$TMP/verify.txt"
grep '^pgcascade: dialect: ' "$TMP/err" | head -1 >"$TMP/notice.verify"
# the dialect notice: where and why, one wording for every command
first=$(grep -n 'STRING' examples/skytwin/schema.sql | head -1 | cut -d: -f1)  # its first CockroachDB-only word
check_eq "the dialect notice reads the same in audit, fix, lint and verify" \
	"pgcascade: dialect: cockroach (examples/skytwin/schema.sql:$first:$(awk -v l="$first" 'NR == l { print index($0, "STRING") }' examples/skytwin/schema.sql): STRING type)
same same same" \
	"$(cat "$TMP/notice.audit")
$(for c in fix lint verify; do cmp -s "$TMP/notice.audit" "$TMP/notice.$c" && echo same || echo "$c differs: $(cat "$TMP/notice.$c")"; done | paste -sd' ')"
vpath=$(sed -n 's/^    path from the root: //p' "$TMP/verify.txt")
check "verify: the failed DELETE's path ($vpath) is written as audit writes it" grep -qxF -- "$vpath" "$TMP/audit.paths"
# an edge from the root reads the same as audit's depth-1 path, with the same action
sed -n 's/^  blocking edge: \(users <- .*\): \(ON DELETE [A-Z ]*\) inside the closure$/\1: \2/p' "$TMP/verify.txt" | sort >"$TMP/verify.edges"
sed -n 's/^[^ ]*: error: \(users <- [^<]*\): \(ON DELETE [A-Z ]*\) blocks DELETE FROM .*\[fk-blocks-delete\]$/\1: \2/p' "$TMP/audit.txt" | sort >"$TMP/audit.edges"
check "verify: it names blocking edges from the root" test -s "$TMP/verify.edges"
check_files "verify: each blocking edge from the root reads as audit's depth-1 finding, action included" "$TMP/audit.edges" "$TMP/verify.edges"
check "verify: no lower-case action" bash -c "! grep -q 'ON DELETE [a-z]' '$TMP/verify.txt'"

# --- lint fk-unindexed once the fix files are in the migrations folder
L=$TMP/pg; mkdir -p "$L"
cat >"$L/001_init.sql" <<'SQL'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users);
SQL
cat >"$L/002_more.sql" <<'SQL'
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts);
ALTER TABLE posts ADD COLUMN editor_id int REFERENCES users ON DELETE SET NULL;
SQL
unindexed() { jq -r '.findings[] | select(.rule == "fk-unindexed") | "\(.file):\(.line) \(.help)"' "$TMP/out" | sort; }
pgc lint --dialect postgres --format json "$L"
unindexed >"$TMP/before"
pgc fix --quiet --dialect postgres --out "$L" "$L"
grep -l '^-- [A-Za-z]* migration written by pgcascade fix: ' "$L"/*.sql | sort >"$TMP/generated"
check_eq "fix wrote its three files, each with the header lint recognises" 3 "$(wc -l <"$TMP/generated")"
pgc lint --dialect postgres --format json "$L"
unindexed >"$TMP/after"
check_files "lint after the fix: the same fk-unindexed findings, at the files that created the foreign keys" "$TMP/before" "$TMP/after"
check_eq "lint after the fix: nothing reported inside the generated files" "" \
	"$(jq -r '.findings[].file' "$TMP/out" | sort -u | comm -12 - "$TMP/generated")"
check_eq "lint: plain CREATE INDEX for a table created in the same migration, CONCURRENTLY otherwise" \
	"$L/001_init.sql:2 CREATE INDEX ON posts (user_id);
$L/002_more.sql:1 CREATE INDEX ON comments (post_id);
$L/002_more.sql:2 CREATE INDEX CONCURRENTLY ON posts (editor_id);" "$(cat "$TMP/after")"

# the same on the example (CockroachDB): the fix's files add no finding
E=$TMP/skytwin; mkdir -p "$E"; cp examples/skytwin/migrations/*.sql "$E/"
pgc lint --format json "$E"
unindexed | sed "s|^$E/||" >"$TMP/ex.before"
pgc fix --quiet --out "$E" "$E"
pgc lint --format json "$E"
unindexed | sed "s|^$E/||" >"$TMP/ex.after"
check_files "example: lint after the fix reports fk-unindexed where it did before, never in 060-cascade-cleanup*" "$TMP/ex.before" "$TMP/ex.after"

# --- erase names the edges of a cycle it cannot order in the same words
cat >"$TMP/cycle.sql" <<'SQL'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE a (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b;
SQL
pgc erase --dialect postgres --emit-sql "$TMP/erase.sql" "$TMP/cycle.sql"
check_contains "erase: a cycle's edges written as every report writes them" \
	"cycle of foreign keys: a <- b (b_a_id_fkey): ON DELETE NO ACTION; b <- a (a_b_fkey): ON DELETE NO ACTION;" "$TMP/err"
