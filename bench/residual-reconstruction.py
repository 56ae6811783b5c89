"""Are the residual's values decoded where the true coefficients lie? Luma, from the post-fit pilot's dumps.

  python3 bench/residual-reconstruction.py /tmp/ip/k05 …   (dumps made as in bench/intra-prediction.py)

The decoder puts a coefficient coded as q at q times its step. Where the source's coefficients, given q, sit on
average nearer zero (as a Laplacian's do) or further out (as the trellis's rounding down of values leaves them),
a reconstruction offset would take error off for a few bytes. For the coefficients the decoder holds (nonzero), per
frequency band u + v, the least-squares scale a = sum(x y) / sum(y y) of the decoded value y towards the source's x,
and what it would take off the luma squared error of the whole photo (an oracle fitted on the photo itself).
"""
import sys
import numpy as np
from residual_dumps import block_dct, load, luma

u, v = np.meshgrid(np.arange(8), np.arange(8), indexing='ij')
band = (u + v).ravel()
for p in sys.argv[1:]:
    s, b, c = (luma(x) for x in load(p))
    x, y = block_dct(s - b, 8).reshape(-1, 64), block_dct(c - b, 8).reshape(-1, 64)
    nz = np.abs(y) > 1e-3
    total = ((x - y)**2).sum()
    saved = 0; parts = []
    for g in range(15):
        m = nz & (band[None, :] == g)
        if m.sum() < 10: continue
        a = (x[m] * y[m]).sum() / (y[m]**2).sum()
        saved += ((x[m] - y[m])**2).sum() - ((x[m] - a * y[m])**2).sum()
        parts.append(f'{g}:{a:.3f}({m.sum()})')
    print(p, f'nonzero {nz.mean():.3f}; luma error {total/x.size:.2f}/px; a per band scale would save {100*saved/total:.2f} % of it ({10*np.log10(total/(total-saved)):.3f} dB)')
    print('   ', ' '.join(parts))
