#!/usr/bin/env bash
# parse-floor.sh - the floor under `audit --format json`'s CPU time
# (issue 15, round four): can audit reach 1.5x libpg_query's one-call
# parse to JSON (bench/audit.sh's peer) with libpg_query's public API?
#
#   bench/parse-floor.sh                  5,000 tables, 7 interleaved rounds
#   BENCH_TABLES=N BENCH_REPS=R bench/parse-floor.sh
#
# On the history bench/audit.sh uses (bench/gen-schema.py), one process
# per measurement under /usr/bin/time, every measurement once a round in
# a rotated order; medians of CPU time (user + system):
#   - bench/parse_floor.c MODE (see there): the one-call parse to JSON
#     (json), the same plus the least reading of its JSON with yajl, with
#     jsmn (libjsmn-dev), with json-c, and with pgcascade's reader
#     (pgjson.c); pg_query_split_with_scanner alone; pg_query_scan alone
#     and with its unpacking; the split plus a parse of only the
#     statements audit parses, alone and read by jsmn, yajl, pgjson;
#   - `pgcascade audit --format json` itself;
#   - bench/audit_stages.c: audit with a CPU clock between its stages
#     (load, analyze, report), medians per stage.
# Then the floor: the cheaper of the two parse paths (whole file, or
# split + the statements audit parses) plus the cheapest reading of its
# JSON (jsmn's tokens, no tree built: below any real reader), plus what
# building the structs costs beyond tokenizing, plus audit's analysis
# and report as they are; and that floor over the one-call parse to
# JSON, against the bound 1.5 (bench/README.md, round four).
# For information: exit status 0 unless it could not run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
TABLES=${BENCH_TABLES:-5000}
REPS=${BENCH_REPS:-7}

bench_build
[ -f /usr/include/jsmn.h ] || { echo "bench: jsmn.h missing (scripts/deps.sh installs libjsmn-dev)" >&2; exit 2; }
B="$BENCH_ROOT/build/bench"
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$BENCH_ROOT/src" -o "$B/parse_floor" \
	"$BENCH_ROOT/bench/parse_floor.c" "$BENCH_ROOT/src/frontend/pgjson.c" -lpg_query -lyajl -ljson-c ||
	{ echo "bench: cannot build bench/parse_floor.c" >&2; exit 2; }
cc -std=c11 -D_GNU_SOURCE -O2 -Wall -Wextra -Werror -I"$BENCH_ROOT/src" -o "$B/audit_stages" \
	"$BENCH_ROOT/bench/audit_stages.c" $(ls "$BENCH_ROOT"/build/obj/*/*.o | grep -v '/main\.o$') \
	-lpg_query -lyajl -ljson-c -linih -lm -ldl -pthread ||
	{ echo "bench: cannot build bench/audit_stages.c" >&2; exit 2; }
gen_schema "$TABLES" "$BENCH_DIR/migrations"
mapfile -t FILES < <(find "$BENCH_DIR/migrations" -name '*.sql' | sort)
BYTES=$(cat "${FILES[@]}" | wc -c)
PGC="$BENCH_ROOT/build/pgcascade"

modes=(read json json-yajl json-jsmn json-c json-pgjson split scan scan-unpack stmts stmts-yajl stmts-jsmn stmts-pgjson)
# fmeasure LABEL MAXRC CMD...: measure's "wall cpu rss_kib" line, to the
# microsecond (/usr/bin/time prints hundredths, too coarse at 0.1 s)
fmeasure() {
	local label=$1 maxrc=$2
	shift 2
	/usr/bin/python3 - "$BENCH_DIR/out.$label" "$maxrc" "$@" >>"$BENCH_DIR/m.$label" <<'PY' || exit 2
import os, sys, time
out, maxrc, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(fd, 1)
    os.execv(cmd[0], cmd)
_, status, ru = os.wait4(pid, 0)
wall = time.monotonic() - t0
rc = os.waitstatus_to_exitcode(status)
if rc < 0 or rc > maxrc:
    sys.exit("bench: %s failed with status %d" % (cmd[0], rc))
print("%.4f %.4f %d" % (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss))
PY
}
for m in "${modes[@]}"; do
	eval "run_$m() { fmeasure '$m' 0 '$B/parse_floor' '$m' \"\${FILES[@]}\"; }"
done
run_audit() { fmeasure audit 1 "$PGC" audit --format json "$BENCH_DIR/migrations"; }
run_stages() { "$B/audit_stages" --format json "$BENCH_DIR/migrations" >>"$BENCH_DIR/stages"; }

echo "input: $TABLES tables, ${#FILES[@]} files, $BYTES bytes; medians of $REPS interleaved rounds, CPU s (user + system)"
load_begin
interleave "$REPS" "${modes[@]}" audit stages
load_end
for m in "${modes[@]}"; do grep -q ' errors=0 ' "$BENCH_DIR/out.$m" || { echo "bench: $m: $(cat "$BENCH_DIR/out.$m")" >&2; exit 2; }; done
smed() { awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}' "$BENCH_DIR/stages" | sort -g |
	awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
J=$(med json 2)
minus() { awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; printf "%.3f", (d > 0 ? d : 0) }'; }
line() { printf '%-58s %7.3f %7.2fx\n' "$1" "$2" "$(ratio "$2" "$J")"; }
printf '%-58s %7s %8s\n' "" "CPU s" "/ json"
line "read the files (process start)" "$(med read 2)"
line "(i) pg_query_parse, whole file (the peer)" "$J"
line "(ii) + yajl, every value taken, no tree" "$(med json-yajl 2)"
line "(ii) + jsmn tokens, one walk, no tree" "$(med json-jsmn 2)"
line "(ii) + json-c DOM" "$(med json-c 2)"
line "(ii) + pgjson.c into the structs (whole file)" "$(med json-pgjson 2)"
line "(iii) pg_query_split_with_scanner alone" "$(med split 2)"
line "(iii) pg_query_scan alone" "$(med scan 2)"
line "(iii) pg_query_scan + unpack" "$(med scan-unpack 2)"
line "split + pg_query_parse of audit's statements" "$(med stmts 2)"
line "  + yajl, no tree" "$(med stmts-yajl 2)"
line "  + jsmn tokens, no tree" "$(med stmts-jsmn 2)"
line "  + pgjson.c into the structs (today's reader)" "$(med stmts-pgjson 2)"
line "pgcascade audit --format json" "$(med audit 2)"
LOAD=$(smed load) AN=$(smed analyze) REP=$(smed report)
line "(iv) audit stage: load (scan, parse, read, replay)" "$LOAD"
line "(iv) audit stage: analyze" "$AN"
line "(iv) audit stage: report_audit, JSON to /dev/null" "$REP"

# The floor, step by step:
#   read  the cheaper path (whole file, or split + audit's statements)
#         parsed, its JSON tokenized by jsmn, no tree built;
#   tree  + what building the structs costs beyond tokenizing (pgjson.c
#         over bare yajl, on audit's statements);
#   audit + audit's analysis and report as they are today.
W=$(med json-jsmn 2) S=$(med stmts-jsmn 2)
R=$(awk -v w="$W" -v s="$S" 'BEGIN { print (w < s) ? w : s }')
T=$(awk -v r="$R" -v p="$(med stmts-pgjson 2)" -v y="$(med stmts-yajl 2)" 'BEGIN { d = p - y; printf "%.4f", r + (d > 0 ? d : 0) }')
F=$(awk -v t="$T" -v a="$AN" -v r="$REP" 'BEGIN { printf "%.4f", t + a + r }')
echo "the floor:"
line "  parse + jsmn tokens, cheaper path, no tree" "$R"
line "  + building the structs (stmts-pgjson - stmts-yajl)" "$T"
line "  + analyze + report as today" "$F"
echo "audit above that floor: $(minus "$(med audit 2)" "$F") s; the scan audit runs (scan + unpack - read): $(minus "$(med scan-unpack 2)" "$(med read 2)") s"
bound "floor (parse, tokens, tree, analysis, report) / parse to JSON" "$(ratio "$F" "$J")" 1.5
bound "audit / libpg_query parse to JSON, CPU time" "$(ratio "$(med audit 2)" "$J")" 1.5
exit 0
