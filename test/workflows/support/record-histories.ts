/**
 * Records the histories replayed by test/workflows/replay.test.ts:
 *   npx tsx test/workflows/support/record-histories.ts v2 [scenario...]
 * runs each scenario (or the ones named) against the dev server and writes
 * test/histories/<name>.<v2>.json. Record a
 * new generation after a `patched()` change, and keep the older ones until their patch is
 * removed: each generation proves that runs started by that code still replay.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { loadStackConfig, temporalAddress } from '../../../src/dev/config';
import { temporalBinary } from '../../../src/dev/components/temporal';
import { packageRoot } from '../../../src/lib/paths';
import { createNotifyActivities } from '../../../src/activities/notify';
import { alertSignal, approveSignal, approveUpdate } from '../../../src/workflows/definitions';
import { createApprovalActivities } from '../../../src/activities/approvals';
import { readApproverKey, signApproval, writeApproverKeyPair } from '../../../src/client/approver-key';
import { startReceiver } from '../../notify/receiver';
import { newService, release, result, seedStable, spec, startDeploy, startHarness, waitForStatus, type Harness } from './harness';
import { FILE_FAKE, writePairs, writeRetained, writeState } from './file-target';
import { configVersion } from '../../../src/domain/config-version';
import type { ResolvedConfig } from '../../../src/domain/config';
import type { RollbackRequest } from '../../../src/domain/status';
import type { rollbackWorkflow } from '../../../src/workflows';
import { rollbackWorkflowId } from '../../../src/workflows/ids';
import { createConfigActivities } from '../../../src/activities/config-sources';
import { DRILL_WORKFLOW, SCHEDULED_DRILL_WORKFLOW, drillScheduleId, drillWorkflowId, type DrillKind, type DrillRequest, type DrillResult } from '../../../src/domain/drill';
import type { ReleaseSpec, ReleaseSpecInput } from '../../../src/domain/spec';

type Scenario = (h: Harness, sinks: { webhookUrl: string }) => Promise<{ workflowId: string }>;

const scenarios: Record<string, Scenario> = {
  // Every canary step kind, an approval via update, and the scale-down timer.
  'canary-promoted': async (h) => {
    const service = newService('rec-canary');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: {
          kind: 'canary',
          steps: [{ setWeight: 10 }, { pause: { duration: '1s' } }, { analysis: { window: '1s' } }, { setWeight: 50 }, { pause: {} }],
          scaleDownDelay: '1s',
        },
      }),
    );
    await waitForStatus(handle, 'gate', (s) => s.phase === 'awaiting-approval');
    await handle.executeUpdate(approveUpdate, { args: ['recorder'] });
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // A canary's defaults (no scale-down delay, no checks after the promotion): the promotion, the
  // candidate's removal and the old version's retirement as one activity (patch promote-retires-previous).
  'canary-retired-with-promotion': async (h) => {
    const service = newService('rec-retire');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 50 }, { setWeight: 100 }] } }));
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // A release with `config:` (patch config-version): the config activity, the memo, the values on the release.
  'canary-config': async (h) => {
    const service = newService('rec-config');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 50 }] },
        config: { source: 'env', values: { LOG_LEVEL: 'debug', FAULT_ERROR_RATE: '0' }, secrets: ['DB_PASSWORD'] },
      }),
    );
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // The live build with a new config version (patch config-only-release): a real canary release.
  'canary-config-only': async (h) => {
    const service = newService('rec-cfgonly');
    writeState(h.dir, service, 'test', { stable: { ...release(service, '1.1.0+bbbbbbb'), config: resolved({ LOG_LEVEL: 'info' }) }, canary: null, preview: null, warm: [] });
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 50 }], scaleDownDelay: '0s' },
        config: { source: 'env', values: { LOG_LEVEL: 'debug' } },
      }),
    );
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // rollback --to restores the config version the build was live with (patch rollback-config-pair).
  'rollback-config': async (h) => {
    const service = newService('rec-rbcfg');
    writeState(h.dir, service, 'test', { stable: { ...release(service, '1.1.0+bbbbbbb'), config: resolved({ LOG_LEVEL: 'debug' }) }, canary: null, preview: null, warm: [] });
    writeRetained(h.dir, service, [release(service, '1.0.0+aaaaaaa'), release(service, '1.1.0+bbbbbbb')]);
    writePairs(h.dir, service, { '1.0.0+aaaaaaa': resolved({ LOG_LEVEL: 'info' }) });
    const request: RollbackRequest = {
      service,
      environment: 'test',
      toVersion: '1.0.0+aaaaaaa',
      target: { kind: FILE_FAKE, settings: {} },
      router: { kind: 'none', settings: {} },
    };
    const handle = await h.client.workflow.start<typeof rollbackWorkflow>('rollbackWorkflow', {
      taskQueue: h.taskQueue,
      workflowId: `${rollbackWorkflowId(service, 'test')}/recorded`,
      args: [request],
    });
    await handle.result();
    return { workflowId: handle.workflowId };
  },
  // A failing health window and the compensations.
  'canary-health-rollback': async (h) => {
    const service = newService('rec-bad');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '2.0.0-bad+ccccccc', { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '5s' } }] } }));
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // A bake after promotion (patch post-promotion-bake) that passes: health window, then retire.
  'canary-baked': async (h) => {
    const service = newService('rec-baked');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 50 }] }, postPromotion: { bake: '2s' } }));
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // An alert during the bake: rolled back with AlertFired.
  'canary-bake-alert': async (h) => {
    const service = newService('rec-alert');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 50 }] }, postPromotion: { bake: '5m' } }));
    await waitForStatus(handle, 'bake', (s) => s.phase === 'baking');
    const now = new Date().toISOString();
    await handle.signal(alertSignal, {
      alertname: 'Recorded',
      fingerprint: 'rec',
      labels: { alertname: 'Recorded', service, environment: 'test' },
      startsAt: now,
      receivedAt: now,
    });
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // Blue-green with preview checks, a manual gate and an abort at the gate.
  'blue-green-aborted': async (h) => {
    const service = newService('rec-bg');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(h, spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'blueGreen', autoPromote: false, previewChecks: { window: '1s' } } }));
    await waitForStatus(handle, 'gate', (s) => s.phase === 'awaiting-approval');
    await handle.signal('abort', 'recording', 'recorder');
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // Notifications (patch 'notifications'): a webhook and a Slack sink, every event kind a
  // promoted release sends (started, awaiting-approval, promoted), each an abandoned child.
  'canary-notified': async (h, sinks) => {
    const service = newService('rec-notify');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', {
        strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] },
        notifications: [
          { kind: 'webhook', url: sinks.webhookUrl, secret: { env: 'RECORDER_WEBHOOK_SECRET' } },
          { kind: 'slack', url: { env: 'RECORDER_SLACK_URL' }, events: ['promoted'] },
        ],
      }),
    );
    await waitForStatus(handle, 'gate', (s) => s.phase === 'awaiting-approval');
    await handle.executeUpdate(approveUpdate, { args: ['recorder'] });
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // Approvers and a worker with approver keys (patch signed-approvals): an unsigned update and an
  // unsigned signal refused, then a signed update verified; each asks the verifyApproval activity.
  'canary-signed-approval': async (h) => {
    const service = newService('rec-signed');
    seedStable(h, service, '1.0.0+aaaaaaa');
    const handle = await startDeploy(
      h,
      spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] }, approval: { approvers: ['recorder'] } }),
    );
    const gate = await waitForStatus(handle, 'gate', (s) => s.phase === 'awaiting-approval');
    await handle.executeUpdate(approveUpdate, { args: ['recorder'] }).then(
      () => Promise.reject(new Error('an unsigned approve was accepted by a worker with approver keys')),
      () => undefined,
    );
    await handle.signal(approveSignal, 'recorder');
    await waitForStatus(handle, 'both refusals', (s) => s.events.filter((e) => e.type === 'approval-refused').length === 2);
    const { runId } = await handle.describe();
    const token = signApproval(recorderKey(), { workflowId: handle.workflowId, runId, gate: gate.awaitingApproval!.gate });
    await handle.executeUpdate(approveUpdate, { args: ['recorder', token] });
    await result(handle);
    return { workflowId: handle.workflowId };
  },
  // A bad-canary drill without sinks: the child release with the fault, detected by the health
  // window, the restore check; no notification command, not even the patch marker.
  'drill-bad-canary': async (h) => {
    const s = drillEnvironment(h, 'rec-drill');
    const handle = await startDrillRun(h, s, 'bad-canary');
    await handle.result();
    return { workflowId: handle.workflowId };
  },
  // A rollback-restore drill with a webhook and a Slack sink (patch 'drill-notifications').
  'drill-rollback-restore-notified': async (h, sinks) => {
    const s = drillEnvironment(h, 'rec-drill-rr', {
      notifications: [
        { kind: 'webhook', url: sinks.webhookUrl, secret: { env: 'RECORDER_WEBHOOK_SECRET' } },
        { kind: 'slack', url: { env: 'RECORDER_SLACK_URL' } },
      ],
    });
    const handle = await startDrillRun(h, s, 'rollback-restore');
    await handle.result();
    return { workflowId: handle.workflowId };
  },
  // A scheduled run that starts its drill as a child under the drill lock.
  'scheduled-drill': async (h) => {
    const s = drillEnvironment(h, 'rec-sched');
    const handle = await startScheduledRun(h, s, 'rollback-restore');
    await handle.result();
    return { workflowId: handle.workflowId };
  },
  // A scheduled run that finds a release running: skipped.
  'scheduled-drill-skipped': async (h) => {
    const s = drillEnvironment(h, 'rec-skip');
    const releaseHandle = await startDeploy(h, spec(s.service, '1.2.0+ccccccc', { strategy: { kind: 'canary', steps: [{ setWeight: 10 }, { pause: {} }] } }));
    await waitForStatus(releaseHandle, 'gate', (st) => st.phase === 'awaiting-approval');
    const handle = await startScheduledRun(h, s, 'bad-canary');
    await handle.result();
    await releaseHandle.signal('abort', 'recording', 'recorder');
    await result(releaseHandle);
    return { workflowId: handle.workflowId };
  },
};

/** The recorder's approver key pair, made once per recording; the worker's keys directory holds its public half. */
const approverDir = mkdtempSync(join(tmpdir(), 'sluice-recorder-approver-'));
const trustedKeys = join(approverDir, 'trusted');
let recorderKeyFile: string | undefined;
function recorderKey() {
  if (!recorderKeyFile) {
    const pair = writeApproverKeyPair(join(approverDir, 'own'), 'recorder');
    mkdirSync(trustedKeys);
    copyFileSync(pair.publicFile, join(trustedKeys, 'recorder.pub'));
    recorderKeyFile = pair.keyFile;
  }
  return readApproverKey(recorderKeyFile);
}

/** A resolved env config of `values`, as resolveConfigVersion returns it. */
function resolved(values: Record<string, string>): ResolvedConfig {
  return { version: configVersion({ values, secrets: [], source: 'env', sourceKind: 'env' }), values };
}

/** 1.1.0 live, 1.0.0 retained before it: what both drill kinds need. */
function drillEnvironment(h: Harness, prefix: string, overrides: Partial<ReleaseSpecInput> = {}): ReleaseSpec {
  const service = newService(prefix);
  seedStable(h, service, '1.1.0+bbbbbbb');
  writeRetained(h.dir, service, [release(service, '1.0.0+aaaaaaa'), release(service, '1.1.0+bbbbbbb')]);
  return spec(service, '1.1.0+bbbbbbb', { strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '1s' } }] }, ...overrides });
}

function startDrillRun(h: Harness, s: ReleaseSpec, kind: DrillKind) {
  return h.client.workflow.start<(r: DrillRequest) => Promise<DrillResult>>(DRILL_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: drillWorkflowId(s.service, s.environment),
    args: [{ kind, spec: s, requestedBy: 'recorder' }],
  });
}

function startScheduledRun(h: Harness, s: ReleaseSpec, kind: DrillKind) {
  const scheduleId = drillScheduleId(s.service, s.environment, kind);
  return h.client.workflow.start<(r: DrillRequest) => Promise<DrillResult>>(SCHEDULED_DRILL_WORKFLOW, {
    taskQueue: h.taskQueue,
    workflowId: `${scheduleId}-recorded`,
    args: [{ kind, spec: s, requestedBy: `schedule:${scheduleId}` }],
  });
}

async function main(): Promise<void> {
  const [generation, ...only] = process.argv.slice(2);
  if (!generation || !/^v\d+$/.test(generation)) throw new Error('usage: record-histories <generation, e.g. v2> [scenario...]');
  const receiver = await startReceiver();
  const env = { RECORDER_WEBHOOK_SECRET: 'whsec_cmVjb3JkZXItb25seS1ub3QtYS1zZWNyZXQ=', RECORDER_SLACK_URL: `${receiver.url}/slack` };
  const h = await startHarness({
    buildMs: 0,
    activities: {
      ...createNotifyActivities({ env }),
      ...createConfigActivities({ etcdEndpoints: [] }),
      ...createApprovalActivities({ keysDir: trustedKeys }),
    },
  });
  recorderKey();
  try {
    for (const [name, run] of Object.entries(scenarios).filter(([n]) => only.length === 0 || only.includes(n))) {
      const { workflowId } = await run(h, { webhookUrl: `${receiver.url}/webhook` });
      // The CLI writes the standard JSON history format (the SDK's historyToJSON trips over two
      // protobufjs copies in node_modules).
      const config = loadStackConfig();
      const json = execFileSync(
        temporalBinary(config),
        ['workflow', 'show', '--address', temporalAddress(config), '--namespace', config.temporal.namespace, '--workflow-id', workflowId, '--output', 'json'],
        { encoding: 'utf8' },
      );
      const path = join(packageRoot(), 'test', 'histories', `${name}.${generation}.json`);
      writeFileSync(path, json.endsWith('\n') ? json : `${json}\n`);
      console.log(`recorded ${workflowId} → ${path}`);
    }
  } finally {
    await h.close();
    await receiver.close();
    rmSync(approverDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
