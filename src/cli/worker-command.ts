import type { ArgumentsCamelCase, Argv } from 'yargs';
import { plural } from './words.js';
import { jobsAndThreads, defaultJobs, threadBudget } from './batch-command.js';
import { interruptNote } from '../node/errors.js';
import { queueUrl } from './validate.js';
import { withExamples } from './examples.js';
import { formatReportedPsnr } from '../metrics/psnr.js';

export const workerCommand = {
  command: 'worker',
  describe: 'Encode the jobs of `snfc batch --queue` from a Redis queue until stopped (Ctrl-C)',
  builder: (yargs: Argv) => withExamples(yargs
    .option('queue', { type: 'string', describe: 'redis://HOST:PORT[/DB] of the queue that `snfc batch --queue` fills', demandOption: true })
    .option('jobs', { alias: 'j', type: 'string', describe: `Jobs encoded at once, 1–256; the engine threads (SNFC_THREADS, else the cores: ${threadBudget()} here) are divided among them [default: ${defaultJobs()} here, one per 2 threads]` })
    .option('json', { type: 'boolean', describe: 'One JSON line per finished job on stdout' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'No line per job; errors only' }), [
      ['$0 worker --queue redis://10.0.0.5:6379', 'on each machine that encodes'],
    ]),
  handler: async (argv: ArgumentsCamelCase<Record<string, unknown>>) => {
    const url = queueUrl('queue', argv.queue);
    const { jobs, threadsPerJob } = jobsAndThreads(argv);
    const quiet = argv.quiet === true;
    const json = argv.json === true;
    const { lockDurationMs, stalledIntervalMs, startWorker } = await import('../batch/queue.js');
    await startWorker(url, { jobs, threadsPerJob }, {
      started(name, attempt) {
        if (!quiet && !json) process.stderr.write(`${name}: started${attempt > 1 ? ` (attempt ${attempt})` : ''}\n`);
      },
      completed(name, result) {
        if (json) process.stdout.write(JSON.stringify({ input: name, status: 'encoded', bytes: Buffer.from(result.bytes, 'base64').length, bpp: result.bpp, psnr: result.psnr, lossless: result.lossless, seconds: result.seconds }) + '\n');
        else if (!quiet) process.stderr.write(`${name}: ${result.bpp.toFixed(3)} bpp, ${formatReportedPsnr(result)}, ${result.seconds.toFixed(1)} s\n`);
      },
      failed(name, reason, willRetry) {
        if (json) process.stdout.write(JSON.stringify({ input: name, status: willRetry ? 'retrying' : 'failed', error: reason }) + '\n');
        else process.stderr.write(`snfc: ${name}: ${reason}${willRetry ? ' (will be retried)' : ''}\n`);
      },
    });
    const lockSeconds = Math.round(lockDurationMs() / 1000);
    interruptNote.text = `jobs it was encoding go back to the queue within about ${Math.round((lockDurationMs() + stalledIntervalMs()) / 1000)} s (lock ${lockSeconds} s)`;
    if (!quiet && !json) process.stderr.write(`snfc worker: taking jobs from ${url}, ${jobs} at once, ${plural(threadsPerJob, 'thread')} each; Ctrl-C to stop\n`);
    // Runs until a signal ends the process (main.ts); the Redis connection keeps the event loop alive.
    await new Promise<never>(() => {});
  },
};
