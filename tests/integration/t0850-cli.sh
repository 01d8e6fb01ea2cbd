#!/usr/bin/env bash
# t0840-cli.sh - the command-line promises shared by every command:
#  - a misspelt command or option gets "did you mean" (edit distance),
#    one line, exit 2, no help dump;
#  - every diagnostic line starts "pgcascade: " and every error
#    "pgcascade: error:";
#  - --version is in the help and the man page, and prints the licence.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 77
cd "$PGC_ROOT" || exit 1
EX=(examples/skytwin/schema.sql examples/skytwin/migrations)

# --- typos -------------------------------------------------------------------
pgc audti "${EX[@]}"
check_eq "misspelt command: exit 2" 2 "$RC"
check_eq "misspelt command: one line with the suggestion" \
	'pgcascade: error: unknown command "audti"; did you mean "audit"?' "$(cat "$TMP/err")"
check_eq "misspelt command: nothing on stdout" "" "$(cat "$TMP/out")"
pgc veryfi
check_contains "misspelt command: verify suggested" 'did you mean "verify"?' "$TMP/err"
pgc frobnicate
check_eq "unknown command far from any: no suggestion, one line" \
	'pgcascade: error: unknown command "frobnicate" (see pgcascade --help)' "$(cat "$TMP/err")"
for t in "audit --fromat:--format" "fix --lock-timout:--lock-timeout" "verify --with-fx:--with-fix" \
	"lint --sinse:--since" "lint --no-confg:--no-config" "erase --dry-rn:--dry-run" "audit --roots:--root" \
	"fix --dialekt:--dialect"; do
	cmdopt=${t%%:*} want=${t#*:}
	cmd=${cmdopt%% *} opt=${cmdopt#* }
	pgc "$cmd" "$opt" x "${EX[@]}"
	check_eq "$cmd $opt: exit 2" 2 "$RC"
	check_eq "$cmd $opt: one line, suggests $want" \
		"pgcascade: error: $cmd: unknown option \"$opt\"; did you mean \"$want\"?" "$(cat "$TMP/err")"
	check_eq "$cmd $opt: no help dump on stdout" "" "$(cat "$TMP/out")"
done
pgc audit --xyzzy-plugh "${EX[@]}"
check_eq "unknown option far from any: one line" \
	'pgcascade: error: audit: unknown option "--xyzzy-plugh" (see pgcascade audit --help)' "$(cat "$TMP/err")"
pgc audit --d "${EX[@]}"
check_contains "ambiguous prefix: says so" 'option "--d" is ambiguous' "$TMP/err"
pgc audit --form json "${EX[@]}"
check_eq "an unambiguous prefix still works (getopt_long)" 1 "$RC"
pgc fix --out
check_eq "missing value: exit 2, one line" 'pgcascade: error: fix: option "--out" needs a value' "$(cat "$TMP/err")"
pgc verify --keep=yes "${EX[@]}"
check_eq "value for a flag: exit 2, one line" 'pgcascade: error: verify: option "--keep" takes no value' "$(cat "$TMP/err")"
pgc audit -q "${EX[@]}"
check_contains "short option: error line" 'pgcascade: error: audit: unknown option "-q"' "$TMP/err"
pgc audit --root -weird "${EX[@]}"
check "an option's value may start with a dash (passed to the command)" test "$RC" -ne 0 -a -z "$(grep 'unknown option' "$TMP/err")"

# --- the message prefix ------------------------------------------------------
# Each case: a bad invocation; every line on stderr that is not indented
# must start "pgcascade: ", and the first error "pgcascade: error: ".
i=0
while IFS= read -r line; do
	[ -n "$line" ] || continue
	i=$((i + 1))
	eval "args=($line)"
	pgc "${args[@]}"
	bad=$(grep -vE '^(pgcascade: |[[:space:]]|$)' "$TMP/err" | head -3)
	check_eq "prefix: pgcascade $line: every stderr line starts 'pgcascade: '" "" "$bad"
	if [ "$RC" -ge 2 ]; then
		check "prefix: pgcascade $line: the error says 'pgcascade: error:'" grep -q '^pgcascade: error: ' "$TMP/err"
	fi
done <<'CASES'
audit
audit no-such-dir
audit --dialect oracle examples/skytwin
audit --format yaml examples/skytwin/schema.sql
audit --color sometimes examples/skytwin/schema.sql
audit --root 'bad(' examples/skytwin/schema.sql
audit --root nosuch examples/skytwin/schema.sql
fix --depth 0 examples/skytwin/schema.sql
fix --out /dev/null/x examples/skytwin/schema.sql examples/skytwin/migrations
fix --lock-timeout forever examples/skytwin/schema.sql
verify --format yaml examples/skytwin/schema.sql
verify --db 'host=/nonexistent-pgc port=1 connect_timeout=1'
lint --config /nonexistent.ini examples/skytwin/schema.sql
lint --since not-a-rev examples/skytwin/schema.sql
lint --new nope.sql examples/skytwin/schema.sql
erase --format yaml examples/skytwin/schema.sql
completion tcsh
CASES
check "prefix: at least 15 cases ran" test "$i" -ge 15

# --- --version ------------------------------------------------------------------
pgc --help
check_contains "--help lists --version" "--version" "$TMP/out"
check "man page documents --version" grep -q 'version' "$PGC_ROOT/man/pgcascade.1"
check "man page: --version in GLOBAL OPTIONS" bash -c "sed -n '/^.SH GLOBAL OPTIONS/,/^.SH /p' '$PGC_ROOT/man/pgcascade.1' | grep -q 'version'"
pgc --version
check_eq "--version: exit 0" 0 "$RC"
check_contains "--version: the licence" "License: PostgreSQL License" "$TMP/out"
check_contains "LICENSE is the PostgreSQL Licence" "PostgreSQL License" "$PGC_ROOT/LICENSE"
