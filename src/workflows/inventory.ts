/**
 * fleetInventoryWorkflow: what each host of a fleet runs and keeps, asked of the hosts' agents
 * side by side (`sluice releases` on a fleet). A short read-only workflow, because only a
 * workflow can reach an activity on a host's task queue; a host whose agent does not answer
 * within the agent timeout is reported with the error, not left out.
 */
import { proxyActivities } from '@temporalio/workflow';
import { toMs } from '../domain/duration';
import type { FleetHost } from '../domain/fleet';
import { hostTaskQueue } from '../domain/fleet-names';
import type { HostInventory, HostInventoryPort } from '../domain/ports';
import { hostDeploy, hostRef, type FleetRef } from './hosts';
import { describeError } from './saga';

export interface FleetInventoryRequest extends FleetRef {
  hosts: FleetHost[];
  agentTimeout?: string;
}

export async function fleetInventoryWorkflow(request: FleetInventoryRequest): Promise<HostInventory[]> {
  const agentTimeoutMs = toMs(request.agentTimeout ?? '30s');
  return Promise.all(
    request.hosts.map(async (host): Promise<HostInventory> => {
      const ref = hostRef(request, host);
      const inventory = proxyActivities<HostInventoryPort>({
        taskQueue: hostTaskQueue(host.name),
        scheduleToStartTimeout: agentTimeoutMs,
        startToCloseTimeout: '30s',
        retry: { maximumAttempts: 2 },
      });
      try {
        const [live, retained] = await Promise.all([hostDeploy(host.name, agentTimeoutMs).currentRelease(ref), inventory.retainedOnHost(ref)]);
        return { host: host.name, address: host.address, live: live?.version ?? null, retained };
      } catch (err) {
        return { host: host.name, address: host.address, live: null, retained: [], error: describeError(err) };
      }
    }),
  );
}
