#!/usr/bin/env bash
# t0629-closed-stdout.sh - `pgcascade audit ... | head -1` (issue 12,
# item 2): SIGPIPE is ignored, so a reader that goes away early is a write
# error like any other - exit 4 and one line on stderr - never death by
# signal (exit 141). The output is made larger than a pipe's buffer
# (64 KiB), so the write after head has gone must fail. verify's closed
# stdout (and its teardown) is t0415's.
source "$PGC_ROOT/tests/lib/tap.sh"
RUNS=("audit" "audit --format json" "audit --format dot" "audit --format mermaid" "lint" "fix")
plan $((1 + 3 * ${#RUNS[@]} + 2))

# 1000 tables, each with a foreign key to users: every command has a lot to say.
{
	echo "CREATE TABLE users (id int PRIMARY KEY);"
	for i in $(seq 1000); do echo "CREATE TABLE t$i (id int PRIMARY KEY, user_id int REFERENCES users);"; done
} >"$TMP/big.sql"
"$PGC" audit --format json "$TMP/big.sql" >"$TMP/full" 2>/dev/null
check "the full report is larger than a pipe buffer ($(wc -c <"$TMP/full") bytes)" test "$(wc -c <"$TMP/full")" -gt 65536

for r in "${RUNS[@]}"; do
	read -ra args <<<"$r"
	"$PGC" "${args[@]}" "$TMP/big.sql" >"$TMP/full" 2>/dev/null
	"$PGC" "${args[@]}" "$TMP/big.sql" 2>"$TMP/err" | head -1 >"$TMP/first"
	rc=${PIPESTATUS[0]}
	check_eq "$r | head -1: exit 4 (a write error), not killed by SIGPIPE (141)" 4 "$rc"
	check "$r | head -1: one line on stderr says it could not write" \
		test "$(grep -c 'pgcascade: error: could not write' "$TMP/err")" -eq 1
	check_eq "$r | head -1: head got the report's first line" "$(head -1 "$TMP/full")" "$(cat "$TMP/first")"
done

# a full disk is the same kind of error
"$PGC" audit "$TMP/big.sql" >/dev/full 2>"$TMP/err"
check_eq "audit >/dev/full: exit 4" 4 "$?"
check_contains "audit >/dev/full: says so" "could not write" "$TMP/err"
