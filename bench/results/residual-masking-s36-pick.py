# What `balanced` would pick from residual-masking-s36.txt: the plain shapes plus the graded shapes masked at each
# set of sigma0 given (default: several sets), by PSNR + w * MS-SSIM in dB; printed as PSNR/MS-SSIM change over the
# pick from the plain shapes alone. Run: python3 bench/results/residual-masking-s36-pick.py 30,60 40
import re, math, itertools
def parse(path, rows):
    name = None
    for line in open(path):
        m = re.match(r'^== (\S+) rdo (\S+) mask (\S+)', line)
        if m: name = (m.group(1), m.group(3)); rows.setdefault(name, []); continue
        m = re.search(r'\((\d+)/(\d+) coefficients, step ([\d.]+), gradient ([\d.]+).*: (\d+) bytes, ([\d.]+) dB, MS-SSIM ([\d.]+)', line)
        if m and name: rows[name].append((int(m.group(1)), float(m.group(4)), float(m.group(6)), float(m.group(7))))
rows = {}
parse('bench/results/residual-masking-s36.txt', rows)
files = ['k13-1-0.5','k05-1-0.5','k07-1-0.2','k17-1-0.2','k13-05-0.35','k17-05-0.2']
score = lambda t, w: t[2] - w * 10 * math.log10(1 - t[3])
import sys
sets = [s.split(',') for s in sys.argv[1:]] or [['40'], ['20','40'], ['30'], ['60'], ['30','60'], ['20','40','100']]
for w_busy, w_smooth in ((1.5, 1), (2, 1.5), (3, 2)):
    print(f"weights busy {w_busy} smooth {w_smooth}")
    for sig in sets:
        out = []
        for f in files:
            busy = f[:3] in ('k13', 'k05'); w = w_busy if busy else w_smooth
            base = rows.get((f, '0'))
            if not base: continue
            cand = list(base)
            ok = True
            for s in sig:
                r = rows.get((f, s))
                if r is None: ok = False; break
                cand += [t for t in r if t[0] == 64 and t[1] > 0]
            if not ok: out.append(f"{f}: -"); continue
            b = max(base, key=lambda t: score(t, w)); p = max(cand, key=lambda t: score(t, w))
            out.append(f"{f[:7]} {p[2]-b[2]:+.2f}/{p[3]-b[3]:+.4f}")
        print(f"  mask {','.join(sig):10s} " + ' | '.join(out))
