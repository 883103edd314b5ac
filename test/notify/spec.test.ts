/**
 * Sink configuration at the edge: what sluice.yaml may say under `notifications`, per
 * environment, and the errors a person gets for what it may not. Pure validation, no stack.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { adapterCatalogue } from '../../src/activities/catalogue';
import { SINKS } from '../../src/activities/notify/registry';
import { readSpecFile, validateSpec } from '../../src/client/spec-file';
import { NotificationSink } from '../../src/domain/notifications';
import { releaseSpecSchema } from '../../src/domain/spec';
import { parseReleaseSpec } from '../../src/domain/validate';
import { packageRoot } from '../../src/lib/paths';

const catalogue = adapterCatalogue();
const base = {
  service: 'checkout',
  environment: 'production',
  source: { kind: 'prebuilt', version: '1.0.0+abcdef0', binaryPath: '/artifacts/checkout/1.0.0' },
  target: { kind: 'process' },
  strategy: { kind: 'recreate' },
};

function errorsFor(notifications: unknown): string[] {
  const parsed = parseReleaseSpec({ ...base, notifications }, catalogue);
  assert.equal(parsed.ok, false, `expected ${JSON.stringify(notifications)} to be refused`);
  return parsed.ok ? [] : parsed.errors.map((e) => `${e.path}: ${e.message}`);
}

test('no notifications by default; webhook and slack sinks with secret references are accepted', () => {
  const none = parseReleaseSpec(base, catalogue);
  assert.ok(none.ok);
  assert.deepEqual(none.spec.notifications, []);

  const parsed = parseReleaseSpec(
    {
      ...base,
      notifications: [
        { kind: 'webhook', url: 'https://hooks.example.test/sluice', secret: { env: 'SLUICE_WEBHOOK_SECRET' }, events: ['rolled-back', 'failed'] },
        { kind: 'webhook', name: 'audit', url: { file: '/run/secrets/audit-url' }, secret: { file: '/run/secrets/audit-secret' } },
        { kind: 'slack', url: { env: 'SLACK_WEBHOOK_URL' }, events: ['failed', 'drill.failed', 'drill.passed'] },
      ],
    },
    catalogue,
  );
  assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed.errors));
  assert.equal(parsed.spec.notifications.length, 3);
  assert.deepEqual(parsed.spec.notifications[0]!.events, ['rolled-back', 'failed']);
  // Drill events have their own names, so a filter can take a drill's result and not a release's.
  assert.deepEqual(parsed.spec.notifications[2]!.events, ['failed', 'drill.failed', 'drill.passed']);
});

test('bad sink configurations are refused with the field and a message a person can act on', () => {
  assert.match(errorsFor([{ kind: 'email', to: 'ops@example.test' }]).join('\n'), /notifications\[0\]\.kind: .*'webhook' \| 'slack'/);
  // A literal secret or Slack URL in the spec would land in workflow history: refused.
  assert.match(
    errorsFor([{ kind: 'webhook', url: 'https://h.example.test', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }]).join('\n'),
    /notifications\[0\]\.secret: must be \{ env: NAME \} or \{ file: path \}/,
  );
  assert.match(
    errorsFor([{ kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/xyz' }]).join('\n'),
    /notifications\[0\]\.url: must be \{ env: NAME \} or \{ file: path \}/,
  );
  assert.match(errorsFor([{ kind: 'webhook', url: 'ftp://h.example.test', secret: { env: 'S' } }]).join('\n'), /notifications\[0\]\.url/);
  assert.match(errorsFor([{ kind: 'webhook', url: 'https://h.example.test' }]).join('\n'), /notifications\[0\]\.secret/);
  assert.match(
    errorsFor([{ kind: 'webhook', url: 'https://deploy:hunter2@h.example.test/hook', secret: { env: 'S' } }]).join('\n'),
    /notifications\[0\]\.url: must not carry credentials/,
  );
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'not a name' } }]).join('\n'), /notifications\[0\]\.url/);
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'A', file: '/x' } }]).join('\n'), /notifications\[0\]\.url/);
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'A' }, events: ['deployed'] }]).join('\n'), /notifications\[0\]\.events\[0\]/);
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'A' }, events: ['drill.skipped'] }]).join('\n'), /notifications\[0\]\.events\[0\]/);
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'A' }, events: [] }]).join('\n'), /notifications\[0\]\.events: lists at least one event/);
  assert.match(errorsFor([{ kind: 'slack', url: { env: 'A' }, retries: 3 }]).join('\n'), /notifications\[0\]/);
  assert.deepEqual(
    errorsFor([
      { kind: 'slack', url: { env: 'A' } },
      { kind: 'slack', url: { env: 'B' } },
    ]),
    ['notifications[1].name: sink name "slack" is also used by notifications[0]: give each sink its own name'],
  );
  assert.match(errorsFor([{ kind: 'slack', name: 'Ops Channel', url: { env: 'A' } }]).join('\n'), /notifications\[0\]\.name: must be a DNS label/);
});

test('sinks are set per environment in sluice.yaml (environments.<env> deep-merged over the top level)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-notify-spec-'));
  try {
    const file = join(dir, 'sluice.yaml');
    writeFileSync(
      file,
      [
        'service: checkout',
        'source: { kind: prebuilt, version: 1.0.0+abcdef0, binaryPath: /artifacts/checkout/1.0.0 }',
        'target: { kind: process }',
        'strategy: { kind: recreate }',
        'environments:',
        '  staging: {}',
        '  production:',
        '    notifications:',
        '      - kind: slack',
        '        url: { env: SLACK_WEBHOOK_URL }',
        '        events: [promoted, rolled-back]',
        '      - kind: webhook',
        '        url: https://hooks.example.test/sluice',
        '        secret: { file: /run/secrets/whsec }',
        '',
      ].join('\n'),
    );
    const schema = releaseSpecSchema(catalogue);
    assert.deepEqual(validateSpec(readSpecFile(file, 'staging'), schema).notifications, []);
    const production = validateSpec(readSpecFile(file, 'production'), schema).notifications;
    assert.deepEqual(
      production.map((s) => s.kind),
      ['slack', 'webhook'],
    );

    writeFileSync(
      file,
      [
        'service: checkout',
        'source: { kind: prebuilt, version: 1.0.0+abcdef0, binaryPath: /a }',
        'target: { kind: process }',
        'strategy: { kind: recreate }',
        'notifications:',
        '  - kind: slack',
        '    url: https://hooks.slack.com/services/T0/B0/xyz',
        '',
      ].join('\n'),
    );
    assert.throws(
      () => validateSpec(readSpecFile(file, 'production'), schema),
      (err: Error) => /sluice\.yaml:7:\d+: notifications\[0\]\.url: must be \{ env: NAME \} or \{ file: path \}/.test(err.message) && !/xyz/.test(err.message.split('\n')[0]!),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the sink registry, the spec schema and the adapter folders agree', () => {
  const kinds = NotificationSink.options.map((o) => o.shape.kind.value).sort();
  assert.deepEqual(Object.keys(SINKS).sort(), kinds);
  for (const [kind, adapter] of Object.entries(SINKS)) assert.equal(adapter.kind, kind);
  const folders = readdirSync(join(packageRoot(), 'src', 'activities', 'notify'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  assert.deepEqual(folders, kinds);
});
