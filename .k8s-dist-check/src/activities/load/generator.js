"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LoadSpecError = exports.LOAD_LIMITS = void 0;
exports.emptyReport = emptyReport;
exports.checkLoadSpec = checkLoadSpec;
exports.runLoad = runLoad;
/**
 * A bounded, open-loop HTTP load generator (the role Flagger's load tester plays): requests go
 * out at a fixed rate whether or not earlier ones have answered, so a slow canary gets the same
 * offered load as a fast one; in-flight requests are capped, and what the cap skipped is
 * counted rather than queued. Targets are spread round-robin and must be on loopback.
 */
const node_http_1 = require("node:http");
const loopback_1 = require("./loopback");
exports.LOAD_LIMITS = {
    maxRatePerSecond: 2000,
    maxDurationMs: 60 * 60 * 1000,
    maxInFlight: 512,
    maxTargets: 32,
};
class LoadSpecError extends Error {
    constructor(message) {
        super(message);
        this.name = 'LoadSpecError';
    }
}
exports.LoadSpecError = LoadSpecError;
function emptyReport() {
    return { sent: 0, byStatus: {}, failures: {}, skipped: 0, elapsedMs: 0 };
}
/** Validates limits and targets; throws LoadSpecError or NotLoopbackError before any request. */
function checkLoadSpec(spec) {
    const { ratePerSecond: rate, durationMs } = spec;
    if (!Array.isArray(spec.targets) || spec.targets.length === 0)
        throw new LoadSpecError('load needs at least one target URL');
    if (spec.targets.length > exports.LOAD_LIMITS.maxTargets)
        throw new LoadSpecError(`at most ${exports.LOAD_LIMITS.maxTargets} load targets`);
    if (!(Number.isFinite(rate) && rate > 0 && rate <= exports.LOAD_LIMITS.maxRatePerSecond)) {
        throw new LoadSpecError(`load rate must be in (0, ${exports.LOAD_LIMITS.maxRatePerSecond}] requests per second, got ${rate}`);
    }
    if (!(Number.isFinite(durationMs) && durationMs > 0 && durationMs <= exports.LOAD_LIMITS.maxDurationMs)) {
        throw new LoadSpecError(`load duration must be in (0, ${exports.LOAD_LIMITS.maxDurationMs}] ms, got ${durationMs}`);
    }
    const maxInFlight = spec.maxInFlight ?? 64;
    if (!(Number.isInteger(maxInFlight) && maxInFlight > 0 && maxInFlight <= exports.LOAD_LIMITS.maxInFlight)) {
        throw new LoadSpecError(`maxInFlight must be an integer in [1, ${exports.LOAD_LIMITS.maxInFlight}]`);
    }
    return spec.targets.map(loopback_1.loopbackTarget);
}
function bump(counts, key) {
    counts[key] = (counts[key] ?? 0) + 1;
}
async function runLoad(spec, opts = {}) {
    const targets = checkLoadSpec(spec);
    const maxInFlight = spec.maxInFlight ?? 64;
    const timeoutMs = spec.requestTimeoutMs ?? 5000;
    const prior = opts.resume ?? emptyReport();
    const report = { ...prior, byStatus: { ...prior.byStatus }, failures: { ...prior.failures } };
    // A resumed attempt only runs for what the earlier attempt had left.
    const remainingMs = Math.max(0, spec.durationMs - prior.elapsedMs);
    const agent = new node_http_1.Agent({ keepAlive: true, maxSockets: maxInFlight });
    const inFlight = new Set();
    const started = Date.now();
    let dispatched = 0;
    let next = 0;
    const fire = (t) => {
        const req = (0, node_http_1.request)({
            host: t.host,
            family: t.family,
            port: t.port,
            path: `${t.url.pathname}${t.url.search}`,
            method: 'GET',
            agent,
            timeout: timeoutMs,
        });
        inFlight.add(req);
        report.sent++;
        let settled = false;
        const settle = (key, ok) => {
            if (settled)
                return;
            settled = true;
            inFlight.delete(req);
            bump(ok ? report.byStatus : report.failures, key);
        };
        req.on('response', (res) => {
            res.on('error', () => settle('ECONNRESET', false));
            res.on('end', () => settle(String(res.statusCode ?? 0), true));
            res.resume();
        });
        req.on('timeout', () => req.destroy(Object.assign(new Error('request timed out'), { code: 'ETIMEDOUT' })));
        req.on('error', (err) => settle(err.code ?? 'ERROR', false));
        req.end();
    };
    await new Promise((resolve) => {
        let lastProgress = Date.now();
        const tick = () => {
            const elapsed = Date.now() - started;
            const done = elapsed >= remainingMs || opts.signal?.aborted;
            if (!done) {
                const due = Math.floor((Math.min(elapsed, remainingMs) * spec.ratePerSecond) / 1000) - dispatched;
                for (let i = 0; i < due; i++) {
                    dispatched++;
                    if (inFlight.size >= maxInFlight) {
                        report.skipped++;
                        continue;
                    }
                    fire(targets[next]);
                    next = (next + 1) % targets.length;
                }
            }
            report.elapsedMs = prior.elapsedMs + Math.min(elapsed, remainingMs);
            if (opts.onProgress && (done || Date.now() - lastProgress >= (opts.progressEveryMs ?? 1000))) {
                lastProgress = Date.now();
                opts.onProgress(report);
            }
            if (done)
                return resolve();
            setTimeout(tick, 5);
        };
        tick();
    });
    // Let in-flight requests answer (bounded by their timeout), unless we were cancelled.
    if (opts.signal?.aborted) {
        for (const req of inFlight)
            req.destroy(Object.assign(new Error('load cancelled'), { code: 'ECANCELLED' }));
    }
    const drainUntil = Date.now() + timeoutMs + 500;
    while (inFlight.size > 0 && Date.now() < drainUntil)
        await new Promise((r) => setTimeout(r, 10));
    agent.destroy();
    return report;
}
//# sourceMappingURL=generator.js.map