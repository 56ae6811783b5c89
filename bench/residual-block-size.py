"""The DCT residual's block size: would 4 x 4 or 16 x 16 blocks code the residual's luma better than 8 x 8?

  python3 bench/residual-block-size.py /tmp/ip/k05 …   (the post-fit pilot's dumps: see bench/intra-prediction.py)

A plain coder of the residual's luma target (source - the filtered field): n x n DCT blocks, every coefficient
rounded at one step, priced by the zeroth-order entropy of the integers grouped in 15 frequency bands (u + v scaled
to 0..14, so that each size has as many groups of statistics) plus a flag a block for whether it holds any value;
distortion measured on the pixels. Prints each size's transform coding gain, then luma PSNR at 0.1-0.5 bit a pixel for 8 x 8, and 4 x 4's and 16 x 16's
difference to it at the same bits. No trellis, no masking, no contexts across blocks: a comparison of block sizes
under one simple coder, not the format's sizes.
"""
import sys
import numpy as np
from residual_dumps import H, W, block_dct, dct_matrix, entropy, load, luma


def curve(r, n, steps):
    d = dct_matrix(n)
    c = block_dct(r, n)
    blocks = np.einsum('ux,buv,vy->bxy', d, c, d)
    u, v = np.meshgrid(np.arange(n), np.arange(n), indexing='ij')
    band = np.minimum(((u + v) * 15) // (2*n - 1), 14)
    out = []
    for step in steps:
        q = np.round(c / step)
        occupied = np.any(q != 0, axis=(1, 2))
        bits = entropy(occupied.astype(int))
        qo = q[occupied]
        for g in range(15):
            bits += entropy(qo[:, band == g].ravel()) if qo.size else 0
        rec = np.einsum('ux,buv,vy->bxy', d, q * step, d)
        mse = ((rec - blocks)**2).mean()
        out.append((bits / (H*W), 10*np.log10(255**2 / mse)))
    return np.array(out)


steps = np.geomspace(4, 120, 28)
for p in sys.argv[1:]:
    s, b, _ = (luma(x) for x in load(p))
    r = s - b
    gains = []
    for n in (4, 8, 16):
        # Transform coding gain: the arithmetic over the geometric mean of the coefficients' variances (high-rate theory).
        var = block_dct(r, n).reshape(-1, n * n).var(axis=0) + 1e-9
        gains.append(f'{n}x{n} {10 * np.log10(var.mean() / np.exp(np.log(var).mean())):.2f} dB')
    print(p, 'coding gain:', ', '.join(gains))
    curves = {n: curve(r, n, steps) for n in (4, 8, 16)}
    line = []
    for rate in (0.1, 0.2, 0.3, 0.5):
        vals = [np.interp(rate, curves[n][::-1, 0], curves[n][::-1, 1]) for n in (4, 8, 16)]
        line.append(f'{rate} bpp: 4x4 {vals[0]-vals[1]:+.2f}, 8x8 {vals[1]:.2f} dB, 16x16 {vals[2]-vals[1]:+.2f}')
    print(p, ' | '.join(line))
