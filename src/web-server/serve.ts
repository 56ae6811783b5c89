import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A tiny HTTP server on 127.0.0.1 (a secure context) for the web demo and
 * the browser tests. Every response carries Cross-Origin-Opener-Policy and
 * Cross-Origin-Embedder-Policy, so pages are cross-origin isolated
 * (SharedArrayBuffer, WASM threads), and is not cached.
 */

/** A response body and its content type. */
export interface Served {
  readonly body: Uint8Array | string;
  readonly type: string;
}

/** Answers a request path (no query) with a body, or undefined for 404. */
export type Routes = (path: string) => Served | undefined | Promise<Served | undefined>;

export interface IsolatedServer {
  /** http://127.0.0.1:PORT */
  readonly origin: string;
  /** Paths requested so far, in order (tests check lazy loading with it). */
  readonly requests: string[];
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.snf': 'application/octet-stream',
  '.wav': 'audio/wav',
};

/** The content type of a file name, by its extension. */
export function contentType(name: string): string {
  return TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** The web bundle, dist/web/snfc-web.js (this module is dist/src/web-server/serve.js once built). */
export const WEB_BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'snfc-web.js');

/** The encoder's web bundle, dist/web/snfc-encode.js. */
export const ENCODE_BUNDLE = join(dirname(WEB_BUNDLE), 'snfc-encode.js');

/** The two web bundles at /snfc-web.js and /snfc-encode.js, read at each request (so a rebuild is served). */
export const bundleRoutes: Routes = async (path) => {
  if (path === '/snfc-web.js') return { body: await readFile(WEB_BUNDLE), type: contentType(path) };
  if (path === '/snfc-encode.js') return { body: await readFile(ENCODE_BUNDLE), type: contentType(path) };
  return undefined;
};

/**
 * Routes for a test or benchmark page: `html` at /, the web bundles (see
 * `bundleRoutes`), and each entry of `files` at /NAME (entries added later
 * are served too).
 */
export function pageRoutes(html: string, files: ReadonlyMap<string, Uint8Array>): Routes {
  return async (path) => {
    if (path === '/index.html') return { body: html, type: contentType(path) };
    const bundle = await bundleRoutes(path);
    if (bundle) return bundle;
    const bytes = files.get(path.slice(1));
    return bytes ? { body: bytes, type: contentType(path) } : undefined;
  };
}

/** Routes that serve the files under `dir` (nothing outside it). */
export function directoryRoutes(dir: string): Routes {
  return async (path) => {
    const file = normalize(join(dir, decodeURIComponent(path)));
    if (!file.startsWith(normalize(dir) + sep)) return undefined;
    try {
      return { body: await readFile(file), type: contentType(file) };
    } catch {
      return undefined;
    }
  };
}

/** The first route of `routes` that answers. */
export function firstOf(...routes: Routes[]): Routes {
  return async (path) => {
    for (const route of routes) {
      const served = await route(path);
      if (served) return served;
    }
    return undefined;
  };
}

/** Starts serving `routes` on 127.0.0.1:`port` (0: any free port), cross-origin isolated unless `isolated` is false. */
export async function serveIsolated(routes: Routes, port = 0, options: { isolated?: boolean } = {}): Promise<IsolatedServer> {
  const requests: string[] = [];
  // `isolated: false` leaves out COOP/COEP: a page as most servers send it, with no SharedArrayBuffer (tests of the one-thread paths).
  const isolation = options.isolated === false ? {} : {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const server: Server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push(path);
    const headers = { ...isolation, 'Cache-Control': 'no-store' };
    Promise.resolve(routes(path === '/' ? '/index.html' : path)).then((served) => {
      if (!served) {
        response.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('not found');
        return;
      }
      response.writeHead(200, { ...headers, 'Content-Type': served.type }).end(served.body);
    }, (error: unknown) => {
      response.writeHead(500, { ...headers, 'Content-Type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`;
  return {
    origin,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
