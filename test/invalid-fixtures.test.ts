/**
 * The rejected-file vectors (fixtures/invalid/, scripts/make-invalid-fixtures.mjs): each breaks one rule of the spec,
 * and the reader must refuse it with the code fixtures/invalid/expected.json names; `snfc info` with one line, exit 3.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { readSnf, SnfFormatError } from '../src/format/index.js';
import { decodeAudio, decodeImage } from '../src/decoder/index.js';
import { FIXTURES, snfc } from './helpers/cli.js';

const INVALID = path.join(FIXTURES, 'invalid');
const expected = JSON.parse(readFileSync(path.join(INVALID, 'expected.json'), 'utf8')) as Record<string, { code: string; spec: string; what: string }>;

test('every file in fixtures/invalid has its expected refusal, and every expected refusal its file', () => {
  assert.deepEqual(readdirSync(INVALID).filter((name) => name.endsWith('.snf')).sort(), Object.keys(expected).sort());
  assert.ok(Object.keys(expected).length >= 10);
});

for (const [name, { code, spec, what }] of Object.entries(expected)) {
  test(`fixtures/invalid/${name} (${what}, spec ${spec}) is refused with ${code}, by the reader, the decoders and snfc info`, async () => {
    const bytes = new Uint8Array(readFileSync(path.join(INVALID, name)));
    const refused = (error: unknown): boolean => {
      assert.ok(error instanceof SnfFormatError, String(error));
      assert.equal(error.code, code, error.message);
      return true;
    };
    assert.throws(() => readSnf(bytes), refused);
    await assert.rejects(decodeImage(bytes), refused);
    await assert.rejects(decodeAudio(bytes), refused);
    const run = snfc(['info', path.join(INVALID, name)]);
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /^snfc: invalid \.snf file: [^\n]+\n$/);
  });
}
