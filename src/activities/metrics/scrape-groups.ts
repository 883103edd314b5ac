/**
 * Which file-SD groups (src/lib/prometheus-sd.ts) say what Prometheus scrapes for a service and
 * environment. There are two owners, each with its own file per role:
 *
 * - live groups (`sluice-live_<service>_<environment>_<role>`): every running instance, for as
 *   long as it runs. Written by the deploy activities where instances change
 *   (src/activities/deploy/scrape.ts), so every target adapter gets it.
 * - analysis groups (`sluice_<service>_<environment>_<role>`): what an analysis registers for the
 *   time it measures (registerTargets / unregisterTargets), for instances that no live group
 *   covers (an analysis run straight on instances, as the analysis tests and benchmarks do).
 *
 * Both carry the same labels (service, environment, role, version), and one instance is never in
 * two groups: an analysis registration of an instance a live group already holds writes nothing,
 * and a live registration takes its address out of any other group of the service. Otherwise
 * Prometheus would scrape the instance twice and every `sum` in the analysis queries would double
 * (two label sets are two targets: Prometheus only merges targets whose labels are identical).
 */
import { readScrapeGroup, registerScrapeGroup, unregisterScrapeGroup, type ScrapeGroup } from '../../lib/prometheus-sd';
import type { Role } from './providers';

export const ROLES: readonly Role[] = ['stable', 'canary', 'baseline', 'preview'];

export interface GroupKey {
  service: string;
  environment: string;
  role: Role;
}

function sanitize(id: string): string {
  return id.replace(/[^a-zA-Z0-9_.-]/g, '_');
}

/** Analysis group id: one file per service, environment and role. */
export function scrapeGroupId(key: GroupKey): string {
  return sanitize(`sluice_${key.service}_${key.environment}_${key.role}`);
}

/** Live group id; its `sluice-live_` prefix can never equal an analysis id (those start `sluice_`). */
export function liveGroupId(key: GroupKey): string {
  return `sluice-live_${sanitize(`${key.service}_${key.environment}_${key.role}`)}`;
}

export function groupLabels(key: GroupKey & { version?: string }): Record<string, string> {
  return { service: key.service, environment: key.environment, role: key.role, ...(key.version ? { version: key.version } : {}) };
}

/**
 * host:port Prometheus scrapes for an instance's base URL, or undefined when it is not a plain
 * http(s) URL. Kubernetes candidates are `kubernetes://` URLs, reachable from Prometheus only
 * through the cluster; issue 15 registers those (pod discovery), so they are skipped here.
 */
export function scrapeAddress(url: string): string | undefined {
  const m = /^https?:\/\/([^/?#]+)\/?$/.exec(url);
  return m && /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(m[1]!) ? m[1] : undefined;
}

export interface LiveInstance extends GroupKey {
  version: string;
  address: string;
}

/**
 * One instance per role, so the file is replaced, not merged: a promotion writes the new stable
 * over the old one (which stays warm but unregistered, see docs/alerting.md), a rollback writes
 * the restored version back. Idempotent.
 */
export async function registerLive(targetsDir: string, instance: LiveInstance): Promise<void> {
  await registerScrapeGroup(targetsDir, { id: liveGroupId(instance), targets: [instance.address], labels: groupLabels(instance) });
  // The same address under another role (a target that promotes by relabelling its candidate),
  // or registered by an analysis, would be scraped twice.
  for (const role of ROLES) {
    const key = { service: instance.service, environment: instance.environment, role };
    if (role !== instance.role) await dropIfHolds(targetsDir, liveGroupId(key), instance.address);
    await dropIfHolds(targetsDir, scrapeGroupId(key), instance.address);
  }
}

async function dropIfHolds(targetsDir: string, id: string, address: string): Promise<void> {
  const group = await readScrapeGroup(targetsDir, id);
  if (group?.targets.includes(address)) await unregisterScrapeGroup(targetsDir, id);
}

/** Removes the live group of `role`, only while it still holds `version` (when given). Absent is fine. */
export async function unregisterLive(targetsDir: string, key: GroupKey & { version?: string }): Promise<void> {
  const id = liveGroupId(key);
  if (key.version !== undefined) {
    const group = await readScrapeGroup(targetsDir, id);
    if (!group || group.labels.version !== key.version) return;
  }
  await unregisterScrapeGroup(targetsDir, id);
}

/** Removes every role's live group of a service in an environment that is taken down whole. Absent is fine. */
export async function unregisterService(targetsDir: string, key: { service: string; environment: string }): Promise<void> {
  for (const role of ROLES) await unregisterLive(targetsDir, { ...key, role });
}

export async function liveGroup(targetsDir: string, key: GroupKey): Promise<ScrapeGroup | undefined> {
  return readScrapeGroup(targetsDir, liveGroupId(key));
}

/**
 * A fleet host's instance (src/domain/fleet.ts): one group per host, `sluice-host_<service>_
 * <environment>_<host>`, labelled like a live stable plus `host`, written by the fleet router
 * activities on the central worker when a host comes back into the router with a version.
 */
export function hostGroupId(key: { service: string; environment: string; host: string }): string {
  return `sluice-host_${sanitize(`${key.service}_${key.environment}_${key.host}`)}`;
}

export async function registerHostInstance(
  targetsDir: string,
  instance: { service: string; environment: string; host: string; version: string; address: string; role?: Role },
): Promise<void> {
  await registerScrapeGroup(targetsDir, {
    id: hostGroupId(instance),
    targets: [instance.address],
    labels: { ...groupLabels({ service: instance.service, environment: instance.environment, role: instance.role ?? 'stable', version: instance.version }), host: instance.host },
  });
}

/** A registered host as Prometheus scrapes it, or undefined when it is not registered. */
export async function readHostInstance(
  targetsDir: string,
  key: { service: string; environment: string; host: string },
): Promise<{ role: string; version: string; address: string } | undefined> {
  const group = await readScrapeGroup(targetsDir, hostGroupId(key));
  const [role, version, address] = [group?.labels.role, group?.labels.version, group?.targets[0]];
  return role !== undefined && version !== undefined && address !== undefined ? { role, version, address } : undefined;
}
