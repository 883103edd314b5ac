import type { TargetRef } from '../domain/ports';
import type { Release } from '../domain/release';
import type { ReleaseSpec } from '../domain/spec';
import type { Control } from './control';
import type { Saga } from './saga';
import type { Tracker } from './tracker';

/** Everything a strategy needs, built once by deployWorkflow. */
export interface DeployContext {
  spec: ReleaseSpec;
  ref: TargetRef;
  release: Release;
  /** The stable release before this one, or null on a first release. */
  previous: Release | null;
  tracker: Tracker;
  control: Control;
  saga: Saga;
}

export function targetRef(spec: Pick<ReleaseSpec, 'service' | 'environment' | 'target' | 'router'>): TargetRef {
  return { service: spec.service, environment: spec.environment, target: spec.target, router: spec.router };
}
