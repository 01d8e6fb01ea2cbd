#!/usr/bin/env bash
# t0800-package.sh - installing pgcascade like a real tool:
#  - `make install` / `make uninstall` with PREFIX and DESTDIR put the
#    binary, the man page and the bash/zsh/fish completions where they say
#    and take them all away again;
#  - the completions are generated from the option table: every option a
#    command's --help lists is offered by the bash completion (run for
#    real: the script is sourced and _pgcascade called), and the zsh and
#    fish scripts pass their shell's syntax check;
#  - the build dependencies: every header the sources include comes from a
#    package that debian/control and the action's install step name;
#  - the Debian package: `dpkg-buildpackage -us -uc -b` on a copy of the
#    tree, lintian clean (no error, no warning), dependencies declared,
#    unpacked into a scratch root with dpkg -x; the installed binary prints
#    its version and licence and audits examples/skytwin like the built
#    one; the man page and the completions are where `dpkg -c` says.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 63
SRC="$PGC_ROOT"
BIN="$PGC_ROOT/build/pgcascade"

# --- make install / uninstall ------------------------------------------------
DEST="$TMP/dest"
make -s -C "$SRC" install DESTDIR="$DEST" PREFIX=/opt/pgc >"$TMP/inst.log" 2>&1
check_eq "make install exits 0" 0 "$?"
for f in bin/pgcascade share/man/man1/pgcascade.1 share/bash-completion/completions/pgcascade \
	share/zsh/site-functions/_pgcascade share/fish/vendor_completions.d/pgcascade.fish; do
	check "make install: /opt/pgc/$f" test -f "$DEST/opt/pgc/$f"
done
check "make install: the binary is executable" test -x "$DEST/opt/pgc/bin/pgcascade"
make -s -C "$SRC" uninstall DESTDIR="$DEST" PREFIX=/opt/pgc >"$TMP/uninst.log" 2>&1
check_eq "make uninstall exits 0" 0 "$?"
check_eq "make uninstall leaves no file" "" "$(find "$DEST" -type f)"

# --- completions: generated from the option table, true to --help ----------------
"$BIN" completion bash >"$TMP/c.bash"
"$BIN" completion zsh >"$TMP/c.zsh"
"$BIN" completion fish >"$TMP/c.fish"
check "bash completion: bash -n" bash -n "$TMP/c.bash"
check "zsh completion: zsh -n" zsh -n "$TMP/c.zsh"
check "fish completion: fish -n" fish -n "$TMP/c.fish"
# complete WORDS...: runs the bash completion for the command line WORDS
# (the last word is the one being completed); prints COMPREPLY sorted.
complete_bash() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pgcascade; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		_ "$TMP/c.bash" "$@"
}
check_eq "bash completion: the commands" "$(printf '%s\n' --help --version audit config erase fix lint verify | sort)" \
	"$(complete_bash pgcascade '')"
check_eq "bash completion: a partial command" "audit" "$(complete_bash pgcascade au)"
for cmd in audit fix verify lint erase config; do
	"$BIN" "$cmd" --help >"$TMP/help" 2>&1
	# the options the help text names (--word at the start of an option line)
	sed -nE 's/^  (--[a-z][a-z-]*).*/\1/p' "$TMP/help" | sort -u >"$TMP/help.opts"
	complete_bash pgcascade "$cmd" -- | sort -u >"$TMP/comp.opts"
	check_files "bash completion offers exactly the options of '$cmd --help'" "$TMP/help.opts" "$TMP/comp.opts"
	fmts=$(sed -nE 's/^formats: (.*)/\1/p' "$TMP/help" | sed 's/ (default)//; s/,//g' | tr ' ' '\n' | sort | paste -sd' ')
	if [ -n "$fmts" ]; then
		check_eq "bash completion: '$cmd --format' offers the formats of its help" "$fmts" \
			"$(complete_bash pgcascade "$cmd" --format '' | paste -sd' ')"
	fi
done
check_eq "bash completion: --dialect values" "auto cockroach postgres" \
	"$(complete_bash pgcascade audit --dialect '' | paste -sd' ')"
mkdir -p "$TMP/cw/dir1" && touch "$TMP/cw/file1"
check_eq "bash completion: fix --out completes directories only" "dir1" \
	"$(cd "$TMP/cw" && complete_bash pgcascade fix --out '' | paste -sd' ')"

# --- the build dependencies: every header the sources include belongs to a ----
# package that debian/control's Build-Depends and the action's install step
# (scripts/action.sh) name; build-essential's own (libc, kernel, gcc) aside.
(cd "$SRC" && cc -std=c11 -D_GNU_SOURCE -Isrc -I/usr/include/postgresql -M $(find src -name '*.c')) 2>"$TMP/m.err" |
	tr ' \\' '\n\n' | grep '^/' | sort -u | xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/^ *//' |
	grep -vE '^(libc6-dev|linux-libc-dev|libgcc-[0-9]+-dev)$' | sort -u >"$TMP/hdr.pkgs"
check "the sources' headers come from libpg-query-dev, libpq-dev, ... (cc -M, dpkg -S)" grep -qx libpq-dev "$TMP/hdr.pkgs"
sed -n '/^Build-Depends:/,/^[A-Z]/p' "$SRC/debian/control" | grep -oE '[a-z0-9][a-z0-9.+-]+-dev' | sort -u >"$TMP/bdeps"
check_eq "debian/control Build-Depends names every package whose headers the sources include" "" \
	"$(comm -23 "$TMP/hdr.pkgs" "$TMP/bdeps" | paste -sd' ')"
sed -nE 's/^[[:space:]]*local pkgs=\((.*)\)/\1/p' "$SRC/scripts/action.sh" | tr ' ' '\n' | sort -u >"$TMP/apkgs"
check_eq "the action's install step (scripts/action.sh) installs every package whose headers the sources include" "" \
	"$(comm -23 "$TMP/hdr.pkgs" "$TMP/apkgs" | paste -sd' ')"

# --- the Debian package --------------------------------------------------------
PKG="$TMP/pkg"
mkdir -p "$PKG/src"
(cd "$SRC" && tar --exclude=./build --exclude=./.git --exclude=./bench/node_modules -cf - .) | tar -xf - -C "$PKG/src"
(cd "$PKG/src" && dpkg-buildpackage -us -uc -b) >"$TMP/dpkg.log" 2>&1
rc=$?
check_eq "dpkg-buildpackage -us -uc -b exits 0" 0 "$rc"
[ "$rc" -eq 0 ] || tail -30 "$TMP/dpkg.log" | sed 's/^/#   /'
DEB=$(ls "$PKG"/pgcascade_*_*.deb 2>/dev/null | head -1)
check "the package file exists" test -n "$DEB"
lintian --fail-on error,warning "$PKG"/pgcascade_*.changes >"$TMP/lintian.log" 2>&1
check_eq "lintian: no error, no warning" 0 "$?"
grep -vE '^running with root privileges' "$TMP/lintian.log" | sed 's/^/#   /' | head -20
dpkg-deb -f "$DEB" Depends >"$TMP/depends"
for lib in libpq5 libjson-c5 libinih1 libpg-query; do
	check_contains "the package depends on $lib" "$lib" "$TMP/depends"
done
dpkg-deb -f "$DEB" Recommends >"$TMP/recommends"
check_contains "the package recommends postgresql (verify)" "postgresql" "$TMP/recommends"

# What the package says it installs, and the files in a scratch root.
dpkg -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$TMP/contents"
ROOTFS="$TMP/root"
dpkg -x "$DEB" "$ROOTFS"
for f in /usr/bin/pgcascade /usr/share/man/man1/pgcascade.1.gz /usr/share/bash-completion/completions/pgcascade \
	/usr/share/zsh/vendor-completions/_pgcascade /usr/share/fish/vendor_completions.d/pgcascade.fish \
	/usr/share/doc/pgcascade/copyright; do
	check_contains "the package lists $f" "$f" "$TMP/contents"
	check "installed: $f" test -s "$ROOTFS$f"
done
check_eq "installed completions are the generated ones (bash)" "$(cat "$TMP/c.bash")" \
	"$(cat "$ROOTFS/usr/share/bash-completion/completions/pgcascade")"
check_eq "installed completions are the generated ones (zsh)" "$(cat "$TMP/c.zsh")" \
	"$(cat "$ROOTFS/usr/share/zsh/vendor-completions/_pgcascade")"
check_eq "installed completions are the generated ones (fish)" "$(cat "$TMP/c.fish")" \
	"$(cat "$ROOTFS/usr/share/fish/vendor_completions.d/pgcascade.fish")"
check "installed man page documents --version" bash -c "zcat '$ROOTFS/usr/share/man/man1/pgcascade.1.gz' | grep -q 'version'"
check_contains "debian/copyright names the licence" "License: PostgreSQL" "$ROOTFS/usr/share/doc/pgcascade/copyright"

"$ROOTFS/usr/bin/pgcascade" --version >"$TMP/ver" 2>&1
check_eq "installed pgcascade --version exits 0" 0 "$?"
check_eq "installed --version: name and version" "pgcascade $(sed -nE 's/.*PGC_VERSION "(.*)"/\1/p' "$SRC/src/version.h")" \
	"$(head -1 "$TMP/ver")"
check_contains "installed --version names the licence" "License: PostgreSQL License" "$TMP/ver"
check_eq "the version is debian/changelog's" "$(head -1 "$TMP/ver" | cut -d' ' -f2)" \
	"$(dpkg-deb -f "$DEB" Version)"
(cd "$SRC" && "$ROOTFS/usr/bin/pgcascade" audit examples/skytwin/schema.sql examples/skytwin/migrations) \
	>"$TMP/inst.out" 2>"$TMP/inst.err"
check_eq "installed pgcascade audits examples/skytwin (exit 1: findings)" 1 "$?"
(cd "$SRC" && "$BIN" audit examples/skytwin/schema.sql examples/skytwin/migrations) >"$TMP/built.out" 2>/dev/null
check_files "installed and built binaries print the same audit" "$TMP/built.out" "$TMP/inst.out"
check_contains "the audit found the example's closure" "root users (id): 26 tables in the deletion closure" "$TMP/inst.out"
