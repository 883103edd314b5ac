import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { chmod, copyFile, mkdir, readdir, rename, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { compare, valid } from 'semver';
import { z } from 'zod';
import { secretSourcesOf, type SecretSources } from '../../config-sources/secrets';
import { loopbackTargetAdapter } from '../../deploy/loopback';
import { waitForReady, waitPortFree } from '../readiness';
import { configHash, EnvSettings, ReadinessSettings, instanceEnv, instanceSecrets, parseSettings, portLayout, PortSettings, safeName, slotPort } from '../settings';
import type { ProcessRunner, ProcessState } from './runner';
import { createProcessRunner } from './select-runner';
import { claimStateDir } from './state-dir-owner';
import { ProcessSupervisor } from './supervisor-setting';
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

export const ProcessTargetSettings = PortSettings.extend(EnvSettings.shape)
  .extend(ReadinessSettings.shape)
  .extend({
    /** Where pid files, logs and retained binaries live (default <stack state>/processes/<service>/<env>). */
    stateDir: z.string().optional(),
    stopTimeoutMs: z.number().int().min(0).default(15000),
    /** What runs the instances: supervisord (restarts crashed processes) or pid files (default from AdapterConfig, else pid files). */
    supervisor: ProcessSupervisor.optional(),
  });
export type ProcessTargetSettings = z.infer<typeof ProcessTargetSettings>;

/**
 * Versioned binaries run under a ProcessRunner (supervisord, or pid files where no supervisor is
 * wanted): "stop old, start new, keep old binaries for rollback". Every released binary is
 * copied into the state dir, so a rollback works after the artifact store pruned it.
 */
export class ProcessTarget implements Target {
  readonly kind = 'process';
  private readonly settings: ProcessTargetSettings;

  constructor(
    rawSettings: unknown,
    private readonly defaultStateRoot: string,
    private readonly host: { supervisor?: ProcessSupervisor; supervisordSocket?: string; secrets?: SecretSources } = {},
  ) {
    this.settings = parseSettings(ProcessTargetSettings, rawSettings, 'process target');
  }

  /** The scope's own directory; a shared one is refused (claimStateDir) before it is used. */
  private dir(scope: TargetScope): string {
    const dir = this.settings.stateDir ?? join(this.defaultStateRoot, 'processes', safeName(scope.service), safeName(scope.environment));
    claimStateDir(dir, scope);
    return dir;
  }

  private supervisor(scope: TargetScope): ProcessRunner {
    return createProcessRunner({
      chosen: this.settings.supervisor,
      fallback: this.host.supervisor,
      hostSocket: this.host.supervisordSocket,
      stateDir: this.dir(scope),
      scope,
      stopTimeoutMs: this.settings.stopTimeoutMs,
    });
  }

  async instances(scope: TargetScope): Promise<Instance[]> {
    return (await this.supervisor(scope).list()).map((s) => this.toInstance(scope, s));
  }

  private toInstance(scope: TargetScope, s: ProcessState): Instance {
    const r = s.record;
    return {
      role: roleOfSlot(r.slot as Slot),
      slot: r.slot as Slot,
      release: releaseFromLabels(scope.service, r.version, undefined, r.binary, r.config),
      host: this.settings.host,
      port: r.port,
      id: String(r.pid),
      running: s.alive,
      generation: r.generation,
      configHash: r.configHash,
      workflowId: r.workflowId,
    };
  }

  async currentRelease(scope: TargetScope): Promise<Instance | undefined> {
    return pickCurrent(await this.instances(scope));
  }

  deployCandidate(scope: TargetScope, role: CandidateRole, request: StartRequest): Promise<Instance> {
    return this.ensure(scope, role, request);
  }

  async promoteCandidate(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance> {
    const all = await this.instances(scope);
    const existing = runningStableOf(all, request.release);
    if (existing && (await waitForReady(`${instanceUrl(existing)}${this.settings.readyPath}`, 0, async () => undefined)).ok) return existing;
    return this.ensure(scope, freeStableSlot(all, request.inPlace ?? false, existing), request);
  }

  rollbackToRelease(scope: TargetScope, request: StartRequest & { inPlace?: boolean }): Promise<Instance> {
    return this.promoteCandidate(scope, request);
  }

  async removeInstance(scope: TargetScope, instance: Instance): Promise<void> {
    const sup = this.supervisor(scope);
    for (const s of await sup.list()) {
      if (String(s.record.pid) === instance.id && s.record.slot === instance.slot) await sup.stop(s.record, this.settings.stopTimeoutMs);
    }
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
   * The versions whose binaries this place keeps (retainBinary's directories), oldest first. A
   * directory name is the version with its one `+` (semver build metadata) written as `_`.
   */
  async retained(scope: TargetScope): Promise<string[]> {
    const names = await readdir(join(this.dir(scope), 'releases')).catch(() => [] as string[]);
    const versions = names.map((n) => n.replace('_', '+')).filter((v) => valid(v) !== null);
    return versions.sort(compare);
  }

  private async ensure(scope: TargetScope, slot: Slot, request: StartRequest): Promise<Instance> {
    const binary = await this.retainBinary(scope, request.release.version, request.release.binaryPath);
    const port = slotPort(portLayout(this.settings, scope.service, scope.environment), slot);
    const env = { ...instanceEnv(this.settings, slot, request.release, request.env), ADDR: `${this.settings.host}:${port}`, PORT: String(port) };
    // Secrets by name in the hash (it is recorded), their values only in the process's env.
    const secretNames = request.release.config?.version.secrets ?? [];
    const hash = configHash({ binary, sha: await sha256(binary), env, port, slot, ...(secretNames.length > 0 ? { secrets: secretNames } : {}) });
    const sup = this.supervisor(scope);
    const inSlot = (await sup.list()).filter((s) => s.record.slot === slot);
    const same = inSlot.find((s) => s.alive && s.record.configHash === hash);
    if (same) {
      const instance = this.toInstance(scope, same);
      await this.awaitReady(scope, instance, same.record.log);
      return instance;
    }
    // A stale pid file (the process died or the pid was reused) is forgotten, a live one stopped.
    for (const old of inSlot) await sup.stop(old.record, this.settings.stopTimeoutMs);
    if (!(await waitPortFree(this.settings.host, port, 5000))) {
      throw badInput(
        ErrorType.PortInUse,
        `port ${this.settings.host}:${port} of the ${slot} slot of ${scope.service}/${scope.environment} is used by something Sluice did not start`,
      );
    }
    const secrets = await instanceSecrets(request.release, this.host.secrets ?? { env: process.env });
    const record = await sup.start({
      binary,
      slot,
      version: request.release.version,
      port,
      generation: Date.now(),
      configHash: hash,
      workflowId: scope.workflowId,
      ...(request.release.config ? { config: request.release.config } : {}),
      env: { ...env, ...secrets },
    });
    const instance = this.toInstance(scope, { record, alive: true });
    await this.awaitReady(scope, instance, record.log);
    return instance;
  }

  private async awaitReady(scope: TargetScope, instance: Instance, log: string): Promise<void> {
    const sup = this.supervisor(scope);
    const result = await waitForReady(`${instanceUrl(instance)}${this.settings.readyPath}`, this.settings.readyTimeoutMs, async () => {
      const alive = (await sup.list()).some((s) => String(s.record.pid) === instance.id && s.alive);
      return alive ? undefined : `process ${instance.id} exited (log: ${log})`;
    });
    if (!result.ok) {
      throw badInput(ErrorType.InstanceNotReady, `${scope.service} ${instance.release.version} (${instance.slot}) is not ready: ${result.reason}`);
    }
  }

  /**
   * Copies the release's binary into <stateDir>/releases/<version>/ (once), so every released
   * version stays runnable for rollback. Without a binaryPath the retained copy is used.
   */
  private async retainBinary(scope: TargetScope, version: string, binaryPath: string | undefined): Promise<string> {
    const dir = join(this.dir(scope), 'releases', version.replace(/[^a-zA-Z0-9_.-]/g, '_'));
    if (binaryPath) {
      const dest = join(dir, basename(binaryPath));
      const [src, have] = await Promise.all([stat(binaryPath).catch(() => undefined), stat(dest).catch(() => undefined)]);
      if (!src && !have) throw badInput(ErrorType.MissingArtifact, `binary ${binaryPath} of ${scope.service} ${version} does not exist`);
      if (src && (!have || have.size !== src.size || (await sha256(dest)) !== (await sha256(binaryPath)))) {
        await mkdir(dir, { recursive: true });
        // Copy then rename: the destination may be running (text file busy on overwrite).
        const tmp = `${dest}.${process.pid}.tmp`;
        await copyFile(binaryPath, tmp);
        await chmod(tmp, 0o755);
        await rename(tmp, dest);
      }
      return dest;
    }
    const names = await readdir(dir).catch(() => [] as string[]);
    const name = names.find((n) => !n.endsWith('.tmp'));
    if (!name) throw badInput(ErrorType.MissingArtifact, `release ${version} of ${scope.service} has no binaryPath and no retained binary in ${dir}`);
    return join(dir, name);
  }
}

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export const processAdapter = loopbackTargetAdapter({
  kind: 'process',
  artifact: 'binary',
  settings: ProcessTargetSettings,
  create: (settings, config) =>
    new ProcessTarget(settings, config.stateDir, {
      ...(config.processSupervisor ? { supervisor: config.processSupervisor } : {}),
      ...(config.supervisordSocket ? { supervisordSocket: config.supervisordSocket } : {}),
      secrets: secretSourcesOf(config),
    }),
});
