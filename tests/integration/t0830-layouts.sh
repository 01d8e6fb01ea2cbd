#!/usr/bin/env bash
# t0830-layouts.sh - each migration tool's layout (tests/fixtures/layouts/
# <tool>/, a small project laid out as that tool's users lay it out:
# timestamps, dashes, dialect suffixes, undo/down files, stray files).
#
# For each tool:
#   1. `audit --list-files PROJECT` equals the order the tool documents
#      (written below, with the rule it follows; doc/sources.md cites the
#      tool's source for each);
#   2. the catalog: the foreign keys of a PostgreSQL database migrated
#      the way the tool migrates (by the tool itself where Debian or npm
#      has it: dbmate, sqitch; else the files of step 1 applied with psql
#      in that order, whole) equal pgcascade's static model, names,
#      columns and actions included.
# goose, golang-migrate, Flyway, Liquibase, diesel, sqlx, refinery, pop,
# Prisma, Supabase CLI, Atlas and graphile-migrate are in neither
# registry (apt-cache search, npm view): their catalog comes from psql.
source "$(dirname "$0")/../lib/tap.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
plan $((133 + 12 * 7)) # 7 more per catalog: lint, verify --db, and 4 documents validated

L="$FIXTURES/layouts"
command -v jq >/dev/null || { not_ok "jq is installed"; exit 1; }
DBMATE="$PGC_ROOT/tests/tools/node_modules/.bin/dbmate"

# fks JSON OUT: the foreign keys of an audit, one TSV line each, sorted
fks() {
	jq -r '.foreign_keys[] | [.schema, .table, .name, (.columns | join(",")), .ref_schema,
	        .ref_table, (.ref_columns | join(",")), .on_delete] | @tsv' "$1" | LC_ALL=C sort >"$2"
}

# order NAME PROJECT EXPECTED-LINES [args]: step 1
order() {
	local name=$1 proj=$2 want=$3; shift 3
	(cd "$L" && "$PGC" audit --list-files "$@" "$proj" >"$TMP/out" 2>"$TMP/err"); RC=$?
	check_eq "$name: --list-files exits 0" 0 "$RC"
	printf '%s\n' "$want" >"$TMP/order.want"
	check_files "$name: files in the tool's order" "$TMP/order.want" "$TMP/out"
	cp "$TMP/out" "$TMP/$name.order"
}

# catalog NAME ROOT DB [args] -- PATHS: step 2 (DB already migrated)
catalog() {
	local name=$1 root=$2 db=$3; shift 3
	local args=()
	while [ "$1" != "--" ]; do args+=("$1"); shift; done
	shift
	local ci="host=$PGHOST port=$PGPORT user=$PGUSER dbname=$db"
	pgc audit --format json --root "$root" --db "$ci"
	check "$name: live audit runs (exit $RC)" test "$RC" -le 1
	schema_keep audit "$TMP/out" "$name: audit --db"
	fks "$TMP/out" "$TMP/live.fks"
	grep -v -P '^sqitch\t' "$TMP/live.fks" >"$TMP/live.fks2"; mv "$TMP/live.fks2" "$TMP/live.fks"
	(cd "$L" && "$PGC" audit --format json --root "$root" "${args[@]}" "$@" >"$TMP/out" 2>"$TMP/err"); RC=$?
	check "$name: static audit runs (exit $RC)" test "$RC" -le 1
	schema_keep audit "$TMP/out" "$name: audit"
	fks "$TMP/out" "$TMP/static.fks"
	check_files "$name: foreign keys of the static model equal the catalog's ($(wc -l <"$TMP/live.fks"))" \
		"$TMP/live.fks" "$TMP/static.fks"
	check_eq "$name: no parse-error" 0 "$(jq '[.findings[] | select(.rule == "parse-error")] | length' "$TMP/out")"
	# the other commands' JSON on the same project, for the output contracts
	(cd "$L" && "$PGC" lint --no-config --format json --root "$root" "${args[@]}" "$@" >"$TMP/out" 2>"$TMP/err"); RC=$?
	check "$name: lint runs (exit $RC)" test "$RC" -le 1
	schema_keep lint "$TMP/out" "$name: lint"
	pgc verify --format json --root "$root" --db "$ci"
	check "$name: verify --db runs (exit $RC)" test "$RC" -le 1
	schema_keep verify "$TMP/out" "$name: verify --db"
}

# apply_listed NAME DB [sed-script]: psql -f each listed file, in order
apply_listed() {
	local name=$1 db=$2 sed=${3:-} f ok=0
	while read -r f; do
		if [ -n "$sed" ]; then sed "$sed" "$L/$f" >"$TMP/f.sql"; else cp "$L/$f" "$TMP/f.sql"; fi
		psql_db "$db" -f "$TMP/f.sql" >"$TMP/psql.out" 2>&1 || { ok=1; sed 's/^/#   /' "$TMP/psql.out" | head; }
	done <"$TMP/$name.order"
	check_eq "$name: PostgreSQL applies the files in that order" 0 "$ok"
}

# ---- golang-migrate: N_name.up.sql, unsigned integer order (1, 2, 10)
order golang-migrate golang-migrate "golang-migrate/migrations/1_create_users.up.sql
golang-migrate/migrations/2_create_posts.up.sql
golang-migrate/migrations/10_create_comments.up.sql"
check_contains "golang-migrate: detected" "layout: golang-migrate (" "$TMP/err"
db=$(fresh_db pgc_lay_gm >/dev/null && echo pgc_lay_gm)
apply_listed golang-migrate "$db"
catalog golang-migrate users "$db" -- golang-migrate

# ---- goose: int64 version before '_'; Up sections only; .go named
order goose goose "goose/db/migrations/20230101120000_init.sql
goose/db/migrations/20230215093000_cascade_orders.sql
goose/db/migrations/20230401000000_audit.sql"
check_contains "goose: the Go migration is named" "20230301000000_backfill.go: goose runs this migration" "$TMP/err"
(cd "$L" && "$PGC" audit --format json goose >"$TMP/g.json" 2>/dev/null)
fks "$TMP/g.json" "$TMP/g.fks"
# goose is in neither Debian nor npm: the expected keys are read off the
# Up sections by hand (the Down section re-creates orders_user_fk without
# CASCADE and adds notes_back_fk: neither may survive).
cat >"$TMP/g.want" <<'EOF'
public	audit_log	audit_log_user_id_fkey	user_id	public	users	id	set null
public	notes	notes_user_id_fkey	user_id	public	users	id	cascade
public	orders	orders_user_fk	user_id	public	users	id	cascade
EOF
check_files "goose: Up sections only (StatementEnd without ';' ends the statement)" "$TMP/g.want" "$TMP/g.fks"
check_eq "goose: no parse-error" 0 "$(jq '[.findings[] | select(.rule == "parse-error")] | length' "$TMP/g.json")"

# ---- dbmate: <digits>*.sql in name order; -- migrate:up sections; the real dbmate
order dbmate dbmate "dbmate/db/migrations/20230101000000_create_users.sql
dbmate/db/migrations/20230102000000_sessions.sql
dbmate/db/migrations/20230103000000_sessions_index.sql"
if [ -x "$DBMATE" ]; then
	fresh_db pgc_lay_dbmate >/dev/null
	"$DBMATE" --url "postgres://$PGUSER@localhost:$PGPORT/pgc_lay_dbmate?socket=$PGHOST&sslmode=disable" \
		--migrations-dir "$L/dbmate/db/migrations" --no-dump-schema up >"$TMP/dbmate.out" 2>&1
	check_eq "dbmate: the real dbmate migrates" 0 "$?"
	sed 's/^/#   /' "$TMP/dbmate.out" | grep -i error
	catalog dbmate users pgc_lay_dbmate -- dbmate
else
	not_ok "dbmate: the real dbmate is installed (scripts/deps.sh installs it under tests/tools)"
fi

# ---- Flyway: V by numeric version (1 < 1.1 < 1.2 < 2 < 10), subfolders too,
#      then R__ by description; U (undo) and afterMigrate callbacks never
order flyway flyway "flyway/src/main/resources/db/migration/V1__init.sql
flyway/src/main/resources/db/migration/V1_1__teams.sql
flyway/src/main/resources/db/migration/V1.2__members.sql
flyway/src/main/resources/db/migration/V2__team_owner.sql
flyway/src/main/resources/db/migration/v2/V10__invites.sql
flyway/src/main/resources/db/migration/R__a_first.sql
flyway/src/main/resources/db/migration/R__views.sql"
fresh_db pgc_lay_flyway >/dev/null
apply_listed flyway pgc_lay_flyway
catalog flyway users pgc_lay_flyway -- flyway

# ---- Liquibase formatted SQL: changelogs in name order (includeAll);
#      --rollback is a comment; a dbms:mysql changeset does not run on PostgreSQL
order liquibase liquibase "liquibase/src/main/resources/db/changelog/001-init.sql
liquibase/src/main/resources/db/changelog/002-mysql-only.sql"
fresh_db pgc_lay_liquibase >/dev/null
apply_listed liquibase pgc_lay_liquibase
# psql ran the dbms:mysql changeset too; Liquibase would not have:
psql_db pgc_lay_liquibase -c 'ALTER TABLE orders DROP CONSTRAINT orders_user_mysql_fk'
catalog liquibase users pgc_lay_liquibase -- liquibase

# ---- sqitch: sqitch.plan order; a reworked change deploys name@tag first; the real sqitch
order sqitch sqitch "sqitch/deploy/users.sql
sqitch/deploy/flips@v1.0.sql
sqitch/deploy/flips.sql"
if command -v sqitch >/dev/null; then
	fresh_db pgc_lay_sqitch >/dev/null
	(cd "$L/sqitch" && HOME="$TMP" SQITCH_FULLNAME=test SQITCH_EMAIL=test@example.com \
		sqitch deploy "db:pg:pgc_lay_sqitch" >"$TMP/sqitch.out" 2>&1)
	check_eq "sqitch: the real sqitch deploys" 0 "$?"
	grep -i error "$TMP/sqitch.out" | sed 's/^/#   /'
	catalog sqitch users pgc_lay_sqitch -- sqitch
else
	not_ok "sqitch: the real sqitch is installed (scripts/deps.sh: Debian sqitch)"
fi

# ---- diesel: <dir>/up.sql by version = name before '_' without '-', as strings
#      (20140924113530 < 20170831230457); top-level files never run
order diesel diesel "diesel/migrations/00000000000000_diesel_initial_setup/up.sql
diesel/migrations/20140924113530_dumped_migration_1/up.sql
diesel/migrations/2017-08-31-230457_add_posts/up.sql
diesel/migrations/2023-05-01-101010_cascade_posts/up.sql"
fresh_db pgc_lay_diesel >/dev/null
apply_listed diesel pgc_lay_diesel
catalog diesel users pgc_lay_diesel -- diesel

# ---- sqlx: <i64>_<desc>.sql and .up.sql by version (3 before 2022...)
order sqlx sqlx "sqlx/migrations/3_api_keys.sql
sqlx/migrations/20220101000000_users.sql
sqlx/migrations/20220102000000_tokens.up.sql"
fresh_db pgc_lay_sqlx >/dev/null
apply_listed sqlx pgc_lay_sqlx
catalog sqlx users pgc_lay_sqlx -- sqlx

# ---- refinery: V and U (unversioned, applied) by version, subfolders too
order refinery refinery "refinery/migrations/V1__initial.sql
refinery/migrations/U2__events.sql
refinery/migrations/V3__event_kind.sql
refinery/migrations/2024/V10__feeds.sql"
fresh_db pgc_lay_refinery >/dev/null
apply_listed refinery pgc_lay_refinery
catalog refinery users pgc_lay_refinery -- refinery

# ---- pop: dialect selection (postgres, or no suffix), string order,
#      templates rendered with --set; .fizz named
order pop pop "pop/migrations/00_init_schema.up.sql
pop/migrations/20210101000000_identities.up.sql
pop/migrations/20210102000000_sessions.postgres.up.sql
pop/migrations/20210103000000_sessions_index.postgres.autocommit.up.sql
pop/migrations/20210105000000_courier_sql.up.sql" --set Namespace=kratos
check_contains "pop: the fizz migration is named" "20210104000000_courier.up.fizz: pop runs this migration" "$TMP/err"
fresh_db pgc_lay_pop >/dev/null
# Go's text/template renders {{ index .Options "Namespace" }} to the option's value
apply_listed pop pgc_lay_pop 's/{{ *index \.Options "Namespace" *}}/kratos/g'
catalog pop kratos.identities pgc_lay_pop --set Namespace=kratos -- pop
order pop-cockroach pop "pop/migrations/00_init_schema.up.sql
pop/migrations/20210101000000_identities.up.sql
pop/migrations/20210102000000_sessions.cockroach.up.sql
pop/migrations/20210105000000_courier_sql.up.sql" --set Namespace=kratos --dialect cockroach
(cd "$L" && "$PGC" audit --list-files pop >"$TMP/out" 2>"$TMP/err")
check_contains "pop: an unset template option is named with --set" \
	'template option "Namespace" is not set: pop renders it as ""; give its value with --set Namespace=VALUE' "$TMP/err"

# ---- Prisma: <dir>/migration.sql by directory name
order prisma prisma "prisma/prisma/migrations/20240101000000_init/migration.sql
prisma/prisma/migrations/20240215103000_posts/migration.sql
prisma/prisma/migrations/20240301000000_cascade/migration.sql"
fresh_db pgc_lay_prisma >/dev/null
apply_listed prisma pgc_lay_prisma
catalog prisma '"User"' pgc_lay_prisma -- prisma

# ---- Supabase CLI: supabase/migrations/<digits>_<name>.sql by name; seed.sql not a migration
order supabase supabase "supabase/supabase/migrations/20230101000000_init.sql
supabase/supabase/migrations/20230102000000_profiles.sql
supabase/supabase/migrations/20230103000000_notes.sql"
check_contains "supabase: project folder named" "layout: project folder supabase (supabase/migrations/)" "$TMP/err"
fresh_db pgc_lay_supabase >/dev/null
apply_listed supabase pgc_lay_supabase
catalog supabase auth.users pgc_lay_supabase -- supabase

# ---- Atlas: atlas.sum's files in its order; an unhashed file is refused
order atlas atlas "atlas/migrations/20240101000000_init.sql
atlas/migrations/20240102000000_repos.sql
atlas/migrations/20240103000000_stars.sql"
check_contains "atlas: the file missing from atlas.sum is named" "20240104000000_unhashed.sql: not in atlas.sum" "$TMP/err"
fresh_db pgc_lay_atlas >/dev/null
apply_listed atlas pgc_lay_atlas
catalog atlas users pgc_lay_atlas -- atlas

# ---- graphile-migrate: committed/ by number; current.sql is not migrated
order graphile graphile "graphile/migrations/committed/000001.sql
graphile/migrations/committed/000002-posts.sql"
fresh_db pgc_lay_graphile >/dev/null
apply_listed graphile pgc_lay_graphile
catalog graphile app_public.users pgc_lay_graphile -- graphile

# ---- plain numbered files: base schema first, numeric order, down excluded
order plain plain/sql "plain/sql/schema.sql
plain/sql/2-a.sql
plain/sql/10-b.sql"
fresh_db pgc_lay_plain >/dev/null
apply_listed plain pgc_lay_plain
catalog plain users pgc_lay_plain -- plain/sql
(cd "$L" && "$PGC" audit plain >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "plain: a folder whose SQL is only in an unknown subfolder: exit 2" 2 "$RC"
check_contains "plain: ... names that subfolder" "SQL files are in: sql/" "$TMP/err"

# ---- --layout forces one (a goose file read as plain keeps its Down section)
(cd "$L" && "$PGC" audit --list-files --layout flyway golang-migrate/migrations >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "--layout flyway on golang-migrate files: nothing Flyway runs, exit 2" 2 "$RC"
check_contains "--layout: says which layout found nothing" "no SQL migration files that flyway runs going up" "$TMP/err"
(cd "$L" && "$PGC" audit --list-files --layout nosuch plain >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "--layout with an unknown name: exit 2" 2 "$RC"
check_contains "--layout: names the choices" 'invalid --layout "nosuch": expected one of auto, plain, golang-migrate' "$TMP/err"

# ---- bad input: two layouts mixed; pop without the chosen dialect
(cd "$L" && "$PGC" audit ambiguous >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "ambiguous folder: exit 2" 2 "$RC"
check_contains "ambiguous folder: names both layouts and --layout" \
	"mixes two migration layouts: goose (ambiguous/migrations/20230101000000_users.sql) and dbmate (ambiguous/migrations/20230102000000_posts.sql); choose one with --layout goose or --layout dbmate" "$TMP/err"
(cd "$L" && "$PGC" audit --list-files --layout goose ambiguous/migrations >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "ambiguous folder with --layout goose: exit 0" 0 "$RC"
(cd "$L" && "$PGC" audit pop-mysql-only >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "pop folder without postgres files: exit 2" 2 "$RC"
check_contains "pop folder without postgres files: says which dialects it has" \
	"no pop migration for the postgres dialect and none without a dialect suffix; this folder has files for: mysql, sqlite3" "$TMP/err"

# ---- --verbose: one info line per file the tool would not run
(cd "$L" && "$PGC" audit --list-files --verbose diesel >"$TMP/out" 2>"$TMP/err")
check_contains "--verbose: diesel's stray top-level file is named" \
	"diesel/migrations/data_seed.sql: ignored (diesel runs only <dir>/up.sql)" "$TMP/err"
check_eq "--verbose: one line per ignored file" 1 "$(grep -c 'data_seed.sql' "$TMP/err")"

# ---- project folder: examples/skytwin reads schema.sql AND migrations/
pgc audit --list-files "$PGC_ROOT/examples/skytwin"
check_eq "skytwin: first schema.sql" "$PGC_ROOT/examples/skytwin/schema.sql" "$(head -1 "$TMP/out")"
check_eq "skytwin: then every migration" "$(ls "$PGC_ROOT/examples/skytwin/migrations" | wc -l)" "$(grep -c '/migrations/' "$TMP/out")"
check_contains "skytwin: the message names what was found" "layout: project folder $PGC_ROOT/examples/skytwin (schema.sql + migrations/)" "$TMP/err"

# ---- newer syntax: PostgreSQL 16/17 schema statements lose no foreign key
#      added by a statement PostgreSQL 15 parses (newer.pg15.sql: the same
#      history in PostgreSQL 15 syntax, applied to the server)
fresh_db pgc_lay_newer >/dev/null
psql_db pgc_lay_newer -f "$L/newer/newer.pg15.sql" >"$TMP/psql.out" 2>&1
check_eq "newer: PostgreSQL applies the PostgreSQL 15 version" 0 "$?"
pgc audit --format json --db "host=$PGHOST port=$PGPORT user=$PGUSER dbname=pgc_lay_newer"
fks "$TMP/out" "$TMP/live.fks"
pgc audit --format json "$L/newer/newer.sql"
cp "$TMP/out" "$TMP/newer.json"
fks "$TMP/newer.json" "$TMP/static.fks"
check_files "newer: every foreign key of the catalog is in the static model ($(wc -l <"$TMP/live.fks"))" \
	"$TMP/live.fks" "$TMP/static.fks"
check_eq "newer: each newer statement is still a parse-error" 3 \
	"$(jq '[.findings[] | select(.rule == "parse-error")] | length' "$TMP/newer.json")"
check_eq "newer: each says it looks like PostgreSQL 16 syntax" 3 \
	"$(jq '[.findings[] | select(.rule == "parse-error" and (.help // "" | test("PostgreSQL 16 syntax")))] | length' "$TMP/newer.json")"
check_eq "newer: the tables are known from their tokens" 3 \
	"$(jq '[.findings[] | select(.rule == "parse-error" and (.message | test("is known from its tokens")))] | length' "$TMP/newer.json")"
# CREATE TABLE AS names its columns from the target list, parsed or not
pgc audit --format json "$L/newer/newer.sql" --root users --owner-column 'user_id'
check_eq "newer: CREATE TABLE AS columns are seen by user-column-no-fk (none lacks a key here)" 0 \
	"$(jq '[.findings[] | select(.rule == "user-column-no-fk")] | length' "$TMP/out")"
printf 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE o (id int, user_id int);\nCREATE TABLE s AS SELECT o.user_id, count(*) FROM o GROUP BY 1;\nCREATE TABLE s16 AS SELECT id, user_id FROM (SELECT id, user_id FROM o);\n' >"$TMP/ctas.sql"
pgc audit --format json "$TMP/ctas.sql"
check_eq "CREATE TABLE AS: target-list columns, parsed (s) and recovered (s16)" '["o.user_id","s.user_id","s16.user_id"]' \
	"$(jq -c '[.findings[] | select(.rule == "user-column-no-fk") | .table + "." + (.message | capture("column [a-z0-9_]+\\.(?<c>[a-z_]+)").c)] | sort' "$TMP/out")"

# every JSON document above, against doc/schema/ (output contracts)
schema_validate
