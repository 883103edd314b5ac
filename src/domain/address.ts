import { z } from 'zod';

/** An IPv4 or IPv6 literal. Addresses in specs and settings are never names (see InstanceAddress). */
export const IpAddress = z.union([z.ipv4(), z.ipv6()], { error: 'must be an IP address' });

/** "Every interface": something may listen there, but nothing is reached at it. */
const UNSPECIFIED: ReadonlySet<string> = new Set(['0.0.0.0', '::']);

/**
 * The address an instance (or a fleet's host) is reached at by the router, the probes and
 * Prometheus, and that the instance binds: an IP literal, so what is reached is what was bound,
 * with no name to resolve differently on each side. Loopback on one machine; on a fleet, the
 * host's own address (docs/fleet.md).
 */
export const InstanceAddress = IpAddress.refine((a) => !UNSPECIFIED.has(a), 'must be the address it is reached at, not 0.0.0.0 or ::');

/**
 * An address as the host part of a URL: IPv6 in brackets, and the unspecified address (listen on
 * every interface) as the loopback of its family, where a local client reaches it.
 */
export function urlHost(address: string): string {
  const reached = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '::1' : address;
  return reached.includes(':') ? `[${reached}]` : reached;
}
