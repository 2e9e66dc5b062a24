#!/usr/bin/env python3
"""Writes the PyTorch reference fixtures under src/test/resources/fixtures/resnet/.

Independent reference for the Java code:
  * a torchvision-compatible ResNet (same parameter/buffer names) built here from plain
    torch.nn, used for forward-pass references (eval and train mode);
  * a from-spec implementation of weight selection (Xu et al., "Initializing Models with
    Larger Ones"): first-N block selection per stage plus per-axis element selection.

Needs only torch and numpy (no torchvision, no safetensors package: the safetensors
writer is below). Deterministic: every random draw comes from torch.manual_seed.

Run from the repository root:
    OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_reference_fixtures.py
Optional: --out DIR (default src/test/resources/fixtures/resnet).
"""

import argparse
import copy
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn

SEED = 20240611
BN_EPS = 1e-5


# ---------------------------------------------------------------------------------------------
# ResNet with torchvision's names (torchvision.models.resnet layout, v1.5 bottleneck)
# ---------------------------------------------------------------------------------------------

def conv3x3(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=3, stride=stride, padding=1, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, kernel_size=1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv3x3(cin, planes, stride)
        self.bn1 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    """torchvision v1.5: the stride sits on the 3x3 conv."""
    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = conv1x1(cin, planes)
        self.bn1 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.conv2 = conv3x3(planes, planes, stride)
        self.bn2 = nn.BatchNorm2d(planes, eps=BN_EPS)
        self.conv3 = conv1x1(planes, planes * self.expansion)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):
    def __init__(self, block, depths, width, in_chans, num_classes):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(in_chans, width, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width, eps=BN_EPS)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        widths = [width, 2 * width, 4 * width, 8 * width]
        self.layer1 = self._make_layer(block, widths[0], depths[0], 1)
        self.layer2 = self._make_layer(block, widths[1], depths[1], 2)
        self.layer3 = self._make_layer(block, widths[2], depths[2], 2)
        self.layer4 = self._make_layer(block, widths[3], depths[3], 2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3] * block.expansion, num_classes)

    def _make_layer(self, block, planes, depth, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(
                conv1x1(self.inplanes, planes * block.expansion, stride),
                nn.BatchNorm2d(planes * block.expansion, eps=BN_EPS))
        layers = [block(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * block.expansion
        for _ in range(1, depth):
            layers.append(block(self.inplanes, planes))
        return nn.Sequential(*layers)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        x = torch.flatten(self.avgpool(x), 1)
        return self.fc(x)


BLOCKS = {"basic": BasicBlock, "bottleneck": Bottleneck}


def build(cfg):
    return ResNet(BLOCKS[cfg["block"]], cfg["depths"], cfg["width"], cfg["in_chans"], cfg["num_classes"])


def randomize(model):
    """Random weights everywhere, including BN affine params and running statistics."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
                m.weight.normal_(0.0, (2.0 / fan_in) ** 0.5)
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0.0, 0.1)
                m.running_mean.normal_(0.0, 0.2)
                m.running_var.uniform_(0.5, 2.0)  # strictly positive
            elif isinstance(m, nn.Linear):
                m.weight.normal_(0.0, (1.0 / m.weight.shape[1]) ** 0.5)
                m.bias.normal_(0.0, 0.1)


def exported_state(model):
    """state_dict order, float32, without num_batches_tracked."""
    return {k: v.detach().to(torch.float32).contiguous().clone()
            for k, v in model.state_dict().items() if not k.endswith("num_batches_tracked")}


# ---------------------------------------------------------------------------------------------
# safetensors writer (no dependency on the safetensors package)
# ---------------------------------------------------------------------------------------------

def write_safetensors(path, tensors, metadata):
    header = {}
    chunks = []
    offset = 0
    for name, t in tensors.items():
        arr = t.detach().cpu().to(torch.float32).contiguous().numpy()
        data = arr.astype("<f4", copy=False).tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    hb = json.dumps(header, separators=(",", ":")).encode("utf-8")
    hb += b" " * ((8 - len(hb) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(hb)))
        f.write(hb)
        for c in chunks:
            f.write(c)


def read_safetensors(path):
    """Round-trip check of the writer."""
    with open(path, "rb") as f:
        raw = f.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        arr = np.frombuffer(raw[8 + n + b:8 + n + e], dtype="<f4").reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


# ---------------------------------------------------------------------------------------------
# Weight selection (from the spec; not copied from any implementation)
# ---------------------------------------------------------------------------------------------

def round_half_up_div(num, den):
    """floor(num/den + 1/2) in exact integer arithmetic (num >= 0, den > 0)."""
    return (2 * num + den) // (2 * den)


def select_indices(tn, sn, selector, offset):
    """Indices (into a teacher axis of length tn) kept for a student axis of length sn."""
    if sn > tn:
        raise ValueError(f"student axis {sn} longer than teacher axis {tn}")
    if sn == tn:
        return list(range(tn))  # equal lengths: copy whole, regardless of selector/offset
    if selector == "consecutive":
        if offset + sn > tn:
            raise ValueError(f"consecutive({offset}) does not fit {sn} into {tn}")
        return [offset + i for i in range(sn)]
    if selector == "uniform":
        if tn % sn == 0:
            step = tn // sn
            return [min(offset + i * step, tn - 1) for i in range(sn)]
        # uneven (sn >= 2 here, since sn == 1 always divides tn):
        # floor(i*(tn-1)/(sn-1) + 0.5) + offset, capped at tn-sn+i: stays in range and strictly increasing
        return [min(round_half_up_div(i * (tn - 1), sn - 1) + offset, tn - sn + i) for i in range(sn)]
    raise ValueError(selector)


def centre_crop_indices(tk, sk):
    if sk > tk or (tk - sk) % 2 != 0:
        raise ValueError(f"cannot centre-crop kernel {tk} to {sk}")
    start = (tk - sk) // 2
    return list(range(start, start + sk))


def select_tensor(name, teacher, student_shape, selector, offset):
    t = teacher
    if len(student_shape) != t.dim():
        raise ValueError(f"{name}: rank mismatch {tuple(t.shape)} vs {tuple(student_shape)}")
    for axis, sn in enumerate(student_shape):
        tn = t.shape[axis]
        if t.dim() == 4 and axis >= 2:
            idx = list(range(tn)) if sn == tn else centre_crop_indices(tn, sn)
        else:
            idx = select_indices(tn, sn, selector, offset)
        t = t.index_select(axis, torch.tensor(idx, dtype=torch.long))
    # cross-check the divisible uniform case against plain strided slicing
    if selector == "uniform" and teacher.dim() in (1, 4) and all(
            a % b == 0 and offset < a // b for a, b in zip(teacher.shape[:2], student_shape[:2])):
        ref = teacher
        for axis in range(min(teacher.dim(), 2)):
            step = ref.shape[axis] // student_shape[axis]
            sl = [slice(None)] * ref.dim()
            sl[axis] = slice(0, None, 1) if step == 1 else slice(offset, None, step)
            ref = ref[tuple(sl)]
        assert torch.equal(ref, t), name
    return t.contiguous()


def weight_select(teacher_state, student_model, selector, offset):
    """First-N blocks per stage => identical names; fc.* never selected (left out)."""
    out = {}
    for name, s in exported_state(student_model).items():
        if name.startswith("fc."):
            continue
        if name not in teacher_state:
            raise KeyError(f"teacher has no {name}")
        out[name] = select_tensor(name, teacher_state[name], tuple(s.shape), selector, offset)
    return out


def axis_report(teacher_state, student_model):
    """Set of (tn, sn) pairs over the selected (non-kernel) axes."""
    pairs = set()
    for name, s in exported_state(student_model).items():
        if name.startswith("fc."):
            continue
        t = teacher_state[name]
        for axis in range(min(t.dim(), 2)):
            pairs.add((t.shape[axis], s.shape[axis]))
    return sorted(pairs)


def family_table(columns):
    """columns: list of (header, state dict). One row per module, teacher order."""
    modules = []
    for _, st in columns:
        for k in st:
            mod = k.rsplit(".", 1)[0]
            if mod not in modules:
                modules.append(mod)
    lines = ["| module | " + " | ".join(h for h, _ in columns) + " |",
             "|---|" + "---|" * len(columns)]
    for mod in modules:
        cells = []
        for _, st in columns:
            if mod + ".running_mean" in st:
                cells.append(f"BN {list(st[mod + '.weight'].shape)}")
            elif mod + ".weight" in st:
                c = str(list(st[mod + ".weight"].shape))
                if mod + ".bias" in st:
                    c += f" + bias {list(st[mod + '.bias'].shape)}"
                cells.append(c)
            else:
                cells.append("—")
        lines.append(f"| `{mod}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


README_HEAD = """# ResNet reference fixtures (PyTorch)

Generated by `scripts/make_reference_fixtures.py` with Debian's python3-torch ({torch_version}),
no torchvision and no safetensors package (the safetensors writer is in the script). Exact command,
run from the repository root:

    OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_reference_fixtures.py

Deterministic: `torch.manual_seed({seed})`, `torch.use_deterministic_algorithms(True)`, mkldnn off.
The script regenerates every file here, including this README. It is an independent reference for
(1) the Java ResNet forward pass / checkpoint import and (2) the Java weight selection.

## Files

| file | contents |
|---|---|
| `teacher_basic.safetensors` | teacher A: basic blocks, depths [2,2,2,2], width 16, in_chans 1, 5 classes. Every tensor random, incl. BN weight/bias/running_mean/running_var (var in [0.5,2]). No `num_batches_tracked`. |
| `teacher_basic.npz` | the same tensors as `teacher_basic.safetensors` (`numpy.savez`, uncompressed, float32, keys = the same names) |
| `teacher_basic_input.safetensors` | `input` [2,1,32,32] (standard normal); `logits_eval` [2,5] = `model.eval()(input)`; `logits_train` [2,5] = output in train mode (batch statistics, biased batch variance) computed on a deep copy, so the saved running stats are the pre-forward ones |
| `teacher_bottleneck.safetensors` | teacher B: bottleneck (torchvision v1.5: 1x1 -> 3x3 with the stride -> 1x1 x4), depths [2,1,2,1], width 8, in_chans 3, 4 classes; randomised like A; no `num_batches_tracked` |
| `teacher_bottleneck_input.safetensors` | `input` [2,3,32,32]; `logits_eval` [2,4] = `model.eval()(input)` |
| `student_uniform0.safetensors` | weight selection from A into basic [1,1,1,1], width 8, in_chans 1, selector uniform(0) |
| `student_uniform1.safetensors` | same, uniform(1) |
| `student_consecutive0.safetensors` | same, consecutive(0) |
| `student_w6_uniform0.safetensors` | from A into basic [1,1,1,1], **width 6** (uneven axes 16->6, 32->12, 64->24, 128->48), uniform(0) |
| `student_w6_uniform1.safetensors` | same, uniform(1) (exercises the clamp: 16->6 gives ..., 13, 15) |
| `student_bottleneck_uniform1.safetensors` | from B into bottleneck [1,1,1,1], width 4, in_chans 3, uniform(1) |
| `selection_indices.json` | index lists of the per-axis selector for many (teacher_len, student_len, selector, offset) cases, incl. uneven ones and rounding ties (e.g. 10->3, 14->5) |

All tensors are F32, little-endian; tensor order in each header is PyTorch's `state_dict` order.
Every safetensors file has a `__metadata__` map of strings (block, depths as JSON, width, in_chans,
num_classes, bn_eps, seed, role, and for students teacher/selector). Header padded with spaces to a
multiple of 8.

## Model (names exactly as torchvision's ResNet)

`conv1` (7x7, stride 2, pad 3, no bias) -> `bn1` -> ReLU -> maxpool 3x3/2 pad 1 -> `layer1..layer4`
(widths w, 2w, 4w, 8w; stride 1, 2, 2, 2 on block 0) -> global average pool -> `fc`. Block names:
basic `layerS.i.conv1/bn1/conv2/bn2`, bottleneck also `conv3/bn3`; `layerS.0.downsample.0` (1x1 conv,
stride s, no bias) and `layerS.0.downsample.1` (BN) exist whenever stride != 1 or
in_channels != planes * expansion. All convs have no bias; BN eps = 1e-5. So in teacher A `layer1.0`
has no downsample; in teacher B `layer1.0` does (8 -> 32 channels).

Precision: re-running the float32 forward in float64 changes `logits_eval` by about 5e-6 and
`logits_train` by about 1.2e-5 (logits are up to ~11 in magnitude); atol 1e-4 with rtol 1e-4 is a safe
comparison. In train mode, layer4 sees 1x1 spatial maps and batch 2, so every BN there normalises
over 2 values per channel (smallest batch variance ~2.6e-7, well below eps, so still well-conditioned).

## Weight selection rules implemented (from the spec, not from any repository)

* Layer selection: first N blocks of each stage (student `layerS.i` <- teacher `layerS.i`, i < student depth).
  Student and teacher names therefore coincide for every selected tensor.
* `fc.*` is never selected: it is absent from the student files (the student head keeps its own init).
* Element selection per axis (conv weight axes 0 and 1; the single axis of BN weight/bias/running_mean/
  running_var), the index set depending only on (T = teacher length, S = student length, selector):
  * T == S: all indices (whatever the selector/offset).
  * `uniform(o)`, T % S == 0: `min(o + i*T/S, T-1)` for i in 0..S-1.
  * `uniform(o)`, T % S != 0: `min(floor(i*(T-1)/(S-1) + 0.5) + o, T-S+i)` — round half **up**
    (like Java's `Math.round` for non-negative values, not Python's banker's `round`), computed exactly in
    integers as `(2*i*(T-1) + (S-1)) // (2*(S-1))`. The cap T-S+i keeps the indices in range and strictly increasing.
  * `consecutive(o)`: `o + i` (error if o + S > T).
  * Conv kernel axes (dims 2, 3) are never subsampled: copied whole (centre crop if the student kernel
    were smaller; never the case here).
* Nothing is rescaled. BN running statistics are selected like the affine parameters. `num_batches_tracked`
  is not written.

Uneven axes only occur in the `student_w6_*` files (and in `selection_indices.json`); all the width-8
basic and width-4 bottleneck students divide evenly. The uneven index lists used there are:

{uneven_lists}

Ties (fraction exactly .5) cannot occur for S = 6, 12, 24, 48 (S-1 is odd), so round-half-up vs. other
rounding rules is only exercised by `selection_indices.json`. Its uneven cases where round-half-up
differs from round-half-to-even (Python's `round`, numpy's `rint`), uniform(0):

{tie_lists}

## Parameter counts

`nn.Module.parameters()` of each model (BN running buffers not counted; the value count of each file is
in the sections below):

| model | parameters |
|---|---|
{param_rows}

Selected (teacher_len, student_len) axis pairs per student file:

{axis_rows}

## File sizes (bytes)

| file | bytes |
|---|---|
{size_rows}

## Tensor names and shapes

Basic family (BN = weight, bias, running_mean, running_var, each of the given shape; — = absent):

{basic_table}

Bottleneck family:

{bottleneck_table}

## Per-file tensor counts

{file_counts}
"""


def tie_lists():
    out = []
    for tn, sn in [(4, 3), (8, 3), (10, 3), (14, 5), (16, 5), (18, 7), (100, 3)]:
        ours = select_indices(tn, sn, "uniform", 0)
        even = [round(i * (tn - 1) / (sn - 1)) for i in range(sn)]
        if ours != even:
            out.append(f"* {tn}->{sn}: `{ours}` (half-to-even would give `{even}`)")
    return out


def write_readme(path, param_counts, axis_pairs, file_counts, sizes, basic_table, bottleneck_table,
                 uneven_lists):
    text = README_HEAD.format(
        torch_version=torch.__version__, seed=SEED,
        uneven_lists="\n".join(uneven_lists), tie_lists="\n".join(tie_lists()),
        param_rows="\n".join(f"| {k} | {v} |" for k, v in param_counts.items()),
        axis_rows="\n".join(f"* `{k}`: {', '.join(f'{a}->{b}' for a, b in v)}" for k, v in axis_pairs.items()),
        size_rows="\n".join(f"| `{k}` | {v} |" for k, v in sizes.items()) +
                  f"\n| total (without README) | {sum(sizes.values())} |",
        basic_table=basic_table, bottleneck_table=bottleneck_table,
        file_counts="\n".join(file_counts))
    with open(path, "w") as f:
        f.write(text)


# ---------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------

def cfg_meta(cfg, **extra):
    m = {"block": cfg["block"], "depths": json.dumps(cfg["depths"]), "width": cfg["width"],
         "in_chans": cfg["in_chans"], "num_classes": cfg["num_classes"], "bn_eps": BN_EPS,
         "generator": "scripts/make_reference_fixtures.py", "seed": SEED,
         "torch_version": torch.__version__}
    m.update(extra)
    return m


def describe(fname, tensors, lines):
    total = sum(t.numel() for t in tensors.values())
    lines.append(f"* `{fname}`: {len(tensors)} tensors, {total} float32 values")
    print(f"{fname}: {len(tensors)} tensors, {total} values")
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="src/test/resources/fixtures/resnet")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.backends.mkldnn.enabled = False  # plain CPU kernels

    files = {}  # fname -> (tensors, metadata)
    param_counts = {}

    def model_params(m):
        return sum(p.numel() for p in m.parameters())

    # (a) + (b): basic teacher
    tb_cfg = {"block": "basic", "depths": [2, 2, 2, 2], "width": 16, "in_chans": 1, "num_classes": 5}
    teacher_b = build(tb_cfg)
    randomize(teacher_b)
    teacher_b.eval()
    tb_state = exported_state(teacher_b)
    param_counts["teacher_basic"] = model_params(teacher_b)
    files["teacher_basic.safetensors"] = (tb_state, cfg_meta(tb_cfg, role="teacher"))

    x_b = torch.randn(2, 1, 32, 32)
    with torch.no_grad():
        logits_eval = teacher_b(x_b)
        train_copy = copy.deepcopy(teacher_b).train()
        logits_train = train_copy(x_b)
    files["teacher_basic_input.safetensors"] = (
        {"input": x_b, "logits_eval": logits_eval, "logits_train": logits_train},
        {"model": "teacher_basic.safetensors",
         "logits_eval": "model.eval()(input)",
         "logits_train": "model.train()(input) on a deep copy (batch statistics, biased variance "
                         "for normalisation); saved running stats are the pre-forward ones",
         "generator": "scripts/make_reference_fixtures.py", "seed": SEED})

    # (c): bottleneck teacher
    tk_cfg = {"block": "bottleneck", "depths": [2, 1, 2, 1], "width": 8, "in_chans": 3, "num_classes": 4}
    teacher_k = build(tk_cfg)
    randomize(teacher_k)
    teacher_k.eval()
    tk_state = exported_state(teacher_k)
    param_counts["teacher_bottleneck"] = model_params(teacher_k)
    files["teacher_bottleneck.safetensors"] = (tk_state, cfg_meta(tk_cfg, role="teacher"))
    x_k = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        logits_k = teacher_k(x_k)
    files["teacher_bottleneck_input.safetensors"] = (
        {"input": x_k, "logits_eval": logits_k},
        {"model": "teacher_bottleneck.safetensors", "logits_eval": "model.eval()(input)",
         "generator": "scripts/make_reference_fixtures.py", "seed": SEED})

    # (2): weight selection
    students = [
        ("student_uniform0.safetensors", "teacher_basic.safetensors", tb_state,
         {"block": "basic", "depths": [1, 1, 1, 1], "width": 8, "in_chans": 1, "num_classes": 5}, "uniform", 0),
        ("student_uniform1.safetensors", "teacher_basic.safetensors", tb_state,
         {"block": "basic", "depths": [1, 1, 1, 1], "width": 8, "in_chans": 1, "num_classes": 5}, "uniform", 1),
        ("student_consecutive0.safetensors", "teacher_basic.safetensors", tb_state,
         {"block": "basic", "depths": [1, 1, 1, 1], "width": 8, "in_chans": 1, "num_classes": 5}, "consecutive", 0),
        ("student_w6_uniform0.safetensors", "teacher_basic.safetensors", tb_state,
         {"block": "basic", "depths": [1, 1, 1, 1], "width": 6, "in_chans": 1, "num_classes": 5}, "uniform", 0),
        ("student_w6_uniform1.safetensors", "teacher_basic.safetensors", tb_state,
         {"block": "basic", "depths": [1, 1, 1, 1], "width": 6, "in_chans": 1, "num_classes": 5}, "uniform", 1),
        ("student_bottleneck_uniform1.safetensors", "teacher_bottleneck.safetensors", tk_state,
         {"block": "bottleneck", "depths": [1, 1, 1, 1], "width": 4, "in_chans": 3, "num_classes": 4}, "uniform", 1),
    ]
    axis_pairs = {}
    for fname, tname, tstate, scfg, sel, off in students:
        smodel = build(scfg)  # only its shapes are used
        sel_state = weight_select(tstate, smodel, sel, off)
        pairs = axis_report(tstate, smodel)
        axis_pairs[fname] = pairs
        key = fname.replace(".safetensors", "")
        param_counts[key + " (student model incl. fc)"] = model_params(smodel)
        files[fname] = (sel_state, cfg_meta(scfg, role="student", teacher=tname,
                                            selector=f"{sel}({off})", layer_selection="first-N per stage",
                                            head="fc.* not selected (absent)"))

    # index tables for unit tests of the selector alone
    cases = [(16, 8), (32, 16), (8, 4), (32, 16), (3, 3), (1, 1), (16, 6), (32, 12), (64, 24),
             (128, 48), (6, 3), (10, 4), (16, 5), (7, 7), (12, 5), (5, 2), (9, 6),
             (10, 3), (14, 5), (4, 3), (8, 3), (18, 7), (100, 3)]
    seen = set()
    index_table = []
    for tn, sn in cases:
        if (tn, sn) in seen:
            continue
        seen.add((tn, sn))
        for sel, off in [("uniform", 0), ("uniform", 1), ("consecutive", 0)]:
            index_table.append({"teacher_len": tn, "student_len": sn, "selector": sel, "offset": off,
                                "indices": select_indices(tn, sn, sel, off)})

    # write + verify
    readme_tables = []
    for fname, (tensors, meta) in files.items():
        path = os.path.join(args.out, fname)
        write_safetensors(path, tensors, meta)
        back, _ = read_safetensors(path)
        assert list(back.keys()) == list(tensors.keys())
        for k in tensors:
            assert torch.equal(back[k], tensors[k].to(torch.float32)), (fname, k)
        describe(fname, tensors, readme_tables)
    np.savez(os.path.join(args.out, "teacher_basic.npz"),
             **{k: v.numpy().astype(np.float32) for k, v in tb_state.items()})
    with open(os.path.join(args.out, "selection_indices.json"), "w") as f:
        json.dump({"rounding": "uneven uniform: floor(i*(T-1)/(S-1) + 0.5) + offset, capped at T-S+i "
                               "(exact integer arithmetic); divisible: min(offset + i*T/S, T-1); "
                               "equal lengths: all indices",
                   "cases": index_table}, f, indent=1)
        f.write("\n")

    # sanity: the selected student with the teacher head removed loads into the student model
    for fname, _, _, scfg, _, _ in students:
        sm = build(scfg)
        missing, unexpected = sm.load_state_dict(files[fname][0], strict=False)
        assert not unexpected, unexpected
        assert all(k.startswith("fc.") or k.endswith("num_batches_tracked") for k in missing), missing

    print("parameter counts (nn.Module.parameters(), buffers excluded):")
    for k, v in param_counts.items():
        print(f"  {k}: {v}")
    print("selected-axis (teacher_len, student_len) pairs:")
    for k, v in axis_pairs.items():
        uneven = [p for p in v if p[0] != p[1] and p[0] % p[1] != 0]
        print(f"  {k}: {v}  uneven={uneven}")
    print("logits_eval basic:", logits_eval.tolist())
    print("logits_train basic:", logits_train.tolist())
    print("logits_eval bottleneck:", logits_k.tolist())

    sizes = {f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out))
             if f != "README.md"}
    basic_table = family_table([("teacher_basic", tb_state),
                                ("student_uniform0/1, consecutive0 (w=8)", files["student_uniform0.safetensors"][0]),
                                ("student_w6_uniform0/1", files["student_w6_uniform0.safetensors"][0])])
    bottleneck_table = family_table([("teacher_bottleneck", tk_state),
                                     ("student_bottleneck_uniform1", files["student_bottleneck_uniform1.safetensors"][0])])
    uneven_lists = []
    for tn, sn in [(16, 6), (32, 12), (64, 24), (128, 48)]:
        for off in (0, 1):
            uneven_lists.append(f"* {tn}->{sn}, uniform({off}): `{select_indices(tn, sn, 'uniform', off)}`")
    write_readme(os.path.join(args.out, "README.md"), param_counts, axis_pairs, readme_tables, sizes,
                 basic_table, bottleneck_table, uneven_lists)
    return 0


if __name__ == "__main__":
    sys.exit(main())
