#!/usr/bin/python3
"""PyTorch's side of bench/op-speed.sh: microseconds per call of the single operations of a
resnet10-w32 training step at 64 px, batch 32 (the shapes bench/OpBench.java uses), forward alone
(autograd recording) and forward + backward (gradient of ones), eager, float32.

    /usr/bin/python3 bench/torch_ops.py SECONDS_PER_OP [THREADS]
prints: op,shape,fwd_us,fwdbwd_us
"""
import statistics
import sys
import time

import torch
import torch.nn.functional as F


def main():
    seconds = float(sys.argv[1])
    torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)

    def g(*shape):
        return torch.randn(*shape).requires_grad_(True)

    ops = []
    w1 = g(32, 1, 7, 7)
    ops.append(("conv7x7s2", "32x1x64x64", lambda x: F.conv2d(x, w1, None, 2, 3), torch.randn(32, 1, 64, 64)))
    for cin, cout, hw, s in [(32, 32, 16, 1), (32, 64, 16, 2), (64, 64, 8, 1), (64, 128, 8, 2), (128, 128, 4, 1), (128, 256, 4, 2), (256, 256, 2, 1)]:
        w = g(cout, cin, 3, 3)
        ops.append((f"conv3x3s{s}", f"32x{cin}x{hw}x{hw}", lambda x, w=w, s=s: F.conv2d(x, w, None, s, 1), g(32, cin, hw, hw)))
    wd = g(64, 32, 1, 1)
    ops.append(("conv1x1s2", "32x32x16x16", lambda x: F.conv2d(x, wd, None, 2, 0), g(32, 32, 16, 16)))
    for c, hw in [(32, 32), (32, 16), (64, 8), (128, 4), (256, 2)]:
        mean, var, gamma, beta = torch.zeros(c), torch.ones(c), g(c), g(c)
        with torch.no_grad():
            gamma.fill_(1)
            beta.zero_()
        ops.append(("batchnorm_train", f"32x{c}x{hw}x{hw}",
                    lambda x, mean=mean, var=var, gamma=gamma, beta=beta: F.batch_norm(x, mean, var, gamma, beta, True, 0.1, 1e-5), g(32, c, hw, hw)))
    ops.append(("relu", "32x32x32x32", F.relu, g(32, 32, 32, 32)))
    ops.append(("relu", "32x32x16x16", F.relu, g(32, 32, 16, 16)))
    ops.append(("add", "32x32x16x16", lambda x: x + x, g(32, 32, 16, 16)))
    ops.append(("max_pool3x3s2", "32x32x32x32", lambda x: F.max_pool2d(x, 3, 2, 1), g(32, 32, 32, 32)))
    ops.append(("global_avg_pool", "32x256x2x2", lambda x: F.adaptive_avg_pool2d(x, 1).flatten(1), g(32, 256, 2, 2)))
    lw, lb = g(3, 256), g(3)
    ops.append(("linear", "32x256->3", lambda x: F.linear(x, lw, lb), g(32, 256)))

    def time_it(fn):
        for _ in range(10):
            fn()
        slices = []
        for _ in range(5):
            t0 = time.perf_counter()
            n = 0
            while time.perf_counter() - t0 < seconds / 5 or n < 3:
                fn()
                n += 1
            slices.append((time.perf_counter() - t0) * 1e6 / n)
        return statistics.median(slices)

    for name, shape, f, x in ops:
        fwd = time_it(lambda: f(x))

        def both():
            y = f(x)
            y.backward(torch.ones_like(y))
        both_us = time_it(both)
        print(f"{name},{shape},{fwd:.1f},{both_us:.1f}")


if __name__ == "__main__":
    main()
