import { promises as fs, constants as fsConstants } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { collectInputs } from '../batch/inputs.js';
import { MANIFEST_NAME } from '../batch/manifest.js';
import { localExecutor, runBatch, type BatchExecutor } from '../batch/run-batch.js';
import { batchOutputMode, batchProgress } from './batch-progress.js';
import { parseEncodeOptions, withEncodeOptions } from './encode-options.js';
import { CliError, EXIT, inputError, interruptNote, outputError, usageError } from '../node/errors.js';
import { reason } from '../node/files.js';
import { fileListArgument, folderArgument, integerIn, queueUrl } from './validate.js';
import { plural } from './words.js';
import { withExamples } from './examples.js';

/**
 * Files encoded at once by default: one per two engine threads. Measured on
 * 2 cores (docs/batch.md, 8 native 128x128 Kodak crops, 200 steps): one job
 * of 2 threads did 7.5–7.9 images a minute, two jobs of 1 thread 5.0–7.0, in
 * three alternating pairs under the same load; it also finishes files in
 * order and holds one image in memory. Two threads a job on larger machines
 * is that finding carried over, not measured there.
 */
export function defaultJobs(): number {
  return Math.max(1, Math.floor(threadBudget() / THREADS_PER_DEFAULT_JOB));
}
const THREADS_PER_DEFAULT_JOB = 2;

/** Engine threads this machine gives a batch (or a worker): SNFC_THREADS, else the machine's parallelism. */
export function threadBudget(): number {
  const fromEnv = Number(process.env['SNFC_THREADS']);
  return Number.isInteger(fromEnv) && fromEnv >= 1 ? fromEnv : availableParallelism();
}

/** `--jobs N` from the flags: the files encoded at once, and the engine threads each gets (the budget divided, at least one). */
export function jobsAndThreads(argv: Record<string, unknown>): { jobs: number; threadsPerJob: number } {
  const jobs = argv.jobs === undefined ? defaultJobs() : integerIn('jobs', argv.jobs, 1, 256);
  return { jobs, threadsPerJob: Math.max(1, Math.floor(threadBudget() / jobs)) };
}

/** Largest input a queued job carries by default (MiB): Redis holds it, base64, until a worker takes it. */
const DEFAULT_MAX_JOB_MB = 16;


export const batchCommand = {
  command: 'batch <inputs..>',
  describe: 'Encode many images (files and folders) into a folder of .snf files, in parallel, resumable, optionally on many machines',
  builder: (yargs: Argv) => withExamples(withEncodeOptions(yargs
    .positional('inputs', { type: 'string', array: true, describe: 'Images and folders of images', demandOption: true, default: undefined })
    .option('out', { alias: 'o', type: 'string', describe: 'Folder for the .snf files and the manifest batch.jsonl (created if missing)', demandOption: true })
    .option('recursive', { alias: 'r', type: 'boolean', describe: 'Also encode the images in sub-folders, keeping their paths under --out [default: false]' })
    .option('jobs', { alias: 'j', type: 'string', describe: `Files encoded at once, 1–256; the engine threads (SNFC_THREADS, else the cores: ${threadBudget()} here) are divided among them [default: ${defaultJobs()} here, one per 2 threads]` }))
    .option('queue', { type: 'string', describe: 'redis://HOST:PORT[/DB]: put the jobs on this BullMQ queue for `snfc worker` processes instead of encoding here' })
    .option('shared-fs', { type: 'boolean', describe: 'With --queue: jobs carry the input\'s absolute path instead of its bytes (every worker must see the same files) [default: false]' })
    .option('max-job-mb', { type: 'string', describe: `With --queue and without --shared-fs: largest input a job carries, in MiB, 1–256 [default: ${DEFAULT_MAX_JOB_MB}]` })
    .option('json', { type: 'boolean', describe: 'One JSON line per finished input on stdout (its manifest record), then a summary line' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No progress; failures and the final line only' }), [
      ['$0 batch photos/ --out snf/ --bpp 0.5', 'every image of photos/ into snf/'],
      ['$0 batch photos/ -r --out snf/ --queue redis://10.0.0.5:6379', 'through a queue; run `snfc worker --queue …` on each machine'],
    ]),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const settings = parseEncodeOptions(argv);
    const outDir = folderArgument('out', argv.out);
    const inputs = fileListArgument(argv.inputs, 'batch');
    const queue = argv.queue === undefined ? undefined : queueUrl('queue', argv.queue);
    if (argv.queue === undefined && (argv.sharedFs !== undefined || argv.maxJobMb !== undefined)) {
      throw usageError(`--${argv.sharedFs !== undefined ? 'shared-fs' : 'max-job-mb'} is for --queue`);
    }
    if (queue !== undefined && argv.jobs !== undefined) throw usageError('--jobs is for this machine; with --queue give it to each `snfc worker`');
    const maxJobBytes = (argv.maxJobMb === undefined ? DEFAULT_MAX_JOB_MB : integerIn('max-job-mb', argv.maxJobMb, 1, 256)) * 1024 * 1024;
    const { jobs, threadsPerJob } = jobsAndThreads(argv);
    // The inputs first: a batch that has nothing to encode leaves no empty out folder behind.
    const items = await collectInputs(inputs, outDir, argv.recursive === true);
    if (items.length === 0) throw inputError(`no images in ${inputs.join(', ')}${argv.recursive === true ? '' : ' (sub-folders need --recursive)'}`);
    try {
      await fs.mkdir(outDir, { recursive: true });
      await fs.access(outDir, fsConstants.W_OK);
    } catch (error) {
      throw outputError(`cannot write to the folder '${outDir}': ${reason(error, 'not a writable folder')}`);
    }
    const executor: BatchExecutor = queue === undefined
      ? localExecutor(jobs, threadsPerJob)
      // BullMQ and its Redis client load only for the queue (a third of a second of start-up).
      : await (await import('../batch/queue.js')).queueExecutor(queue, { sharedFs: argv.sharedFs === true, maxJobBytes });
    const how = queue === undefined
      ? `${plural(jobs, 'job')} at once, ${plural(threadsPerJob, 'thread')} each`
      : `through the queue at ${queue}; start \`snfc worker --queue ${queue}\` on the machines that encode`;
    interruptNote.text = `finished outputs are kept in ${outDir}; run the same command again to resume`;
    const progress = batchProgress(batchOutputMode({ json: argv.json === true, quiet: argv.quiet === true }), outDir, how);
    let summary;
    try {
      summary = await runBatch(items, outDir, settings, executor, progress);
    } finally {
      await executor.close();
    }
    progress.finish(summary);
    if (summary.exitCode !== EXIT.OK) {
      throw new CliError(`${summary.failed} of ${plural(summary.total, 'input')} failed; see ${path.join(outDir, MANIFEST_NAME)}`, summary.exitCode);
    }
  },
};
