/**
 * Ctrl-C during an encode, end to end: the real `snfc` gets SIGINT while it
 * trains, and must exit promptly with code 130, one line on stderr, and no
 * output or temp file. Progress is only drawn on a terminal, so the test
 * waits for the process to be well into its run rather than for output.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { removePendingTempPaths, withTempFolder } from '../src/node/files.js';
import { FIXTURES, ROOT, tempDir } from './helpers/cli.js';

interface Interrupted {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** Milliseconds from the signal to the process's exit (the grace period if it had to be killed). */
  readonly exitMs: number;
  readonly killed: boolean;
}

/** Starts `snfc args`, sends SIGINT after `afterMs`, and SIGKILLs it if it has not exited `graceMs` later. */
function interrupt(args: string[], cwd: string, env: NodeJS.ProcessEnv, afterMs: number, graceMs: number): Promise<Interrupted> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let signalledAt = 0;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const signalTimer = setTimeout(() => {
      signalledAt = performance.now();
      child.kill('SIGINT');
      killTimer = setTimeout(() => {
        killed = true;
        child.kill('SIGKILL');
      }, graceMs);
    }, afterMs);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(signalTimer);
      clearTimeout(killTimer);
      resolve({ status, signal, stderr, exitMs: signalledAt === 0 ? -1 : performance.now() - signalledAt, killed });
    });
  });
}

/** A long encode of the 32x32 fixture, interrupted well after start-up (the handler is installed before any work). */
async function interruptedEncode(env: NodeJS.ProcessEnv): Promise<{ run: Interrupted; dir: string }> {
  const dir = tempDir();
  copyFileSync(path.join(FIXTURES, 'kodim-crop32.png'), path.join(dir, 'in.png'));
  const run = await interrupt(['encode', 'in.png', '-o', 'out.snf', '--width', '16', '--steps', '1000000', '--quiet'], dir, env, 2000, 3000);
  return { run, dir };
}

function assertCleanInterrupt({ run, dir }: { run: Interrupted; dir: string }): void {
  assert.equal(run.killed, false, `snfc ignored SIGINT for ${run.exitMs.toFixed(0)} ms and had to be killed`);
  assert.equal(run.status, 130, `exit ${run.status} (signal ${run.signal}), stderr: ${run.stderr}`);
  assert.ok(run.exitMs < 2000, `exited ${run.exitMs.toFixed(0)} ms after SIGINT`);
  assert.equal(run.stderr, 'snfc: interrupted by SIGINT; no output written\n');
  // Only the input is left, with its bytes.
  assert.deepEqual(readdirSync(dir), ['in.png']);
  assert.deepEqual(readFileSync(path.join(dir, 'in.png')), readFileSync(path.join(FIXTURES, 'kodim-crop32.png')));
}

describe('Ctrl-C during encode', { concurrency: 2 }, () => {
  it('exits with 130 within 2 s and leaves no output or temp file (worker threads)', async () => {
    assertCleanInterrupt(await interruptedEncode({ SNFC_THREADS: '2' }));
  });

  it('does the same when training runs on the main thread (one thread)', async () => {
    assertCleanInterrupt(await interruptedEncode({ SNFC_THREADS: '1' }));
  });
});

describe('temp folders (a decode\'s ICC profile for sharp)', () => {
  it('are removed after use, after a failure, and by the interrupt handler while in use', async () => {
    let used = '';
    await withTempFolder('snfc-test-', async (folder) => {
      used = folder;
      writeFileSync(path.join(folder, 'profile.icc'), new Uint8Array(8));
    });
    assert.ok(used !== '' && !existsSync(used));
    await assert.rejects(withTempFolder('snfc-test-', async (folder) => {
      used = folder;
      throw new Error('sharp failed');
    }), /sharp failed/);
    assert.ok(!existsSync(used));
    // What SIGINT does while a decode writes its profile: the folder goes, and the use's own clean-up still finishes.
    await withTempFolder('snfc-test-', async (folder) => {
      writeFileSync(path.join(folder, 'profile.icc'), new Uint8Array(8));
      removePendingTempPaths();
      assert.ok(!existsSync(folder));
    });
  });
});
