"""Can the restoration filter's objective buy MS-SSIM? A single-set filter (diamond radius 3, cross
radius 1, as the encoder's) fitted to min ‖r‖² + λ‖G_σ * r‖² (the blurred residual weighs the
mid frequencies, where dump.mjs's photos lose MS-SSIM), on the 8-bit decode, unquantized.
python3 filter-objective.py DIR TAG"""
import sys
import numpy as np
from scipy.ndimage import gaussian_filter
from msssim_parts import load, per_scale

folder, tag = sys.argv[1], sys.argv[2]
h, w = 512, 768
src, dec = load(folder, tag, 'src', w, h), load(folder, tag, 'snf', w, h)
padded = np.pad(dec, ((3, 3), (3, 3), (0, 0)), mode='edge')


def taps(r):
    return [(dy, dx) for dy in range(0, r + 1) for dx in range(-r, r + 1) if abs(dy) + abs(dx) <= r and (dy > 0 or dx > 0)]


def second_difference(ch, dy, dx):
    return padded[3 + dy:3 + dy + h, 3 + dx:3 + dx + w, ch] + padded[3 - dy:3 - dy + h, 3 - dx:3 - dx + w, ch] - 2 * dec[:, :, ch]


def report(label, out):
    out = np.clip(np.round(out), 0, 255)
    print(f'  {label:22s} PSNR {10 * np.log10(255 ** 2 / ((out - src) ** 2).mean()):.3f} MS-SSIM {per_scale(src, out)[2]:.4f}')


report('unfiltered', dec)
for sigma, lam in [(0, 0), (2, 1), (2, 4), (2, 16), (4, 4), (4, 16), (4, 64)]:
    out = dec.copy()
    for c in range(3):
        f = [second_difference(c, *t) for t in taps(3)] + [second_difference(o, *t) for o in range(3) if o != c for t in taps(1)]
        f = np.stack([m.ravel() for m in f], 1)
        r = (src[:, :, c] - dec[:, :, c]).ravel()
        a, b = f.T @ f, f.T @ r
        if lam > 0:
            bf = np.stack([gaussian_filter(f[:, k].reshape(h, w), sigma).ravel() for k in range(f.shape[1])], 1)
            br = gaussian_filter(r.reshape(h, w), sigma).ravel()
            a, b = a + lam * bf.T @ bf, b + lam * bf.T @ br
        out[:, :, c] = dec[:, :, c] + (f @ np.linalg.solve(a, b)).reshape(h, w)
    report('plain squared error' if lam == 0 else f'σ {sigma}, λ {lam}', out)
