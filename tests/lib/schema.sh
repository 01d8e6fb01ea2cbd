# tests/lib/schema.sh - JSON documents checked against the output
# contracts (doc/schema/*.schema.json, draft-07, Debian's
# python3-jsonschema), in one python run per test script:
#   schema_keep SCHEMA FILE LABEL   queue a copy of FILE for SCHEMA
#                                   (audit, lint, verify, ...)
#   schema_validate                 one TAP line per queued document
# Sourced after tap.sh; plan one test per schema_keep.
SCHEMA_LIST="$TMP/schema.list"
: >"$SCHEMA_LIST"
SCHEMA_N=0
schema_keep() {
	SCHEMA_N=$((SCHEMA_N + 1))
	cp "$2" "$TMP/schema-doc.$SCHEMA_N.json"
	echo "$1 $TMP/schema-doc.$SCHEMA_N.json $3" >>"$SCHEMA_LIST"
}
schema_validate() {
	local out
	out=$(/usr/bin/python3 "$PGC_ROOT/tests/lib/schema_validate.py" "$PGC_ROOT/doc/schema" "$SCHEMA_LIST" 2>&1)
	# a crash of the validator still prints one failure per queued document
	if [ "$(grep -cE '^(not )?ok - ' <<<"$out")" -ne "$SCHEMA_N" ]; then
		local i
		for ((i = 0; i < SCHEMA_N; i++)); do not_ok "schema validation ran"; done
		sed 's/^/#   /' <<<"$out" | head -20
		return
	fi
	TAP_COUNT=$((TAP_COUNT + SCHEMA_N))
	echo "$out"
}
