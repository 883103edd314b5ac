/**
 * What the edge (spec validation) and the workflows know about targets and traffic routers: plain
 * data about each adapter, never the adapter itself. The registries in src/activities build it
 * (adapterCatalogue in src/activities/catalogue.ts) and the composition roots (src/worker,
 * src/cli) and tests hand it to parseReleaseSpec, so this folder names no adapter kind.
 */
import type { z } from 'zod';

/** What a release must carry to run on a target: a digest-pinned container image or a binary. */
export type Artifact = 'image' | 'binary';

export interface TargetCapabilities {
  artifact: Artifact;
  /** Router kinds this target composes with, in registry order. */
  routers: readonly string[];
  /** Schema of `target.settings` (the adapter's own). */
  settings: z.ZodType;
  /** It replaces its own instances by a rolling update (Kubernetes): the rolling strategy needs no hosts there. */
  rollsOut?: boolean;
}

export interface RouterCapabilities {
  /** Schema of `router.settings` (the adapter's own). */
  settings: z.ZodType;
  /**
   * Where clients reach the service through the router (what analysis load `via: router` aims
   * at), from settings that already passed `settings`; undefined when the router has no address.
   * A pure function of the settings.
   */
  frontendUrl?: (settings: Record<string, unknown>) => string | undefined;
}

export interface AdapterCatalogue {
  targets: Readonly<Record<string, TargetCapabilities>>;
  routers: Readonly<Record<string, RouterCapabilities>>;
}

/**
 * What the workflows need to know about the spec's adapters, computed at the edge and carried on
 * the validated spec, so no workflow branches on a kind.
 */
export interface Capabilities {
  artifact: Artifact;
  /** The router's frontend, e.g. http://127.0.0.1:18080/; null when the router has none. */
  routerUrl: string | null;
}
