#!/usr/bin/env bash
# t0215-graph-oracle.sh - an independent check beside the graph goldens
# tests/golden/audit/expect/app.dot and app.mmd (t0210 compares them with
# the program's output; this test says whether they are right).
#
# The oracle is PostgreSQL's catalog: the history of tests/golden/audit/app
# is applied (as t0210 does), and pg_constraint gives every foreign key
# (child, parent, name, ON DELETE action). What DELETE FROM users reaches
# is the closure: users, then every table with a foreign key to a table
# in it whose action deletes or blocks (CASCADE, NO ACTION, RESTRICT); a
# SET NULL / SET DEFAULT child keeps its rows and stays out. The graph
# must hold exactly the foreign keys into the closure, the closure's tables
# and the tables a SET NULL/DEFAULT edge keeps out; the blocking edges
# (NO ACTION, RESTRICT) red, the kept-out ones dashed, the root marked.
#
# The graphs are read by other parsers than ours: the .dot by Graphviz
# (dot -Tjson), the .mmd by the small Mermaid flowchart reader below. The
# goldens and audit --db --format dot|mermaid of the same database are
# checked.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 22
G="$PGC_ROOT/tests/golden/audit"

db=pgc_t0215
conn=$(fresh_db "$db") || { not_ok "create database"; exit 1; }
cat "$G"/app/migrations/00[1-5]-*.sql >"$TMP/apply.sql"
grep -v "CREATE TABLE broken" "$G/app/migrations/006-broken.sql" >>"$TMP/apply.sql"
psql_db "$db" -f "$TMP/apply.sql" >"$TMP/psql.out" 2>&1
check "the golden's history applies to PostgreSQL" test $? -eq 0

# The catalog's answer, one line per edge:
# child|parent|constraint|ON DELETE ACTION|class (class: closure, blocker, stop),
# tables schema-qualified; and the node list: table|kind (root, closure, out).
psql_db "$db" -At -F '|' >"$TMP/catalog" 2>&1 <<'SQL'
WITH RECURSIVE fk AS (
	SELECT c.conname::text AS name, c.conrelid AS child, c.confrelid AS parent,
	       CASE c.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade'
	                          WHEN 'n' THEN 'set null' WHEN 'd' THEN 'set default' END AS action
	FROM pg_constraint c WHERE c.contype = 'f'
), closure(t) AS (
	SELECT 'public.users'::regclass::oid
	UNION
	SELECT fk.child FROM fk JOIN closure ON fk.parent = closure.t
	WHERE fk.action IN ('cascade', 'no action', 'restrict')
), qn AS (
	SELECT c.oid, n.nspname || '.' || c.relname AS q FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
)
SELECT 'edge', ch.q, pa.q, fk.name, 'ON DELETE ' || upper(fk.action), -- as the SQL spells it
       CASE WHEN fk.action IN ('set null', 'set default') THEN 'stop'
            WHEN fk.action IN ('no action', 'restrict') THEN 'blocker' ELSE 'closure' END
FROM fk JOIN qn ch ON ch.oid = fk.child JOIN qn pa ON pa.oid = fk.parent
WHERE fk.parent IN (SELECT t FROM closure)
UNION ALL
SELECT 'node', q, CASE WHEN oid = 'public.users'::regclass THEN 'root'
                       WHEN oid IN (SELECT t FROM closure) THEN 'closure' ELSE 'out' END, NULL, NULL, NULL
FROM qn WHERE oid IN (SELECT t FROM closure)
   OR oid IN (SELECT child FROM fk WHERE parent IN (SELECT t FROM closure))
ORDER BY 1, 2, 3, 4
SQL
grep '^edge|' "$TMP/catalog" | cut -d'|' -f2-5 | sort >"$TMP/cat.edges"
grep '^edge|' "$TMP/catalog" | awk -F'|' '$6 == "blocker" {print $4}' | sort >"$TMP/cat.red"
grep '^edge|' "$TMP/catalog" | awk -F'|' '$6 == "stop" {print $4}' | sort >"$TMP/cat.dashed"
grep '^node|' "$TMP/catalog" | cut -d'|' -f2 | sort >"$TMP/cat.nodes"
# a catalog with every class, or the checks below prove little
check "the catalog has closure, blocking and SET NULL edges ($(wc -l <"$TMP/cat.edges") edges, $(wc -l <"$TMP/cat.nodes") tables)" \
	test "$(grep -c '|closure$' "$TMP/catalog")" -ge 2 -a -s "$TMP/cat.red" -a -s "$TMP/cat.dashed"

# dot_read FILE PREFIX: Graphviz's reading of FILE into PREFIX.{edges,red,dashed,nodes,root}
dot_read() {
	dot -Tjson "$1" >"$TMP/g.json" 2>"$TMP/g.err" || return 1
	jq -r '(.objects | map({key: (._gvid | tostring), value: .name}) | from_entries) as $n
		| .edges[] | [$n[.tail | tostring], $n[.head | tostring], (.label | split("\\n") | .[0]),
		  (.label | split("\\n") | .[1])] | join("|")' "$TMP/g.json" | sort >"$2.edges"
	jq -r '.edges[] | select(.color == "red") | .label | split("\\n") | .[0]' "$TMP/g.json" | sort >"$2.red"
	jq -r '.edges[] | select(.style == "dashed") | .label | split("\\n") | .[0]' "$TMP/g.json" | sort >"$2.dashed"
	jq -r '.objects[] | .name' "$TMP/g.json" | sort >"$2.nodes"
	jq -r '.objects[] | select(.style == "bold") | .name' "$TMP/g.json" >"$2.root"
}

# mmd_read FILE PREFIX: the same from a Mermaid flowchart. Node labels
# leave out the public schema; they are qualified again here.
mmd_read() {
	python3 - "$1" "$2" <<'EOF'
import re, sys
src, pre = sys.argv[1], sys.argv[2]
lines = open(src, encoding='utf-8').read().split('\n')
if not lines or not re.fullmatch(r'flowchart (RL|LR|TB|TD|BT)', lines[0].strip()):
    sys.exit('not a flowchart')
unq = lambda s: s.replace('#quot;', '"')
qual = lambda s: s if '.' in s else 'public.' + s
nodes, edges, red, dashed, root = {}, [], set(), set(), set()
for ln in lines[1:]:
    t = ln.strip()
    if not t:
        continue
    m = re.fullmatch(r'(\w+)\["(.*)"\]', t)
    if m:
        nodes[m.group(1)] = qual(unq(m.group(2))); continue
    m = re.fullmatch(r'(\w+) (-->|-\.->)\|"(.*)"\| (\w+)', t)
    if m:
        name, _, action = unq(m.group(3)).rpartition(': ')
        edges.append((m.group(1), m.group(4), name, action, m.group(2) == '-.->')); continue
    m = re.fullmatch(r'linkStyle ([\d,]+) (.*)', t)
    if m:
        idx = [int(i) for i in m.group(1).split(',')]
        if 'stroke:red' in m.group(2): red.update(idx)
        elif 'dasharray' in m.group(2): dashed.update(idx)
        else: sys.exit('unknown linkStyle: ' + t)
        continue
    m = re.fullmatch(r'style (\w+) (.*)', t)
    if m:
        if 'stroke-width:3px' in m.group(2): root.add(m.group(1))
        continue
    sys.exit('unknown line: ' + t)
w = lambda ext, rows: open(pre + '.' + ext, 'w').write(''.join(r + '\n' for r in sorted(rows)))
w('edges', ['|'.join((nodes[a], nodes[b], n, act)) for a, b, n, act, _ in edges])
w('red', [edges[i][2] for i in red])
# a dashed edge is drawn -.-> and styled with the dash array
w('dashed', [e[2] for i, e in enumerate(edges) if e[4] and i in dashed])
w('nodes', nodes.values())
w('root', [nodes[r] for r in root])
EOF
}

compare() { # NAME READER FILE
	local name=$1 reader=$2 file=$3 p="$TMP/g-$(echo "$1" | tr -c 'a-z0-9' '_')"
	if "$reader" "$file" "$p" 2>"$TMP/read.err"; then ok "$name: read by an independent parser"
	else not_ok "$name: read by an independent parser"; sed 's/^/#   /' "$TMP/read.err" "$TMP/g.err" 2>/dev/null | head; fi
	check_files "$name: the edges (child, parent, constraint, action) are the catalog's foreign keys into the closure" "$TMP/cat.edges" "$p.edges"
	check_files "$name: the tables are the closure and the tables SET NULL keeps out" "$TMP/cat.nodes" "$p.nodes"
	check_eq "$name: red = the NO ACTION/RESTRICT edges; dashed = SET NULL/DEFAULT" \
		"$(cat "$TMP/cat.red") / $(cat "$TMP/cat.dashed")" "$(cat "$p.red") / $(cat "$p.dashed")"
	check_eq "$name: the root is marked" "public.users" "$(cat "$p.root")"
}

compare "golden app.dot" dot_read "$G/expect/app.dot"
compare "golden app.mmd" mmd_read "$G/expect/app.mmd"
pgc audit --format dot --db "$conn"
cp "$TMP/out" "$TMP/live.dot"
compare "audit --db --format dot" dot_read "$TMP/live.dot"
pgc audit --format mermaid --db "$conn"
cp "$TMP/out" "$TMP/live.mmd"
compare "audit --db --format mermaid" mmd_read "$TMP/live.mmd"
