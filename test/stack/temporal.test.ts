import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { openSync, readSync, closeSync } from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import { temporalUiUrl } from '../../src/dev/config';
import { httpGet } from '../../src/dev/probe';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, stack, temporalClient, uniqueName } from '../helpers/stack';
import { proceedSignal, type smokeWorkflow } from './fixtures/smoke-workflows';

let client: Client;
let connection: Connection;
const children: ChildProcess[] = [];

before(async () => {
  ({ client, connection } = await temporalClient());
});
after(async () => {
  await Promise.all(children.map(killHard));
  await connection?.close();
});

test('a timer-and-signal workflow completes after its worker is SIGKILLed and replaced', async () => {
  const taskQueue = uniqueName('smoke');
  const workerEntry = require.resolve('./fixtures/smoke-worker');
  const first = spawnNode(workerEntry, [taskQueue]);
  children.push(first);
  await waitForLine(first, 'ready');

  const handle = await client.workflow.start<typeof smokeWorkflow>('smokeWorkflow', {
    taskQueue,
    workflowId: uniqueName('smoke-wf'),
    args: [4000],
  });
  // Wait until the first worker has run the workflow far enough to start the durable timer.
  await eventually('the timer to start', async () => {
    const history = await handle.fetchHistory();
    return history.events?.some((e) => e.timerStartedEventAttributes) ? true : undefined;
  });
  await killHard(first);

  const second = spawnNode(workerEntry, [taskQueue]);
  children.push(second);
  await waitForLine(second, 'ready');
  await handle.signal(proceedSignal, 'after-restart');
  assert.equal(await handle.result(), 'timer fired, signal after-restart');

  const history = await handle.fetchHistory();
  const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
  assert.equal(identities[0], `smoke-${first.pid}`, 'the first worker started the workflow');
  assert.equal(identities.at(-1), `smoke-${second.pid}`, 'the replacement worker finished it');
});

test('the custom search attributes are registered', async () => {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: stack.temporal.namespace });
  for (const name of ['SluiceService', 'SluiceEnvironment', 'SluiceVersion', 'SluicePhase']) {
    assert.ok(customAttributes && name in customAttributes, `${name} is registered`);
  }
});

test('the Temporal Web UI answers on its port', async () => {
  const page = await httpGet(temporalUiUrl(stack));
  assert.equal(page.status, 200);
  assert.match(page.body, /<html/i);
  const api = await httpGet(`${temporalUiUrl(stack)}/api/v1/namespaces/${stack.temporal.namespace}`);
  assert.equal(api.status, 200, 'the UI server proxies the namespace API');
  assert.match(api.body, new RegExp(stack.temporal.namespace));
});

test('the dev server keeps its SQLite store in write-ahead-log mode', { skip: stack.temporal.mode === 'cluster' && 'the cluster keeps its store in PostgreSQL' }, () => {
  // Bytes 18 and 19 of an SQLite file are its write and read format versions: 2 once the
  // journal mode is WAL (sqlite.org/fileformat.html); the rollback journal leaves them at 1.
  const header = Buffer.alloc(20);
  const fd = openSync(stack.temporal.dbFile, 'r');
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  assert.equal(header.subarray(0, 15).toString('latin1'), 'SQLite format 3');
  assert.deepEqual([header[18], header[19]], [2, 2], 'the store is in WAL mode (--sqlite-pragma journal_mode=wal)');
});
