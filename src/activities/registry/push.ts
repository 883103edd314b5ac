import type Docker from 'dockerode';
import { z } from 'zod';
import { errorMessage } from '../build/errors';
import { parseInput } from '../build/image';
import { activityLogger, cancellationSignal, followDockerStream, keepAlive, streamError, throttledHeartbeat, type Logger } from '../build/progress';
import { ImageRepo, ImageTag } from '../../domain/references';
import { dockerAuthConfig } from './credentials';
import { dockerRegistryFailure, type RegistryAccess } from './access';
import { RegistryClient, splitImageRepo } from './client';
import { ErrorType, badInput, transient } from '../../domain/errors';

export const pushImageInputSchema = z.object({
  imageRepo: ImageRepo,
  /** The first tag names the local image to push; the rest are added as aliases (e.g. sha-a1b2c3d). */
  tags: z.array(ImageTag).min(1).max(10),
});
export type PushImageInput = z.input<typeof pushImageInputSchema>;

export interface PushImageResult {
  /** Manifest digest, sha256:… */
  digest: string;
  /** What every later step deploys: repo@sha256:… */
  imageRef: string;
  tags: string[];
  /** True when the registry already held every tag at the local image's digest. */
  skipped: boolean;
}

export interface PushDeps {
  docker: Docker;
  logger: Logger;
  access: (registryHost: string) => RegistryAccess;
}

function isNotFound(err: unknown): boolean {
  return (err as { statusCode?: number }).statusCode === 404;
}

/** Digest of one pushed tag, from the final aux line ({"aux":{"Tag","Digest","Size"}}) or the status line. */
function pushedDigest(events: { status?: string; aux?: Record<string, unknown> }[], tag: string): string | undefined {
  for (const e of events) {
    const aux = e.aux as { Tag?: string; Digest?: string } | undefined;
    if (aux?.Digest && (aux.Tag === undefined || aux.Tag === tag)) return aux.Digest;
  }
  for (const e of events) {
    const m = e.status ? /digest: (sha256:[0-9a-f]{64})/.exec(e.status) : null;
    if (m) return m[1];
  }
  return undefined;
}

/**
 * Pushes `<imageRepo>:<tags[0]>` under every tag and returns the manifest digest, verified
 * against the registry (HEAD manifest → Docker-Content-Digest). If the registry already holds
 * every tag at a digest the local image is known by, nothing is pushed.
 */
export async function pushImage(deps: PushDeps, raw: PushImageInput): Promise<PushImageResult> {
  const input = parseInput(pushImageInputSchema, raw, 'pushImage');
  const { host, name } = splitImageRepo(input.imageRepo);
  const tags = [...new Set(input.tags)];
  const source = `${input.imageRepo}:${tags[0]}`;
  const log = activityLogger(deps.logger, { image: source, tags });
  const access = deps.access(host);
  const registry = new RegistryClient({ host, ...access, signal: cancellationSignal() });

  let local: Docker.ImageInspectInfo;
  try {
    local = await deps.docker.getImage(source).inspect();
  } catch (err) {
    if (isNotFound(err)) throw badInput(ErrorType.ImageNotFound, `no local image ${source}; build it before pushing`);
    throw transient(ErrorType.RegistryUnavailable, `docker inspect ${source}: ${errorMessage(err)}`, err as Error);
  }
  // Reachability and credentials first, so a dead registry leaves no new local tags behind.
  await registry.ping();

  const localDigests = new Set((local.RepoDigests ?? []).filter((d) => d.startsWith(`${input.imageRepo}@`)).map((d) => d.slice(d.indexOf('@') + 1)));
  const remote = await Promise.all(tags.map((t) => registry.manifestDigest(name, t)));
  if (remote.every((d) => d !== undefined && d === remote[0] && localDigests.has(d))) {
    const digest = remote[0]!;
    log.info({ digest }, 'registry already has this image; skipping push');
    return { digest, imageRef: `${input.imageRepo}@${digest}`, tags, skipped: true };
  }

  const heartbeat = throttledHeartbeat();
  // dockerd keeps its own TLS trust (it needs no CA of ours on loopback, docs/build.md); it gets the credentials.
  const authconfig = dockerAuthConfig(host, access.credentials);
  let digest: string | undefined;
  for (const tag of tags) {
    if (tag !== tags[0]) await deps.docker.getImage(source).tag({ repo: input.imageRepo, tag });
    let events;
    let last = '';
    const stopKeepAlive = keepAlive(() => ({ tag, status: last }));
    try {
      // @types/dockerode types push() as void; at runtime it resolves to the progress stream.
      const stream = (await deps.docker.getImage(input.imageRepo).push({ tag, authconfig, abortSignal: cancellationSignal() } as never)) as unknown as NodeJS.ReadableStream;
      events = await followDockerStream(stream, (e) => {
        if (e.status) {
          last = e.status;
          heartbeat({ tag, status: e.status, id: e.id });
        }
      });
    } catch (err) {
      throw transient(ErrorType.RegistryUnavailable, `docker push ${input.imageRepo}:${tag}: ${errorMessage(err)}`, err as Error);
    } finally {
      stopKeepAlive();
    }
    const error = streamError(events);
    if (error) {
      throw (
        dockerRegistryFailure(host, `the push of ${input.imageRepo}:${tag}`, error) ??
        transient(ErrorType.RegistryUnavailable, `docker push ${input.imageRepo}:${tag} failed: ${error}`)
      );
    }
    const d = pushedDigest(events, tag);
    if (!d) throw transient(ErrorType.DigestMismatch, `docker push ${input.imageRepo}:${tag} reported no digest`);
    if (digest && d !== digest) throw transient(ErrorType.DigestMismatch, `tags of one image pushed with different digests: ${digest} and ${d}`);
    digest = d;
    log.info({ tag, digest: d }, 'pushed');
  }

  for (const tag of tags) {
    const remoteDigest = await registry.manifestDigest(name, tag);
    if (remoteDigest !== digest) {
      throw transient(ErrorType.DigestMismatch, `registry ${host} has ${name}:${tag} at ${remoteDigest ?? 'nothing'}, but the push reported ${digest}`);
    }
  }
  return { digest: digest!, imageRef: `${input.imageRepo}@${digest}`, tags, skipped: false };
}
