import { setTimeout as sleep } from 'node:timers/promises';
import type { k8s, KubeClients } from './client';

/** A list response as the generated clients return it: the items and the list's resourceVersion. */
export interface ListedObjects<T> {
  items: T[];
  metadata?: { resourceVersion?: string };
}

export interface FollowOptions<T, R> {
  /** The collection the object lives in, e.g. `/apis/apps/v1/namespaces/<ns>/deployments`. */
  path: string;
  name: string;
  /** The object as a write just returned it: the wait starts from it and watches from its resourceVersion, saving a list. */
  initial?: T;
  /** Lists the collection with the given field selector (one object at most). */
  list(fieldSelector: string): Promise<ListedObjects<T>>;
  /** The verdict on the object as it is now (undefined: it does not exist): a value ends the wait, undefined keeps waiting, a throw fails it. */
  decide(object: T | undefined): R | undefined;
  timeoutMs: number;
  /** The error a wait that runs out of time ends with (it can name the last state seen). */
  timeoutError(): Error;
  /** How often the object is read anyway, for a watch that stalls without closing. */
  fallbackPollMs: number;
  signal?: AbortSignal;
}

/** How long the API server keeps one watch open before it ends it and the wait lists again. */
const WATCH_SECONDS = 60;

type WatchEnd<R> = { verdict: R } | { relist: true; failed: boolean };

/**
 * Waits for one object to reach a state, reacting to the API server's watch events instead of
 * polling: a list by name gives the current state and a resourceVersion, and a watch from there
 * delivers each change as it happens (what `kubectl rollout status` does). A watch whose
 * resourceVersion expired (410 Gone) or that closed is followed by a fresh list.
 */
export async function followObject<T extends k8s.KubernetesObject, R>(clients: KubeClients, opts: FollowOptions<T, R>): Promise<R> {
  const fieldSelector = `metadata.name=${opts.name}`;
  const watcher = new clients.k8s.Watch(clients.kc);
  const deadline = Date.now() + opts.timeoutMs;
  let written: ListedObjects<T> | undefined = opts.initial ? { items: [opts.initial], metadata: { resourceVersion: opts.initial.metadata?.resourceVersion } } : undefined;
  for (;;) {
    opts.signal?.throwIfAborted();
    const list: ListedObjects<T> = written ?? (await opts.list(fieldSelector));
    written = undefined;
    const verdict = opts.decide(list.items[0]);
    if (verdict !== undefined) return verdict;
    if (Date.now() >= deadline) throw opts.timeoutError();
    const end = await watchFrom(watcher, opts, fieldSelector, list.metadata?.resourceVersion, deadline);
    if ('verdict' in end) return end.verdict;
    // A watch that cannot be opened (RBAC, a proxy without streaming) must not spin: the
    // fallback interval paces the lists, which then carry the wait on their own.
    if (end.failed) await sleep(opts.fallbackPollMs, undefined, opts.signal ? { signal: opts.signal } : undefined);
  }
}

function watchFrom<T, R>(watcher: k8s.Watch, opts: FollowOptions<T, R>, fieldSelector: string, resourceVersion: string | undefined, deadline: number): Promise<WatchEnd<R>> {
  return new Promise((resolve, reject) => {
    let finished = false;
    let stream: AbortController | undefined;
    const finish = (settle: () => void) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      clearInterval(poll);
      opts.signal?.removeEventListener('abort', onAbort);
      stream?.abort();
      settle();
    };
    const judge = (object: T | undefined) => {
      if (finished) return;
      try {
        const verdict = opts.decide(object);
        if (verdict !== undefined) finish(() => resolve({ verdict }));
      } catch (err) {
        finish(() => reject(err));
      }
    };
    const onAbort = () => finish(() => reject(opts.signal!.reason));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => finish(() => reject(opts.timeoutError())), Math.max(0, deadline - Date.now()));
    const poll = setInterval(() => {
      opts.list(fieldSelector).then(
        (list) => judge(list.items[0]),
        () => undefined, // the watch or the next read decides; a failed read changes nothing
      );
    }, opts.fallbackPollMs);
    const query = { fieldSelector, resourceVersion, allowWatchBookmarks: true, timeoutSeconds: WATCH_SECONDS };
    watcher
      .watch(
        opts.path,
        query,
        (type: string, object: T) => {
          if (type === 'ADDED' || type === 'MODIFIED') judge(object);
          else if (type === 'DELETED') judge(undefined);
          // ERROR carries a Status, 410 Gone when resourceVersion is too old: list again.
          else if (type === 'ERROR') finish(() => resolve({ relist: true, failed: false }));
        },
        (err: unknown) => finish(() => resolve({ relist: true, failed: Boolean(err) })),
      )
      .then(
        (controller) => {
          stream = controller;
          if (finished) controller.abort();
        },
        () => finish(() => resolve({ relist: true, failed: true })),
      );
  });
}
