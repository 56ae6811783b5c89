#!/bin/sh
# A tiling against the default, full-size Kodak photos, one `snfc encode` each (session 66's 3x3 pilot).
# usage: sh bench/tiles-pilot.sh TILES BPP NN... > out.jsonl   (NN: Kodak numbers, e.g. 07 05; run from the checkout)
# One JSON line per photo: the file's PSNR, the networks' alone, the residual's bytes, the widths and the passes.
T=$1; B=$2; shift 2
work=${TMPDIR:-/tmp}
for p in "$@"; do
  node bin/snfc.js encode ../shared/data/kodak/kodim$p.png -o "$work/t$T-$B-$p.snf" --tiles "$T" --bpp "$B" --json --quiet --force > "$work/tiles-pilot.json"
  node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    console.log(JSON.stringify({ image: 'kodim$p', tiles: '$T', bpp: $B, bytes: r.bytes, psnr: r.psnr, networkPsnr: r.networkPsnr, residualBytes: r.residualBytes, widths: r.widths, steps: r.steps, seconds: r.seconds }));" "$work/tiles-pilot.json"
done
