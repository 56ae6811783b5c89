"""Would a transform-coded residual pay? (issue 10, session 30; docs/studies.md, "A DCT residual for the mid
frequencies").

MS-SSIM's gap to mozjpeg is at its middle scales, structure with periods of 4–16 pixels that the networks
blur (session 20), and session 19 measured only the residual's 8×8 block means. This codes the residual
(source − snf's decode, filter included) as JPEG codes a photo: YCbCr, chroma averaged over 2×2, 8×8 DCT,
only the first K coefficients in zigzag order, a uniform step with a dead zone, and prints the PSNR and
MS-SSIM gained, the bytes an adaptive coder would spend, and the gain net of those bytes (2.85 dB per
doubling of the rate, as bench/rgb-source.ts; MS-SSIM by the bench's mean slope between the same rates).

The rate is that of an adaptive coder, not an entropy bound: each coefficient's zero flag is coded with a
binary model per (zigzag position, nonzero neighbours above and left) and its magnitude with an adaptive
multi-symbol model per position (Krichevsky–Trofimov counts), the sign with one bit. Model tables and any
header are not counted.

    node to-raw.mjs source.png /tmp/s.raw; node to-raw.mjs decoded.png /tmp/d.raw
    python3 dct_residual.py /tmp/s.raw /tmp/d.raw WIDTH HEIGHT FILE_BYTES [BPP]
"""
import sys
import numpy as np
from scipy.fft import dctn, idctn

sys.path.insert(0, '../ms-ssim-scales')
from msssim_parts import per_scale  # noqa: E402

DB_PER_LN_RATE = 2.85 / np.log(2)
# The bench's MS-SSIM per doubling of the rate, 20-photo means (README): 0.25→0.5 and 0.5→1 bpp.
MS_PER_DOUBLING = {0.5: (0.9572 - 0.9215 + 0.9781 - 0.9572) / 2, 1: 0.9781 - 0.9572}


def zigzag(n=8):
    order = sorted(((y, x) for y in range(n) for x in range(n)), key=lambda p: (p[0] + p[1], p[1] if (p[0] + p[1]) % 2 else p[0]))
    return order


ZIGZAG = zigzag()
KEEPS = (1, 3, 6, 10, 15, 21)
STEPS = (16, 24, 32, 48, 64)


def to_ycc(rgb):
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.299 * r + 0.587 * g + 0.114 * b
    return y, -0.168736 * r - 0.331264 * g + 0.5 * b, 0.5 * r - 0.418688 * g - 0.081312 * b


def to_rgb(y, cb, cr):
    return np.stack([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb], axis=-1)


def blocks(plane):
    h, w = plane.shape
    return plane.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)


def unblocks(b):
    bh, bw = b.shape[:2]
    return b.transpose(0, 2, 1, 3).reshape(bh * 8, bw * 8)


def kt_bits(symbols, contexts, alphabet):
    """Bits an adaptive multi-symbol coder spends on `symbols` (in order), one KT-count model per context."""
    counts = {}
    bits = 0.0
    for s, c in zip(symbols, contexts):
        table = counts.setdefault(c, np.full(alphabet, 0.5))
        bits -= np.log2(table[s] / table.sum())
        table[s] += 1
    return bits


def code_plane(plane, step, keep, dead_zone):
    """Quantized DCT of a plane (first `keep` zigzag coefficients), its reconstruction and its bits."""
    coeffs = dctn(blocks(plane), axes=(2, 3), norm='ortho')
    q = np.zeros(coeffs.shape, dtype=np.int64)
    for (v, u) in ZIGZAG[:keep]:
        c = coeffs[:, :, v, u]
        q[:, :, v, u] = np.sign(c) * np.floor(np.abs(c) / step + 0.5 - dead_zone)
    recon = unblocks(idctn(q * step, axes=(2, 3), norm='ortho'))
    bh, bw = q.shape[:2]
    flags, flag_ctx, mags, mag_ctx = [], [], [], []
    for by in range(bh):
        for bx in range(bw):
            for k, (v, u) in enumerate(ZIGZAG[:keep]):
                value = q[by, bx, v, u]
                near = (by > 0 and q[by - 1, bx, v, u] != 0) + (bx > 0 and q[by, bx - 1, v, u] != 0)
                flags.append(int(value != 0))
                flag_ctx.append((k, near))
                if value != 0:
                    mags.append(min(abs(value), 16) - 1)
                    mag_ctx.append(min(k, 5))
    bits = kt_bits(flags, flag_ctx, 2) + kt_bits(mags, mag_ctx, 16) + len(mags)
    # Magnitudes past 16 would take an escape: count 2·log2 bits for the rest, as an Exp-Golomb code.
    big = np.abs(q[np.abs(q) > 16])
    bits += float(np.sum(2 * np.floor(np.log2(big - 15)) + 1)) if big.size else 0.0
    return recon, bits


def with_residual(source, decoded, keep, step, dead_zone=0.2):
    """`decoded` plus the coded residual, and the residual's bytes."""
    ry, rcb, rcr = to_ycc(source - decoded)
    half = lambda p: (p[0::2, 0::2] + p[1::2, 0::2] + p[0::2, 1::2] + p[1::2, 1::2]) / 4  # noqa: E731
    up = lambda p: np.repeat(np.repeat(p, 2, 0), 2, 1)  # noqa: E731
    y, bits_y = code_plane(ry, step, keep, dead_zone)
    cb, bits_cb = code_plane(half(rcb), step, min(keep, 3), dead_zone)
    cr, bits_cr = code_plane(half(rcr), step, min(keep, 3), dead_zone)
    image = np.clip(np.round(decoded + to_rgb(y, up(cb), up(cr))), 0, 255)
    return image, (bits_y + bits_cb + bits_cr) / 8


def psnr_of(source, image):
    return 10 * np.log10(255 ** 2 / np.mean((source - image) ** 2))


def run(source, decoded, file_bytes, bpp):
    base_loss, _, base_ms = per_scale(source, decoded)
    base_psnr = psnr_of(source, decoded)
    slope = MS_PER_DOUBLING[bpp]
    print(f'base: {base_psnr:.2f} dB, MS-SSIM {base_ms:.4f}, scales ×1000 {np.round(base_loss * 1000, 1).tolist()}')
    for keep in KEEPS:
        for step in STEPS:
            image, extra = with_residual(source, decoded, keep, step)
            psnr = psnr_of(source, image)
            loss, _, ms = per_scale(source, image)
            share = extra / file_bytes
            # Against the networks alone at the same total size: 2.85 dB and the bench's MS-SSIM slope per doubling.
            net = psnr - base_psnr - DB_PER_LN_RATE * np.log(1 + share)
            net_ms = ms - base_ms - slope * np.log2(1 + share)
            print(f'K {keep:2d} step {step:2d}: +{psnr - base_psnr:.2f} dB, MS-SSIM {ms:.4f} (+{ms - base_ms:.4f}) '
                  f'for {extra:.0f} bytes ({100 * share:.1f} %) net {net:+.2f} dB, '
                  f'MS-SSIM net {net_ms:+.4f}; scales {np.round(loss * 1000, 1).tolist()}', flush=True)


def fill(source, decoded, file_bytes, budget):
    """For each K, the finest step whose residual fits in `budget` − `file_bytes` bytes (bisection on log step)."""
    room = budget - file_bytes
    _, _, base_ms = per_scale(source, decoded)
    print(f'base: {file_bytes} bytes, {psnr_of(source, decoded):.2f} dB, MS-SSIM {base_ms:.4f}; filling to {budget} bytes')
    for keep in KEEPS:
        lo, hi = np.log(4), np.log(400)
        best = None
        for _ in range(12):
            mid = (lo + hi) / 2
            image, extra = with_residual(source, decoded, keep, np.exp(mid))
            if extra <= room:
                best, hi = (np.exp(mid), image, extra), mid
            else:
                lo = mid
        if best is None:
            print(f'K {keep:2d}: no step fits')
            continue
        step, image, extra = best
        loss, _, ms = per_scale(source, image)
        print(f'K {keep:2d} step {step:5.1f}: {file_bytes + extra:.0f} bytes, {psnr_of(source, image):.2f} dB, MS-SSIM {ms:.4f}; '
              f'scales {np.round(loss * 1000, 1).tolist()}', flush=True)


if __name__ == '__main__':
    s_path, d_path, width, height, file_bytes = sys.argv[1:6]
    width, height, file_bytes = int(width), int(height), int(file_bytes)
    load = lambda p: np.fromfile(p, np.uint8).reshape(height, width, 3).astype(np.float64)  # noqa: E731
    mode = sys.argv[6] if len(sys.argv) > 6 else '0.5'
    if mode.startswith('fill='):
        fill(load(s_path), load(d_path), file_bytes, int(mode[5:]))
    else:
        run(load(s_path), load(d_path), file_bytes, 1 if float(mode) >= 0.75 else 0.5)
