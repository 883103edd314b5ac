import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairRoles } from '../../src/activities/fleet';
import { batchesOf } from '../../src/workflows/strategies/rolling';

const hosts = ['a', 'b', 'c', 'd', 'e', 'f'].map((name, i) => ({ name, address: `127.0.0.${i + 2}` }));
const names = (batches: { name: string }[][]) => batches.map((b) => b.map((h) => h.name).join(''));

test('batches: the canary hosts first, then batches of batchSize, every host exactly once', () => {
  assert.deepEqual(names(batchesOf(hosts, { canaryHosts: 1, batchSize: 1 })), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.deepEqual(names(batchesOf(hosts, { canaryHosts: 1, batchSize: 2 })), ['a', 'bc', 'de', 'f']);
  assert.deepEqual(names(batchesOf(hosts, { canaryHosts: 2, batchSize: 4 })), ['ab', 'cdef']);
  assert.deepEqual(names(batchesOf(hosts, { canaryHosts: 9, batchSize: 1 })), ['abcdef']);
  assert.deepEqual(names(batchesOf(hosts.slice(0, 1), { canaryHosts: 1, batchSize: 3 })), ['a']);
});

test('analysis between batches pairs the batch with as many hosts on the previous version, in equal numbers', () => {
  const fleet = [
    { host: 'a', version: '2' },
    { host: 'b', version: '2' },
    { host: 'c', version: '1' },
    { host: 'd', version: '0' },
    { host: 'e', version: '1' },
  ];
  const roles = (canary: string[], baseline?: string) => Object.fromEntries(pairRoles(fleet, canary, baseline));
  assert.deepEqual(roles(['a', 'b'], '1'), { a: 'canary', b: 'canary', c: 'baseline', e: 'baseline' });
  assert.deepEqual(roles(['a'], '1'), { a: 'canary', c: 'baseline' });
  // Fewer hosts left on the previous version than in the batch: only that many canary hosts are judged.
  assert.deepEqual(roles(['a', 'b'], '0'), { a: 'canary', d: 'baseline' });
  // A first release has no previous version: the batch alone (threshold judges need no baseline).
  assert.deepEqual(roles(['a', 'b']), { a: 'canary', b: 'canary' });
  assert.deepEqual(roles([], '1'), {});
});
