#!/usr/bin/env python3
"""erase_prepare.py SCRIPT KEY: prints a psql script that runs an
`erase --emit-sql` SCRIPT with $1 = KEY (an integer) in one transaction.
psql binds no $1 before PostgreSQL 16: each statement is PREPAREd, then
EXECUTEd with the key (t0700, t0730)."""
import sys

text = open(sys.argv[1]).read()
key = int(sys.argv[2])
stmts = [s.strip() for s in text.split(";\n")
         if s.strip() and not all(l.startswith("--") for l in s.strip().splitlines())]
print("BEGIN;")
for i, s in enumerate(stmts):
    body = "\n".join(l for l in s.splitlines() if not l.startswith("--"))
    print(f"PREPARE s{i}(int) AS {body};\nEXECUTE s{i}({key});")
print("COMMIT;")
