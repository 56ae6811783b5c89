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

H, W = 512, 768
def luma(x): return 0.299*x[...,0] + 0.587*x[...,1] + 0.114*x[...,2]
def dct_matrix(n):
    m = np.array([[np.cos(np.pi * (2*x + 1) * u / (2*n)) for x in range(n)] for u in range(n)])
    m[0] /= np.sqrt(2); return m * np.sqrt(2/n)
d = dct_matrix(8)
u, v = np.meshgrid(np.arange(8), np.arange(8), indexing='ij'); band = (u + v).ravel()
for p in sys.argv[1:]:
    s = luma(np.fromfile(f'{p}-source.u8', np.uint8).reshape(H, W, 3).astype(np.float64))
    b = luma((np.fromfile(f'{p}-base.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5)
    c = luma((np.fromfile(f'{p}-corrected.f32', np.float32).reshape(H, W, 3).astype(np.float64) + 1) * 127.5)
    blocks = lambda img: np.einsum('ux,bxy,vy->buv', d, img.reshape(H//8, 8, W//8, 8).transpose(0, 2, 1, 3).reshape(-1, 8, 8), d).reshape(-1, 64)
    x, y = blocks(s - b), blocks(c - b)
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
