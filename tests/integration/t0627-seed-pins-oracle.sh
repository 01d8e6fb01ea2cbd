#!/usr/bin/env bash
# t0627-seed-pins-oracle.sh - an independent check beside the values that
# tests/unit/test_seed.c pins (issue 12: a pin that is only the program's
# earlier output proves nothing). The pins are read from test_seed.c itself,
# so a changed pin is checked too:
#   - every CHECK hint (seed_check_hints: expression, column, expected
#     values) is inserted into a table, or cast to a domain, that carries
#     that CHECK on PostgreSQL: each value must be accepted;
#   - the expressions pinned "as PostgreSQL prints them" are what
#     pg_get_constraintdef() prints for that CHECK, or for a constraint
#     PostgreSQL itself made (information_schema.yes_or_no's CHECK prints
#     differently from the same text parsed again);
#   - every generic value (seed_generic_value: type, value) is inserted into
#     a column of that type (an assignment: a value too long for varchar(3)
#     or bit(4) fails, unlike a cast).
# The column types are not in the pins: TYPES below gives them, from
# type-zoo.sql (tests/fixtures/verify) where the pin comes from there, from
# the expression's casts otherwise.
source "$PGC_ROOT/tests/lib/tap.sh"
UNIT="$PGC_ROOT/tests/unit/test_seed.c"

python3 - "$UNIT" "$TMP/pins" >"$TMP/pins.list" 2>"$TMP/pins.err" <<'EOF'
import os, re, sys
src, outdir = sys.argv[1], sys.argv[2]
os.makedirs(outdir, exist_ok=True)
TYPES = {  # column -> type of the column (or the domain's base type)
    'status': 'text', 'code': 'varchar(8)', 'level': 'int', 'age': 'smallint',
    'n_num': 'numeric(6,2)', 'pct': 'integer', 'yn': 'varchar(3)', 't_text': 'text',
    'x': 'integer', 'n': 'integer', 'qty': 'integer', 'My "Col"': 'text', 't': 'integer',
    'r': 'numeric',
}
text = open(src, encoding='utf-8').read()
tok = re.compile(r'"((?:[^"\\]|\\.)*)"|(\btrue\b|\bfalse\b|-?\d+)|(,)|(\))|\s+')
def cstr(s):
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), s)
def args(at):
    """The assertion's arguments from text[at] (just after its '('),
    the inner call's flattened in: adjacent literals joined, up to the
    assertion's closing parenthesis."""
    out, cur, depth, i = [], None, 0, at
    while True:
        m = tok.match(text, i)
        if not m:  # an identifier or '(' we do not need: skip a char
            if text[i] == '(':
                depth += 1
            i += 1
            continue
        i = m.end()
        if m.group(1) is not None:
            cur = (cur or '') + cstr(m.group(1))
        elif m.group(2) is not None:
            cur = m.group(2)
        elif m.group(3):
            out.append(cur); cur = None
        elif m.group(4):
            if depth == 0:
                out.append(cur)
                return out
            depth -= 1
lit = lambda s: "'" + s.replace("'", "''") + "'"
ident = lambda s: '"' + s.replace('"', '""') + '"'
n = 0
def emit(name, sql):
    global n
    n += 1
    p = f'{outdir}/{n}.sql'
    open(p, 'w').write('BEGIN;\n' + sql + '\nROLLBACK;\n')
    print(f'{p}\t{name}')
nh = ng = 0
for m in re.finditer(r'assert_string_equal\((?=hints\(a,)', text):
    a = args(m.end())  # (a), expr, col, domain, expected
    expr, col, dom, want = a[1], a[2], a[3], a[4]
    nh += 1
    if want == '':
        continue  # no value suggested: nothing to insert
    typ = TYPES[col]
    printed = expr.startswith('CHECK (')
    check = expr if printed else f'CHECK ({expr})'
    vals = want.split('|')
    if dom == 'true':
        sql = f'CREATE DOMAIN pin AS {typ} {check};\n'
        sql += ''.join(f'SELECT {lit(v)}::pin;\n' for v in vals)
        where = "contypid = 'pin'::regtype"
    else:
        sql = f'CREATE TABLE pin ({ident(col)} {typ}, {check});\n'
        sql += ''.join(f'INSERT INTO pin VALUES ({lit(v)});\n' for v in vals)
        where = "conrelid = 'pin'::regclass"
    emit(f'hint {want!r} for {col} satisfies {expr}', sql)
    if printed:
        emit(f'{expr} is as PostgreSQL prints it',
             f'CREATE {"DOMAIN pin AS " + typ if dom == "true" else "TABLE pin (" + ident(col) + " " + typ + ")"};\n'
             f'ALTER {"DOMAIN" if dom == "true" else "TABLE"} pin ADD {check};\n'
             f"DO $$ DECLARE d text := (SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE {where} AND contype = 'c');\n"
             f"BEGIN IF d IS DISTINCT FROM {lit(expr)} AND NOT EXISTS (SELECT FROM pg_constraint\n"
             f"  WHERE pg_get_constraintdef(oid) = {lit(expr)}) THEN\n"
             f"  RAISE EXCEPTION 'PostgreSQL prints %, and no constraint of the catalog prints the pin', d; END IF; END $$;")
for m in re.finditer(r'assert_string_equal\((?=gen\()', text):
    a = args(m.end())  # type, k, serial, expected
    typ, want = a[0], a[3]
    ng += 1
    if typ.startswith('public.some_unknown'):
        continue  # a type that does not exist: the fallback value, nothing to insert into
    emit(f'{typ} accepts the generic value {want!r}',
         f'CREATE TABLE pin (v {typ});\nINSERT INTO pin VALUES ({lit(want)});')
print(f'COUNTS\t{nh}\t{ng}')
EOF
prc=$?
read -r _ nh ng < <(grep '^COUNTS' "$TMP/pins.list" | tr '\t' ' ')
grep -v '^COUNTS' "$TMP/pins.list" >"$TMP/checks"
plan $((3 + $(wc -l <"$TMP/checks")))
check "the pins are read from test_seed.c (python3 exit $prc)" test "$prc" -eq 0
[ "$prc" -eq 0 ] || sed 's/^/#   /' "$TMP/pins.err"
check_eq "every hints() pin was read" "$(grep -c 'assert_string_equal(hints(a,' "$UNIT")" "${nh:-0}"
check_eq "every gen() pin was read" "$(grep -c 'assert_string_equal(gen(' "$UNIT")" "${ng:-0}"

db=pgc_t0627
fresh_db "$db" >/dev/null || not_ok "create database"
while IFS=$'\t' read -r sql name; do
	if psql_db "$db" -f "$sql" >"$TMP/psql.out" 2>&1; then ok "PostgreSQL: $name"
	else not_ok "PostgreSQL: $name"; sed 's/^/#   /' "$TMP/psql.out" | head -5; fi
done <"$TMP/checks"
