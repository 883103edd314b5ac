/**
 * A fleet (issue 14): an environment that runs on several hosts, each with a Sluice agent
 * (`sluice agent --host <name>`) that runs the host's own target activities on a task queue of
 * its own. The release workflow sends each host's steps to that host's queue (Temporal's
 * worker-specific task queue pattern) and moves traffic between hosts through the fleet router
 * on the central worker. Agents dial out to Temporal: hosts need no inbound port for Sluice.
 */
import { z } from 'zod';
import { InstanceAddress } from './address';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** One host: its agent's name, and the address its instances answer on (traffic, scraping). */
export const FleetHost = z.strictObject({
  name: z.string().regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and dashes'),
  /** Where the host's instances answer (the router and Prometheus reach them there): an IP literal. */
  address: InstanceAddress,
});
export type FleetHost = z.infer<typeof FleetHost>;

export const FleetHosts = z
  .array(FleetHost)
  .min(1)
  .superRefine((hosts, ctx) => {
    const seen = new Set<string>();
    hosts.forEach((h, i) => {
      if (seen.has(h.name)) ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `host "${h.name}" is named twice` });
      seen.add(h.name);
    });
  });
