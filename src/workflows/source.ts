/**
 * Turning the spec's source into a Release: build and push it (phases building, pushing), or take
 * a prebuilt one as given. Nothing here needs an undo: an extra image in the registry or binary in
 * the artifact store harms nobody, and retention prunes it.
 */
import { upsertMemo } from '@temporalio/workflow';
import { commitFromVersion, imageTagForVersion, type Release } from '../domain/release';
import type { ReleaseSpec } from '../domain/spec';
import { build, buildActivity, git, gitActivity, pushActivity, registry, withSummary } from './activities';
import { StopError, type Control } from './control';
import type { Tracker } from './tracker';

/** Memo values are stored with every visibility record; keep the changelog to a readable size. */
export const MEMO_CHANGELOG_LIMIT = 16_000;

export async function obtainRelease(spec: ReleaseSpec, control: Control, tracker: Tracker): Promise<Release> {
  const source = spec.source;
  if (source.kind === 'prebuilt') {
    return {
      service: spec.service,
      version: source.version,
      imageTag: source.imageTag ?? imageTagForVersion(source.version),
      commit: source.commit ?? commitFromVersion(source.version),
      ...(source.imageRef ? { imageRef: source.imageRef } : {}),
      ...(source.binaryPath ? { binaryPath: source.binaryPath } : {}),
    };
  }

  tracker.setPhase('building');
  const resolved = await control.interruptible(() =>
    withSummary(git.resolveVersion, gitActivity, `version of ${spec.service} from git`, { repoDir: source.repoDir, service: spec.service, tagPrefix: source.tagPrefix }),
  );
  const version = { version: resolved.version, imageTag: resolved.imageTag, commit: resolved.commit };
  tracker.event('info', `version ${resolved.version} (commit ${resolved.shortCommit})`);
  tracker.setBuilding({ service: spec.service, ...version });

  try {
    const changelog = await control.interruptible(() =>
      withSummary(git.generateChangelog, gitActivity, `changelog up to ${resolved.version}`, { repoDir: source.repoDir, toRef: resolved.commit, tagPrefix: source.tagPrefix }),
    );
    upsertMemo({
      version: resolved.version,
      changelog: changelog.markdown.length > MEMO_CHANGELOG_LIMIT ? `${changelog.markdown.slice(0, MEMO_CHANGELOG_LIMIT)}\n…(truncated)` : changelog.markdown,
    });
    tracker.event('info', `changelog: ${changelog.entries.length} commits since ${changelog.fromRef ?? 'the beginning'}`);
  } catch (err) {
    if (err instanceof StopError) throw err;
    // A changelog is for people; a repository without tags or history must not block a release.
    tracker.event('info', `changelog unavailable: ${(err as Error).message}`);
  }

  const contextDir = source.contextDir ?? source.repoDir;
  // What the target runs is adapter data the edge put on the spec (src/domain/adapters.ts).
  if (spec.capabilities.artifact === 'binary') {
    const binary = await control.interruptible(() =>
      withSummary(build.buildBinary, buildActivity, `go build ${spec.service} ${version.version}`, { sourceDir: contextDir, service: spec.service, version }),
    );
    return { service: spec.service, ...version, binaryPath: binary.binaryPath };
  }

  const imageRepo = source.imageRepo!; // the spec schema requires it for targets that run images
  await control.interruptible(() =>
    withSummary(build.buildImage, buildActivity, `build image ${imageRepo}:${version.imageTag}`, {
      contextDir,
      dockerfile: source.dockerfile,
      imageRepo,
      version,
      ...(source.buildArgs ? { buildArgs: source.buildArgs } : {}),
    }),
  );
  control.throwIfStopped();
  tracker.setPhase('pushing');
  // Version tag first (the one built), then the commit tag (the build activities' sha-<short> convention).
  const tags = [resolved.imageTag, `sha-${resolved.shortCommit}`];
  const pushed = await control.interruptible(() => withSummary(registry.pushImage, pushActivity, `push ${imageRepo}:${resolved.imageTag}`, { imageRepo, tags }));
  return { service: spec.service, ...version, imageRef: pushed.imageRef };
}
