#!/usr/bin/env python3
"""In the JSON report each failing rule's message comes from the same call as
its counterexample: replaying the counterexample prints that message
(addresses, and the offset or object index at which a heap-dependent
failure is first seen, aside: those vary between runs of the same call).
On a malloc port which call of a trace fails first can depend on the heap
(the replay's differs from the check's), so where the replay names another
call the message must at least be about a call of the counterexample: its
function is one of the trace's ops and the sizes it names are in the trace.  Counterexamples that
fail only in some runs (`# fails-in: N of M` with N < M) are left out.

usage: message_matches_cex.py KALLOCSPEC PORT TMPDIR
"""
import json
import pathlib
import re
import subprocess
import sys

ADDR = re.compile(r"0x[0-9a-f]+")
WHERE = re.compile(r"\b(offset|object) \d+")


def norm(text):
    return WHERE.sub(r"\1 N", ADDR.sub("0x", text))


def about_the_trace(message, trace):
    """The message's function is an op of the trace and its sizes appear there."""
    ops = [l.split("=", 1)[-1].split()[0] for l in trace.splitlines()
           if l.strip() and not l.startswith(("#", "profile"))]
    m = re.match(r"(\w+)", message)
    if not m or m.group(1) not in ops:
        return False
    words = set(re.findall(r"\b\d+\b", trace))
    sizes = re.findall(r"(?:size|of) (\d+)(?! bytes\))", message) + \
        re.findall(r"\((\d+)\)", message)
    return all(n in words for n in sizes)


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
        checked += 1
        out = subprocess.run([cli, "replay", str(path), "--port", port],
                             capture_output=True, text=True, timeout=120).stdout
        if norm(r["message"]) not in norm(out) and not about_the_trace(r["message"], cex):
            print(f"FAIL: {r['id']}: report says '{r['message']}', its counterexample says:")
            print("   " + "\n   ".join(l for l in out.splitlines() if r["id"] in l or "  " in l))
            fails += 1
    print(f"{checked} failing rules with reproducible counterexamples checked, {fails} mismatches")
    return 1 if fails or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
