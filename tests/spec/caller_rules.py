#!/usr/bin/env python3
"""Every caller rule has a trace that breaks it, and replaying that trace
on ref refuses the call with the rule's name.

usage: caller_rules.py KALLOCSPEC CALLER-CORPUS-DIR
"""
import json
import pathlib
import re
import subprocess
import sys
import tempfile


def main():
    cli, corpus = sys.argv[1], pathlib.Path(sys.argv[2])
    rules = json.loads(subprocess.run([cli, "rules", "--format", "json"], check=True,
                                      capture_output=True, text=True).stdout)["caller_rules"]
    fails = 0
    ids = {r["id"] for r in rules}
    for trace in sorted(corpus.glob("*.ktrace")):
        m = re.search(r"^# refuses: (\S+)$", trace.read_text(), re.M)
        if not m or m.group(1) not in ids:
            print(f"FAIL: {trace.name} names no caller rule of the catalog")
            fails += 1
    for r in rules:
        rid = r["id"]
        if not r.get("source") or not r.get("section"):
            print(f"FAIL: {rid} has no kernel source")
            fails += 1
        trace = corpus / f"{rid}.ktrace"
        if not trace.exists():
            print(f"FAIL: {rid}: no trace {trace}")
            fails += 1
            continue
        out = subprocess.run([cli, "replay", str(trace), "--port", "ref", "-v"],
                             capture_output=True, text=True, timeout=60)
        want = f"SKIPPED {rid}: {r['title']}"
        if want not in out.stdout:
            print(f"FAIL: {rid}: replay does not say '{want}':")
            print(out.stdout + out.stderr)
            fails += 1
    # a check over the whole caller corpus counts each refusal by its rule,
    # in the text summary and in the JSON report
    with tempfile.TemporaryDirectory() as tmp:
        jpath = pathlib.Path(tmp) / "report.json"
        out = subprocess.run([cli, "check", "--port", "ref", "--corpus", str(corpus), "--ops", "0",
                              "-q", "--json", str(jpath)], capture_output=True, text=True,
                             timeout=300)
        refused = {e["id"]: e["calls"] for e in
                   json.loads(jpath.read_text()).get("refused_calls", [])} if jpath.exists() else {}
    for r in rules:
        if refused.get(r["id"], 0) < 1:
            print(f"FAIL: check over corpora/caller: the JSON report counts no refusal of {r['id']}")
            fails += 1
        if not re.search(rf"^  {re.escape(r['id'])} +x\d+ +{re.escape(r['title'])}$", out.stdout, re.M):
            print(f"FAIL: check over corpora/caller: the summary has no line for {r['id']}")
            fails += 1
    print(f"{len(rules)} caller rules, {fails} failures")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
