#!/usr/bin/env node
// A tiny static file server for the built app (dist/), on 127.0.0.1 only: what scripts/dev.sh
// and the browser test use. Usage: node serve.mjs [--port N] [--dir DIR]   (default port 8080)
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.wasm': 'application/wasm', '.ico': 'image/x-icon',
};

/** The file under `root` for a request path, or null if it is outside or missing. */
function fileFor(root, urlPath) {
  const path = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^([/\\])+/, '');
  const file = resolve(root, path === '' ? 'index.html' : path);
  if (file !== root && !file.startsWith(root + sep)) return null;
  try {
    const stat = statSync(file);
    return stat.isDirectory() ? fileFor(root, join(path, 'index.html')) : file;
  } catch {
    return null;
  }
}

/** Serves `dir` on 127.0.0.1:`port` (0: any free port); resolves with { url, close }. */
export function serveApp({ dir, port = 0, host = '127.0.0.1' }) {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const file = fileFor(root, req.url ?? '/');
    if (!file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(file ? 405 : 404, { 'content-type': 'text/plain' }).end(file ? 'method not allowed' : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((resolveServe, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolveServe({ url: `http://${host}:${actual}/`, close: () => new Promise((done) => server.close(done)) });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, dir: { type: 'string', default: join(here, 'dist') } } });
  const { url } = await serveApp({ dir: values.dir, port: Number(values.port) });
  console.log(`Wattle app served at ${url}`);
}
