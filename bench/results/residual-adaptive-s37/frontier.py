# MS-SSIM at equal PSNR: the best MS-SSIM of each candidate set at or above each PSNR level (the frontier),
# today's set (plain + masked 30/60) against it with adaptive steps added. Run: python3 frontier.py *.txt
import sys, math
sys.argv, files = sys.argv[:1], sys.argv[1:]
exec(open('pick.py').read().split("names = sorted")[0].replace("for path in sys.argv[1:]", "for path in files"))
names = sorted({k[0] for k in rows})
def cand(name, sets):
    out = list(rows.get((name, '-', '0', True), []))
    for a, m in sets: out += [t for t in rows.get((name, a, m, False), []) if t[1] > 0]
    return out
today = [('-', '30'), ('-', '60')]
sets = {'today': today, '+a10,4': today + [('10,4', '0'), ('10,4', '30'), ('10,4', '60')], '+a20,4': today + [('20,4', '0'), ('20,4', '30'), ('20,4', '60')],
        '+all': today + [k[1:3] for k in rows if k[1] != '-' and not k[3]]}
for n in names:
    ps = sorted({round(t[2], 1) for t in cand(n, today)})
    lo, hi = min(ps), max(ps)
    levels = [lo + (hi - lo) * f for f in (0.2, 0.4, 0.6, 0.8)]
    line = []
    for label, s in sets.items():
        c = cand(n, s)
        best = [max([t[3] for t in c if t[2] >= L] or [float('nan')]) for L in levels]
        line.append(f"{label} " + ' '.join(f'{b:.4f}' for b in best))
    print(f"{n:12s} PSNR ≥ " + ' '.join(f'{L:.2f}' for L in levels) + ' :: ' + ' | '.join(line))
