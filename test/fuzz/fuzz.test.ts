import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readSnf, SnfFormatError } from '../../src/format/index.js';
import { formatReport, runFuzz } from './harness.js';
import { fuzzSeeds } from './seeds.js';

/** The CI run: fixed seed, fixed count. `npm run fuzz` runs the same harness for longer. */
const CI_SEED = 20_240_605;
const CI_CASES = 20_000;

test(`fuzz: ${CI_CASES} seeded mutations of valid files end in a typed error or a valid decode, fast and within the allocation budget`, async () => {
  const report = await runFuzz(fuzzSeeds(), { seed: CI_SEED, cases: CI_CASES, caseTimeLimitMs: 2000 });
  console.log(formatReport(report));
  assert.equal(report.cases, CI_CASES);
  assert.equal(report.failures, 0);
  // The mix reaches every part of the reader: some files still decode, and the codes span the container, header and stream checks.
  assert.ok(report.decoded > 0, 'no mutation decoded');
  for (const code of ['BAD_MAGIC', 'TRUNCATED', 'SIZE_MISMATCH', 'CHECKSUM_MISMATCH', 'BAD_HEADER', 'LIMIT_EXCEEDED', 'UNSUPPORTED_FEATURE', 'BAD_STREAM', 'INVALID_ARGUMENT']) {
    assert.ok((report.outcomes[code] ?? 0) > 0, `no case ended in ${code}`);
  }
});

/** The code a read of `bytes` fails with, or 'read' if it succeeds. */
function readOutcome(bytes: Uint8Array): string {
  try {
    readSnf(bytes);
    return 'read';
  } catch (error) {
    return error instanceof SnfFormatError ? error.code : `untyped ${String(error)}`;
  }
}

const CORRUPTION = new Set(['BAD_MAGIC', 'UNSUPPORTED_VERSION', 'TRUNCATED', 'SIZE_MISMATCH', 'CHECKSUM_MISMATCH']);

test('a changed byte anywhere in a valid file is rejected as corruption, never decoded: every value at every offset', (t) => {
  // Exhaustive on the encoder's fixture and the spec's file; every single-bit flip on the other seeds.
  const seeds = fuzzSeeds().filter(({ bytes }) => bytes.length < 4096);
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // a quarter of a million rejections: skip their stacks
  t.after(() => {
    Error.stackTraceLimit = stackTraceLimit;
  });
  for (const { name, bytes } of seeds) {
    assert.equal(readOutcome(bytes), 'read', name);
    const exhaustive = name === 'fixture' || name === 'appendixA';
    const copy = bytes.slice();
    for (let at = 0; at < bytes.length; at++) {
      for (let k = 1; k < (exhaustive ? 256 : 9); k++) {
        copy[at] = exhaustive ? (bytes[at]! + k) & 0xff : bytes[at]! ^ (1 << (k - 1));
        const outcome = readOutcome(copy);
        if (!CORRUPTION.has(outcome)) assert.fail(`${name}: byte ${at} changed to ${copy[at]} gives ${outcome}, not a corruption code`);
      }
      copy[at] = bytes[at]!;
    }
  }
});

test('fuzz: audio files alone (decodeAudio at other rates and stretches): typed errors or valid decodes, some of each', async () => {
  const audio = fuzzSeeds().filter(({ name }) => name.startsWith('audio'));
  assert.equal(audio.length, 3);
  const report = await runFuzz(audio, { seed: CI_SEED + 1, cases: 3000, caseTimeLimitMs: 2000 });
  assert.equal(report.failures, 0);
  assert.ok(report.decoded > 0, 'no audio mutation decoded');
  for (const code of ['BAD_HEADER', 'LIMIT_EXCEEDED', 'BAD_STREAM', 'CHECKSUM_MISMATCH']) assert.ok((report.outcomes[code] ?? 0) > 0, `no audio case ended in ${code}`);
});
