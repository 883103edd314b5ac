/**
 * A release across a fleet, end to end (issue 14): three hosts on this machine at 127.0.0.2, .3
 * and .4, each with its own agent process (`sluice agent`, real, on its own task queue and state
 * directory) and its own supervisord running the example service under the process target; the
 * central worker (wired like production) runs the workflow and the HAProxy in front of the three
 * hosts. Traffic is measured where users see it, through HAProxy, at 200 requests per second.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { WorkflowHandle } from '@temporalio/client';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import type { DeploymentStatus } from '../../src/domain/status';
import { validateReleaseSpec } from '../../src/domain/validate';
import { packageRoot } from '../../src/lib/paths';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { steadyLoad } from '../helpers/steady-load';
import { adapterConfig, catalogue, eventually, freePort, stack, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../targets/fixtures';
import pino from 'pino';
import { agentActivities } from '../../src/worker/agent';
import { stopSupervisord, supervisordLayout } from '../../src/lib/supervisord-instance';
import { retainBinary, startE2eWorker, versionsThroughRouter, type E2eWorker } from '../workflows/support/e2e';
import { SluiceClient } from '../../src/client';
import { temporalAddress, temporalUiUrl } from '../../src/dev/config';

const V1 = '1.0.0+aaa1111';
const V2 = '1.1.0+bbb2222';
const V3 = '1.2.0+ccc3333';
const V4 = '1.3.0+ddd4444';
const RATE = 200;

const service = uniqueName('fleet').slice(0, 40);
const environment = 'e2e';
const hosts = [2, 3, 4].map((i) => ({ name: uniqueName(`fh${i}`).slice(0, 40), address: `127.0.0.${i}` }));
let e2e: E2eWorker;
let listenPort: number;
let basePort: number;
let binaries: Record<string, string>;
let stateRoot: string;
const agents = new Map<string, ChildProcess>();

async function startAgent(host: { name: string; address: string }): Promise<void> {
  const child = spawnNode(join(packageRoot(), 'bin', 'sluice.js'), ['agent', '--host', host.name, '--host-address', host.address, '--state-dir', join(stateRoot, host.name)]);
  agents.set(host.name, child);
  await waitForLine(child, 'agent started', 60_000);
}

function spec(version: string, strategy: Partial<Extract<ReleaseSpecInput['strategy'], { kind: 'rolling' }>> = {}) {
  return validateReleaseSpec(
    {
      service,
      environment,
      source: { kind: 'prebuilt', version, binaryPath: binaries[version]! },
      target: { kind: 'process', settings: { basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000 } },
      router: { kind: 'haproxy', settings: { listenPort, drainTimeoutMs: 2000 } },
      strategy: { kind: 'rolling', canaryHosts: 1, batchSize: 1, checks: { window: '1s' }, agentTimeout: '30s', ...strategy },
      hosts,
      healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
    } satisfies ReleaseSpecInput,
    catalogue,
  );
}

function deploy(s: ReturnType<typeof spec>): Promise<WorkflowHandle<typeof deployWorkflow>> {
  return e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue: e2e.taskQueue, workflowId: deployWorkflowId(service, environment), args: [s] });
}

/** What each host's instance answers on its own address (the stable slot's port is basePort). */
async function versionsOnHosts(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of hosts) {
    const res = await fetch(`http://${h.address}:${basePort}/version`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    out[h.name] = res?.ok ? ((await res.json()) as { version: string }).version : 'down';
  }
  return out;
}

const all = (version: string) => Object.fromEntries(hosts.map((h) => [h.name, version]));

function waitForEvent(handle: WorkflowHandle<typeof deployWorkflow>, pattern: RegExp): Promise<DeploymentStatus> {
  return eventually(
    `an event matching ${pattern}`,
    async () => {
      const st = await handle.query(statusQuery).catch(() => undefined);
      return st?.events.some((e) => pattern.test(e.message)) ? st : undefined;
    },
    120_000,
    200,
  );
}

before(async () => {
  e2e = await startE2eWorker('fleet');
  stateRoot = mkdtempSync(join(tmpdir(), 'sluice-fleet-'));
  listenPort = await freePort();
  basePort = await freePortBlock(5);
  binaries = Object.fromEntries(await Promise.all([V1, V2, V3, V4].map(async (v) => [v, await serviceBinary(v)] as const)));
  // Retained as a build would retain them, so `sluice rollback` finds the older versions.
  for (const v of [V1, V2, V3, V4]) retainBinary(join(e2e.dir, 'artifacts'), service, v, binaries[v]!);
  await Promise.all(hosts.map(startAgent));
  const first = await settleDeployment(deploy(spec(V1)).then((h) => h.result()));
  assert.equal(first.outcome, 'promoted', first.message);
  assert.deepEqual(await versionsOnHosts(), all(V1));
});

after(async () => {
  // Stop the service on every host through its agent's own code path, then the agents.
  for (const child of agents.values()) await killHard(child);
  for (const h of hosts) {
    const supervisord = supervisordLayout(join(stateRoot, h.name, 'supervisord'));
    const acts = agentActivities(
      { ...adapterConfig, stateDir: join(stateRoot, h.name), processSupervisor: { kind: 'supervisord' }, supervisordSocket: supervisord.socket },
      pino({ level: 'silent' }),
    );
    for (const v of [V1, V2, V3, V4]) {
      await acts
        .retireRelease({
          service,
          environment,
          target: { kind: 'process', settings: { basePort, host: h.address } },
          router: { kind: 'none', settings: {} },
          release: { service, version: v, imageTag: '', commit: '' },
        })
        .catch(() => undefined);
    }
    await stopSupervisord(join(stateRoot, h.name, 'supervisord'));
  }
  await e2e?.stop(() => ({ service, environment, target: { kind: 'process', settings: {} }, router: { kind: 'haproxy', settings: { listenPort } } }), []);
  rmSync(stateRoot, { recursive: true, force: true });
});

test(`a rolling release across three hosts, host by host through their agents, drops no request at ${RATE} req/s`, { timeout: 300_000 }, async () => {
  const load = steadyLoad(`http://127.0.0.1:${listenPort}/version`, RATE);
  let res;
  try {
    res = await settleDeployment(deploy(spec(V2)).then((h) => h.result()));
  } finally {
    const report = await load.stop();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    assert.ok(report.versions[V1]! > 0 && report.versions[V2]! > 0, JSON.stringify(report.versions));
    console.log(`rolling V1 → V2: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
  }
  assert.equal(res.outcome, 'promoted', res.message);
  assert.equal(res.previous?.version, V1);
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(listenPort, 9), { [V2]: 9 });
});

test('an abort after two hosts restores every host that changed, newest first, dropping no request', { timeout: 300_000 }, async () => {
  const load = steadyLoad(`http://127.0.0.1:${listenPort}/version`, RATE);
  let res;
  try {
    const handle = await deploy(spec(V3));
    await waitForEvent(handle, /batch 2\/3 done/);
    await handle.signal('abort', 'the test stops after two hosts', 'test');
    res = await settleDeployment(handle.result());
  } finally {
    const report = await load.stop();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    console.log(`abort V2 → V3 after two hosts: ${report.sent} requests, ${report.failed.length} failed, versions ${JSON.stringify(report.versions)}`);
  }
  assert.equal(res.outcome, 'aborted', res.message);
  const restored = res.compensations.filter((c) => c.startsWith('restore '));
  assert.ok(restored.length >= 2, JSON.stringify(res.compensations));
  assert.match(restored[0]!, new RegExp(`restore (${hosts[1]!.name}|${hosts[2]!.name})`), 'the newest host first');
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(listenPort, 9), { [V2]: 9 });
});

test('an agent SIGKILLed mid-release and restarted: the release waits for it, resumes and finishes', { timeout: 300_000 }, async () => {
  const handle = await deploy(spec(V3));
  await waitForEvent(handle, /batch 1\/3 done/);
  const victim = hosts[1]!;
  await killHard(agents.get(victim.name)!);
  await new Promise((r) => setTimeout(r, 3000));
  await startAgent(victim);
  const res = await settleDeployment(handle.result());
  assert.equal(res.outcome, 'promoted', res.message);
  assert.deepEqual(await versionsOnHosts(), all(V3));
});

test('an agent that does not come back within agentTimeout: the release is rolled back with AgentLost', { timeout: 300_000 }, async () => {
  const victim = hosts[2]!;
  await killHard(agents.get(victim.name)!);
  const started = Date.now();
  const res = await settleDeployment(deploy(spec(V4, { agentTimeout: '5s' })).then((h) => h.result()));
  assert.equal(res.outcome, 'rolled-back', res.message);
  assert.equal(res.reason, Reason.AgentLost);
  assert.match(res.message, new RegExp(`${victim.name} did not take its step within 5s`));
  assert.ok(Date.now() - started < 120_000);
  // The hosts that changed are back; the lost host was never touched and still serves V3.
  assert.deepEqual(await versionsOnHosts(), all(V3));
  await startAgent(victim);
});

test('onAgentLost skip: a host whose agent is gone stays out of the router and the others are released', { timeout: 300_000 }, async () => {
  const victim = hosts[2]!;
  await killHard(agents.get(victim.name)!);
  try {
    const res = await settleDeployment(deploy(spec(V4, { agentTimeout: '5s', onAgentLost: 'skip', maxUnavailable: 1 })).then((h) => h.result()));
    assert.equal(res.outcome, 'promoted', res.message);
    assert.deepEqual(await versionsOnHosts(), { ...all(V4), [victim.name]: V3 });
    // Only the released hosts take traffic.
    assert.deepEqual(await versionsThroughRouter(listenPort, 9), { [V4]: 9 });
  } finally {
    await startAgent(victim);
  }
  // A later release brings the host back in.
  const again = await settleDeployment(deploy(spec(V3)).then((h) => h.result()));
  assert.equal(again.outcome, 'promoted', again.message);
  assert.deepEqual(await versionsOnHosts(), all(V3));
});

test('sluice rollback of a fleet restores every host, half the fleet serving at a time, dropping no request', { timeout: 300_000 }, async () => {
  const sluice = await SluiceClient.connect(
    { address: temporalAddress(stack), namespace: stack.temporal.namespace, tls: false, uiUrl: temporalUiUrl(stack) },
    { taskQueue: e2e.taskQueue },
  );
  const load = steadyLoad(`http://127.0.0.1:${listenPort}/version`, RATE);
  let rolled;
  try {
    rolled = await sluice.rollback({ service, environment }, { wait: true });
  } finally {
    const report = await load.stop();
    await sluice.close();
    assert.deepEqual(report.failed.slice(0, 5), [], `${report.failed.length} of ${report.sent} requests failed`);
    console.log(`sluice rollback V3 → V2 across three hosts: ${report.sent} requests, ${report.failed.length} failed, ${rolled?.result?.durationMs} ms`);
  }
  assert.equal(rolled.result?.outcome, 'rolled-back', rolled.result?.message);
  assert.deepEqual([rolled.result?.from?.version, rolled.result?.to?.version], [V3, V2]);
  assert.deepEqual(await versionsOnHosts(), all(V2));
  assert.deepEqual(await versionsThroughRouter(listenPort, 9), { [V2]: 9 });
});
