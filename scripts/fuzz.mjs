#!/usr/bin/env node
// The long fuzz run: the harness of test/fuzz (which `npm test` runs for 20,000 cases)
// for as many cases or seconds as asked, from a new seed each time unless one is given.
//   npm run fuzz                                  # 1,000,000 cases
//   npm run fuzz -- --seconds 600                 # ten minutes
//   npm run fuzz -- --seed 123 --from 4567 --cases 1 --verbose    # rerun one case
// Options may also come from SNFC_FUZZ_CASES, SNFC_FUZZ_SECONDS and SNFC_FUZZ_SEED.
// A failing case is written to fuzz-failure-<seed>-<case>.snf; the exit code is then 1.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { parseArgs } from 'node:util';
import { FuzzFailure, formatReport, runFuzz } from '../dist/test/fuzz/harness.js';
import { fuzzSeeds } from '../dist/test/fuzz/seeds.js';

const { values } = parseArgs({
  options: {
    cases: { type: 'string', default: process.env.SNFC_FUZZ_CASES },
    seconds: { type: 'string', default: process.env.SNFC_FUZZ_SECONDS },
    seed: { type: 'string', default: process.env.SNFC_FUZZ_SEED },
    from: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});
const number = (name, text, fallback) => {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0) {
    console.error(`fuzz: expected a whole number ≥ 0 for --${name} but received '${text}'`);
    process.exit(2);
  }
  return n;
};
const seconds = number('seconds', values.seconds, undefined);
const cases = number('cases', values.cases, seconds === undefined ? 1_000_000 : Number.MAX_SAFE_INTEGER);
const seed = number('seed', values.seed, Math.floor(Math.random() * 2 ** 31));
const from = number('from', values.from, 0);

console.log(`fuzz: seed ${seed}, cases ${from}…${cases === Number.MAX_SAFE_INTEGER ? '' : from + cases - 1}${seconds === undefined ? '' : `, at most ${seconds} s`}; ` +
  `Node ${process.version}, ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
const seeds = fuzzSeeds();
try {
  const report = await runFuzz(seeds, {
    seed, cases, from, seconds, progressEvery: 100_000,
    onProgress: (r) => console.log(`  ${r.cases} cases, ${r.seconds.toFixed(0)} s, ${r.decoded} decoded, slowest ${r.slowest.ms.toFixed(1)} ms`),
    onCase: values.verbose ? (c) => console.log(JSON.stringify(c)) : undefined,
  });
  console.log(formatReport(report));
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} catch (error) {
  if (!(error instanceof FuzzFailure)) throw error;
  const file = `fuzz-failure-${seed}-${error.fuzzCase.index}.snf`;
  writeFileSync(file, error.input);
  console.error(`${error.message}\nthe failing file: ${file}`);
  process.exitCode = 1;
}
