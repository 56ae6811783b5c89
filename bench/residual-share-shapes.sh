#!/bin/bash
# The residual's share of the rate and its shapes (docs/studies.md, "A graded step for the residual"): for each
# photo, rate and share S, the networks alone are encoded at (1 − S) of the rate (`--residual 0`), then
# bench/residual-fill.ts fills each file up to the full rate with every shape the encoder tries (a count of
# coefficients at one step, or all 64 at a step graded by frequency) and prints PSNR and MS-SSIM of each decode.
# Needs `npm run build`. Usage, from the repository root:
#   bench/residual-share-shapes.sh OUTDIR "13:0.5 05:0.5 …" "0.2 0.35 0.5"      (photo:bpp, then the shares)
# Raw output of session 31: bench/results/residual-shapes-k*-0.5-s31.txt
set -e
out=$1; mkdir -p "$out"
for spec in $2; do
  IFS=: read -r img bpp <<< "$spec"
  full=$(python3 -c "print(int(768 * 512 * $bpp / 8))")
  for share in $3; do
    networks=$(python3 -c "print(round($bpp * (1 - $share), 4))")
    f=$out/k$img-$bpp-$share.snf
    node bin/snfc.js encode ../shared/data/kodak/kodim$img.png -o "$f" --bpp "$networks" --residual 0 --force --quiet
    node dist/bench/residual-fill.js "$f" ../shared/data/kodak/kodim$img.png "$full" --each >> "$out/shapes-k$img-$bpp.txt"
  done
done
