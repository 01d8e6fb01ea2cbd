#!/usr/bin/env bash
# t0425: `fix --minimal` holds with many owners. For every PostgreSQL
# fixture (and the two-owner fixtures of tests/fixtures/verify/owners),
# the migration that `fix --minimal` writes is applied on a throwaway
# PostgreSQL after the sources, then verify seeds two owners A and B with
# cross-owner rows and runs the real DELETE of A. PostgreSQL is the judge:
# the delete must succeed and leave nothing of A (issue 9: "fix --minimal
# may leave an edge alone only when it is proven harmless for any data").
# Then the other direction: for every PostgreSQL fixture with a blocking
# edge, the full fix with ONE of its cascades put back to NO ACTION (an
# --extra that re-creates that constraint from pg_get_constraintdef without
# its ON DELETE) must fail the proof, naming that edge.
source "$(dirname "$0")/../lib/tap.sh"

PGFIX=("$FIXTURES"/pg/*.sql)
OWNFIX=()
for f in "$FIXTURES"/verify/owners/*.sql; do
	case "$f" in *-weaken.sql) ;; *) OWNFIX+=("$f") ;; esac
done
plan $((2 + 3 * (${#PGFIX[@]} + ${#OWNFIX[@]}) + 2 * ${#PGFIX[@]}))

j() { jq -r "$1" "$TMP/out"; }

# The bundled example is CockroachDB: --minimal is refused there (CockroachDB
# does not document its cascade order); its full fix is proven with two
# owners by t0400.
pgc fix --minimal --out "$TMP/ex" "$PGC_ROOT/examples/skytwin"
check_eq "example (CockroachDB): fix --minimal refused, exit 2" 2 "$RC"
check_contains "example: says why" "PostgreSQL only" "$TMP/err"

for f in "${PGFIX[@]}" "${OWNFIX[@]}"; do
	name=${f#"$FIXTURES"/}
	"$PGC" audit --format json "$f" >"$TMP/a.json" 2>/dev/null
	arc=$?
	if [ "$arc" -eq 2 ]; then   # no root table: nothing to prove
		pgc fix --minimal --out "$TMP/none" "$f"
		check_eq "$name: no root, fix --minimal exits 2 like audit" 2 "$RC"
		pgc verify "$f"
		check_eq "$name: no root, verify exits 2 like audit" 2 "$RC"
		check_eq "$name: no root, nothing written" "" "$(ls "$TMP/none" 2>/dev/null)"
		continue
	fi
	setnull=$(jq '[.findings[] | select(.rule == "set-null-not-null")] | length' "$TMP/a.json")
	retain_from_audit "$TMP/a.json"
	out="$TMP/fix-$(basename "$f" .sql)"
	pgc fix --minimal --out "$out" "$f"
	extras=()
	for x in "$out"/*.sql; do
		[ -e "$x" ] || continue
		case "$x" in *.down.sql|*down*) ;; *) extras+=(--extra "$x") ;; esac
	done
	check_eq "$name: fix --minimal exits 0" 0 "$RC"
	pgc verify --format json "${retain[@]}" "${extras[@]}" "$f"
	if [ "$setnull" -gt 0 ]; then
		# SET NULL on a NOT NULL column fails at run time whatever the fix
		check_eq "$name: minimal fix, SET NULL on NOT NULL still fails: exit 1, SQLSTATE 23502" \
			"1 23502" "$RC $(j .error.sqlstate)"
	else
		check_eq "$name: minimal fix applied, two-owner delete of A succeeds and leaves nothing: exit 0" 0 "$RC"
		[ "$RC" -eq 0 ] || { j '.error, .problems' 2>/dev/null | head -10 | sed 's/^/#   /'; sed 's/^/#   /' "$TMP/err" | head -5; }
	fi
	check_eq "$name: the proof ran with two owners" "2 true" \
		"$(j '[.roots[0].owners, (.roots[0].checks | index("data-two-owners") != null)] | map(tostring) | join(" ")')"
done

# --- a hand-weakened fix fails, naming the weakened edge -----------------------
weaken() { # CONSTRAINT: SQL that puts that FK back to NO ACTION, keeping the rest
	cat <<EOF
DO \$w\$ DECLARE t regclass; d text; BEGIN
	SELECT conrelid::regclass, pg_get_constraintdef(oid) INTO t, d
	  FROM pg_constraint WHERE contype = 'f' AND conname = '$1' LIMIT 1;
	EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I, ADD CONSTRAINT %I %s', t, '$1', '$1',
	               replace(d, ' ON DELETE CASCADE', ''));
END \$w\$;
EOF
}
for f in "${PGFIX[@]}"; do
	name=${f#"$FIXTURES"/}
	"$PGC" audit --format json "$f" >"$TMP/a.json" 2>/dev/null
	# an edge the fix re-creates with CASCADE and that blocks for some data
	edge=$(jq -r '[.findings[] | select(.rule == "fk-blocks-delete" and .blocks == "always") | .constraint] | sort | .[0] // empty' "$TMP/a.json")
	if [ -z "$edge" ] || [ "$(jq '[.findings[] | select(.rule == "set-null-not-null")] | length' "$TMP/a.json")" -gt 0 ]; then
		skip 2 "$name: no always-blocking edge for the fix to cascade (or SET NULL on NOT NULL fails anyway)"
		continue
	fi
	retain_from_audit "$TMP/a.json"
	weaken "$edge" >"$TMP/weaken.sql"
	pgc verify --format json --with-fix "${retain[@]}" --extra "$TMP/weaken.sql" "$f"
	check_eq "$name: fix weakened at $edge: verify fails (exit 1)" 1 "$RC"
	check_eq "$name: fix weakened at $edge: the failure names it" true \
		"$(jq --arg e "$edge" '([.blockers[].constraint] + [.error.constraint // empty]) | index($e) != null' "$TMP/out")"
done
