#!/bin/sh
# 2 bpp with the residual's refill (7f76e6a) on the six photos session 41's bench left over 1 % short.
cd /work/frozen42b
F=""; for i in 19 02 07 17 20 08; do F="$F ../shared/data/kodak/kodim$i.png"; done
flock /tmp/snfc-timing.lock node bin/snfc.js bench $F --bpp 2 --codecs snf,jpeg,webp --out out-fill-2 --quiet > out-fill-2.log 2>&1
