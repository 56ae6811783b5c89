#!/bin/sh
# Whole `snfc decode` process to a PNG, two builds alternated, wall seconds a run (/usr/bin/time), and whether the
# two PNGs are the same bytes. Run it alone: it is a timing.
#   sh bench/decode-ab.sh /path/to/build-a /path/to/build-b file.snf [runs]
set -eu
a=$1 b=$2 file=$3 runs=${4:-9}
out=$(mktemp -d)
echo "# $(date -u +%FT%TZ) $(uname -n), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $file; $runs runs alternated"
i=1
while [ "$i" -le "$runs" ]; do
  for build in "$a" "$b"; do
    /usr/bin/time -f %e -o "$out/seconds" node "$build/bin/snfc.js" decode "$file" -o "$out/$(basename "$build").png" -f >/dev/null 2>&1
    echo "$build run $i: $(cat "$out/seconds") s"
  done
  i=$((i + 1))
done
cmp -s "$out/$(basename "$a").png" "$out/$(basename "$b").png" && echo "# same PNG bytes" || echo "# the PNGs differ"
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
rm -r "$out"
