#!/usr/bin/env bash
# t0850-cli.sh - the command-line promises shared by every command:
#  - a misspelt command or option gets "did you mean" (edit distance),
#    one line, exit 2, no help dump;
#  - every diagnostic line starts "pgcascade: " and every error
#    "pgcascade: error:";
#  - --version is in the help and the man page, and prints the licence.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 164
cd "$PGC_ROOT" || exit 1
EX=(examples/skytwin/schema.sql examples/skytwin/migrations)

# --- typos -------------------------------------------------------------------
pgc audti "${EX[@]}"
check_eq "misspelt command: exit 2" 2 "$RC"
check_eq "misspelt command: one line with the suggestion" \
	"pgcascade: error: unknown command 'audti' (did you mean 'audit'?)" "$(cat "$TMP/err")"
check_eq "misspelt command: nothing on stdout" "" "$(cat "$TMP/out")"
for t in veryfi:verify confg:config lnit:lint erace:erase fxi:fix; do
	pgc "${t%%:*}"
	check_eq "misspelt command ${t%%:*}: suggests ${t#*:}" \
		"pgcascade: error: unknown command '${t%%:*}' (did you mean '${t#*:}'?)" "$(cat "$TMP/err")"
done
# the global options too: misspelt, or written without their dashes
for t in --verison:--version --verison=secret:--version --hlep:--help; do
	arg=${t%%:*}
	pgc "$arg"
	check_eq "misspelt global option $arg: exit 2, suggests ${t#*:} (its name only)" \
		"2 pgcascade: error: unknown option '${arg%%=*}' (did you mean '${t#*:}'?)" "$RC $(cat "$TMP/err")"
done
pgc version
check_eq "'version' without its dashes: suggests --version" \
	"pgcascade: error: unknown command 'version' (did you mean '--version'?)" "$(cat "$TMP/err")"
pgc frobnicate
check_eq "unknown command far from any: no suggestion, one line" \
	"pgcascade: error: unknown command 'frobnicate' (see pgcascade --help)" "$(cat "$TMP/err")"
pgc --db=postgresql://u:secret@h/d audit
check_eq "an option before the command: its name only, never its value" \
	"pgcascade: error: unknown option '--db' (the command comes first: pgcascade <command> [options]; see pgcascade --help)" \
	"$(cat "$TMP/err")"
# every command, a shared option and one of its own
for t in "audit --fromat:--format" "audit --lits-files:--list-files" "fix --lock-timout:--lock-timeout" \
	"fix --dialekt:--dialect" "verify --with-fx:--with-fix" "verify --tolerte:--tolerate" \
	"lint --sinse:--since" "lint --no-confg:--no-config" "erase --dry-rn:--dry-run" "erase --cofnig:--config" \
	"audit --roots:--root" "config --rot:--root" "config --formt:--format"; do
	cmdopt=${t%%:*} want=${t#*:}
	cmd=${cmdopt%% *} opt=${cmdopt#* }
	pgc "$cmd" "$opt" x "${EX[@]}"
	check_eq "$cmd $opt: exit 2" 2 "$RC"
	check_eq "$cmd $opt: one line, suggests $want" \
		"pgcascade: error: unknown option '$opt' (did you mean '$want'?)" "$(cat "$TMP/err")"
	check_eq "$cmd $opt: no help dump on stdout" "" "$(cat "$TMP/out")"
done
# a mistyped option with its value: the value (a password here) is never echoed
for cmd in audit fix verify lint erase config; do
	pgc "$cmd" --dbx=postgresql://u:secret@h/d "${EX[@]}"
	check_eq "$cmd --dbx=URL: exit 2" 2 "$RC"
	check "$cmd --dbx=URL: the value is not echoed" bash -c "! grep -q secret '$TMP/err' '$TMP/out'"
done
pgc audit --dbx=postgresql://u:secret@h/d "${EX[@]}"
check_eq "audit --dbx=URL: the exact line" "pgcascade: error: unknown option '--dbx' (did you mean '--db'?)" \
	"$(cat "$TMP/err")"
pgc audit --d=postgresql://u:secret@h/d "${EX[@]}"
check "ambiguous --d=URL: the value is not echoed" bash -c "! grep -q secret '$TMP/err'"
pgc audit --xyzzy-plugh "${EX[@]}"
check_eq "unknown option far from any: one line" \
	"pgcascade: error: unknown option '--xyzzy-plugh' (see pgcascade audit --help)" "$(cat "$TMP/err")"
pgc audit --with-fix "${EX[@]}"
check_eq "another command's option: says so" \
	"pgcascade: error: audit takes no option '--with-fix' (see pgcascade audit --help)" "$(cat "$TMP/err")"
pgc audit --d "${EX[@]}"
check_eq "ambiguous prefix: says so, names the candidates" \
	"pgcascade: error: option '--d' is ambiguous ('--db', '--dialect'); spell it out" "$(cat "$TMP/err")"
pgc audit --form json "${EX[@]}"
check_eq "an unambiguous prefix still works" 1 "$RC"
check "an unambiguous prefix still works: json" jq -e .version "$TMP/out"
pgc fix --out
check_eq "missing value: exit 2, one line" "pgcascade: error: option '--out' needs a value (DIR)" "$(cat "$TMP/err")"
pgc verify --keep=yes "${EX[@]}"
check_eq "value for a flag: exit 2, one line" "pgcascade: error: option '--keep' takes no value" "$(cat "$TMP/err")"
pgc audit -q "${EX[@]}"
check_eq "short option: error line" \
	"pgcascade: error: unknown option '-q' (options are long: --name; see pgcascade audit --help)" "$(cat "$TMP/err")"
pgc audit -dpostgresql://u:secret@h/d "${EX[@]}"
check "short option with a glued value: not echoed" bash -c "! grep -q secret '$TMP/err'"
pgc audit --root -weird "${EX[@]}"
check "an option's value may start with a dash (passed to the command)" test "$RC" -ne 0 -a -z "$(grep 'unknown option' "$TMP/err")"
pgc audit --format json "${EX[0]}" -- "${EX[1]}"
check_eq "paths after --: read" 1 "$RC"

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
	# strerror's text is lower-cased like the rest ("no such file or directory");
	# libpq's own message ("connection to server ... failed: ...") is quoted as is
	check_eq "prefix: pgcascade $line: no capitalised system error text" "" \
		"$(grep -v 'connection to server' "$TMP/err" |
			grep -E ': (No such file|Permission denied|Not a directory|Is a directory|File exists)')"
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
audit --config /nonexistent.ini examples/skytwin/schema.sql
config --format yaml
config --config /nonexistent.ini
audit --config / examples/skytwin/schema.sql
fix --out examples/skytwin/schema.sql/x examples/skytwin/schema.sql examples/skytwin/migrations
erase --check-receipt /nonexistent.json
erase --check-receipt /
verify --timings tests/golden/audit/clean
CASES
check "prefix: at least 15 cases ran" test "$i" -ge 15
# verify's progress on a terminal (script(1) gives it one) is prefixed too
script -qec "'$PGC' verify '$PGC_ROOT/tests/golden/audit/clean' >/dev/null" /dev/null >"$TMP/tty.err" 2>&1
check_contains "verify on a terminal: its progress is shown" "pgcascade: seeding " "$TMP/tty.err"
check_eq "verify on a terminal: every progress line starts 'pgcascade: '" "" \
	"$(tr -d '\r' <"$TMP/tty.err" | grep -vE '^(pgcascade: |[[:space:]]|$)' | head -3)"
# git's own message (outside a repository) is quoted in pgcascade's error
mkdir -p "$TMP/nogit" && cp "$PGC_ROOT/examples/skytwin/schema.sql" "$TMP/nogit/"
(cd "$TMP/nogit" && GIT_CEILING_DIRECTORIES="$TMP" "$PGC" lint --since HEAD schema.sql) >"$TMP/out" 2>"$TMP/err"
check_eq "lint --since outside a git repository: exit 2" 2 "$?"
check_eq "lint --since outside a git repository: every stderr line starts 'pgcascade: '" "" \
	"$(grep -v '^pgcascade: ' "$TMP/err")"
check_contains "lint --since outside a git repository: git's reason, in pgcascade's error" \
	'pgcascade: error: "git rev-parse --show-toplevel" failed: fatal: not a git repository' "$TMP/err"

# --- --version ------------------------------------------------------------------
pgc --help
check_contains "--help lists --version" "--version" "$TMP/out"
check "man page documents --version" grep -q 'version' "$PGC_ROOT/man/pgcascade.1"
check "man page: --version in GLOBAL OPTIONS" bash -c "sed -n '/^.SH GLOBAL OPTIONS/,/^.SH /p' '$PGC_ROOT/man/pgcascade.1' | grep -q 'version'"
pgc --version
check_eq "--version: exit 0" 0 "$RC"
check_contains "--version: the licence" "License: PostgreSQL License" "$TMP/out"
check_contains "LICENSE is the PostgreSQL Licence" "PostgreSQL License" "$PGC_ROOT/LICENSE"
