// node bench/results/timings-s27/rewrite.mjs IN.snf OUT.snf : the same networks and header, written as format 4 (shared contexts)
import { readFileSync, writeFileSync } from 'node:fs';
import { readSnf, writeSnf } from '../../../dist/src/format/index.js';
const f = readSnf(readFileSync(process.argv[2]));
const out = writeSnf({ header: f.header, networks: f.networks, sharedContexts: true });
writeFileSync(process.argv[3], out);
console.log(process.argv[2], readFileSync(process.argv[2]).length, '->', out.length);
