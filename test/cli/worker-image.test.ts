/**
 * The worker image (Dockerfile at the repository root), built from locally made Node bases on the
 * stack's dockerd since nothing can be pulled here, and run for real:
 * - its defaults: user 65532, tini first, `sluice worker`, no development tools inside;
 * - `sluice --version` in it;
 * - `sluice worker` in a container (host network) runs a release of examples/go-service on the
 *   docker target behind HAProxy (git for the version, an image build on dockerd, a push to the
 *   stack's registry, HAProxy started by the worker) that ends promoted;
 * - `docker stop` (SIGTERM to tini) drains the worker, which exits 0 within the grace period.
 * Real stack: dockerd, registry, Temporal, Prometheus; nothing is faked.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type Docker from 'dockerode';
import pino from 'pino';
import { createDeployActivities } from '../../src/activities/deploy';
import { createRouter } from '../../src/activities/routers/registry';
import { registryAddress } from '../../src/dev/config';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpec } from '../../src/domain/spec';
import type { DeploymentResult } from '../../src/domain/status';
import { validateReleaseSpec } from '../../src/domain/validate';
import { packageVersion } from '../../src/lib/paths';
import { deployWorkflowId } from '../../src/workflows/ids';
import { baseImages, exampleRepo, removeImage, type TestRepo } from '../build/helpers';
import { containerOutput, runToEnd, waitForOutput } from '../helpers/containers';
import { adapterConfig, catalogue, dockerClient, freePort, stack, temporalClient, uniqueName } from '../helpers/stack';
import { buildWorkerImage, createWorkerContainer } from './worker-container';

/** Tools only the build needs (some `@types/*` are dependencies of dependencies, so not those). */
const DEV_TOOLS = ['typescript', 'eslint', 'prettier', 'tsx', 'dependency-cruiser', 'typescript-eslint', '@temporalio/testing', 'playwright-core'];

describe('the worker image: built from local bases, a release through the worker in a container', { timeout: 1_200_000 }, () => {
  const docker = dockerClient();
  const id = uniqueName('wimg');
  const service = id.slice(0, 40);
  const environment = 'test';
  const containers: Docker.Container[] = [];
  const timings: Record<string, number> = {};
  let image = '';
  let repo: TestRepo | undefined;
  let spec: ReleaseSpec | undefined;
  let result: DeploymentResult | undefined;

  before(async () => {
    const built = await buildWorkerImage(docker, id);
    image = built.image;
    Object.assign(timings, built.timings);
  });

  after(async () => {
    for (const container of containers) await container.remove({ force: true }).catch(() => undefined);
    if (spec) await removeService(spec, result);
    // With its untagged parents: each build's metadata layers are new (CREATED changes), so
    // keeping them would leave a few dangling images per run. The bases and the build stage's
    // layers (npm ci, tsc) stay as the next build's cache.
    if (image) await removeImage(docker, image);
    repo?.remove();
  });

  /** What the release left, however it ended: its workflow, containers, HAProxy, images. */
  async function removeService(spec: ReleaseSpec, result: DeploymentResult | undefined): Promise<void> {
    const { client, connection } = await temporalClient();
    await client.workflow
      .getHandle(deployWorkflowId(service, environment))
      .terminate('test cleanup')
      .catch(() => undefined);
    await connection.close();
    const ref = { service, environment, target: spec.target, router: spec.router };
    if (result?.release) {
      const deploy = createDeployActivities({ config: { ...adapterConfig, docker }, logger: pino({ level: 'warn' }), prometheusTargetsDir: stack.prometheus.targetsDir });
      await deploy.retireRelease({ ...ref, release: result.release }).catch(() => undefined);
    }
    for (const c of await docker.listContainers({ all: true, filters: JSON.stringify({ label: [`sluice.service=${service}`] }) })) {
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
    await createRouter(spec.router.kind, spec.router.settings, adapterConfig)
      .remove({ service, environment })
      .catch(() => undefined);
    for (const local of await docker.listImages({ filters: JSON.stringify({ reference: [`${registryAddress(stack)}/${service}`] }) })) {
      await docker
        .getImage(local.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }

  test('the image runs as 65532 under tini, starts the worker by default and holds no development tools', async (t) => {
    t.diagnostic(`local Node bases ready in ${timings.basesMs} ms; image built in ${timings.buildMs} ms`);
    const { Config } = await docker.getImage(image).inspect();
    assert.equal(Config.User, '65532:65532');
    assert.equal(Config.Entrypoint?.[0], 'tini', 'tini starts first and forwards signals to node');
    assert.deepEqual(Config.Cmd, ['worker']);
    assert.equal(Config.Labels?.['org.opencontainers.image.version']?.split('+')[0], packageVersion());

    // The image's own user, as a plain `docker run` gets it.
    const probe = [
      "const fs = require('fs');",
      "const has = (name) => fs.existsSync('/opt/sluice/node_modules/' + name + '/package.json');",
      `console.log(JSON.stringify({ uid: process.getuid(), gid: process.getgid(), tools: ${JSON.stringify(DEV_TOOLS)}.filter(has), worker: has('@temporalio/worker'), dist: fs.readdirSync('/opt/sluice/dist') }));`,
    ].join('\n');
    const r = await runToEnd(docker, { Image: image, Entrypoint: ['node', '-e', probe] });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { uid: 65532, gid: 65532, tools: [], worker: true, dist: ['src'] });
  });

  test('sluice --version in the image is the package version', async () => {
    const r = await runToEnd(docker, { Image: image, Cmd: ['--version'] });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), packageVersion());
  });

  test('a release of examples/go-service through the containerized worker ends promoted; docker stop drains it and it exits 0', async (t) => {
    repo = exampleRepo('v1.0.0');
    const taskQueue = id;
    const container = await createWorkerContainer(docker, { image, name: `${id}-worker`, taskQueue, readOnly: [repo.dir], buildImages: await baseImages(docker) });
    containers.push(container);
    let started = Date.now();
    await container.start();
    await waitForOutput(container, /sluice worker ready/, 240_000);
    t.diagnostic(`worker ready in the container after ${Date.now() - started} ms (bundling the workflows included)`);

    const routerPort = await freePort();
    spec = validateReleaseSpec(
      {
        service,
        environment,
        source: { kind: 'build', repoDir: repo.dir, imageRepo: `${registryAddress(stack)}/${service}` },
        target: { kind: 'docker', settings: {} },
        router: { kind: 'haproxy', settings: { listenPort: routerPort, drainTimeoutMs: 500 } },
        strategy: {
          kind: 'canary',
          steps: [
            { kind: 'setWeight', weight: 50 },
            { kind: 'setWeight', weight: 100 },
          ],
          scaleDownDelay: '0s',
        },
        healthCheck: { paths: ['/healthz', '/readyz'], interval: '500ms', window: '2s', failureThreshold: 3, timeout: '2s' },
      },
      catalogue,
      'worker-image test',
    );
    const { client, connection } = await temporalClient();
    try {
      started = Date.now();
      const handle = await client.workflow.start('deployWorkflow', { taskQueue, workflowId: deployWorkflowId(service, environment), args: [spec] });
      result = await settleDeployment(handle.result() as Promise<DeploymentResult>);
      t.diagnostic(`release ${result.outcome} in ${Date.now() - started} ms`);
    } finally {
      await connection.close();
    }
    const logs = async () => {
      const { stdout, stderr } = await containerOutput(container);
      return `${stdout}${stderr}`;
    };
    assert.equal(result.outcome, 'promoted', `${result.message}\n${(await logs()).slice(-4000)}`);
    assert.match(result.release?.version ?? '', /^1\.0\.0\+[0-9a-f]{7}$/);
    // HAProxy, started by the worker in the container, serves the release on the host's loopback.
    const body = await (await fetch(`http://127.0.0.1:${routerPort}/`)).text();
    assert.match(body, /1\.0\.0/);

    started = Date.now();
    await container.stop({ t: 30 });
    const stopMs = Date.now() - started;
    t.diagnostic(`docker stop: the worker exited after ${stopMs} ms`);
    const { State } = await container.inspect();
    const output = await logs();
    assert.equal(State.ExitCode, 0, `SIGTERM drains the worker and it exits 0 (137 would be SIGKILL after the timeout):\n${output.slice(-4000)}`);
    assert.ok(stopMs < 30_000, `exited within the grace period (${stopMs} ms)`);
    assert.match(output, /"signal":"SIGTERM".*draining/, 'tini forwarded SIGTERM to node');
  });
});
