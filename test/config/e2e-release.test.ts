/**
 * Config versions in real releases (issue 16, second slice), on the real stack: Temporal, the
 * worker wired like production (createSluiceActivities), HAProxy, the process target and the
 * docker target, with configuration in a real etcd (the stack's config-etcd component on a
 * scratch state dir, test/config/centre.ts). Each instance's environment is read from the
 * running instance itself (/proc/<pid>/environ, docker inspect) and from the service
 * (/debug/fault answers the error rate it was started with).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { Etcd3 } from 'etcd3';
import { LABEL } from '../../src/activities/targets/docker';
import { ProcessTarget } from '../../src/activities/targets/process';
import { configVersion } from '../../src/domain/config-version';
import { ErrorType } from '../../src/domain/errors';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { approveUpdate } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../cli/helpers';
import { adapterConfig, catalogue, freePort, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary, serviceImage } from '../targets/fixtures';
import { startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { readableHistory } from '../helpers/history-text';
import { waitForStatus } from '../workflows/support/harness';
import { skipReason, startScratchCentre, type ScratchCentre } from './centre';
import { parseEnv, removeSuiteInstances } from './instances';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const ENVIRONMENT = 'e2e';
/** The worker (this process) holds the secret's value; releases name it only. */
const SECRET_NAME = 'SLUICE_E2E_DB_PASSWORD';
const secretValue = `pw-${randomBytes(12).toString('hex')}`;

let centre: ScratchCentre;
let etcd: Etcd3;
let e2e: E2eWorker;

before(async () => {
  if (skipReason()) return;
  process.env[SECRET_NAME] = secretValue;
  centre = await startScratchCentre();
  etcd = new Etcd3({ hosts: centre.url });
  e2e = await startE2eWorker('cfge2e');
});

after(async () => {
  delete process.env[SECRET_NAME];
  etcd?.close();
  await centre?.stop();
  // The suites removed their own instances; the worker goes last, with nothing left to retire.
  await e2e?.stop(() => ({ service: 'none', environment: ENVIRONMENT, target: { kind: 'process', settings: {} }, router: { kind: 'none', settings: {} } }), []);
});

interface RunningInstance {
  slot: string;
  version: string;
  port: number;
  env: Record<string, string>;
}

interface TargetCase {
  kind: 'process' | 'docker';
  prepare(service: string): Promise<Record<string, { binaryPath?: string; imageRef?: string }>>;
  target(service: string, basePort: number): { kind: 'process' | 'docker'; settings: Record<string, unknown> };
  running(service: string, basePort: number): Promise<RunningInstance[]>;
}

const cases: TargetCase[] = [
  {
    kind: 'process',
    async prepare() {
      const [b1, b2] = await Promise.all([serviceBinary(V1), serviceBinary(V2)]);
      return { [V1]: { binaryPath: b1 }, [V2]: { binaryPath: b2 } };
    },
    target: (service, basePort) => ({
      kind: 'process',
      settings: { stateDir: join(e2e.dir, 'processes', service), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
    }),
    async running(service, basePort) {
      const target = new ProcessTarget(this.target(service, basePort).settings, adapterConfig.stateDir);
      const instances = (await target.instances({ service, environment: ENVIRONMENT, workflowId: 'test' })).filter((i) => i.running);
      return Promise.all(
        instances.map(async (i) => ({ slot: i.slot, version: i.release.version, port: i.port, env: parseEnv((await readFile(`/proc/${i.id}/environ`, 'utf8')).split('\0')) })),
      );
    },
  },
  {
    kind: 'docker',
    async prepare(service) {
      const [i1, i2] = await Promise.all([serviceImage(e2e.docker, service, V1), serviceImage(e2e.docker, service, V2)]);
      return { [V1]: { imageRef: i1 }, [V2]: { imageRef: i2 } };
    },
    target: (_service, basePort) => ({ kind: 'docker', settings: { basePort, env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 30000 } }),
    async running(service) {
      const containers = await e2e.docker.listContainers({ filters: JSON.stringify({ label: [`${LABEL.service}=${service}`] }) });
      return Promise.all(
        containers.map(async (c) => {
          const info = await e2e.docker.getContainer(c.Id).inspect();
          return { slot: c.Labels[LABEL.slot]!, version: c.Labels[LABEL.release]!, port: Number(c.Labels[LABEL.port]), env: parseEnv(info.Config.Env ?? []) };
        }),
      );
    },
  },
];

for (const kind of cases) {
  describe(`config versions in releases on the ${kind.kind} target`, { skip: skipReason() }, () => {
    const service = uniqueName(`cfg${kind.kind[0]}`).slice(0, 40);
    const prefix = `/config/${service}/${ENVIRONMENT}/`;
    let listenPort: number;
    let basePort: number;
    let artifacts: Record<string, { binaryPath?: string; imageRef?: string }>;
    const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 2000 } });

    before(async () => {
      listenPort = await freePort();
      basePort = await freePortBlock(5);
      artifacts = await kind.prepare(service);
    });
    after(() => removeSuiteInstances({ service, environment: ENVIRONMENT, target: kind.target(service, basePort), router: router() }, e2e.docker));

    function start(version: string, strategy: ReleaseSpecInput['strategy']): Promise<WorkflowHandle<typeof deployWorkflow>> {
      const spec = validateReleaseSpec(
        {
          service,
          environment: ENVIRONMENT,
          source: { kind: 'prebuilt', version, ...artifacts[version]! },
          target: kind.target(service, basePort),
          router: router(),
          strategy,
          healthCheck: { interval: '300ms', window: '2s', failureThreshold: 3, timeout: '1s' },
          config: { source: 'etcd', prefix, endpoints: [centre.url], secrets: [SECRET_NAME] },
        } satisfies ReleaseSpecInput,
        catalogue,
      );
      return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, ENVIRONMENT), args: [spec] });
    }

    const faultOf = async (port: number) => ((await (await fetch(`http://127.0.0.1:${port}/debug/fault`)).json()) as { errorRate: number }).errorRate;

    test('the config version is resolved once per release and recorded; candidate and stable start with its values and the secret', { timeout: 300_000 }, async () => {
      await etcd.put(`${prefix}FAULT_CONTROL`).value('true');
      await etcd.put(`${prefix}FAULT_ERROR_RATE`).value('0.01');
      const first = await start(V1, { kind: 'canary', steps: [{ setWeight: 100 }] });
      const one = await settleDeployment(first.result());
      assert.equal(one.outcome, 'promoted', one.message);
      const expectedOne = configVersion({ values: { FAULT_CONTROL: 'true', FAULT_ERROR_RATE: '0.01' }, secrets: [SECRET_NAME], source: '', sourceKind: 'etcd' });
      assert.equal(one.release?.config?.version.digest, expectedOne.digest);
      assert.ok((one.release?.config?.version.revision ?? 0) > 0);
      assert.equal((await first.describe()).memo?.configVersion, expectedOne.id);

      let live = await kind.running(service, basePort);
      assert.equal(live.length, 1, JSON.stringify(live.map((i) => i.slot)));
      assert.equal(live[0]!.env.FAULT_ERROR_RATE, '0.01');
      assert.equal(live[0]!.env[SECRET_NAME], secretValue, 'the secret reached the instance');
      assert.equal(await faultOf(live[0]!.port), 0.01, 'the service runs with the configured error rate');

      // A new config, then V2 as a canary held at an approval gate.
      await etcd.put(`${prefix}FAULT_ERROR_RATE`).value('0.02');
      const second = await start(V2, { kind: 'canary', steps: [{ setWeight: 50 }, { pause: {} }] });
      const gate = await waitForStatus(second, 'the approval gate', (s) => s.phase === 'awaiting-approval', 120_000);
      assert.equal(gate.release?.config?.version.keys.join(','), 'FAULT_CONTROL,FAULT_ERROR_RATE');
      live = await kind.running(service, basePort);
      const canary = live.find((i) => i.slot === 'canary');
      const stable = live.find((i) => i.slot !== 'canary');
      assert.equal(canary?.version, V2);
      assert.equal(canary?.env.FAULT_ERROR_RATE, '0.02', 'the candidate runs with the new release’s config');
      assert.equal(canary?.env[SECRET_NAME], secretValue);
      assert.equal(await faultOf(canary!.port), 0.02);
      assert.equal(stable?.env.FAULT_ERROR_RATE, '0.01', 'the stable keeps its own');

      // Written during the release: not part of it (the version was read once, at the start).
      await etcd.put(`${prefix}FAULT_ERROR_RATE`).value('0.5');
      await second.executeUpdate(approveUpdate, { args: ['e2e'] });
      const two = await settleDeployment(second.result());
      assert.equal(two.outcome, 'promoted', two.message);
      const promoted = (await kind.running(service, basePort)).find((i) => i.version === V2 && i.slot !== 'canary');
      assert.equal(promoted?.env.FAULT_ERROR_RATE, '0.02', 'the promoted stable runs the release’s config version, not a later write');
      assert.equal(await faultOf(promoted!.port), 0.02);

      // History and memo hold the config version and the secret's name, never its value.
      const history = await readableHistory(await second.fetchHistory());
      assert.match(history, new RegExp(two.release!.config!.version.id));
      assert.match(history, new RegExp(SECRET_NAME));
      assert.ok(!history.includes(secretValue), 'the secret value is not in the workflow history');
      const status = await runCli(['status', service, ENVIRONMENT, '--output', 'json']);
      assert.ok(!status.stdout.includes(secretValue) && !status.stderr.includes(secretValue), 'nor in sluice status');

      if (kind.kind === 'process') {
        // sluice releases names the live release's config version.
        const listed = await runCli(['releases', service, ENVIRONMENT, '--output', 'json']);
        assert.equal(listed.code, 0, listed.stderr);
        const body = JSON.parse(listed.stdout) as { live: string; liveConfig: { id: string; revision: number } | null };
        assert.equal(body.live, V2);
        assert.equal(body.liveConfig?.id, two.release!.config!.version.id);
        const text = await runCli(['releases', service, ENVIRONMENT]);
        assert.match(text.stdout, new RegExp(`live in ${ENVIRONMENT} with config ${two.release!.config!.version.id} \\(etcd `));
      }
    });

    test('a key no process could take stops the release before anything is deployed', { timeout: 300_000 }, async () => {
      const before = await kind.running(service, basePort);
      await etcd.put(`${prefix}bad-key`).value('1');
      try {
        const handle = await start(V1, { kind: 'canary', steps: [{ setWeight: 100 }] });
        const result = await settleDeployment(handle.result());
        assert.equal(result.outcome, 'failed');
        assert.equal(result.errorType, ErrorType.InvalidConfig);
        assert.match(result.message, /"bad-key" must be an environment variable name/);
        assert.deepEqual(result.compensations, [], 'nothing to undo: nothing was deployed');
        const afterwards = await kind.running(service, basePort);
        assert.deepEqual(
          afterwards.map((i) => [i.slot, i.version, i.env.FAULT_ERROR_RATE]),
          before.map((i) => [i.slot, i.version, i.env.FAULT_ERROR_RATE]),
        );
      } finally {
        await etcd.delete().key(`${prefix}bad-key`);
      }
    });
  });
}
