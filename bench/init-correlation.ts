/**
 * How far a file's weights moved from the WS initialization they started
 * from (docs/studies.md, "Coding weights as deltas from their start"): per
 * network and layer, the correlation between each decoded weight and its
 * initial value (seed 1 + n, as the encoder's default) and the ratio of
 * their spreads. Weights that stayed close would be cheaper coded as
 * differences; the saving at correlation ρ is −½ log₂(1 − ρ²) bits a weight.
 *
 *   npm run build && node dist/bench/init-correlation.js photo.snf
 */
import { readFileSync } from 'node:fs';
import { readSnf, networkParams } from '../src/format/index.js';
import { initializeWeightScaled } from '../src/encoder/network/ws-init.js';
import { defaultAlpha } from '../src/encoder/network/network-defaults.js';
import { layerShapes } from '../src/kernels/arch.js';

const input = process.argv[2];
if (input === undefined) {
  console.error('usage: node dist/bench/init-correlation.js file.snf   (a file encoded with the default seed and α)');
  process.exit(2);
}
const file = readSnf(new Uint8Array(readFileSync(input)));
const rows = new Map<number, string[]>();
file.networks.forEach((network, n) => {
  const params = networkParams(network);
  const initial = initializeWeightScaled(network.arch, defaultAlpha(network.arch.width), 1 + n);
  layerShapes(network.arch).forEach((layer, index) => {
    let cross = 0, initialSquares = 0, finalSquares = 0;
    for (let i = layer.weightOffset; i < layer.weightOffset + layer.fanIn * layer.fanOut; i++) {
      cross += initial[i]! * params[i]!;
      initialSquares += initial[i]! ** 2;
      finalSquares += params[i]! ** 2;
    }
    const rho = cross / Math.sqrt(initialSquares * finalSquares);
    const row = rows.get(index) ?? [];
    row.push(`w${network.arch.width} ρ ${rho.toFixed(2)} ×${Math.sqrt(finalSquares / initialSquares).toFixed(1)}`);
    rows.set(index, row);
  });
});
console.log(`# weights against their initialization: ${input} (per network: width, correlation, spread now / at the start)`);
for (const [index, row] of rows) console.log(`layer ${index}: ${row.join(' | ')}`);
