#!/usr/bin/env bash
# t0440: the seeder fills real shapes of tables (issue 10, "a seeder that
# fills real tables"). One fixture per shape in tests/fixtures/verify/seed/:
# CHECKs comparing two columns (two users, admin = member), UNIQUE columns
# that several FK paths fill (composite, expression and partial unique
# indexes), a NOT NULL column a BEFORE INSERT trigger fills and a trigger
# that refuses the first value, partitioned tables, the CHECK forms the
# issue lists on one row (enum, domain, LIKE, regex, length, IN, OR). For each:
#   - verify --with-fix exits 0, every closure table seeded, nothing
#     unseeded, nothing left (JSON);
#   - PostgreSQL confirms: every row verify inserted (PGCASCADE_VERIFY_DEBUG
#     prints each as the server returned it) is inserted again into a fresh
#     database with the fixture applied (user triggers off, as the rows are
#     already what the triggers made; CHECK, UNIQUE, FK and partition bounds
#     on), so the rows exist and satisfy every constraint; then PostgreSQL's
#     own DELETE of owner A's root row succeeds and removes at least the rows
#     verify counted as A's in every closure table.
# And one table no row can enter: the report names it, the trigger and its
# function (text and JSON), exit 1; --allow-unseeded accepts it.
source "$(dirname "$0")/../lib/tap.sh"

D="$FIXTURES/verify/seed"
SHAPES=(two-users unique-paths trigger-fill partitioned check-forms)
plan $((4 * ${#SHAPES[@]} + 6))
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$1" "$TMP/out"; }

for name in "${SHAPES[@]}"; do
	f="$D/$name.sql"
	PGCASCADE_VERIFY_DEBUG=1 pgc verify --format json --with-fix "$f"
	check_eq "$name: verify --with-fix exits 0" 0 "$RC"
	[ "$RC" -eq 0 ] || j '.unseeded[] | "#   unseeded: \(.table): \(.reason)"'
	check_eq "$name: every closure table seeded, nothing unseeded, nothing left" "0 0 0" \
		"$(j '[.tables[] | select(.seeded < 1)] | length') $(j '.unseeded | length') $(j '[.tables[] | .left] | add')"
	# the rows verify inserted, as the server returned them
	sed -n 's/^verify-row: //p' "$TMP/err" >"$TMP/rows.tsv"
	j '.tables[] | "\(.schema).\(.table)\t\(.seeded)"' >"$TMP/seeded.tsv"
	db=$(fresh_db "t0440_$name" | sed 's/.*dbname=//')
	{
		echo '\set ON_ERROR_STOP on'
		cat "$f"
		echo 'SET session_replication_role = DEFAULT;'
		cut -f1 "$TMP/rows.tsv" | sort -u | while read -r t; do
			echo "ALTER TABLE $t DISABLE TRIGGER USER;"
		done
		while IFS=$'\t' read -r t row; do
			printf "INSERT INTO %s OVERRIDING SYSTEM VALUE SELECT * FROM json_populate_record(NULL::%s, \$r\$%s\$r\$);\n" "$t" "$t" "$row"
		done <"$TMP/rows.tsv"
		cut -f1 "$TMP/rows.tsv" | sort -u | while read -r t; do
			echo "ALTER TABLE $t ENABLE TRIGGER USER;"
		done
	} >"$TMP/replay.sql"
	if psql_db "$db" -f "$TMP/replay.sql" >"$TMP/replay.out" 2>&1; then
		ok "$name: PostgreSQL accepts every seeded row again (CHECK, UNIQUE, FK, partition bounds)"
	else
		not_ok "$name: PostgreSQL accepts every seeded row again (CHECK, UNIQUE, FK, partition bounds)"
		sed 's/^/#   /' "$TMP/replay.out" | grep -v '^#   $' | head -5
	fi
	# owner A's root row is the first row verify inserted
	IFS=$'\t' read -r root arow <"$TMP/rows.tsv"
	{
		while IFS=$'\t' read -r t n; do echo "SELECT '$t', count(*) FROM $t;"; done <"$TMP/seeded.tsv"
		echo "WITH d AS (DELETE FROM $root r USING json_populate_record(NULL::$root, \$r\$$arow\$r\$) a WHERE r = a RETURNING 1) SELECT 'deleted', count(*) FROM d;"
		while IFS=$'\t' read -r t n; do echo "SELECT '$t', count(*) FROM $t;"; done <"$TMP/seeded.tsv"
	} >"$TMP/delete.sql"
	psql_db "$db" -At -F $'\t' -f "$TMP/delete.sql" >"$TMP/counts" 2>&1
	n=$(wc -l <"$TMP/seeded.tsv")
	bad=$(awk -F'\t' -v n="$n" 'FILENAME == ARGV[1] { want[$1] = $2; next }
		$1 == "deleted" { del = $2 == 1; next }
		NF == 2 { if (!del) before[$1] = $2; else after[$1] = $2 }
		END { if (!del) { print "the DELETE did not remove the root row"; exit }
		      for (t in want) if (before[t] - after[t] < want[t] || before[t] < 1) print t ": " before[t] " before, " after[t] " after, " want[t] " of A" }' \
		"$TMP/seeded.tsv" "$TMP/counts")
	check_eq "$name: PostgreSQL's DELETE of A's root row removes at least A's seeded rows of every closure table" "" "$bad"
	[ -z "$bad" ] || sed 's/^/#   /' "$TMP/counts" | head -10
done

# a table no row can enter: named, with the trigger and its function
pgc verify --format json --with-fix "$D/unseedable.sql"
check_eq "unseedable: exit 1" 1 "$RC"
check_eq "unseedable: the table, the edge and the reason naming the trigger and its function (JSON)" \
	'public.ledger ledger_user_id_fkey the ledger is closed (SQLSTATE P0001) in trigger ledger_closed on public.ledger (function ledger_closed)' \
	"$(j '.unseeded[] | "\(.schema).\(.table) \(.constraint) \(.reason)"')"
check_eq "unseedable: refused_by names the trigger (JSON)" 'trigger ledger_closed on public.ledger (function ledger_closed)' \
	"$(j '.unseeded[] | .refused_by')"
check_eq "unseedable: the other tables are seeded" "public.notes 1 public.users 1" \
	"$(j '[.tables[] | select(.table != "ledger") | "\(.schema).\(.table) \(.seeded)"] | sort | join(" ")')"
pgc verify --with-fix "$D/unseedable.sql"
check_contains "unseedable: the text report names it too" \
	'unseeded: public.ledger (via ledger_user_id_fkey): the ledger is closed (SQLSTATE P0001) in trigger ledger_closed on public.ledger (function ledger_closed)' "$TMP/out"
pgc verify --allow-unseeded --with-fix "$D/unseedable.sql"
check_eq "unseedable: --allow-unseeded accepts it, exit 0" 0 "$RC"
