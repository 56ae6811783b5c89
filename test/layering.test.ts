/**
 * The rooms of src/ and who may use whom (docs/how-it-works.md, "The code"):
 * read from the sources' relative imports, so that a module moved into the
 * wrong room, or an import across a wall, fails here rather than in review.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ROOT } from './helpers/cli.js';

const SRC = path.join(ROOT, 'src');

/** Every source module (relative to src/, '/' separators) and the modules it imports, as static or dynamic imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const entry of readdirSync(SRC, { recursive: true }).map(String)) {
    if (!entry.endsWith('.ts') || entry.endsWith('.d.ts')) continue;
    const file = entry.split(path.sep).join('/');
    const text = readFileSync(path.join(SRC, entry), 'utf8');
    const targets = [...text.matchAll(/(?:\bfrom|\bimport\s*\()\s*'(\.{1,2}\/[^']+)'/g)]
      .map((match) => path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1]!)).replace(/\.js$/, '.ts'));
    graph.set(file, targets);
  }
  return graph;
}

/** The imports of modules under `from` that reach a module under any of `walls` (folder prefixes of src/), as "a -> b". */
function crossings(graph: Map<string, string[]>, from: string, walls: readonly string[]): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    if (!file.startsWith(from)) continue;
    for (const target of targets) if (walls.some((wall) => target.startsWith(wall))) found.push(`${file} -> ${target}`);
  }
  return found;
}

/** Modules reachable from those under `from`, following imports: what a bundle of them would hold. */
function reachable(graph: Map<string, string[]>, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...graph.keys()].filter((file) => file.startsWith(from));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(graph.get(file) ?? []));
  }
  return seen;
}

const graph = importGraph();

test('the import graph is read: every relative import names a source module', () => {
  assert.ok(graph.size > 100, `${graph.size} modules`);
  const dangling = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t) && !t.startsWith('kernels/wasm/binaries')).map((t) => `${file} -> ${t}`));
  assert.deepEqual(dangling, []);
});

test('the decoder, the web elements, the format, the kernels and the metrics reach nothing of the encoder or of Node', () => {
  const nodeSide = ['encoder/', 'node/', 'cli/', 'batch/', 'io/', 'photo/', 'rate-distortion/', 'web-server/', 'web-encode/'];
  for (const room of ['decoder/', 'web/', 'format/', 'kernels/', 'metrics/']) {
    const reached = [...reachable(graph, room)].filter((file) => nodeSide.some((wall) => file.startsWith(wall)));
    assert.deepEqual(reached, [], `${room} reaches`);
  }
});

test('the encoder never imports the decoder, the CLI, batch or bench; nothing but the CLI imports the CLI', () => {
  assert.deepEqual(crossings(graph, 'encoder/', ['decoder/', 'cli/', 'batch/', 'rate-distortion/', 'web/', 'web-encode/']), []);
  const outside = [...graph.keys()].filter((file) => !file.startsWith('cli/')).map((file) => file.split('/')[0]!);
  for (const room of new Set(outside)) assert.deepEqual(crossings(graph, room, ['cli/']), [], `${room} imports the CLI`);
});

test('the networks serve both signals and know neither; audio knows nothing of the image and the image nothing of audio', () => {
  assert.deepEqual(crossings(graph, 'encoder/network/', ['encoder/image/', 'encoder/residual/', 'encoder/audio/']), []);
  assert.deepEqual(crossings(graph, 'encoder/audio/', ['encoder/image/', 'encoder/residual/']), []);
  assert.deepEqual(crossings(graph, 'encoder/image/', ['encoder/audio/']), []);
  assert.deepEqual(crossings(graph, 'encoder/residual/', ['encoder/audio/']), []);
});
