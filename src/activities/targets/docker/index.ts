import type Docker from 'dockerode';
import { registryHostOf, repositoryOf } from '../../../domain/image-refs';
import { compare } from 'semver';
import { z } from 'zod';
import type { AdapterConfig, DockerEngine } from '../../config';
import { secretSourcesOf, type SecretSources } from '../../config-sources/secrets';
import { loopbackTargetAdapter } from '../../deploy/loopback';
import { heartbeatIfActivity } from '../activity-context';
import { nothingListens, portFree, waitForReady, waitPortFree } from '../readiness';
import {
  configHash,
  EnvSettings,
  ReadinessSettings,
  instanceEnv,
  instanceSecrets,
  parseSettings,
  portLayout,
  PortSettings,
  safeName,
  slotPort,
  type PortLayout,
} from '../settings';
import {
  endpointsOf,
  freeStableSlot,
  runningStableOf,
  instanceUrl,
  pickCurrent,
  roleOfSlot,
  type CandidateRole,
  type Instance,
  type Slot,
  type StartRequest,
  type Target,
  type TargetScope,
  releaseFromLabels,
} from '../target';
import { ErrorType, badInput } from '../../../domain/errors';
import { imageTagForVersion } from '../../../domain/release';
import { readRecordedConfig, recordConfig } from '../recorded-config';
import { versionFromImageTag } from '../../build/version';
import { DockerEngineSettings, dockerClientFor, isRemote, loopbackAddressOf, parseEngineHost } from './engine';
import { dockerAuthConfig, loadRegistryCredentials, type RegistryCredentials } from '../../registry/credentials';
import { dockerRegistryFailure } from '../../registry/access';
import { errorMessage } from '../../build/errors';

export const DockerTargetSettings = PortSettings.extend(EnvSettings.shape)
  .extend(ReadinessSettings.shape)
  .extend({
    /** Docker engine socket; by default the one the worker is configured with (AdapterConfig.dockerSocket). */
    socket: z.string().optional(),
    /**
     * The Docker engine, `unix:///path` or `tcp://addr:port` with TLS client certificates (a remote
     * host's engine); by default AdapterConfig.dockerEngine, else the socket. `host` defaults to
     * the engine's address when that is a loopback IP, so instances answer where the engine runs.
     */
    engine: DockerEngineSettings.optional(),
    /** SIGTERM, then SIGKILL after this many seconds (the example service drains for 2s + grace). */
    stopTimeoutSec: z.number().int().min(0).default(15),
  })
  .refine((s) => !(s.socket !== undefined && s.engine !== undefined), { path: ['engine'], message: 'give engine or socket, not both' });
export type DockerTargetSettings = z.infer<typeof DockerTargetSettings>;

export const LABEL = {
  service: 'sluice.service',
  environment: 'sluice.environment',
  role: 'sluice.role',
  release: 'sluice.release',
  workflowId: 'sluice.workflow-id',
  slot: 'sluice.slot',
  port: 'sluice.port',
  image: 'sluice.image',
  generation: 'sluice.generation',
  config: 'sluice.config-hash',
  /** The release's configuration (src/activities/targets/recorded-config.ts); absent without one. */
  releaseConfig: 'sluice.release-config',
} as const;

const SLOT_NAMES = new Set<string>(['stable-a', 'stable-b', 'canary', 'baseline', 'preview']);

/**
 * Releases as containers on the host network of the engine's host, one port per slot on
 * `settings.host`, images pinned by digest. Everything the target knows it reads back from
 * container labels.
 */
export class DockerTarget implements Target {
  readonly kind = 'docker';
  private readonly settings: DockerTargetSettings;
  /** Whether the engine is on another host: its ports are checked by connecting, not binding. */
  private readonly remote: boolean;

  /**
   * `engine`: where `docker` points, when not the settings' own (AdapterConfig.dockerEngine).
   * `secretSources`: where a release's secrets are read when an instance starts.
   * `registryCredentials`: what the engine is given to pull from a registry that wants them (the
   * worker's, from its environment; src/activities/registry/credentials.ts).
   */
  constructor(
    private readonly docker: Docker,
    rawSettings: unknown,
    engine?: DockerEngine,
    private readonly secretSources: SecretSources = { env: process.env },
    private readonly registryCredentials: (registryHost: string) => RegistryCredentials | undefined = (host) => loadRegistryCredentials(host),
  ) {
    const settings = parseSettings(DockerTargetSettings, rawSettings, 'docker target');
    const inEffect = settings.engine ?? engine;
    const hostGiven = typeof (rawSettings as { host?: unknown } | undefined)?.host === 'string';
    const engineAddress = inEffect ? loopbackAddressOf(inEffect) : undefined;
    this.settings = !hostGiven && engineAddress ? { ...settings, host: engineAddress } : settings;
    this.remote = inEffect ? isRemote(inEffect) : false;
  }

  private layout(scope: TargetScope): PortLayout {
    return portLayout(this.settings, scope.service, scope.environment);
  }

  async instances(scope: TargetScope): Promise<Instance[]> {
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.service}=${scope.service}`, `${LABEL.environment}=${scope.environment}`] },
    });
    const out: Instance[] = [];
    for (const c of list) {
      const l = c.Labels ?? {};
      const slot = l[LABEL.slot];
      if (!slot || !SLOT_NAMES.has(slot)) continue;
      const version = l[LABEL.release] ?? '';
      out.push({
        role: roleOfSlot(slot as Slot),
        slot: slot as Slot,
        release: releaseFromLabels(scope.service, version, l[LABEL.image] ?? c.Image, undefined, readRecordedConfig(l[LABEL.releaseConfig])),
        host: this.settings.host,
        port: Number(l[LABEL.port]),
        id: c.Id,
        running: c.State === 'running',
        generation: Number(l[LABEL.generation] ?? 0),
        configHash: l[LABEL.config] ?? '',
        workflowId: l[LABEL.workflowId] ?? '',
      });
    }
    return out;
  }

  async currentRelease(scope: TargetScope): Promise<Instance | undefined> {
    return pickCurrent(await this.instances(scope));
  }

  deployCandidate(scope: TargetScope, role: CandidateRole, request: StartRequest): Promise<Instance> {
    return this.ensure(scope, role, request);
  }

  async promoteCandidate(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance> {
    const all = await this.instances(scope);
    // A stable of this release that already runs (a warm previous release, or this call's
    // earlier attempt) is reused as it is: rollback to it is then only a router flip.
    const existing = runningStableOf(all, request.release);
    if (existing && (await this.ready(existing))) return existing;
    return this.ensure(scope, freeStableSlot(all, request.inPlace ?? false, existing), request);
  }

  rollbackToRelease(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance> {
    return this.promoteCandidate(scope, request);
  }

  async removeCandidate(scope: TargetScope, role: CandidateRole): Promise<Instance[]> {
    const victims = (await this.instances(scope)).filter((i) => i.slot === role);
    for (const v of victims) await this.removeInstance(scope, v);
    return victims;
  }

  async retireRelease(scope: TargetScope, version: string): Promise<Instance[]> {
    const victims = (await this.instances(scope)).filter((i) => i.release.version === version);
    for (const v of victims) await this.removeInstance(scope, v);
    return victims;
  }

  async endpoints(scope: TargetScope) {
    return endpointsOf(await this.instances(scope));
  }

  /**
   * The versions whose images this engine still holds, oldest first: the version tags
   * (`<repo>:<image tag>`, see tagRelease) of the repositories the service's containers run from.
   * What a fleet host can start again, or had pulled, without asking anyone.
   */
  async retained(scope: TargetScope): Promise<string[]> {
    const repos = new Set((await this.instances(scope)).flatMap((i) => (i.release.imageRef ? [repositoryOf(i.release.imageRef)] : [])));
    if (repos.size === 0) return [];
    const versions = new Set<string>();
    for (const image of await this.docker.listImages()) {
      for (const repoTag of image.RepoTags ?? []) {
        const colon = repoTag.lastIndexOf(':');
        const version = repos.has(repoTag.slice(0, colon)) ? versionFromImageTag(repoTag.slice(colon + 1))?.version : undefined;
        if (version) versions.add(version);
      }
    }
    return [...versions].sort(compare);
  }

  async removeInstance(_scope: TargetScope, instance: Pick<Instance, 'id'>): Promise<void> {
    const c = this.docker.getContainer(instance.id);
    try {
      await c.stop({ t: this.settings.stopTimeoutSec });
    } catch (err) {
      if (!isStatus(err, 304) && !isStatus(err, 404)) throw err;
    }
    try {
      await c.remove({ force: true });
    } catch (err) {
      // 409: removal already in progress (a concurrent retry of this activity).
      if (!isStatus(err, 404) && !isStatus(err, 409)) throw err;
    }
  }

  /** Check before create: the container of this slot with the same config is reused when ready. */
  private async ensure(scope: TargetScope, slot: Slot, request: StartRequest): Promise<Instance> {
    const imageRef = request.release.imageRef;
    if (!imageRef) {
      throw badInput(ErrorType.MissingArtifact, `release ${request.release.version} of ${scope.service} has no imageRef; the docker target runs images pinned by digest`);
    }
    const port = slotPort(this.layout(scope), slot);
    const env = { ...instanceEnv(this.settings, slot, request.release, request.env), ADDR: `${this.settings.host}:${port}`, PORT: String(port) };
    // Secrets by name in the hash (it is a label), their values only in the container's env.
    const secretNames = request.release.config?.version.secrets ?? [];
    const hash = configHash({ imageRef, env, port, slot, ...(secretNames.length > 0 ? { secrets: secretNames } : {}) });
    const inSlot = (await this.instances(scope)).filter((i) => i.slot === slot);
    const same = inSlot.find((i) => i.configHash === hash && i.running);
    if (same) {
      await this.awaitReady(scope, same);
      return same;
    }
    for (const old of inSlot) await this.removeInstance(scope, old);
    if (!(await waitPortFree(this.settings.host, port, 5000, this.remote ? nothingListens : portFree))) {
      throw badInput(
        ErrorType.PortInUse,
        `port ${this.settings.host}:${port} of the ${slot} slot of ${scope.service}/${scope.environment} is used by something Sluice did not start`,
      );
    }
    const secrets = await instanceSecrets(request.release, this.secretSources);
    await this.ensureImage(imageRef);
    await this.tagRelease(imageRef, request.release.version);
    const generation = Date.now();
    const labels: Record<string, string> = {
      [LABEL.service]: scope.service,
      [LABEL.environment]: scope.environment,
      [LABEL.role]: roleOfSlot(slot),
      [LABEL.release]: request.release.version,
      [LABEL.workflowId]: scope.workflowId,
      [LABEL.slot]: slot,
      [LABEL.port]: String(port),
      [LABEL.image]: imageRef,
      [LABEL.generation]: String(generation),
      [LABEL.config]: hash,
      ...(request.release.config ? { [LABEL.releaseConfig]: recordConfig(request.release.config) } : {}),
    };
    const container = await this.docker.createContainer({
      name: safeName('sluice', scope.service, scope.environment, slot),
      Image: imageRef,
      Env: Object.entries({ ...env, ...secrets }).map(([k, v]) => `${k}=${v}`),
      Labels: labels,
      StopSignal: 'SIGTERM',
      StopTimeout: this.settings.stopTimeoutSec,
      HostConfig: { NetworkMode: 'host', RestartPolicy: { Name: 'unless-stopped', MaximumRetryCount: 0 } },
    });
    await container.start();
    const instance: Instance = {
      role: roleOfSlot(slot),
      slot,
      release: releaseFromLabels(scope.service, request.release.version, imageRef, undefined, request.release.config),
      host: this.settings.host,
      port,
      id: container.id,
      running: true,
      generation,
      configHash: hash,
      workflowId: scope.workflowId,
    };
    await this.awaitReady(scope, instance);
    return instance;
  }

  private async ready(instance: Instance): Promise<boolean> {
    const r = await waitForReady(`${instanceUrl(instance)}${this.settings.readyPath}`, 0, async () => undefined);
    return r.ok;
  }

  private async awaitReady(scope: TargetScope, instance: Instance): Promise<void> {
    const url = `${instanceUrl(instance)}${this.settings.readyPath}`;
    const result = await waitForReady(url, this.settings.readyTimeoutMs, async () => {
      try {
        const info = await this.docker.getContainer(instance.id).inspect();
        if (info.State.Running) return undefined;
        return `container exited with code ${info.State.ExitCode}: ${await this.logTail(instance.id)}`;
      } catch (err) {
        return isStatus(err, 404) ? 'container disappeared' : undefined;
      }
    });
    if (!result.ok) {
      throw badInput(ErrorType.InstanceNotReady, `${scope.service} ${instance.release.version} (${instance.slot}) is not ready: ${result.reason}`);
    }
  }

  private async logTail(id: string): Promise<string> {
    try {
      const buf = (await this.docker.getContainer(id).logs({ stdout: true, stderr: true, tail: 10 })) as unknown as Buffer;
      // Multiplexed stream frames carry an 8-byte header; strip non-printables for the message.
      return buf
        .toString('utf8')
        .replace(/[^\x20-\x7e\n]/g, '')
        .trim()
        .slice(-800);
    } catch {
      return '(no logs)';
    }
  }

  /**
   * Names the digest-pinned image by its version tag on this engine, as `docker pull <repo>:<tag>`
   * would have: an image pulled by digest has no tag, so nothing on the engine would say which
   * version it is once its container is gone (retained reads these tags). Tagging again is a no-op.
   * The tag is the one a Sluice build pushes (v1.4.3-a1b2c3d); a version that has no such tag (no
   * commit in its build metadata) is left untagged rather than given a tag the registry lacks.
   */
  private async tagRelease(imageRef: string, version: string): Promise<void> {
    const tag = imageTagForVersion(version);
    if (versionFromImageTag(tag)?.version !== version) return;
    await this.docker.getImage(imageRef).tag({ repo: repositoryOf(imageRef), tag });
  }

  /**
   * Pulls the digest-pinned image unless the engine already has it, giving the engine the worker's
   * credentials for its registry (X-Registry-Auth; dockerd keeps its own TLS trust). A refusal or
   * an untrusted certificate is a typed, non-retryable error; its message never holds the password.
   */
  private async ensureImage(ref: string): Promise<void> {
    try {
      await this.docker.getImage(ref).inspect();
      return;
    } catch (err) {
      if (!isStatus(err, 404)) throw err;
    }
    const registry = registryHostOf(ref);
    const credentials = registry ? this.registryCredentials(registry) : undefined;
    const failure = (message: string) => (registry ? dockerRegistryFailure(registry, `the pull of ${ref}`, message) : undefined);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await this.docker.pull(ref, credentials ? { authconfig: dockerAuthConfig(registry!, credentials) } : {});
    } catch (err) {
      throw failure(errorMessage(err)) ?? err;
    }
    const events = await new Promise<{ error?: string }[]>((resolve, reject) => {
      this.docker.modem.followProgress(
        stream,
        (err: Error | null, output: { error?: string }[]) => (err ? reject(err) : resolve(output ?? [])),
        () => heartbeatIfActivity({ pulling: ref }),
      );
    });
    // A pull that fails once its stream has begun says so in the stream, not in the HTTP status.
    const error = events.find((e) => e.error)?.error;
    if (error) throw failure(error) ?? new Error(`docker pull ${ref} failed: ${error}`);
  }
}

function isStatus(err: unknown, code: number): boolean {
  return (err as { statusCode?: number } | undefined)?.statusCode === code;
}

/**
 * The engine a call talks to: the spec's `engine`, else its `socket`, else the configured engine
 * (an agent's, or DOCKER_HOST's as the worker read it), else the configured socket.
 */
export function engineFor(settings: DockerTargetSettings, config: AdapterConfig): DockerEngine {
  if (settings.engine) return settings.engine;
  if (settings.socket !== undefined) return { host: `unix://${settings.socket}` };
  return config.dockerEngine ?? { host: `unix://${config.dockerSocket}` };
}

/** The configured client for the configured socket; one cached client per other engine. */
function dockerFor(engine: DockerEngine, config: AdapterConfig): Docker {
  const at = parseEngineHost(engine.host);
  if (config.docker && at?.kind === 'unix' && at.socketPath === config.dockerSocket) return config.docker;
  return dockerClientFor(engine);
}

export const dockerAdapter = loopbackTargetAdapter({
  kind: 'docker',
  artifact: 'image',
  settings: DockerTargetSettings,
  create: (raw, config) => {
    const engine = engineFor(parseSettings(DockerTargetSettings, raw, 'docker target'), config);
    return new DockerTarget(dockerFor(engine, config), raw, engine, secretSourcesOf(config), (host) => loadRegistryCredentials(host, config.env ?? process.env));
  },
});
