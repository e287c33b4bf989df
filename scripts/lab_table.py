#!/usr/bin/env python3
"""Tables for the serving lab's write-up, from swiftload JSON results (standard library only).

    scripts/lab_table.py DIR                 markdown tables of every run in DIR, grouped by label
    scripts/lab_table.py --sustains MS FILE  exit 0 when the run in FILE sustained its rate:
                                             p99 under MS milliseconds, under 1 % errors, no
                                             dropped iterations and at least 97 % of the rate

Runs are named LABEL-rRATE.json (a rate sweep; LABEL-rRATE-again.json for a repeat),
LABEL-N.json (the N-th of repeated runs of one configuration) or LABEL.json; the label groups
them. A rate counts as sustained when any of its runs sustained it; repeated runs are summarised
by their median.
"""
import glob
import json
import os
import re
import sys


def load(path):
    with open(path) as f:
        r = json.load(f)
    s = r["scenarios"][0]
    rate = s.get("rate") or 0
    options = r["options"]["scenarios"][0]
    rate = options.get("rate") or rate
    per = options.get("timeUnitSeconds") or 1
    d = r["requests"]["duration"]
    run = r["run"]
    return {
        "rate": rate / per if rate else 0,
        "rps": r["requests"]["rps"],
        "count": r["requests"]["count"],
        "p50": d.get("med", 0), "p95": d.get("p95", 0), "p99": d.get("p99", 0), "max": d.get("max", 0),
        "errors": r["requests"]["errorRate"],
        "dropped": s["droppedIterations"],
        "cpu": (run.get("cpuSeconds") or 0) / max(run["durationSeconds"], 1e-9),
        "checks": {c["name"]: c["rate"] for c in r["checks"]},
    }


def sustains(m, slo_ms):
    return (m["count"] > 0 and m["p99"] < slo_ms and m["errors"] < 0.01 and m["dropped"] == 0
            and m["rps"] >= 0.97 * m["rate"])


def main():
    if sys.argv[1] == "--sustains":
        sys.exit(0 if sustains(load(sys.argv[3]), float(sys.argv[2])) else 1)
    folder = sys.argv[1]
    slo = float(sys.argv[2]) if len(sys.argv) > 2 else 50
    groups = {}
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        name = os.path.basename(path)[:-5]
        m = re.match(r"(.*)-r(\d+)(-again)?$", name) or re.match(r"(.*)-(\d)$", name)
        label = m.group(1) if m else name
        try:
            groups.setdefault(label, []).append((name, load(path)))
        except (KeyError, ValueError, IndexError):
            continue
    print("| run | target/s | achieved/s | p50 ms | p95 ms | p99 ms | max ms | errors | dropped | generator CPU (cores) | sustained |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for label in sorted(groups):
        for name, m in sorted(groups[label], key=lambda x: x[1]["rate"]):
            print(f"| {name} | {m['rate']:.0f} | {m['rps']:.0f} | {m['p50']:.2f} | {m['p95']:.2f} | {m['p99']:.2f} | "
                  f"{m['max']:.1f} | {m['errors'] * 100:.2f}% | {m['dropped']} | {m['cpu']:.2f} | "
                  f"{'yes' if sustains(m, slo) else 'no'} |")
    repeats = {label: [m for name, m in runs] for label, runs in groups.items()
               if len(runs) > 1 and all(re.search(r"-\d$", name) for name, _ in runs)}
    if repeats:
        print()
        print("Repeated runs, median (and range) over the runs:")
        print()
        print("| configuration | runs | achieved/s | p50 ms | p95 ms | p99 ms | generator CPU (cores) |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for label in sorted(repeats):
            runs = repeats[label]
            def med(key):
                v = sorted(r[key] for r in runs)
                return v[len(v) // 2]
            p99s = sorted(r["p99"] for r in runs)
            print(f"| {label} | {len(runs)} | {med('rps'):.0f} | {med('p50'):.2f} | {med('p95'):.2f} | "
                  f"{med('p99'):.2f} ({p99s[0]:.1f}–{p99s[-1]:.1f}) | {med('cpu'):.2f} |")
    print()
    print(f"Highest sustained rate (p99 < {slo:g} ms, errors < 1 %, nothing dropped, ≥ 97 % of the rate):")
    print()
    for label in sorted(groups):
        runs = [m for _, m in groups[label]]
        if len(runs) < 2 or label in repeats:
            continue
        ok = [m["rate"] for m in runs if sustains(m, slo)]
        tried = max(m["rate"] for m in runs)
        print(f"- {label}: {max(ok):.0f}/s (highest rate tried {tried:.0f}/s)" if ok else f"- {label}: none of the rates tried")


if __name__ == "__main__":
    main()
