"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __exportStar = (this && this.__exportStar) || function(m, exports) {
    for (var p in m) if (p !== "default" && !Object.prototype.hasOwnProperty.call(exports, p)) __createBinding(exports, m, p);
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_MAX_P99_SECONDS = exports.DEFAULT_MAX_ERROR_RATE = void 0;
exports.errorRateMetric = errorRateMetric;
exports.latencyP99Metric = latencyP99Metric;
exports.defaultThresholdTemplate = defaultThresholdTemplate;
exports.defaultKayentaTemplate = defaultKayentaTemplate;
exports.defaultSequentialTemplate = defaultSequentialTemplate;
exports.mergeTemplates = mergeTemplates;
const analysis_1 = require("../../../domain/analysis");
const queries_1 = require("./queries");
exports.DEFAULT_MAX_ERROR_RATE = 0.05;
/** p99 budget in seconds: the example service answers in microseconds; +200 ms must fail it. */
exports.DEFAULT_MAX_P99_SECONDS = 0.15;
function limits(o) {
    return {
        interval: o.interval ?? '30s',
        ...(o.count !== undefined ? { count: o.count } : {}),
        ...(o.initialDelay !== undefined ? { initialDelay: o.initialDelay } : {}),
        failureLimit: o.failureLimit ?? 0,
        inconclusiveLimit: o.inconclusiveLimit ?? 0,
        consecutiveErrorLimit: o.consecutiveErrorLimit ?? 4,
    };
}
function errorRateMetric(o = {}) {
    return {
        name: 'error-rate',
        provider: { kind: 'prometheus', query: queries_1.ERROR_RATE_QUERY },
        successCondition: `result <= ${o.maxErrorRate ?? exports.DEFAULT_MAX_ERROR_RATE}`,
        ...limits(o),
    };
}
function latencyP99Metric(o = {}) {
    return {
        name: 'latency-p99',
        provider: { kind: 'prometheus', query: queries_1.LATENCY_P99_QUERY },
        successCondition: `result <= ${o.maxP99Seconds ?? exports.DEFAULT_MAX_P99_SECONDS}`,
        ...limits(o),
    };
}
function defaultThresholdTemplate(o = {}) {
    return {
        name: 'default-threshold',
        inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
        judge: { kind: 'threshold', metrics: [errorRateMetric(o), latencyP99Metric(o)] },
    };
}
function defaultKayentaTemplate(o = {}) {
    const minSamples = o.minSamples ?? 10;
    return {
        name: 'default-kayenta',
        inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
        judge: {
            kind: 'mann-whitney',
            interval: o.interval ?? '30s',
            window: o.window ?? '10m',
            metrics: [
                // Error rates are mostly exact zeros for a healthy service; ties are handled by the test.
                { name: 'error-rate', provider: { kind: 'prometheus', query: queries_1.ERROR_RATE_QUERY }, direction: 'increase', critical: true, minSamples },
                { name: 'latency-mean', provider: { kind: 'prometheus', query: queries_1.LATENCY_MEAN_QUERY }, direction: 'increase', minSamples },
                { name: 'latency-p99', provider: { kind: 'prometheus', query: queries_1.LATENCY_P99_QUERY }, direction: 'increase', minSamples },
            ],
        },
    };
}
/** Queries default by metric kind (templates/queries.ts), so none are spelled out here. */
function defaultSequentialTemplate(o = {}) {
    const minRequests = o.minRequests ?? 100;
    return {
        name: 'default-sequential',
        inconclusivePolicy: o.inconclusivePolicy ?? 'pause',
        judge: {
            kind: 'sequential',
            alpha: o.alpha ?? 0.05,
            interval: o.interval ?? '5s',
            maxDuration: o.maxDuration ?? '10m',
            metrics: [
                { kind: 'count', name: 'errors', direction: 'increase', minRequests },
                { kind: 'latency', name: 'latency', direction: 'increase', minRequests },
            ],
        },
    };
}
function mergeByName(base, overrides) {
    const out = base.map((b) => overrides.find((o) => o.name === b.name) ?? b);
    for (const o of overrides)
        if (!base.some((b) => b.name === o.name))
            out.push(o);
    return out;
}
/** Combine default and user templates (see the file comment), then validate the result. */
function mergeTemplates(defaults, user) {
    const out = defaults.map((d) => {
        const u = user.find((t) => t.name === d.name);
        if (!u)
            return d;
        if (u.judge.kind !== d.judge.kind)
            return u;
        const metrics = mergeByName(d.judge.metrics, u.judge.metrics);
        return { ...d, ...u, judge: { ...d.judge, ...u.judge, metrics } };
    });
    for (const u of user)
        if (!defaults.some((d) => d.name === u.name))
            out.push(u);
    return out.map((t) => analysis_1.AnalysisTemplate.parse(t));
}
__exportStar(require("./queries"), exports);
//# sourceMappingURL=index.js.map