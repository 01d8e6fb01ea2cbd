#!/usr/bin/env bash
# truth.sh [options] OUTDIR ROOT FILE... - PostgreSQL's own
# answer for a corpus: applies FILE... in the given order with psql to the
# (empty) database that the PG* environment names, then reads pg_catalog and
# writes, in the format of the other corpora's truth files (README.md):
#   OUTDIR/truth_fks.tsv       every FK (contype 'f', conparentid 0)
#   OUTDIR/truth_closure.tsv   the deletion closure: the root at depth 0 and
#                              every table reachable by following CASCADE,
#                              NO ACTION and RESTRICT FKs backwards (a SET NULL
#                              or SET DEFAULT FK keeps the child row, so the
#                              walk stops there; the first five corpora's
#                              files follow every FK): BFS depth, one shortest
#                              path, whether that path is all-CASCADE, whether
#                              some all-CASCADE path reaches the table
#   OUTDIR/truth_blockers.tsv  every NO ACTION / RESTRICT FK inside the
#                              closure; "definite" when its parent's rows are
#                              deleted by the root delete (root or reached by an
#                              all-CASCADE path), "inert" otherwise
# --every-fk makes truth_closure.tsv (and so the blockers' closure) follow
# every FK, SET NULL and SET DEFAULT ones included, as the first five
# corpora's files do.
# How FILE... are applied (the runner's rule):
#   --per-file-transaction  each in one transaction, BEGIN; \i FILE; COMMIT
#                           in one psql session, which is what psql
#                           --single-transaction -f does (diesel, Prisma,
#                           Flyway, goose: one transaction per migration)
#   --per-file-query        each as ONE simple query, psql -c "$(cat FILE)"
#                           (golang-migrate's postgres driver: one Exec per
#                           file, an implicit transaction)
#   neither                 as psql -f runs them (Rails' structure load)
#   --setup FILE            run FILE first, as the connecting user
#   --as ROLE               apply FILE... as ROLE (PGUSER=ROLE)
# A FILE written notx:FILE runs with plain psql -f whatever the mode (goose's
# "-- +goose NO TRANSACTION" files). Nothing here
# uses pgcascade: the tests compare its answers with these files.
set -euo pipefail
one=() acts="'c', 'a', 'r'" query=0 setup="" as=""
while [ $# -gt 0 ]; do
	case "$1" in
	--per-file-transaction) one=(--single-transaction); shift ;;
	--per-file-query) query=1; shift ;;
	--setup) setup=$2; shift 2 ;;
	--as) as=$2; shift 2 ;;
	--every-fk) acts="'c', 'a', 'r', 'n', 'd'"; shift ;;
	*) break ;;
	esac
done
[ $# -ge 3 ] || { echo "usage: truth.sh [--per-file-transaction|--per-file-query] [--setup FILE] [--as ROLE] [--every-fk] OUTDIR ROOT FILE..." >&2; exit 2; }
out=$1 root=$2
shift 2
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning"
[ -z "$setup" ] || psql -X -q -v ON_ERROR_STOP=1 -f "$setup" >/dev/null
if [ "$query" = 1 ]; then
	for f in "$@"; do
		PGUSER=${as:-${PGUSER:-}} psql -X -q -v ON_ERROR_STOP=1 -c "$(cat "$f")" >/dev/null
	done
else
	# one session (a psql per file costs more than the files): each file
	# wrapped in BEGIN/COMMIT as --single-transaction does, notx: ones not
	drv=$(mktemp)
	trap 'rm -f "$drv"' EXIT
	{
		[ -z "$as" ] || printf '%s\n' "\\c - $as"
		for f in "$@"; do
			if [ "${f#notx:}" != "$f" ] || [ ${#one[@]} = 0 ]; then
				printf '%s\n' "\\i '${f#notx:}'"
			else
				printf '%s\n' 'BEGIN;' "\\i '$f'" 'COMMIT;'
			fi
		done
	} >"$drv"
	psql -X -q -v ON_ERROR_STOP=1 -f "$drv" >/dev/null
fi

q() { psql -X -q -v ON_ERROR_STOP=1 -v root="$root" -At -F $'\t' "$@"; }

# the FKs, as "schema table name cols ref_schema.ref_table ref_cols del upd deferrable validated"
fks_sql="
SELECT n.nspname, c.relname, k.conname,
       (SELECT string_agg(a.attname, ',' ORDER BY o.i) FROM unnest(k.conkey) WITH ORDINALITY o(n, i)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = o.n),
       rn.nspname || '.' || r.relname,
       (SELECT string_agg(a.attname, ',' ORDER BY o.i) FROM unnest(k.confkey) WITH ORDINALITY o(n, i)
          JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = o.n),
       k.confdeltype, k.confupdtype,
       CASE WHEN k.condeferrable THEN 't' ELSE 'f' END, CASE WHEN k.convalidated THEN 't' ELSE 'f' END
  FROM pg_constraint k
  JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_class r ON r.oid = k.confrelid JOIN pg_namespace rn ON rn.oid = r.relnamespace
 WHERE k.contype = 'f' AND k.conparentid = 0"

# every walk from the root along FKs backwards (no table twice on a walk)
walk_sql="
WITH RECURSIVE e AS (
  SELECT k.conrelid AS child, k.confrelid AS parent, k.conname, k.confdeltype AS act
    FROM pg_constraint k WHERE k.contype = 'f' AND k.conparentid = 0 AND k.confdeltype IN ($acts)
), w(tbl, depth, path, allc, seen) AS (
  SELECT :'root'::regclass::oid, 0, ''::text COLLATE \"C\", true, ARRAY[:'root'::regclass::oid]
  UNION ALL
  SELECT e.child, w.depth + 1,
         w.path || CASE WHEN w.path = '' THEN '' ELSE ' > ' END || (SELECT relname::text FROM pg_class WHERE oid = e.child) || '.' || e.conname::text,
         w.allc AND e.act = 'c', w.seen || e.child
    FROM w JOIN e ON e.parent = w.tbl
   WHERE e.child <> ALL (w.seen)
), t AS (
  SELECT tbl, min(depth) AS depth, bool_or(allc) AS cascade_deleted FROM w GROUP BY tbl
), best AS (
  SELECT DISTINCT ON (w.tbl) w.tbl, w.path, w.allc
    FROM w JOIN t ON t.tbl = w.tbl AND t.depth = w.depth
   ORDER BY w.tbl, w.path
)"

name_sql="(SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = %s)"

{
	printf 'schema\ttable\tconstraint_name\tchild_columns\treferenced_table\treferenced_columns\tconfdeltype\tconfupdtype\tcondeferrable\tconvalidated\n'
	q -c "$fks_sql ORDER BY 1, 2, 3" | LC_ALL=C sort
} >"$out/truth_fks.tsv"

{
	printf 'table\tdepth\tpath\tpath_all_cascade\tcascade_deleted\n'
	q <<SQL | LC_ALL=C sort -t $'\t' -k2,2n -k1,1
$walk_sql
SELECT $(printf "$name_sql" t.tbl), t.depth,
       CASE WHEN t.depth = 0 THEN '(root)' ELSE best.path END,
       CASE WHEN best.allc THEN 't' ELSE 'f' END, CASE WHEN t.cascade_deleted THEN 't' ELSE 'f' END
  FROM t JOIN best ON best.tbl = t.tbl;
SQL
} >"$out/truth_closure.tsv"

{
	printf 'child_table\tconstraint_name\tchild_columns\treferenced_table\tconfdeltype\tparent_cascade_deleted\tchild_cascade_deleted\tdeferrable\tclass\n'
	q <<SQL | LC_ALL=C sort
$walk_sql
SELECT $(printf "$name_sql" k.conrelid), k.conname,
       (SELECT string_agg(a.attname, ',' ORDER BY o.i) FROM unnest(k.conkey) WITH ORDINALITY o(n, i)
          JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = o.n),
       $(printf "$name_sql" k.confrelid), k.confdeltype,
       CASE WHEN p.cascade_deleted THEN 't' ELSE 'f' END, CASE WHEN ch.cascade_deleted THEN 't' ELSE 'f' END,
       CASE WHEN k.condeferrable THEN 't' ELSE 'f' END,
       CASE WHEN p.cascade_deleted THEN 'definite' ELSE 'inert' END
  FROM pg_constraint k
  JOIN t p ON p.tbl = k.confrelid JOIN t ch ON ch.tbl = k.conrelid
 WHERE k.contype = 'f' AND k.conparentid = 0 AND k.confdeltype IN ('a', 'r');
SQL
} >"$out/truth_blockers.tsv"
