"""Writes a NIfTI volume again with its voxels stored in another order (the affine adjusted, so the
anatomy and its place in the world are unchanged), as another converter might have written it.

Usage (Debian's nibabel): /usr/bin/python3 bench/reorder_volume.py IN.nii[.gz] OUT.nii[.gz]
New voxel (i, j, k) is old voxel (nx-1-k, ny-1-i, j): axes permuted and two of them reversed.
"""
import sys
import numpy as np
import nibabel as nib

src = nib.load(sys.argv[1])
old = np.asanyarray(src.dataobj)
if old.ndim > 3:
    old = old[..., 0]
nx, ny, nz = old.shape[:3]
new = np.ascontiguousarray(np.transpose(old, (1, 2, 0))[::-1, :, ::-1])
t = np.zeros((4, 4))
t[0, 2], t[0, 3] = -1, nx - 1
t[1, 0], t[1, 3] = -1, ny - 1
t[2, 1] = 1
t[3, 3] = 1
aff = src.affine @ t
img = nib.Nifti1Image(new, aff)
img.set_sform(aff, code=max(1, int(src.header["sform_code"])))
img.set_qform(aff, code=max(1, int(src.header["qform_code"])))
nib.save(img, sys.argv[2])
a = np.asarray(nib.as_closest_canonical(nib.Nifti1Image(old, src.affine)).dataobj)
b = np.asarray(nib.as_closest_canonical(nib.load(sys.argv[2])).dataobj)
assert np.array_equal(a, b), "the reordered file must hold the same canonical volume"
print(sys.argv[2], "".join(nib.aff2axcodes(src.affine)), "->", "".join(nib.aff2axcodes(aff)), new.shape)
