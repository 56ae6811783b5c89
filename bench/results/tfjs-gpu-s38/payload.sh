#!/bin/sh
# Packs what run.sh needs on a GPU machine that reaches no registry: Node itself, the built
# project, the runtime packages (tfjs-core, tfjs-backend-webgpu, the webgpu package's Dawn for
# linux-x64 only) and the Vulkan loader, into .gpu/ (ignored by git). Run from the repository
# root after `npm install && npm install --no-save webgpu@0.6.2` and with
# @tensorflow/tfjs-backend-webgpu@4.22.0 unpacked into node_modules.
set -e
rm -rf .gpu && mkdir -p .gpu/stage
xz -6 -T2 -c "$(command -v node)" > .gpu/node.xz
npm ls --omit=dev --all --parseable 2>/dev/null | sed "s|$PWD/||" | grep '^node_modules/' \
  | awk -F/ '{ if ($2 ~ /^@/) print $1"/"$2"/"$3; else print $1"/"$2 }' | sort -u > .gpu/stage/modules.txt
for m in @tensorflow/tfjs-core @tensorflow/tfjs-backend-cpu @tensorflow/tfjs-backend-webgpu long node-fetch whatwg-url webidl-conversions tr46 seedrandom; do
  echo "node_modules/$m" >> .gpu/stage/modules.txt
done
sort -u .gpu/stage/modules.txt | grep -v -e '^node_modules/@tensorflow/tfjs-backend-wasm$' > .gpu/stage/keep.txt
tar cf - --exclude='node_modules/webgpu/dist/win32-*' --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/linux-arm64' \
  --exclude='node_modules/@tensorflow/*/dist/*.min.js' --exclude='node_modules/@tensorflow/*/dist/*.es2017.js' \
  --exclude='node_modules/@tensorflow/*/dist/*.fesm.js' --exclude='*.map' --exclude='node_modules/@tensorflow/*/src' \
  dist package.json $(cat .gpu/stage/keep.txt) | xz -6 -T2 > .gpu/project.tar.xz
# The Vulkan loader (Debian's; the machine brings NVIDIA's driver and its ICD file).
(cd .gpu && apt-get download libvulkan1 >/dev/null 2>&1 || true)
cp ../shared/data/kodak/kodim07.png .gpu/
rm -rf .gpu/stage
ls -la .gpu
