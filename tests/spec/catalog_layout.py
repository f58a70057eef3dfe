#!/usr/bin/env python3
"""The catalog is laid out by rule category: spec/rules.def includes one
spec/catalog/<category>.def per category, in the order of enum
kas_rule_category; each holds only its category's rows, by rule number (a W
variant right after its rule, IDs outside the CATEGORY-N pattern last); the
checker of every rule is defined in spec/rules_<category>.c.  And
`kallocspec rules` lists the rules in that same order.

usage: catalog_layout.py KALLOCSPEC SOURCE_DIR
"""
import json
import pathlib
import re
import subprocess
import sys


def rule_key(rid, cat, pos):
    m = re.fullmatch(r"([A-Z]+)-(\d+)([A-Z]*)", rid)
    if m and m.group(1) == cat:
        return (0, int(m.group(2)), m.group(3), 0)
    return (1, 0, "", pos)


def main():
    cli, src = sys.argv[1], pathlib.Path(sys.argv[2])
    spec = src / "spec"
    errors = []

    enum = (src / "include" / "kallocspec" / "spec.h").read_text()
    body = re.search(r"enum kas_rule_category\s*{(.*?)}", enum, re.S).group(1)
    cats = [c for c in re.findall(r"KAS_CAT_(\w+)", body) if c != "_COUNT"]

    included = re.findall(r'^#include "catalog/(\w+)\.def"', (spec / "rules.def").read_text(), re.M)
    if included != [c.lower() for c in cats]:
        errors.append(f"rules.def includes {included}, expected {[c.lower() for c in cats]}")
    # the rule categories, and the caller rules (caller.def, their own kind)
    files = sorted(p.stem for p in (spec / "catalog").glob("*.def"))
    if files != sorted([c.lower() for c in cats] + ["caller"]):
        errors.append(f"spec/catalog holds {files}")

    checkers = {}
    for f in spec.glob("*.c"):
        for fn in re.findall(r"^enum kas_verdict (kas_chk_\w+)\(", f.read_text(), re.M):
            checkers[fn] = f.name

    order = []
    for cat in cats:
        path = spec / "catalog" / f"{cat.lower()}.def"
        if not path.exists():
            continue
        rows = re.findall(r'^RULE\(\w+, "([^"]+)", KAS_CAT_(\w+),.*?(kas_chk_\w+),',
                          path.read_text(), re.M | re.S)
        for rid, rcat, fn in rows:
            if rcat != cat:
                errors.append(f"{rid}: category {rcat}, in {path.name}")
            want = f"rules_{cat.lower()}.c"
            if checkers.get(fn) != want:
                errors.append(f"{rid}: checker {fn} in {checkers.get(fn)}, expected {want}")
        ids = [r[0] for r in rows]
        if ids != sorted(ids, key=lambda i: rule_key(i, cat, ids.index(i))):
            errors.append(f"{path.name}: rows not by rule number: {ids}")
        order += ids

    out = subprocess.run([cli, "rules", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    listed = [r["id"] for r in json.loads(out)["rules"]]
    if listed != order:
        errors.append(f"`kallocspec rules` lists {listed}, the catalog files {order}")

    for e in errors:
        print("FAIL:", e)
    print(f"{len(order)} rules in {len(cats)} category files, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
