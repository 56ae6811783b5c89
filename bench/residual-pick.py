# The pick of each --tune weighting from a bench/residual-share-shapes.sh output (one file per photo and rate): for each
# share, the best shape by PSNR + w × MS-SSIM in dB for w = 0 (psnr), 0.5 (balanced, smooth) and 1 (balanced, busy).
# Usage: python3 bench/residual-pick.py bench/results/residual-shapes-k20-0.5-s32.txt …
import re, sys, math
for path in sys.argv[1:]:
    block = None; rows = {}
    for line in open(path):
        m = re.match(r'^(\S+\.snf): (\d+) bytes, ([\d.]+) dB, MS-SSIM ([\d.]+)', line)
        if m: block = m.group(1).split('-')[-1].replace('.snf',''); rows[block] = []; continue
        m = re.search(r'\((\d+)/(\d+) coefficients, step ([\d.]+), gradient ([\d.]+).*: (\d+) bytes, ([\d.]+) dB, MS-SSIM ([\d.]+)', line)
        if m and block: rows[block].append((int(m.group(1)), float(m.group(4)), float(m.group(6)), float(m.group(7))))
    for share, r in rows.items():
        out = []
        for w in (0, 0.5, 1):
            best = max(r, key=lambda t: t[2] - w * 10 * math.log10(1 - t[3]))
            out.append(f"w{w}: {best[0]}c g{best[1]} {best[2]:.3f}/{best[3]:.4f}")
        print(path.split('/')[-1], 'share', share, ' | '.join(out))
