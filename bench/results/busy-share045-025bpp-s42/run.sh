#!/bin/sh
# Busy photos at 0.25 bpp with residual share 0.45 (default 0.35), through snfc bench (the encoder of dc98240).
cd /work/frozen42c
F=""; for i in 01 05 06 08 11 13 14 15 18 19 20; do F="$F ../shared/data/kodak/kodim$i.png"; done
flock /tmp/snfc-timing.lock node bin/snfc.js bench $F --bpp 0.25 --codecs snf,jpeg,webp --residual 0.45 --out out-b025-045 --quiet > out-b025-045.log 2>&1
