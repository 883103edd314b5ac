import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PidFileRunner } from '../../src/activities/targets/process/pidfile';
import { createProcessRunner } from '../../src/activities/targets/process/select-runner';
import { SupervisordRunner } from '../../src/activities/targets/process/supervisord';
import { parseProgramLabels, programName, renderProgram } from '../../src/activities/targets/process/supervisord-program';
import { createTarget } from '../../src/activities/targets/registry';
import { ErrorType } from '../../src/domain/errors';

/** Which runner the process target picks, and what it refuses, without running anything. */
const scope = { service: 'svc', environment: 'prod', workflowId: 'w' };
const pick = (chosen: unknown, fallback: unknown, hostSocket?: string) =>
  createProcessRunner({ chosen: chosen as never, fallback: fallback as never, hostSocket, stateDir: '/tmp/x', scope, stopTimeoutMs: 1000 });

test('pid files unless the spec or the worker configuration says supervisord; the spec wins', () => {
  assert.ok(pick(undefined, undefined) instanceof PidFileRunner);
  assert.ok(pick(undefined, { kind: 'supervisord', socket: '/s/run/supervisord.sock' }) instanceof SupervisordRunner);
  assert.ok(pick({ kind: 'pidfile' }, { kind: 'supervisord', socket: '/s/run/supervisord.sock' }) instanceof PidFileRunner);
  assert.ok(pick({ kind: 'supervisord' }, undefined, '/host/run/supervisord.sock') instanceof SupervisordRunner);
});

test('supervisord with no socket anywhere, or an unknown kind, is a non-retryable settings error', () => {
  assert.throws(
    () => pick({ kind: 'supervisord' }, undefined),
    (err: { type?: string; nonRetryable?: boolean }) => err.type === ErrorType.InvalidTargetSettings && err.nonRetryable === true,
  );
  assert.throws(
    () => createTarget('process', { supervisor: { kind: 'systemd' } }, { stateDir: '/tmp/x', dockerSocket: '/x', haproxy: { runDir: '/x' } }),
    (err: { type?: string; message?: string }) => err.type === ErrorType.InvalidTargetSettings && /supervisor/.test(err.message ?? ''),
  );
});

test('a program file carries its labels; values supervisord cannot read back are refused, not changed', () => {
  const labels = {
    service: 'a b',
    environment: 'prod',
    binary: '/r/1/go-service',
    slot: 'canary',
    version: '1.0.0',
    port: 20002,
    generation: 7,
    configHash: 'h',
    workflowId: 'w',
    log: '/l/1.log',
  };
  const name = programName('a b', 'prod', 'canary');
  assert.match(name, /^sluice-a-b-prod-[0-9a-f]{6}-canary$/);
  assert.notEqual(programName('a-b', 'prod', 'canary'), name, 'names safeName maps alike stay apart');
  const text = renderProgram(name, { labels, env: { X: 'a,b', Y: 'say "hi" twice', Z: '50%' }, stopTimeoutMs: 5500 });
  assert.deepEqual(parseProgramLabels(text), labels);
  assert.match(text, /^environment=X="a,b",Y='say "hi" twice',Z="50%%"$/m);
  assert.match(text, /^stopwaitsecs=6$/m);
  assert.equal(parseProgramLabels('[program:x]\ncommand=/bin/true\n'), undefined, 'a file of someone else is not ours');
  for (const bad of [`both ' and "`, 'line\nbreak', '"leading', 'trailing"', 'a #comment', 'a ;comment']) {
    assert.throws(
      () => renderProgram(name, { labels, env: { V: bad }, stopTimeoutMs: 1000 }),
      (err: { type?: string }) => err.type === ErrorType.InvalidTargetSettings,
    );
  }
});
