"""Clipped taps for the final filter: how much more a filter of the final filter's shape takes back when each tap's
differences are clamped (VVC's adaptive loop filter's clipping), from the post-fit pilot's dumps.

  python3 bench/final-filter-clipping.py /tmp/ip/k07 …   (dumps made as in bench/intra-prediction.py)

Each dump's decode after the residual (before the final filter) is filtered as spec 4.6 does, by a numpy stand-in: the
own channel's six taps of radius 2, 4 activity classes (split at the quantiles 1/3, 2/3, 0.9) x 5 directions, every
coefficient least squares, unrounded. Against that linear filter: each own tap's two differences from the centre
clamped to a bound picked per tap and set (greedily, two sweeps), from several sets of bounds (in levels of 8 bits;
inf is no clamp), per channel or one pick for the three channels. Gains in dB over the decode, in-sample, as the encoder
fits (its bytes not counted: 4 bounds cost 2 bits a tap and set, 30 bytes for 120 picks shared by the channels).
"""
import sys
import numpy as np
from residual_dumps import H, W, YCBCR, load

OFFSETS = [(0, 1), (1, -1), (1, 0), (1, 1), (0, 2), (2, 0)]


def shift(p, dy, dx):
    q = np.pad(p, 2, mode='edge')
    return q[2 + dy:2 + dy + H, 2 + dx:2 + dx + W]


def box(p, r=2):
    q = np.pad(p, r, mode='edge')
    return sum(q[r + dy:r + dy + H, r + dx:r + dx + W] for dy in range(-r, r + 1) for dx in range(-r, r + 1)) / (2 * r + 1) ** 2


def sets_of(y):
    """Activity class x 5 + direction (spec 4.6, on the luma of the decode)."""
    lap = np.abs(4 * y - shift(y, 0, 1) - shift(y, 0, -1) - shift(y, 1, 0) - shift(y, -1, 0))
    act = box(lap)
    a = np.digitize(act, np.quantile(act, [1 / 3, 2 / 3, 0.9]))
    second = lambda dy, dx: box(np.abs(2 * y - shift(y, dy, dx) - shift(y, -dy, -dx)))
    h, v, d1, d2 = second(0, 1), second(1, 0), second(1, 1), second(1, -1)
    hi, lo, hid, lod = np.maximum(h, v), np.minimum(h, v), np.maximum(d1, d2), np.minimum(d1, d2)
    d = np.where(hi * lod >= hid * lo, np.where(hi > 2 * lo, np.where(h > v, 1, 2), 0), np.where(hid > 2 * lod, np.where(d1 > d2, 3, 4), 0))
    return (a * 5 + d).ravel()


BOUND_SETS = {'1,2,4,8,16,32,inf': [1, 2, 4, 8, 16, 32, None], '2,4,8,inf': [2, 4, 8, None], '4,8,16,inf': [4, 8, 16, None]}
ALL = sorted({b for s in BOUND_SETS.values() for b in s if b is not None}) + [None]
TAPS = len(OFFSETS)


def tap_feature(p, m, bound):
    dy, dx = OFFSETS[m]
    up, down = shift(p, dy, dx) - p, shift(p, -dy, -dx) - p
    if bound is not None:
        up, down = np.clip(up, -bound, bound), np.clip(down, -bound, bound)
    return (up + down).ravel()


def main():
    column = {(m, b): i for i, (m, b) in enumerate((m, b) for m in range(TAPS) for b in ALL)}
    print('dump', 'linear', *[f'{name} per channel' for name in BOUND_SETS], '4,8,16,inf shared', sep=' | ')
    for prefix in sys.argv[1:]:
        source, _, decoded = load(prefix)
        sets = sets_of(decoded @ YCBCR[0])
        total = ((source - decoded) ** 2).sum()
        gram, moment, energy = {}, {}, {}
        for ch in range(3):
            p = decoded[..., ch]
            t = (source[..., ch] - p).ravel()
            x = np.stack([tap_feature(p, m, b) for m in range(TAPS) for b in ALL], -1)
            for s in range(20):
                rows = sets == s
                if rows.sum() < 30:
                    continue
                gram[s, ch], moment[s, ch], energy[s, ch] = x[rows].T @ x[rows], x[rows].T @ t[rows], (t[rows] ** 2).sum()

        def left(key, picks):
            """The squared error left in one set and channel by the least-squares filter on the picked bounds."""
            i = [column[m, picks[m]] for m in range(TAPS)]
            g, mo = gram[key][np.ix_(i, i)] + 1e-9 * np.eye(TAPS), moment[key][i]
            return energy[key] - mo @ np.linalg.solve(g, mo)

        def greedy(keys, bounds):
            picks = [None] * TAPS
            for _ in range(2):
                for m in range(TAPS):
                    picks[m] = min(bounds, key=lambda b: sum(left(k, picks[:m] + [b] + picks[m + 1:]) for k in keys))
            return sum(left(k, picks) for k in keys)

        gain = lambda error: 10 * np.log10(total / (total - sum(energy.values()) + error))
        row = [gain(sum(left(k, [None] * TAPS) for k in gram))]
        row += [gain(sum(greedy([k], bounds) for k in gram)) for bounds in BOUND_SETS.values()]
        row.append(gain(sum(greedy([(s, ch) for ch in range(3) if (s, ch) in gram], BOUND_SETS['4,8,16,inf']) for s in range(20))))
        print(prefix.split('/')[-1], *[f'{g:+.3f}' for g in row], sep=' | ', flush=True)


main()
