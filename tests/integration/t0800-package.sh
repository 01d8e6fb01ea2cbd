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
#    tree, lintian clean (no tag at any level, pedantic and experimental included), dependencies declared,
#    the dlopen()ed libpq5/libssl3 declared, installed with dpkg -i into a
#    scratch root (this machine's package database: dependencies checked)
#    and removed with dpkg -r; the installed binary prints its version and
#    licence, audits examples/skytwin like the built one and reads a live
#    database (libpq loaded); the man page and the completions are where `dpkg -c` says.
source "$PGC_ROOT/tests/lib/tap.sh"
plan 74
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
# --layout: the layouts the reader knows (its error message lists them)
"$BIN" audit --layout nosuch x >/dev/null 2>"$TMP/lay.err"
check_eq "bash completion: --layout values are the layouts pgcascade reads" \
	"$(sed -nE 's/.*expected one of (.*)$/\1/p' "$TMP/lay.err" | tr -d ',' | tr ' ' '\n' | sort | paste -sd' ')" \
	"$(complete_bash pgcascade audit --layout '' | paste -sd' ')"
# zsh and fish: each command's options are those of its --help too
bad=""
for cmd in audit fix verify lint erase config; do
	"$BIN" "$cmd" --help 2>&1 | sed -nE 's/^  (--[a-z][a-z-]*).*/\1/p' | sort -u >"$TMP/h"
	sed -nE "s/^complete -c pgcascade -n '__fish_seen_subcommand_from $cmd' -l ([a-z-]+).*/--\1/p" "$TMP/c.fish" |
		sort -u >"$TMP/f"
	awk -v c="	$cmd)" '$0 == c { on = 1; next } on && /;;/ { on = 0 } on' "$TMP/c.zsh" |
		sed -nE "s/^[[:space:]]*'\*?(--[a-z][a-z-]*).*/\1/p" | sort -u >"$TMP/z"
	cmp -s "$TMP/h" "$TMP/f" || bad="$bad fish:$cmd"
	cmp -s "$TMP/h" "$TMP/z" || bad="$bad zsh:$cmd"
done
check_eq "zsh and fish completions offer exactly the options of each command's --help" "" "$bad"
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
lintian -I -E --pedantic --fail-on error,warning,info,pedantic,experimental "$PKG"/pgcascade_*.changes >"$TMP/lintian.log" 2>&1
check_eq "lintian (-I -E --pedantic): no tag at all" 0 "$?"
grep -vE '^running with root privileges' "$TMP/lintian.log" | sed 's/^/#   /' | head -20
dpkg-deb -f "$DEB" Depends >"$TMP/depends"
for lib in libpq5 libssl3 libjson-c5 libinih1 libpg-query; do
	check_contains "the package depends on $lib" "$lib" "$TMP/depends"
done
# libpq and libcrypto are not linked but dlopen()ed (src/util/lazylib.c):
# shlibs cannot see them, so the packages that ship the sonames the binary
# opens must be named in Depends by hand.
for so in $(strings "$BIN" | grep -oE '^lib(pq|crypto)\.so\.[0-9]+$' | sort -u); do
	pkg=$(dpkg -S "*/$so" 2>/dev/null | head -1 | cut -d: -f1)
	check "the package depends on $pkg, which ships $so (dlopen'ed)" \
		grep -qE "(^|, )$pkg( |,|\$)" "$TMP/depends"
done
dpkg-deb -f "$DEB" Recommends >"$TMP/recommends"
check_contains "the package recommends postgresql (verify)" "postgresql" "$TMP/recommends"

# What the package says it installs, and the files in a scratch root.
dpkg -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$TMP/contents"
# Installed with dpkg -i into a scratch root whose package database is this
# machine's: dpkg checks the declared dependencies against what is installed.
ROOTFS="$TMP/root"
mkdir -p "$ROOTFS/var/lib/dpkg/info" "$ROOTFS/var/lib/dpkg/updates" "$ROOTFS/var/lib/dpkg/triggers"
cp /var/lib/dpkg/status "$ROOTFS/var/lib/dpkg/status" && touch "$ROOTFS/var/lib/dpkg/available"
DPKG=(dpkg --root="$ROOTFS" --force-not-root --force-script-chrootless --log=/dev/null)
"${DPKG[@]}" -i "$DEB" >"$TMP/dpkg-i.log" 2>&1
check_eq "dpkg -i (scratch root): installs, its dependencies satisfied" 0 "$?"
grep -v 'files list file for package' "$TMP/dpkg-i.log" | grep -iE 'error|depend' | sed 's/^/#   /' | head
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
# the real corpora under tests/ keep their own licences: debian/copyright has a
# stanza for each corpus, with the licence its SOURCE.md names
/usr/bin/python3 - "$SRC/debian/copyright" "$SRC/tests/corpora" >"$TMP/corp-lic.log" 2>&1 <<'PYEOF'
import os, re, sys
text = open(sys.argv[1]).read()
stanzas = [p for p in text.split("\n\n") if p.startswith("Files:")]
names = {"MIT": "Expat", "GNU AGPL-3.0": "AGPL-3.0", "Eclipse Public License 2.0": "EPL-2.0", "Apache License 2.0": "Apache-2.0"}
bad = []
for c in sorted(os.listdir(sys.argv[2])):
    src = os.path.join(sys.argv[2], c, "SOURCE.md")
    if not os.path.isfile(src):
        continue
    row = [l for l in open(src) if re.match(r"\|\s*licen[cs]e\s*\|", l, re.I)]
    want = [v for k, v in names.items() if row and re.search(r"\|\s*" + re.escape(k) + r"\b", row[0])]
    got = [re.search(r"^License: (\S+)", p, re.M).group(1) for p in stanzas if ("tests/corpora/%s/src/*" % c) in p]
    if len(want) != 1 or got != want:
        bad.append("%s: SOURCE.md %s, debian/copyright %s" % (c, row[0].strip() if row else "-", got))
print("\n".join(bad))
sys.exit(1 if bad else 0)
PYEOF
check_eq "debian/copyright: every corpus under tests/corpora with the licence its SOURCE.md names" 0 "$?"
sed 's/^/#   /' "$TMP/corp-lic.log" | head

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
# the installed binary loads libpq (dlopen) and reads a live database
conninfo=$(fresh_db pgc_t0800) && psql_db pgc_t0800 -c "CREATE TABLE users (id bigint PRIMARY KEY);
	CREATE TABLE notes (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id))" >/dev/null
"$ROOTFS/usr/bin/pgcascade" audit --db "$conninfo" >"$TMP/inst-db.out" 2>"$TMP/inst-db.err"
check_eq "installed pgcascade audit --db (libpq loaded): exit 1, findings" 1 "$?"
sed 's/^/#   /' "$TMP/inst-db.err" | head -5
"$BIN" audit --db "$conninfo" >"$TMP/built-db.out" 2>/dev/null
check_files "installed and built binaries read the same live database" "$TMP/built-db.out" "$TMP/inst-db.out"
"${DPKG[@]}" -r pgcascade >"$TMP/dpkg-r.log" 2>&1
check_eq "dpkg -r: removes the package" 0 "$?"
left=""
while read -r f; do [ -f "$ROOTFS$f" ] && left="$left $f"; done <"$TMP/contents"
check_eq "dpkg -r: none of the package's files is left" "" "$left"
