import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { commitTimeOf } from '../../src/client';
import { repoRoot } from '../helpers/stack';

test("the release memo's commit time comes from git: HEAD for build sources, the named commit for prebuilt ones", async () => {
  const root = repoRoot();
  const head = execFileSync('git', ['-C', root, 'log', '-1', '--format=%cI%n%H', 'HEAD']).toString().trim().split('\n');
  const expected = new Date(head[0]!).toISOString();
  assert.equal(await commitTimeOf({ kind: 'build', repoDir: root }), expected);
  assert.equal(await commitTimeOf({ kind: 'prebuilt', commit: head[1]! }, root), expected);
  // Unknown is fine (fewer lead-time samples), wrong is not.
  const empty = mkdtempSync(join(tmpdir(), 'sluice-nogit-'));
  try {
    assert.equal(await commitTimeOf({ kind: 'build', repoDir: empty }), undefined);
    assert.equal(await commitTimeOf({ kind: 'prebuilt', commit: 'deadbeefdeadbeef' }, root), undefined);
    assert.equal(await commitTimeOf({ kind: 'prebuilt' }), undefined);
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
