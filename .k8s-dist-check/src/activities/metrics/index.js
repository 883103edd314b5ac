"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.providerFor = exports.createProviders = void 0;
exports.scrapeGroupId = scrapeGroupId;
exports.createMetricsActivities = createMetricsActivities;
/**
 * Metric activities, created from their dependencies like every activity factory:
 *
 * - `measure(query, context)`: one measurement (value | no-data | error). Never throws for a
 *   failed query: errors are data the analysis counts (and never as success).
 * - `sampleRange` / `sampleSequential`: the baseline-vs-canary judges' inputs, per role.
 * - `judgeThresholdLook` / `judgeKayentaWindow` / `judgeSequentialLook`: the judges, one look.
 * - `validateAnalysis`: parse templates (defaults filled) and check their conditions up front.
 * - `registerTargets` / `unregisterTargets`: Prometheus file service discovery per role.
 *
 * Provider calls get the activity's cancellation signal, so a cancelled analysis stops its
 * queries at once, plus the provider's own timeout.
 */
const common_1 = require("@temporalio/common");
const activity_1 = require("@temporalio/activity");
const analysis_1 = require("../../domain/analysis");
const prometheus_sd_1 = require("../../lib/prometheus-sd");
const conditions_1 = require("./conditions");
const providers_1 = require("./providers");
const provider_1 = require("./providers/provider");
const snapshots_1 = require("./providers/snapshots");
const queries_1 = require("./templates/queries");
const judging_1 = require("./judging");
/** Bad input can never succeed on retry: fail the activity for good, with the reason. */
function nonRetryable(err, fallbackType = provider_1.MetricsErrorType.JudgeFailed) {
    if (err instanceof common_1.ApplicationFailure)
        throw err;
    const type = err instanceof provider_1.MetricInputError ? err.type : fallbackType;
    throw common_1.ApplicationFailure.create({ type, message: (0, provider_1.errorMessage)(err), nonRetryable: true });
}
function signal() {
    try {
        return activity_1.Context.current().cancellationSignal;
    }
    catch {
        return undefined; // called outside an activity (scripts, benchmarks)
    }
}
/** File-SD group id: one file per service, environment and role. */
function scrapeGroupId(input) {
    return `sluice_${input.service}_${input.environment}_${input.role}`.replace(/[^a-zA-Z0-9_.-]/g, '_');
}
const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;
function createMetricsActivities(deps, providers = (0, providers_1.createProviders)({
    prometheus: { url: deps.prometheusUrl, timeoutMs: deps.timeoutMs },
    web: { timeoutMs: deps.timeoutMs },
})) {
    return {
        async measure(query, context) {
            try {
                return await (0, providers_1.providerFor)(providers, query).measure(query, context, { signal: signal() });
            }
            catch (err) {
                return nonRetryable(err, provider_1.MetricsErrorType.BadTemplate);
            }
        },
        async sampleRange(input) {
            try {
                const provider = (0, providers_1.providerFor)(providers, input.query);
                if (!provider.range)
                    throw new provider_1.MetricInputError(provider_1.MetricsErrorType.UnsupportedQuery, `the ${provider.kind} provider has no time ranges; use a prometheus query for baseline-vs-canary metrics`);
                const range = provider.range.bind(provider);
                const entries = await Promise.all(input.roles.map(async (role) => [role, await range(input.query, { ...input.context, role }, { startMs: input.startMs, endMs: input.endMs, stepMs: input.stepMs }, { signal: signal() })]));
                return Object.fromEntries(entries);
            }
            catch (err) {
                return nonRetryable(err, provider_1.MetricsErrorType.BadTemplate);
            }
        },
        async sampleSequential(input) {
            try {
                const query = input.metric.provider ?? { kind: 'prometheus', query: (0, queries_1.defaultSequentialQuery)(input.metric.kind) };
                const provider = (0, providers_1.providerFor)(providers, query);
                if (!provider.series)
                    throw new provider_1.MetricInputError(provider_1.MetricsErrorType.UnsupportedQuery, `the ${provider.kind} provider has no labelled series; use a prometheus query for sequential metrics`);
                const series = provider.series.bind(provider);
                const snap = async (role) => {
                    const r = await series(query, { ...input.context, role }, { signal: signal() });
                    if (r.kind === 'error')
                        return { kind: 'error', message: r.message };
                    if (r.kind === 'no-data')
                        return { kind: 'no-data', reason: r.reason };
                    return input.metric.kind === 'count' ? (0, snapshots_1.countSnapshot)(r.series) : (0, snapshots_1.latencySnapshot)(r.series);
                };
                const [canary, baseline] = await Promise.all([snap('canary'), snap('baseline')]);
                return { canary, baseline, at: new Date().toISOString() };
            }
            catch (err) {
                return nonRetryable(err, provider_1.MetricsErrorType.BadTemplate);
            }
        },
        async judgeThresholdLook(input) {
            try {
                return (0, judging_1.thresholdLook)(input);
            }
            catch (err) {
                return nonRetryable(err);
            }
        },
        async judgeKayentaWindow(input) {
            try {
                return (0, judging_1.kayentaWindow)(input);
            }
            catch (err) {
                return nonRetryable(err);
            }
        },
        async judgeSequentialLook(input) {
            try {
                return (0, judging_1.sequentialLook)(input);
            }
            catch (err) {
                return nonRetryable(err);
            }
        },
        async validateAnalysis(input) {
            const problems = [];
            const templates = [];
            input.templates.forEach((raw, i) => {
                const parsed = analysis_1.AnalysisTemplate.safeParse(raw);
                if (!parsed.success) {
                    for (const issue of parsed.error.issues)
                        problems.push(`templates[${i}].${issue.path.join('.')}: ${issue.message}`);
                    return;
                }
                const t = parsed.data;
                if (t.judge.kind === 'threshold') {
                    t.judge.metrics.forEach((m, j) => {
                        for (const key of ['successCondition', 'failureCondition']) {
                            const src = m[key];
                            const problem = src === undefined ? undefined : (0, conditions_1.conditionProblem)(src);
                            if (problem)
                                problems.push(`templates[${i}].judge.metrics[${j}].${key}: ${problem}`);
                        }
                    });
                }
                if (t.judge.kind === 'mann-whitney') {
                    t.judge.metrics.forEach((m, j) => {
                        if (!m.provider)
                            problems.push(`templates[${i}].judge.metrics[${j}].provider: is required to sample canary and baseline`);
                    });
                }
                templates.push(t);
            });
            if (templates.length === 0 && problems.length === 0)
                problems.push('templates: at least one analysis template is required');
            if (problems.length > 0) {
                throw common_1.ApplicationFailure.create({ type: provider_1.MetricsErrorType.BadTemplate, message: `invalid analysis templates: ${problems.join('; ')}`, nonRetryable: true, details: [problems] });
            }
            return templates;
        },
        async registerTargets(input) {
            const bad = input.targets.find((t) => !HOST_PORT.test(t));
            if (bad !== undefined || input.targets.length === 0) {
                throw common_1.ApplicationFailure.create({ type: provider_1.MetricsErrorType.BadTargets, message: `scrape targets must be host:port pairs, got ${JSON.stringify(bad ?? input.targets)}`, nonRetryable: true });
            }
            const id = scrapeGroupId(input);
            const labels = { service: input.service, environment: input.environment, role: input.role };
            if (input.version)
                labels.version = input.version;
            try {
                await (0, prometheus_sd_1.registerScrapeGroup)(deps.targetsDir, { id, targets: input.targets, labels });
            }
            catch (err) {
                return nonRetryable(err, provider_1.MetricsErrorType.BadTargets);
            }
            return { id };
        },
        async unregisterTargets(input) {
            const id = scrapeGroupId(input);
            await (0, prometheus_sd_1.unregisterScrapeGroup)(deps.targetsDir, id);
            return { id };
        },
    };
}
var providers_2 = require("./providers");
Object.defineProperty(exports, "createProviders", { enumerable: true, get: function () { return providers_2.createProviders; } });
Object.defineProperty(exports, "providerFor", { enumerable: true, get: function () { return providers_2.providerFor; } });
//# sourceMappingURL=index.js.map