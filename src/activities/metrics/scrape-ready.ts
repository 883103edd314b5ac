/**
 * Prometheus applies file service discovery changes in batches (its discovery manager sends
 * updates at most every few seconds), so a freshly registered or relabelled instance is not
 * scraped under its new labels at once. Analysis that starts measuring before that would judge
 * "no data", or another instance's data. This waits until Prometheus scrapes what was registered.
 */
import { Context } from '@temporalio/activity';
import { z } from 'zod';

const ActiveTarget = z.object({
  labels: z.record(z.string(), z.string()),
  discoveredLabels: z.record(z.string(), z.string()).optional(),
  health: z.string(),
  lastScrape: z.string(),
});
type ActiveTarget = z.infer<typeof ActiveTarget>;

const TargetsResponse = z.object({
  status: z.literal('success'),
  data: z.object({ activeTargets: z.array(ActiveTarget) }),
});

export interface ScrapeReadyInput {
  labels: Record<string, string>;
  timeoutMs: number;
  /**
   * The host:port of every instance registered with these labels. When given, the wait ends only
   * when each of them was scraped under these labels after the wait began, and no other instance
   * that is up carries them. A target Prometheus has not yet caught up with (a fleet host still
   * labelled canary from the previous batch, the previous canary on the same address) would
   * otherwise satisfy the wait, and the first measurement would read no data or the wrong instance.
   */
  addresses?: readonly string[];
  /**
   * How many instances with these labels must be up (default 1), for callers that do not name
   * addresses. A judge that reads cumulative counters takes its zero point at the first look: an
   * instance that appears later would add everything it counted before the analysis (a fleet
   * host relabelled as baseline has run for hours) as if it had happened during it.
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

function addressOf(target: ActiveTarget): string | undefined {
  return target.labels.instance ?? target.discoveredLabels?.__address__;
}

/** Each matching target's last scrape by address, as first seen: the scrapes that do not count. */
export type ScrapesSeen = ReadonlyMap<string, string>;

/** Targets with these labels, up or down. */
function matching(targets: readonly ActiveTarget[], labels: Record<string, string>): ActiveTarget[] {
  return targets.filter((t) => Object.entries(labels).every(([k, v]) => t.labels[k] === v));
}

/** Targets with these labels that are up and have been scraped at least once. */
function matchingUp(targets: readonly ActiveTarget[], labels: Record<string, string>): ActiveTarget[] {
  return matching(targets, labels).filter((t) => t.health === 'up' && !t.lastScrape.startsWith('0001-'));
}

/** Last scrapes as the wait found them; a later one began after what was registered changed. */
export function scrapesSeen(targets: readonly ActiveTarget[], labels: Record<string, string>): ScrapesSeen {
  return new Map(
    matchingUp(targets, labels).flatMap((t) => {
      const address = addressOf(t);
      return address === undefined ? [] : [[address, t.lastScrape] as const];
    }),
  );
}

/** What is still missing before the analysis may measure, or undefined when nothing is. */
export function scrapeShortfall(targets: readonly ActiveTarget[], input: Omit<ScrapeReadyInput, 'timeoutMs'>, seen: ScrapesSeen): string | undefined {
  const up = matchingUp(targets, input.labels);
  if (!input.addresses) {
    const wanted = input.instances ?? 1;
    return up.length >= wanted ? undefined : `${up.length} of ${wanted} instance(s) up`;
  }
  const expected = new Set(input.addresses);
  const scrapedSince = (a: string) => up.some((t) => addressOf(t) === a && t.lastScrape !== seen.get(a));
  const notYet = input.addresses.filter((a) => !scrapedSince(a));
  if (notYet.length > 0) return `not yet scraped with these labels: ${notYet.join(', ')}`;
  const others = up.map((t) => addressOf(t) ?? '(no address)').filter((a) => !expected.has(a));
  if (others.length > 0) return `still scraped with these labels: ${others.join(', ')}`;
  return undefined;
}

/**
 * How long Prometheus may take to pass a discovery change on to its scrape loops: its discovery
 * manager sends target updates at most every 5 s, plus a margin for the file watcher.
 */
export const DISCOVERY_SETTLE_MS = 6000;

/**
 * Addresses that a target with exactly these labels already had when the wait began: the
 * previous instance of the same release and role on the same address (a config-only release,
 * a drill's canary of the live version). To Prometheus the old and new registrations are one
 * target, and a removal of the old one may still be pending: it can be applied after the new
 * process was scraped, and the re-registration only one batch later, leaving the new instance
 * unscraped for up to 5 s just as the analysis starts (CI run of e2e-pairs, 2026-12-03: no
 * samples from 1 s to 6 s, first look "no data").
 */
function ambiguousAddresses(targets: readonly ActiveTarget[], input: Omit<ScrapeReadyInput, 'timeoutMs'>): string[] {
  // Up or down: the old process is usually gone by now, so its registration reads down until
  // the new process listens, and then reads up through the registration about to be removed.
  const present = new Set(matching(targets, input.labels).map(addressOf));
  return (input.addresses ?? []).filter((a) => present.has(a));
}

/** Resolves with the milliseconds waited; throws when the instances were not scraped in time. */
export async function awaitScraped(prometheusUrl: string, input: ScrapeReadyInput): Promise<{ waitedMs: number }> {
  const started = Date.now();
  // What was registered changed before this wait began. A scrape Prometheus reports after the
  // first answer read the instance as it is now; comparing its lastScrape with the one first
  // seen needs no agreement between this machine's clock and Prometheus's.
  let seen: ScrapesSeen | undefined;
  let ambiguous: string[] = [];
  let settled = false;
  let shortfall = 'Prometheus did not answer';
  for (;;) {
    const signal = activitySignal();
    signal?.throwIfAborted();
    const res = await fetch(`${prometheusUrl}/api/v1/targets?state=active`, { signal: AbortSignal.timeout(5000) }).catch(() => undefined);
    if (res?.ok) {
      const parsed = TargetsResponse.safeParse(await res.json());
      if (parsed.success) {
        const targets = parsed.data.data.activeTargets;
        if (!seen) {
          seen = input.addresses ? scrapesSeen(targets, input.labels) : new Map();
          ambiguous = ambiguousAddresses(targets, input);
        }
        if (ambiguous.length > 0 && !settled && Date.now() - started >= DISCOVERY_SETTLE_MS) {
          // Every change made before the wait has reached the scrape loops by now: only a scrape
          // after this point surely comes from the registration as it stands.
          const now = scrapesSeen(targets, input.labels);
          seen = new Map([...seen, ...ambiguous.flatMap((a) => (now.has(a) ? [[a, now.get(a)!] as const] : []))]);
          settled = true;
        }
        const missing =
          ambiguous.length > 0 && !settled
            ? `the previous instance on ${ambiguous.join(', ')} had the same labels: waiting ${DISCOVERY_SETTLE_MS} ms for Prometheus to apply every change`
            : scrapeShortfall(targets, input, seen);
        if (missing === undefined) return { waitedMs: Date.now() - started };
        shortfall = missing;
      }
    }
    if (Date.now() - started > input.timeoutMs) {
      throw new Error(`Prometheus at ${prometheusUrl} is not yet scraping what was registered with ${JSON.stringify(input.labels)} after ${input.timeoutMs} ms: ${shortfall}`);
    }
    heartbeat({ waitedMs: Date.now() - started, shortfall });
    await new Promise((r) => setTimeout(r, 250));
  }
}
