import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startGridLane } from '../src/cli/grid-lanes.js';
import { enableRelaxedSimd } from '../src/node/relaxed-simd.js';
import { encodedInputs } from '../src/kernels/input-encoding.js';
import { initKernels, selectGrid } from '../src/kernels/forward-select.js';
import { renderImage, type GridEvaluator, type ImageNetwork } from '../src/kernels/render.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { DIRECTIONS, tapsPerChannel, type RestorationFilter } from '../src/kernels/post-filter.js';
import { randomSirenParams } from './helpers/random-net.js';

enableRelaxedSimd();
const arch: SirenArch = { inputs: encodedInputs(2, 3), outputs: 3, width: 16, depth: 2, omega: 30, fourier: 3 };
// 3 × 2 blended networks over 300 × 200, rendered at twice the size: some networks take two bands.
const networks: ImageNetwork[] = [0, 1, 2].flatMap((col) => [0, 1].map((row): ImageNetwork => {
  const region: [number, number, number, number] = [col * 100, row * 100, col * 100 + 100, row * 100 + 100];
  const frame: [number, number, number, number] = [Math.max(0, region[0] - 5), Math.max(0, region[1] - 5), Math.min(300, region[2] + 5), Math.min(200, region[3] + 5)];
  return { region, frame, arch, params: randomSirenParams(arch, 70 + 3 * row + col) };
}));
const render = (grid: GridEvaluator | GridEvaluator[]) => renderImage(300, 200, 3, networks, 600, 400, undefined, { overlap: [5, 5], sampleBits: 16, grid });

test('a decode shared with a worker lane renders the same samples as one thread, the worker\'s results placed in order', async () => {
  await initKernels();
  const own = selectGrid()!;
  const want = await render(own);
  const lane = startGridLane();
  try {
    // Started before the render, so that the worker takes the first job whatever this machine's speed.
    await lane.evaluate.ready;
    let remote = 0;
    const counted: GridEvaluator = Object.assign((...args: Parameters<GridEvaluator>) => {
      remote += 1;
      return lane.evaluate(...args);
    }, { ready: lane.evaluate.ready });
    const got = await render([own, counted]);
    assert.ok(remote > 0, 'the worker took some of the work');
    assert.deepEqual(got.data, want.data);
    assert.deepEqual(got.data16, want.data16);
  } finally {
    await lane.close();
  }
});

test('a worker lane filters the lower rows of a filtered image, to the same samples as one thread', async () => {
  await initKernels();
  const own = selectGrid()!;
  const filter: RestorationFilter = {
    radius: 2, cross: 1, shift: 8, thresholds: Float32Array.from([0.01]), directions: DIRECTIONS,
    coefficients: Int8Array.from({ length: 2 * DIRECTIONS * 3 * tapsPerChannel(2, 1, 3) }, (_, i) => ((i * 37) % 61) - 30),
  };
  const renderFiltered = (grid: GridEvaluator | GridEvaluator[]) =>
    renderImage(300, 200, 3, networks, 450, 300, undefined, { overlap: [5, 5], sampleBits: 16, grid, filter });
  const want = await renderFiltered(own);
  const lane = startGridLane();
  try {
    await lane.evaluate.ready;
    const shares: number[][] = [];
    const counted: GridEvaluator = Object.assign((...args: Parameters<GridEvaluator>) => lane.evaluate(...args), {
      ready: lane.evaluate.ready,
      filterRows: (...args: Parameters<NonNullable<GridEvaluator['filterRows']>>) => {
        shares.push([args[3], args[4]]);
        return lane.evaluate.filterRows!(...args);
      },
    });
    const got = await renderFiltered([own, counted]);
    assert.deepEqual(shares, [[150, 300]], 'the worker filtered the lower half');
    assert.deepEqual(got.data, want.data);
    assert.deepEqual(got.data16, want.data16);
  } finally {
    await lane.close();
  }
});

test('lanes that finish out of order, or never start, change nothing', async () => {
  await initKernels();
  const own = selectGrid()!;
  const want = await render(own);
  // A slow lane: its results arrive after later jobs' results from the other lane.
  const slow: GridEvaluator = async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    return own(...args);
  };
  assert.deepEqual((await render([slow, own])).data, want.data);
  let used = false;
  const broken: GridEvaluator = Object.assign(() => {
    used = true;
    throw new Error('never called');
  }, { ready: Promise.reject(new Error('no worker')) });
  assert.deepEqual((await render([own, broken])).data, want.data);
  assert.equal(used, false);
});
