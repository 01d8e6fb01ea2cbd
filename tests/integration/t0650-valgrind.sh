#!/usr/bin/env bash
# t0650-valgrind.sh - issue 6, part 2: every unit test, and the audit on
# the example and on bad input, under valgrind with zero errors and zero
# leaks (scripts/valgrind.sh; ASan covers everything else in the suite).
source "$PGC_ROOT/tests/lib/tap.sh"
cd "$PGC_ROOT" || exit 1
units=(tests/unit/test_*.c)
plan $((${#units[@]} + 5)) # every unit test, and 5 audits (scripts/valgrind.sh)
scripts/valgrind.sh
