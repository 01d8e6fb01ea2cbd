#!/usr/bin/env bash
# action.sh - the steps of the GitHub Action (action.yml at the root).
# Every step of the action runs this script; tests/integration/
# t0810-action.sh runs it too, with the same environment.
#
#   scripts/action.sh key       the cache key of the build: the sources'
#                               digest (src/, Makefile, man/), the OS and
#                               the machine; writes key= to $GITHUB_OUTPUT
#   scripts/action.sh install   build pgcascade from this repository and
#                               install it under $PGCASCADE_PREFIX
#                               (default $RUNNER_TEMP/pgcascade), unless a
#                               build of these sources restored there from
#                               the cache runs; puts its bin/ on $GITHUB_PATH
#   scripts/action.sh lint      lint the changed migrations: annotations
#                               (or the chosen format) on stdout, SARIF into
#                               $INPUT_SARIF_FILE when $INPUT_SARIF is true;
#                               writes errors=, warnings=, rc=, sarif-file=
#                               to $GITHUB_OUTPUT; fails only on exit >= 2
#   scripts/action.sh finish    exit 1 when the findings reach $INPUT_FAIL_ON
#                               (error, warning or never), reading the
#                               outputs lint wrote (ERRORS, WARNINGS)
#
# Inputs (environment): INPUT_PATHS (schema files and migration folders,
# whitespace-separated, required), INPUT_SINCE (git revision; default
# origin/$GITHUB_BASE_REF on a pull request, else every file), INPUT_FORMAT
# (github), INPUT_FAIL_ON (error), INPUT_SARIF (true), INPUT_SARIF_FILE
# (pgcascade.sarif), INPUT_CONFIG (a policy file). PGCASCADE names the
# binary (default: pgcascade on PATH).
set -uo pipefail
HERE=$(cd "$(dirname "$0")/.." && pwd)
PGCASCADE=${PGCASCADE:-pgcascade}
out() { # KEY VALUE: an output of the step
	if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1=$2" >>"$GITHUB_OUTPUT"; fi
}
die() { echo "pgcascade: error: action: $*" >&2; exit 2; }
count() { # N SINGULAR PLURAL: "1 error", "2 errors" (as pgcascade's summaries say)
	if [ "$1" -eq 1 ]; then echo "$1 $2"; else echo "$1 $3"; fi
}

step_key() {
	local digest
	digest=$(cd "$HERE" && find src man Makefile -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16) ||
		die "could not compute the sources' digest"
	local key="pgcascade-$(uname -s)-$(uname -m)-$digest"
	out key "$key"
	echo "$key"
}

step_install() {
	local prefix=${PGCASCADE_PREFIX:-${RUNNER_TEMP:-/tmp}/pgcascade}
	local pkgs=(build-essential libpg-query-dev libprotobuf-c-dev libpq-dev libssl-dev libjson-c-dev libyajl-dev libinih-dev)
	local missing=() p
	for p in "${pkgs[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
	done
	if [ "${#missing[@]}" -gt 0 ]; then
		local sudo=""
		[ "$(id -u)" -eq 0 ] || sudo=sudo
		$sudo apt-get update -qq || die "apt-get update failed"
		DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null ||
			die "could not install ${missing[*]}"
	fi
	# a build of these very sources, restored from the cache, is used as is
	# when it runs (the libraries it links are installed above)
	local key
	key=$(GITHUB_OUTPUT="" step_key 2>/dev/null) || key=""
	if [ -n "$key" ] && [ "$(cat "$prefix/.pgcascade-key" 2>/dev/null)" = "$key" ] &&
		"$prefix/bin/pgcascade" --version >/dev/null 2>&1; then
		echo "pgcascade: action: using the cached build ($key)" >&2
	else
		make -s -C "$HERE" -j"$(nproc)" all >&2 || die "the build failed"
		make -s -C "$HERE" install PREFIX="$prefix" >&2 || die "make install failed"
		[ -z "$key" ] || echo "$key" >"$prefix/.pgcascade-key"
	fi
	if [ -n "${GITHUB_PATH:-}" ]; then echo "$prefix/bin" >>"$GITHUB_PATH"; fi
	out path "$prefix/bin/pgcascade"
	"$prefix/bin/pgcascade" --version | head -1
}

step_lint() {
	local paths=${INPUT_PATHS:-}
	[ -n "$paths" ] || die "the input 'paths' is required (schema files and migration folders)"
	local format=${INPUT_FORMAT:-github} since=${INPUT_SINCE:-}
	if [ -z "$since" ] && [ -n "${GITHUB_BASE_REF:-}" ]; then since="origin/$GITHUB_BASE_REF"; fi
	local args=()
	[ -n "$since" ] && args+=(--since "$since")
	[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
	local -a p
	read -r -a p <<<"$paths"
	local rc=0
	"$PGCASCADE" lint "${args[@]}" --format "$format" "${p[@]}" || rc=$?
	[ "$rc" -le 1 ] || { out rc "$rc"; exit "$rc"; }
	# the counts, from the JSON summary
	local json
	json=$("$PGCASCADE" lint "${args[@]}" --quiet --format json "${p[@]}") || [ $? -le 1 ] || exit 2
	local errors warnings
	errors=$(sed -nE 's/^ *"errors": ([0-9]+),?$/\1/p' <<<"$json" | tail -1)
	warnings=$(sed -nE 's/^ *"warnings": ([0-9]+),?$/\1/p' <<<"$json" | tail -1)
	[ -n "$errors" ] && [ -n "$warnings" ] || die "could not read the summary of lint --format json"
	out rc "$rc"
	out errors "$errors"
	out warnings "$warnings"
	if [ "${INPUT_SARIF:-true}" = true ]; then
		local sarif=${INPUT_SARIF_FILE:-pgcascade.sarif}
		"$PGCASCADE" lint "${args[@]}" --quiet --format sarif "${p[@]}" >"$sarif" || [ $? -le 1 ] || exit 2
		out sarif-file "$sarif"
	fi
}

step_finish() {
	local errors=${ERRORS:-} warnings=${WARNINGS:-}
	[ -n "$errors" ] && [ -n "$warnings" ] || die "finish needs ERRORS and WARNINGS (the lint step's outputs)"
	case "${INPUT_FAIL_ON:-error}" in
	never) exit 0 ;;
	error) [ "$errors" -eq 0 ] || { echo "pgcascade: error: fail-on error: $(count "$errors" error errors)" >&2; exit 1; } ;;
	warning) [ $((errors + warnings)) -eq 0 ] ||
		{ echo "pgcascade: error: fail-on warning: $(count "$errors" error errors), $(count "$warnings" warning warnings)" >&2; exit 1; } ;;
	*) die "invalid fail-on \"${INPUT_FAIL_ON}\": expected error, warning or never" ;;
	esac
}

case "${1:-}" in
key) step_key ;;
install) step_install ;;
lint) step_lint ;;
finish) step_finish ;;
*) die "usage: scripts/action.sh key|install|lint|finish" ;;
esac
