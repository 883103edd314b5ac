"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runKayenta = runKayenta;
const duration_1 = require("../domain/duration");
const analysis_types_1 = require("./analysis-types");
const analysis_run_1 = require("./analysis-run");
function result(t, fields) {
    return {
        name: t.name,
        judge: 'mann-whitney',
        phase: fields.phase,
        decision: (0, analysis_run_1.decisionFor)(fields.phase, t.inconclusivePolicy),
        reason: fields.reason,
        inconclusivePolicy: t.inconclusivePolicy,
        ...(fields.score !== undefined ? { score: fields.score } : {}),
        metrics: fields.metrics ?? t.judge.metrics.map((m) => ({ name: m.name, phase: 'Pending', reason: 'window still open', measurements: [] })),
    };
}
function values(r) {
    if (!r)
        return { values: [], note: 'not sampled', errored: true };
    if (r.kind === 'samples')
        return { values: r.values, errored: false };
    if (r.kind === 'no-data')
        return { values: [], note: `no data: ${r.reason}`, errored: false };
    return { values: [], note: `error: ${r.message}`, errored: true };
}
async function runKayenta(t, run) {
    const config = t.judge;
    const start = Date.now();
    const windowMs = run.windowMs ?? (0, duration_1.toMs)(config.window);
    const stepMs = (0, duration_1.toMs)(config.interval);
    run.publish(result(t, { phase: 'Running', reason: `collecting a ${windowMs / 1000}s window` }));
    if (!(await (0, analysis_run_1.waitUntil)(start + windowMs, run)))
        return result(t, { phase: 'Inconclusive', reason: analysis_types_1.ANALYSIS_REASON.stopped });
    const end = Date.now();
    const context = { service: run.context.service, environment: run.context.environment, window: run.context.window, version: run.context.version };
    try {
        const sampled = await Promise.all(config.metrics.map((m) => (0, analysis_run_1.guarded)(async () => {
            if (!m.provider)
                throw new analysis_run_1.TemplateConfigError(`metric "${m.name}" has no provider query`);
            return analysis_run_1.metrics.sampleRange({ query: m.provider, context, roles: ['canary', 'baseline'], startMs: start, endMs: end, stepMs });
        }, (message) => ({ canary: { kind: 'error', message, at: '' }, baseline: { kind: 'error', message, at: '' } }))));
        run.measured();
        const samples = {};
        let errored = 0;
        config.metrics.forEach((m, i) => {
            const c = values(sampled[i].canary);
            const b = values(sampled[i].baseline);
            if (c.errored || b.errored)
                errored++;
            const notes = [c.note && `canary ${c.note}`, b.note && `baseline ${b.note}`].filter(Boolean).join('; ');
            samples[m.name] = { canary: c.values, baseline: b.values, at: new Date(end).toISOString(), ...(notes ? { note: notes } : {}) };
        });
        const judged = await analysis_run_1.judges.judgeKayentaWindow({ config, samples });
        // Errors never count as success: a window where every metric failed to sample is an Error.
        if (errored === config.metrics.length)
            return result(t, { phase: 'Error', reason: `${analysis_types_1.ANALYSIS_REASON.allErrored}: ${judged.reason}`, score: judged.score, metrics: judged.metrics });
        return result(t, { phase: judged.phase, reason: judged.reason, score: judged.score, metrics: judged.metrics });
    }
    catch (err) {
        const failure = (0, analysis_run_1.templateFailure)(err);
        if (failure === undefined)
            throw err;
        return result(t, { phase: 'Error', reason: failure });
    }
}
//# sourceMappingURL=analysis-kayenta.js.map