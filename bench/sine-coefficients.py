# Near-minimax polynomial coefficients of the training sine and cosine in assembly/kernels.ts
# (MODE_SINCOS; docs/engine.md, session 21): Lawson's iteration on [0, pi/2], even/odd in r. python3 bench/sine-coefficients.py
import numpy as np
# Near-minimax (Lawson iteration) polynomial fits on [-pi/2, pi/2] in z = r^2.
def fit(f, basis, n_iter=200):
    r = np.linspace(1e-6, np.pi/2, 20001)
    A = np.stack([b(r) for b in basis], 1)
    y = f(r)
    w = np.ones_like(r)
    for _ in range(n_iter):
        sw = np.sqrt(w)
        c, *_ = np.linalg.lstsq(A * sw[:, None], y * sw, rcond=None)
        e = np.abs(A @ c - y)
        w = w * (e + 1e-30); w /= w.sum()
    return c, np.max(np.abs(A @ c - y))
# sin(r) = r + r^3 (a3 + a5 z + a7 z^2 + a9 z^3): fit sin(r) - r with basis r^3, r^5, ...
for deg in (7, 9):
    basis = [lambda r, p=p: r**p for p in range(3, deg + 1, 2)]
    c, e = fit(lambda r: np.sin(r) - r, basis)
    print('sin deg', deg, e, list(c))
for deg in (6, 8, 10):
    basis = [lambda r, p=p: r**p for p in range(2, deg + 1, 2)]
    c, e = fit(lambda r: np.cos(r) - 1, basis)
    print('cos deg', deg, e, list(c))
