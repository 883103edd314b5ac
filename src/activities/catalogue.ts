import type { AdapterCatalogue } from '../domain/adapters';
import { ROUTERS, routerKindsFor, type RouterRegistry } from './routers/registry';
import { TARGETS, type TargetRegistry } from './targets/registry';

/**
 * The plain-data view of the registries that spec validation needs (src/domain/adapters.ts):
 * kinds, the routers each target takes, the artifact it runs, the settings schemas. Built by the
 * composition roots (worker, CLI) and by tests (with their fake targets), never by src/domain.
 */
export function adapterCatalogue(targets: TargetRegistry = TARGETS, routers: RouterRegistry = ROUTERS): AdapterCatalogue {
  return {
    targets: Object.fromEntries(
      Object.values(targets).map((t) => [
        t.kind,
        { artifact: t.artifact, routers: routerKindsFor(t.routerFamily, routers), settings: t.settings, ...(t.rollsOut ? { rollsOut: true } : {}) },
      ]),
    ),
    routers: Object.fromEntries(Object.values(routers).map((r) => [r.kind, { settings: r.settings, ...(r.frontendUrl ? { frontendUrl: r.frontendUrl.bind(r) } : {}) }])),
  };
}
