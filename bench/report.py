"""Turns bench/run.sh's rows into bench/RESULTS.md and bench/results.json (median, min-max, ratio)."""
import json
import statistics
import sys
import datetime

rows_file, command, mode, machine, loadavg, md_out, json_out = sys.argv[1:8]


def nums(text):
    return [float(x) for x in text.split()] if text.strip() else []


def p99(values):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def fmt(v, unit):
    if unit == "us":
        return f"{v / 1000:.1f} ms"
    if v >= 1000:
        return f"{v:,.0f}"
    return f"{v:.3g}" if v < 10 else f"{v:.1f}"


results = []
for line in open(rows_file):
    name, base, vals, bvals, unit, target, load = line.rstrip("\n").split("\t")[:7]
    v, b = nums(vals), nums(bvals)
    r = {"what": name, "baseline": base, "unit": unit, "target": target, "load_avg_1m": float(load),
         "values": v, "baseline_values": b}
    if v:
        r["median"] = statistics.median(v)
        r["min"], r["max"] = min(v), max(v)
        if unit == "us":
            r["p99"] = p99(v)
    if b:
        r["baseline_median"] = statistics.median(b)
        r["baseline_min"], r["baseline_max"] = min(b), max(b)
    if v and b and r["baseline_median"]:
        r["ratio"] = r["median"] / r["baseline_median"]
    results.append(r)

now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
doc = {"command": command, "mode": mode, "date": now, "machine": machine, "loadavg_at_end": loadavg,
       "rows": results}
json.dump(doc, open(json_out, "w"), indent=2)

out = [f"# Benchmark results ({mode} mode)", "",
       f"- command: `{command}`", f"- date: {now}", f"- machine: {machine}",
       f"- load average at the end: {loadavg} (other engineers' tests share this machine)", "",
       "Each figure: median [min-max] over the runs; the baseline is measured in the same run, alternating with"
       " the figure where it can be. Latencies: median and p99 (over all uploads).", "",
       "| what | figure | baseline (same run) | ratio | target | load 1m |", "|---|---|---|---|---|---|"]
for r in results:
    u = r["unit"]
    fig = "-"
    if "median" in r:
        fig = f"{fmt(r['median'], u)} [{fmt(r['min'], u)}-{fmt(r['max'], u)}]"
        if "p99" in r:
            fig = f"median {fmt(r['median'], u)}, p99 {fmt(r['p99'], u)}, max {fmt(r['max'], u)}"
        fig += f" {'' if u == 'us' else u} (n={len(r['values'])})"
    base = r["baseline"]
    if "baseline_median" in r:
        base += f": {fmt(r['baseline_median'], u)} [{fmt(r['baseline_min'], u)}-{fmt(r['baseline_max'], u)}]"
    ratio = f"{r['ratio']:.3g}x" if "ratio" in r else "-"
    out.append(f"| {r['what']} | {fig} | {base} | {ratio} | {r['target']} | {r['load_avg_1m']} |")
import os
notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
if os.path.exists(notes):
    out += ["", open(notes).read().rstrip("\n")]
open(md_out, "w").write("\n".join(out) + "\n")
