/**
 * Releases of build × config on the real stack (issue 16, third slice): Temporal, the worker
 * wired like production (createSluiceActivities), HAProxy, the real Prometheus with loopback
 * load, the process and docker targets, and configuration in a real etcd (the config-etcd
 * component on a scratch state dir). What runs is read from the running instances themselves
 * (/proc/<pid>/environ, docker inspect, the service's /debug/fault).
 *
 * - A config-only release (same build, new config version) goes through canary and analysis;
 *   the same build with the same config stays AlreadyLive.
 * - A config-only release with FAULT_ERROR_RATE=0.3 set through config is caught by analysis and
 *   rolled back; the live instance keeps the previous config version.
 * - `sluice rollback --to` an older build brings back the config version it was live with
 *   (cold: its instance was retired), and `--config-version` a config alone with the live build.
 * - A secret's value is in neither the histories, the memos, the pair records, the worker's logs,
 *   `sluice status` nor `sluice releases`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import pino from 'pino';
import type { WorkflowHandle } from '@temporalio/client';
import { Etcd3 } from 'etcd3';
import { defaultThresholdTemplate } from '../../src/activities/metrics/templates';
import type { TargetRef } from '../../src/domain/ports';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId, rollbackWorkflowId } from '../../src/workflows/ids';
import { runCli } from '../cli/helpers';
import { adapterConfig, catalogue, freePort, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary, serviceImage } from '../targets/fixtures';
import { retainBinary, startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { skipReason, startScratchCentre, type ScratchCentre } from './centre';
import { readableHistory } from '../helpers/history-text';
import { faultOf, runningContainers, runningProcesses, type RunningInstance, removeSuiteInstances } from './instances';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const ENVIRONMENT = 'e2e';
const SECRET_NAME = 'SLUICE_E2E_PAIR_TOKEN';
const secretValue = `tok-${randomBytes(12).toString('hex')}`;
const INTERVAL_MS = 1000;

let centre: ScratchCentre;
let etcd: Etcd3;
let e2e: E2eWorker;
/** Everything the worker's activities logged (pino at debug), to look for the secret in. */
const logged: string[] = [];

before(async () => {
  if (skipReason()) return;
  process.env[SECRET_NAME] = secretValue;
  centre = await startScratchCentre();
  etcd = new Etcd3({ hosts: centre.url });
  const logSink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString('utf8'));
      done();
    },
  });
  e2e = await startE2eWorker('cfgpair', { logger: pino({ level: 'debug' }, logSink) });
});

after(async () => {
  delete process.env[SECRET_NAME];
  etcd?.close();
  await centre?.stop();
  await e2e?.stop(() => ({ service: 'none', environment: ENVIRONMENT, target: { kind: 'process', settings: {} }, router: { kind: 'none', settings: {} } }), []);
});

interface TargetCase {
  kind: 'process' | 'docker';
  /** Where each version's artifact is, retained the way a build retains it (rollback finds it). */
  prepare(service: string): Promise<Record<string, { binaryPath?: string; imageRef?: string }>>;
  target(service: string, basePort: number): { kind: 'process' | 'docker'; settings: Record<string, unknown> };
  running(service: string, basePort: number): Promise<RunningInstance[]>;
}

const cases: TargetCase[] = [
  {
    kind: 'process',
    async prepare(service) {
      const store = join(e2e.dir, 'artifacts');
      const [b1, b2] = await Promise.all([serviceBinary(V1), serviceBinary(V2)]);
      return { [V1]: { binaryPath: retainBinary(store, service, V1, b1) }, [V2]: { binaryPath: retainBinary(store, service, V2, b2) } };
    },
    target: (service, basePort) => ({
      kind: 'process',
      settings: { stateDir: join(e2e.dir, 'processes', service), basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 },
    }),
    running(service, basePort) {
      return runningProcesses(this.target(service, basePort).settings, adapterConfig.stateDir, service, ENVIRONMENT);
    },
  },
  {
    kind: 'docker',
    async prepare(service) {
      const [i1, i2] = await Promise.all([serviceImage(e2e.docker, service, V1), serviceImage(e2e.docker, service, V2)]);
      return { [V1]: { imageRef: i1 }, [V2]: { imageRef: i2 } };
    },
    target: (_service, basePort) => ({ kind: 'docker', settings: { basePort, env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 30000 } }),
    running(service) {
      return runningContainers(e2e.docker, service);
    },
  },
];

for (const kind of cases) {
  describe(`build × config releases and rollbacks on the ${kind.kind} target`, { skip: skipReason() }, () => {
    const service = uniqueName(`pair${kind.kind[0]}`).slice(0, 40);
    const prefix = `/config/${service}/${ENVIRONMENT}/`;
    let listenPort: number;
    let basePort: number;
    let artifacts: Record<string, { binaryPath?: string; imageRef?: string }>;
    const router = () => ({ kind: 'haproxy' as const, settings: { listenPort, drainTimeoutMs: 1000 } });
    const ref = (): TargetRef => ({ service, environment: ENVIRONMENT, target: kind.target(service, basePort), router: router() });
    const cli = (args: string[]) => runCli([...args, '--task-queue', e2e.taskQueue], { env: { SLUICE_ARTIFACT_STORE: join(e2e.dir, 'artifacts') } });
    /** The one running stable (after a release or rollback ends, nothing else runs). */
    const stable = async (): Promise<RunningInstance> => {
      const live = await kind.running(service, basePort);
      assert.equal(live.length, 1, `one instance runs: ${JSON.stringify(live.map((i) => [i.slot, i.version, i.configId]))}`);
      return live[0]!;
    };
    const setConfig = async (values: Record<string, string>) => {
      for (const [k, v] of Object.entries(values)) await etcd.put(`${prefix}${k}`).value(v);
    };

    before(async () => {
      listenPort = await freePort();
      basePort = await freePortBlock(5);
      artifacts = await kind.prepare(service);
    });
    after(() => removeSuiteInstances(ref(), e2e.docker));

    function start(version: string, strategy: ReleaseSpecInput['strategy']): Promise<WorkflowHandle<typeof deployWorkflow>> {
      const spec = validateReleaseSpec(
        {
          service,
          environment: ENVIRONMENT,
          source: { kind: 'prebuilt', version, ...artifacts[version]! },
          target: kind.target(service, basePort),
          router: router(),
          strategy,
          healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
          analysis: {
            templates: [{ ...defaultThresholdTemplate({ interval: `${INTERVAL_MS}ms`, count: 4, initialDelay: '5s', inconclusivePolicy: 'rollback' }), name: 'errors' }],
            load: { ratePerSecond: 40, via: 'candidate' },
            rateWindow: '10s',
          },
          config: { source: 'etcd', prefix, endpoints: [centre.url], secrets: [SECRET_NAME] },
        } satisfies ReleaseSpecInput,
        catalogue,
      );
      return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, ENVIRONMENT), args: [spec] });
    }
    const canaryWithAnalysis: ReleaseSpecInput['strategy'] = {
      kind: 'canary',
      steps: [{ setWeight: 20 }, { analysis: { templates: ['errors'] } }, { setWeight: 100 }],
      scaleDownDelay: '0s',
    };
    const straight: ReleaseSpecInput['strategy'] = { kind: 'canary', steps: [{ setWeight: 100 }], scaleDownDelay: '0s' };

    const ids: Record<'a' | 'b' | 'd', string> = { a: '', b: '', d: '' };

    test('a config-only release goes through canary and analysis; the same pair again is AlreadyLive', { timeout: 300_000 }, async () => {
      await setConfig({ FAULT_CONTROL: 'true', FAULT_ERROR_RATE: '0', MARK: 'a' });
      const first = await settleDeployment((await start(V1, straight)).result());
      assert.equal(first.outcome, 'promoted', first.message);
      ids.a = first.release!.config!.version.id;

      await setConfig({ MARK: 'b' });
      const handle = await start(V1, canaryWithAnalysis);
      const second = await settleDeployment(handle.result());
      assert.equal(second.outcome, 'promoted', second.message);
      assert.equal(second.reason, Reason.Promoted, 'a real release, not AlreadyLive');
      ids.b = second.release!.config!.version.id;
      assert.notEqual(ids.b, ids.a);
      assert.equal(second.previous?.config?.version.id, ids.a, 'the live config version was read back from the instance');
      const history = await readableHistory(await handle.fetchHistory());
      assert.match(history, /deployCandidate/, 'the candidate was deployed');
      assert.match(history, /analysisWorkflow/, 'and analysed');
      assert.equal((await handle.describe()).searchAttributes?.SluiceConfigVersion?.[0], ids.b, 'SluiceConfigVersion is set');
      const live = await stable();
      assert.deepEqual([live.version, live.configId, live.env.MARK], [V1, ids.b, 'b']);

      const again = await settleDeployment((await start(V1, canaryWithAnalysis)).result());
      assert.equal(again.outcome, 'promoted', again.message);
      assert.equal(again.reason, Reason.AlreadyLive, 'same build, same config version');
    });

    test('a config-only release with a 30% error rate set through config is caught by analysis and rolled back', { timeout: 300_000 }, async () => {
      await setConfig({ FAULT_ERROR_RATE: '0.3', MARK: 'c' });
      const res = await settleDeployment((await start(V1, canaryWithAnalysis)).result());
      assert.equal(res.outcome, 'rolled-back', res.message);
      assert.equal(res.reason, Reason.AnalysisFailed, res.message);
      assert.notEqual(res.release?.config?.version.id, ids.b);
      const live = await stable();
      assert.deepEqual([live.version, live.configId, live.env.MARK, live.env.FAULT_ERROR_RATE], [V1, ids.b, 'b', '0'], 'the live instance keeps the previous config version');
      assert.equal(await faultOf(live.port), 0, 'and the service runs without the bad error rate');
    });

    test('rollback --to an older build restores the config version it was live with; --config-version a config alone', { timeout: 300_000 }, async () => {
      await setConfig({ FAULT_ERROR_RATE: '0', MARK: 'd' });
      const v2 = await settleDeployment((await start(V2, straight)).result());
      assert.equal(v2.outcome, 'promoted', v2.message);
      ids.d = v2.release!.config!.version.id;
      assert.deepEqual(
        (await kind.running(service, basePort)).map((i) => [i.version, i.configId]),
        [[V2, ids.d]],
        'V1 was retired: the rollback to it starts it cold',
      );

      const back = await cli(['rollback', service, ENVIRONMENT, '--to', V1, '--wait', '--output', 'json']);
      assert.equal(back.code, 0, `${back.stdout}\n${back.stderr}`);
      let live = await stable();
      assert.deepEqual([live.version, live.configId, live.env.MARK], [V1, ids.b, 'b'], 'V1 runs again with the config it was last live with, not the centre’s current one');
      assert.equal(live.env[SECRET_NAME], secretValue, 'the secret is read again where the instance starts');
      assert.equal(await faultOf(live.port), 0);

      const listed = await cli(['releases', service, ENVIRONMENT, '--output', 'json']);
      assert.equal(listed.code, 0, listed.stderr);
      const pairs = (JSON.parse(listed.stdout) as { pairs: { version: string; config: { id: string } }[] }).pairs.map((p) => `${p.version} ${p.config.id}`);
      assert.deepEqual(
        new Set(pairs),
        new Set([`${V1} ${ids.a}`, `${V1} ${ids.b}`, `${V2} ${ids.d}`]),
        'sluice releases lists build × config; the rolled-back config never went live',
      );
      assert.equal(pairs[0], `${V1} ${ids.b}`, 'the most recently live pair first');

      const configAlone = await cli(['rollback', service, ENVIRONMENT, '--config-version', ids.d, '--wait']);
      assert.equal(configAlone.code, 0, `${configAlone.stdout}\n${configAlone.stderr}`);
      assert.match(configAlone.stdout, new RegExp(`rolled back from ${V1.replace('+', '\\+')} with ${ids.b} to ${V1.replace('+', '\\+')} with ${ids.d}`));
      live = await stable();
      assert.deepEqual([live.version, live.configId, live.env.MARK], [V1, ids.d, 'd'], 'the live build with the config version asked for');

      const unknown = await cli(['rollback', service, ENVIRONMENT, '--config-version', 'cfg-000000000000', '--wait']);
      assert.equal(unknown.code, 1, unknown.stdout);
      assert.match(`${unknown.stdout}${unknown.stderr}`, /never went live in e2e with config cfg-000000000000/);
      assert.equal((await stable()).configId, ids.d, 'nothing changed');

      // The secret's value: nowhere but in the instance's environment.
      const rollbacks = e2e.client.workflow.list({ query: `WorkflowId = '${rollbackWorkflowId(service, ENVIRONMENT)}'` });
      for await (const run of rollbacks) {
        const h = e2e.client.workflow.getHandle(run.workflowId, run.runId);
        assert.ok(!(await readableHistory(await h.fetchHistory())).includes(secretValue), 'not in a rollback history');
        assert.ok(!(await readableHistory((await h.describe()).memo)).includes(secretValue), 'not in its memo');
      }
      const deploys = e2e.client.workflow.list({ query: `WorkflowId = '${deployWorkflowId(service, ENVIRONMENT)}'` });
      for await (const run of deploys) {
        const h = e2e.client.workflow.getHandle(run.workflowId, run.runId);
        assert.ok(!(await readableHistory(await h.fetchHistory())).includes(secretValue), 'not in a release history');
        assert.ok(!(await readableHistory((await h.describe()).memo)).includes(secretValue), 'not in its memo');
      }
      const recordsDir = join(e2e.dir, 'artifacts', service, '.pairs', ENVIRONMENT);
      for (const name of await readdir(recordsDir)) assert.ok(!(await readFile(join(recordsDir, name), 'utf8')).includes(secretValue), `not in the pair record ${name}`);
      assert.ok(logged.length > 0, 'the worker logged');
      assert.ok(!logged.join('').includes(secretValue), 'not in the worker’s logs');
      for (const args of [
        ['status', service, ENVIRONMENT, '--output', 'json'],
        ['releases', service, ENVIRONMENT],
      ]) {
        const out = await cli(args);
        assert.ok(!out.stdout.includes(secretValue) && !out.stderr.includes(secretValue), `not in sluice ${args[0]}`);
      }
    });
  });
}
