/**
 * A steady request rate against one URL on keep-alive connections, counting every answer: what
 * "0 failed requests during the release" is measured with. Request i leaves at i/rate seconds
 * (a late loop catches up, so the rate holds); each answer's `version` (GET /version of the
 * example service) is counted, anything but a 200 is a failure.
 */
import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

export interface LoadReport {
  sent: number;
  ok: number;
  failed: string[];
  versions: Record<string, number>;
}

export function steadyLoad(url: string, ratePerSecond: number): { stop(): Promise<LoadReport> } {
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const report: LoadReport = { sent: 0, ok: 0, failed: [], versions: {} };
  const inFlight: Promise<void>[] = [];
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, agent, timeout: 5000 }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200) {
            report.ok++;
            const version = (JSON.parse(body) as { version?: string }).version ?? '?';
            report.versions[version] = (report.versions[version] ?? 0) + 1;
          } else report.failed.push(`HTTP ${res.statusCode}: ${body.slice(0, 80)}`);
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timed out after 5 s')));
      req.on('error', (err) => {
        report.failed.push(err.message);
        resolve();
      });
      req.end();
    });
  const started = Date.now();
  const loop = (async () => {
    while (running) {
      inFlight.push(one());
      report.sent++;
      const wait = started + (report.sent * 1000) / ratePerSecond - Date.now();
      if (wait > 0) await sleep(wait);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      await Promise.all(inFlight);
      agent.destroy();
      return report;
    },
  };
}
