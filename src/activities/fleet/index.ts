/**
 * The fleet router activities (FleetPort) on the central worker: the proxy that spreads a
 * fleet's traffic over its hosts. Only the haproxy router fronts a fleet today; a spec naming
 * another router for a fleet is refused with RouterUnsupported.
 */
import type { FleetPort, TargetRef } from '../../domain/ports';
import { ErrorType, badInput } from '../../domain/errors';
import type { AdapterConfig } from '../config';
import { HaproxyFleetRouter } from '../routers/haproxy/fleet';

export function createFleetActivities(config: AdapterConfig): FleetPort {
  const routerOf = (ref: TargetRef): HaproxyFleetRouter => {
    if (ref.router.kind !== 'haproxy') throw badInput(ErrorType.RouterUnsupported, `a fleet is fronted by the haproxy router, not "${ref.router.kind}"`);
    return new HaproxyFleetRouter(ref.router.settings, config.haproxy);
  };
  return {
    async fleetEnsure(input) {
      await routerOf(input).ensure(input, input.hosts);
    },
    async fleetDrainHost(input) {
      await routerOf(input).drain(input, input.host);
    },
    async fleetReadyHost(input) {
      await routerOf(input).ready(input, input.host, { host: input.address, port: input.port }, input.weight);
    },
    async fleetHosts(input) {
      return routerOf(input).hosts(input);
    },
  };
}
