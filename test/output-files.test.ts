/**
 * How a command's output is placed (src/node/files.ts): never over the input, whatever symbolic links its path
 * goes through, and without --force never over a file, not even one that appeared while the command worked.
 */
import assert from 'node:assert/strict';
import { chmodSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { CliError, EXIT } from '../src/node/errors.js';
import { checkOutput, writeOutputAtomically } from '../src/node/files.js';
import { tempDir } from './helpers/cli.js';

/** `promise`'s rejection, which must be a CliError with the output's exit code and a message matching `pattern`. */
async function refused(promise: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof CliError, String(error));
    assert.equal(error.exitCode, EXIT.OUTPUT);
    assert.match(error.message, pattern);
    return true;
  });
}

test('the input is never the output, also through a link to it or to its folder', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'photo.png'), 'the photo');
  symlinkSync('photo.png', path.join(dir, 'alias.png'));
  symlinkSync('.', path.join(dir, 'here'));
  const at = (name: string): string => path.join(dir, name);
  // Read through the link, written to the file it names: the write would replace the photo.
  await refused(checkOutput(at('photo.png'), at('alias.png'), true), /refusing to overwrite the input/);
  // The same entry through a linked folder.
  await refused(checkOutput(at('here/photo.png'), at('photo.png'), true), /refusing to overwrite the input/);
  // Writing over the link itself replaces the link, not the photo: allowed with --force, as any existing output.
  await checkOutput(at('alias.png'), at('photo.png'), true);
  await refused(checkOutput(at('alias.png'), at('photo.png'), false), /exists \(use --force/);
  await checkOutput(at('other.png'), at('alias.png'), false);
  assert.equal(readFileSync(at('photo.png'), 'utf8'), 'the photo');
});

test('without --force a file that appeared after the check is left as it is, and no temp file stays', async () => {
  const dir = tempDir();
  const output = path.join(dir, 'out.snf');
  await checkOutput(output, path.join(dir, 'in.png'), false);
  writeFileSync(output, 'precious'); // another command, or a second snfc aimed at the same name, got there first
  await refused(writeOutputAtomically(output, new Uint8Array([1, 2, 3]), false), /'.*out\.snf' appeared while snfc was working and was left as it is \(use --force/);
  assert.equal(readFileSync(output, 'utf8'), 'precious');
  assert.deepEqual(readdirSync(dir), ['out.snf']);
  // Where nothing appeared the file is placed, and with --force a file is replaced.
  const fresh = path.join(dir, 'fresh.snf');
  await writeOutputAtomically(fresh, new Uint8Array([4, 5]), false);
  assert.deepEqual([...readFileSync(fresh)], [4, 5]);
  await writeOutputAtomically(output, new Uint8Array([6]), true);
  assert.deepEqual([...readFileSync(output)], [6]);
  assert.deepEqual(readdirSync(dir).sort(), ['fresh.snf', 'out.snf']);
});

test('an output replaced with --force keeps its permissions; a name under a file is refused as such', async () => {
  const dir = tempDir();
  const output = path.join(dir, 'private.snf');
  writeFileSync(output, 'old');
  chmodSync(output, 0o600);
  await writeOutputAtomically(output, new Uint8Array([7]), true);
  assert.equal(statSync(output).mode & 0o777, 0o600);
  assert.deepEqual([...readFileSync(output)], [7]);
  await refused(checkOutput(path.join(dir, 'private.snf', 'x.snf'), path.join(dir, 'in.png'), false), /'.*private\.snf' is a file, not a folder$/);
});
