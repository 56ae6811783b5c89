#!/bin/bash
# The tfjs engine on a GPU through WebGPU in Node (the webgpu package's Dawn, Vulkan), on a machine
# that reaches no registry: session 38's NVIDIA H200. From the repository root, with .gpu/ made by
# payload.sh beside it:  bash bench/results/tfjs-gpu-s38/run.sh [seconds per encode] [backend]
# Prints the machine, the WebGPU adapter, ms per Adam step of the tfjs and WASM engines on a photo
# tile's networks (bench/engine-steps.ts), the two tfjs parity tests run on that backend, then
# kodim07 at 0.5 bpp within the same --time on the tfjs engine (default and full-batch steps) and on
# the WASM engine (all the machine's cores), each encode's --json line.
set -u
T=${1:-45}
B=${2:-webgpu}
OUT=${OUT:-/tmp/snfc-out}; mkdir -p "$OUT"
mkdir -p /tmp/snfc-node/bin
if ! command -v node >/dev/null; then
  xz -dc .gpu/node.xz > /tmp/snfc-node/bin/node && chmod +x /tmp/snfc-node/bin/node
  export PATH=/tmp/snfc-node/bin:$PATH
fi
tar xJf .gpu/project.tar.xz
if [ "$(id -u)" = 0 ]; then for f in .gpu/*.deb; do dpkg -x "$f" /; done; ldconfig; fi
for f in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -f "$f" ]; then export VK_DRIVER_FILES=$f; break; fi
done
{
  echo "== machine"
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1
  echo "cores $(nproc); node $(node --version); VK_DRIVER_FILES=${VK_DRIVER_FILES:-none}"
  echo "== WebGPU adapter (Dawn)"
  timeout 60 node -e "import('webgpu').then(async ({ create, globals }) => {
    Object.assign(globalThis, globals);
    const a = await create([]).requestAdapter({ powerPreference: 'high-performance' });
    console.log(a ? JSON.stringify(a.info) : 'none'); process.exit(0); })"
  echo "== ms per Adam step, tfjs-$B against WASM"
  SNFC_TFJS_BACKEND=$B timeout 120 node dist/bench/engine-steps.js --engines tfjs,wasm --widths 16,24,48 --seconds 2
  echo "== the tfjs parity tests on tfjs-backend-$B"
  SNFC_TEST_TFJS_BACKEND=$B timeout 180 node --test --test-reporter=spec --test-name-pattern 'reference engine' dist/test/tfjs-engine.test.js
  for e in "tfjs" "tfjs --batch 0" "wasm"; do
    echo "== snfc encode kodim07.png --bpp 0.5 --engine $e --time $T"
    SNFC_TFJS_BACKEND=$B timeout $((T + 75)) node bin/snfc.js encode .gpu/kodim07.png -o "$OUT/k07.snf" --force --bpp 0.5 --engine $e --time "$T" --json
    echo "exit $?"
  done
} 2>&1 | tee "$OUT/log.txt"
