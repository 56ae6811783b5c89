// How long adding a file's DCT residual takes in a fresh process (cold: V8 has run none of the residual's code yet, as
// in a `snfc decode`), on the WASM kernels or in TypeScript, in ms, one JSON line:
//   npm run build && node bench/residual-cold.mjs file.snf [auto|typescript]
import { readFileSync } from 'node:fs';
import { decodeField } from '../dist/src/decoder/index.js';
import { readSnf } from '../dist/src/format/index.js';
import { addResidual } from '../dist/src/kernels/residual.js';

const bytes = new Uint8Array(readFileSync(process.argv[2]));
const kernel = process.argv[3] ?? 'auto';
const { header } = readSnf(bytes);
if (header.kind !== 'image' || header.residual === undefined) throw new Error(`${process.argv[2]} has no residual`);
const field = await decodeField(bytes);
const t0 = performance.now();
addResidual(field, header.residual, { width: header.width, height: header.height }, kernel);
const t1 = performance.now();
addResidual(field, header.residual, { width: header.width, height: header.height }, kernel);
const t2 = performance.now();
console.log(JSON.stringify({ file: process.argv[2], kernel, cold: +(t1 - t0).toFixed(1), second: +(t2 - t1).toFixed(1) }));
