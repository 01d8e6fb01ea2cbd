#!/usr/bin/env bash
# deps.sh - install what pgcascade needs to build, test and run its
# example on Debian 12, only when something is missing. Needs root (or sudo).
set -euo pipefail
pkgs=(build-essential pkg-config libpg-query-dev libprotobuf-c-dev libpq-dev libssl-dev
      libjson-c-dev libyajl-dev libjsmn-dev libinih-dev libcmocka-dev postgresql postgresql-contrib postgresql-15-postgis-3
      graphviz git jq time python3 python3-jsonschema clang libclang-rt-14-dev valgrind
      debhelper dpkg-dev fakeroot lintian zsh fish sqitch libdbd-pg-perl)
missing=()
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	echo "deps: installing ${missing[*]}" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# Real migration tools the layout tests run (tests/integration/t0830-layouts.sh):
# dbmate from npm (its package ships the binary), under tests/tools
# (git-ignored). sqitch comes from Debian above.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v npm >/dev/null 2>&1; then
	echo "deps: installing npm" >&2
	${SUDO:-} apt-get update -qq
	DEBIAN_FRONTEND=noninteractive ${SUDO:-} apt-get install -y -qq npm >/dev/null
fi
if [ ! -x "$ROOT/tests/tools/node_modules/.bin/dbmate" ]; then
	echo "deps: installing dbmate (npm) under tests/tools" >&2
	npm install --prefix "$ROOT/tests/tools" --no-save --no-package-lock --no-audit --no-fund dbmate@2.36.0 >/dev/null
fi
