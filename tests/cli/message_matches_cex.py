#!/usr/bin/env python3
"""In the JSON report each failing rule's message comes from the same call as
its counterexample: replaying the counterexample prints that message
(addresses aside).  Counterexamples that fail only in some runs (heap-layout
dependent, `# fails-in: N of M` with N < M) are left out.

usage: message_matches_cex.py KALLOCSPEC PORT TMPDIR
"""
import json
import pathlib
import re
import subprocess
import sys

ADDR = re.compile(r"0x[0-9a-f]+")


def main():
    cli, port, tmp = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    tmp.mkdir(parents=True, exist_ok=True)
    report = tmp / "report.json"
    subprocess.run([cli, "check", "--port", port, "--profile", "linux-6.12", "-q",
                    "--json", str(report)], capture_output=True, timeout=600)
    rules = [r for r in json.loads(report.read_text())["rules"] if r["status"] == "FAIL"]
    fails = checked = 0
    for r in rules:
        cex = r.get("counterexample") or ""
        m = re.search(r"^# fails-in: (\d+) of (\d+)", cex, re.M)
        if not cex or (m and m.group(1) != m.group(2)):
            continue
        path = tmp / f"{r['id']}.ktrace"
        path.write_text(cex)
        out = subprocess.run([cli, "replay", str(path), "--port", port], capture_output=True,
                             text=True, timeout=120).stdout
        checked += 1
        if ADDR.sub("0x", r["message"]) not in ADDR.sub("0x", out):
            print(f"FAIL: {r['id']}: report says '{r['message']}', its counterexample says:")
            print("   " + "\n   ".join(l for l in out.splitlines() if r["id"] in l or "  " in l))
            fails += 1
    print(f"{checked} failing rules with reproducible counterexamples checked, {fails} mismatches")
    return 1 if fails or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
