#!/usr/bin/env bash
# example.sh - the main job on the bundled example, from a fresh Debian
# machine: installs what is missing, builds, audits, writes the fix
# migration and proves it on a throwaway PostgreSQL that pgcascade starts
# (and removes) itself.
set -uo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
make -j"$(nproc)" all >build.log 2>&1 || { cat build.log; exit 4; }
PGC=build/pgcascade
SRC=(examples/skytwin/schema.sql examples/skytwin/migrations)
OUT=build/example-fix

step() { if [ -t 2 ]; then printf '\n\033[1m== %s\033[0m\n' "$*" >&2; else printf '\n== %s\n' "$*" >&2; fi; }

step "audit: what blocks DELETE FROM users"
$PGC audit "${SRC[@]}"
audit_rc=$?

step "audit: the closure graph (build/example-closure.svg)"
$PGC audit --format dot "${SRC[@]}" >build/example-closure.dot
dot -Tsvg build/example-closure.dot -o build/example-closure.svg && echo "wrote build/example-closure.svg"

step "verify without the fix: the delete must fail"
$PGC verify "${SRC[@]}"
before_rc=$?

step "fix: write the migration into $OUT"
rm -rf "$OUT"; mkdir -p "$OUT"
$PGC fix --out "$OUT" "${SRC[@]}" || exit $?
ls -1 "$OUT"

step "verify --with-fix: usage_events.user_id has no foreign key, so A's row there survives"
$PGC verify --with-fix "${SRC[@]}"
escape_rc=$?

step "verify --with-fix --retain usage_events: the delete removes every other row of A"
$PGC verify --with-fix --retain usage_events "${SRC[@]}"
after_rc=$?

step "summary"
echo "audit exit $audit_rc (1 = blockers found), verify before fix exit $before_rc (1 = delete blocked), verify with fix exit $escape_rc (1 = usage_events keeps A's row), with fix and usage_events retained exit $after_rc (0 = proven)"
[ "$audit_rc" -eq 1 ] && [ "$before_rc" -eq 1 ] && [ "$escape_rc" -eq 1 ] && [ "$after_rc" -eq 0 ]
