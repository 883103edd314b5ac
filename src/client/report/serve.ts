/**
 * `sluice report --web`: the same page served live on loopback. Every GET gathers the report
 * anew (so a running release's page is current at each of its refreshes); anything but GET is
 * refused, because the page only reads: steering stays with the CLI and Temporal.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { renderReportHtml } from './html';
import type { ReleaseReport } from './model';

export interface ReportServer {
  url: string;
  close(): Promise<void>;
}

export const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

export async function serveReport(gather: () => Promise<ReleaseReport>, options: { host?: string; port?: number; refreshSeconds?: number } = {}): Promise<ReportServer> {
  const host = options.host ?? '127.0.0.1';
  if (!(LOOPBACK_HOSTS as readonly string[]).includes(host)) throw new RangeError(`the report server listens on loopback only, not ${host}`);
  const refreshSeconds = options.refreshSeconds ?? 5;
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('read-only: steer releases with the sluice CLI\n');
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/' && path !== '/report.json') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    gather()
      .then((report) => {
        const live = { ...report, refreshSeconds };
        if (path === '/report.json') res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(live));
        else res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(req.method === 'HEAD' ? undefined : renderReportHtml(live));
      })
      .catch((err: unknown) => {
        res.writeHead(502, { 'content-type': 'text/plain' }).end(`could not gather the report: ${(err as Error).message}\n`);
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
