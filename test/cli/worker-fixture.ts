import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import type { DataConverter } from '@temporalio/common';
import pino from 'pino';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { buildBinary } from '../../src/activities/build/binary';
import { createDeployActivities } from '../../src/activities/deploy';
import { unregisterService } from '../../src/activities/metrics/scrape-groups';
import { createRouter } from '../../src/activities/routers/registry';
import { prometheusUrl, temporalAddress, temporalConnectionOptions, type StackConfig } from '../../src/dev/config';
import type { TargetRef } from '../../src/domain/ports';
import { imageTagForVersion, type Release } from '../../src/domain/release';
import { createSluiceActivities } from '../../src/worker/activities';
import { createWorker } from '../../src/worker/worker';
import { adapterConfig, dataConverterOption, freePort, repoRoot, stack, uniqueName } from '../helpers/stack';
import { FAST_STOP_ENV, freePortBlock } from '../targets/fixtures';
import { workflowBundle } from '../workflows/support/harness';

/**
 * A Sluice worker for the CLI tests, in this process, on its own task queue, wired like
 * production (createSluiceActivities). Releases are real binaries of examples/go-service built by
 * the build activity into a per-file artifact store, run by the process target behind HAProxy;
 * the "bad" version starts with a failing /healthz. `rollback --to` and `sluice releases` read the
 * real retained releases.
 */
export interface CliWorker {
  taskQueue: string;
  artifactStore: string;
  /** Env for CLI child processes: task queue and artifact store. */
  env: NodeJS.ProcessEnv;
  /** The retained binary of `version` for `service` (seedStable builds them). */
  binaryOf(service: string, version: string): string;
  /** Installs `version` as the live release of a new service (the process target, at 100%). */
  seedStable(service: string, environment: string, version: string): Promise<void>;
  /** Target and router of a seeded service, for its sluice.yaml. */
  targetOf(service: string, environment: string): TargetRef;
  close(): Promise<void>;
}

export const VERSIONS = { v1: '1.0.0+aaaaaaa', v2: '2.0.0+bbbbbbb', bad: '2.1.0-bad+ccccccc' } as const;

/**
 * `dataConverter`: the worker's payload encryption (the CLI children then need the same keys file).
 * `temporal`: another stack's Temporal than the shared one (the cluster test's); `env` then points
 * the CLI children at it too, with its mTLS files, as a user's shell would.
 */
export async function startCliWorker(options: { dataConverter?: DataConverter; temporal?: StackConfig } = {}): Promise<CliWorker> {
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
  const binaryOf = (service: string, version: string): string => {
    const path = binaries.get(`${service}/${version}`);
    if (!path) throw new Error(`no binary of ${service} ${version}: seedStable first`);
    return path;
  };
  const docker = new Docker({ socketPath: stack.docker.socket });
  const activities = createSluiceActivities({
    docker,
    artifactStore,
    prometheusUrl: prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    logger,
  });
  const temporal = options.temporal ?? stack;
  const connection = await NativeConnection.connect(temporalConnectionOptions(temporal));
  const taskQueue = uniqueName('cli');
  const worker: Worker = await createWorker({
    connection,
    namespace: temporal.temporal.namespace,
    taskQueue,
    activities,
    workflowBundle: await workflowBundle(),
    ...(options.dataConverter ? { dataConverter: options.dataConverter } : dataConverterOption()),
  });
  const running = worker.run();
  const deployActivities = createDeployActivities({ config: { ...adapterConfig, docker }, logger, prometheusTargetsDir: stack.prometheus.targetsDir });
  const refs = new Map<string, TargetRef>();
  const releaseOf = (service: string, version: string): Release => ({
    service,
    version,
    imageTag: imageTagForVersion(version),
    commit: version.split('+')[1]!,
    binaryPath: binaryOf(service, version),
  });
  return {
    taskQueue,
    artifactStore,
    binaryOf,
    env: { SLUICE_TASK_QUEUE: taskQueue, SLUICE_ARTIFACT_STORE: artifactStore, ...(options.temporal ? temporalEnv(options.temporal) : {}) },
    async seedStable(service, environment, version) {
      // Each service retains its own real builds (the Go build cache makes the repeats quick).
      for (const v of Object.values(VERSIONS)) {
        const version = { version: v, imageTag: imageTagForVersion(v), commit: v.split('+')[1]! };
        const built = await buildBinary({ artifactStore, logger }, { sourceDir: join(repoRoot(), 'examples', 'go-service'), service, version });
        binaries.set(`${service}/${v}`, built.binaryPath);
      }
      const ref: TargetRef = {
        service,
        environment,
        target: {
          kind: 'process',
          settings: {
            stateDir: join(dir, service),
            basePort: await freePortBlock(5),
            env: FAST_STOP_ENV,
            stopTimeoutMs: 5000,
            releaseEnv: { [VERSIONS.bad]: { FAULT_HEALTHZ_FAIL: 'true' } },
          },
        },
        router: { kind: 'haproxy', settings: { listenPort: await freePort(), drainTimeoutMs: 500 } },
      };
      refs.set(`${service}/${environment}`, ref);
      await deployActivities.rollbackToRelease({ ...ref, release: releaseOf(service, version), from: null });
    },
    targetOf(service, environment) {
      const ref = refs.get(`${service}/${environment}`);
      if (!ref) throw new Error(`seedStable(${service}, ${environment}) first`);
      return ref;
    },
    async close() {
      for (const ref of refs.values()) {
        for (const version of Object.values(VERSIONS)) await deployActivities.retireRelease({ ...ref, release: releaseOf(ref.service, version) }).catch(() => undefined);
        await createRouter(ref.router.kind, ref.router.settings, adapterConfig)
          .remove({ service: ref.service, environment: ref.environment })
          .catch(() => undefined);
        // The live stable keeps its scrape group through a retire; the service itself is gone now.
        await unregisterService(stack.prometheus.targetsDir, ref);
      }
      worker.shutdown();
      await running;
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(artifactStore, { recursive: true, force: true });
    },
  };
}

/** The variables a user's shell sets to reach `config`'s Temporal (with the cluster's mTLS files). */
function temporalEnv(config: StackConfig): NodeJS.ProcessEnv {
  const tls = config.temporal.tls;
  return {
    TEMPORAL_ADDRESS: temporalAddress(config),
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    ...(tls ? { TEMPORAL_TLS_CERT: tls.cert, TEMPORAL_TLS_KEY: tls.key, TEMPORAL_TLS_CA: tls.ca } : {}),
  };
}

/** sluice.yaml for a prebuilt fixture release on the process target behind HAProxy (seedStable first). */
export function fixtureSpec(w: CliWorker, service: string, version: string, steps: string, environment = 'production'): string {
  const ref = w.targetOf(service, environment);
  return [
    `service: ${service}`,
    `environment: ${environment}`,
    `source: { kind: prebuilt, version: "${version}", binaryPath: ${w.binaryOf(service, version)} }`,
    `target: ${JSON.stringify(ref.target)}`,
    `router: ${JSON.stringify(ref.router)}`,
    'strategy:',
    '  kind: canary',
    `  steps: ${steps}`,
    'healthCheck: { interval: 200ms, window: 1s, failureThreshold: 2, timeout: 1s }',
  ].join('\n');
}
