import { defaultThresholdTemplate } from '../activities/metrics/templates';
import type { ReleaseSpecInput } from '../domain/spec';
import { validateReleaseSpec } from '../domain/validate';
import { adapterCatalogue } from '../activities/catalogue';

export const DEMO_ENVIRONMENT = 'demo';
export const DEMO_TEMPLATE = 'demo-errors';

/**
 * The demo's sluice.yaml, as data: a canary on the Docker target behind HAProxy, analysed by the
 * default error-rate/latency template with a short interval so the demo takes a minute, not ten.
 */
export function demoSpec(input: { service: string; repoDir: string; imageRepo: string; target: 'docker' | 'process'; routerPort: number }) {
  const analysis = { kind: 'analysis' as const, window: '10s', templates: [DEMO_TEMPLATE] };
  const spec: ReleaseSpecInput = {
    service: input.service,
    environment: DEMO_ENVIRONMENT,
    source: { kind: 'build', repoDir: input.repoDir, imageRepo: input.imageRepo },
    target: { kind: input.target, settings: {} },
    router: { kind: 'haproxy', settings: { listenPort: input.routerPort, drainTimeoutMs: 2000 } },
    strategy: {
      kind: 'canary',
      steps: [{ kind: 'setWeight', weight: 20 }, analysis, { kind: 'setWeight', weight: 50 }, analysis, { kind: 'setWeight', weight: 100 }],
      scaleDownDelay: '0s',
    },
    healthCheck: { paths: ['/healthz', '/readyz'], interval: '500ms', window: '5s', failureThreshold: 3, timeout: '2s' },
    analysis: {
      // Four looks 2 s apart after the canary has had 4 s of traffic: enough for a 30 % error rate
      // to show at the first look, and short enough that the first demo fits in 5 minutes.
      templates: [{ ...defaultThresholdTemplate({ interval: '2s', count: 4, initialDelay: '4s', inconclusivePolicy: 'rollback' }), name: DEMO_TEMPLATE }],
      // A demo has no users: drive traffic through HAProxy so the canary's share yields data.
      load: { ratePerSecond: 50, via: 'router' },
      rateWindow: '10s',
    },
    retention: { keep: 5 },
  };
  return validateReleaseSpec(spec, adapterCatalogue(), 'demo spec');
}
