/**
 * The worker's composition root registers the delivery activity and puts
 * sluice_notifications_total on the registry it is handed (the one /metrics serves). No stack:
 * the Docker client is built but never called.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import Docker from 'dockerode';
import pino from 'pino';
import { Registry } from 'prom-client';
import { createSluiceActivities } from '../../src/worker/activities';
import { NOTIFICATIONS_TOTAL } from '../../src/worker/notification-metrics';
import { stack } from '../helpers/stack';

test('createSluiceActivities registers deliverNotification and the notifications counter on the worker registry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-notify-wiring-'));
  try {
    const registry = new Registry();
    const deps = {
      docker: new Docker({ socketPath: stack.docker.socket }),
      artifactStore: dir,
      prometheusUrl: 'http://127.0.0.1:9090',
      prometheusTargetsDir: dir,
      logger: pino({ level: 'silent' }),
      stack,
      metricsRegistry: registry,
    };
    const activities = createSluiceActivities(deps);
    assert.equal(typeof activities.deliverNotification, 'function');
    // Building the activities twice on one registry (a restart in tests) reuses the counter.
    createSluiceActivities(deps);
    assert.match(await registry.metrics(), new RegExp(`# TYPE ${NOTIFICATIONS_TOTAL} counter`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
