#!/usr/bin/python3
"""Bar chart of bench/speed.sh's ratios (DuoDistill / PyTorch images per second), one bar per measurement."""
import csv
import sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

rows = list(csv.DictReader(open(sys.argv[1])))
labels = [f"{r['arch']} {r['size']}px {r['kind']}" for r in rows]
ratios = [float(r["ratio"]) for r in rows]
fig, ax = plt.subplots(figsize=(8, 0.32 * len(rows) + 1.2))
ax.barh(range(len(rows)), ratios, color=["#2a7" if v >= 0.95 else "#c53" for v in ratios])
ax.axvline(1.0, color="black", linewidth=0.8)
ax.axvline(0.95, color="grey", linestyle="--", linewidth=0.8)
ax.set_yticks(range(len(rows)))
ax.set_yticklabels(labels, fontsize=8)
ax.invert_yaxis()
ax.set_xlabel("DuoDistill / PyTorch eager, images per second (batch 32, 2 threads)")
for i, v in enumerate(ratios):
    ax.text(v + 0.01, i, f"{v:.2f}", va="center", fontsize=7)
fig.tight_layout()
fig.savefig(sys.argv[2], dpi=110)
