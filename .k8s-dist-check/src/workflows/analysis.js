"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.analysisStatusQuery = void 0;
exports.expectedDurationMs = expectedDurationMs;
exports.analysisWorkflow = analysisWorkflow;
/**
 * `analysisWorkflow`: canary analysis as a child workflow, so every measurement and every look
 * is an event in the Temporal UI and every wait is a timer (a worker crash loses nothing).
 *
 * Templates run side by side; the first to end non-successful stops the others at once (a
 * rollback never waits for the remaining windows). The result is a per-metric table of
 * measurements (value, pass/fail/inconclusive/error, reason), the overall phase and the decision
 * for the parent: promote, pause (wait for a human) or rollback. Inconclusive results follow each
 * template's `inconclusivePolicy`; the parent acts on `decision`.
 *
 * Optionally drives load (loopback only) while it analyses, and stops it when it decides.
 */
const workflow_1 = require("@temporalio/workflow");
const duration_1 = require("../domain/duration");
const analysis_types_1 = require("./analysis-types");
const analysis_run_1 = require("./analysis-run");
const analysis_threshold_1 = require("./analysis-threshold");
const analysis_kayenta_1 = require("./analysis-kayenta");
const analysis_sequential_1 = require("./analysis-sequential");
exports.analysisStatusQuery = (0, workflow_1.defineQuery)('analysisStatus');
/** Load keeps going a little past the expected end, then the workflow cancels it anyway. */
const LOAD_MARGIN_MS = 30_000;
const LOAD_MAX_MS = 60 * 60 * 1000;
function runTemplate(t, run) {
    const judge = t.judge;
    switch (judge.kind) {
        case 'threshold':
            return (0, analysis_threshold_1.runThreshold)({ ...t, judge }, run);
        case 'mann-whitney':
            return (0, analysis_kayenta_1.runKayenta)({ ...t, judge }, run);
        case 'sequential':
            return (0, analysis_sequential_1.runSequential)({ ...t, judge }, run);
        default: {
            const unhandled = judge;
            throw new Error(`unhandled judge ${JSON.stringify(unhandled)}`);
        }
    }
}
/** How long the analysis can run at most, to bound the load generator. */
function expectedDurationMs(templates, windowMs) {
    let longest = 0;
    for (const t of templates) {
        const j = t.judge;
        if (j.kind === 'threshold') {
            for (const m of j.metrics) {
                const delay = m.initialDelay ? (0, duration_1.toMs)(m.initialDelay) : 0;
                const counted = m.count !== undefined ? delay + (m.count + m.consecutiveErrorLimit + 1) * (0, duration_1.toMs)(m.interval) : 0;
                longest = Math.max(longest, counted, windowMs ?? 0);
            }
        }
        else if (j.kind === 'mann-whitney') {
            longest = Math.max(longest, windowMs ?? (0, duration_1.toMs)(j.window));
        }
        else {
            longest = Math.max(longest, (0, duration_1.toMs)(j.maxDuration) + (0, duration_1.toMs)(j.interval));
        }
    }
    return Math.min(LOAD_MAX_MS, longest + LOAD_MARGIN_MS);
}
async function analysisWorkflow(input) {
    const startedAt = new Date().toISOString();
    const published = new Map();
    let status = { phase: 'Pending', reason: 'validating templates' };
    (0, workflow_1.setHandler)(exports.analysisStatusQuery, () => ({ ...status, templates: [...published.values()] }));
    let templates;
    try {
        templates = await analysis_run_1.judges.validateAnalysis({ templates: input.templates });
    }
    catch (err) {
        if ((0, workflow_1.isCancellation)(err))
            throw err;
        // Nothing can be verified with a broken template: do not keep the canary.
        const message = err.cause?.message ?? err.message;
        const now = new Date().toISOString();
        return { phase: 'Error', decision: 'rollback', reason: `${analysis_types_1.ANALYSIS_REASON.invalid}: ${message}`, templates: [], startedAt, finishedAt: now, decidedAt: now };
    }
    const windowMs = input.window ? (0, duration_1.toMs)(input.window) : undefined;
    let stopped = false;
    let firstMeasurementAt;
    let decidedAt;
    let loadOutcome;
    const stop = () => {
        if (!stopped)
            decidedAt = new Date().toISOString();
        stopped = true;
    };
    const loadScope = new workflow_1.CancellationScope();
    let loadDone;
    if (input.load) {
        const spec = { ...input.load, durationMs: expectedDurationMs(templates, windowMs) };
        loadDone = loadScope
            .run(() => analysis_run_1.load.generateLoad(spec))
            .then((report) => {
            loadOutcome = { ...report, status: report.cancelled ? 'cancelled' : 'completed' };
        }, (err) => {
            if ((0, workflow_1.isCancellation)(err)) {
                loadOutcome = { status: 'cancelled' };
                return;
            }
            const message = err.cause?.message ?? err.message;
            loadOutcome = { status: 'failed', message };
            // Without the traffic it asked for, the analysis would judge a quiet canary.
            stop();
        });
    }
    status = { phase: 'Running', reason: 'measuring' };
    const run = {
        context: input.context,
        windowMs,
        stopped: () => stopped,
        measured: () => {
            firstMeasurementAt ??= new Date().toISOString();
        },
        publish: (r) => published.set(r.name, r),
    };
    const results = await Promise.all(templates.map(async (t) => {
        const r = await runTemplate(t, run);
        published.set(t.name, r);
        if (r.phase !== 'Successful')
            stop();
        return r;
    }));
    loadScope.cancel();
    await loadDone;
    const finishedAt = new Date().toISOString();
    let overall = (0, analysis_run_1.combine)(results);
    if (loadOutcome?.status === 'failed') {
        const policies = templates.map((t) => t.inconclusivePolicy);
        const decision = (0, analysis_run_1.decisionFor)('Error', policies.includes('rollback') ? 'rollback' : 'pause');
        overall = { phase: 'Error', decision, reason: `${analysis_types_1.ANALYSIS_REASON.loadFailed}: ${loadOutcome.message}` };
    }
    status = { phase: overall.phase, reason: overall.reason };
    return {
        ...overall,
        templates: results,
        startedAt,
        finishedAt,
        ...(firstMeasurementAt ? { firstMeasurementAt } : {}),
        decidedAt: decidedAt ?? finishedAt,
        ...(loadOutcome ? { load: loadOutcome } : {}),
    };
}
//# sourceMappingURL=analysis.js.map