/**
 * The Temporal server itself dies mid-release: a private dev server (its own SQLite file and
 * ports, started by the same stack manager, so the shared one is untouched) is SIGKILLed during
 * a health window and started again on the same database. The release resumes from SQLite and
 * finishes, each step run once.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { pidFile } from '../../src/dev/component';
import { temporalComponent } from '../../src/dev/components/temporal';
import { loadStackConfig, temporalAddress, type StackConfig } from '../../src/dev/config';
import { livePid } from '../../src/dev/process';
import { stackDown, stackUp } from '../../src/dev/stack';
import { settleDeployment } from '../../src/domain/result';
import type { deployWorkflow } from '../../src/workflows';
import { statusQuery } from '../../src/workflows/definitions';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, freePort, uniqueName, dataConverterOption } from '../helpers/stack';
import { readCalls, readState, writeState } from './support/file-target';
import { release, spec } from './support/harness';
import { startHealthServer } from './support/health-server';

let config: StackConfig;
let env: NodeJS.ProcessEnv;
let dir: string;
let health: Awaited<ReturnType<typeof startHealthServer>>;
let worker: ChildProcess | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-restart-'));
  env = {
    ...process.env,
    SLUICE_STATE_DIR: join(dir, 'state'),
    SLUICE_TEMPORAL_PORT: String(await freePort()),
    SLUICE_TEMPORAL_UI_PORT: String(await freePort()),
    SLUICE_TEMPORAL_METRICS_PORT: String(await freePort()),
  };
  config = loadStackConfig(env);
  health = await startHealthServer();
  await stackUp(config, [temporalComponent]);
});

after(async () => {
  if (worker) await killHard(worker);
  await stackDown(config, [temporalComponent]).catch(() => undefined);
  await health?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function connect(): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({ address: temporalAddress(config) });
  // The suite's payload encryption (SLUICE_CODEC_KEYS_FILE), as the worker child has it from the environment.
  return { client: new Client({ connection, namespace: config.temporal.namespace, ...dataConverterOption() }), connection };
}

test('a release survives a SIGKILL of the Temporal server during its health window', { timeout: 240000 }, async () => {
  const service = uniqueName('restart').slice(0, 50);
  const taskQueue = uniqueName('restart');
  const targetDir = join(dir, 'target');
  writeState(targetDir, service, 'test', { stable: release(service, '1.0.0+aaaaaaa'), canary: null, preview: null, warm: [] });
  worker = spawnNode(require.resolve('./support/worker-process'), [taskQueue, targetDir, health.base], env);
  await waitForLine(worker, 'ready', 120000);

  let { client, connection } = await connect();
  const s = spec(service, '2.0.0+bbbbbbb', {
    strategy: { kind: 'canary', steps: [{ setWeight: 20 }, { analysis: { window: '10s' } }, { setWeight: 60 }], scaleDownDelay: '1s' },
    healthCheck: { interval: '300ms', failureThreshold: 3, timeout: '1s' },
  });
  const workflowId = deployWorkflowId(service, 'test');
  const handle = await client.workflow.start<typeof deployWorkflow>('deployWorkflow', { taskQueue, workflowId, args: [s] });
  await eventually(
    'the health window to be running',
    async () => {
      const st = await handle.query(statusQuery);
      return st.phase === 'analysing' && st.lastCheck?.ok ? st : undefined;
    },
    60000,
    100,
  );
  await connection.close();

  // A crash, not a shutdown: no chance to flush anything beyond what SQLite already has.
  const pid = livePid(pidFile(config, 'temporal'));
  assert.ok(pid, 'the private Temporal server runs');
  process.kill(pid, 'SIGKILL');
  await eventually('the server to be gone', async () => (livePid(pidFile(config, 'temporal')) === undefined ? true : undefined), 10000, 100);
  await new Promise((r) => setTimeout(r, 1000));
  await stackUp(config, [temporalComponent]);

  ({ client, connection } = await connect());
  try {
    const res = await settleDeployment(client.workflow.getHandle<typeof deployWorkflow>(workflowId).result());
    assert.equal(res.outcome, 'promoted', res.message);
    const state = readState(targetDir, service, 'test');
    assert.equal(state.stable?.version, '2.0.0+bbbbbbb');
    const weights = readCalls(targetDir, service)
      .filter((c) => c.name === 'setTrafficWeight')
      .map((c) => c.weight);
    assert.deepEqual(weights, [20, 60], 'each step ran exactly once across the server restart');
  } finally {
    await connection.close();
  }
});
