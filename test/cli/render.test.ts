import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DeploymentResult } from '../../src/client';
import { Reason } from '../../src/domain/reasons';
import { outcomeLabel } from '../../src/cli/render/format';

/** The one line `deploy --wait`, `watch` and `status` print for an outcome (no stack needed). */
const failed = (over: Partial<DeploymentResult>): DeploymentResult => ({
  outcome: 'failed',
  reason: Reason.ActivityFailed,
  message: 'go build failed',
  service: 'checkout',
  environment: 'production',
  release: null,
  previous: null,
  phaseDurations: {},
  timeToRollbackMs: null,
  compensations: [],
  startedAt: '2026-01-01T00:00:00.000Z',
  finishedAt: '2026-01-01T00:00:01.000Z',
  ...over,
});

test('the outcome line names the version whenever the result knows it, and never prints a placeholder', () => {
  const release = { service: 'checkout', version: '1.4.3+a1b2c3d', imageTag: 'v1.4.3-a1b2c3d', commit: 'a1b2c3d' };
  assert.equal(outcomeLabel(failed({ release })), 'FAILED checkout 1.4.3+a1b2c3d: go build failed');
  assert.equal(outcomeLabel(failed({ outcome: 'aborted', message: 'stop', release })), 'ABORTED checkout 1.4.3+a1b2c3d: stop');
  assert.equal(outcomeLabel(failed({ outcome: 'promoted', reason: Reason.AlreadyLive, release })), `promoted checkout 1.4.3+a1b2c3d (${Reason.AlreadyLive})`);
  // Before the version was resolved (e.g. not a git repository) there is none to print.
  assert.equal(outcomeLabel(failed({ message: 'not a git work tree' })), 'FAILED checkout: not a git work tree');
  assert.equal(outcomeLabel(failed({ service: '', message: 'terminated' })), 'FAILED (unknown release): terminated');
});
