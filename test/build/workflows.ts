// Test-only workflow: the build → push part of a deployment, with activities that "crash"
// once after doing their work, as a worker killed before reporting completion would.
import { proxyActivities } from '@temporalio/workflow';
import type { BuildActivities, BuildImageResult, Changelog, ResolvedVersion } from '../../src/activities/build';
import type { PushImageResult, RegistryActivities } from '../../src/activities/registry';

export interface CrashOnceActivities {
  buildImageCrashOnce: BuildActivities['buildImage'];
  pushImageCrashOnce: RegistryActivities['pushImage'];
}

const quick = proxyActivities<Pick<BuildActivities, 'resolveVersion' | 'generateChangelog'>>({ startToCloseTimeout: '1m' });
const slow = proxyActivities<CrashOnceActivities>({
  startToCloseTimeout: '10m',
  heartbeatTimeout: '1m',
  retry: { initialInterval: '200ms', maximumAttempts: 3 },
});

export interface BuildAndPushInput {
  repoDir: string;
  service: string;
  imageRepo: string;
}

export interface BuildAndPushResult {
  version: ResolvedVersion;
  changelog: Pick<Changelog, 'bump' | 'nextVersion' | 'fromRef'>;
  build: BuildImageResult;
  push: PushImageResult;
}

export async function buildAndPushWorkflow(input: BuildAndPushInput): Promise<BuildAndPushResult> {
  const version = await quick.resolveVersion({ repoDir: input.repoDir, service: input.service });
  const changelog = await quick.generateChangelog({ repoDir: input.repoDir });
  const build = await slow.buildImageCrashOnce({ contextDir: input.repoDir, imageRepo: input.imageRepo, version });
  const push = await slow.pushImageCrashOnce({ imageRepo: input.imageRepo, tags: [version.imageTag, `sha-${version.shortCommit}`] });
  return { version, changelog: { bump: changelog.bump, nextVersion: changelog.nextVersion, fromRef: changelog.fromRef }, build, push };
}
