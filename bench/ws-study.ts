/**
 * `npm run bench:ws`: the WS paper's speed-up measured with snfc's trainer
 * (docs/ws-and-engines.md). Learning curves of a depth-3 SIREN on plain
 * coordinates, full batch, constant lr 1e-4, for α ∈ {1, 1.5, 2, 2.5, 3} at
 * several widths, on a 128×128 native-resolution crop of kodim05 in gray and
 * in RGB. One JSON line per run is appended to runs.jsonl as it ends (a
 * stopped study resumes where it was); table.md and curves.svg are rewritten
 * from every run in the file.
 *
 *   npm run bench:ws -- [--widths 64,256,512] [--alphas 1,1.5,2,2.5,3] [--images gray,rgb]
 *     [--steps 300] [--lr 1e-4] [--schedule constant] [--engine wasm] [--crop 128]
 *     [--kodak ../shared/data/kodak] [--out bench/results/ws] [--report]
 *
 * The per-second curves are timings: run it alone (flock /work/notes/timing.lock
 * on the shared machine); each run records the load average around it.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { engineByName, ENGINE_NAMES } from '../src/encoder/network/engines.js';
import { SCHEDULES, type Schedule } from '../src/encoder/network/trainer.js';
import { fitLearningCurve, wsPlot, wsTable, type WsRun } from './ws-curves.js';
import type { Raster } from '../src/raster.js';

function flag(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 && process.argv[index + 1] !== undefined ? process.argv[index + 1]! : fallback;
}
const list = (name: string, fallback: string): number[] => flag(name, fallback).split(',').map(Number);

const widths = list('widths', '64,256,512');
const alphas = list('alphas', '1,1.5,2,2.5,3');
const images = flag('images', 'gray,rgb').split(',');
const steps = Number(flag('steps', '300'));
const lr = Number(flag('lr', '1e-4'));
const schedule = flag('schedule', 'constant') as Schedule;
const engineName = flag('engine', 'wasm') as (typeof ENGINE_NAMES)[number];
const crop = Number(flag('crop', '128'));
const kodak = flag('kodak', path.resolve('..', 'shared', 'data', 'kodak'));
const outDir = flag('out', 'bench/results/ws');
if (!SCHEDULES.includes(schedule)) throw new Error(`--schedule: one of ${SCHEDULES.join(', ')}`);
if (!ENGINE_NAMES.includes(engineName)) throw new Error(`--engine: one of ${ENGINE_NAMES.join(', ')}`);
for (const image of images) if (image !== 'gray' && image !== 'rgb') throw new Error(`--images: gray and/or rgb, not ${image}`);

/** The centre crop×crop pixels of kodim05 at its native resolution, in RGB or as BT.601 luma. */
async function kodim05(kind: string): Promise<Raster> {
  const file = path.join(kodak, 'kodim05.png');
  const meta = await sharp(file).metadata();
  const left = Math.floor((meta.width! - crop) / 2);
  const top = Math.floor((meta.height! - crop) / 2);
  const { data } = await sharp(file).extract({ left, top, width: crop, height: crop }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  if (kind === 'rgb') return { width: crop, height: crop, channels: 3, data: new Uint8Array(data) };
  const gray = new Uint8Array(crop * crop);
  for (let i = 0; i < gray.length; i++) gray[i] = Math.round(0.299 * data[3 * i]! + 0.587 * data[3 * i + 1]! + 0.114 * data[3 * i + 2]!);
  return { width: crop, height: crop, channels: 1, data: gray };
}

const command = `npm run bench:ws -- --widths ${widths.join(',')} --alphas ${alphas.join(',')} --images ${images.join(',')} --steps ${steps} --lr ${lr} --schedule ${schedule} --engine ${engineName}`;
mkdirSync(outDir, { recursive: true });
const jsonl = path.join(outDir, 'runs.jsonl');
const label = (kind: string): string => `kodim05 ${crop}x${crop} centre crop, ${kind}`;
const key = (r: { image: string; width: number; alpha: number; steps: number; lr: number; schedule: string }): string =>
  `${r.image}|${r.width}|${r.alpha}|${r.steps}|${r.lr}|${r.schedule}`;
const readRuns = (): WsRun[] => (existsSync(jsonl) ? readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as WsRun) : []);
const done = new Set(readRuns().map(key));
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} ×${os.cpus().length}, node ${process.version}`;
console.error(`ws study: ${images.join('+')} × widths ${widths.join(',')} × α ${alphas.join(',')}, ${steps} steps, lr ${lr} ${schedule}, ${engineName}; ${machine}`);

function writeReport(): void {
  const runs = readRuns().filter((r) => r.steps === steps && r.lr === lr && r.schedule === schedule);
  const loads = runs.flatMap((r) => r.load);
  const table = [
    '# WS scale α: learning curves with snfc\'s trainer', '',
    '```sh', ...new Set(runs.map((r) => r.command)), '```', '',
    `Depth 3, ω 30, plain coordinates (no Fourier inputs), full batch (${crop * crop} pixels a step), Adam at lr ${lr} (${schedule}, no warm-up), seed 1, engine ${engineName}.`,
    'PSNR: the training loss of the float field on all pixels, 8-bit peak (not quantized, not rounded to 8 bits).',
    `Steps to a PSNR: the first step whose field reaches it; (n×): α = 1 needed n times as many steps (> : α = 1 never got there, a lower bound). Machine: ${machine}, shared; load average ${loads.length > 0 ? `${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}` : 'n/a'} over the runs, so the seconds are indicative.`, '',
    wsTable(runs),
  ].join('\n');
  const write = (name: string, text: string): void => {
    const file = path.join(outDir, name);
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  write('table.md', table);
  write('curves.svg', wsPlot(runs, `WS scale α: training PSNR of a depth-3 SIREN, lr ${lr} ${schedule}, full batch (snfc, ${engineName} engine)`));
}

// --report: only rewrite table.md and curves.svg from the runs already in runs.jsonl.
const reportOnly = process.argv.includes('--report');
for (const kind of reportOnly ? [] : images) {
  const image = await kodim05(kind);
  for (const width of widths) {
    for (const alpha of alphas) {
      const run = { image: label(kind), width, alpha, steps, lr, schedule };
      if (done.has(key(run))) continue;
      const before = os.loadavg()[0]!;
      const curve = await fitLearningCurve(image, { width, depth: 3, alpha, lr, steps, schedule, engine: await engineByName(engineName) });
      const line: WsRun = {
        ...run, channels: image.channels, engine: curve.engine, command, bestPsnr: curve.bestPsnr, seconds: curve.seconds,
        load: [before, os.loadavg()[0]!], points: curve.points.map((p) => ({ step: p.step, psnr: Math.round(p.psnr * 1000) / 1000, seconds: Math.round(p.seconds * 1000) / 1000 })),
      };
      appendFileSync(jsonl, JSON.stringify(line) + '\n');
      console.error(`${kind} width ${width} α ${alpha}: ${curve.bestPsnr.toFixed(2)} dB in ${curve.seconds.toFixed(1)} s (load ${before.toFixed(1)})`);
      writeReport();
    }
  }
}
writeReport();
