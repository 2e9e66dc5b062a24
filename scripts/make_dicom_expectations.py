#!/usr/bin/python3
"""Test data and expected values for DicomReaderTest, from an independent DICOM reader (pydicom).

Run with Debian's Python and its python3-pydicom (2.3.1) and python3-numpy:

    /usr/bin/python3 scripts/make_dicom_expectations.py [PYDICOM_TEST_FILES_DIR]

PYDICOM_TEST_FILES_DIR defaults to the test files of the python3-pydicom .deb unpacked under
/tmp/deb/x (usr/lib/python3/dist-packages/pydicom/data/test_files). The script

1. copies the pydicom test files listed in COPIED into src/test/resources/data/dicom/,
2. writes the generated files (derived from MR_small / CT_small / synthetic, see GENERATED notes
   below) into src/test/resources/data/dicom/generated/,
3. writes src/test/resources/data/dicom/expected.json with what pydicom + numpy read from each file.

Nothing here comes from DuoDistill's own reader. Conventions, identical in DicomReader.java:

* Stored values: the BitsStored bits ending at HighBit, sign-extended when PixelRepresentation is 1
  (PS3.5 8.1.1, PS3.3 C.7.6.3.1). pydicom 2.3 does not mask; done here explicitly (no committed
  file has bits outside BitsStored set, so it changes nothing for them).
* Modality LUT (monochrome only): pydicom.pixel_data_handlers.util.apply_modality_lut (Modality
  LUT Sequence, else RescaleSlope/RescaleIntercept). Enhanced multi-frame files: the frame's Pixel
  Value Transformation Sequence in the Per-frame, else Shared Functional Groups (done here by hand,
  pydicom 2.3 does not).
* MONOCHROME1: out = lo + hi - m(v), where m is the modality LUT and lo / hi the smallest and
  largest values m can produce over the stored value range (unsigned: 0 .. 2^BitsStored - 1,
  signed: -2^(BitsStored-1) .. 2^(BitsStored-1) - 1; with a Modality LUT Sequence: min / max of the
  LUT data). Content independent: the same stored value always gives the same output, and higher
  output is brighter, as in MONOCHROME2.
* PALETTE COLOR: pydicom's apply_color_lut, then 16-bit LUT entries >> 8 to give 8-bit RGB
  (8-bit entries unchanged).
* YBR_FULL / YBR_FULL_422 (uncompressed): pydicom's convert_color_space(..., 'YBR_FULL', 'RGB')
  (PS3.3 C.7.6.3.1.2 coefficients, round half up, clip to 0..255).
* RGB planes are channel-major [C, H, W] in Java; pixel samples below give (frame, row, col[, ch]).
* float32_sha1: SHA-1 of each frame's values as float32 little endian, channel-major, so that every
  value is compared (the values are computed in float64 and rounded to float32 once, as in Java).
* RLE Lossless (PS3.5 Annex G): stored values as pydicom's own pure-numpy RLE handler
  (pydicom.pixel_data_handlers.rle_handler) decodes them, then as above. Its segments are one per
  sample byte, most significant first, and colour samples come plane by plane whatever
  PlanarConfiguration says.
"""
import hashlib
import json
import math
import os
import shutil
import sys
import warnings
from pathlib import Path

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.pixel_data_handlers import rle_handler
from pydicom.pixel_data_handlers.util import apply_color_lut, apply_modality_lut, convert_color_space, pack_bits
from pydicom.sequence import Sequence
from pydicom.uid import (DeflatedExplicitVRLittleEndian, ExplicitVRBigEndian, ExplicitVRLittleEndian,
                         ImplicitVRLittleEndian, RLELossless, UID)

warnings.simplefilter("ignore")

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src/test/resources/data/dicom"
GEN = OUT / "generated"
SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(
    "/tmp/deb/x/usr/lib/python3/dist-packages/pydicom/data/test_files")

# pydicom test files committed as they are: name -> what DicomReader must do with it
COPIED = {
    "CT_small.dcm": None,
    "MR_small.dcm": None,
    "MR_small_bigendian.dcm": None,
    "MR_small_expb.dcm": None,
    "MR_small_implicit.dcm": None,
    "MR_small_padded.dcm": None,
    "SC_rgb_small_odd.dcm": None,
    "SC_ybr_full_422_uncompressed.dcm": None,
    "rtdose.dcm": None,
    "rtdose_expb.dcm": None,
    "MR_truncated.dcm": "truncated",
    # RLE Lossless: decoded by DicomReader, compared with pydicom's own pure-numpy RLE handler
    "MR_small_RLE.dcm": None,
    "SC_rgb_rle.dcm": None,
    "SC_rgb_rle_2frame.dcm": None,
    "SC_rgb_rle_16bit.dcm": None,
    "SC_rgb_rle_16bit_2frame.dcm": None,
    "SC_rgb_rle_32bit.dcm": None,
    "SC_rgb_rle_32bit_2frame.dcm": None,
    "rtdose_rle.dcm": None,
    "rtdose_rle_1frame.dcm": None,
    "MR_small_jp2klossless.dcm": "compressed",
    "MR_small_jpeg_ls_lossless.dcm": "compressed",
    "JPEG-lossy.dcm": "compressed",
    "JPEG2000.dcm": "compressed",
    "SC_rgb_jpeg_dcmtk.dcm": "compressed",
}


def sha1(p):
    return hashlib.sha1(Path(p).read_bytes()).hexdigest()


# ---------------------------------------------------------------- generated files

def crop(ds, rows, cols, r0=0, c0=0):
    a = ds.pixel_array[r0:r0 + rows, c0:c0 + cols].copy()
    ds.Rows, ds.Columns = rows, cols
    ds.PixelData = a.astype(a.dtype.newbyteorder("<")).tobytes()
    return a


def save(ds, path, ts, implicit=False, little=True):
    ds.file_meta.TransferSyntaxUID = ts
    ds.is_implicit_VR = implicit
    ds.is_little_endian = little
    path.parent.mkdir(parents=True, exist_ok=True)
    ds.save_as(path, write_like_original=False)


def generate():
    if GEN.exists():
        shutil.rmtree(GEN)
    GEN.mkdir(parents=True)
    mr = lambda: pydicom.dcmread(SRC / "MR_small.dcm")
    ct = lambda: pydicom.dcmread(SRC / "CT_small.dcm")
    notes = {}

    # MONOCHROME1: the package has none we may commit (the CR files under dicomdirtests come from
    # pcir.org without a licence statement). MR_small as 12-bit unsigned MONOCHROME1 with a rescale.
    ds = mr()
    a = ds.pixel_array.astype(np.uint16)
    assert a.max() < 4096
    ds.PhotometricInterpretation = "MONOCHROME1"
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 0
    ds.PixelData = a.astype("<u2").tobytes()
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "1", "-100", "US"
    save(ds, GEN / "MR_small_monochrome1.dcm", ExplicitVRLittleEndian)
    notes["MR_small_monochrome1.dcm"] = "MR_small as 12-bit unsigned MONOCHROME1, RescaleSlope 1, RescaleIntercept -100"

    # a rescale with a slope other than 1 (CT_small's is 1)
    ds = mr()
    ds.RescaleSlope, ds.RescaleIntercept, ds.RescaleType = "0.5", "3.25", "US"
    save(ds, GEN / "MR_small_rescale.dcm", ExplicitVRLittleEndian)
    notes["MR_small_rescale.dcm"] = "MR_small with RescaleSlope 0.5, RescaleIntercept 3.25"

    # 12-bit signed stored in 16 bits, other bits set above HighBit (as old files with overlay
    # planes in the pixel data have): stored values must be masked and sign-extended
    ds = ct()
    hu = crop(ds, 64, 64, 32, 32).astype(np.int32) - 1024
    assert -2048 <= hu.min() and hu.max() < 2048
    junk = (np.arange(hu.size).reshape(hu.shape) % 16) << 12
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 1
    ds.RescaleIntercept = "0"
    ds.PixelData = ((hu & 0x0FFF) | junk).astype("<u2").tobytes()
    save(ds, GEN / "CT_small_12bit_signed.dcm", ExplicitVRLittleEndian)
    notes["CT_small_12bit_signed.dcm"] = ("CT_small 64x64 crop (rows/columns 32..95) in Hounsfield units as 12-bit signed stored values, "
                                          "bits 12..15 filled with a pattern")

    # PALETTE COLOR, 8-bit indices, 200-entry 16-bit LUTs starting at index 20 (clamping both ends)
    ds = mr()
    idx = np.clip(ds.pixel_array.astype(np.int32) * 255 // 2145, 0, 255).astype(np.uint8)
    ds.PhotometricInterpretation = "PALETTE COLOR"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = idx.tobytes()
    n = 200
    i = np.arange(n)
    red = (i * 65535 // (n - 1)).astype("<u2")
    green = (32767.5 + 32767.5 * np.sin(i / 15.0)).astype("<u2")
    blue = (65535 - i * 65535 // (n - 1)).astype("<u2")
    for c, lut in (("Red", red), ("Green", green), ("Blue", blue)):
        tag = pydicom.datadict.tag_for_keyword(c + "PaletteColorLookupTableDescriptor")
        ds[tag] = pydicom.DataElement(tag, "US", [n, 20, 16])
        ds[c + "PaletteColorLookupTableData"] = pydicom.DataElement(
            pydicom.datadict.tag_for_keyword(c + "PaletteColorLookupTableData"), "OW", lut.tobytes())
    for k in ("WindowCenter", "WindowWidth"):
        if k in ds:
            del ds[k]
    save(ds, GEN / "palette_color.dcm", ExplicitVRLittleEndian)
    notes["palette_color.dcm"] = "MR_small scaled to 8-bit indices, PALETTE COLOR, synthetic 200-entry 16-bit LUTs from index 20"

    # Deflated Explicit VR Little Endian (image_dfl.dcm is from dclunie.com, not committed)
    ds = mr()
    save(ds, GEN / "MR_small_deflate.dcm", DeflatedExplicitVRLittleEndian)
    notes["MR_small_deflate.dcm"] = "MR_small re-encoded as Deflated Explicit VR Little Endian"

    # RGB, planar configuration 1, Explicit VR Big Endian, odd size (ExplVR_BigEnd.dcm is from barre.nom.fr)
    ds = mr()
    h, w = 7, 11
    y, x = np.mgrid[0:h, 0:w]
    rgb = np.stack([x * 23, y * 36 + 10, (x * y * 7 + 3) % 256], axis=-1).astype(np.uint8)
    ds.Rows, ds.Columns = h, w
    ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, "RGB", 1
    ds.Modality = "OT"
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
    ds.PixelData = np.ascontiguousarray(rgb.transpose(2, 0, 1)).tobytes()
    del ds.WindowCenter, ds.WindowWidth  # MR_small's window means nothing here (ImageJ would apply it to the RGB values)
    # OB: 8-bit samples in OW would be byte-swapped within words in Big Endian (PS3.5 7.3), which
    # pydicom 2.3 does not do; OB has no such question
    ds["PixelData"].VR = "OB"
    save(ds, GEN / "rgb_planar1_bigendian.dcm", ExplicitVRBigEndian, little=False)
    notes["rgb_planar1_bigendian.dcm"] = "synthetic 11x7 RGB, PlanarConfiguration 1, Explicit VR Big Endian"

    # YBR_FULL and YBR_FULL_422, uncompressed, synthetic (the package's 422 file has equal Y in each pair)
    rng = np.random.default_rng(7)
    h, w = 5, 8
    ybr = rng.integers(0, 256, size=(h, w, 3)).astype(np.uint8)
    for name, pi in (("ybr_full.dcm", "YBR_FULL"), ("ybr_full_422.dcm", "YBR_FULL_422")):
        ds = mr()
        ds.Modality = "OT"
        ds.Rows, ds.Columns = h, w
        ds.SamplesPerPixel, ds.PhotometricInterpretation, ds.PlanarConfiguration = 3, pi, 0
        ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 8, 8, 7, 0
        del ds.WindowCenter, ds.WindowWidth
        if pi == "YBR_FULL":
            ds.PixelData = ybr.tobytes()
        else:  # Y1 Y2 Cb Cr per pair of pixels, chroma of the pair's first pixel
            pairs = ybr.reshape(h, w // 2, 2, 3)
            ds.PixelData = np.stack([pairs[:, :, 0, 0], pairs[:, :, 1, 0], pairs[:, :, 0, 1], pairs[:, :, 0, 2]], axis=-1).tobytes()
        ds["PixelData"].VR = "OB"
        save(ds, GEN / name, ExplicitVRLittleEndian)
        notes[name] = f"synthetic 8x5 random {pi}, uncompressed"

    # 1-bit, 2 frames of 13x11 (frames not byte aligned), liver_1frame.dcm (dcmqi) is not committed
    ds = mr()
    h, w = 11, 13
    c0, c1 = ds.pixel_array[20:20 + h, 20:20 + w], ds.pixel_array[30:30 + h, 10:10 + w]
    f0 = (c0 > np.median(c0)).astype(np.uint8)
    f1 = (c1 > np.median(c1) + 50).astype(np.uint8)
    ds.Rows, ds.Columns, ds.NumberOfFrames = h, w, 2
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 1, 1, 0, 0
    ds.PixelData = pack_bits(np.stack([f0, f1]).ravel())
    save(ds, GEN / "bits1_2frame.dcm", ExplicitVRLittleEndian)
    notes["bits1_2frame.dcm"] = "two thresholded 13x11 crops of MR_small, BitsAllocated 1 (143 bits per frame)"

    # no preamble, no file meta: implicit VR LE, explicit VR LE, explicit VR BE; no file extension
    for name, implicit, little in (("MR_small_nometa_implicit", True, True),
                                   ("MR_small_nometa_explicit", False, True),
                                   ("MR_small_nometa_bigendian", False, False)):
        ds = mr()
        a = ds.pixel_array
        ds.PixelData = a.astype(a.dtype.newbyteorder("<" if little else ">")).tobytes()
        ds.preamble = None
        ds.file_meta = FileMetaDataset()
        ds.is_implicit_VR, ds.is_little_endian = implicit, little
        ds.save_as(GEN / name, write_like_original=True)
        notes[name] = "MR_small dataset alone (no preamble, no file meta), " + (
            "Implicit VR Little Endian" if implicit else "Explicit VR " + ("Little" if little else "Big") + " Endian")

    # Modality LUT Sequence instead of a rescale (CT_small, 32x32 crop), implicit VR
    ds = ct()
    crop(ds, 32, 32, 40, 40)
    del ds.RescaleSlope, ds.RescaleIntercept
    if "RescaleType" in ds:
        del ds.RescaleType
    item = Dataset()
    lut_n, first = 2048, 100
    item.add_new(0x00283002, "US", [lut_n, first, 16])  # LUT Descriptor
    item.ModalityLUTType = "HU"
    item.add_new(0x00283006, "US", [int(1000 * math.sqrt(k)) for k in range(lut_n)])  # LUT Data
    ds.ModalityLUTSequence = Sequence([item])
    save(ds, GEN / "CT_small_modality_lut.dcm", ExplicitVRLittleEndian)
    notes["CT_small_modality_lut.dcm"] = "CT_small 32x32 crop with a 2048-entry Modality LUT Sequence (from 100) instead of the rescale"

    # Enhanced multi-frame: 3 frames with per-frame rescale in the functional groups
    src = mr()
    ds = src
    frames = [src.pixel_array[r:r + 16, c:c + 16].astype(np.uint16) for r, c in ((10, 10), (20, 30), (40, 5))]
    ds.Rows, ds.Columns, ds.NumberOfFrames = 16, 16, 3
    ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 12, 11, 0
    ds.PixelData = np.stack(frames).astype("<u2").tobytes()
    ds.SOPClassUID = "1.2.840.10008.5.1.4.1.1.4.1"  # Enhanced MR Image Storage
    ds.file_meta.MediaStorageSOPClassUID = ds.SOPClassUID
    shared = Dataset()
    pvt = Dataset()
    pvt.RescaleSlope, pvt.RescaleIntercept, pvt.RescaleType = "1", "-50", "US"
    shared.PixelValueTransformationSequence = Sequence([pvt])
    ds.SharedFunctionalGroupsSequence = Sequence([shared])
    per = []
    for k, rescale in enumerate((None, ("2", "0"), ("0.5", "10"))):
        it = Dataset()
        fc = Dataset()
        fc.InStackPositionNumber = k + 1
        it.FrameContentSequence = Sequence([fc])
        if rescale is not None:
            p = Dataset()
            p.RescaleSlope, p.RescaleIntercept, p.RescaleType = rescale[0], rescale[1], "US"
            it.PixelValueTransformationSequence = Sequence([p])
        per.append(it)
    ds.PerFrameFunctionalGroupsSequence = Sequence(per)
    save(ds, GEN / "enhanced_3frame_rescale.dcm", ImplicitVRLittleEndian, implicit=True)
    notes["enhanced_3frame_rescale.dcm"] = ("three 16x16 crops of MR_small, 12-bit unsigned, Implicit VR; rescale in the functional groups: "
                                            "shared 1/-50, frame 2: 2/0, frame 3: 0.5/10")

    # Series for sortSeries: 8x8 crops of MR_small
    series = {}

    def series_file(folder, name, instance=None, position=None, orientation=None, r0=0):
        ds = mr()
        crop(ds, 8, 8, 20 + r0, 20)
        for k in ("InstanceNumber", "ImagePositionPatient", "ImageOrientationPatient"):
            if k in ds:
                del ds[k]
        if instance is not None:
            ds.InstanceNumber = instance
        if position is not None:
            ds.ImagePositionPatient = [f"{v:.4f}" for v in position]
        if orientation is not None:
            ds.ImageOrientationPatient = [f"{v:.4f}" for v in orientation]
        save(ds, GEN / folder / name, ExplicitVRLittleEndian)

    # by InstanceNumber (positions deliberately in another order)
    inst = {"img_b.dcm": 3, "img_c.dcm": 1, "img_a.dcm": 4, "img_d.dcm": 2}
    for k, (name, n) in enumerate(inst.items()):
        series_file("series_instance", name, instance=n, position=[0, 0, 10.0 * k], orientation=[1, 0, 0, 0, 1, 0], r0=k)
    series["series_instance"] = sorted(inst, key=lambda f: inst[f])

    # no InstanceNumber: oblique slices, order by projection on the normal (not by z, not by name)
    row, col = np.array([0.8, 0.0, 0.6]), np.array([0.0, 1.0, 0.0])
    normal = np.cross(row, col)
    pos = {"p3.dcm": (0, 30), "p1.dcm": (5, 0), "p4.dcm": (10, 20), "p2.dcm": (15, -10)}  # (along normal, along row)
    for k, (name, (s, t)) in enumerate(pos.items()):
        series_file("series_position", name, position=list(s * normal + t * row + np.array([-40.0, 12.5, 3.0])),
                    orientation=list(row) + list(col), r0=k)
    key = {}
    for name in pos:
        d = pydicom.dcmread(GEN / "series_position" / name)
        iop = [float(v) for v in d.ImageOrientationPatient]
        nrm = np.cross(iop[:3], iop[3:])
        key[name] = float(np.dot([float(v) for v in d.ImagePositionPatient], nrm))
    series["series_position"] = sorted(pos, key=lambda f: key[f])
    z_order = sorted(pos, key=lambda f: float(pydicom.dcmread(GEN / "series_position" / f).ImagePositionPatient[2]))
    assert z_order != series["series_position"] and sorted(pos) != series["series_position"]

    # neither: file name, numbers compared as numbers
    names = ["10.dcm", "9.dcm", "100.dcm", "9a.dcm"]
    for k, name in enumerate(names):
        series_file("series_names", name, r0=k)

    def natural(s):
        import re
        return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", s)]
    series["series_names"] = sorted(names, key=natural)
    return notes, series


# ---------------------------------------------------------------- expectations

def stored_values(ds, arr):
    """pixel_array limited to the BitsStored bits ending at HighBit, sign-extended if signed."""
    ba, bs, hb = ds.BitsAllocated, ds.BitsStored, ds.HighBit
    if ba == 1 or bs == ba and hb == bs - 1:
        return arr.astype(np.int64)
    raw = arr.astype(np.int64) & ((1 << ba) - 1)
    v = (raw >> (hb + 1 - bs)) & ((1 << bs) - 1)
    if ds.PixelRepresentation == 1:
        v = np.where(v >= 1 << (bs - 1), v - (1 << bs), v)
    return v


def frame_rescale(ds, frame):
    """(slope, intercept) of an enhanced multi-frame file's frame, or None."""
    for seq in ("PerFrameFunctionalGroupsSequence", "SharedFunctionalGroupsSequence"):
        if seq not in ds:
            continue
        items = ds[seq].value
        it = items[frame] if seq.startswith("PerFrame") else items[0]
        if "PixelValueTransformationSequence" in it:
            p = it.PixelValueTransformationSequence[0]
            return float(p.RescaleSlope), float(p.RescaleIntercept)
    return None


def monochrome(ds, arr, frames):
    """float64 [frames, rows, cols] after modality LUT and MONOCHROME1 inversion."""
    v = stored_values(ds, arr).reshape(frames, ds.Rows, ds.Columns)
    bs = ds.BitsStored
    lo_s, hi_s = (-(1 << (bs - 1)), (1 << (bs - 1)) - 1) if ds.PixelRepresentation == 1 else (0, (1 << bs) - 1)
    out = np.empty(v.shape, dtype=np.float64)
    for f in range(frames):
        fr = frame_rescale(ds, f)
        if fr is not None:
            m = lambda x: np.asarray(x, dtype=np.float64) * fr[0] + fr[1]
        elif "ModalityLUTSequence" in ds:
            m = lambda x: apply_modality_lut(np.asarray(x), ds).astype(np.float64)
        else:
            m = lambda x: np.asarray(apply_modality_lut(np.asarray(x, dtype=np.int64), ds), dtype=np.float64)
        out[f] = m(v[f])
        if ds.PhotometricInterpretation == "MONOCHROME1":
            if "ModalityLUTSequence" in ds and fr is None:
                lut = np.asarray(ds.ModalityLUTSequence[0].LUTData, dtype=np.float64)
                lo, hi = lut.min(), lut.max()
            else:
                a, b = float(m(lo_s)), float(m(hi_s))
                lo, hi = min(a, b), max(a, b)
            out[f] = lo + hi - out[f]
    return out


def colour(ds, arr, frames):
    """float64 [frames, rows, cols, 3] as 8-bit (or 16-bit) RGB."""
    pi = ds.PhotometricInterpretation
    if pi == "PALETTE COLOR":
        rgb = apply_color_lut(arr, ds)
        depth = ds.RedPaletteColorLookupTableDescriptor[2]
        rgb = rgb.astype(np.int64)
        if depth == 16:
            rgb >>= 8
    elif pi in ("YBR_FULL", "YBR_FULL_422"):
        rgb = convert_color_space(arr, "YBR_FULL", "RGB")
        # pydicom computes in float32: how often does rounding differ from float64 (as in Java)?
        y, cb, cr = (arr[..., k].astype(np.float64) for k in range(3))
        cb, cr = cb - 128, cr - 128
        f64 = np.clip(np.floor(np.stack([y + 1.402 * cr, y - 0.114 * 1.772 / 0.587 * cb - 0.299 * 1.402 / 0.587 * cr,
                                         y + 1.772 * cb], axis=-1) + 0.5), 0, 255)
        diff = np.abs(f64 - rgb)
        # DicomReaderTest compares every value exactly (float32_sha1): no file whose rounding differs
        assert diff.max() == 0, f"{ds.filename}: float32 and float64 YBR conversion differ in {int((diff > 0).sum())} samples"
    else:
        assert pi == "RGB", pi
        rgb = arr
    return np.asarray(rgb, dtype=np.float64).reshape(frames, ds.Rows, ds.Columns, 3)


def sample_positions(frames, rows, cols, rgb, k=8):
    rng = np.random.default_rng(1234)
    pos = [(0, 0, 0), (frames - 1, rows - 1, cols - 1), (frames // 2, rows // 2, cols // 2)]
    while len(pos) < k:
        pos.append((int(rng.integers(frames)), int(rng.integers(rows)), int(rng.integers(cols))))
    out = []
    for i, (f, r, c) in enumerate(pos):
        out.append([f, r, c, i % 3] if rgb else [f, r, c])
    return out


def expectation(path, expect_error):
    ds = pydicom.dcmread(path, force=True)
    ts = ds.file_meta.get("TransferSyntaxUID")
    if ts is None:  # dataset without file meta (written here): encoding as pydicom detected it
        ts = ImplicitVRLittleEndian if ds.is_implicit_VR else (
            ExplicitVRLittleEndian if ds.is_little_endian else ExplicitVRBigEndian)
        ds.file_meta.TransferSyntaxUID = ts
    e = {
        "file": str(path.relative_to(OUT)),
        "sha1": sha1(path),
        "transfer_syntax": str(ts),
        "transfer_syntax_name": UID(ts).name,
        "modality": ds.get("Modality"),
        "rows": ds.Rows,
        "columns": ds.Columns,
        "frames": int(ds.get("NumberOfFrames", 1) or 1),
        "samples_per_pixel": ds.SamplesPerPixel,
        "photometric": ds.PhotometricInterpretation,
        "bits_allocated": ds.BitsAllocated,
        "bits_stored": ds.BitsStored,
        "pixel_representation": ds.PixelRepresentation,
    }
    if "RescaleSlope" in ds:
        e["rescale_slope"] = float(ds.RescaleSlope)
        e["rescale_intercept"] = float(ds.RescaleIntercept)
    if "InstanceNumber" in ds and ds.InstanceNumber is not None:
        e["instance_number"] = int(ds.InstanceNumber)
    try:
        arr = ds.pixel_array
        e["pydicom_decodes"] = True
        if ts == RLELossless:
            # decoded by pydicom's pure-numpy RLE handler (PS3.5 Annex G), not by GDCM or another plugin
            handlers = pydicom.config.pixel_data_handlers
            try:
                pydicom.config.pixel_data_handlers = [rle_handler]
                assert np.array_equal(pydicom.dcmread(path, force=True).pixel_array, arr), path
            finally:
                pydicom.config.pixel_data_handlers = handlers
            e["pydicom_handler"] = "rle_handler"
    except Exception as ex:  # noqa: BLE001 - recorded, the Java test expects an error for these
        arr = None
        e["pydicom_decodes"] = False
        e["pydicom_error"] = f"{type(ex).__name__}: {str(ex)[:160]}"
    if expect_error:
        e["expect_error"] = expect_error
        return e
    assert arr is not None, path
    frames = e["frames"]
    rgb = ds.SamplesPerPixel == 3 or ds.PhotometricInterpretation == "PALETTE COLOR"
    v = colour(ds, arr, frames) if rgb else monochrome(ds, arr, frames)
    e["channels"] = 3 if rgb else 1
    stats = []
    for f in range(frames):
        x = v[f]
        s = {"min": float(x.min()), "max": float(x.max()), "mean": float(x.mean()), "sum": float(x.sum())}
        if rgb:
            s["channel_means"] = [float(x[..., c].mean()) for c in range(3)]
        # every value: SHA-1 of the frame as float32 little endian, channel-major [C, H, W]
        chw = np.moveaxis(x, -1, 0) if rgb else x
        s["float32_sha1"] = hashlib.sha1(np.ascontiguousarray(chw).astype("<f4").tobytes()).hexdigest()
        stats.append(s)
    e["frame_stats"] = stats
    e["pixels"] = [p + [float(v[tuple(p)])] for p in sample_positions(frames, ds.Rows, ds.Columns, rgb)]
    return e


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copyfile(SRC / name, OUT / name)
    notes, series = generate()
    files = []
    for name, err in COPIED.items():
        files.append(expectation(OUT / name, err))
    for name in sorted(notes):
        e = expectation(GEN / name, None)
        e["generated"] = notes[name]
        files.append(e)
    doc = {
        "generator": "scripts/make_dicom_expectations.py with pydicom " + pydicom.__version__ + ", numpy " + np.__version__,
        "conventions": __doc__.split("Conventions, identical in DicomReader.java:")[1].strip(),
        "files": files,
        "series": series,
    }
    (OUT / "expected.json").write_text(json.dumps(doc, indent=1) + "\n")
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"{len(files)} files, {total} bytes under {OUT}")


if __name__ == "__main__":
    main()
