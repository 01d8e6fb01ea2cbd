#!/usr/bin/env bash
# t0610-bounds.sh - resource bounds (issue 6, part 6): a 500-table FK
# chain, a 32-column composite FK, 20,000 FKs into users, an FK cycle and
# a self-reference. Each must give a clear, exact result under ASan+UBSan
# within its time limit: no stack overflow, no hang, no sanitizer report.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 27

# audit_json NAME SECS FILE: runs `audit --format json FILE` under timeout.
audit_json() {
	local name=$1 secs=$2 file=$3
	timeout -k 5 "$secs" "$PGC" audit --format json "$file" >"$TMP/$name.json" 2>"$TMP/$name.err"
	RC=$?
	if [ "$RC" -eq 124 ] || [ "$RC" -eq 137 ]; then
		not_ok "$name: finished within ${secs}s"
	else
		ok "$name: finished within ${secs}s"
	fi
	if [ "$RC" -ge 98 ] && [ "$RC" -le 99 ] || grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:|stack-overflow' "$TMP/$name.err"; then
		not_ok "$name: no sanitizer report"
		sed 's/^/#   /' "$TMP/$name.err" | head -30
	else
		ok "$name: no sanitizer report"
	fi
}

# jq_eq NAME JSONFILE EXPR EXPECTED: the jq result (compact) equals EXPECTED.
jq_eq() {
	local got
	got=$(jq -c "$3" "$2" 2>&1 | head -c 500)
	check_eq "$1" "$4" "$got"
}

# 1. A chain of 500 tables: t1 -> users, t2 -> t1, ... all CASCADE but the
#    last edge, which is NO ACTION and blocks at depth 500.
{
	echo "CREATE TABLE users (id int PRIMARY KEY);"
	echo "CREATE TABLE t1 (id int PRIMARY KEY, p int REFERENCES users ON DELETE CASCADE);"
	for i in $(seq 2 499); do
		echo "CREATE TABLE t$i (id int PRIMARY KEY, p int REFERENCES t$((i - 1)) ON DELETE CASCADE);"
	done
	echo "CREATE TABLE t500 (id int PRIMARY KEY, p int REFERENCES t499);"
} >"$TMP/chain.sql"
audit_json chain 120 "$TMP/chain.sql"
check_eq "chain: exit 1" 1 "$RC"
jq_eq "chain: 500 FKs" "$TMP/chain.json" '.foreign_keys | length' 500
jq_eq "chain: 500 tables in the closure, depths 1..500" "$TMP/chain.json" \
	'[.closure[] | .depth] | sort == [range(1; 501)]' true
jq_eq "chain: one blocker, t500_p_fkey at depth 500" "$TMP/chain.json" \
	'[.findings[] | select(.rule == "fk-blocks-delete") | [.constraint, .depth]]' '[["t500_p_fkey",500]]'

# 2. A composite FK of 32 columns (PostgreSQL's INDEX_MAX_KEYS).
cols=$(seq -s, -f 'k%g' 1 32)
ccols=$(seq -s, -f 'c%g' 1 32)
{
	echo "CREATE TABLE users (id int PRIMARY KEY, $(seq -s, -f 'k%g int' 1 32), UNIQUE ($cols));"
	echo "CREATE TABLE wide ($(seq -s, -f 'c%g int' 1 32),"
	echo "  CONSTRAINT wide_fk FOREIGN KEY ($ccols) REFERENCES users ($cols));"
} >"$TMP/wide.sql"
audit_json wide 60 "$TMP/wide.sql"
check_eq "wide: exit 1" 1 "$RC"
jq_eq "wide: the FK keeps its 32 columns in order" "$TMP/wide.json" \
	"[.foreign_keys[] | [.name, (.columns | join(\",\")), (.ref_columns | join(\",\"))]]" \
	"[[\"wide_fk\",\"$ccols\",\"$cols\"]]"
jq_eq "wide: it blocks at depth 1" "$TMP/wide.json" \
	'[.findings[] | select(.rule == "fk-blocks-delete") | [.constraint, .depth]]' '[["wide_fk",1]]'

# 3. 20,000 FKs into users, one table each; every other one cascades.
python3 - "$TMP/many.sql" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("CREATE TABLE users (id int PRIMARY KEY);\n")
    for i in range(20000):
        act = " ON DELETE CASCADE" if i % 2 else ""
        f.write("CREATE TABLE m%d (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users%s);\n" % (i, act))
PY
audit_json many 300 "$TMP/many.sql"
check_eq "many: exit 1" 1 "$RC"
jq_eq "many: 20,000 FKs" "$TMP/many.json" '.foreign_keys | length' 20000
jq_eq "many: 20,000 tables at depth 1" "$TMP/many.json" '[.closure[] | select(.depth == 1)] | length' 20000
jq_eq "many: the 10,000 NO ACTION ones block" "$TMP/many.json" \
	'[.findings[] | select(.rule == "fk-blocks-delete") | .constraint] | (length, (map(ltrimstr("m") | rtrimstr("_user_id_fkey") | tonumber) | all(. % 2 == 0)))' \
	"$(printf '10000\ntrue')"

# 4. A cascading cycle inside the closure: a -> users, b -> a, a -> b (all
#    CASCADE, the last added later), with c -> b (NO ACTION) hanging off it;
#    and a cycle c2 <-> d2 outside the closure.
cat >"$TMP/cycle.sql" <<'EOF'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE a (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a ON DELETE CASCADE);
ALTER TABLE a ADD CONSTRAINT a_b_fk FOREIGN KEY (b_id) REFERENCES b ON DELETE CASCADE;
CREATE TABLE c (id int PRIMARY KEY, b_id int REFERENCES b);
CREATE TABLE c2 (id int PRIMARY KEY, d_id int);
CREATE TABLE d2 (id int PRIMARY KEY, c_id int REFERENCES c2);
ALTER TABLE c2 ADD CONSTRAINT c2_d_fk FOREIGN KEY (d_id) REFERENCES d2;
EOF
audit_json cycle 60 "$TMP/cycle.sql"
check_eq "cycle: exit 1" 1 "$RC"
jq_eq "cycle: the closure is a, b, c at depths 1, 2, 3" "$TMP/cycle.json" \
	'[.closure[] | [.table, .depth]] | sort' '[["a",1],["b",2],["c",3]]'
jq_eq "cycle: c_b_id_fkey blocks, always" "$TMP/cycle.json" \
	'[.findings[] | select(.rule == "fk-blocks-delete") | [.constraint, .blocks]]' '[["c_b_id_fkey","always"]]'

# 5. Self-references: users.invited_by (no action) blocks deleting a user
#    who invited someone; comments.parent_id (cascade) does not.
cat >"$TMP/self.sql" <<'EOF'
CREATE TABLE users (id int PRIMARY KEY, invited_by int REFERENCES users);
CREATE TABLE comments (id int PRIMARY KEY, user_id int REFERENCES users ON DELETE CASCADE,
                       parent_id int REFERENCES comments ON DELETE CASCADE);
EOF
audit_json self 60 "$TMP/self.sql"
check_eq "self: exit 1" 1 "$RC"
jq_eq "self: the closure holds comments once" "$TMP/self.json" \
	'[.closure[] | select(.table == "comments") | .depth]' '[1]'
jq_eq "self: users_invited_by_fkey blocks, comments_parent_id_fkey does not" "$TMP/self.json" \
	'[.findings[] | select(.rule == "fk-blocks-delete") | [.constraint, .blocks]]' '[["users_invited_by_fkey","always"]]'
