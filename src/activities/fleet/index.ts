/**
 * The fleet router activities (FleetPort) on the central worker: the proxy that spreads a
 * fleet's traffic over its hosts. Only the haproxy router fronts a fleet today; a spec naming
 * another router for a fleet is refused with RouterUnsupported.
 */
import type { FleetPort, FleetScrapedHost, Role, TargetRef } from '../../domain/ports';
import { ErrorType, badInput } from '../../domain/errors';
import { urlHost } from '../../domain/address';
import type { AdapterConfig } from '../config';
import { HaproxyFleetRouter } from '../routers/haproxy/fleet';
import { readHostInstance, registerHostInstance } from '../metrics/scrape-groups';
import { heartbeatWhileRunning } from '../targets/activity-context';

/** `prometheusTargetsDir`: where host instances are registered for scraping (the worker's file-SD directory); none when unset. */
export function createFleetActivities(config: AdapterConfig, prometheusTargetsDir?: string): FleetPort {
  const routerOf = (ref: TargetRef): HaproxyFleetRouter => {
    if (ref.router.kind !== 'haproxy') throw badInput(ErrorType.RouterUnsupported, `a fleet is fronted by the haproxy router, not "${ref.router.kind}"`);
    return new HaproxyFleetRouter(ref.router.settings, config.haproxy);
  };
  // Heartbeats while each step runs, as the deploy activities do (src/workflows/activities.ts).
  return heartbeatWhileRunning({
    async fleetEnsure(input) {
      await routerOf(input).ensure(input, input.hosts);
    },
    async fleetDrainHost(input) {
      await routerOf(input).drain(input, input.host);
    },
    async fleetReadyHost(input) {
      await routerOf(input).ready(input, input.host, { host: input.address, port: input.port }, input.weight);
      if (prometheusTargetsDir && input.version) {
        await registerHostInstance(prometheusTargetsDir, {
          service: input.service,
          environment: input.environment,
          host: input.host,
          version: input.version,
          // An IPv6 host address needs brackets before the port, as in a URL.
          address: `${urlHost(input.address)}:${input.port}`,
        });
      }
    },
    async fleetHosts(input) {
      return routerOf(input).hosts(input);
    },
    async fleetScrapeRoles(input) {
      const targetsDir = prometheusTargetsDir;
      if (!targetsDir) throw badInput(ErrorType.InvalidScrapeTargets, 'this worker registers nothing with Prometheus (no targets directory): a fleet cannot be analysed');
      const key = (host: string) => ({ service: input.service, environment: input.environment, host });
      const registered = (await Promise.all(input.hosts.map(async (host) => ({ host, now: await readHostInstance(targetsDir, key(host)) })))).flatMap(({ host, now }) =>
        now ? [{ host, ...now }] : [],
      );
      const roles = pairRoles(registered, input.canaryHosts, input.baselineVersion);
      const out: FleetScrapedHost[] = [];
      for (const h of registered) {
        const role = roles.get(h.host) ?? 'stable';
        if (h.role !== role) await registerHostInstance(targetsDir, { ...key(h.host), role, version: h.version, address: h.address });
        out.push({ host: h.host, role, version: h.version, address: h.address });
      }
      return out;
    },
  });
}

/**
 * Canary and baseline in equal numbers: the comparison judges expect the two roles to get the
 * same share of the traffic (`canaryShare`, 0.5 by default), and every host of a fleet gets the
 * same weight. So the baseline is as many hosts on `baselineVersion` as there are canary hosts,
 * and when fewer such hosts remain, only that many canary hosts are judged.
 */
export function pairRoles(registered: readonly { host: string; version: string }[], canaryHosts: readonly string[], baselineVersion: string | undefined): Map<string, Role> {
  const canary = registered.filter((h) => canaryHosts.includes(h.host));
  const onBaseline = baselineVersion === undefined ? [] : registered.filter((h) => !canaryHosts.includes(h.host) && h.version === baselineVersion);
  const judged = onBaseline.length > 0 ? canary.slice(0, onBaseline.length) : canary;
  const roles = new Map<string, Role>();
  for (const h of judged) roles.set(h.host, 'canary');
  for (const h of onBaseline.slice(0, judged.length)) roles.set(h.host, 'baseline');
  return roles;
}
