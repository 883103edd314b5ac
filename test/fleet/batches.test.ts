import assert from 'node:assert/strict';
import { test } from 'node:test';
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
