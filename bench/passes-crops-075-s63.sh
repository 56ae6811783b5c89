#!/bin/bash
# 256x256 crops at 0.75 bpp (RATE=0.9 for 0.9 bpp), between the rates session 62 measured: the default passes (mostDefaultPasses(0.75) = 2400,
# unless the work gives fewer) against --steps 1800 (the cap from 1 bpp) and --steps 3600 (the cap up to 0.5 bpp).
# Crops as in bench/passes-crops-s62.sh ($CROPS/cNN.png). One line an encode: crop, rate, passes asked, passes, bytes, PSNR.
cd "$(dirname "$0")/.."
for f in ${CROPS:-/tmp/s62/small}/c*.png; do
  for s in default 1800 3600; do
    if [ $s = default ]; then extra=""; else extra="--steps $s"; fi
    out=$(node bin/snfc.js encode $f -o /tmp/crops-075.snf --force --bpp ${RATE:-0.75} $extra --json 2>&1)
    echo "$(basename $f) ${RATE:-0.75} $s $(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("steps"), d.get("bytes"), round(d.get("psnr"),3))' 2>&1 | tail -1)"
  done
done
