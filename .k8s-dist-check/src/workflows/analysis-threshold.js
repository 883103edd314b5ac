"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.runThreshold = runThreshold;
const duration_1 = require("../domain/duration");
const analysis_types_1 = require("./analysis-types");
const analysis_run_1 = require("./analysis-run");
function toResult(t, look, override) {
    const phase = override?.phase ?? look?.phase ?? 'Pending';
    const tables = look?.metrics ?? t.judge.metrics.map((m) => ({ name: m.name, phase: 'Pending', reason: 'no measurement yet', measurements: [] }));
    return {
        name: t.name,
        judge: 'threshold',
        phase,
        decision: (0, analysis_run_1.decisionFor)(phase, t.inconclusivePolicy),
        reason: override?.reason ?? look?.reason ?? 'no measurement yet',
        inconclusivePolicy: t.inconclusivePolicy,
        metrics: tables,
    };
}
async function runThreshold(t, run) {
    const config = t.judge;
    const start = Date.now();
    const endAt = run.windowMs !== undefined ? start + run.windowMs : undefined;
    const unbounded = config.metrics.filter((m) => m.count === undefined).map((m) => m.name);
    if (unbounded.length > 0 && endAt === undefined) {
        return toResult(t, undefined, { phase: 'Error', reason: `${analysis_types_1.ANALYSIS_REASON.noCount}: ${unbounded.join(', ')}` });
    }
    const nextDue = new Map(config.metrics.map((m) => [m.name, start + (m.initialDelay ? (0, duration_1.toMs)(m.initialDelay) : 0)]));
    const role = run.context.role ?? 'canary';
    const context = { service: run.context.service, environment: run.context.environment, role, window: run.context.window, version: run.context.version };
    let look;
    const judge = async (observations, terminate = false) => {
        look = await analysis_run_1.judges.judgeThresholdLook({ config, state: look?.state, observations, terminate });
        run.publish(toResult(t, look));
    };
    try {
        for (;;) {
            const phases = new Map(look?.state.metrics.map((m) => [m.name, m.phase]));
            const active = config.metrics.filter((m) => {
                const p = phases.get(m.name);
                return p === undefined || p === 'Pending' || p === 'Running';
            });
            if (active.length === 0)
                break;
            const due = Math.min(...active.map((m) => nextDue.get(m.name)));
            if (endAt !== undefined && due > endAt) {
                // The window is over: terminate the metrics still running (Argo's terminate).
                if (!(await (0, analysis_run_1.waitUntil)(endAt, run)))
                    break;
                await judge({}, true);
                break;
            }
            if (!(await (0, analysis_run_1.waitUntil)(due, run)))
                break;
            const now = Date.now();
            const measured = active.filter((m) => nextDue.get(m.name) <= now);
            const observations = await Promise.all(measured.map((m) => (0, analysis_run_1.guarded)(() => analysis_run_1.metrics.measure(m.provider, context), analysis_run_1.errorObservation)));
            run.measured();
            const after = Date.now();
            const byName = {};
            measured.forEach((m, i) => {
                byName[m.name] = observations[i];
                nextDue.set(m.name, after + (0, duration_1.toMs)(m.interval));
            });
            await judge(byName);
            if ((0, analysis_run_1.isDone)(look.phase))
                break;
        }
    }
    catch (err) {
        const failure = (0, analysis_run_1.templateFailure)(err);
        if (failure === undefined)
            throw err;
        return toResult(t, look, { phase: 'Error', reason: failure });
    }
    if (look && (0, analysis_run_1.isDone)(look.phase))
        return toResult(t, look);
    return toResult(t, look, { phase: look?.phase === 'Running' || !look ? 'Inconclusive' : look.phase, reason: analysis_types_1.ANALYSIS_REASON.stopped });
}
//# sourceMappingURL=analysis-threshold.js.map