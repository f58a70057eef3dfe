#!/usr/bin/env python3
"""Every planted bug is caught by the witness of the rule it breaks.

  mutants_witness.py KALLOCSPEC SRC_DIR WORK_DIR [--jobs N] [--only NAME,...]

For each MUTANT row of ports/mutants/mutants.def, the witness traces of
corpora/witness whose `# exercises:` line names one of the row's rules run
on the row's port mut-<name> under each of its profiles (`kallocspec check
--ops 0 --no-minimise`, isolated).  Each rule of the row must FAIL (or CRASH/HANG) under
at least one of those profiles, with a counterexample, and the same traces
must not fail that rule on ref.  A row whose outcome is CRASH or HANG runs
the whole witness corpus and must give that verdict to some rule.

This is the test of the mutant ports themselves: the planted bugs of the
catalogue, the one mechanism tests use for a broken allocator.  Exit 0 when
every row holds, 1 otherwise; one line per mutant, then `N passed, N failed`.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ROW = re.compile(r'^MUTANT\((\w+),\s*"([^"]*)",\s*"([^"]*)",')
VERDICTS = {"CRASH", "HANG"}
RETRIES = 4


def mutant_rows(src):
    rows = []
    with open(os.path.join(src, "ports", "mutants", "mutants.def")) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                name, rules, profiles = m.groups()
                rows.append({"port": "mut-" + name.lower().replace("_", "-"),
                             "rules": rules.split(), "profiles": profiles.split()})
    return rows


def witnesses(src):
    """{rule: [witness paths that exercise it]} and the list of all of them."""
    by_rule, every = {}, []
    wdir = os.path.join(src, "corpora", "witness")
    for name in sorted(os.listdir(wdir)):
        if not name.endswith(".ktrace"):
            continue
        path = os.path.join(wdir, name)
        every.append(path)
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("# exercises:"):
                    for rule in line.split(":", 1)[1].split():
                        by_rule.setdefault(rule, []).append(path)
    return by_rule, every


def corpus_of(work, key, traces):
    d = os.path.join(work, "corpus-" + key)
    if not os.path.isdir(d):
        os.makedirs(d)
        for t in traces:
            os.symlink(t, os.path.join(d, os.path.basename(t)))
    return d


def check(cli, port, profile, corpus, out_json, timeout_ms=5000):
    cmd = [cli, "check", "--port", port, "--profile", profile, "--ops", "0", "--corpus", corpus,
           "--timeout", str(timeout_ms), "--no-minimise", "--json", out_json, "-q"]
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    except subprocess.TimeoutExpired:
        return None
    try:
        with open(out_json) as f:
            doc = json.load(f)
        rules = {r["id"]: r for r in doc["rules"]}
        # a crash or hang outside a rule's call is a fault of the run
        for fault in doc.get("faults", []):
            rules.setdefault("fault:" + str(len(rules)), {"status": fault.get("status"),
                                                          "counterexample": fault.get("counterexample")})
        return rules
    except (OSError, ValueError, KeyError):
        return None


def judge(cli, work, row, profiles_all, by_rule, every):
    port = row["port"]
    outcome = [r for r in row["rules"] if r in VERDICTS]
    rules = [r for r in row["rules"] if r not in VERDICTS]
    if outcome:
        corpus = corpus_of(work, "all", every)
    else:
        traces = sorted({t for r in rules for t in by_rule.get(r, [])})
        if not traces:
            return False, "no witness trace exercises %s" % " ".join(rules)
        corpus = corpus_of(work, "-".join(rules), traces)
    profiles = profiles_all if row["profiles"] == ["all"] else row["profiles"]
    # A race (pcp-shared) shows in most runs, not all: a row not caught in
    # one pass over its profiles gets up to RETRIES more, and says so.
    for attempt in range(1 + RETRIES):
        caught, problems = run_profiles(cli, work, port, profiles, corpus, rules, outcome)
        if caught_all(caught, rules, outcome):
            break
    note = " (caught in pass %d of %d)" % (attempt + 1, 1 + RETRIES) if attempt else ""
    return verdict(cli, work, port, corpus, rules, outcome, caught, problems, profiles, note)


def caught_all(caught, rules, outcome):
    if outcome:
        return bool({s for v in caught.values() for (_, s, _) in v} & set(outcome))
    return all(r in caught for r in rules)


def run_profiles(cli, work, port, profiles, corpus, rules, outcome):
    caught, problems = {}, []
    # a row that should hang waits 1 s per hanging call, not 5
    timeout_ms = 1000 if "HANG" in outcome else 5000
    for prof in profiles:
        res = check(cli, port, prof, corpus, os.path.join(work, "%s-%s.json" % (port, prof)), timeout_ms)
        if res is None:
            problems.append("%s: no report" % prof)
            continue
        for rid, r in res.items():
            if r["status"] in ("FAIL", "CRASH", "HANG"):
                caught.setdefault(rid, set()).add((prof, r["status"], bool(r.get("counterexample"))))
        if not outcome and all(r in caught for r in rules):
            break
    return caught, problems


def verdict(cli, work, port, corpus, rules, outcome, caught, problems, profiles, note):
    if outcome:
        seen = {s for v in caught.values() for (_, s, _) in v}
        if not seen & set(outcome):
            return False, "expected %s, got %s" % ("/".join(outcome), ", ".join(sorted(caught)) or "no failure")
        return True, "%s%s" % ("/".join(sorted(seen & set(outcome))), note)
    for r in rules:
        if r not in caught:
            problems.append("%s not caught by its witness under %s" % (r, " ".join(profiles)))
        elif not any(cex for (_, _, cex) in caught[r]):
            problems.append("%s failed without a counterexample" % r)
    if problems:
        return False, "; ".join(problems)
    # the same traces must not fail those rules on ref (it would not be the bug)
    for prof in sorted({p for r in rules for (p, _, _) in caught[r]}):
        res = check(cli, "ref", prof, corpus, os.path.join(work, "ref-%s-%s.json" % (port, prof)))
        if res is None:
            return False, "ref gave no report under %s" % prof
        bad = [r for r in rules if any(p == prof for (p, _, _) in caught[r]) and
               res.get(r, {}).get("status") in ("FAIL", "CRASH", "HANG")]
        if bad:
            return False, "ref fails %s under %s too" % (" ".join(bad), prof)
    return True, "caught " + " ".join(rules) + note


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cli")
    ap.add_argument("src")
    ap.add_argument("work")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", default="")
    a = ap.parse_args()
    a.src = os.path.abspath(a.src)
    shutil.rmtree(a.work, ignore_errors=True)
    os.makedirs(a.work)
    profiles = [ln.split()[0] for ln in subprocess.run([a.cli, "profiles"], capture_output=True, text=True,
                                                       check=True).stdout.splitlines() if ln.strip()]
    rows = mutant_rows(a.src)
    if a.only:
        want = set(a.only.split(","))
        rows = [r for r in rows if r["port"] in want]
    by_rule, every = witnesses(a.src)
    # the shared corpora are made before the workers start
    corpus_of(a.work, "all", every)
    for row in rows:
        rules = [r for r in row["rules"] if r not in VERDICTS]
        if rules:
            corpus_of(a.work, "-".join(rules), sorted({t for r in rules for t in by_rule.get(r, [])}))

    def one(row):
        t0 = time.monotonic()
        ok, why = judge(a.cli, a.work, row, profiles, by_rule, every)
        print("%-4s %-36s %5.1fs  %s" % ("ok" if ok else "FAIL", row["port"], time.monotonic() - t0, why),
              flush=True)
        return ok

    with ThreadPoolExecutor(max_workers=max(1, a.jobs)) as ex:
        results = list(ex.map(one, rows))
    passed = sum(results)
    print("%d passed, %d failed" % (passed, len(results) - passed))
    return 0 if passed == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
