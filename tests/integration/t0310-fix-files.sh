#!/usr/bin/env bash
# t0310-fix-files.sh - what `pgcascade fix` writes and where: stdout
# without --out, file names in each project convention (plain, golang-
# migrate, Flyway, dbmate, timestamps, --name), --check, nothing to fix,
# existing files, a bad --out, a failed write (no half file, no file at
# all), byte-identical reruns, and the golden files of the example.
source "$PGC_ROOT/tests/lib/tap.sh"

# One clear failure (not dozens) while the stages fix builds on are missing.
printf 'CREATE TABLE users (id int PRIMARY KEY);\n' >"$TMP/probe.sql"
pgc fix --dialect postgres "$TMP/probe.sql"
if grep -q "not implemented yet" "$TMP/err"; then
	not_ok "pgcascade cannot load and analyse sources yet: $(head -1 "$TMP/err")"
	exit 0
fi

schema() { # dir file: users + a two-level chain without CASCADE
	cat >"$1/$2" <<'SQL'
CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE posts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users(id));
CREATE TABLE comments (id int PRIMARY KEY, post_id int NOT NULL REFERENCES posts(id));
SQL
}
listing() { (cd "$1" && ls -A | sort | tr '\n' ' ' | sed 's/ $//'); }

# --- stdout without --out
P=$TMP/plain; mkdir -p "$P"
printf 'CREATE TABLE x (id int);\n' >"$P/001-init.sql"
schema "$P" 059-x.sql
pgc fix --dialect postgres "$P"
check_eq "stdout: exit 0" 0 "$RC"
check_contains "stdout: the up migration" "-- Up migration written by pgcascade fix" "$TMP/out"
check_contains "stdout: re-creates posts_user_id_fkey" "ALTER TABLE public.posts DROP CONSTRAINT posts_user_id_fkey," "$TMP/out"
check_contains "stdout: second level too" "ALTER TABLE public.comments DROP CONSTRAINT comments_post_id_fkey," "$TMP/out"
check_eq "stdout: no file written" "001-init.sql 059-x.sql" "$(listing "$P")"
cp "$TMP/out" "$TMP/stdout.sql"

# --- plain convention, written next to the migrations
pgc fix --quiet --dialect postgres --out "$P" "$P"
check_eq "plain: exit 0" 0 "$RC"
check_eq "plain: names after 059-x.sql" \
	"001-init.sql 059-x.sql 060-cascade-cleanup.down.sql 060-cascade-cleanup.sql 061-cascade-cleanup-validate.sql" "$(listing "$P")"
check_eq "plain: the SQL on stdout is the SQL of the up file" \
	"$(grep -v '^--' "$TMP/stdout.sql")" "$(grep -v '^--' "$P/060-cascade-cleanup.sql")"
check_contains "plain: the up file names its validate file" "--   061-cascade-cleanup-validate.sql" "$P/060-cascade-cleanup.sql"
cp "$P/060-cascade-cleanup.sql" "$TMP/first.sql"

# --- existing files are refused, kept intact; --force replaces them
pgc fix --quiet --dialect postgres --out "$P" "$P"
check_eq "existing: exit 2" 2 "$RC"
check_contains "existing: says so" "already exists; use --force" "$TMP/err"
check_files "existing: file untouched" "$TMP/first.sql" "$P/060-cascade-cleanup.sql"
pgc fix --quiet --dialect postgres --force --out "$P" "$P"
check_eq "force: exit 0" 0 "$RC"
check_files "force: same content (pgcascade's own files do not change the model or the names)" "$TMP/first.sql" "$P/060-cascade-cleanup.sql"
check_eq "force: same names" \
	"001-init.sql 059-x.sql 060-cascade-cleanup.down.sql 060-cascade-cleanup.sql 061-cascade-cleanup-validate.sql" "$(listing "$P")"

# --- byte-identical reruns
D1=$TMP/det; mkdir -p "$D1"
pgc fix --quiet --dialect postgres --out "$D1" "$P/001-init.sql" "$P/059-x.sql"
cp "$D1/060-cascade-cleanup.sql" "$TMP/det1.sql"; cp "$D1/060-cascade-cleanup.down.sql" "$TMP/det1.down.sql"
pgc fix --quiet --dialect postgres --force --out "$D1" "$P/001-init.sql" "$P/059-x.sql"
check_files "deterministic: up byte-identical" "$TMP/det1.sql" "$D1/060-cascade-cleanup.sql"
check_files "deterministic: down byte-identical" "$TMP/det1.down.sql" "$D1/060-cascade-cleanup.down.sql"

# --- the plain project, migrated in order on PostgreSQL, deletes a user
DB=$(fresh_db fix_files_plain)
for f in 001-init.sql 059-x.sql 060-cascade-cleanup.sql 061-cascade-cleanup-validate.sql; do
	psql -X -q -v ON_ERROR_STOP=1 -1 -d fix_files_plain -f "$P/$f" >"$TMP/psql" 2>&1 || { not_ok "plain: apply $f"; sed 's/^/#   /' "$TMP/psql"; }
done
check_eq "plain: delete through two levels after the migration" "0" \
	"$(psql -X -q -At -d fix_files_plain -c "INSERT INTO users VALUES (1); INSERT INTO posts VALUES (1, 1); INSERT INTO comments VALUES (1, 1); DELETE FROM users; SELECT count(*) FROM comments" 2>&1)"
: "$DB"

# --- golang-migrate
G=$TMP/golang; mkdir -p "$G"
schema "$G" 000060_init.up.sql
printf 'DROP TABLE comments, posts, users;\n' >"$G/000060_init.down.sql"
pgc fix --quiet --dialect postgres --out "$G" "$G"
check_eq "golang-migrate: exit 0" 0 "$RC"
check_eq "golang-migrate: names" \
	"000060_init.down.sql 000060_init.up.sql 000061_cascade_cleanup.down.sql 000061_cascade_cleanup.up.sql 000062_cascade_cleanup_validate.down.sql 000062_cascade_cleanup_validate.up.sql" "$(listing "$G")"

# --- Flyway
F=$TMP/flyway; mkdir -p "$F"
schema "$F" V60__init.sql
printf 'SELECT 1;\n' >"$F/V7_1__patch.sql"
pgc fix --quiet --dialect postgres --out "$F" "$F"
check_eq "flyway: exit 0" 0 "$RC"
check_eq "flyway: names" \
	"U61__cascade_cleanup.sql V60__init.sql V61__cascade_cleanup.sql V62__cascade_cleanup_validate.sql V7_1__patch.sql" "$(listing "$F")"

# --- dbmate: one file with both sections, validation in the next one
M=$TMP/dbmate; mkdir -p "$M"
{ echo '-- migrate:up'; schema "$TMP" s.sql; cat "$TMP/s.sql"; echo '-- migrate:down'; echo 'DROP TABLE comments, posts, users;'; } >"$M/20240101120000_init.sql"
pgc fix --quiet --dialect postgres --out "$M" "$M"
check_eq "dbmate: exit 0" 0 "$RC"
check_eq "dbmate: names (next timestamps)" \
	"20240101120000_init.sql 20240101120001_cascade_cleanup.sql 20240101120002_cascade_cleanup_validate.sql" "$(listing "$M")"
check_eq "dbmate: sections of the fix file" "-- migrate:up
-- migrate:down" "$(grep '^-- migrate:' "$M/20240101120001_cascade_cleanup.sql")"

# --- dbmate on CockroachDB: no transaction around the schema changes, no validate file
MC=$TMP/dbmate-crdb; mkdir -p "$MC"
cp "$M/20240101120000_init.sql" "$MC/"
pgc fix --quiet --dialect cockroach --out "$MC" "$MC"
check_eq "dbmate cockroach: exit 0" 0 "$RC"
check_eq "dbmate cockroach: one file, no validate file" "20240101120000_init.sql 20240101120001_cascade_cleanup.sql" "$(listing "$MC")"
check_eq "dbmate cockroach: transaction:false on both sections" "-- migrate:up transaction:false
-- migrate:down transaction:false" "$(grep '^-- migrate:' "$MC/20240101120001_cascade_cleanup.sql")"
check_eq "dbmate cockroach: no DO block, no BEGIN" "0" "$(grep -c '^DO \|^BEGIN' "$MC/20240101120001_cascade_cleanup.sql")"

# --- --lock-timeout
pgc fix --dialect postgres --lock-timeout 2s "$P/001-init.sql" "$P/059-x.sql"
check_contains "--lock-timeout: used" "SET lock_timeout = '2s';" "$TMP/out"

# --- a password in --db never lands in the migration
LIVE=$(fresh_db fix_files_live)
psql -X -q -v ON_ERROR_STOP=1 -d fix_files_live -f "$P/059-x.sql" >/dev/null 2>&1
pgc fix --dialect postgres --db "$LIVE password=s3cr3t-pw"
check_eq "--db: exit 0" 0 "$RC"
check_contains "--db: header says the names were read" "live catalog" "$TMP/out"
check_eq "--db: no password in the migration" "0" "$(grep -c 's3cr3t-pw' "$TMP/out")"
pgc fix --dialect postgres "--db=postgresql://$PGUSER:s3cr3t-pw@localhost/fix_files_live?host=$PGHOST&port=$PGPORT"
check_eq "--db= URI: exit 0" 0 "$RC"
check_eq "--db= URI: no password in the migration" "0" "$(grep -c 's3cr3t-pw' "$TMP/out")"
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS fix_files_live" >/dev/null 2>&1

# --- plain timestamps, and --name
T=$TMP/ts; mkdir -p "$T"
schema "$T" 20240305090000_init.sql
pgc fix --quiet --dialect postgres --out "$T" --name purge_users "$T"
check_eq "timestamps + --name: names" \
	"20240305090000_init.sql 20240305090001_purge_users.down.sql 20240305090001_purge_users.sql 20240305090002_purge_users_validate.sql" "$(listing "$T")"
pgc fix --quiet --dialect postgres --out "$T" --name ../evil "$T/20240305090000_init.sql"
check_eq "bad --name: exit 2" 2 "$RC"

# --- --check and nothing to fix
C=$TMP/check; mkdir -p "$C"
schema "$C" 001-init.sql
pgc fix --dialect postgres --check --out "$C" "$C"
check_eq "--check: exit 1 when a fix is needed" 1 "$RC"
check_contains "--check: says how many" "fix needed: 2 foreign keys" "$TMP/out"
check_eq "--check: writes nothing" "001-init.sql" "$(listing "$C")"
N=$TMP/none; mkdir -p "$N"
printf 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE s (id int, user_id int REFERENCES users ON DELETE CASCADE);\n' >"$N/001-ok.sql"
pgc fix --dialect postgres --check "$N"
check_eq "--check: exit 0 when nothing to fix" 0 "$RC"
pgc fix --dialect postgres --out "$N" "$N"
check_eq "nothing to fix: exit 0" 0 "$RC"
check_contains "nothing to fix: says so" "nothing to fix" "$TMP/err"
check_eq "nothing to fix: writes nothing" "001-ok.sql" "$(listing "$N")"
check_eq "nothing to fix: stdout empty" "" "$(cat "$TMP/out")"

# --- bad --out
pgc fix --dialect postgres --out "$TMP/does-not-exist" "$C"
check_eq "missing --out: exit 2" 2 "$RC"
check_contains "missing --out: clear message" "--out $TMP/does-not-exist: No such file or directory" "$TMP/err"
pgc fix --dialect postgres --out "$C/001-init.sql" "$C"
check_eq "--out is a file: exit 2" 2 "$RC"
check_contains "--out is a file: clear message" "not a directory" "$TMP/err"
pgc fix --dialect postgres --depth 0 "$C"
check_eq "--depth 0: exit 2" 2 "$RC"

# --- a failed write leaves no half file, and no file at all
W=$TMP/fault; mkdir -p "$W"
schema "$W" 001-init.sql
PGCASCADE_FAULT_WRITE=002-cascade-cleanup.down.sql pgc fix --quiet --dialect postgres --out "$W" "$W"
check_eq "failed write: exit 4" 4 "$RC"
check_contains "failed write: names the file" "002-cascade-cleanup.down.sql: write failed" "$TMP/err"
check_eq "failed write: nothing left behind (no temp, no partial set)" "001-init.sql" "$(listing "$W")"

# --- --depth 1 and --minimal
pgc fix --dialect postgres --depth 1 "$C"
check_contains "--depth 1: header says so" "(--depth 1)" "$TMP/out"
check_eq "--depth 1: only the root's direct reference" "1" "$(grep -c '^		ALTER TABLE .* DROP CONSTRAINT' "$TMP/out")"
check_contains "--depth 1: the rest is listed as left alone" "public.comments.comments_post_id_fkey (depth 2" "$TMP/out"
pgc fix --dialect cockroach --minimal "$C"
check_eq "--minimal with cockroach: exit 2" 2 "$RC"

# --- golden: a PostgreSQL fixture (up, validate, down)
GP=$TMP/golden-pg; mkdir -p "$GP"
(cd "$PGC_ROOT" && "$PGC" fix --quiet --dialect postgres --out "$GP" --name 060-cascade-cleanup.sql tests/fixtures/pg/80-fix-chains.sql >"$TMP/out" 2>"$TMP/err"); RC=$?
check_eq "golden pg: exit 0" 0 "$RC"
for f in 060-cascade-cleanup.sql 061-cascade-cleanup-validate.sql 060-cascade-cleanup.down.sql; do
	sed "s|$GP|OUT|g" "$GP/$f" >"$TMP/$f.actual"
	check_files "golden pg: $f" "$PGC_ROOT/tests/golden/fix/80-fix-chains/$f" "$TMP/$f.actual"
done

# --- golden: the example's CockroachDB migrations
EX="$PGC_ROOT/examples/skytwin"
if [ -d "$EX" ]; then
	E=$TMP/example; mkdir -p "$E"
	(cd "$PGC_ROOT" && "$PGC" fix --quiet --out "$E" examples/skytwin/schema.sql examples/skytwin/migrations >"$TMP/out" 2>"$TMP/err"); RC=$?
	check_eq "example: exit 0" 0 "$RC"
	check_eq "example: files named after 059-user-devices.sql" "060-cascade-cleanup.down.sql 060-cascade-cleanup.sql" "$(listing "$E")"
	for f in 060-cascade-cleanup.sql 060-cascade-cleanup.down.sql; do
		sed "s|$E|OUT|g" "$E/$f" >"$TMP/$f.actual"
		check_files "example: golden $f" "$PGC_ROOT/tests/golden/fix/skytwin/$f" "$TMP/$f.actual"
	done
	(cd "$PGC_ROOT" && "$PGC" fix --depth 1 examples/skytwin/schema.sql examples/skytwin/migrations >"$TMP/d1.sql" 2>/dev/null)
	check_files "example: golden --depth 1 (the seed's scope) on stdout" "$PGC_ROOT/tests/golden/fix/skytwin/depth1.sql" "$TMP/d1.sql"
else
	not_ok "example: examples/skytwin is missing"
fi
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS fix_files_plain" >/dev/null 2>&1
