#!/usr/bin/env bash
# t0490-verify-corpora.sh - verify on five real projects' migration
# histories as published (tests/corpora/<name>/: src/ untouched, order.txt =
# the tool's own up order, SOURCE.md = repository, commit, licence, setup and
# patches; truth_*.tsv = PostgreSQL 15's catalog after applying them with the
# runner's rules). Until the layouts land (issue 11), the files are given in
# order.txt order: setup.sql first, patched/ copies where SOURCE.md says so,
# pop templates rendered (supabase-auth: Namespace=auth, as pop does) and only
# goose Up sections kept (hatchet), lines kept so places stay exact.
#   - verify --with-fix, without --allow-unseeded: exit 0, every closure
#     table seeded, nothing left, and the closure is the catalog's
#     (truth_closure.tsv);
#   - verify without the fix fails exactly on the catalog's blocking
#     foreign keys (truth_blockers.tsv), and the DELETE's own error names
#     one of the definite ones; with no blocker it passes.
#   - chatbot-ui seeds every table but its DELETE runs a trigger that calls
#     pgsql-http, which Debian does not package: the report names the
#     trigger, its function and the missing type (exit 1, not 3).
source "$PGC_ROOT/tests/lib/tap.sh"
source "$PGC_ROOT/tests/lib/corpora.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
C="$PGC_ROOT/tests/corpora"
# The plan: proves() runs 4 checks, 6 when the corpus has blocking edges;
# chatbot-ui 4, the leftover check 1; and each verify JSON against
# doc/schema/verify.schema.json (2 per corpus, chatbot-ui 1).
n=6
for c in openvsx supabase-auth hatchet ente; do
	[ -n "$(tail -n +2 "$C/$c/truth_blockers.tsv" 2>/dev/null)" ] && n=$((n + 8)) || n=$((n + 6))
done
plan "$n"
export TMPDIR="$TMP/cl"
mkdir -p "$TMPDIR" && chmod 755 "$TMP" "$TMPDIR"
j() { jq -r "$@" "$TMP/out" 2>/dev/null; }

# files NAME: the files to apply, in the runner's order (prepared under $TMP/NAME)
files() { corpus_files "$C/$1" "$TMP/$1"; }

# retains ROOT FILES...: --retain (array `retain`) for every table audit
# names user-column-no-fk (see retain_from_audit in tests/lib/tap.sh)
retains() {
	local root=$1; shift
	"$PGC" audit --format json --root "$root" "$@" >"$TMP/retains.json" 2>/dev/null
	retain_from_audit "$TMP/retains.json"
}

# proves NAME ROOT [extra args]: the with-fix and without-fix checks
proves() {
	local name=$1 root=$2; shift 2
	mapfile -t fl < <(files "$name")
	retains "$root" "${fl[@]}"
	pgc verify --format json --with-fix --root "$root" "${retain[@]}" "$@" "${fl[@]}"
	schema_keep verify "$TMP/out" "$name: verify --with-fix"
	check_eq "$name --with-fix: exit 0" 0 "$RC"
	[ "$RC" -eq 0 ] || { j '.unseeded[] | "#   unseeded: \(.table): \(.reason)"' | head -5; grep -v 'ignored' "$TMP/err" | head -3 | sed 's/^/#   /'; }
	check_eq "$name --with-fix: every closure table seeded, nothing left outside retained tables, nothing unseeded" "0 0 0" \
		"$(j '[.tables[] | select(.depth != null and .seeded < 1)] | length') $(j '[.tables[] | select(.retained | not) | .left] | add') $(j '.unseeded | length')"
	# the closure proper (owner-column tables without a FK have depth null)
	j '.tables[] | select(.depth != null) | .schema + "." + .table' | sort >"$TMP/$name.closure"
	tail -n +2 "$C/$name/truth_closure.tsv" | cut -f1 | sort >"$TMP/$name.truth"
	check_files "$name --with-fix: the closure is the catalog's (truth_closure.tsv)" "$TMP/$name.truth" "$TMP/$name.closure"
	pgc verify --format json --root "$root" "${retain[@]}" "$@" "${fl[@]}"
	schema_keep verify "$TMP/out" "$name: verify (without the fix)"
	tail -n +2 "$C/$name/truth_blockers.tsv" | cut -f1,2 | sort >"$TMP/$name.tb"
	if [ -s "$TMP/$name.tb" ]; then
		check_eq "$name without the fix: exit 1" 1 "$RC"
		j '.blockers[] | .schema + "." + .table + "\t" + .constraint' | sort >"$TMP/$name.vb"
		check_files "$name without the fix: the blocking edges are the catalog's (truth_blockers.tsv)" "$TMP/$name.tb" "$TMP/$name.vb"
		e=$(j '.error.constraint')
		if awk -F'\t' -v c="$e" 'NR > 1 && $2 == c && $9 == "definite" { f = 1 } END { exit !f }' "$C/$name/truth_blockers.tsv"; then
			ok "$name without the fix: the DELETE fails on a definite blocker ($e)"
		else
			not_ok "$name without the fix: the DELETE fails on a definite blocker (got '$e')"
		fi
	else
		check_eq "$name without the fix: no blocker, exit 0" 0 "$RC"
	fi
}

proves openvsx public.user_data          # Flyway, Java/Hibernate names
proves supabase-auth auth.users          # pop (Go), templates rendered
proves hatchet 'public."User"'           # goose (Go), NO TRANSACTION, a Go migration translated

proves ente public.users                  # golang-migrate; CHECK (user_id != emergency_contact_id), families' admin = member

# --- chatbot-ui (Supabase CLI): applies; the delete runs a trigger that calls pgsql-http
printf 'SET search_path = "$user", public, extensions;\n' >"$TMP/search_path.sql"  # setup.sql's ALTER DATABASE, for this session
mapfile -t fl < <(files chatbot-ui)
pgc verify --format json --with-fix --root auth.users "${fl[0]}" "$TMP/search_path.sql" "${fl[@]:1}"
schema_keep verify "$TMP/out" "chatbot-ui: verify --with-fix"
check_eq "chatbot-ui --with-fix: the proof fails (exit 1), not a database error" 1 "$RC"
check_eq "chatbot-ui --with-fix: every closure table seeded, nothing unseeded" "0 0" \
	"$(j '[.tables[] | select(.depth != null and .seeded < 1)] | length') $(j '.unseeded | length')"
check_eq "chatbot-ui --with-fix: the DELETE stops on the missing pgsql-http type, in the trigger that calls it" \
	'42704
type "extensions.http_request" does not exist
raised in trigger delete_old_file on public.files (function delete_old_file): an object it needs does not exist here (an extension that is not installed?)' \
	"$(j '.error.sqlstate, .error.message, .error.detail')"
# PostgreSQL agrees: the trigger's function calls extensions.http(), which only pgsql-http provides
check_contains "chatbot-ui: the sources' delete_storage_object calls extensions.http (pgsql-http)" \
	'extensions.http(' "$C/chatbot-ui/src/20240108234540_setup.sql"

schema_validate
check_eq "no cluster left behind" "" "$(ls -A "$TMPDIR")"
