import { z } from 'zod';
import { replicaRatioRouter } from '../replica-ratio';
import type { Router, RouterAdapter } from '../router';

/**
 * No proxy: clients talk to the stable instance's port directly. Nothing can be split, so the
 * deploy activities promote in place (same port) and refuse partial weights.
 */
export const noneRouter: Router = {
  kind: 'none',
  splitsTraffic: false,
  ensure: async () => undefined,
  route: async () => undefined,
  drain: async () => undefined,
  disable: async () => undefined,
  slots: async () => [],
  url: () => undefined,
  remove: async () => undefined,
};

/** On a loopback target: no proxy. On Kubernetes: the replica ratio with its defaults (the stable kept full during a canary). */
export const noneAdapter: RouterAdapter = {
  kind: 'none',
  settings: z.strictObject({}),
  loopback: () => noneRouter,
  kubernetes: () => replicaRatioRouter,
};
