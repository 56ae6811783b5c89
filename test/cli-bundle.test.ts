/**
 * The bundled command (dist/cli/, scripts/build-cli.mjs): its worker threads
 * are found where its chunks look for them, the decode lane starts from the
 * bundle, and `--version` is snfc's wherever it runs from. A lane that fails
 * to start is skipped by the decoder (the decode is right, only slower), so
 * nothing else would notice a worker missing from the bundle.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import { ROOT, snfc, tempDir } from './helpers/cli.js';

const BUNDLE = path.join(ROOT, 'dist', 'cli');

test('every worker a bundled chunk starts is in dist/cli', () => {
  const named = new Set<string>();
  for (const file of readdirSync(BUNDLE).filter((name) => name.endsWith('.js'))) {
    const source = readFileSync(path.join(BUNDLE, file), 'utf8');
    for (const match of source.matchAll(/new Worker\d*\(new URL\("\.\/([\w.-]+\.js)", import\.meta\.url\)\)/g)) named.add(match[1]!);
  }
  assert.deepEqual([...named].sort(), ['grid-worker.js', 'network-worker.js', 'pool-thread.js', 'residual-worker.js', 'wasm-worker.js']);
  for (const name of named) assert.ok(existsSync(path.join(BUNDLE, name)), `${name} is missing from dist/cli`);
});

test('the bundled decode lane loads its kernels and says it is ready', async () => {
  const worker = new Worker(path.join(BUNDLE, 'grid-worker.js'));
  try {
    const first = await new Promise<unknown>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(first, 'ready');
  } finally {
    await worker.terminate();
  }
});

test('snfc --version is the package version from any folder', () => {
  const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const run = snfc(['--version'], { cwd: tempDir() });
  assert.equal(run.status, 0);
  assert.equal(run.stdout.trim(), manifest.version);
});

test('a command run does not render the help text that yargs keeps for failures (help-cache.ts), and --help still shows it', async () => {
  const { default: yargs } = await import('yargs');
  const { skipHelpCache } = await import('../src/cli/help-cache.js');
  let ran = false;
  const build = () => yargs(['go']).command('go', 'a command', (y) => y, () => { ran = true; }).fail(false).exitProcess(false);
  type Internals = { getInternalMethods(): { getUsageInstance(): { hasCachedHelpMessage(): boolean } } };
  // Without it, yargs renders the help as the handler starts (the cost skipHelpCache removes)...
  const plain = build();
  await plain.parseAsync();
  assert.equal(ran, true);
  assert.equal((plain as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage(), true);
  // ...with it, it does not (should a yargs update rename these internals, this fails and says so).
  const skipped = build();
  skipHelpCache(skipped);
  await skipped.parseAsync();
  assert.equal((skipped as unknown as Internals).getInternalMethods().getUsageInstance().hasCachedHelpMessage(), false);
  const help = snfc(['decode', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stdout, /--max-pixels/);
});

test('every command\'s --help gives its examples whole, each under a comment saying what it does, so that they can be copied', () => {
  for (const command of ['encode', 'decode', 'bench', 'batch', 'worker']) {
    const help = snfc([command, '--help']);
    assert.equal(help.status, 0, help.stderr);
    const examples = help.stdout.split('\nExamples:\n')[1]?.trimEnd().split('\n').map((line) => line.trim());
    assert.ok(examples !== undefined && examples.length >= 2, `${command}: ${help.stdout}`);
    examples.forEach((line, i) => assert.match(line, i % 2 === 0 ? /^# \S/ : new RegExp(`^snfc ${command}( |$)`), `${command}, line ${i}: ${line}`));
  }
});

test('a command run sets up no text measuring (string-width\'s Intl.Segmenter, build-cli.mjs) and --help does', () => {
  // Counts the segmenters made, from a module loaded before the CLI.
  const counter = `data:text/javascript,${encodeURIComponent(
    'const Made = Intl.Segmenter; let made = 0; Intl.Segmenter = class extends Made { constructor(...a) { super(...a); made += 1; } };'
    + ' process.on("exit", () => process.stderr.write(`segmenters ${made}\\n`));',
  )}`;
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', counter, path.join(ROOT, 'bin', 'snfc.js'), ...args], { cwd: ROOT, encoding: 'utf8' });
  const info = run(['info', path.join(ROOT, 'fixtures', 'kodim-crop32.snf')]);
  assert.equal(info.status, 0, info.stderr);
  assert.match(info.stderr, /segmenters 0\n/);
  const help = run(['decode', '--help']);
  assert.equal(help.status, 0);
  assert.match(help.stderr, /segmenters [1-9]/);
});

test('a decode at native size loads neither node:crypto, nor worker_threads, nor assert (build-cli.mjs, files.ts, grid-lanes.ts)', () => {
  // The Node built-ins loaded by the time the process exits, from a module loaded before the CLI.
  const lister = `data:text/javascript,${encodeURIComponent(
    'process.on("exit", () => process.stderr.write(`modules ${process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13)).join(" ")}\\n`));',
  )}`;
  const dir = tempDir();
  const run = spawnSync(process.execPath, ['--import', lister, path.join(ROOT, 'bin', 'snfc.js'), 'decode', path.join(ROOT, 'fixtures', 'kodim-crop32-clipped.snf'), '-o', path.join(dir, 'out.png')], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  const modules = new Set(/^modules (.*)$/m.exec(run.stderr)![1]!.split(' '));
  assert.ok(modules.has('zlib') && modules.has('fs'), 'the list holds what the decode does load');
  for (const name of ['crypto', 'worker_threads', 'assert']) assert.ok(!modules.has(name), `${name} was loaded`);
  assert.ok(existsSync(path.join(dir, 'out.png')));
});
