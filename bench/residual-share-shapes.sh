#!/bin/bash
# Residual share study: networks-only encodes at bpp*(1-s), then residual-fill --each to the full rate.
cd /work/s31/frozen
out=/work/s31/share-study.txt
for bpp in 0.5 1; do
 for img in 13 05 08 11; do
  for s in 0.2 0.35 0.5; do
    nb=$(python3 -c "print(round($bpp*(1-$s),4))")
    full=$(python3 -c "print(int(768*512*$bpp/8))")
    f=/work/s31/k$img-$bpp-$s.snf
    line=$(node bin/snfc.js encode /work/shared/data/kodak/kodim$img.png -o $f --bpp $nb --residual 0 --force --json 2>/dev/null)
    echo "== kodim$img bpp $bpp share $s (networks at $nb bpp) encode: $(echo "$line" | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["bytes"], round(d["psnr"],2), round(d["seconds"]))')" >> $out
    node dist/bench/residual-fill.js $f /work/shared/data/kodak/kodim$img.png $full --each >> $out 2>&1
  done
 done
done
echo DONE >> $out
