import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (tests run from dist/test/…). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = path.join(ROOT, 'fixtures');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real `snfc` command as a user would, synchronously, from the repository root unless `cwd` says otherwise. */
function runSnfc(args: string[], options: { cwd?: string }, io: SpawnSyncOptions): { status: number | null; stdout: Buffer; stderr: Buffer } {
  const run = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), ...args], { cwd: options.cwd ?? ROOT, timeout: 120_000, ...io });
  return { status: run.status, stdout: run.stdout as Buffer, stderr: run.stderr as Buffer };
}

/** Runs `snfc` with its output as text. */
export function snfc(args: string[], options: { cwd?: string } = {}): CliRun {
  const run = runSnfc(args, options, {});
  return { status: run.status, stdout: run.stdout.toString('utf8'), stderr: run.stderr.toString('utf8') };
}

/** The folders `tempDir` made in this test file's process, removed when it exits. */
const madeFolders: string[] = [];
process.on('exit', () => {
  for (const folder of madeFolders) rmSync(folder, { recursive: true, force: true });
});

/**
 * A fresh empty temp folder, removed with what it holds when the test file's process exits (node --test runs each
 * file in a process of its own), so that runs of the suite leave nothing behind in the temp folder.
 */
export function tempDir(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'snfc-test-'));
  madeFolders.push(folder);
  return folder;
}

export interface BinaryCliRun {
  readonly status: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
}

/** Runs `snfc` with `input` on its standard input, keeping its standard output as bytes (an .snf, a PNG, a WAV). */
export function snfcPiped(args: string[], input: Uint8Array, options: { cwd?: string } = {}): BinaryCliRun {
  const run = runSnfc(args, options, { input, maxBuffer: 1 << 28 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr.toString('utf8') };
}
