#!/bin/sh
# 0.5 bpp with the new defaults (smooth share 0.3, refill) on the five smooth photos whose probe times were slowed.
cd /work/frozen42c
F=""; for i in 02 03 04 07 09; do F="$F ../shared/data/kodak/kodim$i.png"; done
flock /tmp/snfc-timing.lock node bin/snfc.js bench $F --bpp 0.5 --codecs snf,jpeg,webp --out out-05-rerun --quiet > out-05-rerun.log 2>&1
