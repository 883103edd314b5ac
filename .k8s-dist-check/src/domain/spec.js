"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ReleaseSpec = exports.Retention = exports.ApprovalPolicy = exports.Strategy = exports.RecreateStrategy = exports.BlueGreenStrategy = exports.CanaryStrategy = exports.CanaryStep = exports.AnalysisStep = exports.PauseStep = exports.SetWeightStep = exports.CheckConfig = exports.HealthCheck = exports.RouterSpec = exports.RouterKind = exports.TargetSpec = exports.TargetKind = exports.Source = exports.PrebuiltSource = exports.BuildSource = exports.EnvironmentName = exports.ServiceName = exports.Duration = void 0;
/**
 * The release spec: what `sluice deploy` reads from sluice.yaml (plus flags) and hands to
 * `deployWorkflow`. Validated here, at the client edge, with field-level errors; inside the
 * workflow it is plain data (workflow code imports only the types from this file).
 */
const zod_1 = require("zod");
const analysis_1 = require("./analysis");
const duration_1 = require("./duration");
exports.Duration = zod_1.z.string().regex(duration_1.DURATION_PATTERN, 'must be a duration like "500ms", "5s", "10m" or "2h"');
/** DNS label: usable as a container name part, HAProxy backend, Temporal id segment and label value. */
const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
exports.ServiceName = zod_1.z.string().regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and dashes');
exports.EnvironmentName = zod_1.z.string().regex(DNS_LABEL, 'must be a DNS label: lowercase letters, digits and dashes');
const SEMVER_WITH_BUILD = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
const IMAGE_REF_BY_DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;
// ---------------------------------------------------------------------------------------------
// Where the release comes from.
exports.BuildSource = zod_1.z.strictObject({
    kind: zod_1.z.literal('build'),
    /** Git work tree: the version comes from its nearest tag and HEAD commit. */
    repoDir: zod_1.z.string().min(1),
    /** Docker build context or Go package dir; default repoDir. */
    contextDir: zod_1.z.string().min(1).optional(),
    /** Relative to contextDir. */
    dockerfile: zod_1.z.string().min(1).optional(),
    /** Where images are pushed, e.g. 127.0.0.1:5000/go-service (docker and kubernetes targets). */
    imageRepo: zod_1.z.string().min(1).optional(),
    tagPrefix: zod_1.z.string().optional(),
    buildArgs: zod_1.z.record(zod_1.z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'build arg names are shell identifiers'), zod_1.z.string()).optional(),
});
exports.PrebuiltSource = zod_1.z
    .strictObject({
    kind: zod_1.z.literal('prebuilt'),
    version: zod_1.z.string().regex(SEMVER_WITH_BUILD, 'must be semver, e.g. 1.4.3+a1b2c3d'),
    imageRef: zod_1.z.string().regex(IMAGE_REF_BY_DIGEST, 'must be pinned by digest: repo@sha256:<64 hex>').optional(),
    binaryPath: zod_1.z.string().min(1).optional(),
    imageTag: zod_1.z.string().optional(),
    commit: zod_1.z.string().optional(),
})
    .refine((s) => s.imageRef !== undefined || s.binaryPath !== undefined, { message: 'a prebuilt source needs imageRef or binaryPath' });
exports.Source = zod_1.z.discriminatedUnion('kind', [exports.BuildSource, exports.PrebuiltSource]);
// ---------------------------------------------------------------------------------------------
// Where it runs and how traffic reaches it. Settings are the adapter's business (each target and
// router validates its own); here they are opaque JSON.
exports.TargetKind = zod_1.z.enum(['docker', 'process', 'kubernetes']);
exports.TargetSpec = zod_1.z.strictObject({ kind: exports.TargetKind, settings: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()).default({}) });
exports.RouterKind = zod_1.z.enum(['haproxy', 'none']);
exports.RouterSpec = zod_1.z.strictObject({ kind: exports.RouterKind, settings: zod_1.z.record(zod_1.z.string(), zod_1.z.unknown()).default({}) });
// ---------------------------------------------------------------------------------------------
// Verification. Until the analysis engine lands, every check is a health-check window.
exports.HealthCheck = zod_1.z.strictObject({
    paths: zod_1.z.array(zod_1.z.string().startsWith('/', 'paths start with "/"')).min(1).default(['/healthz', '/readyz']),
    interval: exports.Duration.default('1s'),
    window: exports.Duration.default('10s'),
    /** This many failed probes in a row fail the check. */
    failureThreshold: zod_1.z.number().int().min(1).default(3),
    /** Per-probe HTTP timeout. */
    timeout: exports.Duration.default('2s'),
});
/** One verification: a health window now; `templates` name analysis templates (canary-analysis issue). */
exports.CheckConfig = zod_1.z.strictObject({
    /** Overrides healthCheck.window for this check. */
    window: exports.Duration.optional(),
    templates: zod_1.z.array(zod_1.z.string().min(1)).optional(),
});
// ---------------------------------------------------------------------------------------------
// Strategies: data, interpreted by one switch in the workflow.
exports.SetWeightStep = zod_1.z.strictObject({ kind: zod_1.z.literal('setWeight'), weight: zod_1.z.number().int().min(0).max(100) });
/** No duration = wait for approve. */
exports.PauseStep = zod_1.z.strictObject({ kind: zod_1.z.literal('pause'), duration: exports.Duration.optional() });
exports.AnalysisStep = exports.CheckConfig.extend({ kind: zod_1.z.literal('analysis') });
exports.CanaryStep = zod_1.z.discriminatedUnion('kind', [exports.SetWeightStep, exports.PauseStep, exports.AnalysisStep]);
/**
 * Accepts Argo's YAML shorthand (`- setWeight: 10`, `- pause: {duration: 5s}`, `- pause: {}`,
 * `- analysis: {window: 20s}`) beside the tagged form (`- kind: setWeight, weight: 10`).
 */
function normalizeStep(raw) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw) || 'kind' in raw)
        return raw;
    const entries = Object.entries(raw);
    if (entries.length !== 1)
        return raw;
    const [key, value] = entries[0];
    if (key === 'setWeight')
        return { kind: 'setWeight', weight: value };
    if ((key === 'pause' || key === 'analysis') && (value === null || (typeof value === 'object' && !Array.isArray(value)))) {
        return { kind: key, ...(value ?? {}) };
    }
    return raw;
}
exports.CanaryStrategy = zod_1.z.strictObject({
    kind: zod_1.z.literal('canary'),
    steps: zod_1.z.array(zod_1.z.preprocess(normalizeStep, exports.CanaryStep)).min(1),
    /** How long the old stable stays warm after promotion (instant rollback), then it is retired. */
    scaleDownDelay: exports.Duration.default('0s'),
});
const ChecksOrOff = zod_1.z.union([zod_1.z.literal(false), exports.CheckConfig]);
exports.BlueGreenStrategy = zod_1.z.strictObject({
    kind: zod_1.z.literal('blueGreen'),
    /** false = wait for approve before switching traffic. */
    autoPromote: zod_1.z.boolean().default(true),
    previewChecks: ChecksOrOff.default({}),
    postPromotionChecks: ChecksOrOff.default(false),
    scaleDownDelay: exports.Duration.default('30s'),
});
exports.RecreateStrategy = zod_1.z.strictObject({
    kind: zod_1.z.literal('recreate'),
    checks: ChecksOrOff.default({}),
});
exports.Strategy = zod_1.z.discriminatedUnion('kind', [exports.CanaryStrategy, exports.BlueGreenStrategy, exports.RecreateStrategy]);
// ---------------------------------------------------------------------------------------------
exports.ApprovalPolicy = zod_1.z.strictObject({
    /** Who may approve; empty = anyone. */
    approvers: zod_1.z.array(zod_1.z.string().min(1)).default([]),
    /** A gate left unanswered this long rolls the release back. */
    timeout: exports.Duration.optional(),
});
exports.Retention = zod_1.z.strictObject({
    /** Releases kept in the registry/artifact store for rollback (the live and previous ones always are). */
    keep: zod_1.z.number().int().min(2).max(1000).default(5),
});
exports.ReleaseSpec = zod_1.z
    .strictObject({
    service: exports.ServiceName,
    environment: exports.EnvironmentName,
    source: exports.Source,
    target: exports.TargetSpec,
    router: exports.RouterSpec.default({ kind: 'none', settings: {} }),
    strategy: exports.Strategy,
    healthCheck: exports.HealthCheck.default(exports.HealthCheck.parse({})),
    analysis: zod_1.z.strictObject({ templates: zod_1.z.array(analysis_1.AnalysisTemplate).default([]) }).default({ templates: [] }),
    approval: exports.ApprovalPolicy.default({ approvers: [] }),
    retention: exports.Retention.default({ keep: 5 }),
    /** The whole release (not counting rollback) must finish within this, or it is rolled back. */
    deadline: exports.Duration.optional(),
})
    .superRefine((spec, ctx) => {
    const needsImage = spec.target.kind !== 'process';
    if (spec.source.kind === 'build' && needsImage && !spec.source.imageRepo) {
        ctx.addIssue({ code: 'custom', path: ['source', 'imageRepo'], message: `is required to build for the ${spec.target.kind} target` });
    }
    if (spec.source.kind === 'prebuilt') {
        if (needsImage && !spec.source.imageRef) {
            ctx.addIssue({ code: 'custom', path: ['source', 'imageRef'], message: `is required for the ${spec.target.kind} target` });
        }
        if (!needsImage && !spec.source.binaryPath) {
            ctx.addIssue({ code: 'custom', path: ['source', 'binaryPath'], message: 'is required for the process target' });
        }
    }
    const names = new Set(spec.analysis.templates.map((t) => t.name));
    const checkRefs = [];
    const strategy = spec.strategy;
    switch (strategy.kind) {
        case 'canary':
            strategy.steps.forEach((s, i) => {
                if (s.kind === 'analysis')
                    checkRefs.push({ path: ['strategy', 'steps', i, 'templates'], templates: s.templates });
            });
            break;
        case 'blueGreen':
            if (strategy.previewChecks)
                checkRefs.push({ path: ['strategy', 'previewChecks', 'templates'], templates: strategy.previewChecks.templates });
            if (strategy.postPromotionChecks)
                checkRefs.push({ path: ['strategy', 'postPromotionChecks', 'templates'], templates: strategy.postPromotionChecks.templates });
            break;
        case 'recreate':
            if (strategy.checks)
                checkRefs.push({ path: ['strategy', 'checks', 'templates'], templates: strategy.checks.templates });
            break;
        default: {
            const unhandled = strategy;
            throw new Error(`unhandled strategy ${JSON.stringify(unhandled)}`);
        }
    }
    for (const ref of checkRefs) {
        for (const name of ref.templates ?? []) {
            if (!names.has(name))
                ctx.addIssue({ code: 'custom', path: ref.path, message: `names unknown analysis template "${name}"` });
        }
    }
});
//# sourceMappingURL=spec.js.map