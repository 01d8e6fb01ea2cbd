#!/usr/bin/env bash
# t0496-corpora-truth.sh - the first five corpora's truth files
# (tests/corpora/<name>/truth_{fks,closure,blockers}.tsv, which t0490 and
# t0840 compare pgcascade with) are what PostgreSQL says: each corpus is
# applied to a fresh database with its runner's rule, as its SOURCE.md
# describes, by tests/corpora/truth.sh (bash + psql, no pgcascade), which
# reads pg_catalog; its files must equal the committed ones. These files
# follow every FK in the closure (--every-fk), as they were written.
#   openvsx        Flyway: one transaction per file
#   ente           golang-migrate: each file as one simple query
#   supabase-auth  pop: the project's init_postgres.sql as superuser (with
#                  this database's name), then each rendered file in one
#                  transaction as supabase_auth_admin
#   chatbot-ui     Supabase CLI: platform stubs (setup.sql), then each file
#                  (patched/ copy where there is one) in one transaction
#   hatchet        goose: Up sections, one transaction per file except the
#                  NO TRANSACTION ones; one Go migration as its SQL
#                  translation (patched/)
source "$PGC_ROOT/tests/lib/tap.sh"
source "$PGC_ROOT/tests/lib/corpora.sh"
C="$PGC_ROOT/tests/corpora"
plan 15 # 3 files x 5 corpora

# truth NAME ROOT TRUTH-OPTIONS... -- FILE...: recompute and compare
truth() {
	local name=$1 root=$2 db=t0496_${1//-/_} f
	shift 2
	fresh_db "$db" >/dev/null || { not_ok "$name: fresh database"; return; }
	mkdir -p "$TMP/truth/$name"
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	PGDATABASE=$db bash "$C/truth.sh" --every-fk "${opts[@]}" "$TMP/truth/$name" "$root" "$@" 2>"$TMP/truth.err" ||
		sed 's/^/#   /' "$TMP/truth.err" | head -5
	for f in truth_fks.tsv truth_closure.tsv truth_blockers.tsv; do
		check_files "$name: $f is what PostgreSQL's catalog says" "$C/$name/$f" "$TMP/truth/$name/$f"
	done
	psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$db\"" >/dev/null 2>&1
}

mapfile -t fl < <(corpus_files "$C/openvsx" "$TMP/openvsx")
truth openvsx public.user_data --per-file-transaction -- "${fl[@]}"

mapfile -t fl < <(corpus_files "$C/ente" "$TMP/ente")
truth ente public.users --per-file-query -- "${fl[@]}"

# setup.sql grants on the database "postgres": on this one instead (SOURCE.md)
mapfile -t fl < <(corpus_files "$C/supabase-auth" "$TMP/supabase-auth")
sed 's/GRANT CREATE ON DATABASE postgres /GRANT CREATE ON DATABASE t0496_supabase_auth /' "${fl[0]}" >"$TMP/sa-setup.sql"
truth supabase-auth auth.users --per-file-transaction --setup "$TMP/sa-setup.sql" --as supabase_auth_admin -- "${fl[@]:1}"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS supabase_auth_admin" -c "DROP ROLE IF EXISTS supabase_admin" >/dev/null 2>&1

mapfile -t fl < <(corpus_files "$C/chatbot-ui" "$TMP/chatbot-ui")
truth chatbot-ui auth.users --per-file-transaction --setup "${fl[0]}" -- "${fl[@]:1}"

mapfile -t fl < <(corpus_files "$C/hatchet" "$TMP/hatchet" notx)
truth hatchet 'public."User"' --per-file-transaction -- "${fl[@]}"
