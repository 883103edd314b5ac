import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import * as semver from 'semver';
import { generateChangelog } from '../../src/activities/build/changelog';
import { imageTagFor, resolveVersion, versionFromImageTag } from '../../src/activities/build/version';
import { TestRepo, tempDir, removeDir } from './helpers';
import { ErrorType } from '../../src/domain/errors';

async function rejectsWith(p: Promise<unknown>, type: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `expected ApplicationFailure, got ${String(err)}`);
    assert.equal(err.type, type);
    assert.equal(err.nonRetryable, true);
    assert.match(err.message, pattern);
    return true;
  });
}

describe('resolveVersion', () => {
  const repos: TestRepo[] = [];
  after(() => repos.forEach((r) => r.remove()));
  const repo = () => {
    const r = TestRepo.create('version');
    repos.push(r);
    return r;
  };

  it('gives an untagged repository a 0.0.0-dev.N pre-release', async () => {
    const r = repo();
    r.commit('initial import');
    r.commit('second');
    const v = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.equal(v.version, `0.0.0-dev.2+${r.short()}`);
    assert.equal(v.imageTag, `v0.0.0-dev.2-${r.short()}`);
    assert.equal(v.tag, null);
    assert.equal(v.prerelease, true);
    assert.equal(v.dirty, false);
  });

  it('uses the tag exactly on a tagged commit, and the next patch dev build after it', async () => {
    const r = repo();
    r.commit('feat: first');
    r.git('tag', '-a', 'v1.4.3', '-m', 'release 1.4.3');
    const onTag = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.equal(onTag.version, `1.4.3+${r.short()}`);
    assert.equal(onTag.imageTag, `v1.4.3-${r.short()}`);
    assert.equal(onTag.commit.length, 40);
    assert.equal(onTag.prerelease, false);
    assert.equal(onTag.distance, 0);

    r.commit('fix: after the tag');
    r.commit('chore: more');
    const after2 = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.equal(after2.version, `1.4.4-dev.2+${r.short()}`);
    assert.ok(semver.gt(after2.version, onTag.version), 'a later build sorts above the release');
    assert.equal(versionFromImageTag(after2.imageTag)?.version, after2.version);
  });

  it('marks a dirty tree with a content hash so different edits never share a version', async () => {
    const r = repo();
    r.commit('one');
    r.git('tag', 'v2.0.0');
    r.write('untracked.txt', 'a');
    const a = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.match(a.version, new RegExp(`^2\\.0\\.1-dev\\.0\\.dirty-[0-9a-f]{7}\\+${r.short()}$`));
    assert.equal(a.dirty, true);
    assert.ok(semver.valid(a.version));
    const again = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.equal(again.version, a.version, 'same tree, same version');
    r.write('untracked.txt', 'b');
    const b = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.notEqual(b.version, a.version);
  });

  it('continues pre-release tags below the final release', async () => {
    const r = repo();
    r.commit('one');
    r.git('tag', 'v1.5.0-rc.1');
    assert.equal((await resolveVersion({ repoDir: r.dir, service: 'svc' })).version, `1.5.0-rc.1+${r.short()}`);
    r.commit('two');
    const v = await resolveVersion({ repoDir: r.dir, service: 'svc' });
    assert.equal(v.version, `1.5.0-rc.1.dev.1+${r.short()}`);
    assert.ok(semver.lt(v.version, '1.5.0'));
  });

  it('honours a tag prefix for monorepos', async () => {
    const r = repo();
    r.commit('one');
    r.git('tag', 'v9.9.9');
    r.git('tag', 'svc/v0.3.1');
    const v = await resolveVersion({ repoDir: r.dir, service: 'svc', tagPrefix: 'svc/v' });
    assert.equal(v.version, `0.3.1+${r.short()}`);
  });

  it('refuses malformed version tags with a non-retryable failure', async () => {
    for (const tag of ['v1.2', 'v01.2.3', 'v1.2.3+meta', 'v1.2.3.4']) {
      const r = repo();
      r.commit('one');
      r.git('tag', tag);
      await rejectsWith(resolveVersion({ repoDir: r.dir, service: 'svc' }), ErrorType.BadVersionTag, new RegExp(`git tag "${tag.replace(/[.+]/g, '\\$&')}" is not a release tag`));
    }
  });

  it('refuses a directory that is not a repository, and an empty repository', async () => {
    const dir = tempDir('norepo');
    try {
      await rejectsWith(resolveVersion({ repoDir: dir, service: 'svc' }), ErrorType.NotAGitRepo, /not a git work tree/);
    } finally {
      removeDir(dir);
    }
    const r = repo();
    await rejectsWith(resolveVersion({ repoDir: r.dir, service: 'svc' }), ErrorType.NotAGitRepo, /no commit yet/);
  });

  it('refuses a shallow clone whose tags are out of reach instead of guessing 0.0.0', async () => {
    const r = repo();
    r.commit('one');
    r.git('tag', 'v1.0.0');
    r.commit('two');
    r.commit('three');
    const clone = TestRepo.create('shallow');
    repos.push(clone);
    clone.git('fetch', '--quiet', '--depth=1', '--no-tags', `file://${r.dir}`, 'main');
    clone.git('checkout', '--quiet', 'FETCH_HEAD');
    await rejectsWith(resolveVersion({ repoDir: clone.dir, service: 'svc' }), ErrorType.ShallowClone, /shallow clone .*fetch-depth: 0/);
  });

  it('maps versions and image tags both ways', () => {
    assert.equal(imageTagFor('1.4.3+a1b2c3d'), 'v1.4.3-a1b2c3d');
    assert.equal(imageTagFor('1.4.4-dev.3+a1b2c3d'), 'v1.4.4-dev.3-a1b2c3d');
    assert.deepEqual(versionFromImageTag('v1.4.4-dev.3-a1b2c3d'), { version: '1.4.4-dev.3+a1b2c3d', shortCommit: 'a1b2c3d' });
    assert.equal(versionFromImageTag('sha-a1b2c3d'), undefined);
    assert.equal(versionFromImageTag('latest'), undefined);
    assert.throws(() => imageTagFor('1.4.3'), /build metadata/);
  });
});

describe('generateChangelog', () => {
  it('lists commits since the previous release, grouped, with authors, through merges', async () => {
    const r = TestRepo.create('changelog');
    try {
      r.commit('feat: the beginning');
      r.git('tag', '-a', 'v1.0.0', '-m', 'v1.0.0');
      r.git('tag', 'v1.0.0-garbage.tag.skip'); // valid semver but lower: must not be chosen
      r.git('tag', 'vnot-a-version'); // malformed: skipped by the changelog
      const fix = r.commit('fix(api): handle empty body', { author: 'Grace Hopper' });
      r.git('checkout', '--quiet', '-b', 'topic');
      const feat = r.commit('feat(ui)!: new dashboard layout');
      const free = r.commit('Update README wording');
      r.git('checkout', '--quiet', 'main');
      const perf = r.commit('perf: faster startup', { body: 'Details.\n\nBREAKING CHANGE: the --fast flag is gone' });
      r.git('merge', '--quiet', '--no-ff', 'topic', '-m', 'Merge branch topic');
      r.git('tag', 'v1.1.0');

      const log = await generateChangelog({ repoDir: r.dir, toRef: 'v1.1.0' });
      assert.equal(log.fromRef, 'v1.0.0');
      assert.equal(log.fromVersion, '1.0.0');
      assert.equal(log.toCommit, r.git('rev-parse', 'v1.1.0'));
      assert.deepEqual(new Set(log.entries.map((e) => e.sha)), new Set([fix, feat, free, perf]), 'merge commit left out, branch commits in');
      const byType = Object.fromEntries(log.groups.map((g) => [g.type, g.entries.map((e) => e.subject)]));
      assert.deepEqual(byType, {
        feat: ['feat(ui)!: new dashboard layout'],
        fix: ['fix(api): handle empty body'],
        perf: ['perf: faster startup'],
        other: ['Update README wording'],
      });
      const fixEntry = log.entries.find((e) => e.sha === fix)!;
      assert.equal(fixEntry.author, 'Grace Hopper');
      assert.equal(fixEntry.scope, 'api');
      assert.equal(log.entries.find((e) => e.sha === perf)!.breaking, true, 'BREAKING CHANGE footer');
      assert.equal(log.entries.find((e) => e.sha === free)!.conventional, false);
      assert.equal(log.bump, 'major');
      assert.equal(log.nextVersion, '2.0.0');
      assert.match(log.markdown, /### feat\n- \*\*BREAKING\*\* \*\*ui:\*\* feat\(ui\)!: new dashboard layout/);

      // From the next commit on, v1.1.0 is the previous release; a feat proposes a minor bump.
      r.commit('feat: small addition');
      r.commit('docs: typo');
      const next = await generateChangelog({ repoDir: r.dir });
      assert.equal(next.fromRef, 'v1.1.0');
      assert.deepEqual(
        next.entries.map((e) => e.type),
        ['docs', 'feat'],
      );
      assert.equal(next.bump, 'minor');
      assert.equal(next.nextVersion, '1.2.0');

      const fixOnly = await generateChangelog({ repoDir: r.dir, fromRef: 'v1.0.0', toRef: fix });
      assert.equal(fixOnly.bump, 'patch');
      assert.equal(fixOnly.nextVersion, '1.0.1');
      const none = await generateChangelog({ repoDir: r.dir, fromRef: 'HEAD', toRef: 'HEAD' });
      assert.equal(none.bump, 'none');
      assert.equal(none.entries.length, 0);

      await assert.rejects(
        generateChangelog({ repoDir: r.dir, toRef: 'no-such-ref' }),
        (e: unknown) => e instanceof ApplicationFailure && e.type === ErrorType.UnknownRef && e.nonRetryable,
      );
      await assert.rejects(generateChangelog({ repoDir: r.dir, toRef: '--output=/tmp/x' }), (e: unknown) => e instanceof ApplicationFailure && e.type === ErrorType.UnknownRef);
    } finally {
      r.remove();
    }
  });

  it('starts from the root commit when nothing was released yet', async () => {
    const r = TestRepo.create('changelog-root');
    try {
      r.commit('chore: init');
      r.commit('fix: a bug');
      const log = await generateChangelog({ repoDir: r.dir });
      assert.equal(log.fromRef, null);
      assert.equal(log.entries.length, 2);
      assert.equal(log.nextVersion, '0.1.0');
    } finally {
      r.remove();
    }
  });
});
