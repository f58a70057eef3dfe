#!/usr/bin/env python3
"""Every rule is reachable from its ID: a catalog entry with its source
document, section and kernel versions, at least one witness trace in
corpora/witness that names it on its `# exercises:` line, and at least one
mutant port (ports/mutants/mutants.def) that is meant to break it.

usage: catalog_complete.py KALLOCSPEC SOURCE_DIR
Prints every gap.  tests/spec/catalog_gaps.txt lists the gaps that are known and
owed (one "ID: what is missing" line each); the check fails on any other
gap, and on a listed gap that no longer exists, so the list only shrinks.
"""
import json
import pathlib
import re
import subprocess
import sys


def main():
    cli, src = sys.argv[1], pathlib.Path(sys.argv[2])
    out = subprocess.run([cli, "rules", "--format", "json"], check=True,
                         capture_output=True, text=True).stdout
    rules = json.loads(out)["rules"]

    witnessed = set()
    for trace in sorted((src / "corpora" / "witness").glob("*.ktrace")):
        for line in trace.read_text(errors="replace").splitlines():
            if line.startswith("# exercises:"):
                witnessed.update(line.split(":", 1)[1].split())

    broken = set()
    for line in (src / "ports" / "mutants" / "mutants.def").read_text().splitlines():
        if line.startswith("MUTANT("):
            broken.update(re.findall(r'"([^"]*)"', line)[0].split())

    gaps = []
    for r in rules:
        rid = r["id"]
        for field in ("source", "section", "quote", "versions"):
            if not r.get(field):
                gaps.append(f"{rid}: catalog entry has no {field}")
        if rid not in witnessed:
            gaps.append(f"{rid}: no witness trace in corpora/witness names it")
        if rid not in broken:
            gaps.append(f"{rid}: no mutant in ports/mutants/mutants.def breaks it")
    unknown = sorted((witnessed | broken) - {r["id"] for r in rules} - {"none"})
    for rid in unknown:
        gaps.append(f"{rid}: named by a witness or mutant but not in the catalog")

    known = set()
    owed = pathlib.Path(__file__).with_name("catalog_gaps.txt")
    if owed.exists():
        known = {l.strip() for l in owed.read_text().splitlines()
                 if l.strip() and not l.startswith("#")}
    new = [g for g in gaps if g not in known]
    closed = sorted(known - set(gaps))
    for g in gaps:
        print(("known: " if g in known else "NEW:   ") + g)
    for g in closed:
        print(f"CLOSED (remove it from catalog_gaps.txt): {g}")
    print(f"{len(rules)} rules, {len(witnessed)} witnessed IDs, {len(broken - {'none'})} "
          f"mutant-targeted IDs, {len(gaps)} gaps ({len(gaps) - len(new)} known), "
          f"{len(closed)} closed")
    return 1 if new or closed else 0


if __name__ == "__main__":
    sys.exit(main())
