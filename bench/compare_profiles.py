#!/usr/bin/python3
"""Per-operation time of one training step in two profiler traces (Chrome trace JSON): libtorch's
profiler as DJL starts it (bench/SpeedBench.java -Dprofile=) and PyTorch's autograd profiler
(bench/torch_speed.py with PROFILE=). For each operation name: its self time (its span less the
spans of the operations it calls) in microseconds per step on each side, and the difference; plus
the step's span and the time between top-level operations (the framework's own code: Java and DJL,
or Python). Names are libtorch's (aten::..., autograd::engine::evaluate_function: ...), the same on
both sides, so a row compares one kernel across the two libtorch versions.

    /usr/bin/python3 bench/compare_profiles.py OURS.json STEPS_OURS THEIRS.json STEPS_THEIRS [OUT.csv]
"""
import collections
import csv
import json
import sys


def events(path):
    with open(path) as f:
        data = json.load(f)
    items = data["traceEvents"] if isinstance(data, dict) else data
    out = []
    for e in items:
        if e.get("ph") != "X" or "dur" not in e:
            continue
        # kernels launched on devices and Python frames are not CPU operations
        if e.get("cat") not in (None, "cpu_op", "CPU", "Operator", "user_annotation", "cpu_instant_event"):
            continue
        if e.get("cat") == "user_annotation" and str(e.get("name", "")).startswith("ProfilerStep"):
            continue
        out.append((e.get("pid"), e.get("tid"), float(e["ts"]), float(e["dur"]), e["name"]))
    return out


def self_times(path, steps):
    """Self time per name (us per step), the busiest thread's span per step, its root operations' time per step."""
    by_thread = collections.defaultdict(list)
    for pid, tid, ts, dur, name in events(path):
        by_thread[(pid, tid)].append((ts, dur, name))
    selfs = collections.Counter()
    calls = collections.Counter()
    main_span, main_roots = 0.0, 0.0
    for key, evs in by_thread.items():
        evs.sort(key=lambda e: (e[0], -e[1]))
        stack = []  # [end, name, child time]
        roots = 0.0
        first, last = None, None

        def close(item):
            end, name, child, dur = item
            selfs[name] += dur - child

        for ts, dur, name in evs:
            while stack and ts >= stack[-1][0] - 1e-3:
                close(stack.pop())
            if stack:
                stack[-1][2] += dur
            else:
                roots += dur
            stack.append([ts + dur, name, 0.0, dur])
            calls[name] += 1
            first = ts if first is None else min(first, ts)
            last = ts + dur if last is None else max(last, ts + dur)
        while stack:
            close(stack.pop())
        if first is not None and roots > main_roots:
            main_roots, main_span = roots, last - first
    return ({k: v / steps for k, v in selfs.items()}, {k: v / steps for k, v in calls.items()}, main_span / steps, main_roots / steps)


def main():
    ours, n_ours, theirs, n_theirs = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    out = sys.argv[5] if len(sys.argv) > 5 else None
    a, ca, span_a, roots_a = self_times(ours, n_ours)
    b, cb, span_b, roots_b = self_times(theirs, n_theirs)
    names = sorted(set(a) | set(b), key=lambda k: -(abs(a.get(k, 0) - b.get(k, 0))))
    rows = [("step span (busiest thread)", span_a, span_b), ("top-level operations", roots_a, roots_b),
            ("between top-level operations (framework code)", span_a - roots_a, span_b - roots_b)]
    rows += [(k, a.get(k, 0.0), b.get(k, 0.0)) for k in names]
    w = csv.writer(open(out, "w", newline="") if out else sys.stdout)
    w.writerow(["operation", "duodistill_us_per_step", "pytorch_us_per_step", "difference_us", "duodistill_calls_per_step", "pytorch_calls_per_step"])
    for k, x, y in rows:
        w.writerow([k, f"{x:.1f}", f"{y:.1f}", f"{x - y:.1f}", f"{ca.get(k, 0):.1f}", f"{cb.get(k, 0):.1f}"])


if __name__ == "__main__":
    main()
