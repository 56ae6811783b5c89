import { test } from 'node:test';
import assert from 'node:assert/strict';
import { duration } from '../src/cli/duration.js';
import { plainTrainingProgress } from '../src/cli/progress.js';

test('the plain progress writes a line an interval, none before the first, with the step, PSNR and ETA', () => {
  const lines: string[] = [];
  let clock = 1_000;
  const progress = plainTrainingProgress((line) => lines.push(line), 'wasm', () => clock, 30_000);
  progress.update(0, 1000, Number.NaN);
  clock += 29_999;
  progress.update(100, 1000, 25.5);
  assert.deepEqual(lines, [], 'nothing within the first interval: a short encode prints only its result');
  clock += 1;
  progress.update(250, 1000, 27.125);
  // 30 s for 250 of 1000 steps: 90 s left.
  assert.deepEqual(lines, ['snfc: training on wasm: step 250/1000 | 27.13 dB | ETA 1 min 30 s\n']);
  clock += 10_000;
  progress.update(300, 1000, 27.5);
  assert.equal(lines.length, 1, 'at most one line an interval');
  clock += 20_000;
  progress.update(1000, 1000, 28);
  assert.equal(lines.length, 1, 'no line for the last step: the result line follows');
  clock += 30_000;
  progress.update(900, 1000, Number.POSITIVE_INFINITY);
  assert.equal(lines[1], 'snfc: training on wasm: step 900/1000 | exact dB | ETA 10.0 s\n');
  progress.stop();
  assert.equal(lines.length, 2);
});

test('the plain progress\'s ETA counts the pace from its first update, not from step 0', () => {
  const lines: string[] = [];
  let clock = 0;
  const progress = plainTrainingProgress((line) => lines.push(line), undefined, () => clock, 1000);
  progress.update(500, 1000, 20);
  clock = 1000;
  progress.update(600, 1000, 21);
  // 100 steps a second since the first update: 400 steps left, 4 s.
  assert.deepEqual(lines, ['snfc: training: step 600/1000 | 21.00 dB | ETA 4.0 s\n']);
});

test('durations read as seconds, minutes or hours, rounded once', () => {
  assert.equal(duration(42), '42.0 s');
  assert.equal(duration(179.6), '3 min 0 s');
  assert.equal(duration(185), '3 min 5 s');
  assert.equal(duration(4800), '1 h 20 min');
});
