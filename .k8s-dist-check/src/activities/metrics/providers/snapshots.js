"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.countSnapshot = countSnapshot;
exports.latencySnapshot = latencySnapshot;
exports.emptySnapshot = emptySnapshot;
exports.counterIncrease = counterIncrease;
exports.countIncrement = countIncrement;
exports.sameLayout = sameLayout;
const ERROR_CODE = /^5\d\d$/;
function countSnapshot(series) {
    if (series.length > 0 && series.every((s) => s.labels.code === undefined)) {
        return { kind: 'error', message: 'a count metric query must return series labelled by code, e.g. sum by (code) (http_requests_total{…})' };
    }
    let requests = 0;
    let errors = 0;
    for (const s of series) {
        if (!Number.isFinite(s.value))
            continue;
        requests += s.value;
        if (ERROR_CODE.test(s.labels.code ?? ''))
            errors += s.value;
    }
    return { kind: 'count', requests, errors };
}
function parseLe(raw) {
    if (raw === undefined)
        return undefined;
    if (raw === '+Inf' || raw === 'Inf')
        return Number.MAX_VALUE;
    const v = Number(raw);
    return Number.isNaN(v) ? undefined : v;
}
function latencySnapshot(series) {
    const buckets = new Map();
    for (const s of series) {
        const le = parseLe(s.labels.le);
        if (le === undefined)
            return { kind: 'error', message: 'a latency metric query must return histogram buckets labelled by le, e.g. sum by (le) (…_bucket{…})' };
        buckets.set(le, (buckets.get(le) ?? 0) + (Number.isFinite(s.value) ? s.value : 0));
    }
    const le = [...buckets.keys()].sort((a, b) => a - b);
    if (le.length > 0 && le[le.length - 1] !== Number.MAX_VALUE)
        return { kind: 'error', message: 'histogram buckets lack the le="+Inf" bucket' };
    return { kind: 'latency', le, cumulative: le.map((b) => buckets.get(b)) };
}
/** An empty answer before any traffic is "nothing counted yet", not a failure. */
function emptySnapshot(kind) {
    return kind === 'count' ? { kind: 'count', requests: 0, errors: 0 } : { kind: 'latency', le: [], cumulative: [] };
}
/** Increase of a counter between two scrapes, Prometheus-style across a reset. */
function counterIncrease(current, previous) {
    if (previous === undefined)
        return current;
    return current >= previous ? current - previous : current;
}
function countIncrement(current, previous) {
    const reset = previous !== undefined && (current.requests < previous.requests || current.errors < previous.errors);
    const prev = reset ? undefined : previous;
    const requests = counterIncrease(current.requests, prev?.requests);
    const errors = Math.min(requests, counterIncrease(current.errors, prev?.errors));
    return { requests: Math.round(requests), errors: Math.round(errors) };
}
function sameLayout(a, b) {
    return a.le.length === b.le.length && a.le.every((v, i) => v === b.le[i]);
}
//# sourceMappingURL=snapshots.js.map