#!/usr/bin/env bash
# t0495-verify-corpora2.sh - verify on four more real projects as
# published, each read the way its runner reads it (the directory given as
# is: layout and dialect detected), tests/corpora/<name>/ (SOURCE.md: where
# from, commit, licence, how the runner applies it):
#   miningpool-observer  diesel (migrations/<version>_<name>/up.sql)
#   casualos             Prisma Migrate on CockroachDB (STRING, INT8,
#                        unique_rowid()): verify translates it for PostgreSQL
#   zync                 a pg_dump schema (Rails db/structure.sql)
#   gracepoint-hub       a pg_dump schema (pop's migrations/schema.sql)
# For each:
#   - the truth is PostgreSQL's: tests/corpora/truth.sh applies the files in
#     order.txt order to a fresh database with the runner's transaction rule
#     and reads pg_catalog; the committed truth_*.tsv must equal what it
#     writes now (casualos: with truth_setup.sql, which gives plain
#     PostgreSQL CockroachDB's STRING and unique_rowid(), nothing of
#     pgcascade's translation);
#   - verify --with-fix, without --allow-unseeded: exit 0, every closure
#     table seeded, nothing left, the closure is the catalog's;
#   - verify without the fix fails exactly on the catalog's blocking FKs
#     (table and name: gracepoint-hub has three FKs named fk_user), and the
#     DELETE's own error names a definite one.
source "$PGC_ROOT/tests/lib/tap.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
C="$PGC_ROOT/tests/corpora"
plan 45 # 3 truth files x 4 corpora, proves(): 8 x 4 (2 verify JSON documents against the schema), cluster 1
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }

# truth NAME ROOT [--per-file-transaction] [SETUP]: recompute and compare
truth() {
	local name=$1 root=$2 mode=${3:-} setup=${4:-} d="$C/$1" f
	local db=t0495_${name//-/_} conn
	conn=$(fresh_db "$db") || { not_ok "$name: fresh database"; return; }
	mkdir -p "$TMP/truth/$name"
	local files=()
	[ -n "$setup" ] && files+=("$d/$setup")
	while read -r f; do files+=("$d/src/$f"); done <"$d/order.txt"
	local m=()
	[ -n "$mode" ] && m=("$mode")
	PGDATABASE=$db bash "$C/truth.sh" "${m[@]}" "$TMP/truth/$name" "$root" "${files[@]}" 2>"$TMP/truth.err" ||
		sed 's/^/#   /' "$TMP/truth.err"
	for f in truth_fks.tsv truth_closure.tsv truth_blockers.tsv; do
		check_files "$name: $f is what PostgreSQL's catalog says now" "$d/$f" "$TMP/truth/$name/$f"
	done
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
}

# without_fix NAME ROOT: verify without the fix fails on the catalog's blockers
without_fix() {
	local name=$1 root=$2
	pgc verify --format json --root "$root" "$C/$name/src"
	schema_keep verify "$TMP/out" "$name: verify (without the fix)"
	check_eq "$name without the fix: exit 1" 1 "$RC"
	tail -n +2 "$C/$name/truth_blockers.tsv" | cut -f1,2 | sort >"$TMP/$name.tb"
	j '.blockers[] | .schema + "." + .table + "\t" + .constraint' | sort >"$TMP/$name.vb"
	check_files "$name without the fix: the blocking edges are the catalog's (truth_blockers.tsv)" "$TMP/$name.tb" "$TMP/$name.vb"
	local e t
	e=$(j '.error.constraint')
	t=$(j '.error.message' | sed -n 's/.* on table "\([^"]*\)"$/\1/p')
	if awk -F'\t' -v c="$e" -v t="$t" 'NR > 1 && $2 == c && $1 ~ ("\\." t "$") && $9 == "definite" { f = 1 } END { exit !f }' "$C/$name/truth_blockers.tsv"; then
		ok "$name without the fix: the DELETE fails on a definite blocker ($e)"
	else
		not_ok "$name without the fix: the DELETE fails on a definite blocker (got '$e')"
	fi
}

closure_is_truth() { # NAME: verify's closure tables = truth_closure.tsv
	j '.tables[] | select(.depth != null) | .schema + "." + .table' | sort >"$TMP/$1.closure"
	tail -n +2 "$C/$1/truth_closure.tsv" | cut -f1 | sort >"$TMP/$1.truth"
	check_files "$1 --with-fix: the closure is the catalog's (truth_closure.tsv)" "$TMP/$1.truth" "$TMP/$1.closure"
}

# proves NAME ROOT: the with-fix and without-fix checks
proves() {
	local name=$1 root=$2
	pgc verify --format json --with-fix --root "$root" "$C/$name/src"
	schema_keep verify "$TMP/out" "$name: verify --with-fix"
	check_eq "$name --with-fix: exit 0" 0 "$RC"
	[ "$RC" -eq 0 ] || { j '.unseeded[] | "#   unseeded: \(.table): \(.reason)"' | head -5; grep -v 'ignored' "$TMP/err" | head -3 | sed 's/^/#   /'; }
	check_eq "$name --with-fix: every closure table seeded, nothing left, nothing unseeded" "0 0 0" \
		"$(j '[.tables[] | select(.depth != null and .seeded < 1)] | length') $(j '[.tables[] | .left] | add') $(j '.unseeded | length')"
	closure_is_truth "$name"
	without_fix "$name" "$root"
}

truth miningpool-observer public.block --per-file-transaction
truth casualos '"User"' --per-file-transaction truth_setup.sql
truth zync public.tenants
truth gracepoint-hub public.users --per-file-query

proves miningpool-observer public.block   # diesel
proves casualos '"User"'                  # Prisma on CockroachDB
proves gracepoint-hub public.users        # pg_dump (pop's schema dump)

proves zync public.tenants                # pg_dump; integration_states: UNIQUE over two FK columns, three paths

schema_validate
check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
