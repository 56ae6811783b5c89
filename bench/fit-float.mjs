// The float fit alone (no quantization) of an image with the encoder's WS initialization and schedule,
// at the widest width within a parameter budget: what the coded file is compared with.
//   npm run build && node bench/fit-float.mjs IMAGE LEVELS PARAMS [STEPS] [ALPHA] [LR]
// e.g. kodim07 scaled to 192x128, the 1 bpp network `snfc encode` picks (width 33, Fourier 6, lr 0.002):
//   node bench/fit-float.mjs k07.png 6 3237 1000 1 0.002
import sharp from 'sharp';
import { createWasmEngine } from '../dist/src/encoder/network/wasm-engine.js';
import { fit } from '../dist/src/encoder/network/trainer.js';
import { initializeWeightScaled } from '../dist/src/encoder/network/ws-init.js';
import { parameterCount } from '../dist/src/kernels/arch.js';
import { encodeCoordinates, encodedInputs } from '../dist/src/kernels/input-encoding.js';
import { regionGrid, normalizeSample } from '../dist/src/kernels/render.js';

const [image, levels, budget] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const [steps, alpha, lr] = [Number(process.argv[5] ?? 1000), Number(process.argv[6] ?? 1), Number(process.argv[7] ?? 3e-3)];
const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
const grid = regionGrid(info.width, info.height, [0, 0, info.width, info.height], info.width, info.height);
const base = { inputs: encodedInputs(2, levels), outputs: info.channels, depth: 3, omega: 30, fourier: levels };
let width = 4;
while (parameterCount({ ...base, width: width + 1 }) <= budget) width++;
const arch = { ...base, width };
const engine = await createWasmEngine({
  arch, params: initializeWeightScaled(arch, alpha, 1), coords: encodeCoordinates(grid.coords, 2, levels), targets: Float32Array.from(data, normalizeSample),
});
const started = performance.now();
const result = await fit(engine, { steps, lr });
await engine.dispose();
console.log(JSON.stringify({
  image: image.split('/').pop(), levels, alpha, lr, width, params: parameterCount(arch), steps,
  psnr: Number((10 * Math.log10(4 / result.bestLoss)).toFixed(2)), seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
}));
