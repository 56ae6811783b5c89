#!/bin/bash
# session 37: the residual's adaptive steps (res.a/e) against plain and masked quantization, on networks-only files
# usage: run.sh NAME FILE SOURCE BYTES
N=$1; F=$2; SRC=$3; BYTES=$4
cd "$(dirname "$0")/../../.."
G="--grid 0.5,1,2,3,4/64 --rdo 0.12"
run() { echo "== $N $*"; node dist/bench/residual-fill.js $F $SRC $BYTES "$@" | grep '+ res'; }
run --each --rdo 0.12
for m in 30 60; do run $G --mask $m; done
for a in 5,4 10,4 20,4 10,2 10,6 10,8; do run $G --adapt $a; done
for am in "10,4 30" "10,4 60" "5,4 30" "20,4 30" "10,6 30" "5,4 60" "20,4 60"; do set -- $am; run $G --adapt $1 --mask $2; done
