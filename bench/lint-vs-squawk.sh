#!/usr/bin/env bash
# lint-vs-squawk.sh - side by side, in one run: `pgcascade lint` of the
# 5,000-table generated schema against `squawk --reporter json` on the
# same files. squawk is the squawk-cli package from the npm registry,
# installed under bench/ only (bench/node_modules, git-ignored); without
# npm or the package, the squawk column says so and is skipped.
#
#   bench/lint-vs-squawk.sh [TABLES] [RUNS]     (default 5000 tables, best of 3)
#
# Both tools get the same files in the same order (lint replays them all
# and, with neither --new nor --since, reports on all of them). Exit
# status 1 when pgcascade lint takes more CPU time than squawk.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TABLES=${1:-5000}
RUNS=${2:-3}
TMPD=$(mktemp -d /tmp/pgc-bench-lint.XXXXXX)
trap 'rm -rf "$TMPD"' EXIT

make -s build/pgcascade >/dev/null || { echo "build failed" >&2; exit 1; }
PGC="$ROOT/build/pgcascade"

# The schema: the audit benchmark's generator, bench/gen-schema.py (a
# realistic history: 5,000 tables in migration files, with data
# statements in between) when it is there; else bench/gen-schema.sh; else
# a small inline generator of the same shape in one file.
SCHEMA="$TMPD/schema"
if [ -f bench/gen-schema.py ] && /usr/bin/python3 bench/gen-schema.py --tables "$TABLES" "$SCHEMA" >/dev/null 2>&1; then
	gen="bench/gen-schema.py, $(ls "$SCHEMA" | wc -l) files"
	FILES=("$SCHEMA"/*.sql)
elif [ -x bench/gen-schema.sh ] && bench/gen-schema.sh "$TABLES" >"$SCHEMA.sql" 2>/dev/null && [ -s "$SCHEMA.sql" ]; then
	gen="bench/gen-schema.sh"
	FILES=("$SCHEMA.sql")
else
	gen="inline generator, one file"
	FILES=("$SCHEMA.sql")
	awk -v n="$TABLES" 'BEGIN {
		print "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"
		for (i = 1; i < n; i++) {
			parent = (i < 10 || i % 3 == 0) ? "users" : "t" int(i / 2)
			action = (i % 4 == 0) ? "" : " ON DELETE CASCADE"
			printf "CREATE TABLE t%d (\n  id bigint PRIMARY KEY,\n  owner_id bigint NOT NULL REFERENCES %s (id)%s,\n  name text,\n  created_at timestamptz NOT NULL DEFAULT now()\n);\n", i, parent, action
			if (i % 2 == 0) printf "CREATE INDEX t%d_owner_idx ON t%d (owner_id);\n", i, i
			if (i % 50 == 0) printf "INSERT INTO t%d (id, owner_id, name) VALUES (1, 1, %c-- not a comment%c);\n", i, 39, 39
		}
	}' >"$SCHEMA.sql"
fi
size=$(cat "${FILES[@]}" | wc -c)

# best_of CMD...: "wall cpu rss" of the run with the best wall time over
# $RUNS runs (seconds, user+system seconds, peak RSS in KiB). The machine
# is shared, so CPU time is the steadier figure.
best_of() {
	local best="" rss="" cpu=""
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f "%e %U %S %M" -o "$TMPD/time" "$@" >"$TMPD/out" 2>"$TMPD/err"
		local rc=$?
		if [ "$rc" -gt 1 ]; then echo "FAILED rc=$rc: $(head -1 "$TMPD/err")"; return; fi
		read -r t u s m < <(tail -1 "$TMPD/time")   # time prepends "Command exited with non-zero status 1"
		if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$t; rss=$m; cpu=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		fi
	done
	echo "$best $cpu $rss"
}

lint=$(best_of "$PGC" lint --no-config --format json "${FILES[@]}")
lint_findings=$(grep -c '"rule":' "$TMPD/out" 2>/dev/null || echo 0)
# squawk reads PostgreSQL only; the same run with the dialect given skips auto-detection
lint_pg=$(best_of "$PGC" lint --no-config --dialect postgres --format json "${FILES[@]}")

SQUAWK="$ROOT/bench/node_modules/.bin/squawk"
squawk_note=""
if [ ! -x "$SQUAWK" ]; then
	if command -v npm >/dev/null 2>&1; then
		npm install --prefix "$ROOT/bench" --no-save --no-package-lock --no-audit --no-fund squawk-cli \
			>"$TMPD/npm.log" 2>&1 || squawk_note="npm install squawk-cli failed: $(tail -1 "$TMPD/npm.log")"
	else
		squawk_note="npm is not available"
	fi
fi
if [ -z "$squawk_note" ] && [ ! -x "$SQUAWK" ]; then squawk_note="squawk-cli installed no squawk binary"; fi
if [ -z "$squawk_note" ]; then
	squawk_version=$("$SQUAWK" --version 2>/dev/null)
	squawk=$(best_of "$SQUAWK" --reporter json "${FILES[@]}")
	squawk_findings=$(grep -o '"rule_name"' "$TMPD/out" 2>/dev/null | wc -l)
fi

echo "schema: $TABLES tables, $size bytes ($gen); best of $RUNS runs"
printf '%-28s %9s %9s %13s %9s\n' tool "wall (s)" "cpu (s)" "peak RSS" findings
row() { # name, "time rss" or "FAILED ...", findings
	case "$2" in
	FAILED*) printf '%-28s %s\n' "$1" "$2" ;;
	*) set -- "$1" $2 "$3"; printf '%-28s %9s %9s %9s KiB %9s\n' "$1" "$2" "$3" "$4" "$5" ;;
	esac
}
row "pgcascade lint (json)" "$lint" "$lint_findings"
row "  ... --dialect postgres" "$lint_pg" "$lint_findings"
if [ -n "$squawk_note" ]; then
	printf '%-28s %s\n' "squawk --reporter json" "skipped: $squawk_note"
else
	row "$squawk_version (json)" "$squawk" "$squawk_findings"
	case "$lint$squawk" in *FAILED*) exit 1 ;; esac
	slower=1
	read -r lw lc _ <<<"$lint"
	read -r sw sc _ <<<"$squawk"
	awk -v a="$lw" -v b="$sw" -v c="$lc" -v d="$sc" 'BEGIN {
		if (a > 0 && c > 0) printf "pgcascade lint / squawk: wall %.2fx, cpu %.2fx (below 1 means pgcascade is faster)\n", a / b, c / d }'
	awk -v c="$lc" -v d="$sc" 'BEGIN { exit !(c <= d) }' && slower=0
	exit $slower
fi
