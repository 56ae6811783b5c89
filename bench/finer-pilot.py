"""FINER's variable-periodic activation against the sine, on native 192x128 tiles (session 64 pilot).

One network per tile as snfc fits it at 0.5-1 bpp: Fourier inputs (L = 6, 26 features), 4 sine layers, a linear
output, WS initialization (alpha 0.5, omega 30), output bias at the tile's mean, Adam (lr 0.002, 5 % warm-up,
cosine to 5 %), decoupled weight decay 0.05, batches of 1536, plain squared error. Only the activation differs:
  sine:  sin(w z)
  finer: sin(w (|z| + 1) z)   (Liu et al., CVPR 2024), with the first layer's bias drawn from U(+-k).
Prints the float PSNR and the PSNR with every tensor rounded to a uniform grid of 2^(b-1) steps over its largest
magnitude (a crude stand-in for the rate control, the same for both), one JSON line a fit.
Usage: python3 bench/finer-pilot.py kodimNN.png:left:top ... --widths 16,24 --passes 1000
"""
import json, sys, time, argparse, struct, zlib
import numpy as np

def read_png(path):
    # 8-bit RGB PNGs (the Kodak set), no dependencies beyond zlib.
    data = open(path, 'rb').read()
    assert data[:8] == b'\x89PNG\r\n\x1a\n'
    pos, idat, w = 8, b'', 0
    while pos < len(data):
        n, = struct.unpack('>I', data[pos:pos + 4]); kind = data[pos + 4:pos + 8]; body = data[pos + 8:pos + 8 + n]
        if kind == b'IHDR': w, h, depth, ctype = struct.unpack('>IIBB', body[:10]); assert depth == 8 and ctype == 2
        if kind == b'IDAT': idat += body
        pos += 12 + n
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, w * 3 + 1)
    out = np.zeros((h, w * 3), np.int32); prev = np.zeros(w * 3, np.int32)
    for r in range(h):
        f, line = raw[r, 0], raw[r, 1:].astype(np.int32); cur = np.zeros(w * 3, np.int32)
        for i in range(w * 3):
            a = cur[i - 3] if i >= 3 else 0; b = prev[i]; c = prev[i - 3] if i >= 3 else 0
            if f == 0: p = 0
            elif f == 1: p = a
            elif f == 2: p = b
            elif f == 3: p = (a + b) // 2
            else:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            cur[i] = (line[i] + p) & 255
        out[r] = cur; prev = cur
    return out.reshape(h, w, 3)

def features(width, height, levels):
    xs = (np.arange(width) + 0.5) / width * 2 - 1
    ys = (np.arange(height) + 0.5) / height * 2 - 1
    X, Y = np.meshgrid(xs, ys)
    cols = [X.ravel(), Y.ravel()]
    for k in range(levels):
        for v in (X.ravel(), Y.ravel()):
            cols += [np.sin(2 ** k * np.pi * v), np.cos(2 ** k * np.pi * v)]
    return np.stack(cols, 1).astype(np.float32)

def init(rng, sizes, alpha, omega, first_bias):
    layers = []
    for i, (fi, fo) in enumerate(zip(sizes, sizes[1:])):
        last = i == len(sizes) - 2
        if i == 0: bound = alpha / fi
        elif last: bound = np.sqrt(6 / fi) / omega
        else: bound = alpha * np.sqrt(6 / fi) / omega
        W = rng.uniform(-bound, bound, (fi, fo)).astype(np.float32)
        kb = first_bias if (i == 0 and first_bias is not None) else 1 / np.sqrt(fi)
        b = rng.uniform(-kb, kb, fo).astype(np.float32)
        layers.append([W, b])
    return layers

def forward(layers, X, omega, finer, keep=False):
    h, cache = X, []
    for i, (W, b) in enumerate(layers):
        z = h @ W + b
        if i == len(layers) - 1:
            return z, cache
        g = (np.abs(z) + 1) * z if finer else z
        a = np.sin(omega * g)
        if keep: cache.append((h, z, g))
        h = a

def fit(X, T, width, depth, passes, finer, first_bias, seed, lr=0.002, alpha=0.5, omega=30.0, batch=1536, decay=0.05):
    rng = np.random.default_rng(seed)
    sizes = [X.shape[1]] + [width] * depth + [3]
    layers = init(rng, sizes, alpha, omega, first_bias)
    layers[-1][1][:] = T.mean(0)
    m = [[np.zeros_like(p) for p in l] for l in layers]; v = [[np.zeros_like(p) for p in l] for l in layers]
    n = X.shape[0]; order = rng.permutation(n); nb = max(1, round(n / batch)); cuts = np.array_split(order, nb)
    total = passes * nb; step = 0; b1, b2 = 0.9, 0.999
    for p in range(passes):
        for idx in cuts:
            t = step / total
            rate = lr * (0.1 + 0.9 * t / 0.05) if t < 0.05 else lr * (0.05 + 0.95 * 0.5 * (1 + np.cos(np.pi * (t - 0.05) / 0.95)))
            x, y = X[idx], T[idx]
            out, cache = forward(layers, x, omega, finer, keep=True)
            d = 2 * (out - y) / out.size
            grads = [None] * len(layers)
            h_last = np.sin(omega * cache[-1][2])
            grads[-1] = [h_last.T @ d, d.sum(0)]
            da = d @ layers[-1][0].T
            for i in range(len(layers) - 2, -1, -1):
                h, z, g = cache[i]
                dz = da * omega * np.cos(omega * g) * ((2 * np.abs(z) + 1) if finer else 1)
                grads[i] = [h.T @ dz, dz.sum(0)]
                if i > 0: da = dz @ layers[i][0].T
            step += 1
            for li, (l, gr) in enumerate(zip(layers, grads)):
                for pi in range(2):
                    m[li][pi] = b1 * m[li][pi] + (1 - b1) * gr[pi]
                    v[li][pi] = b2 * v[li][pi] + (1 - b2) * gr[pi] ** 2
                    mh = m[li][pi] / (1 - b1 ** step); vh = v[li][pi] / (1 - b2 ** step)
                    if pi == 0: l[pi] *= (1 - rate * decay)
                    l[pi] -= rate * mh / (np.sqrt(vh) + 1e-8)
    return layers

def psnr(layers, X, T, omega, finer):
    out, _ = forward(layers, X, omega, finer)
    img = np.clip(np.round((out + 1) / 2 * 255), 0, 255); ref = np.round((T + 1) / 2 * 255)
    return 10 * np.log10(255 ** 2 / np.mean((img - ref) ** 2))

def rounded(layers, bits):
    out = []
    for W, b in layers:
        q = []
        for t in (W, b):
            step = np.abs(t).max() / 2 ** (bits - 1) if np.abs(t).max() > 0 else 1
            q.append((np.round(t / step) * step).astype(np.float32))
        out.append(q)
    return out

ap = argparse.ArgumentParser()
ap.add_argument('tiles', nargs='+')
ap.add_argument('--widths', default='16,24')
ap.add_argument('--passes', type=int, default=1000)
ap.add_argument('--variants', default='sine,finer,finer-k1')
ap.add_argument('--depth', type=int, default=4)
args = ap.parse_args()
for spec in args.tiles:
    path, left, top = spec.split(':')
    img = read_png(path)[int(top):int(top) + 128, int(left):int(left) + 192]
    X = features(192, 128, 6); T = (img.reshape(-1, 3) / 255 * 2 - 1).astype(np.float32)
    for width in map(int, args.widths.split(',')):
        for variant in args.variants.split(','):
            finer = variant.startswith('finer')
            k = 1.0 if variant == 'finer-k1' else (5.0 if variant == 'finer-k5' else None)
            t0 = time.time()
            layers = fit(X, T, width, args.depth, args.passes, finer, k, seed=1)
            row = {'tile': spec.split('/')[-1], 'width': width, 'variant': variant, 'passes': args.passes,
                   'psnr': round(float(psnr(layers, X, T, 30.0, finer)), 3),
                   'psnr6bit': round(float(psnr(rounded(layers, 6), X, T, 30.0, finer)), 3),
                   'psnr8bit': round(float(psnr(rounded(layers, 8), X, T, 30.0, finer)), 3), 's': round(time.time() - t0, 1)}
            print(json.dumps(row), flush=True)
