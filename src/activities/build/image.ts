import type Docker from 'dockerode';
import type { z } from 'zod';
import { packBuildContext } from './context';
import { errorMessage } from './errors';
import { activityLogger, cancellationSignal, followDockerStream, keepAlive, streamError, throttledHeartbeat, type Logger } from './progress';
import { buildImageInputSchema, type BuildImageInput } from './schema';
import { ErrorType, badInput, transient } from '../../domain/errors';

/** Labels every Sluice-built image carries; idempotency and listings read them back. */
export const LABEL_VERSION = 'org.opencontainers.image.version';
export const LABEL_REVISION = 'org.opencontainers.image.revision';
export const LABEL_CREATED = 'org.opencontainers.image.created';
export const LABEL_IMAGE_TAG = 'io.sluice.image-tag';
export const LABEL_MANAGED = 'io.sluice.managed';

export interface BuildImageResult {
  /** repo:tag of the built (or found) image. */
  image: string;
  imageId: string;
  imageTag: string;
  /** True when an image with this tag and revision already existed and nothing was built. */
  skipped: boolean;
  sizeBytes: number;
  durationMs: number;
}

export interface ImageBuildDeps {
  docker: Docker;
  logger: Logger;
  /** Build args added to every build (e.g. BUILDER_IMAGE/RUNTIME_IMAGE of the local base images). */
  defaultBuildArgs?: Record<string, string>;
}

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw badInput(ErrorType.InvalidBuildInput, `invalid ${what} input: ${detail}`);
  }
  return result.data;
}
export { parse as parseInput };

async function inspectOrUndefined(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw transient(ErrorType.ImageBuildFailed, `docker inspect ${ref}: ${errorMessage(err)}`, err as Error);
  }
}

/**
 * Builds contextDir into `<imageRepo>:<imageTag>` with the classic builder over the Docker API.
 * Re-running with the same tag and commit finds the image by its labels and builds nothing,
 * so a retry after a worker crash is free.
 */
export async function buildImage(deps: ImageBuildDeps, raw: BuildImageInput): Promise<BuildImageResult> {
  const input = parse(buildImageInputSchema, raw, 'buildImage');
  const { version } = input;
  const ref = `${input.imageRepo}:${version.imageTag}`;
  const log = activityLogger(deps.logger, { image: ref, version: version.version });
  const started = Date.now();

  const existing = await inspectOrUndefined(deps.docker, ref);
  const labels = existing?.Config?.Labels ?? {};
  if (existing && labels[LABEL_REVISION] === version.commit && labels[LABEL_VERSION] === version.version) {
    log.info({ imageId: existing.Id }, 'image already built; skipping');
    return { image: ref, imageId: existing.Id, imageTag: version.imageTag, skipped: true, sizeBytes: existing.Size, durationMs: Date.now() - started };
  }

  const context = packBuildContext(input.contextDir, input.dockerfile);
  const created = new Date().toISOString();
  const buildargs = {
    ...deps.defaultBuildArgs,
    ...input.buildArgs,
    VERSION: version.version,
    COMMIT: version.commit,
    CREATED: created,
  };
  const heartbeat = throttledHeartbeat();
  log.info({ dockerfile: context.dockerfile, buildArgs: Object.keys(buildargs) }, 'image build started');

  let stream: NodeJS.ReadableStream;
  try {
    stream = await deps.docker.buildImage(context.stream, {
      t: ref,
      dockerfile: context.dockerfile,
      buildargs,
      labels: {
        ...input.labels,
        [LABEL_VERSION]: version.version,
        [LABEL_REVISION]: version.commit,
        [LABEL_CREATED]: created,
        [LABEL_IMAGE_TAG]: version.imageTag,
        [LABEL_MANAGED]: 'true',
      },
      rm: true,
      forcerm: true,
      nocache: input.noCache ?? false,
      abortSignal: cancellationSignal(),
    } as Docker.ImageBuildOptions);
  } catch (err) {
    throw transient(ErrorType.ImageBuildFailed, `docker build ${ref} could not start: ${errorMessage(err)}`, err as Error);
  }

  let step = '';
  const tail: string[] = [];
  const stages = new StageTracker();
  const stopKeepAlive = keepAlive(() => ({ step }));
  const events = await followDockerStream(stream, (e) => {
    const line = e.stream?.trimEnd();
    if (!line) return;
    if (/^Step \d+\/\d+ :/.test(line)) step = line;
    stages.line(line);
    tail.push(line);
    if (tail.length > 20) tail.shift();
    log.debug({ line }, 'build output');
    heartbeat({ step });
  })
    .catch((err: Error) => {
      throw transient(ErrorType.ImageBuildFailed, `docker build ${ref} stream broke: ${err.message}`, err);
    })
    .finally(stopKeepAlive);

  const error = streamError(events);
  if (error) {
    // A failing RUN step or a bad Dockerfile fails the same way on every retry.
    log.error({ error, step }, 'image build failed');
    throw badInput(ErrorType.ImageBuildFailed, `docker build ${ref} failed at "${step || 'start'}": ${error}\n${tail.slice(-10).join('\n')}`);
  }
  const built = await inspectOrUndefined(deps.docker, ref);
  if (!built) throw transient(ErrorType.ImageBuildFailed, `docker build ${ref} finished but the image is missing`);
  // The classic builder keeps every earlier stage's result as an untagged image; the ones this
  // build created (not cache hits) are unique to it, so drop them alone (noprune keeps the
  // shared cache layers underneath).
  for (const id of stages.createdStageResults()) {
    await deps.docker
      .getImage(id)
      .remove({ noprune: true })
      .catch(() => undefined);
  }
  const durationMs = Date.now() - started;
  log.info({ imageId: built.Id, sizeBytes: built.Size, durationMs }, 'image built');
  return { image: ref, imageId: built.Id, imageTag: version.imageTag, skipped: false, sizeBytes: built.Size, durationMs };
}

/** Follows classic-builder output to find the final image of each non-final stage. */
class StageTracker {
  private lastId: string | undefined;
  private lastFromCache = false;
  private lastStepIsFrom = false;
  private readonly results: string[] = [];

  line(line: string): void {
    const stepMatch = /^Step (\d+)\/\d+ : (\w+)/.exec(line);
    if (stepMatch) {
      const isFrom = stepMatch[2].toUpperCase() === 'FROM';
      // The image before a later FROM ends the previous stage; keep it only if this build made it.
      if (isFrom && Number(stepMatch[1]) > 1 && this.lastId && !this.lastFromCache && !this.lastStepIsFrom) this.results.push(this.lastId);
      this.lastStepIsFrom = isFrom;
      this.lastFromCache = false;
      return;
    }
    if (/^ ---> Using cache$/.test(line)) this.lastFromCache = true;
    const id = /^ ---> ([0-9a-f]{12,64})$/.exec(line)?.[1];
    if (id) this.lastId = id;
  }

  createdStageResults(): string[] {
    return this.results;
  }
}
