#!/bin/bash
# 256x256 crops: default passes (session 62's cap) against --steps 1800 (session 61's cap), at 0.5 and 1 bpp.
# Crops first: sharp(kodimNN.png).extract({ left: 256, top: 128, width: 256, height: 256 }) into $CROPS/cNN.png (NN = 03, 05, 07, 13, 20). Run with the cap at 3600 for every rate (255ab9f), before mostDefaultPasses.
cd "$(dirname "$0")/.." && npm run build >/dev/null
for f in ${CROPS:-/tmp/s62/small}/c*.png; do
  for b in 0.5 1; do
    for s in default 1800; do
      if [ $s = default ]; then extra=""; else extra="--steps 1800"; fi
      out=$(node bin/snfc.js encode $f -o ${CROPS:-/tmp/s62/small}/out.snf --force --bpp $b $extra --json 2>&1)
      echo "$(basename $f) $b $s $(echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d.get("steps"), d.get("bytes"), round(d.get("psnr"),3), round(d.get("msssim",0) or 0,5), round(d.get("seconds",0),1))' 2>&1 | tail -1)"
    done
  done
done
