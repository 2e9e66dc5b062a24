#!/usr/bin/python3
"""Turn a DuoDistill teacher into a Hugging Face Hub model repo as timm publishes one.

  /usr/bin/python3 bench/make_hub_teacher.py --model TEACHER_DIR --weights EXPORTED.safetensors \
      --out REPO_DIR [--tag fashion60k]

TEACHER_DIR is a DuoDistill model folder (its model.json gives architecture, classes and the
preprocessing mean/std); EXPORTED.safetensors is what `duodistill export --model TEACHER_DIR`
wrote (timm parameter names).  REPO_DIR receives the two files a timm repo has:

  config.json         timm's format: architecture, num_classes, num_features, global_pool and a
                      pretrained_cfg with input_size [3, S, S], mean/std per channel, first_conv,
                      classifier (the shape of e.g. timm/resnet18.a1_in1k's config.json)
  model.safetensors   the same tensors, metadata {"format": "pt"} only (as timm writes it)

Real timm teachers are RGB, while a teacher trained on grey data has a 1-channel stem.  The
stem (`first_conv` + ".weight", shape [O, 1, kh, kw]) is made 3-channel by repeating it over
the channel axis and dividing by 3: on a grey image replicated to RGB the new stem computes
exactly the same function, and summing its channels back (what a loader does for grey data,
DuoDistill's `--teacher-channels sum`) gives the original tensor bit for bit up to float
rounding of x/3*3.  Every other tensor is copied unchanged.  The mean/std of model.json
(single channel) are repeated for the 3 channels.

Standard library + numpy only.  Deterministic: the same inputs give the same bytes.
"""

import argparse
import json
import os
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F64": np.float64, "F16": np.float16, "I64": np.int64, "I32": np.int32,
          "I16": np.int16, "I8": np.int8, "U8": np.uint8, "BOOL": np.bool_}


def read_safetensors(path):
    """(ordered list of (name, array), metadata dict)."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    tensors = []
    for name, info in sorted(header.items(), key=lambda kv: kv[1]["data_offsets"][0]):
        start, end = info["data_offsets"]
        dtype = np.dtype(DTYPES[info["dtype"]]).newbyteorder("<")
        arr = np.frombuffer(data, dtype=dtype, count=(end - start) // dtype.itemsize, offset=base + start)
        tensors.append((name, arr.reshape(info["shape"])))
    return tensors, meta


def write_safetensors(path, tensors, meta):
    inverse = {np.dtype(v).newbyteorder("<").str: k for k, v in DTYPES.items()}
    header, offset, blobs = {}, 0, []
    if meta:
        header["__metadata__"] = meta
    for name, arr in tensors:
        arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)  # keeps 0-d tensors 0-d
        raw = arr.tobytes(order="C")
        header[name] = {"dtype": inverse[arr.dtype.str], "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # safetensors pads the header to 8 bytes with spaces
    tmp = path + ".partial"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)
    os.replace(tmp, path)


def timm_config(arch, num_classes, num_features, size, mean, std, tag, first_conv, classifier):
    """config.json as timm's push_to_hub writes it for a ResNet (resnet18.a1_in1k's shape)."""
    return {
        "architecture": arch,
        "num_classes": num_classes,
        "num_features": num_features,
        "global_pool": "avg",
        "pretrained_cfg": {
            "tag": tag,
            "custom_load": False,
            "input_size": [3, size, size],
            "fixed_input_size": False,
            "interpolation": "bicubic",
            "crop_pct": 0.875,
            "crop_mode": "center",
            "mean": [mean] * 3,
            "std": [std] * 3,
            "num_classes": num_classes,
            "pool_size": [max(1, size // 32), max(1, size // 32)],
            "first_conv": first_conv,
            "classifier": classifier,
        },
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True, help="DuoDistill model folder of the teacher (model.json)")
    ap.add_argument("--weights", required=True, help="its timm-named export (duodistill export)")
    ap.add_argument("--out", required=True, help="repo folder to write (config.json, model.safetensors)")
    ap.add_argument("--tag", default="fashion60k", help="pretrained_cfg.tag")
    args = ap.parse_args()

    with open(os.path.join(args.model, "model.json")) as f:
        model = json.load(f)
    arch = model["architecture"]
    if arch.get("family") != "resnet":
        sys.exit("make_hub_teacher.py: only ResNet teachers (first_conv conv1, classifier fc), got %s" % arch.get("family"))
    pre = model["preprocessing"]
    if len(pre["mean"]) != 1 or len(pre["std"]) != 1:
        sys.exit("make_hub_teacher.py: expected a 1-channel teacher, model.json has mean %s" % pre["mean"])
    first_conv, classifier = "conv1", "fc"

    tensors, _ = read_safetensors(args.weights)
    names = [n for n, _ in tensors]
    stem = first_conv + ".weight"
    if stem not in names or classifier + ".weight" not in names:
        sys.exit("make_hub_teacher.py: %s has no %s / %s.weight: not a timm ResNet export" % (args.weights, stem, classifier))
    out = []
    for name, arr in tensors:
        if name == stem:
            if arr.ndim != 4 or arr.shape[1] != 1:
                sys.exit("make_hub_teacher.py: %s has shape %s, expected [O, 1, kh, kw]" % (stem, list(arr.shape)))
            arr = np.repeat(arr, 3, axis=1) / np.float32(3)
            arr = arr.astype(np.float32)
        out.append((name, arr))
    fc = dict(out)[classifier + ".weight"]
    num_classes, num_features = int(fc.shape[0]), int(fc.shape[1])
    if num_classes != arch["num_classes"] or num_classes != len(model["classes"]):
        sys.exit("make_hub_teacher.py: fc has %d classes, model.json %d" % (num_classes, arch["num_classes"]))

    os.makedirs(args.out, exist_ok=True)
    write_safetensors(os.path.join(args.out, "model.safetensors"), out, {"format": "pt"})
    cfg = timm_config(arch["name"], num_classes, num_features, int(pre["size"]), float(pre["mean"][0]), float(pre["std"][0]),
                      args.tag, first_conv, classifier)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")

    # Check what was written: the stem summed over channels is the original (up to rounding).
    back, meta = read_safetensors(os.path.join(args.out, "model.safetensors"))
    back = dict(back)
    orig = dict(tensors)
    err = float(np.max(np.abs(back[stem].sum(axis=1, keepdims=True) - orig[stem])))
    same = all(np.array_equal(back[n], orig[n]) for n in names if n != stem)
    if not same or err > 1e-5 * max(1.0, float(np.max(np.abs(orig[stem])))):
        sys.exit("make_hub_teacher.py: round trip failed (max |sum - original| %.3g, others equal %s)" % (err, same))
    print("%s: %s, %d tensors, stem %s -> %s (channel sum = original, max error %.2g), classes %d, input %s, mean %.4f std %.4f"
          % (args.out, arch["name"], len(out), list(orig[stem].shape), list(back[stem].shape), err, num_classes,
             cfg["pretrained_cfg"]["input_size"], cfg["pretrained_cfg"]["mean"][0], cfg["pretrained_cfg"]["std"][0]))


if __name__ == "__main__":
    main()
