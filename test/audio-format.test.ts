import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeAudio } from '../src/decoder/index.js';
import { readSnf, SnfFormatError, writeSnf, type AudioHeader, type SnfNetworkInput } from '../src/format/index.js';

const arch = { inputs: 1, outputs: 1, width: 1, depth: 1, omega: 30 };
function network(region: number[], w0: number, b0: number, w1: number): SnfNetworkInput {
  return {
    region, arch, tensors: [
      { bits: 4, step: 0.5, values: Int32Array.from([w0]) }, { bits: 4, step: 0.25, values: Int32Array.from([b0]) },
      { bits: 8, step: 0.0078125, values: Int32Array.from([w1]) }, { bits: 2, step: 1, values: Int32Array.from([0]) },
    ],
  };
}
const header = (overlap: number): AudioHeader => ({
  kind: 'audio', sampleRate: 8000, length: 4, channels: 1, colorSpace: 'linear', normalization: 'identity', blend: { overlap: [overlap] },
});

const A6 = `
89534e460d0a1a0a02010000a1000000 88a46b696e64a5617564696faa73616d
706c6552617465cd1f40a66c656e6774 6804a86368616e6e656c7301a4617263
6883a5776964746801a5646570746801 a56f6d6567611ea4677269649102a562
6c656e6481a76f7665726c61709101a8 6e6574776f726b739282a174c4140400
00003f040000803e080000003c020000 803fa1620382a174c414040000003f04
0000803e080000003c020000803fa162 0306000000af2fa4d3fbc0584fdb11`;

test('spec Appendix A.7: the two-segment blended audio file, byte for byte, and its four samples', async () => {
  const bytes = writeSnf({ tensorTables: 'float32', header: header(1), networks: [network([0, 2], 3, -2, 100), network([2, 4], -1, 1, -64)] });
  assert.equal(Buffer.from(bytes).toString('hex'), A6.replace(/\s/g, ''));
  const file = readSnf(bytes);
  assert.deepEqual(file.networks.map((n) => [...n.frame]), [[0, 3], [1, 4]]);
  const decoded = (await decodeAudio(bytes)).channels[0]!;
  // The file as readSnf read it decodes to the same samples (Node's CLI reads a file once and decodes from that).
  assert.deepEqual((await decodeAudio(file)).channels[0], decoded);
  const expected = [-0.66477, -0.3622, -0.32592, 0.29924];
  expected.forEach((v, i) => assert.ok(Math.abs(decoded[i]! - v) < 5e-5, `sample ${i}: ${decoded[i]} for ${v}`));
  // Sample 0 by hand: frame [0, 3), t = −2/3, y = 0.78125 · sin(30 · (1.5 t − 0.5)).
  assert.ok(Math.abs(decoded[0]! - 0.78125 * Math.sin(-45)) < 1e-6);
});

test('audio blend: an overlap over half the shortest segment is BAD_HEADER; 0 is hard joins', () => {
  const nets = [network([0, 2], 3, -2, 100), network([2, 4], -1, 1, -64)];
  assert.throws(() => writeSnf({ header: header(2), networks: nets }), (e: unknown) => e instanceof SnfFormatError && /overlap/.test(e.message));
  const hard = readSnf(writeSnf({ header: header(0), networks: nets }));
  assert.deepEqual(hard.networks.map((n) => [...n.frame]), [[0, 2], [2, 4]]);
});
