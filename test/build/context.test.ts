import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import * as tar from 'tar-fs';
import { packBuildContext } from '../../src/activities/build/context';
import { removeDir, tempDir } from './helpers';

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

async function packAndList(contextDir: string, dockerfile?: string): Promise<string[]> {
  const out = tempDir('ctx-out');
  try {
    const ctx = packBuildContext(contextDir, dockerfile);
    await pipeline(ctx.stream as unknown as NodeJS.ReadableStream, tar.extract(out));
    return listFiles(out).sort();
  } finally {
    removeDir(out);
  }
}

describe('build context', () => {
  it('honours .dockerignore, exceptions included, and always sends the Dockerfile', async () => {
    const dir = tempDir('ctx');
    try {
      const files = ['main.go', 'main_test.go', 'README.md', 'docs/keep.md', '.git/HEAD', 'build/Dockerfile', 'vendor/a/a.go', 'logs/x.log', 'logs/keep.log'];
      for (const f of files) {
        mkdirSync(join(dir, f, '..'), { recursive: true });
        writeFileSync(join(dir, f), f);
      }
      writeFileSync(join(dir, '.dockerignore'), '# comment\n.git\n*.md\n!docs/keep.md\n*_test.go\nbuild\nlogs\n!logs/keep.log\n');
      assert.deepEqual(await packAndList(dir, 'build/Dockerfile'), ['.dockerignore', 'build/Dockerfile', 'docs/keep.md', 'logs/keep.log', 'main.go', 'vendor/a/a.go']);
    } finally {
      removeDir(dir);
    }
  });

  it('sends everything without a .dockerignore', async () => {
    const dir = tempDir('ctx-plain');
    try {
      writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
      writeFileSync(join(dir, 'a.txt'), 'a');
      assert.deepEqual(await packAndList(dir), ['Dockerfile', 'a.txt']);
    } finally {
      removeDir(dir);
    }
  });
});
