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
from residual_dumps import H, W, RGB, YCBCR, block_dct, dct_matrix, entropy, load

d8 = dct_matrix(8)
# A half-size block rendered at its 16 full-size pixels: the same cosines at x' = (xf + 0.5) / 2 - 0.5 in chroma pixels.
up = np.array([[np.cos(np.pi * (xf + 0.5) * u / 16) for u in range(8)] for xf in range(16)]) * np.sqrt(2/8)
up[:, 0] /= np.sqrt(2)
u, v = np.meshgrid(np.arange(8), np.arange(8), indexing='ij'); band = u + v


def code(planes, mask, step):
    bits = 0.0; recs = []
    for c in planes:
        q = np.round(c / step) * mask
        occ = np.any(q != 0, axis=(1, 2)); bits += entropy(occ.astype(int))
        for g in range(15):
            sel = (band == g) & mask.astype(bool)
            if sel.any() and occ.any(): bits += entropy(q[occ][:, sel].ravel())
        recs.append(q * step)
    return bits / (H * W), recs


def rgb_mse(ecb, ecr):
    e = np.stack([np.zeros_like(ecb), ecb, ecr], -1) @ RGB.T
    return (e**2).mean()


def render_half(coefficients):
    return np.einsum('xu,buv,yv->bxy', up, coefficients, up).reshape(H//16, W//16, 16, 16).transpose(0, 2, 1, 3).reshape(H, W)


def render_full(coefficients):
    return np.einsum('ux,buv,vy->bxy', d8, coefficients, d8).reshape(H//8, W//8, 8, 8).transpose(0, 2, 1, 3).reshape(H, W)


def curve(planes, limit, render, cb, cr):
    """(bits a pixel, chroma's PSNR in RGB) at each step, keeping frequencies u + v <= limit."""
    out = []
    for step in steps:
        bits, recs = code(planes, (band <= limit).astype(float), step)
        out.append((bits, 10*np.log10(255**2 / rgb_mse(cb - render(recs[0]), cr - render(recs[1])))))
    return np.array(out)


def at(rate, c):
    return np.interp(rate, c[::-1, 0], c[::-1, 1])


steps = np.geomspace(1, 600, 40)
for p in sys.argv[1:]:
    s, b, c = load(p)
    t = (s - b) @ YCBCR.T; cb, cr = t[..., 1], t[..., 2]
    hb = [block_dct(x.reshape(H//2, 2, W//2, 2).mean(axis=(1, 3)), 8) for x in (cb, cr)]
    fb = [block_dct(x, 8) for x in (cb, cr)]
    ch = curve(hb, 3, render_half, cb, cr)
    out = {limit: curve(fb, limit, render_full, cb, cr) for limit in (3, 5, 7)}
    # Half size with more coefficients: frequencies up to 5 (21 a block) and 7, against up to 3 (the format's 10).
    more = {limit: curve(hb, limit, render_half, cb, cr) for limit in (5, 7)}
    print('   half size, more coefficients: ' + ' | '.join(
        f'{rate} bpp: ' + ', '.join(f'u+v<={l} {at(rate, more[l]) - at(rate, ch):+.2f}' for l in more)
        for rate in (0.02, 0.05, 0.08, 0.12)))
    line = []
    for rate in (0.02, 0.05, 0.1, 0.15):
        line.append(f'{rate} bpp: half {at(rate, ch):.2f} dB, full ' + ', '.join(f'u+v<={l} {at(rate, out[l]) - at(rate, ch):+.2f}' for l in out))
    print(p, ' | '.join(line))
    actual = (c - s) @ YCBCR.T
    decoded = 10*np.log10(255**2 / rgb_mse(actual[..., 1], actual[..., 2]))
    print(f'   the file\'s decoded chroma: {decoded:.2f} dB, where this model of the half size spends {np.interp(decoded, ch[::-1, 1], ch[::-1, 0]):.3f} bit a pixel')
    # Chroma's part of the file's error (before the final filter) and what perfect chroma, at half or full size, would give.
    only_chroma = ((actual * [0, 1, 1]) @ RGB.T) ** 2
    means = actual[..., 1:].reshape(H//2, 2, W//2, 2, 2).mean(axis=(1, 3))
    at_half = actual.copy(); at_half[..., 1:] -= np.repeat(np.repeat(means, 2, 0), 2, 1)
    no_chroma = actual * [1, 0, 0]
    psnr_of = lambda e: 10*np.log10(255**2 / ((e @ RGB.T) ** 2).mean())
    print(f'   chroma alone holds {only_chroma.mean() / ((c - s) ** 2).mean():.2f} of the RGB error; PSNR {psnr_of(actual):.2f} dB, '
          f'with perfect half-size chroma {psnr_of(at_half):.2f}, with perfect chroma {psnr_of(no_chroma):.2f}')
    print('   finest step: half', ch[0].round(2), 'full u+v<=7', out[7][0].round(2), 'coarsest', ch[-1].round(2), out[7][-1].round(2))
    print('   bits range half', ch[:,0].min().round(4), ch[:,0].max().round(3), 'full', out[3][:,0].min().round(4), out[3][:,0].max().round(3))
