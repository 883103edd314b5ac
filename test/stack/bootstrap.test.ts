/**
 * scripts/bootstrap.sh as a person meets it: a piece that fails is named, with the end of its log
 * and the command that retries just it, and leaves no half-built cache entry; a piece already in
 * place starts nothing. Only the temporal and apt pieces run here (the node piece would replace the
 * dist/ these tests run from).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, test } from 'node:test';
import { repoRoot } from '../helpers/stack';

const execFileAsync = promisify(execFile);
const scratch: string[] = [];
after(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function bootstrap(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await execFileAsync('bash', ['scripts/bootstrap.sh', ...args], { cwd: repoRoot(), env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

test('a failing piece is named with the end of its log and its retry command, and leaves no staging dir in the cache', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'sluice-bootstrap-cache-'));
  const fakeGoDir = await mkdtemp(join(tmpdir(), 'sluice-fake-go-that-fails-'));
  scratch.push(cache, fakeGoDir);
  // A `go` that fails the way an unreachable module proxy does: the temporal piece must report it.
  await writeFile(join(fakeGoDir, 'go'), '#!/bin/sh\necho "go: github.com/temporalio/cli@v1.5.1: proxy unreachable (fake)" >&2\nexit 1\n');
  await chmod(join(fakeGoDir, 'go'), 0o755);
  const run = await bootstrap(['demo', '--only', 'temporal'], { SLUICE_CACHE_DIR: cache, PATH: `${fakeGoDir}:${process.env.PATH ?? ''}` });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /^bootstrap: temporal: building the Temporal CLI v1\.5\.1/m);
  assert.match(run.stderr, /^bootstrap: FAILED: temporal \(exit 1 after \d+ s\); the end of .*bootstrap-temporal\.log:$/m);
  assert.match(run.stderr, /^ {2}\| go: github\.com\/temporalio\/cli@v1\.5\.1: proxy unreachable \(fake\)$/m);
  assert.match(
    run.stderr,
    /^bootstrap: retry it with: bash scripts\/bootstrap\.sh demo --only temporal \(it runs: .*go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1\)$/m,
  );
  assert.doesNotMatch(run.stdout, /ready for/);
  assert.deepEqual((await readdir(cache)).sort(), ['logs'], 'no temporal.tmp.* staging dir and no temporal-v1.5.1 entry');
});

test('pieces already in place start nothing; an unknown piece or purpose is a usage error', async () => {
  const cache = await mkdtemp(join(tmpdir(), 'sluice-bootstrap-cache-'));
  scratch.push(cache);
  // The stack these tests run on had its Debian packages installed by the bootstrap already.
  const warm = await bootstrap(['demo', '--only', 'apt'], { SLUICE_CACHE_DIR: cache });
  assert.equal(warm.code, 0, warm.stdout + warm.stderr);
  assert.equal(warm.stdout, 'bootstrap: ready for the demo (only apt)\n');
  const unknownPiece = await bootstrap(['test', '--only', 'tempral'], { SLUICE_CACHE_DIR: cache });
  assert.equal(unknownPiece.code, 2);
  assert.match(unknownPiece.stderr, /no piece named tempral/);
  assert.match(unknownPiece.stderr, /^usage: bash scripts\/bootstrap\.sh \[demo\|test\] \[--only apt,temporal,temporal-cluster,kubernetes,node,compose-schema\]$/m);
  const unknownPurpose = await bootstrap(['production'], { SLUICE_CACHE_DIR: cache });
  assert.equal(unknownPurpose.code, 2);
  assert.match(unknownPurpose.stderr, /^usage:/m);
});
