#!/usr/bin/env node
// Images per minute of `snfc batch` on this machine for several --jobs values, on native-resolution
// crops of Kodak. Run it under the timing lock; each run appends one JSON line (with the load average).
//   flock /work/notes/timing.lock node scripts/batch-throughput.mjs --crops 8 --size 128 --steps 200 --jobs 1,2 --repeat 2 \
//     --out bench/results/batch-throughput/runs.jsonl
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import sharp from 'sharp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: {
  kodak: { type: 'string', default: path.join(root, '..', 'shared', 'data', 'kodak') },
  crops: { type: 'string', default: '8' }, size: { type: 'string', default: '128' }, steps: { type: 'string', default: '200' },
  jobs: { type: 'string', default: '1,2' }, repeat: { type: 'string', default: '2' }, out: { type: 'string' },
} });
const crops = Number(values.crops);
const size = Number(values.size);
const work = mkdtempSync(path.join(os.tmpdir(), 'snfc-throughput-'));
const input = path.join(work, 'in');
mkdirSync(input);
// The centre of kodim01, kodim02, …: native resolution, no scaling.
for (let i = 1; i <= crops; i++) {
  const file = path.join(values.kodak, `kodim${String(i).padStart(2, '0')}.png`);
  const meta = await sharp(file).metadata();
  await sharp(file).extract({ left: (meta.width - size) >> 1, top: (meta.height - size) >> 1, width: size, height: size }).png().toFile(path.join(input, `crop${String(i).padStart(2, '0')}.png`));
}
const jobsList = values.jobs.split(',').map(Number);
for (let r = 0; r < Number(values.repeat); r++) {
  for (const jobs of jobsList) {
    const out = path.join(work, `out-${jobs}-${r}`);
    const load = os.loadavg();
    const start = performance.now();
    // GNU time's last stderr line: user and system CPU seconds of the whole run (all threads).
    const run = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, path.join(root, 'bin', 'snfc.js'), 'batch', input, '--out', out, '--steps', values.steps, '--jobs', String(jobs), '--json'], { encoding: 'utf8' });
    const seconds = (performance.now() - start) / 1000;
    if (run.status !== 0) throw new Error(`batch failed (${run.status}): ${run.stderr}`);
    const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const encoded = lines.filter((line) => line.status === 'encoded');
    const [user, system] = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(run.stderr).slice(1).map(Number);
    const record = {
      jobs, threadsPerJob: Math.max(1, Math.floor(os.availableParallelism() / jobs)), images: encoded.length, size: `${size}x${size}`, steps: Number(values.steps),
      seconds: +seconds.toFixed(2), imagesPerMinute: +(60 * encoded.length / seconds).toFixed(2),
      cpuSecondsPerImage: +((user + system) / encoded.length).toFixed(2),
      meanEncodeSeconds: +(encoded.reduce((sum, line) => sum + line.seconds, 0) / encoded.length).toFixed(2),
      meanPsnr: +(encoded.reduce((sum, line) => sum + line.psnr, 0) / encoded.length).toFixed(2),
      loadBefore: load.map((x) => +x.toFixed(2)), loadAfter: os.loadavg().map((x) => +x.toFixed(2)),
      cores: os.availableParallelism(), cpu: os.cpus()[0]?.model, node: process.version, at: new Date().toISOString(),
    };
    console.log(JSON.stringify(record));
    if (values.out) appendFileSync(values.out, JSON.stringify(record) + '\n');
    rmSync(out, { recursive: true, force: true });
  }
}
rmSync(work, { recursive: true, force: true });
