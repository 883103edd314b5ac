import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DrillCadence, describeCadence } from '../../src/client';

test('a drill cadence is exactly one valid --every or --cron', () => {
  assert.deepEqual(DrillCadence.parse({ every: '168h' }), { every: '168h' });
  assert.deepEqual(DrillCadence.parse({ cron: '0 3 * * 1' }), { cron: '0 3 * * 1' });
  assert.equal(describeCadence({ every: '7d' }), 'every 7d');
  assert.equal(describeCadence({ cron: '0 3 * * 1' }), 'cron 0 3 * * 1 (UTC)');
  const refused: [unknown, RegExp][] = [
    [{}, /exactly one/],
    [{ every: '1h', cron: '0 3 * * 1' }, /exactly one/],
    [{ every: '5x' }, /interval like/],
    [{ every: '0s' }, /at least 1s/],
    [{ cron: '61 3 * * 1' }, /not a cron expression/],
    [{ cron: '0 3 * *' }, /five fields/],
    [{ cron: 'every monday' }, /five fields/],
  ];
  for (const [input, message] of refused) {
    const parsed = DrillCadence.safeParse(input);
    assert.equal(parsed.success, false, JSON.stringify(input));
    assert.match(parsed.error!.issues.map((i) => i.message).join('; '), message, JSON.stringify(input));
  }
});
