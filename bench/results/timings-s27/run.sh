#!/bin/bash
# Runs after the 2 bpp bench: quiet timings (decode of format 2.5 vs 4 with the same weights; kodim01 encode).
cd "$(dirname "$0")/../../.."
while pgrep -f "snfc.js bench" >/dev/null; do sleep 20; done
OUT=bench/results/timings-s27/timings.txt
{ echo "# $(date -u) host $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2) commit $(git rev-parse --short HEAD)"
  for r in 1 2 3 4 5 6 7 8 9; do
    for f in ra-kodim07-0.5-v25 ra-kodim07-0.5-v4 ra-kodim07-1-v25 ra-kodim07-1-v4 ra-kodim20-1-v25 ra-kodim20-1-v4; do
      s=$(date +%s.%N); node bin/snfc.js decode bench/results/timings-s27/$f.snf -o /tmp/dt-$f.png -f >/dev/null 2>&1; e=$(date +%s.%N)
      echo "decode $f run $r $(echo "$e - $s" | bc)"
    done
  done
  s=$(date +%s.%N); node bin/snfc.js encode ../shared/data/kodak/kodim01.png --bpp 0.5 -o /tmp/k01-05.snf -f --json -q; e=$(date +%s.%N)
  echo "encode kodim01 0.5 bpp wall $(echo "$e - $s" | bc)"
  s=$(date +%s.%N); node bin/snfc.js decode /tmp/k01-05.snf -o /tmp/k01-05.png -f >/dev/null; e=$(date +%s.%N)
  echo "decode kodim01 wall $(echo "$e - $s" | bc)"
  echo "# done $(date -u)"
} > $OUT 2>&1
