#!/usr/bin/env python3
"""Build the DuoDistill sample data set: 2-D MRI slices labelled by slice orientation.

Task: classify a 64x64 grayscale brain MRI slice as ``axial``, ``coronal`` or
``sagittal``.  The slices are cut from three real, freely licensed NIfTI-1 MRI
volumes that ship in Debian packages:

  ch2        mricron-data             usr/share/mricron/templates/ch2.nii.gz
  kmeans     insighttoolkit5-examples usr/share/doc/insighttoolkit5-examples/examples/Data/KmeansTest_T1UCharRaw.nii.gz
  example4d  python3-nibabel          usr/lib/python3/dist-packages/nibabel/tests/data/example4d.nii.gz

Only the Python standard library is used (no numpy / PIL), so any python3 runs it:

  python3 scripts/make_sample_images.py                      # downloads the .debs with apt-get download
  python3 scripts/make_sample_images.py --debs-dir /tmp/deb/x  # use already extracted packages (or a dir of .debs)

Labels come from the NIfTI affine (sform if sform_code > 0, else the qform
quaternion, else pixdim): every voxel axis is matched to the closest world (RAS)
axis, and a slice cut perpendicular to world z / y / x is labelled axial /
coronal / sagittal.  Each slice is displayed in a fixed anatomical orientation,
whatever the file's storage order:

  axial     image right = subject's right (+x), image top = anterior  (+y)
  coronal   image right = subject's right (+x), image top = superior  (+z)
  sagittal  image right = posterior       (-y), image top = superior  (+z)

(i.e. neurological left/right convention; sagittal slices face left.)  The
physical extent of the slice (voxel counts x voxel spacing) is fitted into a
square 64x64 canvas keeping the aspect ratio, padded with 0.  The output is
deterministic: running the script twice gives the same bytes.
"""

import argparse
import array
import glob
import gzip
import hashlib
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

CLASSES = ("axial", "coronal", "sagittal")
# Slice normal (world axis index in RAS) for each class.
CLASS_NORMAL = {"axial": 2, "coronal": 1, "sagittal": 0}
# In-plane display axes: (horizontal world axis, sign so that value grows to the
# right), (vertical world axis, sign so that value grows upwards).
DISPLAY = {
    "axial": ((0, +1), (1, +1)),     # right = +x (R), up = +y (A)
    "coronal": ((0, +1), (2, +1)),   # right = +x (R), up = +z (S)
    "sagittal": ((1, -1), (2, +1)),  # right = -y (P), up = +z (S)
}

SIZE = 64
EMPTY_FRACTION = 0.15   # a slice needs >= 15% of its voxels ...
EMPTY_LEVEL = 0.10      # ... above 10% of the volume's robust (99.5th percentile) max
P_LOW, P_HIGH = 0.5, 99.5

SOURCES = [
    {
        "name": "ch2",
        "package": "mricron-data",
        "path": "usr/share/mricron/templates/ch2.nii.gz",
        "license": "BSD-3-Clause",
        "upstream": "MRIcron (Chris Rorden), https://www.nitrc.org/projects/mricron",
        "copyright": "Copyright 2006-2010, Chris Rorden",
        "what": "'ch2' single-subject T1-weighted head template of MRIcron (MNI space, 1 mm)",
    },
    {
        "name": "kmeans",
        "package": "insighttoolkit5-examples",
        "path": "usr/share/doc/insighttoolkit5-examples/examples/Data/KmeansTest_T1UCharRaw.nii.gz",
        "license": "Apache-2.0",
        "upstream": "Insight Toolkit (ITK), https://itk.org",
        "copyright": "Copyright 1999-2019 Insight Software Consortium; Copyright 2020 NumFOCUS",
        "what": "T1-weighted head MRI used by the ITK k-means example (128x128x62, 2x2x3 mm)",
    },
    {
        "name": "example4d",
        "package": "python3-nibabel",
        "path": "usr/lib/python3/dist-packages/nibabel/tests/data/example4d.nii.gz",
        "license": "MIT",
        "upstream": "NiBabel, https://nipy.org/nibabel/ (https://github.com/nipy/nibabel)",
        "copyright": ("Copyright 2006-2011 Michael Hanke, 2009-2012 Matthew Brett, "
                      "2010-2011 Stephan Gerhard, 2011 Christian Haselgrove, "
                      "2010-2011 Jarrod Millman, 2011-2012 Yaroslav Halchenko "
                      "(and the NiBabel developers)"),
        "what": "4-D functional (EPI) MRI test file of NiBabel, first volume only (128x96x24, 2x2x2.2 mm)",
    },
]


# --------------------------------------------------------------------------
# Fetching the Debian packages
# --------------------------------------------------------------------------

def run(cmd, cwd=None):
    return subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True).stdout


def deb_version_from_changelog(root, package):
    """Version from the first line of usr/share/doc/<pkg>/changelog.Debian.gz."""
    path = os.path.join(root, "usr", "share", "doc", package, "changelog.Debian.gz")
    if not os.path.isfile(path):
        return None
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
        line = f.readline()
    if "(" in line and ")" in line:
        return line[line.index("(") + 1:line.index(")")]
    return None


def prepare_sources(debs_dir, workdir):
    """Return (root of the extracted packages, {package: version})."""
    packages = sorted({s["package"] for s in SOURCES})
    versions = {}
    debs = {}
    if debs_dir is None:
        dl = os.path.join(workdir, "debs")
        os.makedirs(dl)
        print("apt-get download %s" % " ".join(packages), file=sys.stderr)
        try:
            run(["apt-get", "download"] + packages, cwd=dl)
        except (OSError, subprocess.CalledProcessError) as e:
            sys.exit("apt-get download failed (%s); run 'apt-get update' first or pass "
                     "--debs-dir with the packages' .deb files or their extracted tree" % e)
        search_dirs = [dl]
    else:
        search_dirs = [debs_dir, os.path.dirname(os.path.abspath(debs_dir))]
    for d in search_dirs:
        for pkg in packages:
            if pkg not in debs:
                found = sorted(glob.glob(os.path.join(d, pkg + "_*.deb")))
                if found:
                    debs[pkg] = found[-1]
    for pkg, deb in debs.items():
        versions[pkg] = run(["dpkg-deb", "-f", deb, "Version"]).strip()

    root = debs_dir
    if debs_dir is None or not all(os.path.isfile(os.path.join(debs_dir, s["path"]))
                                   for s in SOURCES):
        # Not an extracted tree: extract the .deb files (no installation).
        root = os.path.join(workdir, "x")
        os.makedirs(root)
        for pkg in packages:
            if pkg not in debs:
                sys.exit("no %s_*.deb found in %s" % (pkg, search_dirs[0]))
            run(["dpkg-deb", "-x", debs[pkg], root])
    for pkg in packages:
        if pkg not in versions:
            v = deb_version_from_changelog(root, pkg)
            versions[pkg] = v if v else "unknown"
    return root, versions


# --------------------------------------------------------------------------
# NIfTI-1 reading
# --------------------------------------------------------------------------

# datatype code -> (array typecode candidates, bytes per voxel)
DATATYPES = {
    2: ("B", 1),      # uint8
    4: ("h", 2),      # int16
    8: ("i", 4),      # int32
    16: ("f", 4),     # float32
    64: ("d", 8),     # float64
    256: ("b", 1),    # int8
    512: ("H", 2),    # uint16
    768: ("I", 4),    # uint32
    1024: ("q", 8),   # int64
    1280: ("Q", 8),   # uint64
}


def _typecode(code, size):
    """An array typecode with the requested item size (int/long differ by platform)."""
    candidates = {"i": "il", "I": "IL", "q": "ql", "Q": "QL"}.get(code, code)
    for c in candidates:
        if array.array(c).itemsize == size:
            return c
    raise ValueError("no array typecode of size %d for %s" % (size, code))


class Volume(object):
    pass


def quaternion_affine(b, c, d, qfac, pix, offs):
    a2 = 1.0 - (b * b + c * c + d * d)
    if a2 < 1e-7:   # 180 degree rotation: a = 0 (renormalise b, c, d)
        n = math.sqrt(b * b + c * c + d * d)
        b, c, d, a = b / n, c / n, d / n, 0.0
    else:
        a = math.sqrt(a2)
    r = [[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
         [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
         [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b]]
    scale = [pix[1], pix[2], pix[3] * qfac]
    return [[r[i][j] * scale[j] for j in range(3)] + [offs[i]] for i in range(3)]


def read_nifti(path):
    with gzip.open(path, "rb") if path.endswith(".gz") else open(path, "rb") as f:
        data = f.read()
    if len(data) < 348:
        raise ValueError("%s: too short for a NIfTI-1 header" % path)
    if struct.unpack("<i", data[0:4])[0] == 348:
        e = "<"
    elif struct.unpack(">i", data[0:4])[0] == 348:
        e = ">"
    else:
        raise ValueError("%s: sizeof_hdr is not 348, not NIfTI-1" % path)
    magic = data[344:348]
    if magic != b"n+1\0":
        raise ValueError("%s: magic %r, only single-file NIfTI-1 (n+1) is supported" % (path, magic))
    dim = struct.unpack(e + "8h", data[40:56])
    datatype, bitpix = struct.unpack(e + "2h", data[70:74])
    pixdim = struct.unpack(e + "8f", data[76:108])
    vox_offset, scl_slope, scl_inter = struct.unpack(e + "3f", data[108:120])
    qform_code, sform_code = struct.unpack(e + "2h", data[252:256])
    qb, qc, qd, qx, qy, qz = struct.unpack(e + "6f", data[256:280])
    srow = struct.unpack(e + "12f", data[280:328])

    if datatype not in DATATYPES:
        raise ValueError("%s: unsupported NIfTI datatype %d" % (path, datatype))
    code, nbytes = DATATYPES[datatype]
    if bitpix != 8 * nbytes:
        raise ValueError("%s: bitpix %d does not match datatype %d" % (path, bitpix, datatype))
    ndim = dim[0]
    if not 3 <= ndim <= 7:
        raise ValueError("%s: need a 3-D (or higher) image, dim[0] = %d" % (path, ndim))
    nx, ny, nz = dim[1], dim[2], dim[3]
    count = nx * ny * nz                       # first 3-D volume only
    start = int(vox_offset)
    raw = data[start:start + count * nbytes]
    if len(raw) != count * nbytes:
        raise ValueError("%s: truncated voxel data" % path)
    arr = array.array(_typecode(code, nbytes))
    arr.frombytes(raw)
    if (e == "<") != (sys.byteorder == "little"):
        arr.byteswap()

    slope = scl_slope if (scl_slope == scl_slope and scl_slope != 0.0) else 1.0
    inter = scl_inter if scl_inter == scl_inter else 0.0
    if code in "fd" or slope != 1.0 or inter != 0.0:
        arr = array.array("d", (v * slope + inter if v == v else 0.0 for v in arr))

    if sform_code > 0:
        affine = [list(srow[0:4]), list(srow[4:8]), list(srow[8:12])]
        source = "sform"
    elif qform_code > 0:
        qfac = -1.0 if pixdim[0] < 0 else 1.0
        affine = quaternion_affine(qb, qc, qd, qfac, pixdim, (qx, qy, qz))
        source = "qform"
    else:
        affine = [[pixdim[1], 0, 0, 0], [0, pixdim[2], 0, 0], [0, 0, pixdim[3], 0]]
        source = "pixdim"

    v = Volume()
    v.path, v.shape, v.data = path, (nx, ny, nz), arr
    v.datatype, v.affine, v.affine_source = datatype, affine, source
    v.strides = (1, nx, nx * ny)
    # axis_world[k] = world axis closest to voxel axis k; axis_sign[k] = +1/-1;
    # spacing[k] = length of the voxel step along axis k (mm)
    cols = [[affine[r][k] for r in range(3)] for k in range(3)]
    v.spacing = [math.sqrt(sum(c * c for c in col)) or 1.0 for col in cols]
    best = None
    for perm in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        score = sum(abs(cols[k][perm[k]]) / v.spacing[k] for k in range(3))
        if best is None or score > best[0] + 1e-9:
            best = (score, perm)
    v.axis_world = best[1]
    v.axis_sign = [1 if cols[k][v.axis_world[k]] >= 0 else -1 for k in range(3)]
    v.voxel_axis_of_world = [v.axis_world.index(w) for w in range(3)]
    return v


# --------------------------------------------------------------------------
# Small numeric helpers
# --------------------------------------------------------------------------

def percentile(sorted_vals, p):
    """Linear-interpolation percentile (like numpy's default) of a sorted list."""
    n = len(sorted_vals)
    if n == 0:
        return 0.0
    pos = (n - 1) * p / 100.0
    lo = int(math.floor(pos))
    hi = min(lo + 1, n - 1)
    return sorted_vals[lo] + (sorted_vals[hi] - sorted_vals[lo]) * (pos - lo)


def get_slice(vol, k, s):
    """Voxel values of slice s across voxel axis k: {axis p: index} -> rows.

    Returns (p, q, rows) where p < q are the other two voxel axes and
    rows[ip][iq] is the voxel value."""
    p, q = [a for a in range(3) if a != k]
    st, n = vol.strides, vol.shape
    base = s * st[k]
    rows = []
    for ip in range(n[p]):
        start = base + ip * st[p]
        rows.append(vol.data[start:start + st[q] * n[q]:st[q]].tolist())
    return p, q, rows


def filter_weights(n_in, spacing, sign, scale, offset):
    """1-D resampling weights for one display axis.

    n_in voxels of size `spacing` mm, displayed in the direction `sign` (+1:
    voxel index grows with the display coordinate).  `scale` is output pixels
    per mm, `offset` the first output pixel coordinate of the content.
    Returns a list over output pixels of None (padding) or [(index, weight)]."""
    extent = n_in * spacing
    ratio = 1.0 / (scale * spacing)          # input voxels per output pixel
    support = max(1.0, ratio)                # tent filter half-width in voxels
    out = []
    for j in range(SIZE):
        u = (j + 0.5 - offset) / scale       # mm from the content's start
        if u < 0.0 or u > extent:
            out.append(None)
            continue
        x = u / spacing - 0.5                # continuous voxel index (centres at i + .5)
        lo = max(0, int(math.floor(x - support)))
        hi = min(n_in - 1, int(math.ceil(x + support)))
        ws = []
        for i in range(lo, hi + 1):
            w = 1.0 - abs(i - x) / support
            if w > 0:
                ws.append((i if sign > 0 else n_in - 1 - i, w))
        if not ws:  # beyond the outermost voxel centre: nearest voxel
            i = min(n_in - 1, max(0, int(round(x))))
            ws = [(i if sign > 0 else n_in - 1 - i, 1.0)]
        tot = sum(w for _, w in ws)
        out.append([(i, w / tot) for i, w in ws])
    return out


def render_slice(vol, cls, s):
    """Resample slice s (perpendicular to the class's world axis) to 64x64 bytes rows."""
    k = vol.voxel_axis_of_world[CLASS_NORMAL[cls]]
    p, q, rows = get_slice(vol, k, s)
    (hw, hsign), (vw, vsign) = DISPLAY[cls]
    h_axis = vol.voxel_axis_of_world[hw]     # voxel axis shown horizontally
    v_axis = vol.voxel_axis_of_world[vw]     # voxel axis shown vertically
    assert {h_axis, v_axis} == {p, q}
    n_h, n_v = vol.shape[h_axis], vol.shape[v_axis]
    d_h, d_v = vol.spacing[h_axis], vol.spacing[v_axis]
    w_mm, h_mm = n_h * d_h, n_v * d_v
    scale = SIZE / max(w_mm, h_mm)
    off_h = (SIZE - w_mm * scale) / 2.0
    off_v = (SIZE - h_mm * scale) / 2.0
    # Horizontal: display right = world +hw * hsign.  Voxel index grows right if
    # the voxel axis points along that direction.
    wh = filter_weights(n_h, d_h, vol.axis_sign[h_axis] * hsign, scale, off_h)
    # Vertical: rows go downwards, display up = world +vw * vsign, so a voxel
    # index grows downwards if the voxel axis points opposite to "up".
    wv = filter_weights(n_v, d_v, -vol.axis_sign[v_axis] * vsign, scale, off_v)

    # grid[iv][ih]
    if v_axis == p:
        grid = rows
    else:
        grid = [list(col) for col in zip(*rows)]

    vals = sorted(v for row in grid for v in row)
    lo, hi = percentile(vals, P_LOW), percentile(vals, P_HIGH)
    if hi <= lo:
        hi = lo + 1.0

    tmp = {}  # horizontally resampled rows, by input row index
    def hrow(iv):
        r = tmp.get(iv)
        if r is None:
            src = grid[iv]
            r = [None if ws is None else sum(src[i] * w for i, w in ws) for ws in wh]
            tmp[iv] = r
        return r

    out = []
    span = 255.0 / (hi - lo)
    for r in range(SIZE):
        ws_v = wv[r]
        if ws_v is None:
            out.append(bytes(SIZE))
            continue
        acc = [0.0] * SIZE
        for iv, w in ws_v:
            hr = hrow(iv)
            for c in range(SIZE):
                if hr[c] is not None:
                    acc[c] += hr[c] * w
        line = bytearray(SIZE)
        for c in range(SIZE):
            if wh[c] is None:
                continue
            g = (acc[c] - lo) * span
            line[c] = 0 if g <= 0 else 255 if g >= 255 else int(g + 0.5)
        out.append(bytes(line))
    return out


def nonempty_slices(vol, k, mask):
    """Indices s of slices across voxel axis k with enough voxels set in mask
    (bytes, 1 where the voxel is above the threshold)."""
    nx, ny, nz = vol.shape
    n = vol.shape
    per_slice = (n[0] * n[1] * n[2]) // n[k]
    keep = []
    for s in range(n[k]):
        if k == 0:
            cnt = mask[s::nx].count(1)
        elif k == 1:
            cnt = sum(mask[z * nx * ny + s * nx: z * nx * ny + (s + 1) * nx].count(1)
                      for z in range(nz))
        else:
            cnt = mask[s * nx * ny:(s + 1) * nx * ny].count(1)
        if cnt >= EMPTY_FRACTION * per_slice:
            keep.append(s)
    return keep


def pick_evenly(candidates, n):
    """n items evenly spaced (by rank) through the sorted candidate list."""
    if n >= len(candidates):
        return list(candidates)
    if n == 1:
        return [candidates[len(candidates) // 2]]
    return [candidates[int(round(i * (len(candidates) - 1) / float(n - 1)))] for i in range(n)]


# --------------------------------------------------------------------------
# PNG writing
# --------------------------------------------------------------------------

def _png_chunk(tag, payload):
    return (struct.pack(">I", len(payload)) + tag + payload +
            struct.pack(">I", zlib.crc32(tag + payload) & 0xffffffff))


def png_gray8(rows):
    """8-bit grayscale PNG; per row the filter with the smallest sum of |residual|."""
    width, height = len(rows[0]), len(rows)
    prev = bytes(width)
    raw = bytearray()
    for row in rows:
        cands = []
        sub = bytes((row[i] - (row[i - 1] if i else 0)) & 255 for i in range(width))
        up = bytes((row[i] - prev[i]) & 255 for i in range(width))
        avg = bytes((row[i] - (((row[i - 1] if i else 0) + prev[i]) >> 1)) & 255
                    for i in range(width))
        paeth = bytearray(width)
        for i in range(width):
            a = row[i - 1] if i else 0
            b = prev[i]
            c = prev[i - 1] if i else 0
            pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
            pred = a if (pa <= pb and pa <= pc) else (b if pb <= pc else c)
            paeth[i] = (row[i] - pred) & 255
        for ftype, data in enumerate((bytes(row), sub, up, avg, bytes(paeth))):
            cost = sum(v if v < 128 else 256 - v for v in data)
            cands.append((cost, ftype, data))
        cost, ftype, data = min(cands, key=lambda t: (t[0], t[1]))
        raw.append(ftype)
        raw += data
        prev = row
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) +
            _png_chunk(b"IDAT", zlib.compress(bytes(raw), 9)) + _png_chunk(b"IEND", b""))


# --------------------------------------------------------------------------
# README / LICENSE
# --------------------------------------------------------------------------

BSD3_TEXT = """\
Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

Redistributions of source code must retain the above copyright notice, this
list of conditions and the following disclaimer.

Redistributions in binary form must reproduce the above copyright notice, this
list of conditions and the following disclaimer in the documentation and/or
other materials provided with the distribution.  Neither the names of the
copyright owners nor the names of this project (MRIcron) may be used to
endorse or promote products derived from this software without specific prior
written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

APACHE_NOTE = """\
Licensed under the Apache License, Version 2.0 (the "License"); you may not
use these files except in compliance with the License.  You may obtain a copy
of the License at

    https://www.apache.org/licenses/LICENSE-2.0

The full text of the License is reproduced at the end of this file.

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.  See the
License for the specific language governing permissions and limitations under
the License.

Modification notice (Apache-2.0 section 4(b)): the files listed above are
modified versions of the original volume: 2-D slices were extracted,
reoriented, resampled to 64x64 pixels and intensity-rescaled to 8 bits.
"""

MIT_TEXT = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in
all copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""

# Verbatim text of the Apache License 2.0 (as in /usr/share/common-licenses/Apache-2.0).
APACHE_FULL_TEXT = """
                                 Apache License
                           Version 2.0, January 2004
                        http://www.apache.org/licenses/

   TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION

   1. Definitions.

      "License" shall mean the terms and conditions for use, reproduction,
      and distribution as defined by Sections 1 through 9 of this document.

      "Licensor" shall mean the copyright owner or entity authorized by
      the copyright owner that is granting the License.

      "Legal Entity" shall mean the union of the acting entity and all
      other entities that control, are controlled by, or are under common
      control with that entity. For the purposes of this definition,
      "control" means (i) the power, direct or indirect, to cause the
      direction or management of such entity, whether by contract or
      otherwise, or (ii) ownership of fifty percent (50%) or more of the
      outstanding shares, or (iii) beneficial ownership of such entity.

      "You" (or "Your") shall mean an individual or Legal Entity
      exercising permissions granted by this License.

      "Source" form shall mean the preferred form for making modifications,
      including but not limited to software source code, documentation
      source, and configuration files.

      "Object" form shall mean any form resulting from mechanical
      transformation or translation of a Source form, including but
      not limited to compiled object code, generated documentation,
      and conversions to other media types.

      "Work" shall mean the work of authorship, whether in Source or
      Object form, made available under the License, as indicated by a
      copyright notice that is included in or attached to the work
      (an example is provided in the Appendix below).

      "Derivative Works" shall mean any work, whether in Source or Object
      form, that is based on (or derived from) the Work and for which the
      editorial revisions, annotations, elaborations, or other modifications
      represent, as a whole, an original work of authorship. For the purposes
      of this License, Derivative Works shall not include works that remain
      separable from, or merely link (or bind by name) to the interfaces of,
      the Work and Derivative Works thereof.

      "Contribution" shall mean any work of authorship, including
      the original version of the Work and any modifications or additions
      to that Work or Derivative Works thereof, that is intentionally
      submitted to Licensor for inclusion in the Work by the copyright owner
      or by an individual or Legal Entity authorized to submit on behalf of
      the copyright owner. For the purposes of this definition, "submitted"
      means any form of electronic, verbal, or written communication sent
      to the Licensor or its representatives, including but not limited to
      communication on electronic mailing lists, source code control systems,
      and issue tracking systems that are managed by, or on behalf of, the
      Licensor for the purpose of discussing and improving the Work, but
      excluding communication that is conspicuously marked or otherwise
      designated in writing by the copyright owner as "Not a Contribution."

      "Contributor" shall mean Licensor and any individual or Legal Entity
      on behalf of whom a Contribution has been received by Licensor and
      subsequently incorporated within the Work.

   2. Grant of Copyright License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      copyright license to reproduce, prepare Derivative Works of,
      publicly display, publicly perform, sublicense, and distribute the
      Work and such Derivative Works in Source or Object form.

   3. Grant of Patent License. Subject to the terms and conditions of
      this License, each Contributor hereby grants to You a perpetual,
      worldwide, non-exclusive, no-charge, royalty-free, irrevocable
      (except as stated in this section) patent license to make, have made,
      use, offer to sell, sell, import, and otherwise transfer the Work,
      where such license applies only to those patent claims licensable
      by such Contributor that are necessarily infringed by their
      Contribution(s) alone or by combination of their Contribution(s)
      with the Work to which such Contribution(s) was submitted. If You
      institute patent litigation against any entity (including a
      cross-claim or counterclaim in a lawsuit) alleging that the Work
      or a Contribution incorporated within the Work constitutes direct
      or contributory patent infringement, then any patent licenses
      granted to You under this License for that Work shall terminate
      as of the date such litigation is filed.

   4. Redistribution. You may reproduce and distribute copies of the
      Work or Derivative Works thereof in any medium, with or without
      modifications, and in Source or Object form, provided that You
      meet the following conditions:

      (a) You must give any other recipients of the Work or
          Derivative Works a copy of this License; and

      (b) You must cause any modified files to carry prominent notices
          stating that You changed the files; and

      (c) You must retain, in the Source form of any Derivative Works
          that You distribute, all copyright, patent, trademark, and
          attribution notices from the Source form of the Work,
          excluding those notices that do not pertain to any part of
          the Derivative Works; and

      (d) If the Work includes a "NOTICE" text file as part of its
          distribution, then any Derivative Works that You distribute must
          include a readable copy of the attribution notices contained
          within such NOTICE file, excluding those notices that do not
          pertain to any part of the Derivative Works, in at least one
          of the following places: within a NOTICE text file distributed
          as part of the Derivative Works; within the Source form or
          documentation, if provided along with the Derivative Works; or,
          within a display generated by the Derivative Works, if and
          wherever such third-party notices normally appear. The contents
          of the NOTICE file are for informational purposes only and
          do not modify the License. You may add Your own attribution
          notices within Derivative Works that You distribute, alongside
          or as an addendum to the NOTICE text from the Work, provided
          that such additional attribution notices cannot be construed
          as modifying the License.

      You may add Your own copyright statement to Your modifications and
      may provide additional or different license terms and conditions
      for use, reproduction, or distribution of Your modifications, or
      for any such Derivative Works as a whole, provided Your use,
      reproduction, and distribution of the Work otherwise complies with
      the conditions stated in this License.

   5. Submission of Contributions. Unless You explicitly state otherwise,
      any Contribution intentionally submitted for inclusion in the Work
      by You to the Licensor shall be under the terms and conditions of
      this License, without any additional terms or conditions.
      Notwithstanding the above, nothing herein shall supersede or modify
      the terms of any separate license agreement you may have executed
      with Licensor regarding such Contributions.

   6. Trademarks. This License does not grant permission to use the trade
      names, trademarks, service marks, or product names of the Licensor,
      except as required for reasonable and customary use in describing the
      origin of the Work and reproducing the content of the NOTICE file.

   7. Disclaimer of Warranty. Unless required by applicable law or
      agreed to in writing, Licensor provides the Work (and each
      Contributor provides its Contributions) on an "AS IS" BASIS,
      WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or
      implied, including, without limitation, any warranties or conditions
      of TITLE, NON-INFRINGEMENT, MERCHANTABILITY, or FITNESS FOR A
      PARTICULAR PURPOSE. You are solely responsible for determining the
      appropriateness of using or redistributing the Work and assume any
      risks associated with Your exercise of permissions under this License.

   8. Limitation of Liability. In no event and under no legal theory,
      whether in tort (including negligence), contract, or otherwise,
      unless required by applicable law (such as deliberate and grossly
      negligent acts) or agreed to in writing, shall any Contributor be
      liable to You for damages, including any direct, indirect, special,
      incidental, or consequential damages of any character arising as a
      result of this License or out of the use or inability to use the
      Work (including but not limited to damages for loss of goodwill,
      work stoppage, computer failure or malfunction, or any and all
      other commercial damages or losses), even if such Contributor
      has been advised of the possibility of such damages.

   9. Accepting Warranty or Additional Liability. While redistributing
      the Work or Derivative Works thereof, You may choose to offer,
      and charge a fee for, acceptance of support, warranty, indemnity,
      or other liability obligations and/or rights consistent with this
      License. However, in accepting such obligations, You may act only
      on Your own behalf and on Your sole responsibility, not on behalf
      of any other Contributor, and only if You agree to indemnify,
      defend, and hold each Contributor harmless for any liability
      incurred by, or claims asserted against, such Contributor by reason
      of your accepting any such warranty or additional liability.

   END OF TERMS AND CONDITIONS

   APPENDIX: How to apply the Apache License to your work.

      To apply the Apache License to your work, attach the following
      boilerplate notice, with the fields enclosed by brackets "[]"
      replaced with your own identifying information. (Don't include
      the brackets!)  The text should be enclosed in the appropriate
      comment syntax for the file format. We also recommend that a
      file or class name and description of purpose be included on the
      same "printed page" as the copyright notice for easier
      identification within third-party archives.

   Copyright [yyyy] [name of copyright owner]

   Licensed under the Apache License, Version 2.0 (the "License");
   you may not use this file except in compliance with the License.
   You may obtain a copy of the License at

       http://www.apache.org/licenses/LICENSE-2.0

   Unless required by applicable law or agreed to in writing, software
   distributed under the License is distributed on an "AS IS" BASIS,
   WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
   See the License for the specific language governing permissions and
   limitations under the License.
"""

LICENSE_TEXTS = {"BSD-3-Clause": BSD3_TEXT, "Apache-2.0": APACHE_NOTE, "MIT": MIT_TEXT}


def write_docs(out_dir, command, versions, counts, infos, per_class):
    total = sum(sum(c.values()) for c in counts.values())
    lines = []
    a = lines.append
    a("# Sample images: MRI slice orientation (axial / coronal / sagittal)")
    a("")
    a("A small, real-data image classification set for trying DuoDistill. Each image is")
    a("a 64x64 8-bit grayscale PNG of one 2-D slice of a brain MRI volume; the class is")
    a("the anatomical plane the slice was cut in:")
    a("")
    a("| class | slice perpendicular to | displayed with |")
    a("|---|---|---|")
    a("| `axial` | inferior-superior axis (world z) | subject's right on the image right, anterior up |")
    a("| `coronal` | posterior-anterior axis (world y) | subject's right on the image right, superior up |")
    a("| `sagittal` | left-right axis (world x) | anterior on the image left, superior up |")
    a("")
    a("Layout: `<class>/<volume>_<class>_<index>.png`, where `<index>` is the slice")
    a("index (0-based) along the volume's voxel axis that was cut. %d images in total:" % total)
    a("")
    a("| volume | " + " | ".join(CLASSES) + " | total |")
    a("|---|" + "---|" * (len(CLASSES) + 1))
    for src in SOURCES:
        c = counts[src["name"]]
        a("| %s | %s | %d |" % (src["name"], " | ".join(str(c[k]) for k in CLASSES), sum(c.values())))
    a("| **all** | %s | %d |" % (" | ".join(str(sum(counts[s["name"]][k] for s in SOURCES))
                                          for k in CLASSES), total))
    a("")
    a("## How it was made")
    a("")
    a("```")
    a(command)
    a("```")
    a("")
    if "--debs-dir" in command:
        a("Run from the repository root, with the three packages already unpacked")
        a("(`dpkg-deb -x`) under the `--debs-dir` directory. Plain")
        a("`python3 scripts/make_sample_images.py` downloads them itself and gives the")
        a("same files for the same package versions.")
        a("")
    a("`scripts/make_sample_images.py` uses only the Python standard library. Without")
    a("`--debs-dir` it runs `apt-get download %s`" % " ".join(sorted({s["package"] for s in SOURCES})))
    a("in a temporary directory and unpacks the packages with `dpkg-deb -x` (nothing is")
    a("installed). `--debs-dir` may point at the unpacked tree or at a directory with the")
    a(".deb files. The output is deterministic (no timestamps in the PNGs).")
    a("")
    a("Steps, per volume (first 3-D volume of a 4-D file):")
    a("")
    a("1. The NIfTI-1 header is parsed (endianness, dim, datatype, vox_offset,")
    a("   scl_slope/scl_inter). The voxel-to-world affine is the sform if sform_code > 0,")
    a("   else the qform quaternion, else pixdim. Each voxel axis is matched to the")
    a("   closest world (RAS) axis; this decides the label of a slice and how it is")
    a("   flipped/transposed for display, so the classes reflect anatomy, not file layout.")
    a("   Oblique volumes are cut along their voxel axes (no oblique resampling).")
    a("2. A slice counts as non-empty when >= %d%% of its voxels exceed %d%% of the" % (
        int(EMPTY_FRACTION * 100), int(EMPTY_LEVEL * 100)))
    a("   volume's 99.5th percentile. From the non-empty slices of each plane, slices are")
    a("   taken evenly spaced; `--per-class %d` images per class are split evenly over the" % per_class)
    a("   volumes, and a volume that has too few non-empty slices hands its shortfall to")
    a("   the others.")
    a("3. The slice's physical extent (voxel count x spacing) is fitted into a 64x64")
    a("   canvas keeping the aspect ratio (padding = 0) and resampled with a separable")
    a("   linear (tent) filter widened for down-sampling (anti-aliasing).")
    a("4. Intensities are mapped from the slice's 0.5th-99.5th percentile to 0-255.")
    a("")
    a("| volume | shape (first volume) | spacing (mm) | affine from | voxel axes -> world |")
    a("|---|---|---|---|---|")
    for src in SOURCES:
        info = infos[src["name"]]
        a("| %s | %s | %s | %s | %s |" % (src["name"], info["shape"], info["spacing"],
                                          info["affine"], info["axes"]))
    a("")
    a("Note: the image shape is a hint in itself: slices of volumes with a short extent")
    a("along one axis (e.g. the 24-slice `example4d` EPI) are wide, flat strips.")
    a("")
    a("## Sources")
    a("")
    a("| volume | Debian package (version) | path inside the package | sha256 of the .nii.gz | upstream | licence |")
    a("|---|---|---|---|---|---|")
    for src in SOURCES:
        info = infos[src["name"]]
        a("| %s | `%s` (%s) | `%s` | `%s` | %s | %s |" % (
            src["name"], src["package"], versions[src["package"]], src["path"],
            info["sha256"], src["upstream"], src["license"]))
    a("")
    for src in SOURCES:
        a("- `%s`: %s." % (src["name"], src["what"]))
    a("")
    a("The images are derived works of these volumes and keep their licences; see")
    a("[LICENSE](LICENSE). Files named `ch2_*` are BSD-3-Clause, `kmeans_*` Apache-2.0,")
    a("`example4d_*` MIT.")
    a("")
    with open(os.path.join(out_dir, "README.md"), "w", newline="\n") as f:
        f.write("\n".join(lines))

    lic = []
    b = lic.append
    b("Licences of the sample images")
    b("=============================")
    b("")
    b("Every PNG under this directory is a derived work (extracted, reoriented,")
    b("resampled and rescaled 2-D slice) of one of three MRI volumes distributed in")
    b("Debian packages. Each file keeps the licence of the volume it comes from; the")
    b("file name prefix says which. The README.md and the generating script carry no")
    b("extra restrictions.")
    b("")
    for i, src in enumerate(SOURCES, 1):
        title = "%d. %s_*.png  --  %s" % (i, src["name"], src["license"])
        b(title)
        b("-" * len(title))
        b("")
        b("Files:    */%s_*.png" % src["name"])
        b("Source:   %s" % src["what"])
        b("          Debian package %s %s, file /%s" % (src["package"], versions[src["package"]],
                                                       src["path"]))
        b("Upstream: %s" % src["upstream"])
        b("Copyright: %s" % src["copyright"])
        b("License:  %s" % src["license"])
        b("")
        b(LICENSE_TEXTS[src["license"]])
    b("Appendix: Apache License, Version 2.0 (applies to kmeans_*.png)")
    b("===============================================================")
    b("")
    b(APACHE_FULL_TEXT)
    with open(os.path.join(out_dir, "LICENSE"), "w", newline="\n") as f:
        f.write("\n".join(lic))


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------

def split_quota(total, n):
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--debs-dir", help="directory with the extracted packages (dpkg-deb -x) or "
                    "with their .deb files; default: apt-get download into a temporary directory")
    ap.add_argument("--output", default="sample-images", help="output directory (default: %(default)s)")
    ap.add_argument("--per-class", type=int, default=100,
                    help="images per class, split over the volumes (default: %(default)s)")
    args = ap.parse_args()
    if args.per_class < 1:
        ap.error("--per-class must be >= 1")

    command = "python3 scripts/make_sample_images.py"
    if args.debs_dir:
        command += " --debs-dir %s" % args.debs_dir
    if args.output != "sample-images":
        command += " --output %s" % args.output
    if args.per_class != 100:
        command += " --per-class %d" % args.per_class

    workdir = tempfile.mkdtemp(prefix="duodistill-samples-")
    try:
        root, versions = prepare_sources(args.debs_dir, workdir)
        vols, infos, candidates = {}, {}, {}
        for src in SOURCES:
            path = os.path.join(root, src["path"])
            with open(path, "rb") as f:
                sha = hashlib.sha256(f.read()).hexdigest()
            vol = read_nifti(path)
            sample = sorted(vol.data[::max(1, len(vol.data) // 1000000)])
            robust_max = percentile(sample, 99.5)
            threshold = EMPTY_LEVEL * robust_max
            vols[src["name"]] = vol
            axes = ", ".join("%s%s" % ("+" if vol.axis_sign[k] > 0 else "-", "xyz"[vol.axis_world[k]])
                             for k in range(3))
            infos[src["name"]] = {
                "sha256": sha, "shape": "x".join(str(n) for n in vol.shape),
                "spacing": " x ".join("%.3g" % d for d in vol.spacing),
                "affine": vol.affine_source, "axes": axes,
            }
            mask = bytes(1 if v > threshold else 0 for v in vol.data)
            for cls in CLASSES:
                k = vol.voxel_axis_of_world[CLASS_NORMAL[cls]]
                candidates[(src["name"], cls)] = nonempty_slices(vol, k, mask)
            print("%s: shape %s spacing %s affine %s axes %s, non-empty slices: %s" % (
                src["name"], infos[src["name"]]["shape"], infos[src["name"]]["spacing"],
                vol.affine_source, axes,
                ", ".join("%s %d" % (c, len(candidates[(src["name"], c)])) for c in CLASSES)),
                file=sys.stderr)

        # Quotas: per class split evenly over volumes, shortfalls redistributed.
        names = [s["name"] for s in SOURCES]
        quota = {}
        for cls in CLASSES:
            want = dict(zip(names, split_quota(args.per_class, len(names))))
            avail = {n: len(candidates[(n, cls)]) for n in names}
            got = {n: min(want[n], avail[n]) for n in names}
            left = args.per_class - sum(got.values())
            while left > 0:
                open_ = [n for n in names if got[n] < avail[n]]
                if not open_:
                    break
                for n in open_:
                    if left == 0:
                        break
                    got[n] += 1
                    left -= 1
            for n in names:
                quota[(n, cls)] = got[n]

        out_dir = args.output
        os.makedirs(out_dir, exist_ok=True)
        for cls in CLASSES:
            d = os.path.join(out_dir, cls)
            os.makedirs(d, exist_ok=True)
            for old in glob.glob(os.path.join(d, "*.png")):
                os.remove(old)

        counts = {n: {c: 0 for c in CLASSES} for n in names}
        for n in names:
            vol = vols[n]
            for cls in CLASSES:
                chosen = pick_evenly(candidates[(n, cls)], quota[(n, cls)])
                for s in chosen:
                    rows = render_slice(vol, cls, s)
                    fn = os.path.join(out_dir, cls, "%s_%s_%03d.png" % (n, cls, s))
                    with open(fn, "wb") as f:
                        f.write(png_gray8(rows))
                    counts[n][cls] += 1
            print("%s: %s" % (n, ", ".join("%s %d" % (c, counts[n][c]) for c in CLASSES)),
                  file=sys.stderr)
        write_docs(out_dir, command, versions, counts, infos, args.per_class)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
