#!/bin/sh
# Post-fit sweep (issue 10, session 63): what follows the fit, in other shapes, on existing files' networks (the
# post-fit pilot: the first filter, the DCT residual filled to the same size, the final filter, then decoded).
#   SNF_DIR=/tmp/snf55 bench/post-fit-sweep-s63.sh RATE PHOTO... >> bench/results/post-fit-sweep-s63.jsonl
# Files are kodimNN-RATE.snf in $SNF_DIR (session 55's encodes, as session 61 used them). `{}` is the encoder's own
# path; the variants, at 0.5 bpp (whose file gets a first filter of 1 × 5 classes) and at 1 bpp (4 × 5):
# a first filter of more classes and a final filter of radius 3 (clipped as the default's); at 0.5 bpp also 6 chroma
# coefficients a block in the residual instead of 10 (session 60 found more at 1 bpp worth +0.01 dB). One JSON line a
# variant. Run `npm run build` first.
cd "$(dirname "$0")/.."
rate=$1; shift
clipped3='{"final":{"radius":3,"cross":0,"classes":4,"directions":5,"clipped":true}}'
if [ "$rate" = 0.5 ]; then
  more='{"first":{"radius":3,"cross":1,"classes":2,"directions":5}} {"chroma":6}'
else
  more='{"first":{"radius":3,"cross":1,"classes":8,"directions":5}}'
fi
for k in "$@"; do
  node dist/bench/post-fit-pilot.js ../shared/data/kodak/kodim$k.png "${SNF_DIR:-snf}/kodim$k-$rate.snf" \
    '{}' "$clipped3" $more
done
