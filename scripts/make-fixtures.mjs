#!/usr/bin/env node
// Builds the small image fixtures in fixtures/ from the Kodak set in
// ../shared/data/kodak (never committed whole). Rerun after changing a crop:
//   node scripts/make-fixtures.mjs [path/to/kodak]
import sharp from 'sharp';
import path from 'node:path';

const kodak = process.argv[2] ?? path.resolve('..', 'shared', 'data', 'kodak');
const crops = [
  // name, source, left, top, size: a 96×96 detail crop for the quality test, a 32×32 one for fast round trips.
  ['kodim-crop96.png', 'kodim07.png', 300, 200, 96],
  ['kodim-crop32.png', 'kodim20.png', 360, 250, 32],
  // kodim16's shoreline runs along its row 16, the edge of 2×2 tiles: the encoder moves that edge (tile-edges.ts).
  ['kodim-shore32.png', 'kodim16.png', 400, 242, 32],
];
for (const [name, source, left, top, size] of crops) {
  const file = path.join(kodak, source);
  await sharp(file).extract({ left, top, width: size, height: size }).png({ compressionLevel: 9 }).toFile(path.join('fixtures', name));
  console.log(`fixtures/${name} <- ${source} (${left},${top}) ${size}x${size}`);
}
