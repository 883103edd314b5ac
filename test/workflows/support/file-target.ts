import type { ResolvedConfig } from '../../../src/domain/config';
/**
 * The `file-fake` target, a fake on purpose, registered only by tests: the "environment" is a
 * JSON file per service and environment in a temp dir, every activity call is appended to a log
 * file (so tests can check the order of undo steps), and health endpoints are served by a real
 * loopback HTTP server and probed by the real probeHealth activity (src/activities/health).
 * It is injected into the real registry (withTargets) and reached through the real deploy
 * dispatch, on a real worker against the real dev server. Two kinds, which differ only in what a
 * release must carry: `file-fake` runs binaries, `file-fake-image` runs images (the build path
 * builds and pushes an image for it). A spec that says one of these says it runs on the fake.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApplicationFailure, Context } from '@temporalio/activity';
import pino from 'pino';
import { z } from 'zod';
import { adapterCatalogue } from '../../../src/activities/catalogue';
import { createDeployActivities } from '../../../src/activities/deploy';
import { withTargets } from '../../../src/activities/targets/registry';
import type { TargetActivities, TargetAdapter } from '../../../src/activities/targets/target';
import { sleepMs } from '../../../src/activities/targets/activity-context';
import type { AdapterCatalogue, Artifact } from '../../../src/domain/adapters';
import type { CandidateInfo, CandidateRole, RetainedReleasePort, SluiceActivities, TargetRef } from '../../../src/domain/ports';
import type { Release } from '../../../src/domain/release';
import { adapterConfig } from '../../helpers/stack';

export const FILE_FAKE = 'file-fake';
export const FILE_FAKE_IMAGE = 'file-fake-image';

export interface FileTargetState {
  stable: Release | null;
  canary: { release: Release; weight: number } | null;
  preview: Release | null;
  /** Old stables still running after a promotion (scale-down delay). */
  warm: Release[];
}

export interface CallRecord {
  at: number;
  name: string;
  service: string;
  version?: string;
  role?: string;
  weight?: number;
  note?: string;
}

export interface FileTargetOptions {
  dir: string;
  /** Base URL of the health server; a release is served under /<imageTag>. */
  healthBase: string;
  /** How long the slow activities take (build; deploy when the spec asks). */
  buildMs?: number;
}

const EMPTY: FileTargetState = { stable: null, canary: null, preview: null, warm: [] };

export function statePath(dir: string, service: string, environment: string): string {
  return join(dir, `${service}.${environment}.json`);
}
export function callsPath(dir: string, service: string): string {
  return join(dir, `${service}.calls.jsonl`);
}

export function readState(dir: string, service: string, environment: string): FileTargetState {
  const path = statePath(dir, service, environment);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as FileTargetState) : structuredClone(EMPTY);
}
export function writeState(dir: string, service: string, environment: string, state: FileTargetState): void {
  mkdirSync(dir, { recursive: true });
  const path = statePath(dir, service, environment);
  writeFileSync(`${path}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${path}.tmp`, path);
}
/** What the registry/artifact store would list for `service` (newest first). */
/** The config each version was last live with, for the fake's releasedConfig. */
export function writePairs(dir: string, service: string, pairs: Record<string, ResolvedConfig>): void {
  writeFileSync(join(dir, `${service}.pairs.json`), JSON.stringify(pairs));
}

export function writeRetained(dir: string, service: string, releases: Release[]): void {
  const retained: RetainedReleasePort[] = releases.map((r) => ({
    version: r.version,
    imageTag: r.imageTag,
    digest: null,
    imageRef: r.imageRef ?? null,
    binaryPath: r.binaryPath ?? null,
    commit: r.commit || null,
  }));
  writeFileSync(join(dir, `${service}.retained.json`), JSON.stringify(retained));
}

export function readCalls(dir: string, service: string): CallRecord[] {
  const path = callsPath(dir, service);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as CallRecord);
}

const same = (a: Release | null | undefined, b: Release) => !!a && a.version === b.version;

/** Per-service knobs read from the target settings (plain data in the spec). */
const FileFakeSettings = z.strictObject({
  deployMs: z.number().int().min(0).default(0),
  /** A deploy step this long that never heartbeats itself, as most real adapters' steps. */
  silentDeployMs: z.number().int().min(0).default(0),
  promoteMs: z.number().int().min(0).default(0),
  /** How long a rollback to a release takes (a drill's rollback-restore holds its lock this long, twice). */
  rollbackMs: z.number().int().min(0).default(0),
  /** Promotion fails with a non-retryable error (a broken target). */
  failPromote: z.boolean().default(false),
  /** The first attempt of each activity that removes a candidate fails, retryably, after removing nothing (a daemon that dropped the call). */
  failRemoveFirstAttempt: z.boolean().default(false),
  /** The first attempt of each activity that retires a release fails, retryably, after stopping nothing. */
  failRetireFirstAttempt: z.boolean().default(false),
});
function knobs(ref: TargetRef): z.infer<typeof FileFakeSettings> {
  return FileFakeSettings.parse(ref.target.settings ?? {});
}

/** Sleeps like a slow daemon would, heartbeating so cancellation arrives. */
async function work(ms: number): Promise<void> {
  const ctx = Context.current();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    ctx.heartbeat();
    await ctx.sleep(Math.min(100, until - Date.now()));
  }
}

/**
 * The two fake target kinds; without `options` they are data only (enough for a catalogue).
 * They compose with loopback routers, though they never call one.
 */
export function fileFakeTargets(options?: FileTargetOptions): TargetAdapter[] {
  const adapter = (kind: string, artifact: Artifact): TargetAdapter => ({
    kind,
    artifact,
    routerFamily: 'loopback',
    settings: FileFakeSettings,
    deployActivities: () => {
      if (!options) throw new Error(`${kind}: no options given`);
      return fileFakeDeploy(options);
    },
  });
  return [adapter(FILE_FAKE, 'binary'), adapter(FILE_FAKE_IMAGE, 'image')];
}

/** The registry's targets and routers plus the fakes: what workflow tests validate specs with. */
export const fileFakeCatalogue: AdapterCatalogue = adapterCatalogue(withTargets(...fileFakeTargets()));

function fileFakeDeploy(options: FileTargetOptions): TargetActivities {
  const { dir } = options;
  const record = (call: Omit<CallRecord, 'at'>) => appendFileSync(callsPath(dir, call.service), `${JSON.stringify({ at: Date.now(), ...call })}\n`);
  const update = (ref: TargetRef, fn: (s: FileTargetState) => void) => {
    const state = readState(dir, ref.service, ref.environment);
    fn(state);
    writeState(dir, ref.service, ref.environment, state);
    return state;
  };
  const urlFor = (release: Release) => `${options.healthBase}/${release.imageTag}`;

  return {
    async currentRelease(ref) {
      record({ name: 'currentRelease', service: ref.service });
      return readState(dir, ref.service, ref.environment).stable;
    },
    async deployCandidate(input): Promise<CandidateInfo> {
      await work(knobs(input).deployMs);
      await sleepMs(knobs(input).silentDeployMs);
      update(input, (s) => {
        if (input.role === 'canary') s.canary = { release: input.release, weight: 0 };
        else if (input.role === 'preview') s.preview = input.release;
      });
      // A candidate with extra environment (a drill's fault) answers its health checks 503, as
      // the example service does with FAULT_ERROR_RATE: the health server fails tags with "bad".
      const faulty = input.env !== undefined && Object.keys(input.env).length > 0;
      record({
        name: 'deployCandidate',
        service: input.service,
        version: input.release.version,
        role: input.role,
        ...(input.env && Object.keys(input.env).length > 0 ? { note: `env ${Object.keys(input.env).sort().join(',')}` } : {}),
      });
      return { role: input.role, release: input.release, url: faulty ? `${urlFor(input.release)}-bad-fault` : urlFor(input.release) };
    },
    async setTrafficWeight(input) {
      update(input, (s) => {
        if (s.canary && same(s.canary.release, input.release)) s.canary.weight = input.weight;
        else if (input.weight !== 0) {
          throw ApplicationFailure.create({ type: 'TestNoCanary', nonRetryable: true, message: `no canary ${input.release.version} to weigh` });
        }
      });
      record({ name: 'setTrafficWeight', service: input.service, version: input.release.version, weight: input.weight });
    },
    async promoteCandidate(input) {
      await work(knobs(input).promoteMs);
      if (knobs(input).failPromote) {
        record({ name: 'promoteCandidate:failed', service: input.service, version: input.release.version });
        throw ApplicationFailure.create({ type: 'TestPromoteRefused', nonRetryable: true, message: 'the router refused the new backend' });
      }
      update(input, (s) => {
        const role: CandidateRole = input.role;
        if (role === 'canary' && s.canary && same(s.canary.release, input.release)) s.canary = null;
        if (role === 'preview' && same(s.preview, input.release)) s.preview = null;
        if (s.stable && !same(s.stable, input.release)) s.warm.push(s.stable);
        s.stable = input.release;
      });
      record({ name: 'promoteCandidate', service: input.service, version: input.release.version, role: input.role });
      return { role: 'stable', release: input.release, url: urlFor(input.release) };
    },
    async removeCandidate(input) {
      if (knobs(input).failRemoveFirstAttempt && Context.current().info.attempt === 1) {
        record({ name: 'removeCandidate:failed', service: input.service, version: input.release.version, role: input.role });
        throw ApplicationFailure.create({ type: 'TestRemoveDropped', message: 'the daemon dropped the call' });
      }
      update(input, (s) => {
        if (input.role === 'canary' && s.canary && same(s.canary.release, input.release)) s.canary = null;
        if (input.role === 'preview' && same(s.preview, input.release)) s.preview = null;
      });
      record({ name: 'removeCandidate', service: input.service, version: input.release.version, role: input.role });
    },
    async rollbackToRelease(input) {
      await work(knobs(input).rollbackMs);
      update(input, (s) => {
        if (input.from) {
          const from = input.from;
          if (s.canary && same(s.canary.release, from)) s.canary = null;
          if (same(s.preview, from)) s.preview = null;
          s.warm = s.warm.filter((r) => !same(r, from));
          if (same(s.stable, from)) s.stable = null;
        }
        s.warm = s.warm.filter((r) => !same(r, input.release));
        s.stable = input.release;
      });
      record({ name: 'rollbackToRelease', service: input.service, version: input.release.version, note: input.from?.version });
      return { role: 'stable', release: input.release, url: urlFor(input.release) };
    },
    async retireRelease(input) {
      if (knobs(input).failRetireFirstAttempt && Context.current().info.attempt === 1) {
        record({ name: 'retireRelease:failed', service: input.service, version: input.release.version });
        throw ApplicationFailure.create({ type: 'TestRetireDropped', message: 'the daemon dropped the call' });
      }
      update(input, (s) => {
        if (same(s.stable, input.release)) s.stable = null;
        if (s.canary && same(s.canary.release, input.release)) s.canary = null;
        if (same(s.preview, input.release)) s.preview = null;
        s.warm = s.warm.filter((r) => !same(r, input.release));
      });
      record({ name: 'retireRelease', service: input.service, version: input.release.version });
    },
  };
}

/**
 * Every activity a worker registers: deploy through the real dispatch (src/activities/deploy)
 * with the fakes added to the registry, build and registry faked here.
 */
export function createFileTargetActivities(options: FileTargetOptions): SluiceActivities {
  const { dir } = options;
  const record = (call: Omit<CallRecord, 'at'>) => appendFileSync(callsPath(dir, call.service), `${JSON.stringify({ at: Date.now(), ...call })}\n`);
  const deploy = createDeployActivities({ config: adapterConfig, targets: withTargets(...fileFakeTargets(options)), logger: pino({ level: 'warn' }) });
  return {
    ...deploy,
    async resolveVersion(input) {
      record({ name: 'resolveVersion', service: input.service });
      return {
        service: input.service,
        version: '3.0.0+c0ffee1',
        imageTag: 'v3.0.0-c0ffee1',
        commit: 'c0ffee1c0ffee1',
        shortCommit: 'c0ffee1',
        tag: 'v3.0.0',
        distance: 0,
        dirty: false,
        prerelease: false,
        commitTime: '2026-01-01T00:00:00Z',
      };
    },
    async generateChangelog() {
      return {
        fromRef: 'v2.0.0',
        fromVersion: '2.0.0',
        toCommit: 'c0ffee1c0ffee1',
        entries: [{ shortSha: 'c0ffee1', subject: 'feat: test', author: 'test' }],
        markdown: '## 3.0.0\n- feat: test (c0ffee1)\n',
      };
    },
    async buildImage(input) {
      record({ name: 'buildImage:start', service: input.imageRepo.split('/').pop()! });
      try {
        await work(options.buildMs ?? 0);
      } catch (err) {
        record({ name: 'buildImage:cancelled', service: input.imageRepo.split('/').pop()! });
        throw err;
      }
      return { image: `${input.imageRepo}:${input.version.imageTag}`, imageTag: input.version.imageTag };
    },
    async buildBinary(input) {
      return { binaryPath: join(dir, `${input.service}-${input.version.imageTag}`), sha256: '0'.repeat(64) };
    },
    async pushImage(input) {
      const digest = `sha256:${'ab'.repeat(32)}`;
      record({ name: 'pushImage', service: input.imageRepo.split('/').pop()! });
      return { digest, imageRef: `${input.imageRepo}@${digest}` };
    },
    async listReleases(input) {
      const path = join(dir, `${input.service}.retained.json`);
      return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as RetainedReleasePort[]) : [];
    },
    async pruneReleases(input) {
      record({ name: 'pruneReleases', service: input.service, note: input.protect.join(',') });
      return { kept: input.protect, deleted: [] };
    },
    // Pairs of build and config, as a test writes them (writePairs); the real store is
    // src/activities/registry/pairs.ts, covered by test/config/e2e-pairs.test.ts.
    async releasedConfig(input) {
      const path = join(dir, `${input.service}.pairs.json`);
      const pairs = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, ResolvedConfig>) : {};
      if (input.configId) return Object.values(pairs).find((c) => c.version.id === input.configId) ?? null;
      return pairs[input.version ?? ''] ?? null;
    },
  };
}
