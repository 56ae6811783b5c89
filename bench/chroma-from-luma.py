"""Chroma from luma (AV1's CfL) for the DCT residual: would the decoded luma residual predict the chroma it leaves?

  python3 bench/chroma-from-luma.py /tmp/ip/k07 …   (dumps made as in bench/intra-prediction.py)

At half size (2 x 2 means, as the residual codes chroma), per 8 x 8 block of Cb and Cr (16 x 16 pixels), the block's AC
(its mean removed) of the residual's target (source - the filtered field) and of what is left after the residual
(source - field - residual), each predicted by a scale times the decoded luma residual's AC in the same block. The
share of the AC energy an oracle scale per block takes off (which a coder would have to signal), the same from the
luma of a random other block (chance: what a free scale takes off noise), and one scale for the whole image (free).
"""
import sys
import numpy as np
from residual_dumps import H, W, YCBCR, load

rng = np.random.default_rng(1)


def half(plane):
    return plane.reshape(H // 2, 2, W // 2, 2).mean(axis=(1, 3))


def blocks_ac(plane):
    b = plane.reshape(H // 16, 8, W // 16, 8).transpose(0, 2, 1, 3).reshape(-1, 64)
    return b - b.mean(1, keepdims=True)


def taken(target, predictor):
    """Share of the target's energy that the least-squares scale of the predictor takes off, block by block."""
    num, den = (target * predictor).sum(1), (predictor * predictor).sum(1) + 1e-12
    return (num ** 2 / den).sum() / (target ** 2).sum()


print('dump | plane | oracle a block | chance | one scale (scale)')
for prefix in sys.argv[1:]:
    source, base, corrected = load(prefix)
    luma = blocks_ac(half(((corrected - base) @ YCBCR.T)[..., 0]))
    for name, error in (('target', source - base), ('after the residual', source - corrected)):
        for plane, label in ((1, 'Cb'), (2, 'Cr')):
            t = blocks_ac(half((error @ YCBCR.T)[..., plane]))
            scale = (t * luma).sum() / (luma * luma).sum()
            one = 1 - ((t - scale * luma) ** 2).sum() / (t ** 2).sum()
            print(f"{prefix.split('/')[-1]} | {label} {name} | {taken(t, luma):.3f} | {taken(t, luma[rng.permutation(len(luma))]):.3f} | {one:.3f} ({scale:+.3f})")
