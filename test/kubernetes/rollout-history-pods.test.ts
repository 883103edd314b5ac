/**
 * `kubectl rollout history` agrees with `sluice releases` on real pods. v1 (the first release),
 * then rolling updates to v2 and v6, then `sluice rollback --to v1` through the CLI: the rollback
 * goes back onto v1's retained ReplicaSet, which Kubernetes renumbers as the newest revision. Then
 * every revision kubectl lists is a release `sluice releases` lists (same version, tag and
 * digest), in the order they went out, and the newest revision is the one Sluice marks live.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { k8s } from '../../src/activities/targets/kubernetes/client';
import { deploymentName } from '../../src/activities/targets/kubernetes/manifests';
import { repositoryOf } from '../../src/domain/image-refs';
import type { Release } from '../../src/domain/release';
import { describeResult, runCli } from '../cli/helpers';
import { kube } from './cluster';
import { replicaSets } from './fixtures';
import { ENVIRONMENT, realPodsSuite, skip, V1, V2, V6 } from './real-pods-support';

const execFileAsync = promisify(execFile);

async function kubectl(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(kube.bins.kubectl, ['--kubeconfig', kube.kubeconfig, ...args], { timeout: 30000 });
  return stdout;
}

describe('kubectl rollout history agrees with sluice releases on real pods', { skip: skip() }, () => {
  // Releases are retained per image repository (the newest few): one of its own holds just these three.
  const suite = realPodsSuite('k8s-history', [V1, V2, V6], 'k8s-history-go-service');

  it('after two rolling releases and a rollback --to, each revision is a listed release and the newest is live', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    const cliEnv = { SLUICE_TASK_QUEUE: suite.e2e.taskQueue };
    await env.first(V1);
    for (const version of [V2, V6]) {
      const { result } = await env.deploy(env.spec(version, { kind: 'rolling', maxSurge: 1, maxUnavailable: 0, progressDeadline: '60s', checks: { window: '1s' } }));
      assert.equal(result.outcome, 'promoted', `${version}: ${result.message}`);
    }

    const rollback = await runCli(['rollback', env.service, ENVIRONMENT, '--to', V1, '--wait'], { env: cliEnv });
    assert.equal(rollback.code, 0, describeResult(rollback));
    assert.match(rollback.stdout, /rolled-back/);
    await env.servesEverywhere(V1);

    const name = deploymentName({ service: env.service, environment: ENVIRONMENT }, 'main');
    // The revisions kubectl knows, oldest first, and the pod template of each.
    const listing = await kubectl(['rollout', 'history', `deployment/${name}`, '-n', env.namespace]);
    t.diagnostic(listing);
    const revisions = [...listing.matchAll(/^(\d+)\s/gm)].map((m) => Number(m[1]));
    const releases: Release[] = [];
    for (const revision of revisions) {
      // kubectl 1.33 prints the revision's ReplicaSet.
      const rs = JSON.parse(await kubectl(['rollout', 'history', `deployment/${name}`, '-n', env.namespace, `--revision=${revision}`, '-o', 'json'])) as k8s.V1ReplicaSet;
      const template = rs.spec!.template!;
      const release = JSON.parse(template.metadata!.annotations!['sluice.dev/release']!) as Release;
      assert.equal(template.spec!.containers[0]!.image, release.imageRef, `revision ${revision} runs the release it names`);
      releases.push(release);
    }
    // v1's ReplicaSet was taken back, not recreated: its revision 1 became the newest.
    assert.deepEqual(
      releases.map((r) => r.version),
      [V2, V6, V1],
      `revisions ${revisions.join(', ')}`,
    );
    assert.equal((await replicaSets(suite.clients, env.namespace)).filter((rs) => rs.owner === name).length, 3, 'one ReplicaSet per release, none recreated');

    const listed = await runCli(['releases', env.service, ENVIRONMENT, '--image-repo', repositoryOf(env.release(V1).imageRef!), '-o', 'json'], { env: cliEnv });
    assert.equal(listed.code, 0, describeResult(listed));
    const sluice = JSON.parse(listed.stdout) as { live: string | null; releases: { version: string; imageTag: string; digest?: string }[] };
    for (const release of releases) {
      const entry = sluice.releases.find((r) => r.version === release.version);
      assert.ok(entry, `sluice releases lists ${release.version} (${sluice.releases.map((r) => r.version).join(', ')})`);
      assert.equal(entry.imageTag, release.imageTag);
      assert.equal(entry.digest, release.imageRef!.split('@')[1], `${release.version}: the digest kubectl's template runs`);
    }
    assert.equal(sluice.live, releases.at(-1)!.version, 'the newest revision is the release sluice marks live');
  });
});
