#!/usr/bin/python3
"""Summarises a round of run.sh (report.py ROUNDDIR): a Markdown table, an SVG chart of machines booted
over time for every stack, and the line `machines N failures F seconds S reference_seconds R`, where R
is the mean of the reference's runs before and after the appliance's.

report.py --rounds OUTDIR: each round's figures and ratio (cold seconds over the reference's), how often
and by how much the appliance took less time, and the final line of run.sh, with the medians."""
import json
import os
import sys
from statistics import median

RUNS = [("reference-first", "dnsmasq + nginx, before", "#ff9896"), ("cold", "appliance, cold cache", "#1f77b4"),
        ("warm", "appliance, warm cache", "#2ca02c"), ("reference", "dnsmasq + nginx, after", "#d62728")]
STEPS = ["dhcp_pxe", "tftp", "dhcp_ipxe", "script", "initrd", "kernel"]


def ms(v):
    return "-" if v is None else f"{v * 1000:.0f}"


def svg(runs, path, n):
    w, h, left, bottom, top, right = 640, 360, 60, 40, 20, 180
    tmax = max((r["summary"]["seconds"] for _, r, _, _ in runs), default=1) or 1
    x = lambda t: left + (w - left - right) * t / tmax
    y = lambda k: h - bottom - (h - bottom - top) * k / max(n, 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">',
             f'<rect width="{w}" height="{h}" fill="white"/>',
             f'<line x1="{left}" y1="{h - bottom}" x2="{w - right}" y2="{h - bottom}" stroke="black"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{h - bottom}" stroke="black"/>',
             f'<text x="{(left + w - right) / 2}" y="{h - 8}" text-anchor="middle">seconds since power-on</text>',
             f'<text x="14" y="{(top + h - bottom) / 2}" transform="rotate(-90 14 {(top + h - bottom) / 2})" '
             f'text-anchor="middle">machines with kernel + initrd</text>']
    for i in range(5):
        t = tmax * i / 4
        k = n * i / 4
        parts.append(f'<text x="{x(t):.1f}" y="{h - bottom + 15}" text-anchor="middle">{t:.0f}</text>')
        parts.append(f'<text x="{left - 5}" y="{y(k) + 4:.1f}" text-anchor="end">{k:.0f}</text>')
    for idx, (_, run, label, color) in enumerate(runs):
        done = sorted(m["done"] for m in run["machines"] if "done" in m and not m["error"])
        pts = [(x(0), y(0))] + [(x(t), y(k + 1)) for k, t in enumerate(done)]
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="'
                     + " ".join(f"{a:.1f},{b:.1f}" for a, b in pts) + '"/>')
        ly = top + 15 + idx * 18
        parts.append(f'<line x1="{w - right + 10}" y1="{ly - 4}" x2="{w - right + 30}" y2="{ly - 4}" stroke="{color}" stroke-width="2"/>')
        parts.append(f'<text x="{w - right + 35}" y="{ly}">{label}</text>')
    parts.append(f'<text x="{left + 5}" y="{top + 5}">N = {n}</text></svg>')
    with open(path, "w") as f:
        f.write("\n".join(parts) + "\n")


def main():
    out = sys.argv[1]
    runs = []
    for key, label, color in RUNS:
        p = os.path.join(out, key + ".json")
        if os.path.exists(p):
            with open(p) as f:
                runs.append((key, json.load(f), label, color))
    proc = {}
    if os.path.exists(os.path.join(out, "appliance-process.json")):
        with open(os.path.join(out, "appliance-process.json")) as f:
            proc = json.load(f)
    n = runs[0][1]["summary"]["machines"]
    lines = [f"N = {n}", "",
             "| stack | failures | seconds | " + " | ".join(f"{s} p50/p99 ms" for s in STEPS) + " |",
             "|---|---|---|" + "---|" * len(STEPS)]
    for _, run, label, _ in runs:
        s = run["summary"]
        lines.append(f"| {label} | {s['failures']} | {s['seconds']:.1f} | "
                     + " | ".join(f"{ms(s['steps'][st]['p50'])}/{ms(s['steps'][st]['p99'])}" for st in STEPS) + " |")
    if proc:
        lines += ["", f"appliance: peak RSS {proc['peak_rss_kb'] / 1024:.0f} MiB, CPU seconds "
                      f"{proc['cpu_cold']:.1f} (cold run), {proc['cpu_warm']:.1f} (warm run)"]
    text = "\n".join(lines)
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(text + "\n")
    print(text)
    svg(runs, os.path.join(out, f"storm-{n}.svg"), n)
    by = {k: r["summary"] for k, r, _, _ in runs}
    cold = by.get("cold", {})
    refs = [by[k]["seconds"] for k in ("reference-first", "reference") if k in by]
    ref = sum(refs) / len(refs) if refs else 0
    if "warm" in by and ref:
        if len(refs) == 2:
            print(f"reference: {refs[0]:.1f} s before the appliance, {refs[1]:.1f} s after, mean {ref:.1f} s")
        print(f"ratio to reference: cold {cold['seconds'] / ref:.2f}, warm {by['warm']['seconds'] / ref:.2f}")
    print(f"machines {n} failures {cold.get('failures', n)} seconds {cold.get('seconds', 0):.1f} "
          f"reference_seconds {ref:.1f}")


def rounds(out):
    dirs = sorted((d for d in os.listdir(out) if d.startswith("round-")), key=lambda d: int(d.split("-")[1]))
    cold, ref, ratios, failures, n = [], [], [], 0, 0
    for d in dirs:
        by = {}
        for key, _, _ in RUNS:
            with open(os.path.join(out, d, key + ".json")) as f:
                by[key] = json.load(f)["summary"]
        n = by["cold"]["machines"]
        failures += by["cold"]["failures"] + by["warm"]["failures"]
        r = (by["reference-first"]["seconds"] + by["reference"]["seconds"]) / 2
        cold.append(by["cold"]["seconds"])
        ref.append(r)
        ratios.append(cold[-1] / r)
        print(f"{d}: machines {n} failures {by['cold']['failures']} seconds {cold[-1]:.1f} reference_seconds {r:.1f} "
              f"ratio {ratios[-1]:.2f} (warm {by['warm']['seconds']:.1f} s, failures {by['warm']['failures']}, "
              f"ratio {by['warm']['seconds'] / r:.2f})")
    print(f"rounds {len(dirs)} appliance_faster {sum(c < r for c, r in zip(cold, ref))} mean_ratio "
          f"{sum(ratios) / len(ratios):.2f} median_ratio {median(ratios):.2f} min_ratio {min(ratios):.2f} "
          f"max_ratio {max(ratios):.2f}")
    print(f"machines {n} failures {failures} seconds {median(cold):.1f} reference_seconds {median(ref):.1f}")


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3) or len(sys.argv) == 3 and sys.argv[1] != "--rounds":
        sys.exit("usage: report.py ROUNDDIR | report.py --rounds OUTDIR")
    if sys.argv[1] == "--rounds":
        rounds(sys.argv[2])
    else:
        main()
