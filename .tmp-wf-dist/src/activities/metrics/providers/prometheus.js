"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_PROMETHEUS_TIMEOUT_MS = void 0;
exports.createPrometheusProvider = createPrometheusProvider;
/**
 * Prometheus provider: instant queries (/api/v1/query) for measurements and labelled series,
 * range queries (/api/v1/query_range) for the baseline-vs-canary judge's samples.
 *
 * Queries go out as POST forms, so long PromQL never hits a URL length limit, with Prometheus'
 * own `timeout` parameter set as well as a client-side abort.
 */
const provider_1 = require("./provider");
const render_1 = require("./render");
const schema_1 = require("./schema");
exports.DEFAULT_PROMETHEUS_TIMEOUT_MS = 5000;
function labelKey(labels) {
    return Object.keys(labels)
        .sort()
        .map((k) => `${k}=${labels[k]}`)
        .join(',');
}
/** JSON has no NaN or Infinity: infinities become the largest finite doubles, NaN is left to callers. */
function finite(v) {
    if (v === Infinity)
        return Number.MAX_VALUE;
    if (v === -Infinity)
        return -Number.MAX_VALUE;
    return v;
}
function createPrometheusProvider(deps) {
    const base = deps.url.replace(/\/+$/, '');
    const timeoutMs = deps.timeoutMs ?? exports.DEFAULT_PROMETHEUS_TIMEOUT_MS;
    async function call(path, params, opts) {
        const signal = (0, provider_1.withTimeout)(timeoutMs, opts.signal);
        const form = new URLSearchParams({ ...params, timeout: `${Math.max(1, Math.floor(timeoutMs / 1000))}s` });
        let res;
        let text;
        try {
            res = await fetch(`${base}${path}`, {
                method: 'POST',
                body: form,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                signal,
            });
            text = await res.text();
        }
        catch (err) {
            return { ok: false, message: `Prometheus at ${base}: ${(0, provider_1.describeAbort)(signal, timeoutMs) ?? (0, provider_1.errorMessage)(err)}` };
        }
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            return { ok: false, message: `Prometheus at ${base} answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}` };
        }
        const parsed = schema_1.PrometheusResponse.safeParse(body);
        if (!parsed.success)
            return { ok: false, message: `Prometheus at ${base} answered HTTP ${res.status} with an unexpected body: ${parsed.error.message.slice(0, 300)}` };
        if (parsed.data.status === 'error')
            return { ok: false, message: `Prometheus query failed (${parsed.data.errorType}): ${parsed.data.error}` };
        return { ok: true, data: parsed.data.data, warnings: parsed.data.warnings ?? [] };
    }
    async function instant(query, context, opts) {
        const promql = (0, render_1.renderTemplate)(query.query, context);
        return call('/api/v1/query', { query: promql }, opts);
    }
    async function series(query, context, opts = {}) {
        const answer = await instant(query, context, opts);
        const at = new Date().toISOString();
        if (!answer.ok)
            return { kind: 'error', message: answer.message, at };
        const { data } = answer;
        let out;
        switch (data.resultType) {
            case 'vector':
                out = data.result.map((s) => ({ labels: s.metric, value: (0, schema_1.parseSampleValue)(s.value[1]) }));
                break;
            case 'scalar':
                out = [{ labels: {}, value: (0, schema_1.parseSampleValue)(data.result[1]) }];
                break;
            case 'matrix':
                return { kind: 'error', message: 'query returned a range vector; wrap it in a function such as rate() or last_over_time()', at };
            case 'string':
                return { kind: 'error', message: 'query returned a string, not a number', at };
            default: {
                const unhandled = data;
                return { kind: 'error', message: `unexpected result type ${JSON.stringify(unhandled)}`, at };
            }
        }
        if (out.length === 0)
            return { kind: 'no-data', reason: 'empty result', at };
        out.sort((a, b) => labelKey(a.labels).localeCompare(labelKey(b.labels)));
        return { kind: 'series', series: out, at };
    }
    return {
        kind: 'prometheus',
        description: 'Prometheus HTTP API: /api/v1/query and /api/v1/query_range',
        series,
        async measure(query, context, opts = {}) {
            const result = await series(query, context, opts);
            if (result.kind !== 'series')
                return result;
            // NaN (0/0, histogram_quantile over no requests) is "no data", never a value to compare.
            const values = result.series.map((s) => s.value).filter((v) => !Number.isNaN(v));
            if (values.length === 0)
                return { kind: 'no-data', reason: 'result is NaN', at: result.at };
            const finiteValues = values.map(finite);
            return { kind: 'value', value: finiteValues.length === 1 ? finiteValues[0] : finiteValues, at: result.at };
        },
        async range(query, context, range, opts = {}) {
            const promql = (0, render_1.renderTemplate)(query.query, context);
            const answer = await call('/api/v1/query_range', { query: promql, start: String(range.startMs / 1000), end: String(range.endMs / 1000), step: String(Math.max(range.stepMs, 1) / 1000) }, opts);
            const at = new Date().toISOString();
            if (!answer.ok)
                return { kind: 'error', message: answer.message, at };
            if (answer.data.resultType !== 'matrix')
                return { kind: 'error', message: `query_range returned ${answer.data.resultType}, expected a matrix`, at };
            const matrix = [...answer.data.result].sort((a, b) => labelKey(a.metric).localeCompare(labelKey(b.metric)));
            const values = matrix.flatMap((s) => s.values.map(([, raw]) => (0, schema_1.parseSampleValue)(raw)));
            if (values.length === 0)
                return { kind: 'no-data', reason: 'empty result', at };
            if (values.every((v) => Number.isNaN(v)))
                return { kind: 'no-data', reason: 'every sample is NaN', at };
            return { kind: 'samples', values: values.map((v) => (Number.isNaN(v) ? null : finite(v))), series: matrix.length, at };
        },
    };
}
//# sourceMappingURL=prometheus.js.map