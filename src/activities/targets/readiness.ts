import { connect, createServer } from 'node:net';
import { heartbeatIfActivity, sleepMs } from './activity-context';

/** One GET with a timeout; resolves to the status, or null when nothing answered. */
export async function httpStatus(url: string, timeoutMs: number): Promise<{ status: number | null; error?: string }> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return { status: res.status };
  } catch (err) {
    const e = err as Error & { cause?: { code?: string; message?: string } };
    return { status: null, error: e.cause?.code ?? e.cause?.message ?? e.message };
  }
}

/** The first pause between readiness polls; each later one doubles, up to READY_POLL_MAX_MS. */
export const READY_POLL_FIRST_MS = 10;
export const READY_POLL_MAX_MS = 100;

/**
 * The pause after a readiness poll that failed. A service that is up in tens of milliseconds is
 * seen soon after, not at the next tenth of a second: with a fixed 100 ms pause the process
 * target's start of the Go example took about 100 or about 180 ms, with these pauses 70-80 ms
 * (docs/workflows.md). Slow starts still poll ten times a second.
 */
export function nextReadyPollMs(previousMs: number | undefined): number {
  return previousMs === undefined ? READY_POLL_FIRST_MS : Math.min(previousMs * 2, READY_POLL_MAX_MS);
}

/**
 * Polls `url` until it answers 2xx. `alive` is asked between polls so an instance that exited
 * fails fast with its reason instead of waiting out the timeout.
 */
export async function waitForReady(url: string, timeoutMs: number, alive: () => Promise<string | undefined>): Promise<{ ok: true } | { ok: false; reason: string }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  let pauseMs: number | undefined;
  for (;;) {
    const r = await httpStatus(url, 1000);
    if (r.status !== null && r.status >= 200 && r.status < 300) return { ok: true };
    last = r.status !== null ? `HTTP ${r.status}` : (r.error ?? 'no answer');
    const dead = await alive();
    if (dead) return { ok: false, reason: dead };
    if (Date.now() > deadline) return { ok: false, reason: `${url} answered ${last} for ${timeoutMs} ms` };
    heartbeatIfActivity({ waitingFor: url });
    pauseMs = nextReadyPollMs(pauseMs);
    await sleepMs(pauseMs);
  }
}

/** True when nothing listens on host:port (we could bind it ourselves). */
export function portFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * False when a TCP connect to host:port succeeds. This is how a port on another host looks taken
 * from here (binding it is impossible). A refused connect means free; one that times out or fails
 * otherwise (a firewall dropping it) cannot tell and counts as free: the instance's own bind decides.
 */
export function nothingListens(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (free: boolean) => {
      socket.destroy();
      resolve(free);
    };
    socket.setTimeout(timeoutMs, () => done(true));
    socket.once('connect', () => done(false));
    socket.once('error', () => done(true));
  });
}

/**
 * Waits up to `timeoutMs` for a port to be released (a stopped instance's socket closing).
 * `free` says how to look: bind it here (portFree), or connect to it on a remote host (nothingListens).
 */
export async function waitPortFree(host: string, port: number, timeoutMs: number, free: (host: string, port: number) => Promise<boolean> = portFree): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await free(host, port)) return true;
    if (Date.now() > deadline) return false;
    await sleepMs(100);
  }
}
