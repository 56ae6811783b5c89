"""Does restoring contrast buy MS-SSIM? Unsharp masking of the decode, out = d + β(d − G_σ * d).
python3 unsharp.py DIR TAG…"""
import sys, numpy as np
sys.path.insert(0, __import__('os').path.dirname(__file__))
from msssim_parts import load, per_scale
from scipy.ndimage import gaussian_filter
for tag in sys.argv[2:]:
    src, dec = load(sys.argv[1], tag, 'src', 768, 512), load(sys.argv[1], tag, 'snf', 768, 512)
    def rep(label, out):
        out = np.clip(np.round(out), 0, 255)
        loss, first, v = per_scale(src, out)
        print(f'{tag} {label:16s} PSNR {10*np.log10(255**2/((out-src)**2).mean()):.3f} MS-SSIM {v:.4f}')
    rep('decode', dec)
    for sigma in [1, 2, 3]:
        blur = np.stack([gaussian_filter(dec[:, :, c], sigma) for c in range(3)], 2)
        for beta in [0.1, 0.2, 0.4]:
            rep(f'σ{sigma} β{beta}', dec + beta * (dec - blur))
