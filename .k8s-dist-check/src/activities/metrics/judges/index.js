"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.betaBinomialLogE = exports.probabilityCanarySlower = exports.bucketIncrements = exports.initialSequentialState = exports.lookSequential = exports.judgeWindow = exports.scoreCanary = exports.KAYENTA_TOLERANCE = exports.KAYENTA_CONFIDENCE = exports.classifyMetric = exports.REASON = exports.isWorse = exports.measure = exports.assessRun = exports.assessMetric = exports.JUDGES = exports.sequentialJudge = exports.mannWhitneyJudge = exports.thresholdJudge = void 0;
exports.decide = decide;
const analysis_1 = require("../../../domain/analysis");
const threshold_1 = require("./threshold");
const canary_score_1 = require("./canary-score");
const judge_1 = require("./sequential/judge");
exports.thresholdJudge = {
    kind: 'threshold',
    description: 'Argo Rollouts-style conditions per measurement with failure/inconclusive/error limits',
    schema: analysis_1.ThresholdJudgeConfig,
    init: (config) => ({
        phase: 'Pending',
        reason: 'no measurement yet',
        observations: Object.fromEntries(config.metrics.map((m) => [m.name, []])),
        metrics: [],
    }),
    look(config, state, input) {
        if (state.phase !== 'Pending' && state.phase !== 'Running')
            return state;
        const observations = {};
        for (const m of config.metrics) {
            const o = input.observations[m.name];
            observations[m.name] = o ? [...(state.observations[m.name] ?? []), o] : [...(state.observations[m.name] ?? [])];
        }
        let metrics = config.metrics.map((m) => (0, threshold_1.assessMetric)(m, observations[m.name], { terminating: input.terminate }));
        let run = (0, threshold_1.assessRun)(metrics);
        if (run.terminated) {
            // Another metric decided: terminate the rest (Argo's IsTerminating) so the result is final.
            metrics = config.metrics.map((m, i) => metrics[i].phase === 'Running' || metrics[i].phase === 'Pending' ? (0, threshold_1.assessMetric)(m, observations[m.name], { terminating: true }) : metrics[i]);
            run = (0, threshold_1.assessRun)(metrics);
        }
        return { phase: run.phase, reason: run.message, observations, metrics };
    },
};
exports.mannWhitneyJudge = {
    kind: 'mann-whitney',
    description: 'Kayenta-style baseline vs canary: Mann-Whitney U + Hodges-Lehmann interval per metric, weighted score',
    schema: analysis_1.MannWhitneyJudgeConfig,
    init: () => ({ phase: 'Pending', reason: 'no window judged yet', windows: [] }),
    look(config, state, input) {
        const score = (0, canary_score_1.judgeWindow)(config, input);
        return { phase: score.phase, reason: score.reason, windows: [...state.windows, score] };
    },
};
// --- sequential -----------------------------------------------------------------------------
exports.sequentialJudge = {
    kind: 'sequential',
    description: 'Anytime-valid sequential test (beta-binomial / Dirichlet-multinomial e-processes), decides at every look',
    schema: analysis_1.SequentialJudgeConfig,
    init: (config) => (0, judge_1.initialSequentialState)(config),
    look: (config, state, input) => (0, judge_1.lookSequential)(config, state, input),
};
exports.JUDGES = {
    threshold: exports.thresholdJudge,
    'mann-whitney': exports.mannWhitneyJudge,
    sequential: exports.sequentialJudge,
};
/** Map a finished (or running) analysis phase to what the release workflow should do. */
function decide(phase, policy) {
    switch (phase) {
        case 'Pending':
        case 'Running':
            return 'continue';
        case 'Successful':
            return 'promote';
        case 'Failed':
        case 'Error':
            return 'rollback';
        case 'Inconclusive':
            return policy === 'pass' ? 'promote' : policy === 'rollback' ? 'rollback' : 'pause';
        default: {
            const unhandled = phase;
            throw new Error(`unhandled phase ${String(unhandled)}`);
        }
    }
}
var threshold_2 = require("./threshold");
Object.defineProperty(exports, "assessMetric", { enumerable: true, get: function () { return threshold_2.assessMetric; } });
Object.defineProperty(exports, "assessRun", { enumerable: true, get: function () { return threshold_2.assessRun; } });
Object.defineProperty(exports, "measure", { enumerable: true, get: function () { return threshold_2.measure; } });
Object.defineProperty(exports, "isWorse", { enumerable: true, get: function () { return threshold_2.isWorse; } });
Object.defineProperty(exports, "REASON", { enumerable: true, get: function () { return threshold_2.REASON; } });
var mann_whitney_1 = require("./mann-whitney");
Object.defineProperty(exports, "classifyMetric", { enumerable: true, get: function () { return mann_whitney_1.classifyMetric; } });
Object.defineProperty(exports, "KAYENTA_CONFIDENCE", { enumerable: true, get: function () { return mann_whitney_1.KAYENTA_CONFIDENCE; } });
Object.defineProperty(exports, "KAYENTA_TOLERANCE", { enumerable: true, get: function () { return mann_whitney_1.KAYENTA_TOLERANCE; } });
var canary_score_2 = require("./canary-score");
Object.defineProperty(exports, "scoreCanary", { enumerable: true, get: function () { return canary_score_2.scoreCanary; } });
Object.defineProperty(exports, "judgeWindow", { enumerable: true, get: function () { return canary_score_2.judgeWindow; } });
var judge_2 = require("./sequential/judge");
Object.defineProperty(exports, "lookSequential", { enumerable: true, get: function () { return judge_2.lookSequential; } });
Object.defineProperty(exports, "initialSequentialState", { enumerable: true, get: function () { return judge_2.initialSequentialState; } });
var latency_1 = require("./sequential/latency");
Object.defineProperty(exports, "bucketIncrements", { enumerable: true, get: function () { return latency_1.bucketIncrements; } });
Object.defineProperty(exports, "probabilityCanarySlower", { enumerable: true, get: function () { return latency_1.probabilityCanarySlower; } });
var e_process_1 = require("./sequential/e-process");
Object.defineProperty(exports, "betaBinomialLogE", { enumerable: true, get: function () { return e_process_1.betaBinomialLogE; } });
//# sourceMappingURL=index.js.map