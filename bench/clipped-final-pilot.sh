#!/bin/sh
# Post-fit pilot (issue 10, session 61): the final filter as session 57 made it (linear taps) against its taps clipped
# (format x.11, the default since session 61), on existing files' networks, every photo at 1 and 0.5 bpp. The files
# are kodimNN-R.snf in $SNF_DIR (session 61 used session 55's encodes, `snfc encode kodimNN.png --bpp R`); one JSON line
# a variant on stdout (bench/results/clipped-final-pilot-s61.jsonl). Run `npm run build` first.
cd "$(dirname "$0")/.."
for r in 1 0.5; do for k in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16 17 18 19 20; do
  node dist/bench/post-fit-pilot.js ../shared/data/kodak/kodim$k.png "${SNF_DIR:-snf}/kodim$k-$r.snf" '{"final":{"radius":2,"cross":0,"classes":4,"directions":5}}' '{}'
done; done
