import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium (`.ci/run` installs it), driven by playwright-core. */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches headless Chromium with the flags measured to work here (../shared/PLATFORM.md). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
