#!/usr/bin/env bash
# t0625-oom-unwinds.sh - library code never ends the process (issue 12,
# item 3). An allocation failure unwinds to the recovery point that
# main() sets around every command (xalloc_run in src/util/xalloc.c), after
# the failure hook tore the embedded cluster down; the command ends with
# exit 4 and one "out of memory" line.
#   1. Source check: outside src/main.c and src/cmd/, no exit(), _exit(),
#      _Exit(), quick_exit(), abort() or assert() in code (comments and
#      strings aside), except the lines marked "pgc-allow-exit:" - only
#      _exit() in cluster.c's forked children and xalloc's harness-only
#      fallback; and every plain malloc/calloc/realloc/strdup/strndup/
#      asprintf result is tested for failure within a few lines, and every
#      file that builds JSON does it through util/xjson.h (json-c checked).
#   2. Every command reaches its first allocation under the recovery point:
#      allocation 1 failing ends in exit 4, never in the fallback's abort.
#   3. verify: one allocation fails at the start of each phase and inside it
#      (audit, apply, load, seed/prove/report; the phase boundaries are
#      printed by the test build): exit 4, the message, no cluster
#      directory and no server left; verify --db leaves the live database's
#      rows and sequences as they were.
#   4. erase --db: every allocation fails once; all or nothing.
#   5. fix --out: every allocation fails once; the whole set of files or none.
source "$PGC_ROOT/tests/lib/tap.sh"
NPOINT=9
plan $((4 + 6 + 2 + 5 * NPOINT + 5 + 5 + 4))
SRC="$PGC_ROOT/src"

# --- 1. the source ---------------------------------------------------------------
# Prints "path:line: text" for each forbidden call (allowed ones prefixed
# "ALLOWED "), then "UNCHECKED path:line: text" for each allocation whose
# result is not tested.
python3 - "$SRC" >"$TMP/scan" <<'EOF'
import os, re, sys
root = sys.argv[1]
def strip(text):
    # comments and string/char literals become spaces (newlines kept)
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            j = text.find('*/', i + 2); j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j])); i = j
        elif text.startswith('//', i):
            j = text.find('\n', i); j = n if j < 0 else j
            out.append(' ' * (j - i)); i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            out.append(c + ' ' * (min(j, n) - i - 1) + c); i = j + 1
        else:
            out.append(c); i += 1
    return ''.join(out)
forbidden = re.compile(r'\b(exit|_exit|_Exit|quick_exit|abort|assert)\s*\(')
alloc = re.compile(r'(?:([A-Za-z_][\w\[\]]*)\s*=\s*[^;=]*?)?\b(malloc|calloc|realloc|strdup|strndup|asprintf)\s*\(')
for dp, dn, fn in os.walk(root):
    for f in sorted(fn):
        p = os.path.join(dp, f)
        rel = os.path.relpath(p, os.path.dirname(root))
        if not f.endswith(('.c', '.h')) or rel == 'src/main.c' or rel.startswith('src/cmd/'):
            continue
        raw = open(p, encoding='utf-8', errors='replace').read()
        rawl, code = raw.split('\n'), strip(raw).split('\n')
        if re.search(r'\bjson_object_(new_\w+|object_add|array_add|to_json_string_ext)\s*\(', strip(raw)) \
                and '#include "util/xjson.h"' not in raw and not rel.startswith('src/util/xjson'):
            print(f'UNCHECKED {rel}: builds JSON without util/xjson.h (json-c\'s NULL and -1 unchecked)')
        for k, line in enumerate(code):
            if forbidden.search(line):
                tag = 'ALLOWED ' if 'pgc-allow-exit:' in rawl[k] else ''
                print(f'{tag}{rel}:{k+1}: {rawl[k].strip()}')
            if rel == 'src/util/xalloc.c':
                continue
            for m in alloc.finditer(line):
                if line[:m.start(2)].endswith(('x', '_')):
                    continue  # xmalloc, arena_strdup, ...
                var, fn_ = m.group(1), m.group(2)
                window = '\n'.join(code[k:k + 5])
                if fn_ == 'asprintf':
                    ok = re.search(r'asprintf\s*\([^;]*\)\s*<\s*0', window) is not None
                elif var:
                    v = re.escape(var)
                    ok = re.search(r'!\s*' + v + r'\b|\b' + v + r'\s*(\)|\?|==\s*NULL|!=\s*NULL|&&|\|\|)', window[m.end():]) is not None
                else:
                    ok = False
                if not ok:
                    print(f'UNCHECKED {rel}:{k+1}: {rawl[k].strip()}')
EOF
check "source scan ran (python3)" test $? -eq 0
grep -v '^ALLOWED \|^UNCHECKED ' "$TMP/scan" >"$TMP/bad"
check_eq "no exit/_exit/abort/assert in library code (src/ without main.c, cmd/)" "" "$(cat "$TMP/bad")"
grep '^ALLOWED ' "$TMP/scan" | sed 's/^ALLOWED //' >"$TMP/allowed"
check_eq "the allowed ones: _exit() in cluster.c's forked children, xalloc's harness fallback" \
	"src/util/xalloc.c abort
src/verify/cluster.c _exit
src/verify/cluster.c _exit
src/verify/cluster.c _exit
src/verify/cluster.c _exit
src/verify/cluster.c _exit
src/verify/cluster.c _exit" \
	"$(sed -E 's/^([^:]+):[0-9]+: .*\b(_exit|abort|exit)\(.*/\1 \2/' "$TMP/allowed" | sort)"
check_eq "every plain allocation's result is checked" "" "$(grep '^UNCHECKED ' "$TMP/scan")"

# --- 2. every command runs under the recovery point -------------------------------
mkdir -p "$TMP/m"
cat >"$TMP/m/001.sql" <<'EOF'
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
EOF
for cmd in audit fix lint verify erase; do
	args=("$TMP/m")
	[ "$cmd" = erase ] && args=(--emit-sql "$TMP/erase.sql" "$TMP/m")
	PGCASCADE_FAIL_ALLOC=1 "$PGC" "$cmd" "${args[@]}" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	check_eq "$cmd: allocation 1 fails: exit 4 and the message, unwound to the command (not abort's 134)" \
		"4 pgcascade: error: out of memory" "$rc $(tail -1 "$TMP/err")"
done
PGCASCADE_FAIL_ALLOC=1 "$PGC" audit --format json "$TMP/m" >"$TMP/out" 2>"$TMP/err"
check_eq "audit: nothing half-written on stdout" "" "$(cat "$TMP/out")"

# --- 3. verify: a failure in each phase --------------------------------------------
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
dirs() { ls -A "$TMPDIR"; }
servers() { pgrep -f "postgres -D $TMPDIR" || true; }
ZOO="$FIXTURES/verify/type-zoo.sql"
PGCASCADE_COUNT_ALLOC=1 pgc verify --root '"Users"' "$ZOO"
phase() { sed -n "s/^pgcascade: allocations before $1: //p" "$TMP/err"; }
apply=$(phase apply) load=$(phase load) seed=$(phase seed)
total=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
check "verify: the phase boundaries are known (apply $apply, load $load, seed $seed, total $total)" \
	test -n "$apply" -a -n "$load" -a -n "$seed" -a -n "$total"
apply=${apply:-0} load=${load:-0} seed=${seed:-0} total=${total:-0}
check "verify: the phases are in order and each allocates" \
	test 0 -lt "$apply" -a "$apply" -lt "$load" -a "$load" -lt "$seed" -a "$seed" -lt "$total"
# audit (early, last before apply), apply, load (first, middle), seed and
# the proof (first, a quarter, a half, the last allocation of the run)
points="$((apply / 10)) $apply $((apply + 1)) $((load + 1)) $(((load + seed) / 2 + 1)) $((seed + 1)) \
$((seed + (total - seed) / 4)) $((seed + (total - seed) / 2)) $total"
for n in $points; do
	pgc_verify_fail() { PGCASCADE_FAIL_ALLOC=$n pgc verify --root '"Users"' "$ZOO"; }
	pgc_verify_fail
	check_eq "verify, allocation $n of $total fails: exit 4" 4 "$RC"
	check_eq "verify, allocation $n: the last line says why" "pgcascade: error: out of memory" "$(tail -1 "$TMP/err")"
	check "verify, allocation $n: no sanitizer report" test "$RC" -lt 98
	check_eq "verify, allocation $n: no cluster directory left" "" "$(dirs)"
	check_eq "verify, allocation $n: no server left" "" "$(servers)"
done

# --- verify --db: an allocation failure in the seed transaction changes nothing ----
db=t0625_live
conn=$(fresh_db "$db")
psql_db "$db" >/dev/null 2>"$TMP/psql.err" <<'EOF'
CREATE TABLE users (id bigserial PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE posts (id serial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	post_id int NOT NULL REFERENCES posts ON DELETE CASCADE, body text);
INSERT INTO users (email) VALUES ('a@example.com'), ('b@example.com');
INSERT INTO posts (user_id) VALUES (1), (2), (2);
INSERT INTO comments (post_id, body) VALUES (3, 'hello');
EOF
check "verify --db: the schema and rows are in place" test $? -eq 0
state() {
	psql_db "$db" -At -c "SELECT string_agg(format('%s=%s', c.oid::regclass,
		(xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text), ' ' ORDER BY c.oid::regclass::text)
		FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p') AND s.nspname NOT IN ('pg_catalog', 'information_schema')" \
		-c "SELECT string_agg(format('%s=%s', seqrelid::regclass, coalesce(pg_sequence_last_value(seqrelid)::text, 'not called')),
		' ' ORDER BY seqrelid::regclass::text) FROM pg_sequence"
}
before=$(state)
PGCASCADE_COUNT_ALLOC=1 pgc verify --db "$conn"
lseed=$(sed -n 's/^pgcascade: allocations before seed: //p' "$TMP/err")
ltotal=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
check "verify --db: the seed phase is known ($lseed of $ltotal)" test -n "$lseed" -a -n "$ltotal"
check "verify --db: the run without a failure proves (exit $RC); the database has sequences: $before" \
	test "$RC" -eq 0 -a -n "$(echo "$before" | sed -n 2p)"
PGCASCADE_FAIL_ALLOC=$(( ${lseed:-0} + (${ltotal:-0} - ${lseed:-0}) / 2 )) pgc verify --db "$conn"
check_eq "verify --db, an allocation in the seed transaction fails: exit 4 and the message" \
	"4 pgcascade: error: out of memory" "$RC $(tail -1 "$TMP/err")"
check_eq "verify --db: rows and sequences as they were" "$before" "$(state)"

# --- erase --db: every allocation fails once; all or nothing -----------------------
# erase is asked to change the database, but all or nothing: after a failed
# allocation the process ends, its connection closes and PostgreSQL rolls
# the open transaction back. Each run must end in exit 4 and leave either
# every row (the failure came before the commit) or none of user 1's (it
# came after), never a part; and some run must have failed after its DELETE
# ran (n_tup_del grew, the rows are all there: rolled back). The
# allocations are counted on a twin database, which that erase changes.
erase_db() { # NAME: users 1 and 2 with posts and comments
	fresh_db "$1" >/dev/null && psql_db "$1" >/dev/null 2>&1 <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE);
CREATE TABLE comments (id bigint PRIMARY KEY, post_id bigint NOT NULL REFERENCES posts ON DELETE CASCADE);
INSERT INTO users VALUES (1, 'a@example.com'), (2, 'b@example.com');
INSERT INTO posts VALUES (10, 1), (11, 1), (20, 2);
INSERT INTO comments VALUES (100, 10), (101, 11), (200, 20);
SQL
}
rows() { psql_db "$1" -At -c "SELECT (SELECT count(*) FROM users) || ' ' || (SELECT count(*) FROM posts) || ' ' || (SELECT count(*) FROM comments)"; }
deleted() { # NAME: users rows deleted so far, committed or not, once the erase's backend is gone (its statistics flushed)
	local i
	for i in $(seq 1 100); do
		[ "$(psql_db "$1" -At -c "SELECT count(*) FROM pg_stat_activity WHERE datname = '$1' AND pid <> pg_backend_pid()")" = 0 ] && break
		sleep 0.05
	done
	psql_db "$1" -At -c "SELECT n_tup_del FROM pg_stat_user_tables WHERE relid = 'users'::regclass"
}
econn() { echo "host=$PGHOST port=$PGPORT user=$PGUSER dbname=$1"; }
erase_db t0625_erase_count && erase_db t0625_erase
check_eq "erase --db: both databases hold 2 users, 3 posts, 3 comments" "2 3 3 2 3 3" "$(rows t0625_erase_count) $(rows t0625_erase)"
PGCASCADE_COUNT_ALLOC=1 pgc erase --db "$(econn t0625_erase_count)" --key 1 --yes
etotal=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
check_eq "erase --db: the run without a failure erases user 1 (exit $RC, ${etotal:-?} allocations)" "1 1 1" "$(rows t0625_erase_count)"
bad=0 partial=0 rolled=0 committed=0 before=0
for n in $(seq 1 "${etotal:-0}"); do
	PGCASCADE_FAIL_ALLOC=$n pgc erase --db "$(econn t0625_erase)" --key 1 --yes
	if [ "$RC" != 4 ] || [ "$(tail -1 "$TMP/err")" != "pgcascade: error: out of memory" ]; then
		bad=$((bad + 1)); echo "# erase, allocation $n: exit $RC"; sed 's/^/#   /' "$TMP/err" | head -5
	fi
	after=$(deleted t0625_erase)
	case "$(rows t0625_erase)" in
	"2 3 3") [ "${after:-0}" -gt "$before" ] && rolled=$((rolled + 1)) ;;
	"1 1 1") committed=$((committed + 1)); erase_db t0625_erase; after=0 ;;
	*) partial=$((partial + 1)); echo "# erase, allocation $n: rows $(rows t0625_erase)"; erase_db t0625_erase; after=0 ;;
	esac
	before=${after:-0}
done
echo "# erase: ${etotal:-0} allocations; $rolled failed inside the transaction (rolled back), $committed after the commit"
check_eq "erase --db, allocations 1..${etotal:-0} each fail: exit 4 and the message" "0 bad" "$bad bad"
check_eq "erase --db: never a partial erasure" "0 partial" "$partial partial"
check "erase --db: failures after the DELETE ran were rolled back ($rolled)" test "$rolled" -gt 0

# --- 5. fix --out: every allocation fails once; the whole set or nothing -----------
# The files of a set are written one by one; an allocation failure after
# the first is in place must not leave an up file without its down (the
# failure hook removes the files this run created, as a failed write does).
# $TMP/m gives three files: up, validate and down.
# (the same --out each time: the count depends on the lengths of the paths)
PGCASCADE_COUNT_ALLOC=1 pgc fix --quiet --out "$TMP/fx" "$TMP/m"
ftotal=$(sed -n 's/^pgcascade: allocations: //p' "$TMP/err")
fset=$(ls -A "$TMP/fx" 2>/dev/null | sort | tr '\n' ' ')
check "fix --out: the run without a failure writes three files ($fset; ${ftotal:-?} allocations)" \
	test "$(wc -w <<<"$fset")" -eq 3 -a -n "$ftotal"
bad=0 partial=0 removed=0
for n in $(seq 1 "${ftotal:-0}"); do
	rm -rf "$TMP/fx"
	PGCASCADE_FAIL_ALLOC=$n pgc fix --quiet --out "$TMP/fx" "$TMP/m"
	if [ "$RC" != 4 ] || [ "$(tail -1 "$TMP/err")" != "pgcascade: error: out of memory" ]; then
		bad=$((bad + 1)); echo "# fix, allocation $n: exit $RC"; sed 's/^/#   /' "$TMP/err" | head -5
	fi
	have=$(ls -A "$TMP/fx" 2>/dev/null | sort | tr '\n' ' ')
	if [ -n "$have" ] && [ "$have" != "$fset" ]; then
		partial=$((partial + 1)); echo "# fix, allocation $n: left $have"
	fi
	grep -q "removed .* again" "$TMP/err" && removed=$((removed + 1))
done
check_eq "fix --out, allocations 1..${ftotal:-0} each fail: exit 4 and the message" "0 bad" "$bad bad"
check_eq "fix --out: never a partial set of files" "0 partial" "$partial partial"
check "fix --out: some failures came after a file was in place, and removed it ($removed)" test "$removed" -gt 0
