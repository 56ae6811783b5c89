/**
 * yargs renders the whole help text each time a command's handler starts (it calls its usage's
 * `cacheHelpMessage`), to show it should the handler fail. Our `.fail()` throws instead, so the text is never
 * shown, yet rendering it (a string width per cell, ICU's segmenter set up for the first) took 15–30 ms of every
 * command, a decode's included (docs/engine.md). `--help` still renders it when asked. yargs' internal methods:
 * should an update rename them, this does nothing and only the time comes back.
 */
export function skipHelpCache(parser: object): void {
  type Usage = { cacheHelpMessage?: () => void };
  const internals = (parser as { getInternalMethods?: () => { getUsageInstance?: () => Usage } }).getInternalMethods?.();
  const usage = internals?.getUsageInstance?.();
  if (usage !== undefined && typeof usage.cacheHelpMessage === 'function') usage.cacheHelpMessage = () => {};
}
