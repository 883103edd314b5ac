import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { buildBinary } from '../../src/activities/build/binary';
import { createRegistryActivities } from '../../src/activities/registry';
import { temporalAddress } from '../../src/dev/config';
import { imageTagForVersion } from '../../src/domain/release';
import { createWorker } from '../../src/worker/worker';
import { repoRoot, stack, uniqueName } from '../helpers/stack';
import { createFileTargetActivities, writeState } from '../workflows/support/file-target';
import { workflowBundle } from '../workflows/support/harness';
import { startHealthServer } from '../workflows/support/health-server';

/**
 * A Sluice worker for the CLI tests, in this process, on its own task queue. The workflows and
 * Temporal are the real ones; releases are real binaries of examples/go-service built by the
 * build activity into a per-file artifact store, and listed by the real registry activity (so
 * `rollback --to` and `sluice releases` read real retained releases). The target is the workflow
 * tests' file target with a real HTTP health server (a release whose version contains "bad"
 * answers 503), standing in until the docker/process targets are wired into the worker.
 */
export interface CliWorker {
  taskQueue: string;
  artifactStore: string;
  /** Env for CLI child processes: task queue and artifact store. */
  env: NodeJS.ProcessEnv;
  binaries: Map<string, string>;
  seedStable(service: string, environment: string, version: string): void;
  close(): Promise<void>;
}

export const VERSIONS = { v1: '1.0.0+aaaaaaa', v2: '2.0.0+bbbbbbb', bad: '2.1.0-bad+ccccccc' } as const;

const FIXTURE_SERVICE = 'cli-fixture';

export async function startCliWorker(): Promise<CliWorker> {
  try {
    // Worker INFO lines would drown the test report.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // Installed already in this process.
  }
  const dir = mkdtempSync(join(tmpdir(), 'sluice-cli-target-'));
  const artifactStore = mkdtempSync(join(tmpdir(), 'sluice-cli-artifacts-'));
  const logger = pino({ level: 'warn' });
  const binaries = new Map<string, string>();
  for (const version of Object.values(VERSIONS)) {
    const ref = { version, imageTag: imageTagForVersion(version), commit: version.split('+')[1]! };
    const built = await buildBinary({ artifactStore, logger }, { sourceDir: join(repoRoot(), 'examples', 'go-service'), service: FIXTURE_SERVICE, version: ref });
    binaries.set(version, built.binaryPath);
  }
  const health = await startHealthServer();
  const registry = createRegistryActivities({ docker: new Docker({ socketPath: stack.docker.socket }), artifactStore, logger });
  const connection = await NativeConnection.connect({ address: temporalAddress(stack) });
  const taskQueue = uniqueName('cli');
  const fileTarget = createFileTargetActivities({ dir, healthBase: health.base, buildMs: 0 });
  const worker: Worker = await createWorker({
    connection,
    namespace: stack.temporal.namespace,
    taskQueue,
    activities: {
      ...fileTarget,
      listReleases: registry.listReleases,
      pruneReleases: async (input: { protect: string[] }) => ({ kept: input.protect, deleted: [] }),
    },
    workflowBundle: await workflowBundle(),
  });
  const running = worker.run();
  return {
    taskQueue,
    artifactStore,
    binaries,
    env: { SLUICE_TASK_QUEUE: taskQueue, SLUICE_ARTIFACT_STORE: artifactStore },
    seedStable(service, environment, version) {
      // Every service in these tests retains the same fixture binaries.
      if (!existsSync(join(artifactStore, service))) symlinkSync(join(artifactStore, FIXTURE_SERVICE), join(artifactStore, service));
      const binaryPath = binaries.get(version)!;
      writeState(dir, service, environment, {
        stable: { service, version, imageTag: imageTagForVersion(version), commit: version.split('+')[1]!, binaryPath },
        canary: null,
        preview: null,
        warm: [],
      });
    },
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
      await health.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(artifactStore, { recursive: true, force: true });
    },
  };
}

/** sluice.yaml for a prebuilt fixture release on the file target. */
export function fixtureSpec(w: CliWorker, service: string, version: string, steps: string, environment = 'production'): string {
  return [
    `service: ${service}`,
    `environment: ${environment}`,
    `source: { kind: prebuilt, version: "${version}", binaryPath: ${w.binaries.get(version)} }`,
    'target: { kind: process }',
    'strategy:',
    '  kind: canary',
    `  steps: ${steps}`,
    'healthCheck: { interval: 200ms, window: 1s, failureThreshold: 2, timeout: 1s }',
  ].join('\n');
}
