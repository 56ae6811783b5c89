/**
 * `snfc batch` and `snfc worker`, end to end with the real command: a local
 * batch, resuming, a bad input, and the BullMQ queue against a real
 * redis-server with a worker killed mid-job and a batch restarted to
 * collect results. Inputs are 16x16 crops and fits are short, so each
 * encode takes about a second.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { Redis } from 'ioredis';
import { decodeImage } from '../src/decoder/index.js';
import { readSnf } from '../src/format/index.js';
import type { ManifestRecord } from '../src/batch/manifest.js';
import { FIXTURES, ROOT, snfc, tempDir } from './helpers/cli.js';
import { startRedis } from './helpers/redis.js';

const ENCODE = ['--bpp', '4', '--steps', '20'];

/** Writes `count` different 16x16 crops of the 32x32 fixture as PNG files named `names`. */
async function crops(dir: string, names: string[]): Promise<void> {
  const corners = [[0, 0], [16, 0], [0, 16], [16, 16], [8, 8]];
  for (const [i, name] of names.entries()) {
    const [left, top] = corners[i % corners.length]!;
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    await sharp(path.join(FIXTURES, 'kodim-crop32.png')).extract({ left: left!, top: top!, width: 16, height: 16 }).png().toFile(path.join(dir, name));
  }
}

function manifest(out: string): ManifestRecord[] {
  return readFileSync(path.join(out, 'batch.jsonl'), 'utf8').split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as ManifestRecord);
}

/** The last record of each output. */
function latest(out: string): Map<string, ManifestRecord> {
  return new Map(manifest(out).map((record) => [record.output, record]));
}

/** A record's notices less the one that its networks hold the mean, which a short fit of a 16×16 crop may give. */
function withoutMeanNotice(notices: readonly string[] | undefined): readonly string[] | undefined {
  return notices?.filter((notice) => !/the file's networks hold the image's mean$/.test(notice));
}

async function assertDecodable(file: string): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  readSnf(bytes);
  const image = await decodeImage(bytes);
  assert.deepEqual([image.width, image.height], [16, 16], file);
}

/** No temp files left beside the outputs. */
function assertNoTempFiles(dir: string): void {
  const temps = readdirSync(dir, { recursive: true }).map(String).filter((name) => name.endsWith('.tmp'));
  assert.deepEqual(temps, [], `temp files left in ${dir}`);
}

/** A running `snfc` process whose stderr lines the test can wait for. */
class Snfc {
  readonly child: ChildProcess;
  stderr = '';
  stdout = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
    this.child = spawn(process.execPath, [path.join(ROOT, 'bin', 'snfc.js'), ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Resolves once `pattern` has appeared `count` times on stderr. */
  async waitFor(pattern: RegExp, count = 1, timeoutMs = 60_000): Promise<void> {
    const start = Date.now();
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
    while ((this.stderr.match(global)?.length ?? 0) < count) {
      if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${pattern} ×${count}; stderr: ${this.stderr}`);
      if (this.child.exitCode !== null) throw new Error(`exited (${this.child.exitCode}) before ${pattern} ×${count}; stderr: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(signal: NodeJS.Signals = 'SIGTERM'): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }
}

describe('snfc batch on this machine', () => {
  it('encodes folders with 2 jobs, keeps sub-folder paths, and a second run does nothing and says so', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'b.png', 'sub/c.png']);
    const run = snfc(['batch', 'in', '--out', 'out', '--recursive', '--jobs', '2', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /3 inputs: 3 to encode, 0 up to date; 2 jobs at once, 1 thread each/);
    for (const name of ['a.snf', 'b.snf', 'sub/c.snf']) await assertDecodable(path.join(dir, 'out', name));
    const records = latest(path.join(dir, 'out'));
    assert.deepEqual([...records.keys()].sort(), ['a.snf', 'b.snf', 'sub/c.snf']);
    for (const record of records.values()) {
      assert.equal(record.status, 'encoded');
      assert.equal(record.bytes, statSync(path.join(dir, 'out', record.output)).size);
      assert.ok(record.bpp! > 0 && record.psnr! > 0 && record.seconds! > 0, JSON.stringify(record));
    }
    const mtimes = ['a.snf', 'b.snf', 'sub/c.snf'].map((name) => statSync(path.join(dir, 'out', name)).mtimeMs);

    const again = snfc(['batch', 'in', '--out', 'out', '--recursive', '--jobs', '2', ...ENCODE], { cwd: dir });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /all 3 outputs in out are up to date; nothing to do/);
    assert.deepEqual(['a.snf', 'b.snf', 'sub/c.snf'].map((name) => statSync(path.join(dir, 'out', name)).mtimeMs), mtimes);
    assert.equal(manifest(path.join(dir, 'out')).length, 3, 'a run with nothing to do adds no manifest line');

    // Other options make every output stale.
    const other = snfc(['batch', 'in', '--out', 'out', '--recursive', '--json', '--bpp', '4', '--steps', '21'], { cwd: dir });
    assert.equal(other.status, 0, other.stderr);
    assert.equal(other.stdout.trim().split('\n').filter((line) => JSON.parse(line).status === 'encoded').length, 3);
  });

  it('resumes: redoes a deleted output, a truncated one and one whose input changed, and nothing else', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'b.png', 'c.png', 'd.png']);
    assert.equal(snfc(['batch', 'in', '--out', 'out', ...ENCODE], { cwd: dir }).status, 0);
    const out = path.join(dir, 'out');
    const kept = statSync(path.join(out, 'c.snf')).mtimeMs;
    unlinkSync(path.join(out, 'a.snf'));
    truncateSync(path.join(out, 'b.snf'), 40);
    const later = new Date(Date.now() + 5000);
    utimesSync(path.join(dir, 'in', 'd.png'), later, later);

    const run = snfc(['batch', 'in', '--out', 'out', '--json', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const redone = lines.filter((line) => line.status === 'encoded').map((line) => line.output).sort();
    assert.deepEqual(redone, ['a.snf', 'b.snf', 'd.snf']);
    assert.deepEqual({ ...lines.at(-1), seconds: 0 }, { summary: true, total: 4, upToDate: 1, encoded: 3, failed: 0, exitCode: 0, seconds: 0 });
    assert.equal(statSync(path.join(out, 'c.snf')).mtimeMs, kept, 'the up-to-date output was left alone');
    for (const name of ['a.snf', 'b.snf', 'c.snf', 'd.snf']) await assertDecodable(path.join(out, name));
    assertNoTempFiles(out);
  });

  it('says, as snfc encode warns, which files missed the rate and which starved their network of bits', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in'));
    // 32x32 pixels: 0.5 bpp is under the header (missed), 1 bpp is reached with weights that all round to zero (starved);
    // at 4 bpp the network's 128 bytes are under its header but the residual's three quarters hold the image (a notice);
    // 8 bpp leaves the network enough after the residual's share.
    writeFileSync(path.join(dir, 'in', 'small.png'), readFileSync(path.join(FIXTURES, 'kodim-crop32.png')));
    const lines = new Map<string, ManifestRecord>();
    for (const bpp of ['0.5', '1', '4', '8']) {
      const out = `out${bpp}`;
      const run = snfc(['batch', 'in', '--out', out, '--bpp', bpp, '--steps', '5'], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      const record = latest(path.join(dir, out)).get('small.snf')!;
      lines.set(bpp, record);
      if (bpp === '0.5') assert.match(run.stderr, /small\.snf: .* \(off the --bpp target: too small an image\)/);
      if (bpp === '1') assert.match(run.stderr, new RegExp(`small\\.snf: .* \\(too few bits per weight to hold the image: ask for --bpp ${record.enoughBpp} or more\\)`));
      if (bpp === '4') assert.match(run.stderr, /\nsnfc: notice: at 4 bpp the DCT residual holds this image .*; from --bpp [\d.]+ it gets enough\n/);
      if (bpp === '4' || bpp === '8') assert.doesNotMatch(run.stderr, /off the --bpp target|too few bits/);
    }
    assert.equal(lines.get('4')!.enoughBpp, undefined, 'the residual holds it: a notice, not enoughBpp');
    assert.match(lines.get('4')!.notices![0]!, /^at 4 bpp the DCT residual holds this image/);
    assert.equal(lines.get('0.5')!.rateHit, false);
    assert.equal(lines.get('0.5')!.enoughBpp, undefined, 'a file off its target gets the rate-miss note only');
    assert.ok(lines.get('1')!.enoughBpp! > 1, JSON.stringify(lines.get('1')));
    assert.equal(lines.get('8')!.enoughBpp, undefined);
  });

  it('says lossless for a flat image, coded exactly below its rate, and the manifest keeps it as JSON can (PSNR 100, lossless)', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in'));
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 30, g: 120, b: 200 } } }).png().toFile(path.join(dir, 'in', 'flat.png'));
    const run = snfc(['batch', 'in', '--out', 'out', '--bpp', '4', '--steps', '20'], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    // Before: "Infinity dB … (off the --bpp target: too small an image)", and a PSNR of null in the manifest.
    assert.match(run.stderr, /flat\.snf: \d+ bytes, [\d.]+ bpp, lossless, [\d.]+ s \(exact in fewer bytes than --bpp gives\)/);
    const record = latest(path.join(dir, 'out')).get('flat.snf')!;
    assert.deepEqual([record.psnr, record.lossless, record.rateHit], [100, true, false]);
    assert.ok(record.bpp! < 2, `${record.bpp} bpp`);
  });

  it('passes on what reading an input changed, as snfc encode does: a line after the file, a list in the manifest', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'frames'), ['0.png', '1.png']);
    mkdirSync(path.join(dir, 'in'));
    const frames = ['0.png', '1.png'].map((name) => readFileSync(path.join(dir, 'frames', name)));
    await sharp(frames, { join: { animated: true } }).gif().toFile(path.join(dir, 'in', 'anim.gif'));
    const run = snfc(['batch', 'in', '--out', 'out', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /anim\.snf: [^\n]*\nsnfc: notice: 'in\/anim\.gif' is animated \(2 frames\): encoding its first frame only\n/);
    // Its first notice; a crop at 4 bpp after 20 passes may add that its networks hold the mean (meanNetworksNotice).
    assert.deepEqual(withoutMeanNotice(latest(path.join(dir, 'out')).get('anim.snf')?.notices), ["'in/anim.gif' is animated (2 frames): encoding its first frame only"]);
    await assertDecodable(path.join(dir, 'out', 'anim.snf'));
    const quiet = snfc(['batch', 'in', '--out', 'out2', '--quiet', ...ENCODE], { cwd: dir });
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr, /notice/);
  });

  it('reports a bad file in the middle, encodes the others, and exits 3', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'c.png']);
    writeFileSync(path.join(dir, 'in', 'b.png'), 'not a png at all');
    const run = snfc(['batch', 'in', '--out', 'out', '--jobs', '2', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /^snfc: in\/b\.png: failed: cannot decode 'in\/b\.png' as an image/m);
    assert.match(run.stderr, /^snfc: 1 of 3 inputs failed; see out\/batch\.jsonl$/m);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    const records = latest(path.join(dir, 'out'));
    assert.equal(records.get('b.snf')?.status, 'failed');
    assert.equal(records.get('b.snf')?.exitCode, 3);
    assert.match(records.get('b.snf')?.error ?? '', /cannot decode/);
    assert.equal(existsSync(path.join(dir, 'out', 'b.snf')), false);
    for (const name of ['a.snf', 'c.snf']) await assertDecodable(path.join(dir, 'out', name));
    assertNoTempFiles(path.join(dir, 'out'));

    // A rerun tries the failed input again (it may have been fixed) and only it.
    await crops(path.join(dir, 'in'), ['b.png']);
    const fixed = snfc(['batch', 'in', '--out', 'out', '--json', ...ENCODE], { cwd: dir });
    assert.equal(fixed.status, 0, fixed.stderr);
    assert.deepEqual(fixed.stdout.trim().split('\n').slice(0, -1).map((line) => JSON.parse(line).output), ['b.snf']);
  });

  it('never replaces its input or a file that is not an .snf file, and encodes a file named twice once', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'b.png']);
    mkdirSync(path.join(dir, 'out'));
    // A photo misnamed .snf in the out folder, named as an input: its output is itself.
    await crops(path.join(dir, 'out'), ['self.snf']);
    const photo = readFileSync(path.join(dir, 'out', 'self.snf'));
    writeFileSync(path.join(dir, 'out', 'b.snf'), 'notes that are not an .snf file');
    const run = snfc(['batch', 'out/self.snf', 'in', 'in/a.png', '--out', 'out', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 1, run.stderr);
    assert.match(run.stderr, /^snfc: out\/self\.snf: failed: refusing to overwrite the input 'out\/self\.snf' with its own output$/m);
    assert.match(run.stderr, /^snfc: in\/b\.png: failed: 'out\/b\.snf' exists and is not an \.snf file; batch replaces only \.snf files, so it was left as it is$/m);
    assert.deepEqual(readFileSync(path.join(dir, 'out', 'self.snf')), photo, 'the input is intact');
    assert.equal(readFileSync(path.join(dir, 'out', 'b.snf'), 'utf8'), 'notes that are not an .snf file');
    const records = latest(path.join(dir, 'out'));
    assert.deepEqual([...records.keys()].sort(), ['a.snf', 'b.snf', 'self.snf']);
    assert.equal(records.get('a.snf')?.status, 'encoded');
    assert.deepEqual([records.get('b.snf')?.exitCode, records.get('self.snf')?.exitCode], [4, 4]);
    assert.match(run.stderr, /^snfc: 2 of 3 inputs failed; see out\/batch\.jsonl$/m);
    await assertDecodable(path.join(dir, 'out', 'a.snf'));
    assertNoTempFiles(path.join(dir, 'out'));
  });

  it('says that it takes images when named a WAV clip, and exits 3', () => {
    const dir = tempDir();
    const run = snfc(['batch', path.join(FIXTURES, 'bach-excerpt.wav'), '--out', 'out', ...ENCODE], { cwd: dir });
    assert.equal(run.status, 3, run.stderr);
    assert.match(run.stderr, /failed: '.*bach-excerpt\.wav' is a WAV clip: snfc batch encodes images; encode a clip with snfc encode/);
  });

  it('stops on Ctrl-C with exit 130, the resume hint, and no partial output', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'b.png']);
    const run = new Snfc(['batch', 'in', '--out', 'out', '--jobs', '2', '--bpp', '4', '--steps', '1000000'], dir);
    try {
      await run.waitFor(/2 to encode/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      run.stop('SIGINT');
      assert.equal(await run.exited, 130, run.stderr);
    } finally {
      run.stop('SIGKILL');
    }
    assert.match(run.stderr, /snfc: interrupted by SIGINT; finished outputs are kept in out; run the same command again to resume/);
    assert.deepEqual(readdirSync(path.join(dir, 'out')).filter((name) => name !== 'batch.jsonl'), [], 'no output, no temp file');
  });

  it('takes encode\'s photo flags: --keep-metadata keeps the EXIF, --no-auto-orient the stored pixels, and either makes outputs stale', async () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'in'));
    // 16 wide, 8 high as stored; EXIF orientation 6 shows it 8 wide, 16 high.
    await sharp(path.join(FIXTURES, 'kodim-crop32.png')).extract({ left: 0, top: 0, width: 16, height: 8 })
      .withExif({ IFD0: { Make: 'Acme' } }).withMetadata({ orientation: 6 }).jpeg({ quality: 95 }).toFile(path.join(dir, 'in', 'phone.jpg'));
    const runs: [string[], number[], RegExp][] = [
      [[], [8, 16], /metadata: +none/],
      [['--keep-metadata'], [8, 16], /metadata: +EXIF \d+ bytes/],
      [['--keep-metadata', '--no-auto-orient'], [16, 8], /metadata: +EXIF \d+ bytes/],
    ];
    for (const [flags, size, metadata] of runs) {
      const run = snfc(['batch', 'in', '--out', 'out', '--json', ...ENCODE, ...flags], { cwd: dir });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(JSON.parse(run.stdout.trim().split('\n')[0]!).status, 'encoded', `${flags.join(' ')}: the output is redone`);
      const file = path.join(dir, 'out', 'phone.snf');
      const image = await decodeImage(new Uint8Array(readFileSync(file)));
      assert.deepEqual([image.width, image.height], size, flags.join(' '));
      assert.match(snfc(['info', file]).stdout, metadata);
    }
  });

  it('refuses usage mistakes before any work, with one line', () => {
    const dir = tempDir();
    mkdirSync(path.join(dir, 'empty'));
    const cases: [string[], number, RegExp][] = [
      [['batch', FIXTURES, '--out', 'out', '--shared-fs'], 2, /--shared-fs is for --queue/],
      [['batch', FIXTURES, '--out', 'out', '--queue', 'http://x'], 2, /Expected redis:\/\/HOST:PORT\[\/DB\] for --queue/],
      [['batch', FIXTURES, '--out', 'out', '--jobs', '0'], 2, /--jobs/],
      [['batch', 'missing-folder', '--out', 'out'], 3, /cannot read 'missing-folder'/],
      [['worker', '--queue', 'redis://127.0.0.1:1'], 1, /cannot reach Redis at redis:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/],
      [['batch', 'empty', '--out', 'never-made'], 3, /no images in empty/],
    ];
    for (const [args, status, message] of cases) {
      const run = snfc(args, { cwd: dir });
      assert.equal(run.status, status, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    }
    assert.equal(existsSync(path.join(dir, 'never-made')), false, 'no out folder for a batch with nothing to encode');
  });
});

describe('snfc batch --queue with snfc worker (BullMQ on a real redis-server)', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  const running: Snfc[] = [];
  // Short locks so that a killed worker's job comes back in seconds (defaults: 120 s lock, 30 s check).
  const env = { SNFC_QUEUE_LOCK_MS: '2000', SNFC_QUEUE_STALLED_MS: '500' };
  const start = (args: string[], cwd: string): Snfc => {
    const process = new Snfc(args, cwd, env);
    running.push(process);
    return process;
  };
  before(async () => {
    redis = await startRedis();
  });
  after(() => {
    for (const process of running) process.stop('SIGKILL');
    redis?.stop();
  });

  it('survives a worker killed mid-job, does not retry a bad input, and a restarted batch collects the results', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png', 'b.png', 'd.png']);
    writeFileSync(path.join(dir, 'in', 'c.png'), 'not a png at all');
    // e is an animation: its notice travels back through the queue with its result.
    await crops(path.join(dir, 'frames'), ['0.png', '1.png']);
    await sharp(['0.png', '1.png'].map((name) => readFileSync(path.join(dir, 'frames', name))), { join: { animated: true } }).gif().toFile(path.join(dir, 'in', 'e.gif'));
    const args = ['batch', 'in', '--out', 'out', '--queue', redis.url, '--bpp', '4', '--steps', '300'];

    // 1. The batch queues its 5 jobs and is stopped before any worker runs.
    const first = start(args, dir);
    await first.waitFor(/5 to encode/);
    const client = new Redis(redis.url);
    try {
      for (let i = 0; (await client.llen('bull:snfc-encode:wait')) < 5; i++) {
        assert.ok(i < 200, 'the jobs were not queued');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      client.disconnect();
    }
    first.stop('SIGINT');
    assert.equal(await first.exited, 130, first.stderr);
    assert.match(first.stderr, /interrupted by SIGINT; finished outputs are kept in out/);

    // 2. Two workers; the first is killed as soon as it starts a job.
    const doomed = start(['worker', '--queue', redis.url, '--jobs', '1'], dir);
    await doomed.waitFor(/: started/);
    doomed.stop('SIGKILL');
    await doomed.exited;
    const survivor = start(['worker', '--queue', redis.url, '--jobs', '1'], dir);
    // It finishes all four images, the killed one's after its lock expired, and fails the bad one once.
    await survivor.waitFor(/bpp, .* dB/, 4);
    await survivor.waitFor(/in\/c\.png: exit 3: cannot decode/);
    assert.doesNotMatch(survivor.stderr, /will be retried/);
    assert.equal((survivor.stderr.match(/in\/c\.png: started/g) ?? []).length, 1, 'the bad input was tried once');

    // 3. The batch started again collects the four results and the failure without any new encode.
    const second = start(args, dir);
    assert.equal(await second.exited, 3, second.stderr);
    assert.match(second.stderr, /snfc: 1 of 5 inputs failed/);
    const records = latest(path.join(dir, 'out'));
    for (const name of ['a.snf', 'b.snf', 'd.snf', 'e.snf']) {
      assert.equal(records.get(name)?.status, 'encoded', name);
      assert.equal(records.get(name)?.worker?.split(':')[1], String(survivor.child.pid), `${name} was encoded by the surviving worker`);
      await assertDecodable(path.join(dir, 'out', name));
    }
    assert.equal(records.get('c.snf')?.exitCode, 3);
    assert.deepEqual(withoutMeanNotice(records.get('e.snf')?.notices), ["'in/e.gif' is animated (2 frames): encoding its first frame only"]);
    assert.match(second.stderr, /snfc: notice: 'in\/e\.gif' is animated/);
    assert.equal((survivor.stderr.match(/bpp, .* dB/g) ?? []).length, 4, 'no image was encoded twice');
    assertNoTempFiles(path.join(dir, 'out'));

    // 4. Nothing left to do, and the collected jobs were removed from Redis.
    const third = start(args.filter((arg) => arg !== '--queue' && arg !== redis.url), dir);
    await third.exited;
    const left = new Redis(redis.url);
    try {
      const jobKeys = (await left.keys('bull:snfc-encode:*')).filter((key) => /^bull:snfc-encode:[0-9a-f]{40}(:|$)/.test(key));
      assert.deepEqual(jobKeys, []);
    } finally {
      left.disconnect();
    }
    survivor.stop();
  });

  it('a Redis that goes away while the batch waits: one-line messages, never a stack trace', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png']);
    const own = await startRedis();
    try {
      // No worker: the batch queues its job and waits for it.
      const run = start(['batch', 'in', '--out', 'out', '--queue', own.url, ...ENCODE], dir);
      await run.waitFor(/1 to encode/);
      await new Promise((resolve) => setTimeout(resolve, 500));
      own.stop();
      await run.waitFor(/snfc: Redis at .*(ECONNREFUSED|Connection is closed|reconnecting)/);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      run.stop('SIGINT');
      assert.equal(await run.exited, 130, run.stderr);
      assert.doesNotMatch(run.stderr, /^\s+at /m, 'a stack trace');
      assert.doesNotMatch(run.stderr, /Unhandled error event/);
    } finally {
      own.stop();
    }
  });

  it('refuses an input over --max-job-mb with a clear line, and the others go on', async () => {
    const dir = tempDir();
    await crops(path.join(dir, 'in'), ['a.png']);
    // 1.5 MB of noise does not compress.
    const noise = Buffer.alloc(720 * 720 * 3);
    for (let i = 0; i < noise.length; i++) noise[i] = (i * 2654435761) >>> 24;
    await sharp(noise, { raw: { width: 720, height: 720, channels: 3 } }).png({ compressionLevel: 0 }).toFile(path.join(dir, 'in', 'big.png'));
    const worker = start(['worker', '--queue', redis.url, '--jobs', '1'], dir);
    const run = start(['batch', 'in', '--out', 'out', '--queue', redis.url, '--max-job-mb', '1', ...ENCODE], dir);
    assert.equal(await run.exited, 3, run.stderr);
    assert.match(run.stderr, /'in\/big\.png' is 1\.\d MiB, over the 1 MiB a queued job carries \(--max-job-mb\); use --shared-fs/);
    await assertDecodable(path.join(dir, 'out', 'a.snf'));
    worker.stop();
  });
});
