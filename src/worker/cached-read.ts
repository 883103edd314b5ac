/**
 * A read behind gauges that Prometheus scrapes often, of data that is costly to read (Temporal
 * visibility): read at most once per `maxAgeMs` however often scrapes come (counted from the start
 * of the last read, failed or not, so a failing server is not asked on every scrape either); a
 * scrape waits at most `waitMs` for a refresh, one wait shared by every gauge of that scrape, and
 * gets the previous answer meanwhile; a failed read keeps the last good answer for `staleMs`, then
 * the gauges go empty rather than lie.
 */
import type { Counter } from 'prom-client';

export interface CachedReadOptions {
  maxAgeMs: number;
  waitMs: number;
  staleMs: number;
  /** Counts failed reads. */
  errors: Counter;
  onError?: (err: Error) => void;
}

/** Returns the current answer: the cached one, refreshed as the options allow; undefined before any good read. */
export function cachedRead<T>(read: () => Promise<T>, options: CachedReadOptions): () => Promise<T | undefined> {
  let snapshot: { atMs: number; value: T } | undefined;
  let refreshing: Promise<void> | undefined;
  let lastReadMs = -Infinity;
  let waiting: Promise<void> | undefined;

  const refresh = (): Promise<void> => {
    if (refreshing) return refreshing;
    lastReadMs = Date.now();
    refreshing = read()
      .then(
        (value) => {
          snapshot = { atMs: Date.now(), value };
        },
        (err: Error) => {
          options.errors.inc();
          options.onError?.(err);
          if (snapshot && Date.now() - snapshot.atMs > options.staleMs) snapshot = undefined;
        },
      )
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  };

  return async () => {
    if (!waiting && (refreshing || Date.now() - lastReadMs >= options.maxAgeMs)) {
      let timer: NodeJS.Timeout | undefined;
      waiting = Promise.race([refresh(), new Promise<void>((resolve) => (timer = setTimeout(resolve, options.waitMs)))]).finally(() => {
        clearTimeout(timer);
        waiting = undefined;
      });
    }
    if (waiting) await waiting;
    return snapshot?.value;
  };
}
