#!/usr/bin/python3
"""Expected values for NiftiReaderTest, computed with an independent NIfTI reader (nibabel).

Run with Debian's Python and its python3-nibabel / python3-numpy packages:

    /usr/bin/python3 scripts/make_nifti_expectations.py            # expected.json only
    /usr/bin/python3 scripts/make_nifti_expectations.py --derive   # also rewrite the derived_* files

Files in src/test/resources/data/nifti/:
  * copies of NIfTI files from Debian's python3-nibabel package (nibabel/tests/data/, MIT);
  * derived_* files, written here by nibabel from a crop of anatomical.nii, to cover the datatypes,
    byte orders, scaling, NIfTI-2, RGB24, 2-D images, header extensions and .hdr/.img pairs that
    the upstream files do not (--derive rewrites them; they are deterministic).

expected.json never comes from DuoDistill's own reader: shapes, datatypes, byte order and
scl_slope/scl_inter come from nibabel's header parser, voxel values from nibabel's get_fdata()
(scaling applied), or for RGB24 from the raw structured array.

Plane convention the reader promises (and this script describes): slicing along axis a (0=x,
1=y, 2=z) gives planes in increasing index along a, volume after volume for 4-D files; a
plane's image x is the first remaining axis in file order, image y the second; pixels are row
major [y][x], channel-major for RGB ([C][y][x]). A file whose third dimension is 1 (a 2-D
image, or 2-D + time) is always sliced along z, whatever the requested axis.
"""
import gzip
import io
import json
import math
import os
import sys

import numpy as np
import nibabel as nib

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, '..', 'src', 'test', 'resources', 'data', 'nifti')

UPSTREAM = ['anatomical.nii', 'example4d.nii.gz', 'example_nifti2.nii.gz', 'reoriented_anat_moved.nii',
            'standard.nii.gz', 'functional.nii']

# Spec names of NIfTI datatype codes (nifti1.h); used for the format line.
TYPE_NAMES = {2: 'uint8', 4: 'int16', 8: 'int32', 16: 'float32', 64: 'float64', 128: 'RGB24', 256: 'int8',
              512: 'uint16', 768: 'uint32', 1024: 'int64', 1280: 'uint64'}
BIT_DEPTH = {2: 8, 256: 8, 4: 16, 512: 16, 128: 24}

# Slice policies whose kept slices are checked (axis, step, central, empty threshold), per file.
POLICIES = {
    'reoriented_anat_moved.nii': [(2, 1, 0, 0.15), (2, 1, 16, 0.15), (2, 1, 16, 0.0), (2, 2, 0, 0.0),
                                  (0, 1, 0, 0.15), (1, 1, 0, 0.15), (2, 3, 0, 0.3)],
    'example4d.nii.gz': [(2, 1, 0, 0.15), (2, 2, 0, 0.0), (2, 1, 10, 0.0), (0, 1, 0, 0.15), (2, 1, 0, 0.37)],
    'anatomical.nii': [(2, 2, 0, 0.0), (2, 1, 0, 0.15)],
}


# ---------------------------------------------------------------------------------------------
# Derived files
# ---------------------------------------------------------------------------------------------

def _patch_scaling(path, slope, inter):
    """Sets scl_slope/scl_inter in a saved uncompressed file's header (nibabel resets them on save)."""
    img = nib.load(path)
    hdr_cls = type(img.header)
    with open(path, 'r+b') as f:
        hdr = hdr_cls.from_fileobj(f)
        hdr['scl_slope'] = slope
        hdr['scl_inter'] = inter
        f.seek(0)
        hdr.write_to(f)


def _save(img, name, slope=None, inter=None, gz=False):
    path = os.path.join(DATA, name)
    plain = path[:-3] if gz else path
    img.to_filename(plain)
    if slope is not None:
        _patch_scaling(plain, slope, inter)
    if gz:
        with open(plain, 'rb') as f:
            raw = f.read()
        os.remove(plain)
        with open(path, 'wb') as out:
            # mtime 0 and no file name: the same bytes on every run
            with gzip.GzipFile(filename='', mode='wb', fileobj=out, mtime=0) as g:
                g.write(raw)


def _with_order(header_cls, order):
    return header_cls(endianness=order)


def derive():
    src = nib.load(os.path.join(DATA, 'anatomical.nii'))
    crop = np.asarray(src.dataobj)[6:26, 8:32, 6:16].astype(np.float64)  # 20 x 24 x 10, values about -600..30000
    lo, hi = crop.min(), crop.max()
    unit = (crop - lo) / (hi - lo)                                         # 0..1
    aff = np.diag([2.0, 2.0, 2.0, 1.0])

    def image(data, dtype, order='<', version=1, pair=False):
        if version == 1:
            cls, hcls = (nib.Nifti1Pair, nib.Nifti1Header) if pair else (nib.Nifti1Image, nib.Nifti1Header)
        else:
            cls, hcls = (nib.Nifti2Pair, nib.Nifti2Header) if pair else (nib.Nifti2Image, nib.Nifti2Header)
        hdr = _with_order(hcls, order)
        hdr.set_data_dtype(dtype)
        img = cls(np.asarray(data, dtype=dtype), aff, header=hdr)
        img.set_data_dtype(dtype)
        return img

    # uint8 with scaling and a header extension (vox_offset beyond 352)
    u8 = np.round(unit * 255).astype(np.uint8)
    img = image(u8, np.uint8)
    img.header.extensions.append(nib.nifti1.Nifti1Extension('comment', b'DuoDistill test: header extension'))
    _save(img, 'derived_uint8_scaled_ext.nii', slope=0.5, inter=-10.0)
    # int8 in a big-endian header
    _save(image(np.round(unit * 255 - 128).astype(np.int8), np.int8, '>'), 'derived_int8_be.nii')
    # uint16 big-endian, values above 32767
    _save(image(np.round(unit * 65535).astype(np.uint16), np.uint16, '>'), 'derived_uint16_be.nii')
    # int32 little-endian, negative and beyond 16 bits
    _save(image(np.round(unit * 4e6 - 2e6).astype(np.int32), np.int32), 'derived_int32.nii')
    # uint32 big-endian, values above 2^31
    _save(image(np.round(unit * 4.2e9).astype(np.uint32), np.uint32, '>'), 'derived_uint32_be.nii')
    # int64 in a NIfTI-2 file, values beyond 2^32 and negative
    _save(image(np.round(unit * 1e12 - 3e11).astype(np.int64), np.int64, '<', version=2), 'derived_int64_nifti2.nii')
    # uint64, values above 2^63
    _save(image((np.round(unit * 1e6).astype(np.uint64) * np.uint64(10**13)), np.uint64), 'derived_uint64.nii')
    # float64 big-endian NIfTI-2, gzipped, with a (double) scale and intercept
    _save(image(unit * 100 - 20, np.float64, '>', version=2), 'derived_float64_nifti2_be_scaled.nii.gz',
          slope=-1.5, inter=3.25, gz=True)
    # int16 scaled by a non-integral slope
    _save(image(np.round(crop).astype(np.int16), np.int16), 'derived_int16_scaled.nii', slope=0.125, inter=1000.0)
    # RGB24: R = intensity, G = inverted intensity, B = z index ramp
    rgb = np.zeros(crop.shape, dtype=[('R', 'u1'), ('G', 'u1'), ('B', 'u1')])
    rgb['R'] = u8
    rgb['G'] = 255 - u8
    rgb['B'] = (np.arange(crop.shape[2]) * 25)[None, None, :]
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(rgb.dtype)
    _save(nib.Nifti1Image(rgb, aff, header=hdr), 'derived_rgb24.nii')
    # 2-D image (dim[0] = 2)
    _save(image(u8[:, :, 5], np.uint8), 'derived_2d.nii')
    # NIfTI-1 .hdr/.img pair, int16 little-endian
    _save(image(np.round(crop).astype(np.int16), np.int16, '<', pair=True), 'derived_pair.hdr')


# ---------------------------------------------------------------------------------------------
# Expectations
# ---------------------------------------------------------------------------------------------

def raw_header(path):
    """The header exactly as stored (nibabel's loaded image may already have moved the scaling)."""
    img = nib.load(path)
    opener_path = path
    if path.endswith('.img') or path.endswith('.img.gz'):
        raise ValueError(path)
    with nib.openers.ImageOpener(opener_path) as f:
        return img, type(img.header).from_fileobj(f)


def voxels(img):
    """Scaled voxel values as float64 [x, y, z, t, channel] (t and channel always present)."""
    dt = img.get_data_dtype()
    if dt.fields is not None:  # RGB24
        a = np.asanyarray(img.dataobj)
        data = np.stack([a['R'], a['G'], a['B']], axis=-1).astype(np.float64)
        channels = 3
    else:
        data = img.get_fdata(dtype=np.float64)[..., None]
        channels = 1
    while data.ndim < 5:  # 2-D: add z, 3-D: add t
        data = np.expand_dims(data, axis=data.ndim - 1)
    if data.ndim > 5:  # fold dims 5..7 into t, in file (Fortran) order
        s = data.shape
        data = data.reshape(s[0], s[1], s[2], -1, s[-1], order='F')
    return data, channels


def plane(data, axis, index, vol):
    """Plane `index` along `axis` of volume `vol`, as the reader lays it out: [channel][v][u]."""
    v = np.take(data[:, :, :, vol, :], index, axis=axis)  # (u, v, c), remaining axes in file order
    return np.transpose(v, (2, 1, 0))                     # (c, v, u)


def effective_axis(shape, axis):
    return 2 if shape[2] == 1 else axis


def fmt_num(x, version):
    """As the reader prints scl_slope/scl_inter: integers plainly, else the shortest text that reads back
    as the stored float32 (NIfTI-1) or float64 (NIfTI-2)."""
    x = float(x)
    if x == math.floor(x) and abs(x) < 1e15:
        return str(int(x))
    return str(np.float32(x)) if version == 1 else repr(x)


def stats(p):
    return {'min': float(p.min()), 'max': float(p.max()), 'mean': float(p.mean()), 'sum': float(p.sum(dtype=np.float64))}


def robust_max(planes):
    """SlicePolicy.robustMax: 99.5th percentile of every stride-th value of the planes, concatenated."""
    flat = np.concatenate([p.ravel() for p in planes])
    total = flat.size
    stride = max(1, total // 200_000)
    s = np.sort(flat[::stride])
    if s.size == 0:
        return np.float32(0)
    return s[int(min(s.size - 1, math.floor(0.995 * (s.size - 1))))]


def select(planes, axis, step, central, threshold):
    """SlicePolicy.select, returning 1-based slice numbers."""
    n = len(planes)
    lo, hi = 0, n
    if 0 < central < n:
        lo = (n - central) // 2
        hi = lo + central
    thr = np.float32(robust_max(planes)) * np.float32(0.1) if threshold > 0 else None
    keep = []
    for i in range(lo, hi, step):
        if threshold > 0:
            p = planes[i]
            above = int(np.count_nonzero(p > thr))
            if above / p.size < threshold:
                continue
        keep.append(i + 1)
    return keep


def describe(name):
    path = os.path.join(DATA, name)
    img, hdr = raw_header(path)
    version = 2 if isinstance(hdr, nib.Nifti2Header) else 1
    code = int(hdr['datatype'])
    dims = [int(d) for d in hdr['dim'][1:int(hdr['dim'][0]) + 1]]
    slope, inter = float(hdr['scl_slope']), float(hdr['scl_inter'])
    scaled = code != 128 and slope != 0 and math.isfinite(slope) and not (slope == 1 and inter == 0)
    data, channels = voxels(img)
    assert list(data.shape[:3]) == (dims + [1, 1])[:3], (name, data.shape, dims)
    nx, ny, nz, nt = data.shape[:4]
    order = 'little' if hdr.endianness == '<' else 'big'
    pair = name.endswith('.hdr')
    fmt = 'NIfTI-%d%s %s (%s-endian), %s' % (version, ' pair' if pair else '', TYPE_NAMES[code], order,
                                              'x'.join(str(d) for d in dims))
    if scaled:
        fmt += ', scl_slope %s, scl_inter %s' % (fmt_num(slope, version), fmt_num(inter, version))
    out = {
        'nifti_version': version,
        'shape': dims,
        'datatype': code,
        'dtype': TYPE_NAMES[code],
        'endianness': order,
        'scl_slope': slope if math.isfinite(slope) else None,
        'scl_inter': inter if math.isfinite(inter) else None,
        'vox_offset': float(hdr['vox_offset']),
        'channels': channels,
        'bit_depth': BIT_DEPTH.get(code, 32),
        'volumes': nt,
        'format': fmt,
        'total': stats(data),
        'axes': {},
    }
    # single-voxel checks: the two corners and a few voxels away from zero, chosen reproducibly
    rng = np.random.default_rng(20240611)
    nonzero = np.argwhere(np.abs(data[..., 0]) > 0)
    picks = [(0, 0, 0, 0), (nx - 1, ny - 1, nz - 1, nt - 1)]
    if nonzero.size:
        picks += [tuple(int(c) for c in nonzero[i]) for i in rng.choice(len(nonzero), size=min(5, len(nonzero)), replace=False)]
    out['voxels'] = [{'index': list(p), 'value': [float(data[p][c]) for c in range(channels)]} for p in picks]

    for axis in (0, 1, 2):
        a = effective_axis(data.shape, axis)
        n = data.shape[a]
        rest = [d for i, d in enumerate(data.shape[:3]) if i != a]
        entry = {'slicing_axis': a, 'planes': n * nt, 'planes_per_volume': n, 'width': rest[0], 'height': rest[1],
                 'stats': []}
        wanted = sorted({0, n // 2, n - 1} | ({(nt - 1) * n, nt * n - 1} if nt > 1 else set()))
        for k in wanted:
            p = plane(data, a, k % n, k // n)
            s = stats(p)
            s['plane'] = k
            entry['stats'].append(s)
        out['axes'][str(axis)] = entry

    if name in POLICIES:
        checks = []
        for axis, step, central, thr in POLICIES[name]:
            a = effective_axis(data.shape, axis)
            planes = [plane(data, a, k % data.shape[a], k // data.shape[a]).astype(np.float32)
                      for k in range(data.shape[a] * nt)]
            checks.append({'axis': axis, 'step': step, 'central': central, 'empty_threshold': thr,
                           'robust_max': float(robust_max(planes)),
                           'kept': select(planes, axis, step, central, thr)})
        out['slice_policies'] = checks
    return out


def main():
    if '--derive' in sys.argv[1:]:
        derive()
    names = UPSTREAM + sorted(n for n in os.listdir(DATA) if n.startswith('derived_') and not n.endswith('.img'))
    result = {
        '_comment': 'Written by scripts/make_nifti_expectations.py with nibabel %s and numpy %s; do not edit.'
                    % (nib.__version__, np.__version__),
        'files': {n: describe(n) for n in names},
    }
    with open(os.path.join(DATA, 'expected.json'), 'w') as f:
        json.dump(result, f, indent=1, sort_keys=False)
        f.write('\n')
    print('wrote', os.path.join(DATA, 'expected.json'), 'for', len(names), 'files')


if __name__ == '__main__':
    main()
