"""Would WebP's intra prediction help snf? An upper bound, on luma, from the post-fit pilot's dumps.

  npm run build && node dist/bench/post-fit-pilot.js kodim05.png kodim05-1bpp.snf '{"dump":"/tmp/ip/k05"}'
  python3 bench/intra-prediction.py /tmp/ip/k05 …

For each block of n x n pixels (16, 8, 4) it tries WebP's four predictions from the pixels above and to the left
(DC, vertical, horizontal, TrueMotion), block by block the best of them, an oracle that pays nothing to signal its
pick, and asks two questions:
  1. on the DCT residual's target (source - the filtered field): how much of its energy would the best prediction
     from the neighbours' residual (the source's, or the decoded one's) take away, beside not predicting at all;
  2. on the source itself: is the best intra prediction a better predictor than the networks' field?
Picking the least of five errors block by block gains something from chance alone, most on small blocks; the control
("shuffled") makes the same pick from the neighbours of another block, drawn at random, which predict nothing.
"""
import sys
import numpy as np
from residual_dumps import H, W, load, luma


def predictions(neighbours, y, x, n, low, high):
    top, left, corner = neighbours[y - 1, x:x + n], neighbours[y:y + n, x - 1], neighbours[y - 1, x - 1]
    return [np.full((n, n), (top.sum() + left.sum()) / (2 * n)), np.tile(top, (n, 1)), np.tile(left[:, None], (1, n)),
            np.clip(top[None, :] + left[:, None] - corner, low, high)]


def blocks(n):
    for y in range(n, H, n):
        for x in range(n, W - n, n):
            yield y, x


for prefix in sys.argv[1:]:
    source, base, corrected = (luma(x) for x in load(prefix))
    target, decoded = source - base, corrected - base
    for n in (8, 4):
        places = list(blocks(n))
        shuffled = [places[i] for i in np.random.default_rng(1).permutation(len(places))]
        for label, neighbours, sources in (('source', target, places), ('decoded', decoded, places), ('shuffled', decoded, shuffled)):
            none = best = 0.0
            by_mode = np.zeros(4)
            for (y, x), (sy, sx) in zip(places, sources):
                block = target[y:y + n, x:x + n]
                zero = (block ** 2).sum()
                errors = [((block - p) ** 2).sum() for p in predictions(neighbours, sy, sx, n, -255, 255)]
                none += zero
                by_mode += errors
                best += min(zero, *errors)
            modes = ', '.join(f'{m} {e / none:.2f}' for m, e in zip(('DC', 'V', 'H', 'TM'), by_mode))
            print(f'{prefix} residual {n}x{n}, neighbours {label:8s}: energy left by the best of (none, 4 modes) '
                  f'{best / none:.3f}; by each mode alone {modes}')
    for n in (16, 8, 4):
        field = intra = wins = count = 0
        for y, x in blocks(n):
            block = source[y:y + n, x:x + n]
            by_field = ((block - base[y:y + n, x:x + n]) ** 2).sum()
            by_intra = min(((block - p) ** 2).sum() for p in predictions(source, y, x, n, 0, 255))
            field += by_field; intra += by_intra; wins += by_intra < by_field; count += 1
        print(f'{prefix} source {n:2d}x{n:<2d}: field error rms {np.sqrt(field / count) / n:5.2f}, best intra '
              f'{np.sqrt(intra / count) / n:5.2f}, blocks where intra wins {wins / count:.2f}')
