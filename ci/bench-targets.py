#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""ci/bench's run mode, after the bench programs ran: measure the figures of
the bounded-cost goals side by side in this one run, print each next to its
goal, and write OUT/perf.md and OUT/perf.json (with bench_kmalloc's and
bench_checker's own tables).  Called by ci/bench with the environment it
sets (BUILD, QUICK, FUZZ, CIRUN, OUT, BK_CMD, BC_CMD) and its temporary
directory; not meant to be run by hand.  Standard library only.
"""

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TMP = sys.argv[1]
BUILD = os.path.abspath(os.environ["BUILD"])
QUICK = os.environ.get("QUICK") == "1"
FUZZ = os.environ.get("FUZZ") == "1"
CIRUN = os.environ.get("CIRUN") == "1"
OUT = os.environ["OUT"]
CLI = os.path.join(BUILD, "kallocspec")
FUZZ_SECS = 10 if QUICK else 30
REPLAY_INPUTS = 5000 if QUICK else 20000
MALLOC_PORTS = ["libc-naive", "linux-tools-shim", "btrfs-kerncompat", "malloc-passthrough"]


def say(msg):
    print("ci/bench: " + msg, file=sys.stderr, flush=True)


def run(cmd, env=None, timeout=None):
    """(rc, stdout+stderr text, wall seconds)"""
    say("running " + " ".join(cmd))
    t0 = time.time()
    try:
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", timeout=timeout)
        return p.returncode, p.stdout, time.time() - t0
    except subprocess.TimeoutExpired as e:
        out = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode(errors="replace")
        return None, out or "", time.time() - t0


def ports_built():
    rc, out, _ = run([CLI, "ports"])
    return [p for p in MALLOC_PORTS if re.search(r"^%s$" % re.escape(p), out, re.M)]


rows = []   # figure, goal, measured text, met (True/False/None), command


def row(figure, goal, measured, met, command):
    rows.append({"figure": figure, "goal": goal, "measured": measured, "met": met,
                 "command": command})


# ---- the fuzz target without an engine: random 128-byte inputs, 32 ops ----
env = dict(os.environ, KAS_FUZZ_MAX_OPS="32")
replay = os.path.join(BUILD, "fuzz", "fuzz_ops_replay")
cmd = [replay, "--random", str(REPLAY_INPUTS)]
rc, out, _ = run(cmd, env=env)
m = re.search(r": (\d+) exec/s", out)
eps = int(m.group(1)) if m else None
row("fuzz_ops on ref, 32-op inputs, replay binary (no engine, no sanitizer)",
    ">= 50,000 exec/s", "%s exec/s" % eps if eps else "did not run", eps is not None and eps >= 50000,
    "KAS_FUZZ_MAX_OPS=32 " + " ".join(cmd))


# ---- libFuzzer campaigns (kas-fuzz), one after another ----
def campaign(port, flavour):
    out_dir = os.path.join(BUILD, "bench-fuzz", "%s-%s" % (flavour, port))
    shutil.rmtree(out_dir, ignore_errors=True)
    bdir = os.path.join(SRC, "build-fuzz-libfuzzer" + ("-plain" if flavour == "plain" else ""))
    cmd = [sys.executable, os.path.join(SRC, "fuzz", "kas-fuzz"), "--engine", "libfuzzer",
           "--flavour", flavour, "--target", "ops", "--port", port, "--time", str(FUZZ_SECS),
           "--max-ops", "32", "--build-dir", bdir, "--replay-build", "none", "--quiet",
           "--out", out_dir, "--regress-dir", os.path.join(out_dir, "regress")]
    rc, text, _ = run(cmd, timeout=FUZZ_SECS + 1800)
    try:
        sm = json.load(open(os.path.join(out_dir, "summary.json")))
    except (OSError, ValueError):
        say("kas-fuzz on %s (%s) gave no summary:\n%s" % (port, flavour, text[-2000:]))
        return None, " ".join(cmd[1:])
    return sm, " ".join(cmd[1:])


if FUZZ and shutil.which("clang-14"):
    for flavour, goal, label in (("plain", 50000, "libFuzzer, no sanitizer"),
                                 ("asan", 5000, "libFuzzer with ASan+UBSan")):
        sm, cmd = campaign("ref", flavour)
        e = sm and sm.get("execs_per_sec")
        row("fuzz_ops on ref, 32-op inputs, %s" % label, ">= {:,} exec/s".format(goal),
            "%.0f exec/s (%d findings)" % (e, len(sm.get("findings", []))) if sm else "did not run",
            bool(e and e >= goal), cmd)
    for port in ports_built():
        sm, cmd = campaign(port, "plain")
        e = sm and sm.get("execs_per_sec")
        row("libFuzzer (no sanitizer) on %s" % port, ">= 5,000 exec/s",
            "%.0f exec/s (%d findings)" % (e, len(sm.get("findings", []))) if sm else "did not run",
            bool(e and e >= 5000), cmd)
elif FUZZ:
    say("no clang-14: the libFuzzer figures are left out")

# ---- the checker on a 1 M-op trace (bench_checker's synthetic section) ----
try:
    checker = json.load(open(os.path.join(TMP, "checker.json")))
except (OSError, ValueError):
    checker = []
syn = [r for r in checker if r.get("section") == "synthetic"]
if syn:
    big = max(syn, key=lambda r: r["n"])
    ratio = big["bare_ops_per_s"] / big["checked_ops_per_s"] if big["checked_ops_per_s"] else None
    row("checker (harness + spec), %s-op synthetic trace" % "{:,}".format(big["n"]),
        ">= 5 M ops/s, <= 10x bare",
        "%.2f M ops/s, %.1fx bare (bare %.1f M ops/s)" % (big["checked_ops_per_s"] / 1e6, ratio,
                                                          big["bare_ops_per_s"] / 1e6),
        big["checked_ops_per_s"] >= 5e6 and ratio <= 10, os.environ["BC_CMD"])

# ---- kallocspec check on the malloc-backed ports ----
for port in ports_built():
    cmd = [CLI, "check", "--port", port, "--profile", "linux-6.12", "-q"]
    rc, text, secs = run(cmd, timeout=1800)
    m = re.search(r"^peak resident memory of a port process: (\d+) MiB$", text, re.M)
    peak = int(m.group(1)) if m else None
    done = rc in (0, 1)
    row("kallocspec check --port %s --profile linux-6.12" % port,
        "<= 60 s wall, peak RSS <= 1.5 GiB",
        ("%.1f s, peak RSS %s MiB" % (secs, peak)) if done else "exit %s after %.1f s" % (rc, secs),
        done and secs <= 60 and peak is not None and peak <= 1536, " ".join(cmd))

# ---- a fresh clone's .ci/run (opt-in: minutes) ----
if CIRUN:
    d = tempfile.mkdtemp(prefix="kas-cirun-")
    subprocess.run(["git", "clone", "-q", SRC, d], check=True)
    rc, text, secs = run(["bash", os.path.join(d, ".ci", "run")], timeout=5400)
    open(os.path.join(OUT, "ci-run.log"), "w").write(text)
    row("fresh-clone .ci/run on %d cores" % os.cpu_count(), "<= 6 min",
        "%.1f min, exit %s" % (secs / 60, rc), rc == 0 and secs <= 360,
        "git clone -q . $d && bash $d/.ci/run")
    shutil.rmtree(d, ignore_errors=True)

# ---- print and write ----
def verdict(m):
    return "met" if m else ("SHORT" if m is False else "-")


width = max(len(r["figure"]) for r in rows) if rows else 10
print("%-*s  %-34s  %-44s  %s" % (width, "figure", "goal", "this run", "verdict"))
for r in rows:
    print("%-*s  %-34s  %-44s  %s" % (width, r["figure"], r["goal"], r["measured"], verdict(r["met"])))


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=SRC).stdout.strip()
    except OSError:
        return ""


cpu = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("model name"):
        cpu = line.split(":", 1)[1].strip()
        break
machine = {"date_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime()), "nproc": os.cpu_count(),
           "cpu": cpu, "kernel": platform.release(), "git": sh("git rev-parse --short HEAD"),
           "load_avg": open("/proc/loadavg").read().split()[:3]}
json.dump({"machine": machine, "targets": rows, "bench_checker": checker,
           "commands": {"bench_kmalloc": os.environ["BK_CMD"], "bench_checker": os.environ["BC_CMD"]}},
          open(os.path.join(OUT, "perf.json"), "w"), indent=2)
md = ["# ci/bench run", "",
      "Machine: %d cores, %s; kernel %s; git %s; load average at the end %s; %s UTC." % (
          machine["nproc"], cpu, machine["kernel"], machine["git"], " ".join(machine["load_avg"]),
          machine["date_utc"]), "",
      "## Figures and goals (measured side by side in this run)", "",
      "| figure | goal | this run | verdict | command |", "|---|---|---|---|---|"]
for r in rows:
    md.append("| %s | %s | %s | %s | `%s` |" % (r["figure"], r["goal"], r["measured"],
                                               verdict(r["met"]), r["command"]))
md += ["", "## bench_kmalloc", "", "`%s`" % os.environ["BK_CMD"], "",
       open(os.path.join(TMP, "kmalloc.md")).read().strip(), "",
       "## bench_checker", "", "`%s`" % os.environ["BC_CMD"], "",
       open(os.path.join(TMP, "checker.md")).read().strip(), ""]
open(os.path.join(OUT, "perf.md"), "w").write("\n".join(md))
say("wrote %s/perf.md and perf.json" % OUT)
sys.exit(0)
