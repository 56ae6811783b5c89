// Takes the README's screenshot of the demo page, docs/web-demo.png, in
// headless Chromium (WebGL2 on SwiftShader) at zoom 2×; with --encode IMAGE,
// instead encodes IMAGE in the page's encoder section (default settings) and
// takes docs/web-encode-demo.png of that section.
//
// Usage: npm run build && node demo/screenshot.mjs [--encode IMAGE]
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startDemo } from './server.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const encodeAt = process.argv.indexOf('--encode');
const encodeImage = encodeAt > 0 ? process.argv[encodeAt + 1] : undefined;
if (encodeAt > 0 && !encodeImage) {
  console.error('usage: node demo/screenshot.mjs [--encode IMAGE]');
  process.exit(2);
}
const out = join(root, 'docs', encodeImage ? 'web-encode-demo.png' : 'web-demo.png');
const server = await startDemo(0);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1240, height: 980 }, deviceScaleFactor: 1 });
  const errors = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => document.querySelectorAll('snf-image').length > 0 && [...document.querySelectorAll('snf-image')].every((e) => e.complete));
  if (encodeImage) {
    await page.setInputFiles('#encodeFile', encodeImage);
    // The section's data-state: running, then done or failed.
    await page.waitForFunction(() => ['done', 'failed'].includes(document.getElementById('encode').dataset.state), null, { timeout: 600_000 });
    if (await page.getAttribute('#encode', 'data-state') === 'failed') throw new Error(`the encode failed: ${await page.textContent('#encodeStatus')}`);
    await page.waitForFunction(() => document.querySelector('#encoded snf-image').complete);
    await page.waitForTimeout(300);
    await page.locator('#encode').screenshot({ path: out });
  } else {
    await page.locator('#zoom').fill('2');
    await page.waitForFunction(() => [...document.querySelectorAll('snf-image')].every((e) => e.renders >= 2));
    await page.waitForTimeout(300);
    await page.screenshot({ path: out, fullPage: true });
  }
  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
  console.log(`demo screenshot: ${out}`);
} finally {
  await browser.close();
  await server.close();
}
