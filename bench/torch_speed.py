#!/usr/bin/python3
"""PyTorch's side of bench/speed.sh: images per second of the same training step (forward, CE with
label smoothing 0.1 (+ KD at T=4), backward, AdamW lr 1e-4 wd 0.05 on >1-D tensors), dual-skd
step (EMA teacher forward in train mode without statistics update, KD, student step, EMA update)
and inference, on a fixed random batch, eager mode, float32, the same threads. Networks: the
reference modules of scripts/ (torchvision's ResNet layout, timm's ViT and ConvNeXt layouts).

    /usr/bin/python3 bench/torch_speed.py train|skd|infer ARCH SIZE BATCH SECONDS [THREADS]
prints: pytorch,KIND,ARCH,SIZE,BATCH,images_per_second,steps; with PROFILE=FILE in the environment
it writes the autograd profiler's Chrome trace of PROFILE_STEPS (20) steps instead.
"""
import copy
import os
import re
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_reference_fixtures as rref  # noqa: E402
import make_vit_convnext_fixtures as vref  # noqa: E402

RESNET = {10: [1, 1, 1, 1], 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3]}
VIT = {"tiny": (192, 3), "small": (384, 6), "base": (768, 12)}
CONVNEXT = {"convnext_femto": ([2, 2, 6, 2], [48, 96, 192, 384]), "convnext_tiny": ([3, 3, 9, 3], [96, 192, 384, 768])}


def build(arch, size):
    m = re.fullmatch(r"resnet(\d+)(?:-w(\d+))?", arch)
    if m:
        d = int(m.group(1))
        return rref.build({"block": "bottleneck" if d == 50 else "basic", "depths": RESNET[d], "width": int(m.group(2) or 64),
                           "in_chans": 1, "num_classes": 3})
    m = re.fullmatch(r"vit_(tiny|small|base)_patch(\d+)_(\d+)", arch)
    if m:
        dim, heads = VIT[m.group(1)]
        return vref.ViT({"embed_dim": dim, "depth": 12, "heads": heads, "mlp_hidden": 4 * dim, "patch_size": int(m.group(2)),
                         "image_size": size, "in_channels": 1, "num_classes": 3})
    depths, dims = CONVNEXT[arch]
    return vref.ConvNeXt({"depths": depths, "dims": dims, "in_channels": 1, "num_classes": 3})


def main():
    kind, arch, size, batch, seconds = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    threads = int(sys.argv[6]) if len(sys.argv) > 6 else 2
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    torch.manual_seed(1)
    model = build(arch, size)
    x = torch.randn(batch, 1, size, size)
    y = torch.arange(batch) % 3
    decay = [p for p in model.parameters() if p.dim() > 1]
    no_decay = [p for p in model.parameters() if p.dim() <= 1]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}], lr=1e-4)
    ema = copy.deepcopy(model)
    for p in ema.parameters():
        p.requires_grad_(False)

    def train_step(teacher_logits=None):
        model.train()
        logits = model(x)
        loss = F.cross_entropy(logits, y, label_smoothing=0.1)
        if teacher_logits is not None:
            loss = loss + 16.0 * F.kl_div(F.log_softmax(logits / 4, 1), F.softmax(teacher_logits / 4, 1), reduction="batchmean")
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()

    def skd_step():
        with torch.no_grad():
            ema.train()
            for mod in ema.modules():
                if isinstance(mod, torch.nn.BatchNorm2d):
                    mod.track_running_stats = False
            t = ema(x)
        train_step(t)
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(0.996).add_(pm, alpha=0.004)

    def infer_step():
        model.eval()
        with torch.no_grad():
            model(x).softmax(1).numpy()

    step = {"train": train_step, "skd": skd_step, "infer": infer_step}[kind]
    for _ in range(3):
        step()
    if os.environ.get("PROFILE"):
        # the autograd profiler over a few steps: every operation's time, for bench/compare_profiles.py
        for _ in range(5):
            step()
        with torch.autograd.profiler.profile() as prof:
            for _ in range(int(os.environ.get("PROFILE_STEPS", "20"))):
                step()
        prof.export_chrome_trace(os.environ["PROFILE"])
        return
    t0 = time.perf_counter()
    steps = 0
    while time.perf_counter() - t0 < seconds or steps < 3:
        step()
        steps += 1
    elapsed = time.perf_counter() - t0
    print(f"pytorch,{kind},{arch},{size},{batch},{steps * batch / elapsed:.2f},{steps}")


if __name__ == "__main__":
    main()
