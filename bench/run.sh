#!/usr/bin/env bash
# run.sh - every benchmark: runs each bench/*.sh but itself (`make bench`).
# Exit status is 0 only when every benchmark met its bounds.
set -uo pipefail
cd "$(dirname "$0")"
status=0
for b in ./*.sh; do
	case "$b" in ./run.sh | ./lib.sh) continue ;; esac
	echo "== bench/${b#./}"
	bash "$b" || { echo "bench/${b#./}: FAILED"; status=1; }
done
exit $status
