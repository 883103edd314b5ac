/**
 * End to end on the real stack with the docker target (containers on host networking, pinned by
 * digest, labelled) behind HAProxy: the recreate and blue-green strategies through the same
 * deployWorkflow and a worker wired like production.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type Docker from 'dockerode';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { catalogue, freePort, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceImage } from '../targets/fixtures';
import { startE2eWorker, versionsThroughRouter as throughRouter, type E2eWorker } from './support/e2e';
import { release, waitForStatus } from './support/harness';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const service = uniqueName('e2ed').slice(0, 40);
let listenPort: number;
let basePort: number;
let images: Record<string, string>;
let docker: Docker;
let e2e: E2eWorker;

const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 2000 } });
const target = () => ({ kind: 'docker' as const, settings: { basePort, env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 30000 } });

function deploy(version: string, strategy: ReleaseSpecInput['strategy']) {
  const spec = validateReleaseSpec(
    {
      service,
      environment: 'e2e',
      source: { kind: 'prebuilt', version, imageRef: images[version]! },
      target: target(),
      router: router(),
      strategy,
      healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
    } satisfies ReleaseSpecInput,
    catalogue,
  );
  return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, 'e2e'), args: [spec] });
}

const versionsThroughRouter = (n: number) => throughRouter(listenPort, n);

async function containersOfService(): Promise<Docker.ContainerInfo[]> {
  return docker.listContainers({ all: true, filters: JSON.stringify({ label: [`sluice.service=${service}`] }) });
}

before(async () => {
  listenPort = await freePort();
  basePort = await freePortBlock(5);
  e2e = await startE2eWorker('e2ed');
  docker = e2e.docker;
  const [i1, i2] = await Promise.all([serviceImage(docker, service, V1), serviceImage(docker, service, V2)]);
  images = { [V1]: i1, [V2]: i2 };
});

after(async () => {
  await e2e?.stop(
    () => ({ service, environment: 'e2e', target: target(), router: router() }),
    [V1, V2].map((v) => ({ ...release(service, v), imageRef: images?.[v] })),
  );
  for (const c of await containersOfService().catch(() => []))
    await docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined);
  for (const ref of Object.values(images ?? {}))
    await docker
      .getImage(ref)
      .remove({ force: true })
      .catch(() => undefined);
});

test('recreate installs the first release, blue-green promotes the next; the old container is retired', { timeout: 400000 }, async () => {
  const first = await settleDeployment((await deploy(V1, { kind: 'recreate' })).result());
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await versionsThroughRouter(10), { [V1]: 10 });

  const handle = await deploy(V2, { kind: 'blueGreen', autoPromote: true, previewChecks: { window: '2s' }, postPromotionChecks: { window: '1s' }, scaleDownDelay: '3s' });
  await waitForStatus(handle, 'the scale-down delay', (s) => s.phase === 'promoting' && s.weight === 100, 180000);
  assert.deepEqual(await versionsThroughRouter(10), { [V2]: 10 }, 'all traffic on the new version after the switch');
  const warm = (await containersOfService()).filter((c) => c.State === 'running').map((c) => c.Labels['sluice.release']);
  assert.ok(warm.includes(V1), `the old version stays warm during the delay: ${warm.join(', ')}`);

  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  const left = (await containersOfService()).map((c) => `${c.Labels['sluice.release']}/${c.Labels['sluice.role']}/${c.State}`);
  assert.equal(left.length, 1, `only the new stable container is left: ${left.join(', ')}`);
  assert.match(left[0]!, new RegExp(`^${V2.replace(/[.+]/g, '\\$&')}/stable/running$`));
});
