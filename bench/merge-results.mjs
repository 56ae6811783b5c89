// Usage: node bench/merge-results.mjs OUT_DIR [--as-default NAME] [--only NAMES] RUN_DIR…   then   snfc bench … --bpp <all rates> --out OUT_DIR
// Joins the results.json of several `snfc bench` runs (one rate each, say) into OUT_DIR/results.json, so that a
// bench over all their rates finds every entry done and only writes the summary, the BD-rates and the plot of
// the whole curve. Entries are keyed as the bench keys them; where two runs hold the same key (the sharp
// codecs' sweeps), the first run's entry is kept. Needs `npm run build` (it writes through the CLI's writer).
// `--as-default NAME` before a run drops snf's setting NAME from its entries' keys and settings: for a run made with
// an option whose value has since become the default, so that the merged entries read as the default's. Only where
// the default now writes those files byte for byte: check one. `--only NAMES` before a run (image names without their
// folder and extension, comma-separated: kodim01,kodim05) takes only those images' entries from it: for a run of which
// only some images' files are what the default writes now (a new default for busy photos alone).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeOutputAtomically } from '../dist/src/node/files.js';

const fail = (message) => {
  console.error(`merge-results: ${message}`);
  process.exit(1);
};
const [out, ...rest] = process.argv.slice(2);
// Each run, with the setting its entries drop (--as-default NAME just before it), if any.
const runs = [];
let asDefault;
let only;
for (let i = 0; i < rest.length; i++) {
  if (rest[i] === '--as-default') asDefault = rest[++i];
  else if (rest[i] === '--only') only = rest[++i];
  else {
    runs.push({ dir: rest[i], asDefault, only: only?.split(',').filter((name) => name !== '') });
    asDefault = undefined;
    only = undefined;
  }
}
if (!out || runs.length === 0 || runs.some((run) => run.asDefault === '' || run.only?.length === 0)) {
  console.error('usage: node bench/merge-results.mjs OUT_DIR [--as-default NAME] [--only NAMES] RUN_DIR…');
  process.exit(2);
}
/** `entry` without snf's setting `name`, in its settings and in its key (whose last element is the settings the bench keyed by). */
const withoutSetting = (entry, name) => {
  if (name === undefined || entry.codec !== 'snf' || !(name in (entry.settings ?? {}))) return entry;
  const { [name]: _setting, ...settings } = entry.settings;
  const key = JSON.parse(entry.key);
  const { [name]: _keyed, ...keyed } = key[key.length - 1];
  return { ...entry, settings, key: JSON.stringify([...key.slice(0, -1), keyed]) };
};
const output = join(out, 'results.json');
// A bench folder's results.json may hold hours of measurements: never replace one.
if (existsSync(output)) fail(`'${output}' exists; remove it or name another folder`);
const byKey = new Map();
let first;
/** An entry's image name without its folder and extension, as `--only` names it. */
const imageName = (entry) => entry.image.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
for (const { dir: run, asDefault: dropped, only: images } of runs) {
  let results;
  try {
    results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
  } catch (error) {
    fail(`${run}: no readable results.json (${error.code ?? error.message})`);
  }
  first ??= results;
  if (results.tool !== first.tool || results.version !== first.version || !Array.isArray(results.entries)) {
    fail(`${run}: results of ${results.tool} ${results.version}, not ${first.tool} ${first.version}`);
  }
  const taken = images === undefined ? results.entries : results.entries.filter((entry) => images.includes(imageName(entry)));
  if (images !== undefined && taken.length === 0) fail(`${run}: no entries of ${images.join(', ')}`);
  for (const entry of taken.map((e) => withoutSetting(e, dropped))) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
}
// The summary the bench writes next names only its own command; MERGED.md says where the entries came from.
const merged =
  `# Merged results\n\nThis folder's results.json joins these \`snfc bench\` runs (their own folders hold their commands,` +
  ` machines and times); its summary, BD-rates and plot were written by a bench over all their rates that measured` +
  ` nothing new:\n\n${runs.map((run) => `- ${run.dir}${run.only ? ` (only ${run.only.join(', ')})` : ''}${run.asDefault ? ` (snf's setting ${run.asDefault} dropped from its entries: its value is the default now)` : ''}`).join('\n')}\n\n\`\`\`sh\nnode bench/merge-results.mjs ${[out, ...rest].join(' ')}\n\`\`\`\n`;
const encode = (text) => new TextEncoder().encode(text);
try {
  mkdirSync(out, { recursive: true });
  await writeOutputAtomically(join(out, 'MERGED.md'), encode(merged));
  await writeOutputAtomically(output, encode(JSON.stringify({ tool: first.tool, version: first.version, entries: [...byKey.values()] })));
} catch (error) {
  fail(error.message);
}
console.log(`${byKey.size} entries from ${runs.length} runs in ${output}`);
