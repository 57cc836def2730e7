import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Db } from '../store/db.js';
import { PACKAGE_ROOT } from '../util/paths.js';
import { ViewerApi } from './api.js';
import { HttpError, hostAllowed, sendError, sendStatic } from './http.js';

/** The viewer's static files: one page, its script and its style sheet, in the package's viewer/ folder. */
const ASSETS: Record<string, { file: string; type: string; page: boolean }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8', page: true },
  '/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8', page: false },
  '/compare.js': { file: 'compare.js', type: 'text/javascript; charset=utf-8', page: false },
  '/style.css': { file: 'style.css', type: 'text/css; charset=utf-8', page: false },
};

export function viewerAssetDir(): string {
  return join(PACKAGE_ROOT, 'viewer');
}

export interface ViewerOptions { host?: string; port?: number; assetDir?: string }

export interface RunningViewer { url: string; host: string; port: number; server: Server; close(): Promise<void> }

/** Serve the viewer over an open store. Binds 127.0.0.1 unless told otherwise; port 0 picks a free port. */
export async function startViewer(db: Db, opts: ViewerOptions = {}): Promise<RunningViewer> {
  const host = opts.host ?? '127.0.0.1';
  const dir = opts.assetDir ?? viewerAssetDir();
  const assets = new Map(Object.entries(ASSETS).map(([path, a]) => [path, { ...a, body: readFileSync(join(dir, a.file)) }]));
  const api = new ViewerApi(db);
  let port = opts.port ?? 0;

  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (!hostAllowed(req.headers.host, host, port)) throw new HttpError(403, 'unexpected Host header');
        const url = new URL(req.url ?? '/', 'http://viewer.invalid');
        if (url.pathname === '/api' || url.pathname.startsWith('/api/')) return await api.handle(req, res, url);
        const asset = assets.get(url.pathname === '/index.html' ? '/' : url.pathname);
        if (!asset) throw new HttpError(404, 'not found');
        if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'method not allowed');
        sendStatic(res, asset.body, asset.type, asset.page);
      } catch (e) {
        if (res.headersSent) { res.destroy(); return; }
        if (e instanceof HttpError) sendError(res, e.status, e.message);
        else sendError(res, 500, e instanceof Error ? e.message : String(e));
      }
    })();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => { server.off('error', reject); resolve(); });
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/`,
    host,
    port,
    server,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
