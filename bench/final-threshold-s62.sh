#!/bin/bash
# Threshold check (session 62): 384x384 crops at 1 bpp (18,432 B), between the clipped shape's old (21 KB) and new (17 KB) thresholds.
cd "$(dirname "$0")/.." && npm run build >/dev/null
# Make the crops first: sharp(kodimNN.png).extract({ left: 192, top: 64, width: 384, height: 384 }) into $CROPS/kNN.png.
for n in 03 05 07 13; do
  /usr/bin/time -f "%e s" node bin/snfc.js encode ${CROPS:-/tmp/s62/crops}/k$n.png -o ${CROPS:-/tmp/s62/crops}/k$n.snf --bpp 1 2>&1 | tail -2
  node dist/bench/post-fit-pilot.js ${CROPS:-/tmp/s62/crops}/k$n.png ${CROPS:-/tmp/s62/crops}/k$n.snf '{}' '{"final":{"radius":2,"cross":0,"classes":4,"directions":1}}' '{"final":{"radius":2,"cross":0,"classes":4,"directions":5}}' | sed "s/^/k$n /"
done
