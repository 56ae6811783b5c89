"""The DCT residual's chroma at half size (as the format codes it) or at full size? From the post-fit pilot's dumps.

  python3 bench/residual-chroma-size.py /tmp/ip/k07 …   (dumps made as in bench/intra-prediction.py)

The Cb and Cr of the residual's target (source - the filtered field), coded two ways with one step each, every value
rounded, priced by the zeroth-order entropy per frequency band u + v plus a flag a block (no trellis, no masking):
at half size as the format does (2 x 2 means, 8 x 8 blocks over 16 x 16 pixels, frequencies u + v <= 3, rendered
with the same cosines at the pixels' positions, spec 4.7), and at full size (8 x 8 blocks, u + v <= 3, 5 or 7).
Then half size with frequencies up to 5 and 7 against 3. The error is the chroma's alone, measured in RGB (PSNR
with the luma error left out), at 0.02-0.15 bit a pixel.
"""
import sys
import numpy as np

H, W = 512, 768
M = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]])
Mi = np.linalg.inv(M)
def dct_matrix(n):
    m = np.array([[np.cos(np.pi * (2*x + 1) * u / (2*n)) for x in range(n)] for u in range(n)])
    m[0] /= np.sqrt(2); return m * np.sqrt(2/n)
def entropy(values):
    _, counts = np.unique(values, return_counts=True); p = counts / counts.sum()
    return -(counts * np.log2(p)).sum()
d8 = dct_matrix(8)
# half-size block rendered at 16 full pixels: the same cosines at x' = (xf + 0.5)/2 - 0.5 in chroma pixels
up = np.array([[np.cos(np.pi * (xf + 0.5) * u / 16) for u in range(8)] for xf in range(16)]) * np.sqrt(2/8)
up[:, 0] /= np.sqrt(2)
u, v = np.meshgrid(np.arange(8), np.arange(8), indexing='ij'); band = u + v
def code(planes, n_pix, mask, step):
    bits = 0.0; recs = []
    for c in planes:
        q = np.round(c / step) * mask
        occ = np.any(q != 0, axis=(1, 2)); bits += entropy(occ.astype(int))
        for g in range(15):
            sel = (band == g) & mask.astype(bool)
            if sel.any() and occ.any(): bits += entropy(q[occ][:, sel].ravel())
        recs.append(q * step)
    return bits / n_pix, recs
def rgb_mse(ecb, ecr):
    e = np.stack([np.zeros_like(ecb), ecb, ecr], -1) @ Mi.T
    return (e**2).mean()
steps = np.geomspace(1, 600, 40)
for p in sys.argv[1:]:
    s = np.fromfile(f'{p}-source.u8', np.uint8).reshape(H, W, 3).astype(np.float64)
    b = (np.fromfile(f'{p}-base.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5
    t = (s - b) @ M.T; cb, cr = t[..., 1], t[..., 2]
    # half size
    half = [x.reshape(H//2, 2, W//2, 2).mean(axis=(1, 3)) for x in (cb, cr)]
    hb = [np.einsum('ux,bxy,vy->buv', d8, x.reshape(H//16, 8, W//16, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8), d8) for x in half]
    curve_h = []
    for st in steps:
        bits, recs = code(hb, H*W, (band <= 3).astype(float), st)
        full = [np.einsum('xu,buv,yv->bxy', up, r, up).reshape(H//16, W//16, 16, 16).transpose(0, 2, 1, 3).reshape(H, W) for r in recs]
        curve_h.append((bits, 10*np.log10(255**2 / rgb_mse(cb - full[0], cr - full[1]))))
    fb = [np.einsum('ux,bxy,vy->buv', d8, x.reshape(H//8, 8, W//8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8), d8) for x in (cb, cr)]
    out = {}
    for limit in (3, 5, 7):
        cur = []
        for st in steps:
            bits, recs = code(fb, H*W, (band <= limit).astype(float), st)
            full = [np.einsum('ux,buv,vy->bxy', d8, r, d8).reshape(H//8, W//8, 8, 8).transpose(0, 2, 1, 3).reshape(H, W) for r in recs]
            cur.append((bits, 10*np.log10(255**2 / rgb_mse(cb - full[0], cr - full[1]))))
        out[limit] = np.array(cur)
    ch = np.array(curve_h)
    # Half size with more coefficients: frequencies up to 5 (21 a block) and 7, against up to 3 (the format's 10).
    more = {}
    for limit in (5, 7):
        cur = []
        for st in steps:
            bits, recs = code(hb, H*W, (band <= limit).astype(float), st)
            full = [np.einsum('xu,buv,yv->bxy', up, r, up).reshape(H//16, W//16, 16, 16).transpose(0, 2, 1, 3).reshape(H, W) for r in recs]
            cur.append((bits, 10*np.log10(255**2 / rgb_mse(cb - full[0], cr - full[1]))))
        more[limit] = np.array(cur)
    print('   half size, more coefficients: ' + ' | '.join(
        f'{rate} bpp: ' + ', '.join(f'u+v<={l} {np.interp(rate, more[l][::-1, 0], more[l][::-1, 1]) - np.interp(rate, ch[::-1, 0], ch[::-1, 1]):+.2f}' for l in more)
        for rate in (0.02, 0.05, 0.08, 0.12)))
    line = []
    for rate in (0.02, 0.05, 0.1, 0.15):
        base = np.interp(rate, ch[::-1, 0], ch[::-1, 1])
        line.append(f'{rate} bpp: half {base:.2f} dB, full ' + ', '.join(f'u+v<={l} {np.interp(rate, out[l][::-1, 0], out[l][::-1, 1]) - base:+.2f}' for l in out))
    print(p, ' | '.join(line))
    c = (np.fromfile(f'{p}-corrected.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5
    actual = (c - s) @ M.T
    decoded = 10*np.log10(255**2 / rgb_mse(actual[..., 1], actual[..., 2]))
    print(f'   the file\'s decoded chroma: {decoded:.2f} dB, where this model of the half size spends {np.interp(decoded, ch[::-1, 1], ch[::-1, 0]):.3f} bit a pixel')
    # Chroma's part of the file's error (before the final filter) and what perfect chroma, at half or full size, would give.
    only_chroma = ((actual * [0, 1, 1]) @ Mi.T) ** 2
    means = actual[..., 1:].reshape(H//2, 2, W//2, 2, 2).mean(axis=(1, 3))
    at_half = actual.copy(); at_half[..., 1:] -= np.repeat(np.repeat(means, 2, 0), 2, 1)
    no_chroma = actual * [1, 0, 0]
    psnr_of = lambda e: 10*np.log10(255**2 / ((e @ Mi.T) ** 2).mean())
    print(f'   chroma alone holds {only_chroma.mean() / ((c - s) ** 2).mean():.2f} of the RGB error; PSNR {psnr_of(actual):.2f} dB, '
          f'with perfect half-size chroma {psnr_of(at_half):.2f}, with perfect chroma {psnr_of(no_chroma):.2f}')
    print('   finest step: half', ch[0].round(2), 'full u+v<=7', out[7][0].round(2), 'coarsest', ch[-1].round(2), out[7][-1].round(2))
    print('   bits range half', ch[:,0].min().round(4), ch[:,0].max().round(3), 'full', out[3][:,0].min().round(4), out[3][:,0].max().round(3))
