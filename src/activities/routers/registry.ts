import type { StackConfig } from '../../dev/config';
import { TargetErrorType, targetFailure } from '../targets/errors';
import { HaproxyRouter } from './haproxy';
import { noneRouter } from './none';
import type { Router } from './router';

/** Loopback traffic routers by kind (Kubernetes routers live with the Kubernetes target). */
export const ROUTERS = {
  haproxy: (settings: Record<string, unknown>, stack?: StackConfig): Router => new HaproxyRouter(settings, { runDir: stack!.haproxy.servicesDir }),
  none: (): Router => noneRouter,
} satisfies Record<string, (settings: Record<string, unknown>, stack?: StackConfig) => Router>;

export function createRouter(kind: string, settings: Record<string, unknown> | undefined, stack?: StackConfig): Router {
  if (!Object.hasOwn(ROUTERS, kind)) throw targetFailure(TargetErrorType.UnknownKind, `unknown router kind "${kind}" (known: ${Object.keys(ROUTERS).join(', ')})`);
  return ROUTERS[kind as keyof typeof ROUTERS](settings ?? {}, stack);
}
