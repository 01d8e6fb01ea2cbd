#!/usr/bin/env bash
# deps.sh - install what pgcascade needs to build, test and run its
# example on Debian 12, only when something is missing. Needs root (or sudo).
set -euo pipefail
pkgs=(build-essential pkg-config libpg-query-dev libprotobuf-c-dev libpq-dev libssl-dev
      libjson-c-dev libinih-dev libcmocka-dev postgresql postgresql-contrib postgresql-15-postgis-3
      graphviz git jq time python3 python3-jsonschema clang libclang-rt-14-dev valgrind
      debhelper dpkg-dev fakeroot lintian zsh fish)
missing=()
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
