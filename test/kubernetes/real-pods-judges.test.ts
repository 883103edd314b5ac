/**
 * The other two ways a bad canary is caught, on real pods (the stack's kubelet nodes, `network:
 * host`, two replicas, the replica-ratio router), through the worker and deployWorkflow:
 * - the sequential judge rolls back a release with 20% errors against a fresh baseline pod of
 *   the stable, before half its maximum duration (a fixed window of that length would still be open);
 * - a release that answers every request 300 ms late is rolled back by the p99 latency threshold,
 *   and on latency alone (its error rate is zero).
 * Either way the previous release serves every pod again and no canary or baseline pod is left.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultSequentialTemplate, latencyP99Metric, type AnalysisTemplateInput } from '../../src/activities/metrics/templates';
import { Reason } from '../../src/domain/reasons';
import { statusQuery } from '../../src/workflows/definitions';
import { eventually } from '../helpers/stack';
import { INTERVAL_MS, realPodsSuite, skip, V1, V3, V7, type Environment } from './real-pods-support';

/** The sequential judge's maximum duration: what a fixed-window judge would wait for. */
const SEQUENTIAL_WINDOW_MS = 30000;

const SEQUENTIAL = {
  ...defaultSequentialTemplate({ interval: `${INTERVAL_MS}ms`, maxDuration: `${SEQUENTIAL_WINDOW_MS}ms`, minRequests: 50, inconclusivePolicy: 'rollback' }),
  name: 'sequential',
};
const LATENCY = {
  name: 'latency',
  inconclusivePolicy: 'rollback' as const,
  // 250 ms: above what a good build's p99 reaches on this busy machine, below the bad one's 300 ms.
  judge: { kind: 'threshold' as const, metrics: [latencyP99Metric({ interval: `${INTERVAL_MS}ms`, count: 4, initialDelay: '4s', maxP99Seconds: 0.25 })] },
};

/** A canary at 50% (one of the two pods), the named analysis templates, then 100%. */
function canaryAt50(env: Environment, version: string, templates: string[], template: AnalysisTemplateInput) {
  const steps = [
    { kind: 'setWeight' as const, weight: 50 },
    { kind: 'analysis' as const, templates },
    { kind: 'setWeight' as const, weight: 100 },
  ];
  return env.deploy(env.spec(version, { kind: 'canary', steps, scaleDownDelay: '0s' }, {}, { templates: [template] }));
}

describe('the sequential judge and the latency threshold on real pods', { skip: skip() }, () => {
  const suite = realPodsSuite('k8s-judges', [V1, V3, V7]);

  it('the sequential judge rolls back 20% errors against a baseline pod before half its maximum duration', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    const { handle, result } = await canaryAt50(env, V3, ['sequential'], SEQUENTIAL);
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AnalysisFailed, result.message);
    const status = await handle.query(statusQuery);
    assert.ok(
      status.events.some((e) => e.type === 'info' && /baseline 1\.0\.0/.test(e.message)),
      `a fresh baseline of the stable ran beside the canary: ${status.events.map((e) => e.message).join(' | ')}`,
    );
    const analysis = status.events.find((e) => e.type === 'analysis');
    assert.ok(analysis?.data, 'the analysis event carries its timings');
    const elapsed = Date.parse(String(analysis.data.decidedAt)) - Date.parse(String(analysis.data.firstMeasurementAt));
    assert.ok(elapsed < SEQUENTIAL_WINDOW_MS / 2, `evidence crossed alpha ${elapsed} ms after the first look`);
    t.diagnostic(`sequential judge decided ${elapsed} ms after its first look (maximum ${SEQUENTIAL_WINDOW_MS} ms)`);

    await env.servesEverywhere(V1);
    for (const slot of ['canary', 'baseline']) {
      await eventually(`no ${slot} pod left`, async () => ((await env.pods(slot)).length === 0 ? true : undefined), 60000, 500);
    }
  });

  it('a release 300 ms slower is rolled back by the p99 latency threshold, on latency alone', { timeout: 300000 }, async (t) => {
    const env = await suite.environment(t);
    await env.first(V1);
    const { handle, result } = await canaryAt50(env, V7, ['errors', 'latency'], LATENCY);
    assert.equal(result.outcome, 'rolled-back', result.message);
    assert.equal(result.reason, Reason.AnalysisFailed, result.message);
    // The summary names each template's phase: "analysis Failed → rollback: … [errors …; latency Failed]".
    const summary = (await handle.query(statusQuery)).events.find((e) => e.type === 'analysis')?.message ?? '';
    assert.match(summary, /\blatency Failed\b/, summary);
    assert.doesNotMatch(summary, /\berrors Failed\b/, `the error rate did not fail: ${summary}`);
    t.diagnostic(summary);

    await env.servesEverywhere(V1);
    await eventually('no canary pod left', async () => ((await env.pods('canary')).length === 0 ? true : undefined), 60000, 500);
  });
});
