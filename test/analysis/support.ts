/**
 * Real example-service instances for the analysis tests: the shared cached build of the example
 * service (test/targets/fixtures), run as child processes on free loopback ports with the fault
 * injection settings, registered with Prometheus through file SD (role labels), and stopped and
 * unregistered afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { prometheusUrl } from '../../src/dev/config';
import { createMetricsActivities, type MetricsDeps } from '../../src/activities/metrics';
import { createLoadActivities } from '../../src/activities/load';
import { Registry } from 'prom-client';
import { createReleaseMetrics, releaseMetricsSinks } from '../../src/worker/release-metrics';
import type { Role } from '../../src/activities/metrics/providers';
import { dataConverterOption, eventually, freePort, nativeConnection, stack, uniqueName } from '../helpers/stack';
import { serviceBinary } from '../targets/fixtures';

export interface Instance {
  role: Role;
  addr: string;
  url: string;
  child: ChildProcess;
}

export interface InstanceOptions {
  role: Role;
  version?: string;
  errorRate?: number;
  latencyMs?: number;
}

/** Everything one test started, stopped in reverse by `close()`. */
export class Fleet {
  readonly service = uniqueName('an');
  readonly environment = 'test';
  readonly instances: Instance[] = [];
  private readonly roles = new Set<Role>();
  readonly metrics = createMetricsActivities({ prometheusUrl: prometheusUrl(stack), targetsDir: stack.prometheus.targetsDir });

  async start(opts: InstanceOptions): Promise<Instance> {
    const binary = await serviceBinary(opts.version ?? '1.0.0');
    const port = await freePort();
    const addr = `127.0.0.1:${port}`;
    const child = spawn(binary, [], {
      env: {
        PATH: process.env.PATH ?? '',
        ADDR: addr,
        LOG_LEVEL: 'warn',
        DRAIN_DELAY: '0s',
        FAULT_ERROR_RATE: String(opts.errorRate ?? 0),
        FAULT_LATENCY_MS: String(opts.latencyMs ?? 0),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const instance: Instance = { role: opts.role, addr, url: `http://${addr}`, child };
    this.instances.push(instance);
    await eventually(`${opts.role} instance on ${addr}`, async () => ((await fetch(`http://${addr}/healthz`)).ok ? true : undefined), 20000, 100);
    await this.metrics.registerTargets({ service: this.service, environment: this.environment, role: opts.role, version: opts.version ?? '1.0.0', targets: [addr] });
    this.roles.add(opts.role);
    return instance;
  }

  /** Waits until Prometheus has scraped every instance at least twice (rate() needs two points). */
  async scraped(): Promise<void> {
    for (const role of this.roles) {
      await eventually(
        `Prometheus to scrape ${role}`,
        async () => {
          const q = `count_over_time(up{service="${this.service}",role="${role}"}[1m])`;
          const res = await fetch(`${prometheusUrl(stack)}/api/v1/query?query=${encodeURIComponent(q)}`);
          const body = (await res.json()) as { data: { result: { value: [number, string] }[] } };
          const n = Number(body.data.result[0]?.value[1] ?? 0);
          return n >= 2 ? true : undefined;
        },
        30000,
        250,
      );
    }
  }

  async close(): Promise<void> {
    for (const role of this.roles) await this.metrics.unregisterTargets({ service: this.service, environment: this.environment, role });
    for (const i of this.instances.reverse()) {
      if (i.child.exitCode !== null || i.child.signalCode !== null) continue;
      const exited = new Promise((r) => i.child.once('exit', r));
      i.child.kill('SIGKILL');
      await exited;
    }
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
const noop = (): undefined => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export function analysisBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows/analysis'), logger: quietLogger });
  return bundle;
}

/** A bundle of other workflow code (e.g. a parent fixture that starts the analysis child). */
export function bundleOf(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath, logger: quietLogger });
}

export interface TestWorker {
  taskQueue: string;
  close(): Promise<void>;
}

/** An in-process worker on its own task queue with the real metric and load activities. */
export async function startWorker(deps: Partial<MetricsDeps> = {}, workflowBundle: Promise<WorkflowBundleWithSourceMap> = analysisBundle()): Promise<TestWorker> {
  const connection = await nativeConnection();
  const taskQueue = uniqueName('analysis');
  const worker = await Worker.create({
    connection,
    namespace: stack.temporal.namespace,
    taskQueue,
    workflowBundle: await workflowBundle,
    ...dataConverterOption(),
    // analysisWorkflow reports its measurements to this sink; counted here into a registry nobody serves.
    sinks: releaseMetricsSinks(createReleaseMetrics(new Registry())),
    activities: {
      ...createMetricsActivities({ prometheusUrl: prometheusUrl(stack), targetsDir: stack.prometheus.targetsDir, ...deps }),
      ...createLoadActivities(),
    },
  });
  const running = worker.run();
  return {
    taskQueue,
    async close() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

/** A loopback port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  return freePort();
}
