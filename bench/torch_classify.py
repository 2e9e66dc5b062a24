#!/usr/bin/python3
"""The PyTorch script a user would write to classify a folder with a DuoDistill ResNet student:
PIL decode, resize to the model's size (area averaging, as DuoDistill shrinks), per-image
0.5-99.5 percentile scaling clipped to [0,1], the model's mean/std, batches across files, softmax
of logits / the model's temperature, CSV as `classify` writes it. Eager PyTorch, float32, CPU.

    /usr/bin/python3 bench/torch_classify.py MODEL_DIR FOLDER OUT.csv [BATCH=32] [THREADS=2]
"""
import json, os, struct, sys
import numpy as np, torch
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))
import make_reference_fixtures as ref  # torchvision's ResNet layout, any depth and width  # noqa: E402


def safetensors(path):  # the format is a JSON header and raw little-endian arrays
    with open(path, "rb") as f:
        header = json.loads(f.read(struct.unpack("<Q", f.read(8))[0]))
        data = f.read()
    types = {"F32": np.float32, "I64": np.int64}
    return {k: torch.from_numpy(np.frombuffer(data, types[v["dtype"]], int(np.prod(v["shape"])), v["data_offsets"][0])
                                .reshape(v["shape"]).copy()) for k, v in header.items() if k != "__metadata__"}


def main():
    model_dir, folder, out = sys.argv[1:4]
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 32
    torch.set_num_threads(int(sys.argv[5]) if len(sys.argv) > 5 else 2)
    meta = json.load(open(os.path.join(model_dir, "model.json")))
    a, p = meta["architecture"], meta["preprocessing"]
    net = ref.build({"block": a["block"], "depths": a["depths"], "width": a["widths"][0], "in_chans": a["in_channels"],
                     "num_classes": a["num_classes"]})
    net.load_state_dict(safetensors(os.path.join(model_dir, "weights.safetensors")), strict=False)
    net.eval()
    temperature = meta.get("calibration", {}).get("temperature", 1.0)
    size, mean, std = p["size"], p["mean"][0], p["std"][0]
    files = sorted(os.path.join(folder, f) for f in os.listdir(folder) if not f.startswith("."))
    rows = ["file,slice,predicted,confidence," + ",".join("p_" + c for c in meta["classes"])]
    with torch.no_grad():
        for start in range(0, len(files), batch):
            names = files[start:start + batch]
            x = torch.from_numpy(np.stack([np.asarray(Image.open(f), np.float32) for f in names]))[:, None]
            x = torch.nn.functional.interpolate(x, size=(size, size), mode="area")
            lo = torch.quantile(x.flatten(1), torch.tensor([p["low_percentile"], p["high_percentile"]]) / 100, dim=1)
            x = ((x - lo[0].view(-1, 1, 1, 1)) / (lo[1] - lo[0]).clamp(min=1e-30).view(-1, 1, 1, 1)).clamp(0, 1)
            probs = torch.softmax(net((x - mean) / std) / temperature, 1)
            for f, q in zip(names, probs.tolist()):
                best = max(range(len(q)), key=q.__getitem__)
                rows.append(f"{f},1,{meta['classes'][best]},{q[best]:.6f}," + ",".join(f"{v:.6f}" for v in q))
    with open(out, "w") as o:
        o.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
