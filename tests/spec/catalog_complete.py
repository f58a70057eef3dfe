#!/usr/bin/env python3
"""Every rule is reachable from its ID: a catalog entry with its source
document, section and kernel versions, at least one witness trace in
corpora/witness that names it on its `# exercises:` line, and at least one
mutant port (ports/mutants/mutants.def) that is meant to break it (its
checker: catalog_layout.py).  And every rule ID written anywhere in the
tree -- code, docs, traces, reports -- is a rule or a caller rule of the
catalog: a retired or mistyped ID fails here.

usage: catalog_complete.py KALLOCSPEC SOURCE_DIR
Prints every gap; any gap fails.
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
    doc = json.loads(out)
    rules, callers = doc["rules"], doc["caller_rules"]

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
    unknown = sorted((witnessed | broken) - {r["id"] for r in rules} - {"none", "CRASH", "HANG"})
    for rid in unknown:
        gaps.append(f"{rid}: named by a witness or mutant but not in the catalog")

    known_ids = {r["id"] for r in rules} | {r["id"] for r in callers}
    named = 0
    for path, rid in ids_in_tree(src):
        named += 1
        if rid not in known_ids:
            gaps.append(f"{rid}: named in {path} but not in the catalog")

    for g in gaps:
        print("GAP: " + g)
    print(f"{len(rules)} rules, {len(callers)} caller rules, {len(witnessed)} witnessed IDs, "
          f"{len(broken - {'none'})} mutant-targeted IDs, {named} rule IDs named in the tree, "
          f"{len(gaps)} gaps")
    return 1 if gaps else 0


RULE_ID = re.compile(r"\b((?:ALIGN|ZERO|REALLOC|SIZE|FREE|CACHE|KVMALLOC|OVERFLOW|INTEGRITY|"
                     r"RECLAIM|ZONE|ACCOUNT|CONTEXT|SCOPE|RCU|PHYS|USERCOPY|CALLER)-\d+W?)\b")


def ids_in_tree(src):
    """(path, rule ID) for every ID-shaped word in the tracked text files
    (every file under the source dir, build trees aside, without git)."""
    try:
        files = subprocess.run(["git", "-C", str(src), "ls-files"], check=True,
                               capture_output=True, text=True).stdout.split()
    except (OSError, subprocess.CalledProcessError):
        files = [str(p.relative_to(src)) for p in src.rglob("*")
                 if p.is_file() and not p.relative_to(src).parts[0].startswith(("build", "."))]
    for f in files:
        try:
            text = (src / f).read_text(errors="strict")
        except (OSError, UnicodeDecodeError):
            continue   # binary files name no rule
        for m in RULE_ID.finditer(text):
            yield f, m.group(1)


if __name__ == "__main__":
    sys.exit(main())
