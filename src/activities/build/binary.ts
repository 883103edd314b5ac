import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { parseInput } from './image';
import { activityLogger, cancellationSignal, currentActivity, type Logger } from './progress';
import { buildBinaryInputSchema, type BuildBinaryInput } from './schema';
import { ErrorType, badInput, transient } from '../../domain/errors';

/**
 * The versioned artifact store for the process target:
 *   <store>/<service>/<imageTag>/<service>            the binary
 *   <store>/<service>/<imageTag>/<service>.sha256     "<hex>  <service>" (sha256sum format)
 *   <store>/<service>/<imageTag>/metadata.json        ArtifactMetadata
 * A release directory appears only complete: it is built in a temp dir beside it and renamed.
 */
export const artifactMetadataSchema = z.object({
  service: z.string(),
  version: z.string(),
  imageTag: z.string(),
  commit: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().nonnegative(),
  goVersion: z.string(),
  builtAt: z.string(),
});
export type ArtifactMetadata = z.infer<typeof artifactMetadataSchema>;

export interface BuildBinaryResult {
  binaryPath: string;
  sha256: string;
  sizeBytes: number;
  skipped: boolean;
  durationMs: number;
}

export interface BinaryBuildDeps {
  artifactStore: string;
  logger: Logger;
  /** Environment for `go` (GOFLAGS, GOMODCACHE, GOPROXY...). Defaults to the worker's own. */
  goEnv?: NodeJS.ProcessEnv;
}

export function releaseDir(store: string, service: string, imageTag: string): string {
  return join(store, service, imageTag);
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export function readArtifactMetadata(dir: string): ArtifactMetadata | undefined {
  try {
    return artifactMetadataSchema.parse(JSON.parse(readFileSync(join(dir, 'metadata.json'), 'utf8')));
  } catch {
    return undefined;
  }
}

/** Runs `go <args>` without a shell, heartbeating while it compiles; rejects with its stderr. */
function runGo(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('go', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], signal: cancellationSignal() });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const beat = setInterval(() => currentActivity()?.heartbeat({ step: `go ${args[0]}` }), 2000);
    child.once('error', (err) => {
      clearInterval(beat);
      reject(err);
    });
    child.once('close', (code) => {
      clearInterval(beat);
      if (code === 0) resolvePromise(out);
      else reject(Object.assign(new Error(out.trim() || `go ${args[0]} exited ${code}`), { exitCode: code }));
    });
  });
}

export async function buildBinary(deps: BinaryBuildDeps, raw: BuildBinaryInput): Promise<BuildBinaryResult> {
  const input = parseInput(buildBinaryInputSchema, raw, 'buildBinary');
  const { version, service } = input;
  const started = Date.now();
  const sourceDir = resolve(input.sourceDir);
  const dir = releaseDir(deps.artifactStore, service, version.imageTag);
  const binaryPath = join(dir, service);
  const log = activityLogger(deps.logger, { service, version: version.version, binaryPath });

  const existing = readArtifactMetadata(dir);
  if (existing && existing.commit === version.commit && existing.version === version.version && existsSync(binaryPath)) {
    if ((await sha256File(binaryPath)) === existing.sha256) {
      log.info('binary already in the artifact store; skipping');
      return { binaryPath, sha256: existing.sha256, sizeBytes: existing.sizeBytes, skipped: true, durationMs: Date.now() - started };
    }
    log.warn('artifact checksum mismatch; rebuilding');
  }
  if (!existsSync(join(sourceDir, 'go.mod'))) {
    throw badInput(ErrorType.InvalidBuildInput, `${sourceDir} is not a Go module (no go.mod)`);
  }

  const env = { ...(deps.goEnv ?? process.env), CGO_ENABLED: '0' };
  const goVersion = (await runGo(['env', 'GOVERSION'], sourceDir, env)).trim();
  mkdirSync(join(deps.artifactStore, service), { recursive: true });
  const tmp = join(deps.artifactStore, service, `.tmp-${version.imageTag}-${randomBytes(4).toString('hex')}`);
  mkdirSync(tmp);
  try {
    const ldflags = `-s -w -X main.version=${version.version} -X main.commit=${version.commit}`;
    log.info({ goVersion }, 'binary build started');
    try {
      await runGo(['build', '-trimpath', '-ldflags', ldflags, '-o', join(tmp, service), input.pkg], sourceDir, env);
    } catch (err) {
      const e = err as Error & { exitCode?: number };
      // A compile error is deterministic; a missing `go` or a kill is not the code's fault.
      if (typeof e.exitCode === 'number') throw badInput(ErrorType.BinaryBuildFailed, `go build of ${service} ${version.version} failed:\n${e.message}`);
      throw transient(ErrorType.BinaryBuildFailed, `go build could not run: ${e.message}`, e);
    }
    const sha256 = await sha256File(join(tmp, service));
    const sizeBytes = statSync(join(tmp, service)).size;
    writeFileSync(join(tmp, `${service}.sha256`), `${sha256}  ${service}\n`);
    const metadata: ArtifactMetadata = {
      service,
      version: version.version,
      imageTag: version.imageTag,
      commit: version.commit,
      sha256,
      sizeBytes,
      goVersion,
      builtAt: new Date().toISOString(),
    };
    writeFileSync(join(tmp, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
    // A stale or half-written release dir (checksum mismatch above) is replaced whole.
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    const durationMs = Date.now() - started;
    log.info({ sha256, sizeBytes, durationMs }, 'binary built');
    return { binaryPath, sha256, sizeBytes, skipped: false, durationMs };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
