/**
 * Measures the example service's image: size, cold build (no layer cache), cached build of a
 * new version (module layers cached, compile re-runs), and the idempotent re-run (skip).
 * Needs the embedded stack's dockerd. Run: npx tsx bench/build-image.ts
 */
import { join } from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { ensureBaseImages, removeDanglingBuilderImages } from '../src/activities/build/base-images';
import { buildImage } from '../src/activities/build/image';
import { imageTagFor } from '../src/activities/build/version';
import { loadStackConfig } from '../src/dev/config';

async function main(): Promise<void> {
  const stack = loadStackConfig();
  const docker = new Docker({ socketPath: stack.docker.socket });
  const contextDir = join(__dirname, '..', 'examples', 'go-service');
  const logger = pino({ level: 'silent' });
  const repo = `127.0.0.1:5000/bench-go-service-${process.pid}`;

  let t = Date.now();
  const base = await ensureBaseImages({ docker, goModuleDir: contextDir });
  const baseMs = Date.now() - t;
  const deps = { docker, logger, defaultBuildArgs: { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage } };
  const ref = (v: string, sha: string) => ({ version: `${v}+${sha}`, imageTag: imageTagFor(`${v}+${sha}`), commit: sha.repeat(6).slice(0, 40) });
  const built: string[] = [];
  try {
    const cold = await buildImage(deps, { contextDir, imageRepo: repo, version: ref('0.0.1', 'aaaaaaa'), noCache: true });
    built.push(cold.image);
    const cached = await buildImage(deps, { contextDir, imageRepo: repo, version: ref('0.0.2', 'bbbbbbb') });
    built.push(cached.image);
    t = Date.now();
    const again = await buildImage(deps, { contextDir, imageRepo: repo, version: ref('0.0.2', 'bbbbbbb') });
    const rerunMs = Date.now() - t;
    const result = {
      baseImagesMs: baseMs,
      imageSizeBytes: cold.sizeBytes,
      imageSizeMiB: +(cold.sizeBytes / 1048576).toFixed(2),
      coldBuildMs: cold.durationMs,
      cachedBuildNewVersionMs: cached.durationMs,
      idempotentRerunMs: rerunMs,
      rerunSkipped: again.skipped,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    for (const image of built)
      await docker
        .getImage(image)
        .remove({ force: true })
        .catch(() => undefined);
    await removeDanglingBuilderImages(docker);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
