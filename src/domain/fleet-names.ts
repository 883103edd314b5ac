/**
 * What a fleet host (./fleet) is called by Temporal and by the router. Apart from the fleet's
 * schemas because workflow code routes each host's steps with hostTaskQueue, and every module a
 * workflow imports is evaluated again for each workflow the worker creates.
 */
/** The task queue of one host's agent. */
export function hostTaskQueue(host: string): string {
  return `sluice.host.${host}`;
}

/** The fleet router's name for a host's server (HAProxy server names allow [A-Za-z0-9_.:-]). */
export function hostServerName(host: string): string {
  return `host_${host}`;
}
