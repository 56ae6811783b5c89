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

H, W = 512, 768
def luma(x): return 0.299*x[...,0] + 0.587*x[...,1] + 0.114*x[...,2]
def dct_matrix(n):
    m = np.array([[np.cos(np.pi * (2*x + 1) * u / (2*n)) for x in range(n)] for u in range(n)])
    m[0] /= np.sqrt(2); return m * np.sqrt(2/n)
def entropy(values):
    _, counts = np.unique(values, return_counts=True); p = counts / counts.sum()
    return -(counts * np.log2(p)).sum()
def curve(r, n, steps):
    d = dct_matrix(n)
    blocks = r.reshape(H//n, n, W//n, n).transpose(0, 2, 1, 3).reshape(-1, n, n)
    c = np.einsum('ux,bxy,vy->buv', d, blocks, d)
    u, v = np.meshgrid(np.arange(n), np.arange(n), indexing='ij')
    band = np.minimum(((u + v) * 15) // (2*n - 1), 14)
    out = []
    for step in steps:
        q = np.round(c / step)
        bits = 0.0
        occupied = np.any(q != 0, axis=(1, 2))
        bits += entropy(occupied.astype(int)) 
        qo = q[occupied]
        for g in range(15):
            bits += entropy(qo[:, band == g].ravel()) if qo.size else 0
        rec = np.einsum('ux,buv,vy->bxy', d, q * step, d)
        mse = ((rec - blocks)**2).mean()
        out.append((bits / (H*W), 10*np.log10(255**2 / mse)))
    return np.array(out)
steps = np.geomspace(4, 120, 28)
for p in sys.argv[1:]:
    s = luma(np.fromfile(f'{p}-source.u8', np.uint8).reshape(H, W, 3).astype(np.float64))
    b = luma((np.fromfile(f'{p}-base.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5)
    r = s - b
    gains = []
    for n in (4, 8, 16):
        # Transform coding gain: the arithmetic over the geometric mean of the coefficients' variances (high-rate theory).
        d = dct_matrix(n)
        c = np.einsum('ux,bxy,vy->buv', d, r.reshape(H//n, n, W//n, n).transpose(0, 2, 1, 3).reshape(-1, n, n), d)
        var = c.reshape(len(c), -1).var(axis=0) + 1e-9
        gains.append(f'{n}x{n} {10 * np.log10(var.mean() / np.exp(np.log(var).mean())):.2f} dB')
    print(p, 'coding gain:', ', '.join(gains))
    curves = {n: curve(r, n, steps) for n in (4, 8, 16)}
    line = []
    for rate in (0.1, 0.2, 0.3, 0.5):
        vals = []
        for n in (4, 8, 16):
            bpp, ps = curves[n][::-1, 0], curves[n][::-1, 1]
            vals.append(np.interp(rate, bpp, ps))
        line.append(f'{rate} bpp: 4x4 {vals[0]-vals[1]:+.2f}, 8x8 {vals[1]:.2f} dB, 16x16 {vals[2]-vals[1]:+.2f}')
    print(p, ' | '.join(line))
