"""mozjpeg's and WebP's PSNR and MS-SSIM on a photo at a given size, read off the bench's quality sweeps
(linear in log bytes between the two nearest qualities): python3 codec_at.py results.json kodim05 24324"""
import json
import sys
import numpy as np


def at(entries, image, codec, size):
    sweep = sorted((e['bytes'], e['psnr'], e['msssim']) for e in entries if e['codec'] == codec and image in e['image'])
    b = np.log([s[0] for s in sweep])
    return tuple(float(np.interp(np.log(size), b, [s[k] for s in sweep])) for k in (1, 2))


if __name__ == '__main__':
    results, image, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    entries = json.load(open(results))['entries']
    for codec in ('jpeg', 'webp'):
        p, m = at(entries, image + '.png', codec, size)
        print(f'{codec} at {size} bytes: {p:.2f} dB, MS-SSIM {m:.4f}')
