/**
 * End to end on the real stack: deployWorkflow releases the example service on the process
 * target with the supervisord runner (a real supervisord of this test's own, named by the spec's
 * target.settings.supervisor), behind HAProxy, through a worker wired like production. A canary
 * is promoted, a release whose /healthz fails is rolled back, and what runs is what supervisord
 * says runs.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { createDeployActivities } from '../../src/activities/deploy';
import { createTarget } from '../../src/activities/targets/registry';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { startSupervisord, stopSupervisord, type SupervisordLayout } from '../../src/lib/supervisord-instance';
import { SupervisordClient } from '../../src/lib/supervisord-rpc';
import { adapterConfig } from '../helpers/stack';
import { startE2eWorker, type E2eWorker } from './support/e2e';
import { ProcessService } from './support/process-service';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const BAD = '1.2.0-bad+ccc3333';

let e2e: E2eWorker;
let svc: ProcessService;
let svDir: string;
let sv: SupervisordLayout & { pid: number };

before(async () => {
  svDir = await mkdtemp(join(tmpdir(), 'sluice-sv-e2e-'));
  sv = await startSupervisord(svDir);
  e2e = await startE2eWorker('e2e-sv');
  svc = await ProcessService.create(e2e, {
    prefix: 'e2e-sv',
    versions: [V1, V2, BAD],
    sameBinaryAs: { [BAD]: V2 },
    releaseEnv: { [BAD]: { FAULT_HEALTHZ_FAIL: 'true' } },
    supervisor: { kind: 'supervisord', socket: sv.socket },
  });
});

after(async () => {
  await e2e?.stop(() => svc.ref(), svc?.releases() ?? []);
  await stopSupervisord(svDir);
  await rm(svDir, { recursive: true, force: true });
});

/** The service's running programs as supervisord reports them: [state, pid]. */
async function supervised(): Promise<[string, number][]> {
  const all = await new SupervisordClient(sv.socket).allProcessInfo();
  return all.filter((p) => p.name.includes(svc.service) && p.pid > 0).map((p) => [p.statename, p.pid]);
}

test('under supervisord: a canary is promoted, a release whose /healthz fails is rolled back', { timeout: 300000 }, async () => {
  const first = await settleDeployment((await svc.deploy(V1, { strategy: { kind: 'canary', steps: [{ setWeight: 100 }] } })).result());
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V1]: 10 });

  const second = await settleDeployment(
    (await svc.deploy(V2, { strategy: { kind: 'canary', steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }], scaleDownDelay: '1s' } })).result(),
  );
  assert.equal(second.outcome, 'promoted', second.message);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V2]: 10 });

  const bad = await settleDeployment(
    (await svc.deploy(BAD, { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 100 }] } })).result(),
  );
  assert.equal(bad.outcome, 'rolled-back', bad.message);
  assert.equal(bad.reason, Reason.HealthCheckFailed);
  assert.deepEqual(await svc.versionsThroughRouter(10), { [V2]: 10 });

  // The current release is V2, and its instance is the process supervisord runs for it.
  const current = await createDeployActivities({ config: adapterConfig, logger: pino({ level: 'warn' }) }).currentRelease(svc.ref());
  assert.equal(current?.version, V2);
  const target = createTarget('process', svc.target().settings, adapterConfig);
  const stable = await target.currentRelease({ ...svc.ref(), workflowId: 'e2e-sv-check' });
  const pids = (await supervised()).map(([, pid]) => pid);
  assert.ok(stable && pids.includes(Number(stable.id)), `stable pid ${stable?.id} is one of supervisord's ${JSON.stringify(pids)}`);
  assert.equal((await target.instances({ ...svc.ref(), workflowId: 'e2e-sv-check' })).filter((i) => i.running && i.release.version === BAD).length, 0, 'the bad canary is gone');
});
