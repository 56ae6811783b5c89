"""Where MS-SSIM is lost, scale by scale: python3 scales.py DIR TAG [WIDTH HEIGHT] (files from dump.mjs)."""
import sys
import numpy as np
from msssim_parts import load, per_scale

folder, tag = sys.argv[1], sys.argv[2]
width, height = (int(sys.argv[3]), int(sys.argv[4])) if len(sys.argv) > 4 else (768, 512)
src = load(folder, tag, 'src', width, height)
print(f'{tag}: −Σ w·log(term) ×1000 per scale (finest first; the coarsest is l·cs), and channel R\'s cs, contrast term, σ_dec/σ_src')
for name in ['snf', 'jpeg', 'webp']:
    dec = load(folder, tag, name, width, height)
    loss, first, value = per_scale(src, dec)
    psnr = 10 * np.log10(255 ** 2 / ((dec - src) ** 2).mean())
    print(f'  {name:4s} PSNR {psnr:.2f} MS-SSIM {value:.4f} | ' + ' '.join(f'{v:6.2f}' for v in 1000 * loss) + f' | total {1000 * loss.sum():.2f}')
    print('       R: ' + ' | '.join(f's{s + 1} cs {cs:.4f} c {con:.4f} σ {ratio:.3f}' for s, (cs, con, ratio) in enumerate(first)))
