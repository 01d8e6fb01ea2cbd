#!/usr/bin/env bash
# t0810-action.sh - the GitHub Action (action.yml) and the pre-commit hook.
# action.yml runs scripts/action.sh in every step but the SARIF upload
# (GitHub's own upload-sarif action); this test runs the same script with
# the environment the action gives it, in a real git repository with a
# base branch and a pull request's new migration, and checks the
# annotations, the outputs, the SARIF file and the fail-on policy. Then it
# installs pgcascade with the action's install step and runs the
# pre-commit hook's entry (.pre-commit-hooks.yaml) with that installed
# binary on PATH.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 36
ACTION="$PGC_ROOT/scripts/action.sh"
PY=/usr/bin/python3

# --- action.yml and doc/github-workflow.yml are what the script expects -------
"$PY" - "$PGC_ROOT/action.yml" "$PGC_ROOT/doc/github-workflow.yml" "$ACTION" >"$TMP/yml.log" 2>&1 <<'PYEOF'
import re, sys, yaml
action = yaml.safe_load(open(sys.argv[1]))
wf = yaml.safe_load(open(sys.argv[2]))
script = open(sys.argv[3]).read()
assert action["runs"]["using"] == "composite", "not a composite action"
inputs = action["inputs"]
for k in ("paths", "since", "format", "fail-on", "sarif"):
    assert k in inputs, "missing input " + k
assert inputs["paths"].get("required") is True
steps = action["runs"]["steps"]
subcommands = []
for s in steps:
    if "uses" in s and s["uses"].startswith("actions/cache@"):
        # the cache holds what the install step installs, under the script's key
        assert s["with"]["path"] == "${{ runner.temp }}/pgcascade", s
        assert s["with"]["key"] == "${{ steps.key.outputs.key }}", s
        assert "PGCASCADE_PREFIX:-${RUNNER_TEMP:-/tmp}/pgcascade}" in script
        continue
    if "uses" in s:
        assert s["uses"].startswith("github/codeql-action/upload-sarif@"), s
        continue
    m = re.fullmatch(r'"\$GITHUB_ACTION_PATH/scripts/action\.sh" (\w+)', s["run"].strip())
    assert m, "a step runs something else than scripts/action.sh: %r" % s["run"]
    subcommands.append(m.group(1))
    # every INPUT_x variable a step passes maps an input of the same name
    for var, val in (s.get("env") or {}).items():
        if var.startswith("INPUT_"):
            name = var[6:].lower().replace("_", "-")
            assert val == "${{ inputs.%s }}" % name, (var, val)
            assert name in inputs, name
assert subcommands == ["key", "install", "lint", "finish"], subcommands
assert [s.get("id") for s in steps if s.get("run", "").endswith(" key")] == ["key"]
# every INPUT_ variable the script reads is passed by some step
passed = {v for s in steps for v in (s.get("env") or {})}
for var in set(re.findall(r"INPUT_[A-Z_]+", script)):
    assert var in passed, "script reads %s, no step passes it" % var
# the example workflow uses the action, with known inputs and the required ones
uses = [s for s in wf["jobs"]["lint"]["steps"] if s.get("uses", "").startswith("pgcascade/pgcascade@")]
assert len(uses) == 1, "doc/github-workflow.yml does not use the action"
w = uses[0].get("with") or {}
assert set(w) <= set(inputs), set(w) - set(inputs)
for k, v in inputs.items():
    if v.get("required"):
        assert k in w, "workflow omits required input " + k
print("ok")
PYEOF
check_eq "action.yml: composite, every step runs scripts/action.sh, inputs wired; the example workflow uses it" \
	0 "$?"
sed 's/^/#   /' "$TMP/yml.log" | grep -v '#   ok$'

# --- a repository with a base branch and a pull request ------------------------
G="git -c user.name=t -c user.email=t@example.org -c init.defaultBranch=main"
mkdir -p "$TMP/origin/db/migrations"
cd "$TMP/origin" || exit 1
cat >db/schema.sql <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE);
CREATE INDEX ON posts (user_id);
SQL
$G init -q . && $G add -A && $G commit -qm base
$G clone -q "$TMP/origin" "$TMP/pr" && cd "$TMP/pr" && mkdir -p db/migrations || exit 1
cat >db/migrations/001_comments.sql <<'SQL'
CREATE TABLE comments (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
SQL
$G add -A && $G commit -qm "pull request"

run_action() { # STEP: runs the action's step with the environment in the caller's variables
	GITHUB_OUTPUT="$TMP/gh.out" PGCASCADE="$PGC" "$ACTION" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
}
: >"$TMP/gh.out"
export INPUT_PATHS="db/schema.sql db/migrations" GITHUB_BASE_REF=main INPUT_SARIF_FILE="$TMP/pgc.sarif"
run_action lint
check_eq "action lint: exits 0 with findings (the finish step decides)" 0 "$RC"
check_contains "action lint: a GitHub annotation on the new file" "::error file=db/migrations/001_comments.sql,line=1" "$TMP/out"
if grep -q "schema.sql" "$TMP/out"; then not_ok "action lint: since origin/\$GITHUB_BASE_REF, the base files are not reported"; else ok "action lint: since origin/\$GITHUB_BASE_REF, the base files are not reported"; fi
"$PGC" lint --since origin/main --format json db/schema.sql db/migrations >"$TMP/direct.json" 2>/dev/null
want_e=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["errors"])' "$TMP/direct.json")
want_w=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["warnings"])' "$TMP/direct.json")
check_contains "action lint: output errors= is lint's count" "errors=$want_e" "$TMP/gh.out"
check_contains "action lint: output warnings= is lint's count" "warnings=$want_w" "$TMP/gh.out"
check_eq "the pull request has 1 error finding" 1 "$want_e"
check_contains "action lint: output sarif-file=" "sarif-file=$TMP/pgc.sarif" "$TMP/gh.out"
"$PY" - "$TMP/pgc.sarif" >"$TMP/sarif.log" 2>&1 <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == "2.1.0"
res = d["runs"][0]["results"]
assert any(r["ruleId"] == "fk-blocks-delete" and
           r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("db/migrations/001_comments.sql")
           for r in res), res
PYEOF
check_eq "action lint: the SARIF file holds the finding" 0 "$?"

INPUT_FORMAT=gcc INPUT_SARIF=false run_action lint
check_contains "action lint: format input (gcc)" "db/migrations/001_comments.sql:1:" "$TMP/out"
INPUT_SINCE=HEAD INPUT_SARIF=false run_action lint
check_eq "action lint: since input (HEAD: nothing changed, no annotation)" "" "$(grep '^::' "$TMP/out")"
INPUT_PATHS="" run_action lint
check_eq "action lint: paths missing: exit 2" 2 "$RC"
check_contains "action lint: paths missing: says so" "pgcascade: error: action: the input 'paths' is required" "$TMP/err"
INPUT_PATHS="db/nope.sql" INPUT_SARIF=false run_action lint
check_eq "action lint: a missing file fails the step (exit 2)" 2 "$RC"

ERRORS=1 WARNINGS=2 INPUT_FAIL_ON=error run_action finish
check_eq "action finish: fail-on error, 1 error: exit 1" 1 "$RC"
check_eq "action finish: says why, prefixed like pgcascade's errors" "pgcascade: error: fail-on error: 1 error" "$(cat "$TMP/err")"
ERRORS=0 WARNINGS=2 INPUT_FAIL_ON=error run_action finish
check_eq "action finish: fail-on error, warnings only: exit 0" 0 "$RC"
ERRORS=0 WARNINGS=2 INPUT_FAIL_ON=warning run_action finish
check_eq "action finish: fail-on warning, warnings: exit 1" 1 "$RC"
check_eq "action finish: fail-on warning: says why" "pgcascade: error: fail-on warning: 0 errors, 2 warnings" "$(cat "$TMP/err")"
ERRORS=0 WARNINGS=0 INPUT_FAIL_ON=warning run_action finish
check_eq "action finish: fail-on warning, clean: exit 0" 0 "$RC"
ERRORS=3 WARNINGS=0 INPUT_FAIL_ON=never run_action finish
check_eq "action finish: fail-on never: exit 0" 0 "$RC"
ERRORS=3 WARNINGS=0 INPUT_FAIL_ON=sometimes run_action finish
check_eq "action finish: bad fail-on: exit 2" 2 "$RC"
unset INPUT_PATHS GITHUB_BASE_REF INPUT_SARIF_FILE

# --- install step, then the pre-commit hook with the installed binary ---------
PGCASCADE_PREFIX="$TMP/prefix" GITHUB_PATH="$TMP/gh.path" GITHUB_OUTPUT="$TMP/gh.out" "$ACTION" install \
	>"$TMP/inst.out" 2>"$TMP/inst.err"
check_eq "action install: exit 0" 0 "$?"
check_eq "action install: bin/ on GITHUB_PATH" "$TMP/prefix/bin" "$(cat "$TMP/gh.path")"
check "action install: the binary runs" "$TMP/prefix/bin/pgcascade" --version
# the cache key: the sources' digest; the same sources, the same key; a
# changed source, another key; a restored build of the same key is used as is
GITHUB_OUTPUT="$TMP/gh.key" "$ACTION" key >"$TMP/key1" 2>&1
check_contains "action key: written to the step's outputs" "key=$(cat "$TMP/key1")" "$TMP/gh.key"
check_eq "action key: the same sources, the same key" "$(cat "$TMP/key1")" "$("$ACTION" key 2>&1)"
mkdir -p "$TMP/copy/scripts" && cp -r "$PGC_ROOT/src" "$PGC_ROOT/man" "$PGC_ROOT/Makefile" "$TMP/copy/" &&
	cp "$ACTION" "$TMP/copy/scripts/" && echo '/* changed */' >>"$TMP/copy/src/main.c"
check "action key: a changed source, another key" test "$("$TMP/copy/scripts/action.sh" key 2>&1)" != "$(cat "$TMP/key1")"
touch -d '2000-01-01' "$TMP/prefix/bin/pgcascade"
PGCASCADE_PREFIX="$TMP/prefix" GITHUB_PATH="$TMP/gh.path2" "$ACTION" install >"$TMP/inst2.out" 2>"$TMP/inst2.err"
check_eq "action install, build restored from the cache: exit 0" 0 "$?"
check_contains "action install, build restored: says it uses it" "pgcascade: action: using the cached build ($(cat "$TMP/key1"))" "$TMP/inst2.err"
check_eq "action install, build restored: not rebuilt nor reinstalled" "2000-01-01" \
	"$(date -r "$TMP/prefix/bin/pgcascade" +%F)"
entry=$("$PY" -c 'import yaml,sys; h=yaml.safe_load(open(sys.argv[1]))[0]; assert h["id"]=="pgcascade-lint" and h["language"]=="system"; print(h["entry"])' \
	"$PGC_ROOT/.pre-commit-hooks.yaml")
check_eq "pre-commit hook entry" "pgcascade lint --since HEAD --format gcc" "$entry"
cd "$TMP/pr" || exit 1
cat >db/migrations/002_likes.sql <<'SQL'
CREATE TABLE likes (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));
SQL
$G add db/migrations/002_likes.sql
# pre-commit runs `entry args` (pass_filenames: false) with PATH as is.
PATH="$TMP/prefix/bin:$PATH" bash -c "$entry db/schema.sql db/migrations" >"$TMP/hook.out" 2>"$TMP/hook.err"
check_eq "pre-commit hook (installed binary): a staged bad migration fails the commit" 1 "$?"
check_contains "pre-commit hook: names the staged file" "db/migrations/002_likes.sql:1:" "$TMP/hook.out"
if grep -q 001_comments "$TMP/hook.out"; then not_ok "pre-commit hook: committed files are not reported"; else ok "pre-commit hook: committed files are not reported"; fi
$G commit -qm likes
PATH="$TMP/prefix/bin:$PATH" bash -c "$entry db/schema.sql db/migrations" >"$TMP/hook.out" 2>"$TMP/hook.err"
check_eq "pre-commit hook: nothing staged: passes" 0 "$?"
