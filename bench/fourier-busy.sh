#!/bin/bash
# Fourier levels 7 and 8 against the default (6) on the photos where MS-SSIM is furthest behind mozjpeg, 0.5 bpp.
cd "$(dirname "$0")/.."
for img in 05 13; do for f in 8 7; do
  out=/tmp/k$img-f$f
  line=$(node bin/snfc.js encode ../shared/data/kodak/kodim$img.png -o $out.snf --bpp 0.5 --fourier $f --force --json 2>/dev/null)
  node bin/snfc.js decode $out.snf -o $out.png --force 2>/dev/null
  m=$(node bench/decoded-metrics.mjs ../shared/data/kodak/kodim$img.png $out.png)
  echo "{\"image\":\"kodim$img\",\"fourier\":$f,\"metrics\":$m,\"encode\":$line}" >> bench/results/fourier-busy-s29.jsonl
done; done
