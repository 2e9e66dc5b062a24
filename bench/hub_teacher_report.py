#!/usr/bin/python3
"""Hub teacher against auto, from a study.csv: Markdown tables on stdout.

  /usr/bin/python3 bench/hub_teacher_report.py OUT/study.csv [--hub-teacher NAME]

For each dataset, fraction and method: test macro-F1 mean ± sd over seeds with the Hub teacher
and with `auto`, the paired difference hub minus auto over the seeds both have (mean ± sd, its
95% t interval, and in how many seeds hub is higher), and the validation macro-F1 means (what a
user could have chosen on).  The Hub teacher is every teacher that is not `auto` unless --hub-teacher names one.
Standard library only.
"""

import argparse
import csv
import math
import sys
from collections import defaultdict


def mean_sd(xs):
    xs = [x for x in xs if not math.isnan(x)]
    if not xs:
        return float("nan"), float("nan"), 0
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else 0.0
    return m, sd, len(xs)


def fmt(m, sd, n=None):
    if n == 0 or math.isnan(m):
        return "-"
    return "%.3f ± %.3f" % (m, sd) if n is None else "%.3f ± %.3f (n=%d)" % (m, sd, n)


def signed(m, sd):
    return "-" if math.isnan(m) else "%+.3f ± %.3f" % (m, sd)


# Two-sided 95% quantiles of Student's t for 1..30 degrees of freedom.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def ci95(m, sd, n):
    """95% confidence interval of a paired mean difference (t distribution), as text."""
    if n < 2 or math.isnan(m):
        return "-"
    h = (T975[n - 2] if n - 1 <= len(T975) else 1.96) * sd / math.sqrt(n)
    return "[%+.3f, %+.3f]" % (m - h, m + h)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("csv")
    ap.add_argument("--hub-teacher", help="the teacher column value of the Hub teacher (default: any not 'auto')")
    args = ap.parse_args()
    rows = list(csv.DictReader(open(args.csv, newline="")))
    if not rows:
        sys.exit("hub_teacher_report.py: %s has no rows" % args.csv)
    runs = defaultdict(dict)  # (dataset, fraction, method, kind) -> seed -> row
    hub_names = set()
    for r in rows:
        if r["teacher"] == "auto":
            kind = "auto"
        elif args.hub_teacher is None or r["teacher"] == args.hub_teacher:
            kind = "hub"
            hub_names.add(r["teacher"])
        else:
            continue
        runs[(r["dataset"], float(r["fraction"]), r["method"], kind)][int(r["seed"])] = r
    order = {"random": 0, "single-ws": 1, "ws-ema": 2, "kd": 3, "dual-skd": 4, "teacher": 5}
    keys = sorted({(d, f, m) for (d, f, m, _) in runs}, key=lambda k: (k[0], k[1], order.get(k[2], 9), k[2]))
    print("Hub teacher: %s. Test macro-F1, mean ± sd over seeds; hub - auto paired by seed.\n" % ", ".join(sorted(hub_names)))
    print("| dataset | fraction | method | hub (test) | auto (test) | hub - auto (paired) | 95% CI | hub higher | val hub | val auto |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for d, f, m in keys:
        hub, auto = runs.get((d, f, m, "hub"), {}), runs.get((d, f, m, "auto"), {})
        th = mean_sd([float(r["test_macro_f1"]) for r in hub.values()])
        ta = mean_sd([float(r["test_macro_f1"]) for r in auto.values()])
        seeds = sorted(set(hub) & set(auto))
        diffs = [float(hub[s]["test_macro_f1"]) - float(auto[s]["test_macro_f1"]) for s in seeds]
        dm, dsd, dn = mean_sd(diffs)
        higher = "%d/%d" % (sum(1 for x in diffs if x > 0), len(diffs)) if diffs else "-"
        vh = mean_sd([float(r["val_macro_f1"]) for r in hub.values()])
        va = mean_sd([float(r["val_macro_f1"]) for r in auto.values()])
        print("| %s | %g%% | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            d, f * 100, m, fmt(th[0], th[1], th[2]), fmt(ta[0], ta[1], ta[2]), signed(dm, dsd), ci95(dm, dsd, dn), higher,
            fmt(vh[0], vh[1]), fmt(va[0], va[1])))
    # Method differences within each teacher, paired by seed (what weight selection adds).
    print("\nWithin each teacher, paired by seed (test macro-F1):\n")
    print("| dataset | fraction | teacher | single-ws - random | dual-skd - random | dual-skd - single-ws |")
    print("|---|---|---|---|---|---|")
    for d, f in sorted({(k[0], k[1]) for k in keys}):
        for kind in ("hub", "auto"):
            cells = []
            for a, b in (("single-ws", "random"), ("dual-skd", "random"), ("dual-skd", "single-ws")):
                ra, rb = runs.get((d, f, a, kind), {}), runs.get((d, f, b, kind), {})
                seeds = sorted(set(ra) & set(rb))
                diffs = [float(ra[s]["test_macro_f1"]) - float(rb[s]["test_macro_f1"]) for s in seeds]
                m, sd, n = mean_sd(diffs)
                cells.append("-" if n == 0 else "%s %s (%d/%d higher)" % (signed(m, sd), ci95(m, sd, n), sum(1 for x in diffs if x > 0), n))
            print("| %s | %g%% | %s | %s |" % (d, f * 100, kind, " | ".join(cells)))
    secs = defaultdict(float)
    for r in rows:
        secs[r["teacher"] if r["teacher"] == "auto" else "hub"] += float(r["seconds"])
    print("\nTraining seconds summed over the student runs (study.csv `seconds`; excludes teacher training, "
          "data loading and JVM start): " + ", ".join("%s %.0f s" % kv for kv in sorted(secs.items())))


if __name__ == "__main__":
    main()
