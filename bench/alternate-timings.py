# Times whole commands alternated (A, B, A, B, ...), so that a shared machine's slow spells fall on both:
# the median, quartiles and the paired differences B - A. Never beside another timing.
# Usage: python3 bench/alternate-timings.py RUNS 'command A' 'command B' [...]
import subprocess, sys, time, statistics
n = int(sys.argv[1]); cmds = sys.argv[2:]
res = [[] for _ in cmds]
for i in range(n):
    for k, c in enumerate(cmds):
        t = time.perf_counter(); subprocess.run(c, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True); res[k].append(time.perf_counter() - t)
for k, c in enumerate(cmds):
    r = sorted(res[k]); print(f"median {statistics.median(r):.3f} min {r[0]:.3f} q1 {r[len(r)//4]:.3f} q3 {r[3*len(r)//4]:.3f}  {c[:90]}")
if len(cmds) == 2:
    d = sorted(b - a for a, b in zip(*res)); print(f"paired diff (B-A) median {statistics.median(d)*1000:.1f} ms, mean {statistics.mean(d)*1000:.1f} ms")
