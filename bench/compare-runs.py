"""Per photo and rate, two snfc bench runs side by side (PSNR, MS-SSIM, bytes), with mozjpeg and WebP read off
their sweeps at the newer run's size, and the means over the photos both runs have.
Usage: python3 bench/compare-runs.py OLD/results.json[,OLD2/results.json] NEW/results.json"""
import json
import sys
import numpy as np

olds, new = sys.argv[1].split(','), sys.argv[2]
entries = lambda path: json.load(open(path))['entries']  # noqa: E731
old = {(e['image'], e['targetBpp']): e for path in olds for e in entries(path) if e['codec'] == 'snf'}
now = [e for e in entries(new) if e['codec'] == 'snf']
sweeps = [e for e in entries(new) if e['codec'] in ('jpeg', 'webp')]


def at(image, codec, size):
    sweep = sorted((e['bytes'], e['psnr'], e['msssim']) for e in sweeps if e['codec'] == codec and e['image'] == image)
    b = np.log([s[0] for s in sweep])
    return [float(np.interp(np.log(size), b, [s[k] for s in sweep])) for k in (1, 2)]


rows = {}
print(f"{'photo':12} {'bpp':>5} {'old dB':>7} {'new dB':>7} {'Δ dB':>6} {'old MS':>7} {'new MS':>7} {'Δ MS':>7} {'jpeg dB':>7} {'jpeg MS':>7} {'webp dB':>7} {'res B':>6} {'s':>4}")
for e in sorted(now, key=lambda e: (e['targetBpp'], e['image'])):
    o = old.get((e['image'], e['targetBpp']))
    if o is None or not any(x['image'] == e['image'] for x in sweeps):
        continue  # not in the old run, or the newer run's sweeps for this photo not yet measured
    j, w = at(e['image'], 'jpeg', e['bytes']), at(e['image'], 'webp', e['bytes'])
    rows.setdefault(e['targetBpp'], []).append((o['psnr'], e['psnr'], o['msssim'], e['msssim'], j[0], j[1], w[0], w[1], o['bytes'], e['bytes'], e.get('seams', 1), e['seconds']))
    print(f"{e['image'].split('/')[-1][:-4]:12} {e['targetBpp']:5} {o['psnr']:7.2f} {e['psnr']:7.2f} {e['psnr'] - o['psnr']:+6.2f} {o['msssim']:7.4f} {e['msssim']:7.4f} "
          f"{e['msssim'] - o['msssim']:+7.4f} {j[0]:7.2f} {j[1]:7.4f} {w[0]:7.2f} {e.get('residualBytes', 0):6} {e['seconds']:4.0f}")
for bpp, r in sorted(rows.items()):
    m = np.mean(np.array(r), axis=0)
    print(f"mean of {len(r)} at {bpp} bpp: PSNR {m[0]:.2f} -> {m[1]:.2f} ({m[1] - m[0]:+.2f}; mozjpeg {m[4]:.2f}, WebP {m[6]:.2f}), "
          f"MS-SSIM {m[2]:.4f} -> {m[3]:.4f} ({m[3] - m[2]:+.4f}; mozjpeg {m[5]:.4f}, WebP {m[7]:.4f}); bytes {m[8]:.0f} -> {m[9]:.0f}; "
          f"ahead of mozjpeg in PSNR {sum(x[1] > x[4] for x in r)} of {len(r)}, in MS-SSIM {sum(x[3] >= x[5] for x in r)}; "
          f"ahead of WebP in PSNR {sum(x[1] > x[6] for x in r)}, in MS-SSIM {sum(x[3] >= x[7] for x in r)}; seams {min(x[10] for x in r):.2f}–{max(x[10] for x in r):.2f}; "
          f"encode + decode {min(x[11] for x in r):.0f}–{max(x[11] for x in r):.0f} s")
