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

/** Every source module (relative to src/, '/' separators) with the modules it imports and the packages it names. */
interface ModuleImports {
  readonly modules: string[];
  /** Bare specifiers: `node:` built-ins and npm packages. */
  readonly packages: string[];
}

function importGraph(): Map<string, ModuleImports> {
  const graph = new Map<string, ModuleImports>();
  for (const entry of readdirSync(SRC, { recursive: true }).map(String)) {
    if (!entry.endsWith('.ts') || entry.endsWith('.d.ts')) continue;
    const file = entry.split(path.sep).join('/');
    const text = readFileSync(path.join(SRC, entry), 'utf8');
    const specifiers = [...text.matchAll(/(?:\bfrom|\bimport\s*\()\s*'([^']+)'/g)].map((match) => match[1]!);
    graph.set(file, {
      modules: specifiers.filter((s) => s.startsWith('.')).map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)).replace(/\.js$/, '.ts')),
      packages: specifiers.filter((s) => !s.startsWith('.')),
    });
  }
  return graph;
}

/** The imports of modules under `from` that reach a module under any of `walls` (folder prefixes of src/), as "a -> b". */
function crossings(graph: Map<string, ModuleImports>, from: string, walls: readonly string[]): string[] {
  const found: string[] = [];
  for (const [file, { modules }] of graph) {
    if (!file.startsWith(from)) continue;
    for (const target of modules) if (walls.some((wall) => target.startsWith(wall))) found.push(`${file} -> ${target}`);
  }
  return found;
}

/** Modules reachable from those under `from`, following imports: what a bundle of them would hold. */
function reachable(graph: Map<string, ModuleImports>, from: string): Set<string> {
  const seen = new Set<string>();
  const queue = [...graph.keys()].filter((file) => file.startsWith(from));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    queue.push(...(graph.get(file)?.modules ?? []));
  }
  return seen;
}

const graph = importGraph();

test('the import graph is read: every relative import names a source module', () => {
  assert.ok(graph.size > 100, `${graph.size} modules`);
  const dangling = [...graph].flatMap(([file, { modules }]) => modules.filter((t) => !graph.has(t) && !t.startsWith('kernels/wasm/binaries')).map((t) => `${file} -> ${t}`));
  assert.deepEqual(dangling, []);
});

test('the decoder, the web elements, the format, the kernels, the metrics and the photo blobs reach nothing of the encoder or of Node', () => {
  const nodeSide = ['encoder/', 'node/', 'cli/', 'batch/', 'io/', 'rate-distortion/', 'web-server/', 'web-encode/'];
  for (const room of ['decoder/', 'web/', 'format/', 'kernels/', 'metrics/', 'photo/']) {
    const reached = reachable(graph, room);
    assert.deepEqual([...reached].filter((file) => nodeSide.some((wall) => file.startsWith(wall))), [], `${room} reaches`);
    // fflate is the one package a page's decoder takes (inflating the metadata); nothing of Node's.
    const packages = [...reached].flatMap((file) => (graph.get(file)?.packages ?? []).filter((p) => p !== 'fflate').map((p) => `${file} -> ${p}`));
    assert.deepEqual(packages, [], `${room} reaches packages`);
  }
});

test('the encoder never imports the decoder, the CLI, batch or bench; nothing but the CLI imports the CLI', () => {
  assert.deepEqual(crossings(graph, 'encoder/', ['decoder/', 'cli/', 'batch/', 'rate-distortion/', 'web/', 'web-encode/']), []);
  const outside = [...graph.keys()].filter((file) => !file.startsWith('cli/')).map((file) => file.split('/')[0]!);
  for (const room of new Set(outside)) assert.deepEqual(crossings(graph, room, ['cli/']), [], `${room} imports the CLI`);
});

test('the networks serve both signals and know neither; the residual offers its shapes and knows nothing of the image that picks them; audio and the image know nothing of each other', () => {
  assert.deepEqual(crossings(graph, 'encoder/network/', ['encoder/image/', 'encoder/residual/', 'encoder/audio/']), []);
  assert.deepEqual(crossings(graph, 'encoder/audio/', ['encoder/image/', 'encoder/residual/']), []);
  assert.deepEqual(crossings(graph, 'encoder/image/', ['encoder/audio/']), []);
  assert.deepEqual(crossings(graph, 'encoder/residual/', ['encoder/audio/', 'encoder/image/']), []);
});
