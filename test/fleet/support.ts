/**
 * A fleet on this machine for tests and benchmarks: hosts at 127.0.0.2, .3, …, each with its own
 * `sluice agent` process (real, on its own task queue) and state directory, the example service
 * under the process target (each host's own supervisord) or the docker target (each host's own
 * dockerd, images pulled from the stack's registry by digest), and the HAProxy router in front of
 * every host run by an in-process worker wired like production.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { HostInventory } from '../../src/domain/ports';
import { runCli } from '../cli/helpers';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import pino from 'pino';
import type { DockerHost } from '../../src/dev/components/docker-host';
import type { FleetHost } from '../../src/domain/fleet';
import type { ReleaseSpecInput } from '../../src/domain/spec';
import { validateReleaseSpec } from '../../src/domain/validate';
import { stopSupervisord, supervisordLayout } from '../../src/lib/supervisord-instance';
import { packageRoot } from '../../src/lib/paths';
import { agentActivities } from '../../src/worker/agent';
import type { deployWorkflow } from '../../src/workflows';
import { deployWorkflowId } from '../../src/workflows/ids';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { adapterConfig, catalogue, eventually, freePort, stack, uniqueName } from '../helpers/stack';
import type { DeploymentStatus } from '../../src/domain/status';
import { statusQuery } from '../../src/workflows/definitions';
import { hostGroupId } from '../../src/activities/metrics/scrape-groups';
import { unregisterScrapeGroup } from '../../src/lib/prometheus-sd';
import { FAST_STOP_ENV, freePortBlock, serviceBinary } from '../targets/fixtures';
import { retainBinary, startE2eWorker, type E2eWorker } from '../workflows/support/e2e';
import { serviceImages, startHostEngines, stopHostEngines } from './docker-hosts';

export type RollingInput = Extract<ReleaseSpecInput['strategy'], { kind: 'rolling' }>;

export interface FleetOptions {
  /** What runs the service on each host: processes under its supervisord (default), or containers on its own dockerd. */
  target?: 'process' | 'docker';
}

export class Fleet {
  readonly agents = new Map<string, ChildProcess>();
  /** Docker fleets: each host's own engine, by host name. */
  readonly engines = new Map<string, DockerHost>();
  /** Docker fleets: each version's image in the stack's registry, pinned by digest. */
  readonly images: Record<string, string> = {};

  private constructor(
    readonly e2e: E2eWorker,
    readonly target: 'process' | 'docker',
    readonly service: string,
    readonly environment: string,
    readonly hosts: FleetHost[],
    readonly listenPort: number,
    readonly basePort: number,
    readonly binaries: Record<string, string>,
    private readonly stateRoot: string,
  ) {}

  /**
   * `count` hosts from 127.0.0.2 up, their agents started, every version's binary retained (and,
   * for docker, its image pushed and every host's engine started). Whatever started is stopped
   * again when a later step fails.
   */
  static async create(prefix: string, count: number, versions: readonly string[], options: FleetOptions = {}): Promise<Fleet> {
    const e2e = await startE2eWorker(prefix);
    const hosts = Array.from({ length: count }, (_, i) => ({ name: uniqueName(`${prefix}h${i + 1}`).slice(0, 40), address: `127.0.0.${i + 2}` }));
    const binaries = Object.fromEntries(await Promise.all(versions.map(async (v) => [v, await serviceBinary(v)] as const)));
    const fleet = new Fleet(
      e2e,
      options.target ?? 'process',
      uniqueName(prefix).slice(0, 40),
      'e2e',
      hosts,
      await freePort(),
      await freePortBlock(5),
      binaries,
      mkdtempSync(join(tmpdir(), `sluice-${prefix}-`)),
    );
    try {
      // Retained as a build would retain them, so `sluice rollback` finds the older versions.
      if (fleet.target === 'process') for (const v of versions) retainBinary(join(e2e.dir, 'artifacts'), fleet.service, v, binaries[v]!);
      else {
        Object.assign(fleet.images, await serviceImages(e2e.docker, fleet.service, versions));
        for (const [name, engine] of await startHostEngines(hosts)) fleet.engines.set(name, engine);
      }
      await Promise.all(hosts.map((h) => fleet.startAgent(h)));
    } catch (err) {
      await fleet.stop();
      throw err;
    }
    return fleet;
  }

  async startAgent(host: FleetHost): Promise<void> {
    // A docker host's agent drives that host's engine only, and needs no supervisord.
    const engine = this.engines.get(host.name);
    const hostArgs = engine ? ['--docker-socket', engine.paths.socket, '--supervisor', 'pidfile'] : [];
    const child = spawnNode(join(packageRoot(), 'bin', 'sluice.js'), [
      'agent',
      '--host',
      host.name,
      '--host-address',
      host.address,
      '--state-dir',
      this.hostDir(host),
      ...hostArgs,
    ]);
    this.agents.set(host.name, child);
    await waitForLine(child, 'agent started', 60_000);
  }

  killAgent(host: FleetHost): Promise<void> {
    return killHard(this.agents.get(host.name)!);
  }

  private hostDir(host: FleetHost): string {
    return join(this.stateRoot, host.name);
  }

  /** `extra`: target settings on top of the fixture's (releaseEnv for a faulty version), the spec's analysis settings. */
  spec(version: string, strategy: Partial<RollingInput> = {}, extra: { target?: Record<string, unknown>; analysis?: ReleaseSpecInput['analysis'] } = {}) {
    return validateReleaseSpec(
      {
        service: this.service,
        environment: this.environment,
        ...this.where(version, extra.target),
        router: { kind: 'haproxy', settings: { listenPort: this.listenPort, drainTimeoutMs: 2000 } },
        strategy: { kind: 'rolling', canaryHosts: 1, batchSize: 1, checks: { window: '1s' }, agentTimeout: '30s', ...strategy },
        hosts: this.hosts,
        healthCheck: { interval: '300ms', window: '1s', failureThreshold: 3, timeout: '1s' },
        ...(extra.analysis ? { analysis: extra.analysis } : {}),
      } satisfies ReleaseSpecInput,
      catalogue,
    );
  }

  /** The release's source and target: a binary under each host's supervisord, or an image on each host's engine. */
  private where(version: string, settings: Record<string, unknown> = {}): Pick<ReleaseSpecInput, 'source' | 'target'> {
    if (this.target === 'docker') {
      return {
        source: { kind: 'prebuilt', version, imageRef: this.images[version]! },
        target: { kind: 'docker', settings: { basePort: this.basePort, env: FAST_STOP_ENV, stopTimeoutSec: 5, readyTimeoutMs: 20000, ...settings } },
      };
    }
    return {
      source: { kind: 'prebuilt', version, binaryPath: this.binaries[version]! },
      target: { kind: 'process', settings: { basePort: this.basePort, env: FAST_STOP_ENV, stopTimeoutMs: 5000, readyTimeoutMs: 20000, ...settings } },
    };
  }

  deploy(spec: ReturnType<Fleet['spec']>): Promise<WorkflowHandle<typeof deployWorkflow>> {
    return this.e2e.client.workflow.start<typeof deployWorkflow>('deployWorkflow', {
      taskQueue: this.e2e.taskQueue,
      workflowId: deployWorkflowId(this.service, this.environment),
      args: [spec],
    });
  }

  /**
   * What answers on each host's two stable ports (basePort, basePort + 1): one `port → version`
   * entry per live instance. A host switched in place keeps its port; switched blue-green, it
   * alternates, and only one instance may be left once a switch is done.
   */
  async instancesOnHosts(): Promise<Record<string, Record<number, string>>> {
    const out: Record<string, Record<number, string>> = {};
    for (const h of this.hosts) {
      out[h.name] = {};
      for (const port of [this.basePort, this.basePort + 1]) {
        const res = await fetch(`http://${h.address}:${port}/version`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
        if (res?.ok) out[h.name]![port] = ((await res.json()) as { version: string }).version;
      }
    }
    return out;
  }

  /** The version each host serves: its one live instance's, or what is wrong ("down", or two instances). */
  async versionsOnHosts(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [host, instances] of Object.entries(await this.instancesOnHosts())) {
      const versions = Object.values(instances);
      out[host] = versions.length === 1 ? versions[0]! : versions.length === 0 ? 'down' : `two instances: ${JSON.stringify(instances)}`;
    }
    return out;
  }

  /** `sluice releases <service> <env> --output json`, as a person runs it: what each host runs and keeps. */
  async releasesByCli(): Promise<HostInventory[]> {
    const cli = await runCli(['releases', this.service, this.environment, '--task-queue', this.e2e.taskQueue, '--output', 'json'], { cwd: tmpdir() });
    assert.equal(cli.code, 0, cli.stderr);
    return (JSON.parse(cli.stdout) as { hosts: HostInventory[] }).hosts;
  }

  all(version: string): Record<string, string> {
    return Object.fromEntries(this.hosts.map((h) => [h.name, version]));
  }

  /**
   * Stops the agents, then every instance on every host (through the agent's own code, or every
   * container on the host's engine), each host's supervisord or dockerd, the host scrape groups,
   * the router and the worker.
   */
  async stop(): Promise<void> {
    for (const child of this.agents.values()) await killHard(child);
    if (this.target === 'docker') await this.stopDockerHosts();
    else await this.stopProcessHosts();
    await this.e2e.stop(
      () => ({
        service: this.service,
        environment: this.environment,
        target: { kind: this.target, settings: {} },
        router: { kind: 'haproxy', settings: { listenPort: this.listenPort } },
      }),
      [],
    );
    rmSync(this.stateRoot, { recursive: true, force: true });
  }

  private async stopDockerHosts(): Promise<void> {
    await stopHostEngines(this.hosts, this.engines);
    for (const h of this.hosts) await this.unregisterHost(h);
    // The images built for the test on the stack's engine (the registry keeps its copies, as after any release).
    for (const ref of Object.values(this.images))
      await this.e2e.docker
        .getImage(ref)
        .remove({ force: true })
        .catch(() => undefined);
  }

  private unregisterHost(h: FleetHost): Promise<void> {
    return unregisterScrapeGroup(stack.prometheus.targetsDir, hostGroupId({ service: this.service, environment: this.environment, host: h.name }));
  }

  private async stopProcessHosts(): Promise<void> {
    for (const h of this.hosts) {
      const supervisord = join(this.hostDir(h), 'supervisord');
      const acts = agentActivities(
        { ...adapterConfig, stateDir: this.hostDir(h), processSupervisor: { kind: 'supervisord' }, supervisordSocket: supervisordLayout(supervisord).socket },
        pino({ level: 'silent' }),
      );
      const target = { kind: 'process', settings: { basePort: this.basePort, host: h.address } };
      for (const version of Object.keys(this.binaries)) {
        await acts
          .retireRelease({
            service: this.service,
            environment: this.environment,
            target,
            router: { kind: 'none', settings: {} },
            release: { service: this.service, version, imageTag: '', commit: '' },
          })
          .catch(() => undefined);
      }
      await stopSupervisord(supervisord);
      await this.unregisterHost(h);
    }
  }
}

/** The release's status once an event matches `pattern` (queried every 200 ms). */
export function waitForEvent(handle: WorkflowHandle<typeof deployWorkflow>, pattern: RegExp, timeoutMs = 120_000): Promise<DeploymentStatus> {
  return eventually(
    `an event matching ${pattern}`,
    async () => {
      const st = await handle.query(statusQuery).catch(() => undefined);
      return st?.events.some((e) => pattern.test(e.message)) ? st : undefined;
    },
    timeoutMs,
    200,
  );
}
