# tests/lib/corpora.sh - the files of a real corpus (tests/corpora/NAME) in
# the order and form its runner applies them (SOURCE.md of each corpus):
# setup.sql first where there is one, patched/ copies where SOURCE.md says
# so, pop templates rendered (supabase-auth: Namespace=auth, as pop does),
# only goose Up sections kept (hatchet; lines kept so places stay exact).
# Sourced by t0490 and t0496.

# corpus_files DIR WORK [notx]: print one path a line; what must be rendered
# is written under WORK. With notx, a goose file marked
# "-- +goose NO TRANSACTION" is printed as notx:PATH (tests/corpora/truth.sh).
corpus_files() {
	local d=$1 w=$2 notx=${3:-} name=${1##*/} f src p
	mkdir -p "$w"
	[ -f "$d/setup.sql" ] && echo "$d/setup.sql"
	while read -r f; do
		case "$f" in
		*.go) src="$d/patched/${f%.go}.sql"; [ -f "$src" ] || continue ;;
		*) src="$d/src/$f"; [ -f "$d/patched/$f" ] && src="$d/patched/$f" ;;
		esac
		case "$name" in
		supabase-auth)
			sed -E 's/\{\{\s*index\s+\.Options\s+"Namespace"\s*\}\}/auth/g' "$src" >"$w/${src##*/}"
			echo "$w/${src##*/}" ;;
		hatchet)
			p=""
			[ -n "$notx" ] && grep -qi '^--[[:space:]]*+goose[[:space:]]\+no transaction' "$src" && p=notx:
			if grep -q '^--[[:space:]]*+goose[[:space:]]\+Up' "$src"; then
				awk 'BEGIN { up = 0 } /^--[[:space:]]*\+goose[[:space:]]+Up/ { up = 1; print ""; next }
				     /^--[[:space:]]*\+goose[[:space:]]+Down/ { up = 0; print ""; next } { print (up ? $0 : "") }' \
					"$src" >"$w/${src##*/}"
				echo "$p$w/${src##*/}"
			else
				echo "$p$src"
			fi ;;
		*) echo "$src" ;;
		esac
	done <"$d/order.txt"
}
