// Usage: node bench/merge-results.mjs OUT_DIR RUN_DIR…   then   snfc bench … --bpp <all rates> --out OUT_DIR
// Joins the results.json of several `snfc bench` runs (one rate each, say) into OUT_DIR/results.json, so that a
// bench over all their rates finds every entry done and only writes the summary, the BD-rates and the plot of
// the whole curve. Entries are keyed as the bench keys them; where two runs hold the same key (the sharp
// codecs' sweeps), the first run's entry is kept.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [out, ...runs] = process.argv.slice(2);
if (!out || runs.length === 0) {
  console.error('usage: node bench/merge-results.mjs OUT_DIR RUN_DIR…');
  process.exit(2);
}
const byKey = new Map();
let first;
for (const run of runs) {
  let results;
  try {
    results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
  } catch (error) {
    console.error(`${run}: no readable results.json (${error.message})`);
    process.exit(1);
  }
  first ??= results;
  if (results.tool !== first.tool || results.version !== first.version) {
    console.error(`${run}: results of ${results.tool} ${results.version}, not ${first.tool} ${first.version}`);
    process.exit(1);
  }
  for (const entry of results.entries) if (!byKey.has(entry.key)) byKey.set(entry.key, entry);
}
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'results.json'), JSON.stringify({ tool: first.tool, version: first.version, entries: [...byKey.values()] }));
// The summary the bench writes next names only its own command; this file says where the entries came from.
writeFileSync(
  join(out, 'MERGED.md'),
  `# Merged results\n\nThis folder's results.json joins these \`snfc bench\` runs (their own folders hold their commands,` +
    ` machines and times); its summary, BD-rates and plot were written by a bench over all their rates that measured` +
    ` nothing new:\n\n${runs.map((run) => `- ${run}`).join('\n')}\n\n\`\`\`sh\nnode bench/merge-results.mjs ${out} ${runs.join(' ')}\n\`\`\`\n`,
);
console.log(`${byKey.size} entries from ${runs.length} runs in ${join(out, 'results.json')}`);
