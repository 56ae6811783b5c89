import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nodeForwardSession, decodeWork } from '../src/cli/threaded-forward.js';
import { encodedInputs } from '../src/kernels/input-encoding.js';
import { forwardFast } from '../src/kernels/forward-fast.js';
import { renderImage, type ImageNetwork } from '../src/kernels/render.js';
import type { SirenArch } from '../src/kernels/arch.js';
import { randomSirenParams } from './helpers/random-net.js';

test('a decode on the worker-thread session renders the same bytes as on one thread, tile after tile', async () => {
  // Four blended 60×50 tiles of 3-level Fourier networks: each call has more points than the inline limit (4096).
  const arch: SirenArch = { inputs: encodedInputs(2, 3), outputs: 3, width: 16, depth: 2, omega: 30, fourier: 3 };
  const cells: [number, number, number, number][] = [[0, 0, 60, 50], [60, 0, 120, 50], [0, 50, 60, 100], [60, 50, 120, 100]];
  const networks: ImageNetwork[] = cells.map((region, n) => {
    const frame: [number, number, number, number] = [Math.max(0, region[0] - 4), Math.max(0, region[1] - 4), Math.min(120, region[2] + 4), Math.min(100, region[3] + 4)];
    return { region, frame, arch, params: randomSirenParams(arch, 11 + n) };
  });
  const options = { overlap: [4, 4] };
  const want = await renderImage(120, 100, 3, networks, 120, 100, forwardFast, options);
  const session = nodeForwardSession(Number.POSITIVE_INFINITY);
  try {
    const got = await renderImage(120, 100, 3, networks, 120, 100, session.forward, options);
    assert.deepEqual(got.data, want.data);
  } finally {
    await session.close();
  }
  // Small decodes stay on this thread, on the decoder's own kernels: no pool to close.
  assert.equal(nodeForwardSession(decodeWork(16 * 16, 1000, 1)).forward, undefined);
});
