#!/bin/bash
# The DCT residual's share of the rate (--residual) on full-size photos: each line one encode, its decode's PSNR
# and MS-SSIM as the bench measures them. Baselines (--residual 0) are the bench's session 26 runs (same encoder).
# Usage: bench/residual-share.sh OUT.jsonl "05:0.5:0.2 07:1:0.2 …"   (photo:bpp:share)
cd "$(dirname "$0")/.."
out=$1; shift
for spec in $1; do
  IFS=: read -r img bpp share <<< "$spec"
  f=/tmp/res-k$img-$bpp-$share
  line=$(node bin/snfc.js encode ../shared/data/kodak/kodim$img.png -o $f.snf --bpp $bpp --residual $share --force --json 2>/dev/null)
  node bin/snfc.js decode $f.snf -o $f.png --force 2>/dev/null
  m=$(node bench/decoded-metrics.mjs ../shared/data/kodak/kodim$img.png $f.png)
  echo "{\"image\":\"kodim$img\",\"bpp\":$bpp,\"share\":$share,\"metrics\":$m,\"encode\":$line}" >> "$out"
done
