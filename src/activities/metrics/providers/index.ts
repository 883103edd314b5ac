/**
 * Provider registry: one entry per `MetricQuery['kind']`. Adding a provider = one file in this
 * folder, one member in the domain's MetricQuery union, one line here (the `satisfies` clause
 * fails to compile until all three agree).
 */
import type { MetricQuery } from '../../../domain/analysis';
import { createPrometheusProvider } from './prometheus';
import type { PrometheusProviderDeps } from './prometheus';
import { createWebProvider } from './web';
import type { WebProviderDeps } from './web';
import { MetricInputError } from './provider';
import type { MetricProvider } from './provider';
import { ErrorType } from '../../../domain/errors';

export interface ProvidersDeps {
  prometheus: PrometheusProviderDeps;
  web?: WebProviderDeps;
}

export type ProviderRegistry = { [K in MetricQuery['kind']]: MetricProvider<Extract<MetricQuery, { kind: K }>> };

export const PROVIDER_FACTORIES = {
  prometheus: (deps: ProvidersDeps) => createPrometheusProvider(deps.prometheus),
  web: (deps: ProvidersDeps) => createWebProvider(deps.web),
} as const satisfies { [K in MetricQuery['kind']]: (deps: ProvidersDeps) => MetricProvider<Extract<MetricQuery, { kind: K }>> };

export function createProviders(deps: ProvidersDeps): ProviderRegistry {
  return { prometheus: PROVIDER_FACTORIES.prometheus(deps), web: PROVIDER_FACTORIES.web(deps) };
}

/** The provider for a query; the generic keeps the query and provider types paired. */
export function providerFor<Q extends MetricQuery>(registry: ProviderRegistry, query: Q): MetricProvider<Q> {
  const provider = (registry as unknown as Record<string, MetricProvider<Q> | undefined>)[query.kind];
  if (!provider) throw new MetricInputError(ErrorType.UnknownMetricProvider, `no metric provider for kind ${JSON.stringify(query.kind)}`);
  return provider;
}

export { createPrometheusProvider, DEFAULT_PROMETHEUS_TIMEOUT_MS } from './prometheus';
export type { PrometheusProviderDeps } from './prometheus';
export { createWebProvider, readJsonPath, parseJsonPath, webValueToMeasurement, DEFAULT_WEB_TIMEOUT_MS } from './web';
export type { WebProviderDeps } from './web';
export { renderTemplate, validateContext, DEFAULT_WINDOW } from './render';
export { ROLES, MetricInputError, errorMessage } from './provider';
export type {
  Role,
  MeasureContext,
  Measurement,
  MetricProvider,
  ProviderCallOptions,
  SeriesResult,
  RangeResult,
  RangeSpec,
  LabelledValue,
  PrometheusQuery,
  WebQuery,
} from './provider';
