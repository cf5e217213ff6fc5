#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""The figures of docs/performance.md, drawn from the benchmarks' output.

Each run.sh under bench/ saves what it printed under RESULTS (default
build/bench/results); this reads those files and writes one PNG per figure
to OUT (default docs/img). A figure whose input is missing is skipped, with
a note. Needs python3-matplotlib (scripts/install-deps.sh --bench).

    bench/plot.py [--results RESULTS] [--out OUT]
"""
import argparse
import csv
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def table_rows(path):
    """The rows of the Markdown tables in a file, as lists of cell strings."""
    rows = []
    with open(path, encoding="utf-8") as text:
        for line in text:
            line = line.strip()
            if line.startswith("|") and not line.startswith("| ---"):
                rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def number(cell):
    match = re.search(r"-?[0-9]+(\.[0-9]+)?", cell)
    return float(match.group(0)) if match else None


def bars(title, labels, values, unit, out):
    figure, axes = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.2))
    axes.barh(labels[::-1], values[::-1], color="#4c72b0")
    for y, value in enumerate(values[::-1]):
        axes.text(value, y, f" {value:.1f}", va="center")
    axes.set_xlabel(unit)
    axes.set_title(title)
    axes.set_xlim(0, max(values) * 1.2)
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    plt.close(figure)


def startup(results, out):
    """isolate.csv (bench/isolate/run.sh): caller, then medians in µs."""
    with open(os.path.join(results, "isolate.csv"), encoding="utf-8") as text:
        rows = list(csv.DictReader(text))
    row = rows[0]
    labels = ["bare /bin/true", "unshare (namespaces only)", "moat run", "bwrap --unshare-all"]
    keys = ["bare_us", "unshare_us", "moat_us", "bwrap_us"]
    bars(f"Start-up of /bin/true with new namespaces ({row['caller']})", labels,
         [float(row[key]) for key in keys], "median, µs", out)


def broker(results, out):
    """notify_cost.txt (bench/supervise/run.sh): the latency table."""
    wanted = {
        "openat, direct (no sandbox)": "openat, direct",
        "getpgid, notify round trip, SYNC_WAKE_UP": "notify round trip",
        "openat, brokered, SYNC_WAKE_UP": "openat, brokered",
        "openat, brokered, no SYNC_WAKE_UP": "openat, brokered, no SYNC_WAKE_UP",
    }
    found = {}
    for row in table_rows(os.path.join(results, "notify_cost.txt")):
        if row[0] in wanted and len(row) > 1:
            found[wanted[row[0]]] = number(row[1])
    labels = [label for label in wanted.values() if label in found]
    bars("Brokered openat against a direct one", labels, [found[label] for label in labels],
         "median, µs", out)


def throughput(results, out):
    """scale.csv (bench/supervise/scale): calls/s by sandboxes and threads."""
    series = {}
    with open(os.path.join(results, "scale.csv"), encoding="utf-8") as text:
        for row in csv.DictReader(line for line in text if not line.startswith("#")):
            series.setdefault(int(row["threads"]), []).append(
                (int(row["sandboxes"]), float(row["calls_per_second"]),
                 float(row["heap_bytes_per_sandbox"])))
    figure, axes = plt.subplots(figsize=(7, 4))
    for threads, points in sorted(series.items()):
        points.sort()
        name = "one serving thread" if threads == 1 else f"{threads} serving threads (one per CPU)"
        axes.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
    axes.set_xscale("log")
    axes.set_xlabel("busy sandboxes on one supervisor")
    axes.set_ylabel("notified calls per second")
    axes.set_ylim(bottom=0)
    axes.set_title("Supervisor throughput")
    axes.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    plt.close(figure)


def filters(results, out):
    """seccomp.txt (bench/seccomp/run.sh): instructions per syscall by rules."""
    points = []
    for row in table_rows(os.path.join(results, "seccomp.txt")):
        if len(row) == 5 and row[0].isdigit():
            worst = [int(cell.split(",")[1]) for cell in row[2:5]]
            points.append((int(row[0]), *worst))
    points.sort()
    figure, axes = plt.subplots(figsize=(7, 4))
    for index, name in enumerate(["moat", "libseccomp", "libseccomp, binary tree"], start=1):
        axes.plot([p[0] for p in points], [p[index] for p in points], marker="o", label=name)
    axes.set_xlabel("allow rules in the policy")
    axes.set_ylabel("BPF instructions run, worst syscall")
    axes.set_title("Filter cost against libseccomp")
    axes.legend()
    figure.tight_layout()
    figure.savefig(out, dpi=100)
    plt.close(figure)


FIGURES = [
    ("startup.png", startup),
    ("broker.png", broker),
    ("throughput.png", throughput),
    ("filter.png", filters),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=os.path.join(here, "..", "build", "bench", "results"))
    parser.add_argument("--out", default=os.path.join(here, "..", "docs", "img"))
    arguments = parser.parse_args()
    os.makedirs(arguments.out, exist_ok=True)
    drawn = 0
    for name, draw in FIGURES:
        try:
            draw(arguments.results, os.path.join(arguments.out, name))
            print(f"wrote {os.path.join(arguments.out, name)}")
            drawn += 1
        except FileNotFoundError as missing:
            print(f"skipped {name}: {missing.filename} is missing", file=sys.stderr)
    return 0 if drawn else 1


if __name__ == "__main__":
    sys.exit(main())
