"""MS-SSIM (as src/metrics/ms-ssim.ts: 11-tap Gaussian σ 1.5, valid windows, 2×2 means between
scales, RGB channels averaged) split into its scales and terms."""
import numpy as np
from scipy.ndimage import convolve1d

WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
_g = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5 ** 2))
_g /= _g.sum()


def _filter(x):
    return convolve1d(convolve1d(x, _g, axis=0, mode='constant')[5:-5], _g, axis=1, mode='constant')[:, 5:-5]


def terms(x, y):
    """Means of luminance, contrast and contrast-structure over the windows, and σ_y/σ_x."""
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = _filter(x), _filter(y)
    sxx, syy, sxy = _filter(x * x) - mx * mx, _filter(y * y) - my * my, _filter(x * y) - mx * my
    sx, sy = np.sqrt(np.maximum(sxx, 0)), np.sqrt(np.maximum(syy, 0))
    lum = (2 * mx * my + c1) / (mx * mx + my * my + c1)
    con = (2 * sx * sy + c2) / (sxx + syy + c2)
    cs = (2 * sxy + c2) / (sxx + syy + c2)
    return lum.mean(), con.mean(), cs.mean(), sy.mean() / sx.mean()


def down(x):
    h, w = x.shape[0] // 2 * 2, x.shape[1] // 2 * 2
    return (x[:h:2, :w:2] + x[1:h:2, :w:2] + x[:h:2, 1:w:2] + x[1:h:2, 1:w:2]) / 4


def per_scale(src, dec):
    """−w_s·log(term_s) per scale (finest first), channels averaged, the term ratios of channel 0, and MS-SSIM."""
    loss, first, total = np.zeros(5), [], 0.0
    for ch in range(3):
        x, y, logs = src[:, :, ch], dec[:, :, ch], 0.0
        for s in range(5):
            lum, con, cs, ratio = terms(x, y)
            v = lum * cs if s == 4 else cs
            loss[s] -= WEIGHTS[s] * np.log(v) / 3
            logs += WEIGHTS[s] * np.log(v)
            if ch == 0:
                first.append((cs, con, ratio))
            x, y = down(x), down(y)
        total += np.exp(logs)
    return loss, first, total / 3


def load(folder, tag, name, width, height):
    return np.fromfile(f'{folder}/{tag}-{name}.raw', np.uint8).reshape(height, width, 3).astype(np.float64)
