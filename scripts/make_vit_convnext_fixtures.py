#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for ViT and ConvNeXt under src/test/resources/fixtures/{vit,convnext}/.

Independent reference for the Java code (Debian's python3-torch 1.13 and python3-torchvision 0.14, run with
/usr/bin/python3; no timm, no safetensors package):
  * a timm-style ViT and a timm-style ConvNeXt written here in plain torch.nn, with timm's parameter
    names, random weights, a fixed input and their eval-mode logits;
  * a real torchvision VisionTransformer (torchvision's names) with its logits, for the name mapping;
  * ViT position embeddings resampled with F.interpolate(bicubic, antialias=True), as timm's
    resample_abs_pos_embed does;
  * weight-selected students computed by a numpy implementation of METHOD.md step 2 (first-N blocks,
    per-axis uniform/consecutive selection, ViT qkv per q/k/v block, heads left out);
  * export proof: a student written by DuoDistill's Java exporter (export/*.safetensors, committed
    first) is loaded into the reference module with load_state_dict(strict=True) and its logits stored.

Run from the repository root:
    OMP_NUM_THREADS=2 /usr/bin/python3 scripts/make_vit_convnext_fixtures.py
"""

import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_reference_fixtures import select_indices, write_safetensors  # noqa: E402

SEED = 20261202
LN_EPS = 1e-6
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "src/test/resources/fixtures")


# ---------------------------------------------------------------------------------------------
# timm-style ViT (names: cls_token, pos_embed, patch_embed.proj, blocks.i.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}, norm, head)
# ---------------------------------------------------------------------------------------------

class PatchEmbed(nn.Module):
    def __init__(self, in_chans, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, patch, stride=patch)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)


class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        self.heads = heads
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        attn = ((q * self.scale) @ k.transpose(-2, -1)).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Mlp(nn.Module):
    def __init__(self, dim, hidden):
        super().__init__()
        self.fc1 = nn.Linear(dim, hidden)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden, dim)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class ViTBlock(nn.Module):
    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim, eps=LN_EPS)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=LN_EPS)
        self.mlp = Mlp(dim, hidden)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class ViT(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, grid = cfg["embed_dim"], cfg["image_size"] // cfg["patch_size"]
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, grid * grid + 1, d))
        self.patch_embed = PatchEmbed(cfg["in_channels"], d, cfg["patch_size"])
        self.blocks = nn.ModuleList([ViTBlock(d, cfg["heads"], cfg["mlp_hidden"]) for _ in range(cfg["depth"])])
        self.norm = nn.LayerNorm(d, eps=LN_EPS)
        self.head = nn.Linear(d, cfg["num_classes"])

    def forward(self, x):
        x = self.patch_embed(x)
        x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embed
        for b in self.blocks:
            x = b(x)
        return self.head(self.norm(x)[:, 0])


# ---------------------------------------------------------------------------------------------
# timm-style ConvNeXt (names: stem.0, stem.1, stages.i.downsample.{0,1}, stages.i.blocks.j.{gamma,conv_dw,norm,mlp.fc1,mlp.fc2}, head.norm, head.fc)
# ---------------------------------------------------------------------------------------------

class LayerNorm2d(nn.LayerNorm):
    def forward(self, x):
        return F.layer_norm(x.permute(0, 2, 3, 1), self.normalized_shape, self.weight, self.bias, self.eps).permute(0, 3, 1, 2)


class ConvNeXtBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_dw = nn.Conv2d(dim, dim, 7, padding=3, groups=dim)
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.mlp = Mlp(dim, 4 * dim)
        self.gamma = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        y = self.norm(self.conv_dw(x).permute(0, 2, 3, 1))
        y = (self.mlp(y) * self.gamma).permute(0, 3, 1, 2)
        return x + y


class ConvNeXtStage(nn.Module):
    def __init__(self, cin, cout, depth, first):
        super().__init__()
        self.downsample = nn.Identity() if first else nn.Sequential(LayerNorm2d(cin, eps=LN_EPS), nn.Conv2d(cin, cout, 2, stride=2))
        self.blocks = nn.Sequential(*[ConvNeXtBlock(cout) for _ in range(depth)])

    def forward(self, x):
        return self.blocks(self.downsample(x))


class ConvNeXtHead(nn.Module):
    def __init__(self, dim, classes):
        super().__init__()
        self.norm = nn.LayerNorm(dim, eps=LN_EPS)
        self.fc = nn.Linear(dim, classes)

    def forward(self, x):
        return self.fc(self.norm(x.mean((2, 3))))


class ConvNeXt(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        dims, depths = cfg["dims"], cfg["depths"]
        self.stem = nn.Sequential(nn.Conv2d(cfg["in_channels"], dims[0], 4, stride=4), LayerNorm2d(dims[0], eps=LN_EPS))
        self.stages = nn.Sequential(*[ConvNeXtStage(dims[max(i - 1, 0)], dims[i], depths[i], i == 0) for i in range(4)])
        self.head = ConvNeXtHead(dims[3], cfg["num_classes"])

    def forward(self, x):
        return self.head(self.stages(self.stem(x)))


# ---------------------------------------------------------------------------------------------
# Weight selection in numpy (METHOD.md step 2)
# ---------------------------------------------------------------------------------------------

def np_select(name, teacher, student_shape, selector, offset, fused):
    """teacher: numpy array; returns the selected numpy array."""
    t = teacher
    if t.ndim != len(student_shape):
        raise ValueError(f"{name}: rank mismatch")
    for axis, sn in enumerate(student_shape):
        tn = t.shape[axis]
        if sn == tn:
            continue
        if t.ndim == 4 and axis >= 2:
            start = (tn - sn) // 2
            idx = list(range(start, start + sn))
        elif axis == 0 and fused > 1:
            within = select_indices(tn // fused, sn // fused, selector, offset)
            idx = [b * (tn // fused) + i for b in range(fused) for i in within]
        else:
            idx = select_indices(tn, sn, selector, offset)
        t = np.take(t, np.asarray(idx, dtype=np.int64), axis=axis)
    return np.ascontiguousarray(t)


def np_weight_select(teacher_state, student_model, selector, offset, is_head):
    out = {}
    for name, s in student_model.state_dict().items():
        if is_head(name):
            continue
        fused = 3 if name.endswith("attn.qkv.weight") or name.endswith("attn.qkv.bias") else 1
        out[name] = torch.from_numpy(np_select(name, teacher_state[name].numpy(), tuple(s.shape), selector, offset, fused))
    return out


def read_safetensors(path):
    """F32 tensors and I64 scalars (BatchNorm's num_batches_tracked), with the metadata."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[:8], "little")
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {})
    out = {}
    for name, info in header.items():
        b, e = info["data_offsets"]
        dtype = {"F32": "<f4", "I64": "<i8"}[info["dtype"]]
        arr = np.frombuffer(raw[8 + n + b:8 + n + e], dtype=dtype).reshape(info["shape"])
        out[name] = torch.from_numpy(arr.copy())
    return out, meta


def randomize(model, std=0.2):
    """Every parameter random (not the init's structure), so that a wrong weight shows in the logits."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm.weight") or name.endswith("norm1.weight") or name.endswith("norm2.weight") or (
                    ".1.weight" in name and p.dim() == 1) or name == "stem.1.weight":
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(std * torch.randn_like(p))


def state(model):
    return {k: v.detach().to(torch.float32).contiguous().clone() for k, v in model.state_dict().items()}


def meta(**kw):
    return {k: json.dumps(v) if not isinstance(v, str) else v for k, v in kw.items()}


def teacher_and_students(folder, family, t_cfg, s_cfg, size, std, head_prefix, report, label):
    """A randomized teacher, its eval logits on a random 1-channel batch, and the student weight-selected from it
    three ways (tensors starting with head_prefix not selected); returns the teacher's state."""
    teacher = family(t_cfg)
    randomize(teacher, std=std)
    teacher.eval()
    t_state = state(teacher)
    x = torch.randn(2, 1, size, size)
    with torch.no_grad():
        logits = teacher(x)
    write_safetensors(os.path.join(folder, "teacher.safetensors"), t_state, meta(config=t_cfg, role="teacher"))
    write_safetensors(os.path.join(folder, "teacher_io.safetensors"), {"input": x, "logits_eval": logits},
                      meta(model="teacher.safetensors", generator="scripts/make_vit_convnext_fixtures.py", seed=SEED))
    report[label + " teacher params"] = sum(p.numel() for p in teacher.parameters())
    student = family(s_cfg)
    for sel, off in (("uniform", 0), ("uniform", 1), ("consecutive", 0)):
        sel_state = np_weight_select(t_state, student, sel, off, lambda n: n.startswith(head_prefix))
        write_safetensors(os.path.join(folder, f"student_{sel}{off}.safetensors"), sel_state,
                          meta(config=s_cfg, teacher="teacher.safetensors", selector=f"{sel}({off})", head=head_prefix + "* not selected (absent)"))
    return t_state


def main():
    torch.manual_seed(SEED)
    torch.use_deterministic_algorithms(True)
    torch.backends.mkldnn.enabled = False
    report = {}

    # ---------------- ViT ----------------
    vdir = os.path.join(OUT, "vit")
    os.makedirs(os.path.join(vdir, "export"), exist_ok=True)
    t_cfg = {"embed_dim": 64, "depth": 3, "heads": 2, "mlp_hidden": 256, "patch_size": 4, "image_size": 16, "in_channels": 1,
             "num_classes": 5}
    s_cfg = dict(t_cfg, embed_dim=32, depth=2, heads=1, mlp_hidden=128)
    t_state = teacher_and_students(vdir, ViT, t_cfg, s_cfg, 16, 0.2, "head.", report, "vit")
    # position embeddings resampled to other grids, as timm's resample_abs_pos_embed (bicubic, antialias)
    pos = t_state["pos_embed"]
    grid = t_cfg["image_size"] // t_cfg["patch_size"]
    resampled = {}
    for g in (8, 2, 3):
        p = pos[:, 1:].reshape(1, grid, grid, -1).permute(0, 3, 1, 2)
        p = F.interpolate(p, size=(g, g), mode="bicubic", antialias=True, align_corners=False)
        resampled[f"grid{g}"] = torch.cat([pos[:, :1], p.permute(0, 2, 3, 1).reshape(1, g * g, -1)], dim=1)
    write_safetensors(os.path.join(vdir, "pos_embed_resampled.safetensors"), resampled,
                      meta(source="teacher.safetensors pos_embed (grid 4)", op="F.interpolate(mode='bicubic', antialias=True, align_corners=False)"))

    # a real torchvision ViT, torchvision's names
    import torchvision
    tv = torchvision.models.VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=256,
                                              num_classes=3)
    randomize(tv)
    tv.eval()
    xt = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        tl = tv(xt)
    write_safetensors(os.path.join(vdir, "torchvision_vit.safetensors"), state(tv),
                      meta(model=f"torchvision {torchvision.__version__} VisionTransformer(image_size=16, patch_size=4, num_layers=2, num_heads=2, hidden_dim=64, mlp_dim=256, num_classes=3)"))
    write_safetensors(os.path.join(vdir, "torchvision_vit_io.safetensors"), {"input": xt, "logits_eval": tl},
                      meta(model="torchvision_vit.safetensors"))

    # ---------------- ConvNeXt ----------------
    cdir = os.path.join(OUT, "convnext")
    os.makedirs(os.path.join(cdir, "export"), exist_ok=True)
    ct_cfg = {"depths": [2, 1, 3, 1], "dims": [16, 32, 64, 128], "in_channels": 1, "num_classes": 5}
    cs_cfg = dict(ct_cfg, depths=[1, 1, 2, 1], dims=[8, 16, 32, 64])
    teacher_and_students(cdir, ConvNeXt, ct_cfg, cs_cfg, 32, 0.15, "head.fc.", report, "convnext")

    # ---------------- export proof: Java-written students loaded strictly ----------------
    proofs = [(os.path.join(vdir, "export"), lambda cfg: ViT(cfg)), (os.path.join(cdir, "export"), lambda cfg: ConvNeXt(cfg)),
              (os.path.join(OUT, "resnet", "export"), None)]
    for folder, make in proofs:
        if not os.path.isdir(folder):
            continue
        for f in sorted(os.listdir(folder)):
            if not f.endswith(".safetensors") or f.endswith("_logits.safetensors"):
                continue
            tensors, m = read_safetensors(os.path.join(folder, f))
            cfg = json.loads(m["reference_config"])
            if make is None:
                import make_reference_fixtures as ref
                model = ref.build(cfg)
            else:
                model = make(cfg)
            model.load_state_dict(tensors, strict=True)
            model.eval()
            torch.manual_seed(SEED + 7)
            size = cfg.get("image_size", 32)
            xe = torch.randn(2, cfg.get("in_channels", cfg.get("in_chans", 1)), size, size)
            with torch.no_grad():
                le = model(xe)
            write_safetensors(os.path.join(folder, f.replace(".safetensors", "_logits.safetensors")), {"input": xe, "logits_eval": le},
                              meta(model=f, loaded="load_state_dict(strict=True) into the reference module"))
            report["export proven: " + os.path.relpath(os.path.join(folder, f), OUT)] = "strict load ok"
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
