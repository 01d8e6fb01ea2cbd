#!/usr/bin/env bash
# t0840-corpora.sh - nine real public migration histories, one layout
# each (tests/corpora/<name>/: src/ as published, the tool's own order in
# order.txt, PostgreSQL 15's catalog after applying them in truth_*.tsv;
# SOURCE.md says where each comes from, under which licence, and how the
# truth was made). For each corpus, pgcascade reading src/ the way the
# tool does must give:
#   - the tool's file order, line for line (audit --list-files), files
#     pgcascade cannot read (goose's .go migrations) named in a warning;
#   - every foreign key of the catalog, names, columns and actions
#     included, and no other (truth_fks.tsv);
#   - the deletion closure of the corpus's root, tables and BFS depth
#     (truth_closure.tsv).
source "$(dirname "$0")/../lib/tap.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
# 10 per corpus (3 of them: lint runs, audit's and lint's JSON valid against
# doc/schema/), + 2 for the FKs supabase-auth creates in DO blocks
plan 92

C="$PGC_ROOT/tests/corpora"
command -v jq >/dev/null || { not_ok "jq is installed"; exit 1; }

act() { # on_delete in JSON -> pg_constraint.confdeltype
	case "$1" in
	cascade) echo c ;; "no action") echo a ;; restrict) echo r ;; "set null") echo n ;; "set default") echo d ;; *) echo "?$1" ;;
	esac
}

# FKs that a corpus creates inside a DO block (dynamic SQL, which the
# static model does not replay): "constraint table file" each. They must
# be missing AND the file must carry a dynamic-sql finding, so a reader
# of the audit is told to check them by hand.
declare -A IN_DO=(
	[supabase-auth]="one_time_tokens_user_id_fkey one_time_tokens 20240427152123_add_one_time_tokens_table.up.sql
refresh_tokens_session_id_fkey refresh_tokens 20220811173540_add_sessions_table.up.sql"
)

corpus() { # name layout-word root extra-args...
	local name=$1 layout=$2 root=$3; shift 3
	local dir="$C/$name"
	[ -d "$dir/src" ] || { not_ok "$name: corpus present"; return; }
	local pre=()
	[ -f "$dir/setup.sql" ] && [ "$name" = chatbot-ui ] && pre=("$dir/setup.sql")

	# 1. the order
	pgc audit --list-files "$@" "$dir/src"
	check_eq "$name: --list-files exits 0" 0 "$RC"
	if [[ " $* " == *" --layout "* ]]; then
		check_eq "$name: --layout $layout: no detection notice" "" "$(grep 'layout:' "$TMP/err")"
	else
		check_contains "$name: detected as $layout" "layout: $layout (" "$TMP/err"
	fi
	sed "s|^$dir/src/||" "$TMP/out" >"$TMP/order.got"
	grep -v '\.go$' "$dir/order.txt" >"$TMP/order.want"
	check_files "$name: file order equals the tool's (order.txt, SQL files)" "$TMP/order.want" "$TMP/order.got"
	local missing=0 f
	for f in $(grep '\.go$' "$dir/order.txt"); do
		grep -qF "$f: goose runs this migration" "$TMP/err" || missing=$((missing + 1))
	done
	check_eq "$name: every migration pgcascade cannot read is named" 0 "$missing"

	# 2. the foreign keys
	pgc audit --format json --root "$root" "$@" "${pre[@]}" "$dir/src"
	check "$name: audit ran (exit $RC)" test "$RC" -le 1
	cp "$TMP/out" "$TMP/a.json"
	schema_keep audit "$TMP/a.json" "$name: audit"
	pgc lint --no-config --format json --root "$root" "$@" "${pre[@]}" "$dir/src"
	check "$name: lint ran (exit $RC)" test "$RC" -le 1
	schema_keep lint "$TMP/out" "$name: lint"
	jq -r '.foreign_keys[] | [.schema, .table, .name, (.columns | join(",")),
	        (.ref_schema + "." + .ref_table), (.ref_columns | join(",")), .on_delete, .on_update,
	        (if .deferrable then "t" else "f" end), (if .validated then "t" else "f" end)] | @tsv' \
		"$TMP/a.json" >"$TMP/fks.raw"
	while IFS=$'\t' read -r s t n c rt rc od ou df va; do
		printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$s" "$t" "$n" "$c" "$rt" "$rc" \
			"$(act "$od")" "$(act "$ou")" "$df" "$va"
	done <"$TMP/fks.raw" | LC_ALL=C sort >"$TMP/fks.got"
	tail -n +2 "$dir/truth_fks.tsv" | LC_ALL=C sort >"$TMP/fks.want"
	local skip_tables=()
	if [ -n "${IN_DO[$name]:-}" ]; then
		local con tab file
		while read -r con tab file; do
			grep -v -P "\t\Q$con\E\t" "$TMP/fks.want" >"$TMP/fks.w2"; mv "$TMP/fks.w2" "$TMP/fks.want"
			skip_tables+=("$tab")
			check_eq "$name: $con is created in a DO block and $file has a dynamic-sql finding" 1 \
				"$(jq --arg f "$dir/src/$file" '[.findings[] | select(.rule == "dynamic-sql" and .file == $f)] | length > 0 | if . then 1 else 0 end' "$TMP/a.json")"
		done <<<"${IN_DO[$name]}"
	fi
	check_files "$name: foreign keys equal PostgreSQL's ($(wc -l <"$TMP/fks.want"))" "$TMP/fks.want" "$TMP/fks.got"

	# 3. the closure (tables and depth)
	jq -r '.closure[] | [(.schema + "." + .table), .depth] | @tsv' "$TMP/a.json" | LC_ALL=C sort >"$TMP/cl.got"
	# the JSON closure lists the tables below the root (depth >= 1)
	tail -n +2 "$dir/truth_closure.tsv" | awk -F'\t' '$2 > 0' | cut -f1,2 | LC_ALL=C sort >"$TMP/cl.want"
	local t
	for t in "${skip_tables[@]}"; do
		grep -v -F "$(printf '.%s\t' "$t")" "$TMP/cl.want" >"$TMP/cl.w2"; mv "$TMP/cl.w2" "$TMP/cl.want"
	done
	check_files "$name: closure equals PostgreSQL's ($(wc -l <"$TMP/cl.want") tables)" "$TMP/cl.want" "$TMP/cl.got"
}

corpus ente golang-migrate public.users
corpus supabase-auth pop auth.users --set Namespace=auth
corpus chatbot-ui supabase auth.users --layout supabase
corpus openvsx flyway public.user_data
corpus hatchet goose 'public."User"'
# truth written by tests/corpora/truth.sh, which t0495 reruns against PostgreSQL
corpus miningpool-observer diesel public.block
corpus casualos prisma '"User"'            # Prisma on CockroachDB
corpus zync plain public.tenants --layout plain   # pg_dump schema
corpus gracepoint-hub plain public.users --layout plain   # pg_dump schema (pop)

# audit's and lint's JSON of every corpus, against doc/schema/ (output contracts)
schema_validate
