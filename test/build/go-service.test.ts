import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { exampleDir } from './helpers';

const run = promisify(execFile);

/** The example's own Go checks, run by the node runner so one `npm test` covers them. */
describe('examples/go-service (go vet + go test)', { timeout: 300_000 }, () => {
  // The user's GOFLAGS/GOMODCACHE are honoured; only the toolchain is pinned to the local one.
  const env = { ...process.env, GOFLAGS: process.env.GOFLAGS || '-mod=readonly', GOTOOLCHAIN: 'local' };

  it('go vet is clean', async () => {
    await run('go', ['vet', './...'], { cwd: exampleDir(), env });
  });

  it('gofmt has nothing to say', async () => {
    const { stdout } = await run('gofmt', ['-l', '.'], { cwd: exampleDir(), env });
    assert.equal(stdout, '');
  });

  it('go test passes', async () => {
    const { stdout } = await run('go', ['test', '-count=1', './...'], { cwd: exampleDir(), env });
    assert.match(stdout, /^ok\s+\S+/m);
  });
});
