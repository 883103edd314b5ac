/**
 * Payload encryption end to end, on the shared Temporal dev server: a worker and the CLI share a
 * keys file (made by `sluice codec keygen`); a real release runs; the server's raw history holds
 * neither the spec nor its configuration values, only ciphertext; a CLI without the keys cannot
 * read the result, one with a rotated keys file still can; and the codec server decodes a raw
 * payload for a caller with its token only, and lets only the Web UI's origin call it.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { temporal } from '@temporalio/proto';
import { defaultCacheDir, TEMPORAL_CLI_VERSION, temporalAddress } from '../../src/dev/config';
import { dataConverterFromEnv } from '../../src/lib/payload-encryption';
import { freePort, stack, temporalClient, uniqueName } from '../helpers/stack';

const execFileAsync = promisify(execFile);
/** The Temporal CLI the bootstrap builds (scripts/bootstrap.sh). */
const temporalCli = join(defaultCacheDir(), `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
import { describeResult, runCli, specDir, startCli, waitForOutput } from '../cli/helpers';
import { fixtureSpec, startCliWorker, VERSIONS, type CliWorker } from '../cli/worker-fixture';

describe('encrypted payloads end to end', { timeout: 600_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-encryption-'));
  const keysFile = join(dir, 'keys.json');
  const marker = `release-note-${randomBytes(6).toString('hex')}`;
  const service = uniqueName('enc');
  const workflowId = `deploy/${service}/production`;
  let w: CliWorker;
  let rawHistory: Uint8Array;
  let startedInput: temporal.api.common.v1.IPayload;
  const cleanups: (() => void)[] = [];
  const withKeys = () => ({ ...w.env, SLUICE_CODEC_KEYS_FILE: keysFile });

  before(async () => {
    const made = await runCli(['codec', 'keygen', '--file', keysFile, '--id', 'k1']);
    assert.equal(made.code, 0, describeResult(made));
    assert.match(made.stdout, /added key k1/);
    const file = JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: Record<string, string> };
    assert.ok(!made.stdout.includes(file.keys.k1!) && !made.stderr.includes(file.keys.k1!), 'the key is never printed');
    assert.equal(statSync(keysFile).mode & 0o777, 0o600);
    w = await startCliWorker({ dataConverter: dataConverterFromEnv({ SLUICE_CODEC_KEYS_FILE: keysFile }) });
  });
  after(async () => {
    cleanups.forEach((c) => c());
    await w?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a release is promoted, and raw history holds ciphertext only', async () => {
    await w.seedStable(service, 'production', VERSIONS.v1);
    const spec = `${fixtureSpec(w, service, VERSIONS.v2, '[ { setWeight: 50 }, { analysis: { window: 1s } }, { setWeight: 100 } ]')}\nconfig: { source: env, values: { RELEASE_NOTE: "${marker}" } }\n`;
    const d = specDir(spec);
    cleanups.push(d.remove);
    const r = await runCli(['deploy', '--wait'], { env: withKeys(), cwd: d.dir });
    assert.equal(r.code, 0, describeResult(r));
    assert.match(r.stdout, /promoted/);

    // Read as the server stores it: a client with no codec, the history's protobuf bytes.
    const { client, connection } = await temporalClient();
    try {
      const history = await client.workflow.getHandle(workflowId).fetchHistory();
      rawHistory = temporal.api.history.v1.History.encode(history).finish();
      startedInput = history.events![0]!.workflowExecutionStartedEventAttributes!.input!.payloads![0]!;
    } finally {
      await connection.close();
    }
    const raw = Buffer.from(rawHistory);
    assert.ok(raw.includes('binary/encrypted'), 'payloads are encrypted');
    assert.ok(!raw.includes(marker), 'the configuration value is not in the clear');
    // The version is a search attribute, readable on purpose; the spec's own fields are not.
    assert.ok(!raw.includes('binaryPath') && !raw.includes('healthCheck'), 'the spec is not in the clear');
    assert.equal(Buffer.from(startedInput.metadata!.encoding!).toString(), 'binary/encrypted');
  });

  test('a CLI without the keys cannot read the result; one with a rotated keys file still can', async () => {
    const without = await runCli(['status', service, 'production', '-o', 'json'], { env: { ...w.env, SLUICE_CODEC_KEYS_FILE: '' } });
    assert.notEqual(without.code, 0, describeResult(without));
    const rotated = await runCli(['codec', 'keygen', '--file', keysFile, '--id', 'k2']);
    assert.equal(rotated.code, 0, describeResult(rotated));
    assert.deepEqual(Object.keys((JSON.parse(readFileSync(keysFile, 'utf8')) as { keys: object }).keys), ['k1', 'k2']);
    const status = await runCli(['status', service, 'production', '-o', 'json'], { env: withKeys() });
    assert.equal(status.code, 0, describeResult(status));
    assert.equal((JSON.parse(status.stdout) as { result: { outcome: string } }).result.outcome, 'promoted');
  });

  test('the codec server decodes for a caller with its token and for the Web UI origin only', async () => {
    const tokenFile = join(dir, 'codec-token');
    const token = randomBytes(24).toString('base64url');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    const port = await freePort();
    const server = startCli(['codec', 'server', '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile, '--keys-file', keysFile]);
    cleanups.push(() => server.kill('SIGTERM'));
    await waitForOutput(server, /codec server listening/, 60_000);
    const url = `http://127.0.0.1:${port}/decode`;
    const body = JSON.stringify({
      payloads: [
        {
          metadata: Object.fromEntries(Object.entries(startedInput.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
          data: Buffer.from(startedInput.data!).toString('base64'),
        },
      ],
    });
    const refused = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    assert.equal(refused.status, 401);
    const answer = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-namespace': 'default' } });
    assert.equal(answer.status, 200);
    const decoded = (await answer.json()) as { payloads: { metadata: Record<string, string>; data: string }[] };
    assert.equal(Buffer.from(decoded.payloads[0]!.metadata.encoding!, 'base64').toString(), 'json/plain');
    assert.ok(Buffer.from(decoded.payloads[0]!.data, 'base64').toString().includes(marker), 'the decoded spec holds the configuration value');
    const preflight = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:8233', 'access-control-request-method': 'POST' } });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), 'http://127.0.0.1:8233');
    const stranger = await fetch(url, { method: 'OPTIONS', headers: { origin: 'http://127.0.0.1:9999', 'access-control-request-method': 'POST' } });
    assert.equal(stranger.status, 403);
    assert.equal(stranger.headers.get('access-control-allow-origin'), null);
    // Temporal's own CLI, pointed at it, shows the history decoded; without the token it cannot.
    // The stack's client certificate when it runs the Temporal cluster (mTLS only).
    const tls = stack.temporal.tls;
    const cliTls = tls ? ['--tls-ca-path', tls.ca, '--tls-cert-path', tls.cert, '--tls-key-path', tls.key] : [];
    const show = (auth: string[]) =>
      execFileAsync(
        temporalCli,
        [
          'workflow',
          'show',
          '--address',
          temporalAddress(stack),
          ...cliTls,
          '--workflow-id',
          workflowId,
          '--output',
          'json',
          '--codec-endpoint',
          `http://127.0.0.1:${port}`,
          ...auth,
        ],
        {
          maxBuffer: 64 * 1024 * 1024,
        },
      ).then(
        (r) => r.stdout,
        (err: { stdout?: string }) => err.stdout ?? '',
      );
    const startedPayload = (output: string): string => {
      if (!output.trim().startsWith('{')) return output;
      const events = (JSON.parse(output) as { events: { workflowExecutionStartedEventAttributes?: { input?: { payloads?: unknown[] } } }[] }).events;
      const payload = events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0] as { data?: string } | undefined;
      // The CLI prints a JSON payload as its value, others with their data in base64.
      return `${JSON.stringify(payload)} ${typeof payload?.data === 'string' ? Buffer.from(payload.data, 'base64').toString() : ''}`;
    };
    const viaCli = startedPayload(await show(['--codec-auth', `Bearer ${token}`]));
    assert.ok(viaCli.includes(marker), `temporal workflow show decodes through the codec server; its first payload: ${viaCli.slice(0, 400)}`);
    assert.ok(!startedPayload(await show([])).includes(marker));
    assert.ok(!server.output().stdout.includes(token) && !server.output().stderr.includes(token), 'the token is never logged');

    // A browser signs in once with the token; its session cookie then decodes from the Web UI's origin only.
    const ui = 'http://127.0.0.1:8233';
    const login = `http://127.0.0.1:${port}/login`;
    const form = await (await fetch(`${login}?returnTo=${encodeURIComponent('https://elsewhere.example/')}`)).text();
    assert.match(form, /name="token"/);
    assert.ok(!form.includes('elsewhere.example'), 'a return address outside the Web UI is dropped');
    const signIn = (fields: Record<string, string>) => fetch(login, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
    const wrong = await signIn({ token: 'not-the-token' });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers.get('set-cookie'), null);
    const signedIn = await signIn({ token, returnTo: `${ui}/namespaces/default/workflows` });
    assert.equal(signedIn.status, 303);
    assert.equal(signedIn.headers.get('location'), `${ui}/namespaces/default/workflows`);
    const setCookie = signedIn.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/i);
    assert.match(setCookie, /SameSite=Strict/i);
    assert.ok(!setCookie.includes(token), 'the cookie is a session id, not the token');
    const cookie = setCookie.split(';')[0]!;
    const withCookie = (origin?: string) => fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', cookie, ...(origin ? { origin } : {}) } });
    assert.equal((await withCookie(ui)).status, 200, 'the Web UI decodes with the session');
    assert.equal((await withCookie('http://127.0.0.1:9999')).status, 401, 'another origin does not');
    assert.equal((await withCookie()).status, 401, 'nor a caller that names no origin');
    const signedOut = await fetch(`http://127.0.0.1:${port}/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(signedOut.status, 200);
    assert.equal((await withCookie(ui)).status, 401, 'signed out, the session is gone');
  });
});
