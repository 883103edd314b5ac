/**
 * One example service released through the process target behind its own HAProxy frontend, as
 * the end-to-end tests run it: go-service binaries per version, a block of instance ports, the
 * spec every test starts from (fast health checks), and deployWorkflow started on the test's
 * worker. Tests add their strategy, analysis and the rest as spec fields.
 */
import { join } from 'node:path';
import type { ProcessSupervisor } from '../../../src/activities/targets/process/supervisor-setting';
import type { TargetRef } from '../../../src/domain/ports';
import type { Release } from '../../../src/domain/release';
import type { ReleaseSpecInput } from '../../../src/domain/spec';
import { validateReleaseSpec } from '../../../src/domain/validate';
import type { deployWorkflow } from '../../../src/workflows';
import { deployWorkflowId } from '../../../src/workflows/ids';
import { catalogue, freePort, uniqueName } from '../../helpers/stack';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../../targets/fixtures';
import { versionsThroughRouter, type E2eWorker } from './e2e';
import { release } from './harness';

export interface ProcessServiceOptions {
  /** Service name prefix; the name is made unique per run. */
  prefix: string;
  environment?: string;
  /** Versions to build; the first binary of a version listed in `sameBinaryAs` is reused. */
  versions: string[];
  /** Versions that run another version's binary (a fault set in releaseEnv tells them apart). */
  sameBinaryAs?: Record<string, string>;
  /** Environment per version for the process target, e.g. a fault for the bad release. */
  releaseEnv?: Record<string, Record<string, string>>;
  drainTimeoutMs?: number;
  /** What runs the instances (target.settings.supervisor); the target's default (pid files) when unset. */
  supervisor?: ProcessSupervisor;
}

/** What a test may set on top of the base spec. */
export type SpecFields = Omit<ReleaseSpecInput, 'service' | 'environment' | 'source' | 'target' | 'router'>;

export class ProcessService {
  private constructor(
    private readonly e2e: E2eWorker,
    readonly service: string,
    readonly environment: string,
    readonly listenPort: number,
    readonly basePort: number,
    readonly binaries: Record<string, string>,
    private readonly options: ProcessServiceOptions,
  ) {}

  static async create(e2e: E2eWorker, options: ProcessServiceOptions): Promise<ProcessService> {
    const listenPort = await freePort();
    const basePort = await freePortBlock(5);
    const binaries: Record<string, string> = {};
    for (const version of options.versions) {
      const source = options.sameBinaryAs?.[version] ?? version;
      binaries[version] = await serviceBinary(source);
    }
    return new ProcessService(e2e, uniqueName(options.prefix).slice(0, 40), options.environment ?? 'e2e', listenPort, basePort, binaries, options);
  }

  router() {
    return { kind: 'haproxy' as const, settings: { listenPort: this.listenPort, drainTimeoutMs: this.options.drainTimeoutMs ?? 1000 } };
  }

  target() {
    return {
      kind: 'process' as const,
      // Pid files, logs and retained binaries in the worker's temp dir, removed with it.
      settings: {
        stateDir: join(this.e2e.dir, 'processes', this.service),
        basePort: this.basePort,
        env: FAST_STOP_ENV,
        stopTimeoutMs: 5000,
        readyTimeoutMs: 20000,
        ...(this.options.releaseEnv ? { releaseEnv: this.options.releaseEnv } : {}),
        ...(this.options.supervisor ? { supervisor: this.options.supervisor } : {}),
      },
    };
  }

  ref(): TargetRef {
    return { service: this.service, environment: this.environment, target: this.target(), router: this.router() };
  }

  spec(version: string, fields: SpecFields) {
    return validateReleaseSpec(
      {
        healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
        ...fields,
        service: this.service,
        environment: this.environment,
        source: { kind: 'prebuilt', version, binaryPath: this.binaries[version]! },
        target: this.target(),
        router: this.router(),
      } satisfies ReleaseSpecInput,
      catalogue,
    );
  }

  deploy(version: string, fields: SpecFields) {
    return this.e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: this.e2e.taskQueue,
      workflowId: deployWorkflowId(this.service, this.environment),
      args: [this.spec(version, fields)],
    });
  }

  /** A release of this service with its binary, as the target's activities take it. */
  release(version: string): Release {
    return { ...release(this.service, version), binaryPath: this.binaries[version]! };
  }

  /** Every version's release, for the worker's teardown. */
  releases(): Release[] {
    return this.options.versions.map((v) => this.release(v));
  }

  versionsThroughRouter(n: number): Promise<Record<string, number>> {
    return versionsThroughRouter(this.listenPort, n);
  }
}
