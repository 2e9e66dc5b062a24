#!/usr/bin/python3
"""Build the accuracy-study datasets under study-data/ from extracted Debian packages.

Called by scripts/make_study_data.sh, which downloads the packages with
``apt-get download`` and unpacks them with ``dpkg -x`` (nothing is installed):

  /usr/bin/python3 scripts/make_study_data.py --out study-data --debs study-data/.debs/x

``--debs`` holds one folder per package (``<debs>/<package>/usr/...``) and a file
``<debs>/<package>/.version`` with the package version.

Datasets (each a folder with train/<class>/, val/<class>/[, test/<class>/] of 8-bit
grayscale PNGs and a SOURCE.md):

  fashion-mnist     Fashion-MNIST, 10 classes, 28x28: 150/50/100 per class (target task)
  fashion-source    Fashion-MNIST, 10 classes, 28x28: 800/100/- per class, disjoint from
                    fashion-mnist (larger source set to pretrain a teacher)
  fashion-60k       Fashion-MNIST, 10 classes, 28x28: the whole official training set (60,000,
                    6,000 per class) as train, 200 per class of the official test set as val,
                    disjoint from fashion-mnist/test (to pretrain a Hub teacher)
  mri-position      64x64 axial MRI slices, classes inferior/middle/superior, split by volume
  mri-orientation   64x64 MRI slices, classes axial/coronal/sagittal, split by volume

A dataset whose folder already has a SOURCE.md is left alone (delete the folder to
rebuild it).  A dataset is written to a hidden temporary folder and renamed when
complete, so an interrupted run leaves no half-built dataset behind.  The output is
deterministic: the same packages give the same bytes.
"""

import argparse
import glob
import gzip
import hashlib
import os
import shutil
import struct
import sys
import warnings

import numpy as np
from PIL import Image

SEED = 0

# ---------------------------------------------------------------- Fashion-MNIST

FASHION_PKG = "dataset-fashion-mnist"
FASHION_DIR = "usr/share/datasets/fashion-mnist"
# Official label order 0..9.
FASHION_CLASSES = ("tshirt_top", "trouser", "pullover", "dress", "coat",
                   "sandal", "shirt", "sneaker", "bag", "ankle_boot")
FASHION_LICENCE = "MIT (Expat); Copyright 2017 Zalando SE (debian/copyright of dataset-fashion-mnist)"
TARGET_COUNTS = {"train": 150, "val": 50, "test": 100}
SOURCE_COUNTS = {"train": 800, "val": 100}
FULL_VAL_PER_CLASS = 200  # fashion-60k/val: per class, from the official test set
FULL_VAL_SEED = 60000     # its own generator, so the other datasets' choice is unchanged

# ---------------------------------------------------------------- MRI volumes

SIZE = 64
EMPTY_FRACTION = 0.15  # a slice is kept when >= 15% of its pixels are ...
EMPTY_LEVEL = 0.10     # ... above 10% of the volume's 99th percentile
P_LOW, P_HIGH = 0.5, 99.5
ORIENT_PER_AXIS = 30   # at most this many slices per volume and orientation
ORIENT_CENTRAL = 0.6   # ... taken from the central 60% of each axis

# Real, acquired volumes from Debian packages.  NOT used here (they make
# sample-images/): mricron-data templates/ch2.nii.gz (and its derivatives ch2bet,
# ch2better), insighttoolkit5-examples KmeansTest_T1UCharRaw.nii.gz (and its
# segmentations), python3-nibabel tests/data/example4d.nii.gz (and example_nifti2,
# example4d+orig.BRIK, which carry its name).
# "split" is fixed by hand, by subject: both "someone" volumes are one subject
# and session, so they stay together.
VOLUMES = [
    {
        "id": "someone-t1",
        "package": "python-nibabel-doc",
        "glob": "usr/share/doc/python-nibabel-doc/html/_downloads/*/someones_anatomy.nii.gz",
        "reader": "nibabel",
        "licence": "MIT (Expat), nibabel, Copyright 2006-2011 Michael Hanke and others",
        "what": "T1-weighted head MRI of 'Someone' (nibabel coordinate-systems tutorial), 2.75 mm",
        "subject": "someone",
        "split": "train",
    },
    {
        "id": "someone-epi",
        "package": "python-nibabel-doc",
        "glob": "usr/share/doc/python-nibabel-doc/html/_downloads/*/someones_epi.nii.gz",
        "reader": "nibabel",
        "licence": "MIT (Expat), nibabel, Copyright 2006-2011 Michael Hanke and others",
        "what": "EPI (fMRI) volume of 'Someone', same session as someone-t1, 3 mm, slices oblique by 17 degrees",
        "subject": "someone",
        "split": "train",
    },
    {
        "id": "nibabel-anatomical",
        "package": "python3-nibabel",
        "glob": "usr/lib/python3/dist-packages/nibabel/tests/data/anatomical.nii",
        "reader": "nibabel",
        "licence": "MIT (Expat), nibabel, Copyright 2006-2011 Michael Hanke and others",
        "what": "T1-weighted MRI, 2 mm; a CROP around the centre of the brain "
                "(not the whole head: its thirds are thirds of the crop)",
        "subject": "nibabel-anatomical",
        "split": "train",
    },
    {
        "id": "dipy-aniso",
        "package": "python3-dipy",
        "glob": "usr/lib/python3/dist-packages/dipy/data/files/aniso_vox.nii.gz",
        "reader": "nibabel",
        "licence": "BSD-3-Clause, Copyright 2008-2021 Dipy Developers",
        "what": "diffusion MRI b0 (T2-weighted EPI) of a head, 4x4x5 mm; its affine is rotated 35 degrees about "
                "the left-right axis, yet the head looks upright in the voxel grid",
        "subject": "dipy-aniso",
        "split": "train",
    },
    {
        "id": "nibabel-tlrc-epi",
        "package": "python3-nibabel",
        "glob": "usr/lib/python3/dist-packages/nibabel/tests/data/scaled+tlrc.BRIK",
        "reader": "nibabel",
        "licence": "MIT (Expat), nibabel, Copyright 2006-2011 Michael Hanke and others",
        "what": "AFNI BRIK (+tlrc): noisy EPI-like brain volume in Talairach space, 3 mm",
        "subject": "nibabel-tlrc",
        "split": "val",
    },
    {
        "id": "heudiconv-b0dwi",
        "package": "heudiconv",
        "glob": "usr/lib/python3/dist-packages/heudiconv/tests/data/b0dwiForFmap/b0dwi_for_fmap+00001.dcm",
        "reader": "mosaic",
        "licence": "Apache-2.0, Copyright 2014-2021 HeuDiConv Team and others",
        "what": "Siemens mosaic DICOM, multiband diffusion b0 of a head (NYU Center for Brain Imaging), "
                "1.5 mm, 3 degrees oblique (first of 3 repeats; the other two are not used)",
        "subject": "heudiconv-nyu",
        "split": "test",
    },
    {
        "id": "heudiconv-axasc35",
        "package": "heudiconv",
        "glob": "usr/lib/python3/dist-packages/heudiconv/tests/data/axasc35.dcm",
        "reader": "mosaic",
        "licence": "Apache-2.0, Copyright 2014-2021 HeuDiConv Team and others",
        "what": "Siemens mosaic DICOM, axial EPI of a head (USC, 'ax_asc_35sl'), 3.25x3.25x3.6 mm, 6 degrees oblique; "
                "the head is turned about 40 degrees (by eye) about the S axis in the image, so this volume is "
                "NOT used in mri-orientation (its coronal/sagittal reformats would be half of each)",
        "orientation": False,
        "subject": "heudiconv-usc",
        "split": "test",
    },
]

MRI_PACKAGES = sorted({v["package"] for v in VOLUMES})
SPLITS = ("train", "val", "test")


# ================================================================= helpers

def package_root(debs, package):
    root = os.path.join(debs, package)
    if not os.path.isdir(root):
        sys.exit("make_study_data.py: package %s not extracted under %s" % (package, debs))
    return root


def package_version(debs, package):
    try:
        with open(os.path.join(debs, package, ".version")) as f:
            return f.read().strip()
    except OSError:
        return "unknown"


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_png(array, path):
    assert array.dtype == np.uint8 and array.ndim == 2
    Image.fromarray(array, mode="L").save(path, format="PNG")


def count_dataset(folder):
    """{split: {class: n}} of the PNGs in a dataset folder."""
    counts = {}
    for split in SPLITS:
        sd = os.path.join(folder, split)
        if not os.path.isdir(sd):
            continue
        counts[split] = {}
        for cls in sorted(os.listdir(sd)):
            cd = os.path.join(sd, cls)
            if os.path.isdir(cd):
                counts[split][cls] = sum(1 for n in os.listdir(cd) if n.endswith(".png"))
    return counts


def counts_table(counts):
    classes = sorted({c for s in counts.values() for c in s})
    splits = [s for s in SPLITS if s in counts]
    lines = ["| class | " + " | ".join(splits) + " |", "|---|" + "---|" * len(splits)]
    for c in classes:
        lines.append("| %s | " % c + " | ".join(str(counts[s].get(c, 0)) for s in splits) + " |")
    lines.append("| **total** | " + " | ".join(str(sum(counts[s].values())) for s in splits) + " |")
    return "\n".join(lines)


def print_counts(name, folder, status):
    counts = count_dataset(folder)
    print("%s (%s): %s" % (name, status, folder))
    for split in SPLITS:
        if split in counts:
            per = ", ".join("%s %d" % (c, n) for c, n in counts[split].items())
            print("  %-5s %5d  [%s]" % (split, sum(counts[split].values()), per))


class Builder:
    """Writes a dataset into a hidden temporary folder, renamed into place when done."""

    def __init__(self, out, name):
        self.final = os.path.join(out, name)
        self.tmp = os.path.join(out, "." + name + ".partial")
        if os.path.exists(self.tmp):
            shutil.rmtree(self.tmp)
        os.makedirs(self.tmp)

    def path(self, split, cls, filename):
        d = os.path.join(self.tmp, split, cls)
        os.makedirs(d, exist_ok=True)
        return os.path.join(d, filename)

    def finish(self, source_md):
        with open(os.path.join(self.tmp, "SOURCE.md"), "w") as f:
            f.write(source_md)
        if os.path.exists(self.final):  # a folder without SOURCE.md: an old, broken build
            shutil.rmtree(self.final)
        os.rename(self.tmp, self.final)


# ================================================================= Fashion-MNIST

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError("%s: not an unsigned-byte IDX file" % path)
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    return arr.reshape(dims)


def fashion_selection(train_labels, test_labels):
    """Seeded (seed 0) disjoint choice of official-set indices per class.

    For each class (in label order) the class's training-set indices are permuted
    once: the first 150 go to fashion-mnist/train, the next 50 to fashion-mnist/val,
    the next 800 to fashion-source/train, the next 100 to fashion-source/val.  Then,
    for each class, its test-set indices are permuted and the first 100 go to
    fashion-mnist/test.
    """
    rng = np.random.default_rng(SEED)
    sel = {"fashion-mnist": {s: {} for s in TARGET_COUNTS}, "fashion-source": {s: {} for s in SOURCE_COUNTS}}
    for c in range(len(FASHION_CLASSES)):
        perm = rng.permutation(np.flatnonzero(train_labels == c))
        cuts = np.cumsum([0, TARGET_COUNTS["train"], TARGET_COUNTS["val"], SOURCE_COUNTS["train"], SOURCE_COUNTS["val"]])
        if cuts[-1] > perm.size:
            raise ValueError("class %d has only %d training images" % (c, perm.size))
        sel["fashion-mnist"]["train"][c] = np.sort(perm[cuts[0]:cuts[1]])
        sel["fashion-mnist"]["val"][c] = np.sort(perm[cuts[1]:cuts[2]])
        sel["fashion-source"]["train"][c] = np.sort(perm[cuts[2]:cuts[3]])
        sel["fashion-source"]["val"][c] = np.sort(perm[cuts[3]:cuts[4]])
    for c in range(len(FASHION_CLASSES)):
        perm = rng.permutation(np.flatnonzero(test_labels == c))
        sel["fashion-mnist"]["test"][c] = np.sort(perm[:TARGET_COUNTS["test"]])
    # fashion-60k: every official training image; its val is drawn (own seed) from the test
    # images of each class that fashion-mnist/test does not use.
    full_rng = np.random.default_rng(FULL_VAL_SEED)
    sel["fashion-60k"] = {"train": {}, "val": {}}
    for c in range(len(FASHION_CLASSES)):
        sel["fashion-60k"]["train"][c] = np.flatnonzero(train_labels == c)
        rest = np.setdiff1d(np.flatnonzero(test_labels == c), sel["fashion-mnist"]["test"][c])
        sel["fashion-60k"]["val"][c] = np.sort(full_rng.permutation(rest)[:FULL_VAL_PER_CLASS])
    return sel


def build_fashion(out, debs, names):
    root = os.path.join(package_root(debs, FASHION_PKG), FASHION_DIR)
    files = {k: os.path.join(root, k + ".gz") for k in
             ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")}
    tr_x, tr_y = read_idx(files["train-images-idx3-ubyte"]), read_idx(files["train-labels-idx1-ubyte"])
    te_x, te_y = read_idx(files["t10k-images-idx3-ubyte"]), read_idx(files["t10k-labels-idx1-ubyte"])
    assert tr_x.shape == (60000, 28, 28) and te_x.shape == (10000, 28, 28)
    sel = fashion_selection(tr_y, te_y)
    version = package_version(debs, FASHION_PKG)
    hashes = "\n".join("  - `%s/%s.gz` sha256 `%s`" % (FASHION_DIR, k, sha256(p)) for k, p in files.items())
    for name in names:
        b = Builder(out, name)
        for split, per_class in sel[name].items():
            from_test = split == "test" or (name == "fashion-60k" and split == "val")
            images, prefix = (te_x, "test") if from_test else (tr_x, "train")
            for c, idx in per_class.items():
                for i in idx:
                    save_png(images[i], b.path(split, FASHION_CLASSES[c], "fmnist-%s-%05d.png" % (prefix, i)))
        b.finish(fashion_source_md(name, version, hashes, sel))
        print_counts(name, b.final, "built")


def fashion_source_md(name, version, hashes, sel):
    counts = {s: {FASHION_CLASSES[c]: len(i) for c, i in per.items()} for s, per in sel[name].items()}
    if name == "fashion-mnist":
        role = ("Target task of the accuracy study, deliberately data-scarce: all 10 Fashion-MNIST classes, "
                "150 train / 50 val images per class from the official training set and 100 test images per "
                "class from the official test set.")
    elif name == "fashion-source":
        role = ("Larger source set to pretrain a teacher: all 10 Fashion-MNIST classes, 800 train / 100 val "
                "images per class from the official training set, DISJOINT from every image of "
                "`fashion-mnist` (no test split: evaluate on `fashion-mnist/test`).")
    else:
        role = ("The whole Fashion-MNIST training set, to pretrain a teacher that is published as a Hub "
                "repo (bench/hub-teacher.sh) and used on OTHER (medical) tasks: all 60,000 official "
                "training images (6,000 per class) as train; val is %d images per class of the official "
                "test set, none of them in `fashion-mnist/test`. It CONTAINS every image of "
                "`fashion-mnist/train`, `fashion-mnist/val` and `fashion-source`: do not use a teacher "
                "pretrained on it for the `fashion-mnist` target task. No test split." % FULL_VAL_PER_CLASS)
    return """# %s

%s

## Source
- Debian package `%s` version `%s` (fetched with `apt-get download`, unpacked with `dpkg -x`, not installed).
- Data: Fashion-MNIST (Zalando Research), IDX files:
%s
- Licence of the original data: %s.

## Images
28x28 8-bit grayscale PNG, pixel values exactly as in the IDX files (0 = background).
File names: `fmnist-<official set>-<index in that set>.png`.
Classes (label 0..9 of the official set): %s.

## Split
%sSeeded (numpy `default_rng(%d)`) random choice, made by `scripts/make_study_data.py`:
for each class in label order the class's official *training* indices are permuted once;
the first 150 are `fashion-mnist/train`, the next 50 `fashion-mnist/val`, the next 800
`fashion-source/train`, the next 100 `fashion-source/val` (so the two datasets share no image).
Then for each class its official *test* indices are permuted and the first 100 are
`fashion-mnist/test`.

## Counts
%s

Regenerate with `scripts/make_study_data.sh` (this folder is not committed).
""" % (name, role, FASHION_PKG, version, hashes, FASHION_LICENCE,
       ", ".join("%d `%s`" % (i, c) for i, c in enumerate(FASHION_CLASSES)), full_split_note(name), SEED,
       counts_table(counts))


def full_split_note(name):
    if name != "fashion-60k":
        return ""
    return ("`fashion-60k/train` is the whole official training set. `fashion-60k/val`: for each class, "
            "the official test indices not in `fashion-mnist/test` (chosen as below) are permuted with "
            "numpy `default_rng(%d)` and the first %d are taken.\n\nHow `fashion-mnist/test` is chosen:\n"
            % (FULL_VAL_SEED, FULL_VAL_PER_CLASS))


# ================================================================= MRI volumes

def load_volume(debs, vol):
    """(data float64 [x,y,z] in closest-canonical RAS+ order, voxel sizes, source path)."""
    import nibabel as nib
    root = package_root(debs, vol["package"])
    hits = sorted(glob.glob(os.path.join(root, vol["glob"])))
    if len(hits) != 1:
        sys.exit("make_study_data.py: %s: expected one file for %s, found %d" % (vol["id"], vol["glob"], len(hits)))
    path = hits[0]
    if vol["reader"] == "mosaic":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from nibabel.nicom import dicomwrappers
            w = dicomwrappers.wrapper_from_file(path)
            # The wrapper's affine maps to DICOM patient space (LPS+); NIfTI wants RAS+.
            lps_to_ras = np.diag([-1.0, -1.0, 1.0, 1.0])
            img = nib.Nifti1Image(np.asarray(w.get_data(), dtype=np.float64), lps_to_ras @ w.affine)
    else:
        img = nib.load(path)
    img = nib.as_closest_canonical(img)
    data = np.asanyarray(img.dataobj).astype(np.float64)
    while data.ndim > 3:  # first volume of a 4-D series
        data = data[..., 0]
    data = np.nan_to_num(data)
    zooms = np.abs(np.asarray(img.header.get_zooms()[:3], dtype=np.float64))
    return data, zooms, path


def scale_volume(data):
    lo, hi = np.percentile(data, [P_LOW, P_HIGH])
    return np.clip((data - lo) / max(hi - lo, 1e-12), 0.0, 1.0) * 255.0


def nonempty(slice2d, level):
    return np.count_nonzero(slice2d > level) >= EMPTY_FRACTION * slice2d.size


def to_png_array(plane, spacing_h, spacing_v):
    """plane: float image (rows top->bottom, cols left->right), 0..255.  Fit the physical
    extent into SIZE x SIZE keeping the aspect ratio (bilinear, antialiased when shrinking),
    centred, padded with 0."""
    rows, cols = plane.shape
    width_mm, height_mm = cols * spacing_h, rows * spacing_v
    scale = SIZE / max(width_mm, height_mm)
    w = max(1, min(SIZE, int(round(width_mm * scale))))
    h = max(1, min(SIZE, int(round(height_mm * scale))))
    im = Image.fromarray(np.ascontiguousarray(plane, dtype=np.float32), mode="F").resize((w, h), Image.BILINEAR)
    canvas = np.zeros((SIZE, SIZE), dtype=np.float32)
    top, left = (SIZE - h) // 2, (SIZE - w) // 2
    canvas[top:top + h, left:left + w] = np.asarray(im)
    return np.clip(np.rint(canvas), 0, 255).astype(np.uint8)


# Display of a canonical RAS+ array v[x, y, z] (neurological convention, like sample-images/):
#   axial    v[:, :, k]: right = subject's right (+x), top = anterior (+y)
#   coronal  v[:, k, :]: right = +x, top = superior (+z)
#   sagittal v[k, :, :]: right = posterior (-y), top = superior (+z)
def plane(vol, axis, k):
    if axis == 2:
        return np.rot90(vol[:, :, k])
    if axis == 1:
        return np.rot90(vol[:, k, :])
    return np.fliplr(np.rot90(vol[k, :, :]))


def plane_spacing(zooms, axis):
    """(horizontal, vertical) voxel size of a plane() image."""
    return {2: (zooms[0], zooms[1]), 1: (zooms[0], zooms[2]), 0: (zooms[1], zooms[2])}[axis]


def position_classes(kept):
    """Class per kept slice index: thirds of [first kept, last kept]."""
    z0, z1 = kept[0], kept[-1]
    n = z1 - z0 + 1
    names = ("inferior", "middle", "superior")
    return {z: names[min(2, (3 * (z - z0)) // n)] for z in kept}


def build_mri(out, debs, names):
    versions = {p: package_version(debs, p) for p in MRI_PACKAGES}
    builders = {n: Builder(out, n) for n in names}
    rows = {n: [] for n in names}
    for vol in VOLUMES:
        data, zooms, path = load_volume(debs, vol)
        level = EMPTY_LEVEL * np.percentile(data, 99)
        scaled = scale_volume(data)
        info = {"vol": vol, "shape": data.shape, "zooms": zooms, "sha": sha256(path),
                "path": os.path.relpath(path, package_root(debs, vol["package"]))}
        if "mri-position" in builders:
            kept = [z for z in range(data.shape[2]) if nonempty(data[:, :, z], level)]
            cls = position_classes(kept)
            per = {"inferior": 0, "middle": 0, "superior": 0}
            for z in kept:
                arr = to_png_array(plane(scaled, 2, z), *plane_spacing(zooms, 2))
                save_png(arr, builders["mri-position"].path(vol["split"], cls[z], "%s_z%03d.png" % (vol["id"], z)))
                per[cls[z]] += 1
            rows["mri-position"].append(dict(info, kept=(kept[0], kept[-1]), per=per))
        if "mri-orientation" in builders and vol.get("orientation", True):
            per = {}
            for axis, cname in ((2, "axial"), (1, "coronal"), (0, "sagittal")):
                n = data.shape[axis]
                lo = int(np.ceil((1 - ORIENT_CENTRAL) / 2 * n))
                hi = int(np.floor((1 + ORIENT_CENTRAL) / 2 * n)) - 1
                cand = [k for k in range(lo, hi + 1) if nonempty(np.take(data, k, axis=axis), level)]
                if len(cand) > ORIENT_PER_AXIS:
                    pick = np.unique(np.rint(np.linspace(0, len(cand) - 1, ORIENT_PER_AXIS)).astype(int))
                    cand = [cand[i] for i in pick]
                for k in cand:
                    arr = to_png_array(plane(scaled, axis, k), *plane_spacing(zooms, axis))
                    save_png(arr, builders["mri-orientation"].path(vol["split"], cname, "%s_%s%03d.png" % (vol["id"], "xyz"[axis], k)))
                per[cname] = len(cand)
            rows["mri-orientation"].append(dict(info, per=per))
    for n, b in builders.items():
        b.finish(mri_source_md(n, versions, rows[n], count_dataset(b.tmp)))
        print_counts(n, b.final, "built")


def mri_source_md(name, versions, rows, counts):
    if name == "mri-position":
        task = """Medical task, split BY VOLUME: classify a 64x64 axial MRI slice by its position in the
volume's stack of non-empty slices: `inferior`, `middle` or `superior` third.

Every volume is first reoriented to the closest canonical RAS+ voxel order
(`nibabel.as_closest_canonical`: axis permutations/flips only, from the file's affine),
so the slice axis (3rd axis) is always the one closest to inferior->superior and every
slice is (close to) axial; no volume here needed a non-axial slice axis.  No resampling:
oblique volumes stay oblique (someone-epi 17, dipy-aniso 35, heudiconv-axasc35 6,
heudiconv-b0dwi 3 degrees between slice normal and the S axis, from the affines).
A slice is dropped as empty when fewer than 15% of its pixels are above 10% of the
volume's 99th percentile.  The kept slices span [first, last] kept index; that range is
cut into thirds (class = floor(3 (z - first) / (last - first + 1))).  Note: for the
cropped volume `nibabel-anatomical` the thirds are thirds of the crop, not of the head."""
        cols = "| volume | split | package (version) | file | shape (RAS) | voxel mm | kept z range | inferior/middle/superior |"
    else:
        task = """Medical task, split BY VOLUME: classify a 64x64 MRI slice as `axial`, `coronal` or
`sagittal`.  Same volumes and same volume split as `mri-position` except
`heudiconv-axasc35` (head turned ~40 degrees in-plane, see below); none of them is used in
`sample-images/` (which has the same task on three other volumes).  Every volume is
reoriented to the closest canonical RAS+ order (from its affine); for each axis the
non-empty slices (same 15%/10% rule as mri-position) in the central 60% of the axis are
taken, at most 30 of them, evenly spaced."""
        cols = "| volume | split | package (version) | file | shape (RAS) | voxel mm | axial/coronal/sagittal |"
    lines = [cols, "|" + "---|" * (cols.count("|") - 1)]
    for r in rows:
        v = r["vol"]
        base = "| %s | %s | `%s` (%s) | `%s` | %s | %s |" % (
            v["id"], v["split"], v["package"], versions[v["package"]], r["path"],
            "x".join(str(s) for s in r["shape"]), "x".join("%.3g" % z for z in r["zooms"]))
        if name == "mri-position":
            base += " %d-%d | %d/%d/%d |" % (r["kept"][0], r["kept"][1], r["per"]["inferior"], r["per"]["middle"], r["per"]["superior"])
        else:
            base += " %d/%d/%d |" % (r["per"]["axial"], r["per"]["coronal"], r["per"]["sagittal"])
        lines.append(base)
    details = "\n".join("- `%s`: %s. Licence: %s. sha256 `%s`." % (r["vol"]["id"], r["vol"]["what"], r["vol"]["licence"], r["sha"])
                        for r in rows)
    if name == "mri-orientation":
        details += "\n" + "\n".join("- `%s` (not used here): %s." % (v["id"], v["what"]) for v in VOLUMES if not v.get("orientation", True))
    split_lines = "\n".join("- %s: %s" % (s, ", ".join(r["vol"]["id"] for r in rows if r["vol"]["split"] == s)) for s in SPLITS)
    return """# %s

%s

## Volumes
Real acquired MRI from Debian packages (fetched with `apt-get download` + `dpkg -x`, not
installed).  Shape and voxel size after reorientation to RAS+.

%s

%s

Not used: the three volumes of `sample-images/` (mricron-data `templates/ch2.nii.gz`,
insighttoolkit5-examples `Data/KmeansTest_T1UCharRaw.nii.gz`, python3-nibabel
`tests/data/example4d.nii.gz`) and files derived from or named after them (ch2bet,
ch2better, KmeansTest_* segmentations, example_nifti2, example4d+orig.BRIK); label maps
and atlases; synthetic or phantom data; volumes with under ~20 distinct slices
(dipy S0_10slices, test_piesno; nitime fmri*) or that are coarse/duplicates (nibabel
small.mnc, heudiconv b0 repeats 2 and 3, dipy ascm_out_test = a denoised aniso_vox).

## Split (by volume, fixed by hand, one subject never in two splits)
%s

The two `someone-*` volumes are one subject and session, so they share a split.
Licences of the original data are the licences of the Debian packages that ship them
(debian/copyright of each package); no other licence is stated for these test/doc files.

## Images
64x64 8-bit grayscale PNG.  Intensities scaled per volume: 0.5th percentile -> 0,
99.5th -> 255 (clipped).  Each slice is fitted into 64x64 keeping its physical aspect
ratio (voxel sizes), resampled bilinearly (antialiased when shrinking), centred and
padded with 0.  Display: neurological convention as in sample-images/ (axial: image right
= subject right, top = anterior; coronal: top = superior; sagittal: top = superior,
right = posterior).  File names: `<volume>_<axis letter><index in canonical order>.png`.

## Counts
%s

Regenerate with `scripts/make_study_data.sh` (this folder is not committed).
""" % (name, task, "\n".join(lines), details, split_lines, counts_table(counts))


# ================================================================= main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="study-data folder")
    ap.add_argument("--debs", required=True, help="folder of extracted packages, one sub-folder per package")
    ap.add_argument("--only", nargs="*", help="build only these datasets")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    all_names = ("fashion-mnist", "fashion-source", "fashion-60k", "mri-position", "mri-orientation")
    wanted = args.only or all_names
    todo = [n for n in wanted if not os.path.isfile(os.path.join(args.out, n, "SOURCE.md"))]
    for n in wanted:
        if n not in todo:
            print_counts(n, os.path.join(args.out, n), "already built, skipped")
    fashion = [n for n in todo if n.startswith("fashion")]
    mri = [n for n in todo if n.startswith("mri")]
    if fashion:
        build_fashion(args.out, args.debs, fashion)
    if mri:
        build_mri(args.out, args.debs, mri)


if __name__ == "__main__":
    main()
