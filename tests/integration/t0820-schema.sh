#!/usr/bin/env bash
# t0820-schema.sh - the JSON output contracts (doc/schema/*.schema.json)
# hold for real output: audit --format json (static and --db), lint
# --format json and verify --format json (--db, and once embedded with
# --with-fix --timings) on every fixture: tests/fixtures/pg, verify,
# fix-seed (each applied to a fresh database of the test PostgreSQL, with
# its companion *-fix.sql or fix-seed/ rows), crdb/rewrite, the audit and lint golden
# projects and examples/skytwin. Validated with Debian's python3-jsonschema
# (draft-07, the $ref to finding.schema.json resolved from doc/schema).
# Each schema is also checked to reject a document that breaks it.
# The layout projects (tests/fixtures/layouts: audit, audit --db, lint,
# verify --db) are validated in t0830, the nine corpora (audit, lint) in
# t0840 and (verify) in t0490/t0495, config in t0860, erase's plan and
# receipt in t0700, all through tests/lib/schema.sh.
source "$PGC_ROOT/tests/lib/tap.sh"
source "$PGC_ROOT/tests/lib/schema.sh"
SCHEMAS="$PGC_ROOT/doc/schema"
PY=/usr/bin/python3
# The plan: 4 documents per fixture (audit static and --db, lint, verify
# --db), 13 of static projects, one per lint case that exits 0 or 1, and
# 11 more: every schema rejects a broken document (7), each of audit,
# lint and verify validated real documents (3), at least 100 documents.
np=0
for f in "$FIXTURES"/pg/*.sql "$FIXTURES"/verify/*.sql; do
	case "$f" in *-fix.sql) ;; *) np=$((np + 4)) ;; esac
done
for c in "$PGC_ROOT"/tests/golden/lint/cases/*/; do
	[ -f "$c/args" ] && [ "$(cat "$c/expected.rc" 2>/dev/null)" != 2 ] && np=$((np + 1))
done
plan $((np + 13 + 11))
# keep SCHEMA LABEL RC: keeps $TMP/out for validation when the exit code is 0 or 1
keep() {
	if [ "$3" -le 1 ]; then
		schema_keep "$1" "$TMP/out" "$2"
	else
		not_ok "$2: exit $3 (0 or 1 expected)"; sed 's/^/#   /' "$TMP/err" | head -5
	fi
}

# --- fixtures applied to a real server: static and live --------------------------
shopt -s nullglob
for f in "$FIXTURES"/pg/*.sql "$FIXTURES"/verify/*.sql; do
	case "$f" in *-fix.sql) continue ;; esac
	name=$(basename "$(dirname "$f")")/$(basename "$f" .sql)
	files=("$f")
	[ -f "${f%.sql}-fix.sql" ] && files+=("${f%.sql}-fix.sql")
	# fix-seed/X.sql: rows for pg/X.sql (data statements, after the schema)
	[ -f "$FIXTURES/fix-seed/$(basename "$f")" ] && files+=("$FIXTURES/fix-seed/$(basename "$f")")
	db="pgc_schema_$(tr -c 'a-zA-Z0-9_\n' '_' <<<"$name" | tr 'A-Z' 'a-z')"
	conninfo=$(fresh_db "$db") || { not_ok "$name: create database"; continue; }
	for x in "${files[@]}"; do
		psql_db "$db" -f "$x" >"$TMP/psql.out" 2>&1 || { not_ok "$name: PostgreSQL accepts $(basename "$x")"; continue 2; }
	done
	args=()
	line=$(grep -m1 -E '^-- pgcascade-args:' "$f" | sed 's/^-- pgcascade-args://')
	[ -n "$line" ] && eval "args=($line)"
	if [ "${#args[@]}" -eq 0 ] && [ -z "$(psql_db "$db" -At -c "SELECT to_regclass('public.users')")" ]; then
		root=$(psql_db "$db" -At -c "SELECT format('%I.%I', n.nspname, t.relname)
			FROM pg_constraint k JOIN pg_class t ON t.oid = k.confrelid
			JOIN pg_namespace n ON n.oid = t.relnamespace
			WHERE k.contype = 'f' AND k.conparentid = 0
			GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
		[ -n "$root" ] && args=(--root "$root")
	fi
	pgc audit --format json "${args[@]}" "${files[@]}";          keep audit "$name: audit (static)" "$RC"
	pgc audit --format json "${args[@]}" --db "$conninfo";       keep audit "$name: audit --db" "$RC"
	pgc lint --no-config --format json "${args[@]}" "${files[@]}"; keep lint "$name: lint" "$RC"
	pgc verify --format json "${args[@]}" --db "$conninfo";      keep verify "$name: verify --db" "$RC"
done

# --- static-only projects -----------------------------------------------------
cd "$PGC_ROOT" || exit 1
pgc audit --format json tests/fixtures/crdb/rewrite;             keep audit "crdb/rewrite: audit" "$RC"
pgc lint --no-config --format json tests/fixtures/crdb/rewrite;  keep lint "crdb/rewrite: lint" "$RC"
for p in tests/golden/audit/app/migrations tests/golden/audit/clean; do
	pgc audit --format json "$p";                                keep audit "$p: audit" "$RC"
	pgc lint --no-config --format json "$p";                     keep lint "$p: lint" "$RC"
done
SKY=(examples/skytwin/schema.sql examples/skytwin/migrations)
pgc audit --format json "${SKY[@]}";                             keep audit "skytwin: audit" "$RC"
pgc audit --format json --root users --owner-column '*_id' "${SKY[@]}"; keep audit "skytwin: audit --owner-column" "$RC"
pgc lint --no-config --format json "${SKY[@]}";                  keep lint "skytwin: lint" "$RC"
pgc verify --format json "${SKY[@]}";                            keep verify "skytwin: verify (fails before the fix)" "$RC"
pgc verify --format json --with-fix --timings "${SKY[@]}";       keep verify "skytwin: verify --with-fix --timings" "$RC"
pgc verify --format json tests/fixtures/crdb/rewrite;            keep verify "crdb/rewrite: verify (translated for PostgreSQL)" "$RC"
pgc verify --format json tests/golden/audit/clean;               keep verify "tests/golden/audit/clean: verify" "$RC"
# the lint golden cases, each with its own arguments, in JSON
for c in "$PGC_ROOT"/tests/golden/lint/cases/*/; do
	[ -f "$c/args" ] || continue
	rm -rf "$TMP/case" && cp -r "$c" "$TMP/case"
	eval "cargs=($(cat "$c/args"))"
	(cd "$TMP/case" && "$PGC" lint "${cargs[@]}" --format json >"$TMP/out" 2>"$TMP/err"); rc=$?
	[ "$rc" -le 1 ] && keep lint "lint case $(basename "$c")" "$rc"
done

check "at least 100 documents to validate (got $SCHEMA_N)" test "$SCHEMA_N" -ge 100
schema_validate
"$PY" - "$SCHEMAS" "$SCHEMA_LIST" <<'PYEOF'
import json, os, sys
import jsonschema
sdir, lst = sys.argv[1], sys.argv[2]
store = {}
for fn in os.listdir(sdir):
    if fn.endswith(".schema.json"):
        s = json.load(open(os.path.join(sdir, fn)))
        store[s["$id"]] = s
def validator(name):
    s = json.load(open(os.path.join(sdir, name + ".schema.json")))
    return jsonschema.Draft7Validator(s, resolver=jsonschema.RefResolver.from_schema(s, store=store))
vals = {k: validator(k) for k in ("audit", "lint", "verify", "finding", "config")}
seen = {}
for line in open(lst):
    schema = line.split(" ", 1)[0]
    seen[schema] = seen.get(schema, 0) + 1
# every schema rejects a broken document (the schemas are not vacuous)
bad = [
    ("audit", {"version": 1, "dialect": "oracle", "roots": [], "foreign_keys": [], "closure": [], "findings": [], "summary": {"errors": 0, "warnings": 0, "infos": 0}}),
    ("audit", {"version": 1, "dialect": "postgres", "roots": [{"schema": "public", "table": "users", "columns": ["id"]}], "foreign_keys": [], "closure": [], "findings": [{"rule": "x", "severity": "fatal", "schema": None, "table": None, "constraint": None, "depth": 0, "message": "m"}], "summary": {"errors": 0, "warnings": 0, "infos": 0}}),
    ("lint", {"version": 1, "findings": [], "summary": {"errors": 0}}),
    ("verify", {"ok": "yes", "tables": [], "unseeded": [], "error": None, "roots": [], "blockers": [], "mode": "embedded"}),
    ("config", {"file": None, "found": "somewhere", "settings": [{"section": "", "key": "root", "value": "users", "source": "default"}]}),
    ("config", {"file": None, "found": "none found", "settings": [{"section": "", "key": "root", "value": "users", "source": "a guess"}]}),
    ("finding", {"rule": "fk-blocks-delete", "severity": "error", "schema": "public", "table": "t", "constraint": "c", "depth": 1, "message": "m", "blocks": "sometimes"}),
]
for schema, doc in bad:
    ok = not vals[schema].is_valid(doc)
    print("%s - %s.schema.json rejects a broken document" % ("ok" if ok else "not ok", schema))
for k in ("audit", "lint", "verify"):
    print("%s - %s.schema.json validated real documents (%d)" % ("ok" if seen.get(k) else "not ok", k, seen.get(k, 0)))
PYEOF
