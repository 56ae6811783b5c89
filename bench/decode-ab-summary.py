# Medians of bench/decode-ab.sh's runs, a build each: python3 bench/decode-ab-summary.py runs.txt
import collections, re, statistics, sys

runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    m = re.match(r'(\S+) run \d+: ([\d.]+) s', line)
    if m:
        runs[m.group(1)].append(float(m.group(2)))
    elif line.startswith('#'):
        print(line.strip())
for build, seconds in runs.items():
    print(f'{build}: median {statistics.median(seconds):.3f} s, fastest {min(seconds):.2f}, slowest {max(seconds):.2f} ({len(seconds)} runs)')
