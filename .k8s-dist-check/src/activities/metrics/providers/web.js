"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEFAULT_WEB_TIMEOUT_MS = void 0;
exports.parseJsonPath = parseJsonPath;
exports.readJsonPath = readJsonPath;
exports.webValueToMeasurement = webValueToMeasurement;
exports.createWebProvider = createWebProvider;
/**
 * Web provider (Argo Rollouts' `web` metric): GET a JSON document and read one value by a simple
 * path such as "data.errorRate" or "items[0].p99". Useful for services that already publish their
 * own health numbers, or for a metrics store without a Prometheus API.
 *
 * Only instant measurements: it has no labelled series or time ranges, so the baseline-vs-canary
 * and sequential judges need the Prometheus provider.
 */
const provider_1 = require("./provider");
const render_1 = require("./render");
exports.DEFAULT_WEB_TIMEOUT_MS = 5000;
/** "a.b[0].c" → ["a", "b", "0", "c"]; "" → [] (the whole body). */
function parseJsonPath(path) {
    const trimmed = path.trim().replace(/^\$\.?/, '');
    if (trimmed === '')
        return [];
    return trimmed
        .replace(/\[(\d+)\]/g, '.$1')
        .split('.')
        .filter((p) => p !== '');
}
function readJsonPath(body, path) {
    let current = body;
    for (const part of parseJsonPath(path)) {
        if (current === null || typeof current !== 'object')
            return undefined;
        // Own properties only: a path must not reach __proto__ or constructor.
        if (!Object.prototype.hasOwnProperty.call(current, part))
            return undefined;
        current = current[part];
    }
    return current;
}
function toNumber(v) {
    if (typeof v === 'number')
        return v;
    if (typeof v !== 'string' || v.trim() === '')
        return undefined;
    // "NaN" is a number that means no data; "high" is not a number at all.
    const n = Number(v);
    return Number.isNaN(n) && v.trim() !== 'NaN' ? undefined : n;
}
/** Interpret the value at the path: numbers (or numeric strings), or an array of them. */
function webValueToMeasurement(raw, path, at) {
    if (raw === undefined)
        return { kind: 'no-data', reason: `path ${JSON.stringify(path)} not found in the response`, at };
    if (raw === null)
        return { kind: 'no-data', reason: `path ${JSON.stringify(path)} is null`, at };
    const list = Array.isArray(raw) ? raw : [raw];
    const numbers = list.map(toNumber);
    if (numbers.some((n) => n === undefined))
        return { kind: 'error', message: `value at ${JSON.stringify(path)} is not a number: ${JSON.stringify(raw).slice(0, 100)}`, at };
    const values = numbers.filter((n) => !Number.isNaN(n));
    if (values.length === 0)
        return { kind: 'no-data', reason: Array.isArray(raw) && raw.length === 0 ? 'empty array' : 'value is NaN', at };
    const finite = values.map((n) => (n === Infinity ? Number.MAX_VALUE : n === -Infinity ? -Number.MAX_VALUE : n));
    return { kind: 'value', value: Array.isArray(raw) ? finite : finite[0], at };
}
function createWebProvider(deps = {}) {
    const timeoutMs = deps.timeoutMs ?? exports.DEFAULT_WEB_TIMEOUT_MS;
    const maxBodyBytes = deps.maxBodyBytes ?? 1_000_000;
    return {
        kind: 'web',
        description: 'HTTP GET of a JSON document, value read by a dotted path',
        async measure(query, context, opts = {}) {
            const url = (0, render_1.renderTemplate)(query.url, context, encodeURIComponent);
            const path = query.jsonPath ?? '';
            const signal = (0, provider_1.withTimeout)(timeoutMs, opts.signal);
            let text;
            try {
                const res = await fetch(url, { headers: { accept: 'application/json' }, signal, redirect: 'error' });
                text = await res.text();
                if (!res.ok)
                    return { kind: 'error', message: `GET ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`, at: new Date().toISOString() };
            }
            catch (err) {
                return { kind: 'error', message: `GET ${url}: ${(0, provider_1.describeAbort)(signal, timeoutMs) ?? (0, provider_1.errorMessage)(err)}`, at: new Date().toISOString() };
            }
            const at = new Date().toISOString();
            if (Buffer.byteLength(text) > maxBodyBytes)
                return { kind: 'error', message: `GET ${url}: body larger than ${maxBodyBytes} bytes`, at };
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                return { kind: 'error', message: `GET ${url}: body is not JSON: ${text.slice(0, 200)}`, at };
            }
            return webValueToMeasurement(readJsonPath(body, path), path, at);
        },
    };
}
//# sourceMappingURL=web.js.map