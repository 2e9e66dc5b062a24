"""Writes N deterministic 16-bit greyscale PNGs (128x128, CT-like values 0..4095: a body ellipse,
organs, bone rims, noise) into a folder, for the folder-classification benchmark. Same N and seed:
the same files, byte for byte.

Usage: /usr/bin/python3 bench/make_ct_folder.py OUT_DIR [N=4266] [SEED=23]
"""
import os
import sys

import numpy as np
from PIL import Image


def slice_image(rng, size=128):
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    cx, cy = size / 2 + rng.uniform(-8, 8), size / 2 + rng.uniform(-8, 8)
    ax, ay = rng.uniform(35, 55), rng.uniform(25, 50)
    body = ((x - cx) / ax) ** 2 + ((y - cy) / ay) ** 2 <= 1
    img = np.full((size, size), 24.0, np.float32)  # air
    img[body] = 1040.0  # soft tissue around 40 HU with a 1000 offset
    for _ in range(rng.integers(2, 6)):
        ox, oy = cx + rng.uniform(-ax / 2, ax / 2), cy + rng.uniform(-ay / 2, ay / 2)
        r = rng.uniform(4, 14)
        organ = (x - ox) ** 2 + (y - oy) ** 2 <= r * r
        img[organ & body] = rng.uniform(900, 1300)
    rim = body & (((x - cx) / (ax - 3)) ** 2 + ((y - cy) / (ay - 3)) ** 2 > 1)
    img[rim] = rng.uniform(1600, 2600)
    img += rng.normal(0, 20, img.shape).astype(np.float32)
    return np.clip(img, 0, 4095).astype(np.uint16)


def main():
    out = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 4266
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 23
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(seed)
    for i in range(n):
        a = slice_image(rng)
        Image.fromarray(a, mode="I;16").save(os.path.join(out, f"slice_{i:05d}.png"))


if __name__ == "__main__":
    main()
