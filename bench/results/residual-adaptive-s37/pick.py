# What `balanced` (and `ssim`) would keep from the study's decodes (run.sh): the best PSNR + w * MS-SSIM in dB
# (w 1.5 on busy photos, 1 on smooth ones) among candidate sets, as PSNR / MS-SSIM change over today's set
# (the plain shapes and the graded ones masked at 30 and 60). Run: python3 pick.py *.txt
import re, sys, math
rows = {}
for path in sys.argv[1:]:
    cfg = None
    for line in open(path):
        m = re.match(r'^== (\S+) (.*)$', line.strip())
        if m:
            name = m.group(1); a = m.group(2)
            am = re.search(r'--adapt (\S+)', a); mm = re.search(r'--mask (\S+)', a)
            cfg = (name, am.group(1) if am else '-', mm.group(1) if mm else '0', '--each' in a)
            rows.setdefault(cfg, []); continue
        m = re.search(r'\((\d+)/(\d+) coefficients, step ([\d.]+), gradient ([\d.]+).*: (\d+) bytes, ([\d.]+) dB, MS-SSIM ([\d.]+)', line)
        if m and cfg: rows[cfg].append((int(m.group(1)), float(m.group(4)), float(m.group(6)), float(m.group(7))))
names = sorted({k[0] for k in rows})
score = lambda t, w: t[2] - w * 10 * math.log10(1 - t[3])
def cand(name, sets):
    out = list(rows.get((name, '-', '0', True), []))
    for a, m in sets:
        out += [t for t in rows.get((name, a, m, False), []) if t[1] > 0]
    return out
today = [('-', '30'), ('-', '60')]
options = {
    'today (mask 30, 60)': today,
    'chosen: mask 60 + adapt 10,4 mask 30': [('-', '60'), ('10,4', '30')],
    '+ adapt 10,4': today + [('10,4', '0')],
    '+ adapt 10,4 +mask30': today + [('10,4', '30')],
    '+ adapt 10,4 (+0,30,60)': today + [('10,4', '0'), ('10,4', '30'), ('10,4', '60')],
    'adapt 10,4 (+0,30,60) only': [('10,4', '0'), ('10,4', '30'), ('10,4', '60')],
    'adapt 5,4 +30,60 & 10,4 +30,60': [('5,4', '30'), ('5,4', '60'), ('10,4', '30'), ('10,4', '60')],
    '+ adapt 20,4 (+30,60)': today + [('20,4', '0'), ('20,4', '30'), ('20,4', '60')],
    '+ adapt 10,6 (+0,30)': today + [('10,6', '0'), ('10,6', '30')],
    '+ everything': today + [k[1:3] for k in rows if k[1] != '-' and not k[3]],
}
for wb, ws in ((1.5, 1), (2, 1.5)):
    print(f'balanced, MS-SSIM weighed {wb} (busy) / {ws} (smooth): change over today\'s pick, PSNR dB / MS-SSIM')
    for label, sets in options.items():
        out = []
        for n in names:
            w = wb if n[:3] in ('k13', 'k05') else ws
            base = max(cand(n, today), key=lambda t: score(t, w))
            c = cand(n, list(dict.fromkeys(sets)))
            if not c: continue
            p = max(c, key=lambda t: score(t, w))
            out.append(f'{n[:7]} {p[2]-base[2]:+.2f}/{p[3]-base[3]:+.4f}')
        print(f'  {label:32s} ' + ' | '.join(out))
print('today\'s picks (w 1.5/1): ' + ' | '.join(f"{n[:7]} {max(cand(n, today), key=lambda t: score(t, 1.5 if n[:3] in ('k13','k05') else 1))[2:]}" for n in names))
