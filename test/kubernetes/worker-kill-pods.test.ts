/**
 * A worker SIGKILLed mid-analysis on real pods. The release runs on a worker in a process of its
 * own (test/workflows/support/e2e-worker-process.ts: wired like production, deploy, analysis, metrics and load activities); once the
 * canary's analysis is measuring its pod, that process is SIGKILLed and another one takes the task
 * queue. The release must still reach the outcome its build deserves: a good v2 promoted by a
 * successful analysis, a v3 with 20% errors rolled back by a failed one (not by an inconclusive
 * analysis, which is what lost measurements would give).
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it, type TestContext } from 'node:test';
import { Reason } from '../../src/domain/reasons';
import { settleDeployment } from '../../src/domain/result';
import { statusQuery } from '../../src/workflows/definitions';
import { killHard, spawnNode, waitForLine } from '../helpers/child';
import { eventually, uniqueName } from '../helpers/stack';
import { realPodsSuite, skip, V1, V2, V3 } from './real-pods-support';

describe('a worker SIGKILLed mid-analysis on real pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-pods-kill', [V1, V2, V3]);
  const children: ChildProcess[] = [];
  after(() => Promise.all(children.map(killHard)));

  async function startWorker(taskQueue: string): Promise<ChildProcess> {
    const child = spawnNode(require.resolve('../workflows/support/e2e-worker-process'), [taskQueue, join(suite.e2e.dir, 'artifacts')]);
    children.push(child);
    await waitForLine(child, 'ready', 120000);
    return child;
  }

  /** v1, then `version` as a canary at 50% with one analysis, its worker killed while the analysis measures. */
  async function releaseThroughAKill(t: TestContext, version: string) {
    const env = await suite.environment(t);
    await env.first(V1);
    const taskQueue = uniqueName('k8s-pods-kill');
    const first = await startWorker(taskQueue);
    const handle = await env.start(
      env.canary(version, [
        { kind: 'setWeight', weight: 50 },
        { kind: 'analysis', templates: ['errors'] },
        { kind: 'setWeight', weight: 100 },
      ]),
      taskQueue,
    );
    // Mid-analysis: it has found the canary pod to measure and is sending it load.
    await eventually(
      'the analysis is measuring the canary pod',
      async () => {
        const st = await handle.query(statusQuery);
        return st.phase === 'analysing' && st.events.some((e) => e.type === 'info' && e.message.startsWith(`canary ${version}: `)) ? st : undefined;
      },
      120000,
      100,
    );
    await killHard(first);
    const second = await startWorker(taskQueue);
    const result = await settleDeployment(handle.result());
    const status = await handle.query(statusQuery);

    const history = await handle.fetchHistory();
    const identities = (history.events ?? []).flatMap((e) => (e.workflowTaskCompletedEventAttributes?.identity ? [e.workflowTaskCompletedEventAttributes.identity] : []));
    assert.equal(identities[0], `e2e-worker-${first.pid}`);
    assert.equal(identities.at(-1), `e2e-worker-${second.pid}`, 'the second worker finished the release');
    return { env, result, status };
  }

  it('a good release is still promoted by a successful analysis', { timeout: 300000 }, async (t) => {
    const { env, result, status } = await releaseThroughAKill(t, V2);
    assert.equal(result.outcome, 'promoted', result.message);
    const analyses = status.events.filter((e) => e.type === 'analysis');
    assert.equal(analyses.length, 1, analyses.map((e) => e.message).join('\n'));
    assert.match(analyses[0]!.message, /analysis Successful → promote/);
    await env.servesEverywhere(V2);
  });

  it('a release with 20% errors is still rolled back by a failed analysis', { timeout: 300000 }, async (t) => {
    const { env, result } = await releaseThroughAKill(t, V3);
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AnalysisFailed, result.message);
    assert.match(result.message, /analysis Failed → rollback/);
    await env.servesEverywhere(V1);
  });
});
