"""What the residual studies share: the post-fit pilot's dumps of a 768 x 512 photo and a plain DCT coder's pieces.

The dumps (`node dist/bench/post-fit-pilot.js photo.png file.snf '{"dump":"/tmp/ip/k07"}'`): the source as uint8, the
field through the first filter and that plus the residual as float32 in the networks' range, [-1, 1] for 0..255.
"""
import numpy as np

H, W = 512, 768
# JPEG's YCbCr, as the residual codes it (spec 4.7).
YCBCR = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
RGB = np.linalg.inv(YCBCR)


def load(prefix):
    """The source, the filtered field and the field plus the residual, as float RGB in levels, H x W x 3."""
    source = np.fromfile(f'{prefix}-source.u8', np.uint8).reshape(H, W, 3).astype(np.float64)
    base = (np.fromfile(f'{prefix}-base.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5
    corrected = (np.fromfile(f'{prefix}-corrected.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5
    return source, base, corrected


def luma(x):
    return x @ YCBCR[0]


def dct_matrix(n):
    """The orthonormal DCT-II of size n, rows by frequency."""
    m = np.array([[np.cos(np.pi * (2 * x + 1) * u / (2 * n)) for x in range(n)] for u in range(n)])
    m[0] /= np.sqrt(2)
    return m * np.sqrt(2 / n)


def block_dct(plane, n):
    """Each n x n block's DCT, blocks in raster order: shape (blocks, n, n)."""
    h, w = plane.shape
    d = dct_matrix(n)
    return np.einsum('ux,bxy,vy->buv', d, plane.reshape(h // n, n, w // n, n).transpose(0, 2, 1, 3).reshape(-1, n, n), d)


def entropy(values):
    """Zeroth-order entropy of the values, in bits, all of them together."""
    _, counts = np.unique(values, return_counts=True)
    return -(counts * np.log2(counts / counts.sum())).sum()
