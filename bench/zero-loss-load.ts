/**
 * The load side of bench/zero-loss.ts, run as a second process so the client does not share an
 * event loop with the activities it measures: a steady RATE req/s of GETs through the proxy
 * (keep-alive, like a real client) until SIGTERM, then one JSON line with the counts.
 *
 *   npx tsx bench/zero-loss-load.ts <url> [rate=200]
 */
import { Agent, request } from 'node:http';

const url = new URL(process.argv[2] ?? 'http://127.0.0.1:8080/');
const rate = Number(process.argv[3] ?? 200);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const counts = { sent: 0, ok: 0, failed: 0, byBody: {} as Record<string, number>, failures: {} as Record<string, number> };
let inFlight = 0;

function one(): void {
  counts.sent++;
  inFlight++;
  const started = Date.now();
  const req = request(url, { agent, timeout: 5000 }, (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('end', () => {
      inFlight--;
      if (res.statusCode === 200) {
        counts.ok++;
        const key = body.trim();
        counts.byBody[key] = (counts.byBody[key] ?? 0) + 1;
      } else fail(`HTTP ${res.statusCode}`, started);
    });
  });
  req.on('timeout', () => req.destroy(new Error('timeout')));
  req.on('error', (err: NodeJS.ErrnoException) => {
    inFlight--;
    fail(err.code ?? err.message, started);
  });
  req.end();
}

function fail(reason: string, started: number): void {
  counts.failed++;
  counts.failures[reason] = (counts.failures[reason] ?? 0) + 1;
  process.stderr.write(`${new Date().toISOString()} failed after ${Date.now() - started} ms: ${reason}\n`);
}

// 10 ms ticks; each sends however many requests keep the average at `rate`.
const start = Date.now();
const timer = setInterval(() => {
  const due = Math.floor(((Date.now() - start) / 1000) * rate) - counts.sent;
  for (let i = 0; i < due; i++) one();
}, 10);
process.stdout.write('load started\n');

process.on('SIGTERM', () => {
  clearInterval(timer);
  const waitDrain = () => {
    if (inFlight > 0) return setTimeout(waitDrain, 20);
    const seconds = (Date.now() - start) / 1000;
    process.stdout.write(`${JSON.stringify({ ...counts, seconds, achievedRate: Math.round(counts.sent / seconds) })}\n`);
    process.exit(0);
  };
  waitDrain();
});
