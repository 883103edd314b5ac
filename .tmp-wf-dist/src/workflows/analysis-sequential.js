"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runSequential = runSequential;
const duration_1 = require("../domain/duration");
const analysis_types_1 = require("./analysis-types");
const analysis_run_1 = require("./analysis-run");
function result(t, tables, phase, reason) {
    return {
        name: t.name,
        judge: 'sequential',
        phase,
        decision: (0, analysis_run_1.decisionFor)(phase, t.inconclusivePolicy),
        reason,
        inconclusivePolicy: t.inconclusivePolicy,
        metrics: [...tables.values()],
    };
}
async function runSequential(t, run) {
    const config = t.judge;
    const start = Date.now();
    const intervalMs = (0, duration_1.toMs)(config.interval);
    const maxLooks = Math.ceil((0, duration_1.toMs)(config.maxDuration) / intervalMs) + 1;
    const context = { service: run.context.service, environment: run.context.environment, window: run.context.window, version: run.context.version };
    const tables = new Map(config.metrics.map((m) => [m.name, { name: m.name, phase: 'Running', reason: 'waiting for the first look', measurements: [] }]));
    let state;
    let last;
    let erroredLooks = 0;
    try {
        for (let look = 0; look <= maxLooks; look++) {
            if (look > 0 && !(await (0, analysis_run_1.waitUntil)(start + look * intervalMs, run))) {
                return result(t, tables, 'Inconclusive', analysis_types_1.ANALYSIS_REASON.stopped);
            }
            const snaps = await Promise.all(config.metrics.map((m) => (0, analysis_run_1.guarded)(() => analysis_run_1.metrics.sampleSequential({ metric: m, context }), (message) => ({ canary: { kind: 'error', message }, baseline: { kind: 'error', message }, at: new Date().toISOString() }))));
            run.measured();
            const snapshots = Object.fromEntries(config.metrics.map((m, i) => [m.name, snaps[i]]));
            const allErrored = snaps.every((s) => s.canary.kind === 'error' || s.baseline.kind === 'error');
            erroredLooks = allErrored ? erroredLooks + 1 : 0;
            last = await analysis_run_1.judges.judgeSequentialLook({ config, state, elapsedMs: Date.now() - start, snapshots });
            state = last.state;
            for (const m of config.metrics) {
                const table = tables.get(m.name);
                const row = last.rows[m.name];
                if (row)
                    table.measurements.push(allErrored ? { ...row, outcome: 'error' } : row);
                table.phase = last.metricPhases[m.name]?.phase ?? table.phase;
                table.reason = last.metricPhases[m.name]?.reason ?? table.reason;
            }
            run.publish(result(t, tables, last.phase, last.reason));
            if ((0, analysis_run_1.isDone)(last.phase)) {
                const judged = last.phase;
                // Errors never count as success: a pass reached while only errors came in is not one.
                const onlyErrors = [...tables.values()].every((tb) => tb.measurements.length > 0 && tb.measurements.every((r) => r.outcome === 'error' || r.outcome === 'inconclusive'));
                if (judged === 'Successful' && onlyErrors)
                    return result(t, tables, 'Error', analysis_types_1.ANALYSIS_REASON.allErrored);
                return result(t, tables, judged, last.reason);
            }
            if (erroredLooks > analysis_run_1.SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT) {
                return result(t, tables, 'Error', `${analysis_types_1.ANALYSIS_REASON.allErrored} in ${erroredLooks} consecutive looks (limit ${analysis_run_1.SEQUENTIAL_CONSECUTIVE_ERROR_LIMIT})`);
            }
        }
    }
    catch (err) {
        const failure = (0, analysis_run_1.templateFailure)(err);
        if (failure === undefined)
            throw err;
        return result(t, tables, 'Error', failure);
    }
    return result(t, tables, last && (0, analysis_run_1.isDone)(last.phase) ? last.phase : 'Inconclusive', last?.reason ?? 'no look taken');
}
//# sourceMappingURL=analysis-sequential.js.map