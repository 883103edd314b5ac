import { z } from 'zod';
import type { HealthProbeInput, HealthProbeResult } from '../../domain/ports';
import { httpStatus } from '../targets/readiness';

const ProbeInput = z.object({
  url: z.string().url(),
  paths: z.array(z.string().startsWith('/')).min(1).default(['/healthz', '/readyz']),
  timeoutMs: z.number().int().positive().max(60000).default(2000),
});

/**
 * One look at an instance: a GET per path with a short timeout. Never throws for HTTP or
 * connection errors (they are `ok: false` with the reason); the workflow decides what N failures
 * in a row mean and polls with its own timers, so a crash loses nothing.
 */
export async function probeHealth(raw: Partial<HealthProbeInput> & { url: string }): Promise<HealthProbeResult> {
  const parsed = ProbeInput.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, checks: [{ path: String(raw.url), status: null, ok: false, error: `bad probe input: ${parsed.error.issues[0]?.message}`, ms: 0 }] };
  }
  const { url, paths, timeoutMs } = parsed.data;
  const base = url.replace(/\/+$/, '');
  const checks = await Promise.all(
    paths.map(async (path) => {
      const started = performance.now();
      const r = await httpStatus(`${base}${path}`, timeoutMs);
      const ok = r.status !== null && r.status >= 200 && r.status < 300;
      const ms = Math.round(performance.now() - started);
      return { path, status: r.status, ok, ms, ...(ok ? {} : { error: r.error ?? `HTTP ${r.status}` }) };
    }),
  );
  return { ok: checks.every((c) => c.ok), checks };
}

/** The single-URL form: { ok, status, latencyMs, error? } for scripts and the CLI. */
export async function probeOnce(url: string, timeoutMs = 2000): Promise<{ ok: boolean; status: number | null; latencyMs: number; error?: string }> {
  const r = await probeHealth({ url, paths: ['/healthz', '/readyz'], timeoutMs });
  const failed = r.checks.find((c) => !c.ok);
  const status = failed?.status ?? r.checks[r.checks.length - 1]?.status ?? null;
  return { ok: r.ok, status, latencyMs: Math.max(...r.checks.map((c) => c.ms)), ...(failed ? { error: `${failed.path}: ${failed.error}` } : {}) };
}
