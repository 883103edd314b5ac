import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portFree } from '../../src/activities/targets/readiness';

/**
 * Loopback ports for test services, reserved across the test processes of one machine.
 *
 * Two things made ports chosen by a test collide with something else later:
 * - The kernel's ephemeral range (net.ipv4.ip_local_port_range, 32768-60999 by default) is where
 *   every outgoing connection takes its local port. A keep-alive connection (a scrape, a health
 *   check, a Temporal client) can hold a port of that range on 127.0.0.1 for seconds, and nothing
 *   can bind it meanwhile. A block chosen there, free when checked, was found taken when the
 *   target bound it a few seconds later. So blocks come from below that range, and away from the
 *   stack's fixed ports (Kubernetes 10xxx, etcd 1237x, the API server 16443) and from the range
 *   of ports the targets derive from names (20000-29995).
 * - Two test files run as two processes, and both may pick the same block before either binds
 *   it. Each block is claimed by creating a file named after it (exclusive create); a claim whose
 *   process has ended is stale and taken over.
 */
const SLOT = 8;
const RANGES: readonly (readonly [number, number])[] = [
  [13000, 16000],
  [17000, 20000],
];
const CLAIMS = join(tmpdir(), 'sluice-test-ports');
const mine: string[] = [];

/** The first of `count` consecutive free ports on `host`, claimed for this process until it ends. */
export async function freePortBlock(count: number, host = '127.0.0.1'): Promise<number> {
  if (count > SLOT) throw new Error(`a port block holds at most ${SLOT} ports, not ${count}`);
  const slots = RANGES.flatMap(([from, to]) => Array.from({ length: Math.floor((to - from) / SLOT) }, (_, i) => from + i * SLOT));
  for (let attempt = 0; attempt < 300; attempt++) {
    const base = slots[Math.floor(Math.random() * slots.length)]!;
    if (!claim(base)) continue;
    let free = true;
    for (let i = 0; i < count && free; i++) free = await portFree(host, base + i);
    if (free) return base;
  }
  throw new Error(`no free block of ${count} loopback ports on ${host}`);
}

/** One free loopback port, claimed as a block of its own. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return freePortBlock(1, host);
}

/** Exclusive create of the claim file; a claim left by a process that has ended is taken over. */
function claim(base: number): boolean {
  mkdirSync(CLAIMS, { recursive: true });
  const file = join(CLAIMS, String(base));
  for (let tries = 0; tries < 2; tries++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      if (mine.push(file) === 1) process.once('exit', releaseClaims);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // An empty claim is one being written right now: taken.
      const owner = ownerOf(file);
      if (owner === 0 || alive(owner)) return false;
      try {
        unlinkSync(file);
      } catch {
        // Another process took the stale claim over first; try once more, then give up on it.
      }
    }
  }
  return false;
}

function ownerOf(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8')) || 0;
  } catch {
    return -1;
  }
}

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid < 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function releaseClaims(): void {
  for (const file of mine) {
    try {
      unlinkSync(file);
    } catch {
      // Already gone: nothing to release.
    }
  }
}
