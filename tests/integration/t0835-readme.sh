#!/usr/bin/env bash
# t0835-readme.sh - the README walk-through. Every fenced block of
# README.md whose first line starts with "$ " is run: each "$ COMMAND" line
# runs in a scratch folder where build/pgcascade is the tested binary and
# examples/ is the repository's, standard error merged into standard
# output; the lines under it are an excerpt of that output: they must
# appear in that order, consecutive except where a line "…" stands for
# lines left out. Then the README's figures about the example are checked
# against PostgreSQL's own catalog (verify --keep leaves the translated
# schema in a throwaway cluster, which this test stops), and the audit
# summary's counts against the edges the dot graph draws. Then README,
# --help and the man page against the code (options, exit codes), the
# README's policy-file example through `pgcascade config`, no path out of
# the repository, and scripts/example.sh (the README's first command).
source "$PGC_ROOT/tests/lib/tap.sh"
PY=/usr/bin/python3
W="$TMP/w"
mkdir -p "$W/build" && ln -s "$PGC_ROOT/examples" "$W/examples" && ln -s "$PGC" "$W/build/pgcascade"

"$PY" - "$PGC_ROOT/README.md" "$TMP/cmds" <<'PYEOF'
import json, sys
lines = open(sys.argv[1]).read().split("\n")
cmds, inblock, cur = [], False, None
for l in lines:
    if l.startswith("```"):
        if inblock:
            inblock, cur = False, None
        else:
            inblock = True
        continue
    if not inblock:
        continue
    if l.startswith("$ "):
        cur = {"cmd": l[2:], "expect": []}
        cmds.append(cur)
    elif cur is not None:
        cur["expect"].append(l)
json.dump(cmds, open(sys.argv[2], "w"))
PYEOF
ncmd=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$TMP/cmds")
# The plan: one check per example command the README shows, and 19 more.
plan $((19 + ncmd))
check "the README shows at least 3 example commands (got $ncmd)" test "$ncmd" -ge 3
for i in $(seq 0 $((ncmd - 1))); do
	cmd=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))[int(sys.argv[2])]["cmd"])' "$TMP/cmds" "$i")
	(cd "$W" && bash -c "$cmd" >"$TMP/actual.$i" 2>&1)
	"$PY" - "$TMP/cmds" "$i" "$TMP/actual.$i" >"$TMP/match.$i" 2>&1 <<'PYEOF'
import json, sys
c = json.load(open(sys.argv[1]))[int(sys.argv[2])]
exp = c["expect"]
while exp and exp[-1] == "":
    exp.pop()
act = open(sys.argv[3]).read().split("\n")
if act and act[-1] == "":
    act.pop()
# exp items: lines, or "…" = any number of lines (greedy-safe by backtracking)
def match(e, a):
    if e == len(exp):
        return a == len(act)
    if exp[e] == "…":
        return any(match(e + 1, k) for k in range(a, len(act) + 1))
    return a < len(act) and act[a] == exp[e] and match(e + 1, a + 1)
sys.setrecursionlimit(10000)
if not match(0, 0):
    # name the first excerpt line that is not in the output at all
    for l in exp:
        if l != "…" and l not in act:
            print("README line not in the output: " + l[:200])
            break
    else:
        print("lines are all there, but not in this order or with lines between them and no …")
    sys.exit(1)
PYEOF
	r=$?
	check_eq "README: \`${cmd:0:60}…\` prints what the README shows" 0 "$r"
	[ "$r" -eq 0 ] || { sed 's/^/#   /' "$TMP/match.$i"; sed 's/^/#   | /' "$TMP/actual.$i" | head -12; }
done

# --- the README's figures against PostgreSQL's catalog -----------------------
read -r all to_users no_cascade < <(sed -nE ':a;N;$!ba;s/.*: ([0-9]+) foreign keys, ([0-9]+) of them\s+to `users\(id\)` and ([0-9]+) of those without cascade.*/\1 \2 \3/p' "$PGC_ROOT/README.md")
check "the README states the example's foreign keys (all, to users, without cascade)" test -n "$no_cascade"
"$PGC" verify --keep "$PGC_ROOT/examples/skytwin/schema.sql" "$PGC_ROOT/examples/skytwin/migrations" >"$TMP/keep.out" 2>&1
conn=$(sed -nE 's/^  psql "(.*)"$/\1/p' "$TMP/keep.out")
stop=$(sed -n '/stop and remove it with:/{n;p}' "$TMP/keep.out")
trap '[ -n "$stop" ] && bash -c "$stop" >/dev/null 2>&1; rm -rf "$TMP"' EXIT
check "verify --keep leaves a cluster to read the catalog from" test -n "$conn"
got=$(psql -X -At "$conn" -c "SELECT count(*), count(*) FILTER (WHERE confrelid = 'public.users'::regclass),
	count(*) FILTER (WHERE confrelid = 'public.users'::regclass AND confdeltype <> 'c')
	FROM pg_constraint WHERE contype = 'f'")
check_eq "README's foreign-key figures are PostgreSQL's (all|to users|without cascade)" "$all|$to_users|$no_cascade" "$got"
bash -c "$stop" >/dev/null 2>&1
check_eq "the kept cluster is stopped and removed" 0 "$?"
stop=""

# --- summary counts and graph edges agree, or the difference is named ---------
cd "$PGC_ROOT" || exit 1
pgc audit examples/skytwin/schema.sql examples/skytwin/migrations
inside=$(sed -nE 's/^root users .*, ([0-9]+) foreign keys inside it.*/\1/p' "$TMP/out")
setnull=$(sed -nE 's/^root users .*\(and ([0-9]+) SET NULL\/SET DEFAULT edges? into it\).*/\1/p' "$TMP/out")
pgc audit --format dot examples/skytwin/schema.sql examples/skytwin/migrations
edges=$(grep -c -- ' -> ' "$TMP/out")
dashed=$(grep -- ' -> ' "$TMP/out" | grep -c 'style=dashed')
check_eq "dot: solid edges = the summary's foreign keys inside the closure" "$inside" "$((edges - dashed))"
check_eq "dot: dashed edges = the summary's SET NULL/SET DEFAULT edges" "${setnull:-0}" "$dashed"
pgc audit --format mermaid examples/skytwin/schema.sql examples/skytwin/migrations
check_eq "mermaid draws as many edges as dot" "$edges" "$(grep -cE -- '-->|-\.->' "$TMP/out")"

# --- README, --help and the man page agree with the code ------------------------
BIN="$PGC"
for c in audit fix verify lint erase config; do
	"$BIN" "$c" --help 2>&1 | sed -nE 's/^  (--[a-z][a-z-]*).*/\1/p' | sort -u >"$TMP/help.$c"
done
# the options table: every option it lists is in the --help of every command it says
sed -n '/^Options shared by /,/^A misspelt/p' "$PGC_ROOT/README.md" >"$TMP/shared.md"
sed -nE 's/^\| `(--[a-z-]+).*/\1/p' "$TMP/shared.md" | sort -u >"$TMP/shared"
cmds=$(head -1 "$TMP/shared.md" | grep -oE 'audit|fix|verify|lint|erase|config' | paste -sd' ')
bad=""
for c in ${cmds:-audit fix verify lint erase config}; do
	for o in $(comm -23 "$TMP/shared" "$TMP/help.$c"); do bad="$bad $c:$o"; done
done
check_eq "README: the shared options ($(wc -l <"$TMP/shared")) are in the --help of ${cmds:-every command}" "" "$bad"
# the synopsis: each line's options are in that command's --help
bad=""
while read -r _ c rest; do
	for o in $(grep -oE -- '--[a-z][a-z-]*' <<<"$rest" | sort -u); do grep -qx -- "$o" "$TMP/help.$c" || bad="$bad $c:$o"; done
done < <(sed -n '/^## Usage/,/^## /p' "$PGC_ROOT/README.md" | grep -E '^pgcascade (audit|fix|verify|lint|erase|config) ')
check_eq "README: every option of the synopsis is in its command's --help" "" "$bad"
# the man page names every option of every command's --help
MANWIDTH=200 man -l "$PGC_ROOT/man/pgcascade.1" 2>/dev/null | col -b >"$TMP/man.txt"
grep -oE -- '--[a-z][a-z-]*[a-z]' "$TMP/man.txt" | sort -u >"$TMP/man.opts"
check_eq "man page: names every option of every command's --help" "" \
	"$(cat "$TMP"/help.* | sort -u | comm -23 - "$TMP/man.opts" | paste -sd' ')"
# exit codes: src/exitcodes.h, pgcascade --help, the man page and the README list the same
codes=$(sed -nE 's/^\s*PGC_EXIT_[A-Z]+ = ([0-9]+),.*/\1/p' "$PGC_ROOT/src/exitcodes.h" | sort -n | paste -sd' ')
check_eq "exit codes: --help lists those of src/exitcodes.h" "$codes" \
	"$("$BIN" --help | sed -n '/^Exit codes:/,$p' | grep -oE '(^|[ ,:]) ?[0-9] ' | tr -dc '0-9\n ' | tr -s ' \n' '\n\n' | grep . | sort -n | paste -sd' ')"
check_eq "exit codes: the man page's EXIT STATUS lists those of src/exitcodes.h" "$codes" \
	"$(sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$TMP/man.txt" | sed -nE 's/^ {7}([0-9]) .*/\1/p' | sort -n | paste -sd' ')"
check_eq "exit codes: the README's table lists those of src/exitcodes.h" "$codes" \
	"$(sed -n '/^### Exit codes/,/^## /p' "$PGC_ROOT/README.md" | sed -nE 's/^\| ([0-9]) \|.*/\1/p' | sort -n | paste -sd' ')"
# the README's policy file is one: pgcascade config reads it, every key with its line
sed -n '/^```ini$/,/^```$/p' "$PGC_ROOT/README.md" | sed '1d;$d' >"$TMP/readme.ini"
(cd "$TMP" && "$BIN" config --config readme.ini) >"$TMP/cfg.out" 2>&1
check_eq "README's .pgcascade.ini example: pgcascade config accepts it" 0 "$?"
sed 's/^/#   /' "$TMP/cfg.out" | grep -i error
n=0 missing=""
while IFS= read -r l; do
	n=$((n + 1))
	case "$l" in "" | \;* | \[*) continue ;; esac
	k=$(sed -E 's/^\s*([^ =]+).*/\1/' <<<"$l")
	grep -qE "^$k = .*# readme\.ini:$n\$" "$TMP/cfg.out" || missing="$missing $k:$n"
done <"$TMP/readme.ini"
check_eq "README's .pgcascade.ini example: config shows each key from its line" "" "$missing"
# the repository is self-contained: its documents point at no file outside it
# and at no issue number a reader cannot look up (bench/ keeps its own log)
check_eq "README, doc/, man page, examples: no '../shared' path, no 'issue N'" "" \
	"$(cd "$PGC_ROOT" && grep -rnE '\.\./shared/|/work/shared|\b[Ii]ssue [0-9]+' README.md doc man examples fuzz/README.md \
		tests/README.md 2>/dev/null | head -5)"
# "Two commands": the first one, scripts/example.sh (the second is this suite)
(cd "$PGC_ROOT" && scripts/example.sh) >"$TMP/example.out" 2>&1
check_eq "README's scripts/example.sh: exit 0 (fails before the fix, proven after it)" 0 "$?"
tail -3 "$TMP/example.out" | sed 's/^/#   /'
check "README's scripts/example.sh: writes the fix into build/example-fix/ as the README says" \
	test -s "$PGC_ROOT/build/example-fix/060-cascade-cleanup.sql"
