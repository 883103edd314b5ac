/**
 * Prometheus applies file service discovery changes in batches (its discovery manager sends
 * updates at most every few seconds), so a freshly registered instance is not scraped at once.
 * Analysis that starts measuring before the first scrape would judge "no data". This waits until
 * Prometheus reports the instance as scraped and up.
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';

const TargetsResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    activeTargets: z.array(z.object({ labels: z.record(z.string(), z.string()), health: z.string(), lastScrape: z.string() })),
  }),
});

export interface ScrapeReadyInput {
  labels: Record<string, string>;
  timeoutMs: number;
  /**
   * How many instances with these labels must be up (default 1). A judge that reads cumulative
   * counters takes its zero point at the first look: an instance that appears later would add
   * everything it counted before the analysis (a fleet host relabelled as baseline has run for
   * hours) as if it had happened during it.
   */
  instances?: number;
}

function activitySignal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

function heartbeat(details: unknown): void {
  try {
    Context.current().heartbeat(details);
  } catch {
    // called outside an activity (tests)
  }
}

/** Resolves with the milliseconds waited; throws when the instance was not scraped in time. */
export async function awaitScraped(prometheusUrl: string, input: ScrapeReadyInput): Promise<{ waitedMs: number }> {
  const started = Date.now();
  const matches = (labels: Record<string, string>) => Object.entries(input.labels).every(([k, v]) => labels[k] === v);
  for (;;) {
    const signal = activitySignal();
    signal?.throwIfAborted();
    const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (res?.ok) {
      const parsed = TargetsResponse.safeParse(await res.json());
      const up = parsed.success ? parsed.data.data.activeTargets.filter((t) => matches(t.labels) && t.health === 'up' && !t.lastScrape.startsWith('0001-')) : [];
      if (up.length >= (input.instances ?? 1)) return { waitedMs: Date.now() - started };
    }
    if (Date.now() - started > input.timeoutMs) {
      throw new Error(`Prometheus at ${prometheusUrl} did not scrape ${input.instances ?? 1} instance(s) with ${JSON.stringify(input.labels)} within ${input.timeoutMs} ms`);
    }
    heartbeat({ waitedMs: Date.now() - started });
    await new Promise((r) => setTimeout(r, 250));
  }
}
