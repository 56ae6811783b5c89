import cliProgress from 'cli-progress';
import path from 'node:path';
import type { BatchItem } from '../batch/inputs.js';
import type { ManifestRecord } from '../batch/manifest.js';
import { formatReportedPsnr } from '../metrics/psnr.js';
import type { BatchEvents, BatchSummary } from '../batch/run-batch.js';
import { duration } from './duration.js';
import { plural } from './words.js';

/** Label column of the bars: with 30-character bars, a line fits 80 columns (`20/20 done | ETA 10m25s`, `step 1760/1760 | 23.36 dB`). */
const LABEL_WIDTH = 20;

export type BatchOutputMode = 'bars' | 'lines' | 'json' | 'quiet';

/** `bars` on a terminal; `lines` (one per finished input) when stderr is a file or pipe. */
export function batchOutputMode(options: { json: boolean; quiet: boolean }): BatchOutputMode {
  if (options.json) return 'json';
  if (options.quiet) return 'quiet';
  return process.stderr.isTTY ? 'bars' : 'lines';
}

/** What a finished input's line says about its rate, as `snfc encode` warns: off the target, or a starved network. */
function rateNote(record: ManifestRecord): string {
  // An exact decode stops at its smallest exact file, below the rate: nothing is missing (a flat image).
  if (record.exactBelowRate === true) return ' (exact in fewer bytes than --bpp gives)';
  if (record.rateHit === false) return ' (off the --bpp target: too small an image)';
  if (record.enoughBpp !== undefined) return ` (too few bits per weight to hold the image: ask for --bpp ${record.enoughBpp} or more)`;
  return '';
}

/** One line about a finished input. */
export function describeRecord(record: ManifestRecord, outDir: string): string {
  const output = path.join(outDir, record.output);
  return record.status === 'encoded'
    ? `${record.input} -> ${output}: ${record.bytes} bytes, ${record.bpp!.toFixed(3)} bpp, ${formatReportedPsnr({ psnr: record.psnr!, lossless: record.lossless === true })}, ${record.seconds!.toFixed(1)} s${rateNote(record)}${record.worker ? ` on ${record.worker}` : ''}`
    : `${record.input}: failed: ${record.error}`;
}

/**
 * What `snfc batch` shows: one bar for the batch (done/total, ETA) and one
 * line per input being encoded on a terminal; a line per finished input
 * otherwise; JSON lines (each manifest record, then a summary) with --json.
 * Failures always get a `snfc:` line on stderr.
 */
export function batchProgress(mode: BatchOutputMode, outDir: string, how: string): BatchEvents & { finish(summary: BatchSummary): void } {
  let multibar: cliProgress.MultiBar | undefined;
  let overall: cliProgress.SingleBar | undefined;
  const jobBars = new Map<BatchItem, cliProgress.SingleBar>();
  let done = 0;
  let total = 0;
  const say = (line: string): void => {
    if (multibar) multibar.log(line + '\n');
    else process.stderr.write(line + '\n');
  };
  return {
    plan(count, todo, upToDate) {
      total = todo.length;
      if (mode === 'json') return;
      if (todo.length === 0) {
        process.stderr.write(`snfc batch: ${count === 1 ? 'the output' : `all ${count} outputs`} in ${outDir} ${count === 1 ? 'is' : 'are'} up to date; nothing to do\n`);
        return;
      }
      if (mode === 'quiet') return;
      process.stderr.write(`snfc batch: ${plural(count, 'input')}: ${todo.length} to encode, ${upToDate.length} up to date; ${how}\n`);
      if (mode === 'bars') {
        multibar = new cliProgress.MultiBar({
          stream: process.stderr, hideCursor: true, clearOnComplete: false, etaBuffer: 20, barsize: 30,
          format: '{label} {bar} step {value}/{total} | {psnr} dB',
        }, cliProgress.Presets.shades_classic);
        overall = multibar.create(todo.length, 0, { label: 'batch'.padEnd(LABEL_WIDTH) }, { format: '{label} {bar} {value}/{total} done | ETA {eta_formatted}' });
      }
    },
    step(item, step, steps, psnr) {
      if (!multibar) return;
      let bar = jobBars.get(item);
      const name = path.basename(item.input);
      if (!bar) {
        bar = multibar.create(steps, 0, { label: `  ${name.length > LABEL_WIDTH - 2 ? name.slice(0, LABEL_WIDTH - 3) + '…' : name}`.padEnd(LABEL_WIDTH), psnr: '--.--' });
        jobBars.set(item, bar);
      }
      bar.setTotal(steps);
      bar.update(step, { psnr: psnr.toFixed(2) });
    },
    done(item, record) {
      done++;
      const bar = jobBars.get(item);
      if (bar) {
        multibar!.remove(bar);
        jobBars.delete(item);
      }
      if (mode === 'json') {
        process.stdout.write(JSON.stringify(record) + '\n');
      } else if (record.status === 'failed') {
        say(`snfc: ${describeRecord(record, outDir)}`);
      } else if (mode !== 'quiet') {
        say(mode === 'lines' ? `[${done}/${total}] ${describeRecord(record, outDir)}` : describeRecord(record, outDir));
        for (const notice of record.notices ?? []) say(`snfc: notice: ${notice}`);
      }
      overall?.update(done);
    },
    finish(summary) {
      // stop() does not print lines still waiting for the next redraw (the last file's): redraw first.
      multibar?.update();
      multibar?.stop();
      if (mode === 'json') {
        process.stdout.write(JSON.stringify({ summary: true, ...summary }) + '\n');
        return;
      }
      if (summary.encoded + summary.failed === 0) return;
      const failed = summary.failed > 0 ? `, ${summary.failed} failed` : '';
      process.stderr.write(`snfc batch: ${summary.encoded} encoded, ${summary.upToDate} up to date${failed}, in ${duration(summary.seconds)}\n`);
    },
  };
}
