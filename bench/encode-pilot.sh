#!/bin/sh
# Encode options against the defaults on full-size Kodak photos, one `snfc encode` each (session 66's pilots:
# `--tiles 3x3` at 1 bpp, `--depth 4` at 2 bpp). Run from the checkout:
#   sh bench/encode-pilot.sh BPP "OPTIONS" NN... > out.jsonl      (NN: Kodak numbers, e.g. 07 05)
# One JSON line per photo: the options, the file's PSNR, the networks' alone, the residual's bytes, the widths, the
# depth and the passes. The passes are the encoder's (by the work), so the PSNR does not depend on the load; the seconds do.
B=$1; OPTIONS=$2; shift 2
work=${TMPDIR:-/tmp}
for p in "$@"; do
  # shellcheck disable=SC2086 # OPTIONS is a list of flags
  node bin/snfc.js encode ../shared/data/kodak/kodim$p.png -o "$work/pilot-$B-$p.snf" --bpp "$B" $OPTIONS --json --quiet --force > "$work/encode-pilot.json"
  node -e "const r = JSON.parse(require('fs').readFileSync(process.argv[1], 'utf8'));
    console.log(JSON.stringify({ image: 'kodim$p', bpp: $B, options: process.argv[2], bytes: r.bytes, psnr: r.psnr, networkPsnr: r.networkPsnr, residualBytes: r.residualBytes, widths: r.widths, depth: r.depth, steps: r.steps, seconds: r.seconds }));" "$work/encode-pilot.json" "$OPTIONS"
done
