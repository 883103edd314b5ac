import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** True when something accepts TCP connections on host:port. */
export function tcpOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (open: boolean) => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface HttpAnswer {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface HttpGetOptions {
  socketPath?: string;
  timeoutMs?: number;
  /** For https URLs: the CA (PEM) that signed the server's certificate, trusted instead of the system's. */
  ca?: string | Buffer;
  headers?: Record<string, string>;
}

/** GET over TCP (http or https) or a unix socket; resolves with the status and body, rejects on transport errors. */
export function httpGet(url: string, opts: HttpGetOptions = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const send = url.startsWith('https:') ? httpsRequest : request;
    const options = { method: 'GET', socketPath: opts.socketPath, timeout: opts.timeoutMs ?? 2000, headers: opts.headers, ...(opts.ca ? { ca: opts.ca } : {}) };
    const req = send(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * True on a 2xx answer that also passes `looksRight`: a health check must recognise the component,
 * not just any web server that happens to hold the port.
 */
export async function httpOk(url: string, opts: HttpGetOptions & { looksRight?: (answer: HttpAnswer) => boolean } = {}): Promise<boolean> {
  try {
    const answer = await httpGet(url, opts);
    return answer.status >= 200 && answer.status < 300 && (opts.looksRight?.(answer) ?? true);
  } catch {
    return false;
  }
}

/**
 * Polls until check() is true; throws with the component's name and where to look when it is not.
 * `hint` is read when the wait fails, so a log tail in it shows what happened during the wait.
 * `gaveUp` ends the wait early with its reason (a process that exited will never become ready).
 */
export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number, hint: string | (() => string), gaveUp?: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const hintNow = () => (typeof hint === 'string' ? hint : hint());
  for (;;) {
    if (await check().catch(() => false)) return;
    const reason = gaveUp?.();
    if (reason !== undefined) throw new Error(`${what} ${reason}; ${hintNow()}`);
    if (Date.now() > deadline) throw new Error(`${what} did not become ready within ${Math.round(timeoutMs / 1000)} s; ${hintNow()}`);
    await sleep(200);
  }
}
