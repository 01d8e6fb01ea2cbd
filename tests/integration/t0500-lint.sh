#!/usr/bin/env bash
# t0500-lint.sh - golden tests of `pgcascade lint`: every rule, every
# format, suppressions, the policy file and its errors, --new selection.
#
# Each folder under tests/golden/lint/cases/ holds migration files, an
# `args` file (the command line after `lint`), and the expected
# `expected.out` (stdout), `expected.rc` (exit code) and, when present,
# `expected.err` (stderr). The case runs in a copy of its folder under a
# temporary directory, so the policy file lookup sees only the case's own
# .pgcascade.ini. PGC_UPDATE_GOLDEN=1 rewrites the expected files and
# fails each case, saying so (review the diff, commit, run again without it). Every SARIF document is validated against
# the SARIF 2.1.0 JSON schema (tests/data) with Debian's python3-jsonschema.
source "$PGC_ROOT/tests/lib/tap.sh"
CASES="$PGC_ROOT/tests/golden/lint/cases"
SCHEMA="$PGC_ROOT/tests/data/sarif-schema-2.1.0.json"
PY=/usr/bin/python3

# The plan: 12 checks of the validator and the options below, and per case
# exit code + stdout (+ stderr when expected.err exists) (+ SARIF and the
# positions check unless the case expects exit 2).
n=12
for dir in "$CASES"/*/; do
	n=$((n + 2))
	[ -f "$dir/expected.err" ] && n=$((n + 1))
	[ "$(cat "$dir/expected.rc" 2>/dev/null)" != 2 ] && n=$((n + 2))
done
plan "$n"

# validate_sarif NAME FILE: the document is valid SARIF 2.1.0 (formats checked too).
validate_sarif() {
	if "$PY" - "$SCHEMA" "$2" >"$TMP/sarif.log" 2>&1 <<'PYEOF'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
doc = json.load(open(sys.argv[2]))
v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.draft7_format_checker)
errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
for e in errors[:10]:
    print("%s at %s" % (e.message, "/".join(map(str, e.path))))
run = doc["runs"][0]
ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
for r in run["tool"]["driver"]["rules"]:
    assert r["helpUri"].startswith("https://") and r["helpUri"].endswith("/%s.md" % r["id"]), r["helpUri"]
    assert r["shortDescription"]["text"]
for res in run["results"]:
    assert ids[res["ruleIndex"]] == res["ruleId"], res
    for loc in res.get("locations", []):
        reg = loc["physicalLocation"]["region"]
        assert reg["startLine"] >= 1 and reg["startColumn"] >= 1
sys.exit(1 if errors else 0)
PYEOF
	then ok "$1"; else not_ok "$1"; sed 's/^/#   /' "$TMP/sarif.log" | head -20; return 1; fi
}

# The schema is a draft-07 schema, and it rejects a broken document (the
# validator is not vacuous).
if "$PY" -c 'import json,sys,jsonschema; jsonschema.Draft7Validator.check_schema(json.load(open(sys.argv[1])))' "$SCHEMA"; then
	ok "the SARIF schema is a valid draft-07 schema"
else
	not_ok "the SARIF schema is a valid draft-07 schema"
fi
"$PY" - "$PGC_ROOT/tests/golden/lint/unit.sarif" "$TMP/broken.sarif" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
json.dump(d, open(sys.argv[2], "w"))
PYEOF
if validate_sarif x "$TMP/broken.sarif" >/dev/null; then not_ok "a SARIF result with startLine 0 is rejected"; else ok "a SARIF result with startLine 0 is rejected"; fi
validate_sarif "unit golden SARIF is valid SARIF 2.1.0" "$PGC_ROOT/tests/golden/lint/unit.sarif"

for dir in "$CASES"/*/; do
	name=$(basename "$dir")
	work="$TMP/cases/$name"
	mkdir -p "$work"
	cp -R "$dir/." "$work/"
	eval "set -- $(cat "$dir/args")"
	(cd "$work" && "$PGC" lint "$@" >"$TMP/out" 2>"$TMP/err"; echo $? >"$TMP/rc")
	RC=$(cat "$TMP/rc")
	if [ "$RC" -ge 98 ]; then echo "# sanitizer report in $name:"; sed 's/^/#   /' "$TMP/err" | head -30; fi
	if [ -n "${PGC_UPDATE_GOLDEN:-}" ]; then
		cp "$TMP/out" "$dir/expected.out"
		echo "$RC" >"$dir/expected.rc"
		case "$name" in config-*|new-not-a-source) cp "$TMP/err" "$dir/expected.err" ;; esac
		not_ok "$name: expected files rewritten (PGC_UPDATE_GOLDEN): review the diff, then run without PGC_UPDATE_GOLDEN"
	else
		check_eq "$name: exit code" "$(cat "$dir/expected.rc" 2>/dev/null)" "$RC"
	fi
	check_files "$name: stdout" "$dir/expected.out" "$TMP/out"
	if [ -f "$dir/expected.err" ]; then
		check_files "$name: stderr" "$dir/expected.err" "$TMP/err"
	fi
	# every case again as SARIF: valid whatever the findings
	if [ "$(cat "$dir/expected.rc" 2>/dev/null)" != 2 ]; then
		(cd "$work" && "$PGC" lint "$@" --format sarif >"$TMP/case.sarif" 2>/dev/null)
		validate_sarif "$name: SARIF output is valid SARIF 2.1.0" "$TMP/case.sarif"
		# The expected files are pgcascade's own output; the places are
		# checked against the source text itself: each finding's
		# line:column is where its rule's clause starts.
		(cd "$work" && "$PGC" lint "$@" --format json >"$TMP/case.json" 2>/dev/null)
		if (cd "$work" && "$PY" - "$TMP/case.json" >"$TMP/pos.log" 2>&1 <<'PYEOF'
import json, re, sys
starts = {  # what the text at a finding's place starts with, per rule
    "fk-blocks-delete": r"(REFERENCES|CONSTRAINT|FOREIGN\s+KEY)\b",
    "fk-unindexed": r"(REFERENCES|CONSTRAINT|FOREIGN\s+KEY)\b",
    "on-delete-policy": r"(REFERENCES|CONSTRAINT|FOREIGN\s+KEY)\b",
    "set-null-not-null": r"(REFERENCES|CONSTRAINT|FOREIGN\s+KEY)\b",
    "dynamic-sql": r"(DO|EXECUTE)\b",
    "user-column-no-fk": r"(CREATE|ALTER)\s+TABLE\b",
    "suppression-no-reason": r"--\s*pgcascade:ignore",
    "unused-suppression": r"--\s*pgcascade:ignore",
}
bad, n = [], 0
for f in json.load(open(sys.argv[1]))["findings"]:
    if not f.get("file"):
        continue
    n += 1
    lines = open(f["file"], encoding="utf-8", errors="replace").read().split("\n")
    line, col = f["line"], f["column"]
    if not (1 <= line <= len(lines) and 1 <= col <= len(lines[line - 1]) + 1):
        bad.append("%s %s:%d:%d outside the file" % (f["rule"], f["file"], line, col))
        continue
    text = lines[line - 1][col - 1:]
    want = starts.get(f["rule"])
    if want and not re.match(want, text, re.I):
        bad.append("%s %s:%d:%d points at %r" % (f["rule"], f["file"], line, col, text[:40]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF
		); then ok "$name: every finding's line:column is its clause in the source"; else not_ok "$name: every finding's line:column is its clause in the source"; sed 's/^/#   /' "$TMP/pos.log" | head; fi
	fi
done

check_contains "rules_url sets the SARIF helpUri" '"helpUri": "https://git.example.com/acme/app/-/blob/main/docs/pgcascade/fk-unindexed.md"' "$CASES/sarif-rules-url/expected.out"

# options
pgc lint --help
check_eq "lint --help exits 0" 0 "$RC"
check_contains "lint --help lists the formats" "text (default), gcc, json, sarif, github" "$TMP/out"
pgc lint --no-config --format xml "$CASES/rule-fk-blocks-delete/001_base.sql"
check_eq "lint --format xml exits 2" 2 "$RC"
check_contains "lint --format xml says why" 'invalid --format "xml": expected text, gcc, json, sarif or github' "$TMP/err"
pgc lint --no-config --config /nonexistent/p.ini "$CASES/rule-fk-blocks-delete/001_base.sql"
check_eq "lint --config with a missing file exits 2" 2 "$RC"
check_contains "lint --config with a missing file names it" "/nonexistent/p.ini: cannot read the policy file" "$TMP/err"

# colour: only when asked (stdout here is a file, so auto means none)
C="$CASES/rule-fk-blocks-delete"
pgc lint --no-config --color always --new "$C/002_tokens.sql" "$C/001_base.sql" "$C/002_tokens.sql"
check_contains "--color always: the severity is red" $'\033[1;31merror[fk-blocks-delete]' "$TMP/out"
pgc lint --no-config --new "$C/002_tokens.sql" "$C/001_base.sql" "$C/002_tokens.sql"
check_eq "--color auto on a file: no escape sequence" 0 "$(grep -c $'\033' "$TMP/out")"
