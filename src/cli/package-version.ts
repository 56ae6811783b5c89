import { readFileSync } from 'node:fs';

/**
 * snfc's version, from the package.json above this module. yargs would look
 * for it from the process's main file, which in the bundled CLI (dist/cli/,
 * scripts/build-cli.mjs) is not inside node_modules, so it would find the
 * caller's package instead. Found by walking up from here: dist/cli/ and
 * dist/src/cli/ sit at different depths.
 */
export function packageVersion(): string {
  for (let url = new URL('./', import.meta.url); url.pathname !== '/'; url = new URL('../', url)) {
    try {
      const manifest = JSON.parse(readFileSync(new URL('package.json', url), 'utf8')) as { name?: string; version?: string };
      if (manifest.name === 'snfc' && typeof manifest.version === 'string') return manifest.version;
    } catch {
      // None here, or not readable: look one folder up.
    }
  }
  return 'unknown';
}
