"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DEMO_TEMPLATE = exports.DEMO_ENVIRONMENT = void 0;
exports.demoSpec = demoSpec;
const templates_1 = require("../activities/metrics/templates");
const validate_1 = require("../domain/validate");
exports.DEMO_ENVIRONMENT = 'demo';
exports.DEMO_TEMPLATE = 'demo-errors';
/**
 * The demo's sluice.yaml, as data: a canary on the Docker target behind HAProxy, analysed by the
 * default error-rate/latency template with a short interval so the demo takes a minute, not ten.
 */
function demoSpec(input) {
    const analysis = { kind: 'analysis', window: '15s', templates: [exports.DEMO_TEMPLATE] };
    const spec = {
        service: input.service,
        environment: exports.DEMO_ENVIRONMENT,
        source: { kind: 'build', repoDir: input.repoDir, imageRepo: input.imageRepo },
        target: { kind: input.target, settings: {} },
        router: { kind: 'haproxy', settings: {} },
        strategy: {
            kind: 'canary',
            steps: [{ kind: 'setWeight', weight: 20 }, analysis, { kind: 'setWeight', weight: 50 }, analysis, { kind: 'setWeight', weight: 100 }],
            scaleDownDelay: '0s',
        },
        healthCheck: { paths: ['/healthz', '/readyz'], interval: '500ms', window: '5s', failureThreshold: 3, timeout: '2s' },
        analysis: { templates: [{ ...(0, templates_1.defaultThresholdTemplate)({ interval: '2s', count: 6, inconclusivePolicy: 'rollback' }), name: exports.DEMO_TEMPLATE }] },
        retention: { keep: 5 },
    };
    return (0, validate_1.validateReleaseSpec)(spec, 'demo spec');
}
//# sourceMappingURL=spec.js.map