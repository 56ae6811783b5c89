#!/bin/bash
# PSNR against the encode time budget on full-size photos (issue 10, "Time buys quality").
#   bench/time-curve.sh OUT.jsonl BPP IMAGE... [-- BUDGETS]
# Encodes each Kodak image at BPP with `snfc encode --time T` for T in 60 180 600 s, one at a
# time under the timing lock ($TIMING_LOCK), and appends one JSON line per encode: the encoder's
# --json result, the budget, the wall time once the lock is held, and the load average before and after.
set -euo pipefail
out=$1; bpp=$2; shift 2
images=(); budgets=(60 180 600)
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then shift; budgets=("$@"); break; fi
  images+=("$1"); shift
done
here=$(cd "$(dirname "$0")/.." && pwd)
kodak=${KODAK:-$here/../shared/data/kodak}
tmp=$(mktemp -d)
for image in "${images[@]}"; do
  for t in "${budgets[@]}"; do
    key="\"image\":\"$image\",\"bpp\":$bpp,\"budget\":$t"
    if [ -f "$out" ] && grep -q "$key" "$out"; then continue; fi
    # The clock starts once the lock is held, so that the wall time is the encode's, not the wait for the lock.
    exec 9>"${TIMING_LOCK:-/work/notes/timing.lock}"
    flock 9
    load0=$(cut -d' ' -f1-3 /proc/loadavg)
    start=$(date +%s.%N)
    json=$(node "$here/bin/snfc.js" encode "$kodak/kodim$image.png" -o "$tmp/k.snf" --bpp "$bpp" --time "$t" --json --quiet --force)
    wall=$(echo "$(date +%s.%N) - $start" | bc)
    load1=$(cut -d' ' -f1-3 /proc/loadavg)
    flock -u 9
    echo "{$key,\"wall\":$wall,\"load\":\"$load0 -> $load1\",\"cpu\":\"$(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)\",\"result\":$json}" >> "$out"
    echo "kodim$image bpp $bpp --time $t: $(echo "$json" | grep -o '"psnr":[0-9.]*')"
  done
done
rm -rf "$tmp"
