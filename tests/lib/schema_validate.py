# schema_validate.py SCHEMA_DIR LIST: validates each document of LIST (lines
# "SCHEMA FILE LABEL") against SCHEMA_DIR/SCHEMA.schema.json (draft-07; a
# $ref to another schema of the folder is resolved from it); prints one TAP
# line per document. Used by tests/lib/schema.sh and t0820.
import json, os, sys
import warnings
import jsonschema
warnings.simplefilter("ignore", DeprecationWarning)

sdir, lst = sys.argv[1], sys.argv[2]
store = {}
for fn in os.listdir(sdir):
    if fn.endswith(".schema.json"):
        s = json.load(open(os.path.join(sdir, fn)))
        jsonschema.Draft7Validator.check_schema(s)
        store[s["$id"]] = s
vals = {}
def validator(name):
    if name not in vals:
        s = json.load(open(os.path.join(sdir, name + ".schema.json")))
        vals[name] = jsonschema.Draft7Validator(s, resolver=jsonschema.RefResolver.from_schema(s, store=store))
    return vals[name]
for line in open(lst):
    schema, path, label = line.rstrip("\n").split(" ", 2)
    try:
        doc = json.load(open(path))
    except ValueError as e:
        print("not ok - %s: valid against %s.schema.json" % (label, schema))
        print("#   not JSON: %s" % e)
        continue
    errs = sorted(validator(schema).iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        print("not ok - %s: valid against %s.schema.json" % (label, schema))
        for e in errs[:5]:
            print("#   %s at /%s" % (e.message[:200], "/".join(map(str, e.path))))
    else:
        print("ok - %s: valid against %s.schema.json" % (label, schema))
