import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { join } from 'node:path';
import { defaultArtifactStore, ensureBaseImages } from '../activities/build';
import { packageRoot } from '../lib/paths';
import { freeLoopbackPort } from '../lib/ports';
import { SluiceClient, workerConnection, type ConnectionSettings, type DeploymentEvent, type DeploymentResult } from '../client';
import { dataConverterFromEnv } from '../lib/payload-encryption';
import { loadStackConfig, prometheusUrl, registryAddress } from '../dev/config';
import type { ReleaseSpec } from '../domain/spec';
import { createSluiceActivities } from '../worker/activities';
import { createPinoLogger } from '../worker/logger';
import { createWorker } from '../worker/worker';
import { createDemoRepo, injectErrors, touchReadme } from './repo';
import { demoSpec, DEMO_ENVIRONMENT } from './spec';
import { RESTORE_BUDGET_MS, summaryTable, type DemoRelease, type DemoView } from './summary';

export type { DemoView } from './summary';

export interface DemoOptions {
  /** Where Temporal is; the CLI resolves it from its flags and the embedded stack. */
  settings: ConnectionSettings;
  /** How lines look; the CLI passes its own formatters. */
  view: DemoView;
  keep?: boolean;
  target?: string;
  /** Where progress goes (tests capture it). */
  out?: NodeJS.WritableStream;
}

const EXPECTED: Record<string, DeploymentResult['outcome']> = { v1: 'promoted', v2: 'promoted', v3: 'rolled-back' };

const demoLogger = () => createPinoLogger({ level: process.env.SLUICE_DEMO_LOG_LEVEL ?? 'warn' });

/** The builder (with the example service's modules) and runtime base images, made locally. */
function demoBaseImages(docker: Docker, logger: ReturnType<typeof demoLogger>) {
  return ensureBaseImages({ docker, goModuleDir: join(packageRoot(), 'examples', 'go-service'), logger });
}

/**
 * What the demo needs before it can release, without Temporal: the local base images (dockerd
 * must run). `npm run demo` prepares them while the Temporal dev server is still being built.
 */
export async function prepareDemo(opts: { out?: NodeJS.WritableStream } = {}): Promise<void> {
  const out = opts.out ?? process.stdout;
  const stack = loadStackConfig();
  const docker = new Docker({ socketPath: stack.docker.socket });
  const started = Date.now();
  out.write('preparing base images (offline, cached after the first run)…\n');
  await demoBaseImages(docker, demoLogger());
  out.write(`base images ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

/**
 * `sluice demo`: three real releases of examples/go-service on the embedded stack.
 *   v1  first release, installed;
 *   v2  a good change, canary with analysis, promoted;
 *   v3  a bad change (FAULT_ERROR_RATE baked in), rolled back automatically by analysis.
 * It runs its own worker in this process on a unique task queue, takes versions from a temporary
 * git repository, and removes what it started at the end (the stack keeps running).
 * Resolves true when the three releases ended as expected.
 */
export async function runDemo(opts: DemoOptions): Promise<boolean> {
  const out = opts.out ?? process.stdout;
  const say = (line = '') => out.write(`${line}\n`);
  const target = opts.target === 'process' ? 'process' : 'docker';
  const stack = loadStackConfig();
  const { settings, view } = opts;
  const id = randomBytes(3).toString('hex');
  const service = `go-demo-${id}`;
  const taskQueue = `sluice-demo-${id}`;

  const client = await SluiceClient.connect(settings, { taskQueue });
  const logger = demoLogger();
  try {
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // A runtime is installed already (tests); keep it.
  }
  // As `sluice worker` connects, and encrypting payloads when the CLI does (SLUICE_CODEC_KEYS_FILE).
  const connection = await NativeConnection.connect(workerConnection(settings));
  const dataConverter = dataConverterFromEnv(process.env);
  const docker = new Docker({ socketPath: stack.docker.socket });
  const artifactStore = defaultArtifactStore(stack.stateDir);
  say(`Sluice demo: service ${service}, environment ${DEMO_ENVIRONMENT}, ${target} target behind HAProxy`);
  say(`worker on task queue ${taskQueue}; Temporal ${settings.address}; Web UI ${settings.uiUrl}`);
  say('preparing base images (offline, cached after the first run)…');
  const base = await demoBaseImages(docker, logger);
  const activities = createSluiceActivities({
    docker,
    artifactStore,
    prometheusUrl: prometheusUrl(stack),
    prometheusTargetsDir: stack.prometheus.targetsDir,
    logger,
    // Image builds use the locally prepared base images: nothing is pulled from a registry.
    defaultBuildArgs: { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage },
  });
  const worker = await createWorker({ connection, namespace: settings.namespace, taskQueue, activities, ...(dataConverter ? { dataConverter } : {}) });
  const running = worker.run();
  const repo = await createDemoRepo();
  const routerPort = await freeLoopbackPort();
  say(`the service answers through HAProxy at http://127.0.0.1:${routerPort}/`);
  const releases: DemoRelease[] = [];
  let lastSpec: ReleaseSpec | undefined;

  try {
    const steps: { label: string; tag: string; message: string; change?: (dir: string) => void }[] = [
      { label: 'v1', tag: 'v1.0.0', message: 'feat: first release of the demo service' },
      { label: 'v2', tag: 'v2.0.0', message: 'feat: friendlier greeting (good change)', change: touchReadme('v2: friendlier greeting') },
      { label: 'v3', tag: 'v3.0.0', message: 'fix: tune defaults (bad change: 30% of requests fail)', change: injectErrors(0.3) },
    ];
    for (const step of steps) {
      const commit = await repo.release(step.tag, step.message, step.change);
      say();
      say(`── ${step.label}: ${step.tag} (${commit}) ${step.message}`);
      lastSpec = demoSpec({ service, repoDir: repo.dir, imageRepo: `${registryAddress(stack)}/${service}`, target, routerPort });
      const started = await client.deploy(lastSpec);
      say(`   workflow ${started.workflowId}  ${started.link}`);
      let result: DeploymentResult | undefined;
      let events: DeploymentEvent[] = [];
      const seen = new Set<string>();
      for await (const event of client.watch({ service, environment: DEMO_ENVIRONMENT }, { runId: started.runId })) {
        const status = event.status;
        if (status) {
          events = status.events;
          for (const e of status.events) {
            const key = `${e.at}|${e.type}|${e.message}`;
            if (seen.has(key)) continue;
            seen.add(key);
            say(`   ${view.eventLine(e, status.startedAt)}`);
          }
        }
        if (event.kind === 'result') result = event.result;
      }
      if (!result) throw new Error(`lost track of ${started.workflowId}`);
      say(`   ${view.outcomeLabel(result)}`);
      releases.push({ label: step.label, result, events, link: started.link });
      if (result.outcome !== EXPECTED[step.label]) {
        say(`   expected ${EXPECTED[step.label]}; stopping here`);
        break;
      }
    }
  } catch (err) {
    say(`demo stopped: ${(err as Error).message}`);
  } finally {
    if (!opts.keep && lastSpec) await removeDemoService(activities, lastSpec, releases).catch((err: unknown) => say(`cleanup: ${(err as Error).message}`));
    worker.shutdown();
    await running.catch(() => undefined);
    await connection.close();
    repo.remove();
  }

  say();
  say(summaryTable(releases, view));
  const ok = releases.length === 3 && releases.every((r) => r.result.outcome === EXPECTED[r.label]);
  const restore = releases.find((r) => r.label === 'v3')?.result.timeToRollbackMs;
  say();
  if (restore !== null && restore !== undefined) say(`time to restore ${view.formatMs(restore)} (budget ${view.formatMs(RESTORE_BUDGET_MS)})`);
  say(`history: sluice history ${service} ${DEMO_ENVIRONMENT}`);
  say(ok ? 'demo OK: v1 installed, v2 promoted, v3 rolled back automatically' : 'demo did not go as expected (see above)');
  await client.close();
  return ok;
}

/** Stops the demo's containers/processes and router entries; images stay retained in the registry. */
async function removeDemoService(activities: Pick<ReturnType<typeof createSluiceActivities>, 'retireRelease'>, spec: ReleaseSpec, releases: DemoRelease[]): Promise<void> {
  const ref = { service: spec.service, environment: spec.environment, target: spec.target, router: spec.router };
  const seen = new Set<string>();
  for (const r of releases) {
    for (const release of [r.result.release, r.result.previous]) {
      if (!release || seen.has(release.version)) continue;
      seen.add(release.version);
      await activities.retireRelease({ ...ref, release });
    }
  }
}
