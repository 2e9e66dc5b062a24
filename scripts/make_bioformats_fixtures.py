#!/usr/bin/python3
"""Test files and expected values for BioFormatsRealLibraryTest (the Bio-Formats adapter against the
real library in ../shared/bioformats/jars).

Run with Debian's Python and its packages (python3-numpy, python3-pil, python3-tifffile,
python3-pydicom, python3-nibabel):

    /usr/bin/python3 scripts/make_bioformats_fixtures.py [PYDICOM_TEST_FILES_DIR]

It writes into src/test/resources/data/bioformats/:

1. generated images with known patterns (numpy + Pillow / tifffile, never Bio-Formats or DuoDistill),
2. two pydicom test files not already under data/dicom/ (same source and licence, see README.md),
3. expected.json: for every case, the planes an independent reader (numpy pattern, Pillow, tifffile,
   pydicom, nibabel) gives, channel-major [C, H, W], either every value ("values") or, for lossy
   codecs whose decoders may differ by a grey level, 8x8 block means ("block8").

Conventions the Java adapter is held to (the same as its Javadoc):
* alpha is dropped: RGBA gives RGB, grey+alpha gives grey;
* indexed colour gives the palette's colours (3 channels), not the indices;
* planes come by (t, z): for each time point, every z; the channels of one (z, t) are one sample:
  one channel is grey, two or three channels are red, green (, blue) with blue 0 for two;
* pyramids: the smallest level whose shorter side is still at least the target size;
* thumbnail, label and macro series are skipped.
"""
import hashlib
import json
import os
import shutil
import sys

import nibabel
import numpy as np
import pydicom
import tifffile
from PIL import Image
from pydicom.pixel_data_handlers.util import convert_color_space

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "src/test/resources/data/bioformats")
DICOM = os.path.join(ROOT, "src/test/resources/data/dicom")
NIFTI = os.path.join(ROOT, "src/test/resources/data/nifti")
PYDICOM = sys.argv[1] if len(sys.argv) > 1 else "/usr/lib/python3/dist-packages/pydicom/data/test_files"
COPIED = ["SC_rgb_jpeg_gdcm.dcm", "JPEG2000-embedded-sequence-delimiter.dcm"]


def channel_major(a):
    """[H, W] or [H, W, C] -> float64 [C, H, W]."""
    a = np.asarray(a, dtype=np.float64)
    return a[None] if a.ndim == 2 else np.moveaxis(a, -1, 0)


def chw(a):
    """Flat channel-major list, integers where the value is one."""
    return [int(v) if float(v).is_integer() else float(v) for v in channel_major(a).ravel()]


def block8(a):
    a = channel_major(a)
    c, h, w = a.shape
    b = a[:, : h // 8 * 8, : w // 8 * 8].reshape(c, h // 8, 8, w // 8, 8).mean(axis=(2, 4))
    return [round(float(v), 4) for v in b.ravel()]


def plane(a, lossy=False):
    """Expected plane: every value when small; for larger lossless planes the SHA-1 of the values as
    float32 little endian, channel-major (every value compared, compactly) plus 8x8 block means to
    say where they differ; for lossy codecs 8x8 block means only."""
    a = np.asarray(a)
    c = 1 if a.ndim == 2 else a.shape[-1]
    p = {"width": int(a.shape[1]), "height": int(a.shape[0]), "channels": int(c)}
    if lossy:
        p["block8"] = block8(a)
    elif a.size <= 5000:
        p["values"] = chw(a)
    else:
        p["float32_sha1"] = hashlib.sha1(np.asarray(chw(a), dtype="<f4").tobytes()).hexdigest()
        p["block8"] = block8(a)
    return p


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in COPIED:
        shutil.copyfile(os.path.join(PYDICOM, f), os.path.join(OUT, f))
    cases = []
    y, x = np.mgrid[0:32, 0:48]

    # 16-bit TIFF, two pages, values above 32767 (unsigned)
    pages = np.stack([40000 + 1000 * p + 7 * y + 3 * x for p in range(2)]).astype(np.uint16)
    tifffile.imwrite(os.path.join(OUT, "gray16.tif"), pages, photometric="minisblack")
    cases.append({"file": "gray16.tif", "what": "16-bit unsigned TIFF, 2 pages", "planes": [plane(p) for p in pages]})

    # RGBA PNG: alpha varies and must not leak into the colours
    y2, x2 = np.mgrid[0:30, 0:40]
    rgba = np.stack([x2 * 6, y2 * 8, np.full_like(x2, 100), (x2 * y2) % 256], -1).astype(np.uint8)
    Image.fromarray(rgba, "RGBA").save(os.path.join(OUT, "rgba.png"))
    cases.append({"file": "rgba.png", "what": "RGBA PNG: RGB kept, alpha dropped", "planes": [plane(rgba[..., :3])]})

    # grey + alpha PNG
    la = np.stack([x2 + 2 * y2, 255 - x2], -1).astype(np.uint8)
    Image.fromarray(la, "LA").save(os.path.join(OUT, "gray_alpha.png"))
    cases.append({"file": "gray_alpha.png", "what": "grey+alpha PNG: grey kept, alpha dropped", "planes": [plane(la[..., 0])]})

    # palette GIF and palette PNG: indices map to colours unrelated to the index order
    idx = ((x2 + 3 * y2) % 64).astype(np.uint8)
    pal = np.array([[(i * 37) % 256, (255 - 4 * i) % 256, (i * 7 + 11) % 256] for i in range(256)], dtype=np.uint8)
    for name in ("palette.gif", "palette.png"):
        im = Image.fromarray(idx, "P")
        im.putpalette(pal.ravel().tolist())
        im.save(os.path.join(OUT, name))
        back = np.asarray(Image.open(os.path.join(OUT, name)).convert("RGB"))
        assert (back == pal[idx]).all(), name
        cases.append({"file": name, "what": "indexed colour: the palette's colours", "planes": [plane(pal[idx])]})

    # multi-channel z-stack with time: OME-TIFF stored channel-fastest (DimensionOrder XYCZT)
    t_, z_, c_ = 2, 4, 2
    y3, x3 = np.mgrid[0:16, 0:24]
    stack = np.zeros((t_, z_, c_, 16, 24), np.uint16)
    for t in range(t_):
        for z in range(z_):
            for c in range(c_):
                stack[t, z, c] = 10000 * t + 1000 * z + 100 * c + (x3 + y3) % 50
    tifffile.imwrite(os.path.join(OUT, "zstack.ome.tif"), stack, metadata={"axes": "TZCYX"}, photometric="minisblack")
    zplanes = []
    for t in range(t_):
        for z in range(z_):
            rgb = np.stack([stack[t, z, 0], stack[t, z, 1], np.zeros_like(stack[t, z, 0])], -1)
            zplanes.append(plane(rgb))
    cases.append({"file": "zstack.ome.tif", "what": "T=2 Z=4 C=2 OME-TIFF (XYCZT): planes by (t, z), channels red, green",
                  "sizes": {"t": t_, "z": z_, "c": c_}, "planes": zplanes})

    # Aperio-SVS-like slide: 3-level tiled pyramid (blue = 10 x level), thumbnail, label, macro
    def level(lv):
        h, w = 192 >> lv, 256 >> lv
        yy, xx = np.mgrid[0:h, 0:w]
        return np.stack([(xx * (1 << lv)) // 16 * 16 % 256, (yy * (1 << lv)) // 16 * 16 % 256, np.full_like(xx, 10 * lv)], -1).astype(np.uint8)

    head = "Aperio Image Library v11.2.1 \r\n256x192 [0,0 256x192] (64x64) RAW/RGB|AppMag = 20|MPP = 0.5"
    with tifffile.TiffWriter(os.path.join(OUT, "slide.svs")) as tw:
        tw.write(level(0), tile=(64, 64), photometric="rgb", description=head, compression="zlib")
        tw.write(level(3), photometric="rgb", description="Aperio Image Library v11.2.1 \r\n256x192 -> 32x24 - |AppMag = 20",
                 compression="zlib")
        for lv in (1, 2):
            tw.write(level(lv), tile=(32, 32), photometric="rgb", compression="zlib",
                     description="Aperio Image Library v11.2.1 \r\n256x192 -> %dx%d - |AppMag = 20" % (256 >> lv, 192 >> lv))
        tw.write(np.full((40, 60, 3), 200, np.uint8), photometric="rgb", subfiletype=1, compression="zlib",
                 description="Aperio Image Library v11.2.1\r\nlabel 60x40")
        tw.write(np.full((40, 120, 3), 50, np.uint8), photometric="rgb", subfiletype=9, compression="zlib",
                 description="Aperio Image Library v11.2.1\r\nmacro 120x40")
    cases.append({"file": "slide.svs", "what": "Aperio SVS: pyramid 256x192, 128x96, 64x48; blue = 10 x level; "
                  "thumbnail, label and macro images", "levels": [[256, 192], [128, 96], [64, 48]],
                  "planes_by_level": [plane(level(lv)) if lv == 2 else {"width": 256 >> lv, "height": 192 >> lv, "channels": 3,
                                      "blue": 10 * lv} for lv in range(3)]})

    # DICOM through Bio-Formats: stored values as pydicom reads them (no modality LUT: Bio-Formats
    # gives stored values); lossless codecs exactly, lossy ones as 8x8 block means
    def dcm(path):
        return pydicom.dcmread(path).pixel_array

    mr = dcm(os.path.join(DICOM, "MR_small.dcm"))
    sc_rgb = dcm(os.path.join(DICOM, "SC_rgb_rle.dcm"))
    j2k = dcm(os.path.join(DICOM, "JPEG2000.dcm"))
    # Pillow decodes the JPEG but leaves YBR_FULL as it is; pydicom converts it (PS3.3 C.7.6.3.1.2)
    jpeg = convert_color_space(dcm(os.path.join(DICOM, "SC_rgb_jpeg_dcmtk.dcm")), "YBR_FULL", "RGB")
    rtdose = dcm(os.path.join(DICOM, "rtdose.dcm"))
    dicom = [
        ("../dicom/SC_rgb_jpeg_dcmtk.dcm", "JPEG Baseline, YBR_FULL (lossy): Pillow's decoding, converted to RGB by pydicom", [plane(jpeg, lossy=True)]),
        ("SC_rgb_jpeg_gdcm.dcm", "JPEG Lossless (process 14, SV1), RGB: the values of SC_rgb (pydicom cannot decode it; "
         "SC_rgb_rle.dcm is the same image, RLE)", [plane(sc_rgb)]),
        ("../dicom/MR_small_jp2klossless.dcm", "JPEG 2000 lossless: the values of MR_small", [plane(mr)]),
        ("../dicom/JPEG2000.dcm", "JPEG 2000 (lossy, 16-bit signed): Pillow/OpenJPEG's decoding", [plane(j2k, lossy=True)]),
        ("../dicom/MR_small_RLE.dcm", "RLE Lossless: the values of MR_small (Bio-Formats 8.0.0 gets the last pixel wrong)",
         [plane(mr)]),
        ("../dicom/rtdose.dcm", "multi-frame, 15 frames of 10x10 uint32", [plane(f) for f in rtdose]),
    ]
    for f, what, planes in dicom:
        cases.append({"file": f, "what": what, "planes": planes})
    # Files every reader fails on, Bio-Formats 8.0.0 included (what it says is checked in the test)
    failing = [
        {"file": "JPEG2000-embedded-sequence-delimiter.dcm", "what": "JPEG 2000 with a sequence delimiter inside the "
         "fragment: Pillow and Bio-Formats 8.0.0 both fail", "bio_formats_says": "Codestream"},
        {"file": "../dicom/JPEG-lossy.dcm", "what": "12-bit JPEG Extended (process 4): pydicom has no decoder, "
         "Bio-Formats 8.0.0 fails", "bio_formats_says": "ArrayIndexOutOfBoundsException"},
    ]

    # NIfTI-1 through Bio-Formats: nibabel's data array, one plane per z; row y of a plane is the
    # array's second index (no flip), as the comparison in the test states
    vol = np.asarray(nibabel.load(os.path.join(NIFTI, "anatomical.nii")).dataobj)
    zs = [0, vol.shape[2] // 2, vol.shape[2] - 1]
    cases.append({"file": "../nifti/anatomical.nii", "what": "NIfTI-1 volume, nibabel's array[:, :, z] transposed to [y, x]",
                  "plane_count": int(vol.shape[2]), "plane_indices": zs, "planes": [plane(vol[:, :, z].T) for z in zs]})

    with open(os.path.join(OUT, "expected.json"), "w") as fh:
        json.dump({"generator": "scripts/make_bioformats_fixtures.py", "numpy": np.__version__, "tifffile": tifffile.__version__,
                   "pydicom": pydicom.__version__, "nibabel": nibabel.__version__, "cases": cases, "failing": failing}, fh, separators=(",", ":"))


if __name__ == "__main__":
    main()
