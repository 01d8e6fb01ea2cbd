#!/usr/bin/env bash
# valgrind.sh - the unit tests under valgrind (issue 6, part 2), and the
# audit on a few inputs: zero errors and zero leaks.
#
#   scripts/valgrind.sh            every tests/unit/test_*.c, then the audits
#   scripts/valgrind.sh PATTERN    only unit tests whose name contains PATTERN
#
# ASan and valgrind do not mix, so the library is compiled here without
# sanitizers but, like the suite's test build, with -DPGC_FAULT_INJECTION
# (unit tests use its hooks), into build/valgrind/obj, and each unit test is
# linked against it. Leaks of every kind but "still reachable" are errors
# (exit 97 from valgrind).
# Prints TAP lines; exit status 0 only when everything was clean. Tests
# that need PostgreSQL (test_db) need PGHOST & co., as in scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
pattern=${1:-}

make -s -j2 all >build/valgrind-build.log 2>&1 || { cat build/valgrind-build.log; echo "not ok - make all"; exit 1; }
mkdir -p build/valgrind
CFLAGS_VG=(-std=c11 -D_GNU_SOURCE -O1 -g -DPGC_FAULT_INJECTION -Isrc -I/usr/include/postgresql)
newest_h=$(find src -name '*.h' -printf '%T@\n' | sort -n | tail -1)
objs=()
for c in $(find src -name '*.c' ! -path src/main.c | sort); do
	o=build/valgrind/obj/${c#src/}
	o=${o%.c}.o
	objs+=("$o")
	if [ ! -f "$o" ] || [ "$c" -nt "$o" ] || [ "$(stat -c %Y "$o")" -lt "${newest_h%.*}" ]; then
		mkdir -p "$(dirname "$o")"
		cc "${CFLAGS_VG[@]}" -c -o "$o" "$c" 2>>build/valgrind-build.log ||
			{ cat build/valgrind-build.log; echo "not ok - compile $c for valgrind"; exit 1; }
	fi
done
VG=(valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=97
    --track-origins=yes --num-callers=30)
export CMOCKA_MESSAGE_OUTPUT=TAP

status=0
for src in tests/unit/test_*.c; do
	[ -f "$src" ] || continue
	t=$(basename "$src" .c)
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	bin=build/valgrind/$t log=build/valgrind/$t.log
	if ! cc "${CFLAGS_VG[@]}" -Itests/unit \
		-o "$bin" "$src" "${objs[@]}" -lpg_query -lyajl -ljson-c -linih -lm -ldl -lcmocka 2>"$log"; then
		echo "not ok - $t: builds for valgrind"; sed 's/^/#   /' "$log" | head -20; status=1; continue
	fi
	"${VG[@]}" --log-file="$log" "$bin" >"$log.out" 2>&1
	rc=$?
	passed=$(grep -c '^ok ' "$log.out")
	failed=$(grep -c '^not ok ' "$log.out")
	if [ "$rc" -eq 0 ] && [ ! -s "$log" ]; then
		echo "ok - $t: valgrind clean, 0 leaks ($passed tests passed, $failed failed)"
	else
		echo "not ok - $t: valgrind clean, 0 leaks (exit $rc; $passed tests passed, $failed failed)"
		sed 's/^/#   /' "$log" | head -40
		grep '^not ok' "$log.out" | head -10 | sed 's/^/#   /'
		status=1
	fi
done

# The audit itself, on the example project and on bad input.
if [ -z "$pattern" ] || [ "$pattern" = audit ]; then
	tmp=$(mktemp -d /tmp/pgc-vg.XXXXXX)
	printf 'CREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE t (u int REFERENCES users);\nCREATE TABLE b (id int,;\nDO $$ BEGIN EXECUTE 1; END $$;\n' >"$tmp/mixed.sql"
	printf 'CREATE TABLE users (id int PRIMARY KEY);\n\0' >"$tmp/nul.sql"
	for args in "audit examples/skytwin/schema.sql examples/skytwin/migrations" "audit --format json examples/skytwin/schema.sql examples/skytwin/migrations" "audit --format dot $tmp/mixed.sql" \
		"audit $tmp/nul.sql" "audit $tmp/missing.sql"; do
		log="build/valgrind/audit.log"
		# shellcheck disable=SC2086
		"${VG[@]}" --log-file="$log" build/pgcascade $args >/dev/null 2>&1
		rc=$?
		if [ "$rc" -ne 97 ] && [ ! -s "$log" ]; then
			echo "ok - pgcascade $args: valgrind clean, 0 leaks (exit $rc)"
		else
			echo "not ok - pgcascade $args: valgrind clean, 0 leaks (exit $rc)"
			sed 's/^/#   /' "$log" | head -40
			status=1
		fi
	done
	rm -rf "$tmp"
fi
exit $status
