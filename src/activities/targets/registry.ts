import type { AdapterConfig } from '../config';
import type { LoopbackTargetAdapter } from '../deploy/loopback';
import { dockerAdapter } from './docker';
import { kubernetesAdapter } from './kubernetes';
import { processAdapter } from './process';
import type { Target, TargetAdapter } from './target';
import { ErrorType, badInput } from '../../domain/errors';

/**
 * Every target, by kind: one folder per target under src/activities/targets (see
 * docs/adapters.md). Tests add their own fakes with withTargets; production has exactly these.
 */
export const TARGETS = {
  docker: dockerAdapter,
  process: processAdapter,
  kubernetes: kubernetesAdapter,
} as const satisfies Record<string, TargetAdapter>;

export type TargetRegistry = Readonly<Record<string, TargetAdapter>>;

/** The registry plus extra adapters (a test's fake target); an extra may not shadow a real kind. */
export function withTargets(...extra: TargetAdapter[]): TargetRegistry {
  const out: Record<string, TargetAdapter> = { ...TARGETS };
  for (const adapter of extra) {
    if (Object.hasOwn(out, adapter.kind)) throw new Error(`target kind "${adapter.kind}" is already registered`);
    out[adapter.kind] = adapter;
  }
  return out;
}

export function targetAdapter(kind: string, targets: TargetRegistry = TARGETS): TargetAdapter {
  if (!Object.hasOwn(targets, kind)) throw badInput(ErrorType.UnknownAdapterKind, `unknown target kind "${kind}" (known: ${Object.keys(targets).join(', ')})`);
  return targets[kind]!;
}

/** The Target of a loopback kind (docker, process), for tests and benchmarks that drive it directly. */
export function createTarget(kind: string, settings: Record<string, unknown> | undefined, config: AdapterConfig, targets: TargetRegistry = TARGETS): Target {
  const adapter = targetAdapter(kind, targets);
  if (!('create' in adapter) || typeof adapter.create !== 'function') throw badInput(ErrorType.UnknownAdapterKind, `target kind "${kind}" runs no loopback Target`);
  return (adapter as LoopbackTargetAdapter).create(settings ?? {}, config);
}
