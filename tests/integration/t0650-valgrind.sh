#!/usr/bin/env bash
# t0650-valgrind.sh - issue 6, part 2: every unit test, and the audit on
# the example and on bad input, under valgrind with zero errors and zero
# leaks (scripts/valgrind.sh; ASan covers everything else in the suite).
source "$PGC_ROOT/tests/lib/tap.sh"
cd "$PGC_ROOT" || exit 1
scripts/valgrind.sh
