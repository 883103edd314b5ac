/**
 * Metric activities, created from their dependencies like every activity factory:
 *
 * - `measure(query, context)`: one measurement (value | no-data | error). Never throws for a
 *   failed query: errors are data the analysis counts (and never as success).
 * - `sampleRange` / `sampleSequential`: the baseline-vs-canary judges' inputs, per role.
 * - every judge's activities (one look each), from the judge registry in ./judges.
 * - `validateAnalysis`: parse templates (defaults filled) and check their conditions up front.
 * - `registerTargets` / `unregisterTargets`: Prometheus file service discovery per role, for the
 *   time an analysis measures; instances the deploy activities keep registered while they run
 *   are left as they are (./scrape-groups.ts).
 *
 * Provider calls get the activity's cancellation signal, so a cancelled analysis stops its
 * queries at once, plus the provider's own timeout.
 */
import { ApplicationFailure } from '@temporalio/common';
import { Context } from '@temporalio/activity';
import { AnalysisTemplate } from '../../domain/analysis';
import type { MetricQuery, Observation, SequentialMetric } from '../../domain/analysis';
import { registerScrapeGroup, unregisterScrapeGroup } from '../../lib/prometheus-sd';
import { groupLabels, liveGroup, liveGroupId, scrapeGroupId } from './scrape-groups';
import { awaitScraped } from './scrape-ready';
import { createProviders, providerFor } from './providers';
import type { MeasureContext, ProviderRegistry, RangeResult, Role } from './providers';
import { MetricInputError, errorMessage } from './providers/provider';
import { countSnapshot, latencySnapshot } from './providers/snapshots';
import type { RoleSnapshot } from './providers/snapshots';
import { defaultSequentialQuery } from './templates/queries';
import { checkJudge, judgeActivities } from './judges';
import type { JudgeActivities } from './judges';
import { ErrorType } from '../../domain/errors';

export interface MetricsDeps {
  /** Prometheus base URL, e.g. http://127.0.0.1:9090. */
  prometheusUrl: string;
  /** File-SD directory Prometheus watches. */
  targetsDir: string;
  /** Per-query timeout for every provider. */
  timeoutMs?: number;
}

export type RoleContext = Omit<MeasureContext, 'role'>;

export interface SampleRangeInput {
  query: MetricQuery;
  context: RoleContext;
  roles: Role[];
  startMs: number;
  endMs: number;
  stepMs: number;
}

export interface SampleSequentialInput {
  metric: SequentialMetric;
  context: RoleContext;
}
export interface SequentialSample {
  canary: RoleSnapshot;
  baseline: RoleSnapshot;
  at: string;
}

export interface TargetsInput {
  service: string;
  environment: string;
  role: Role;
  version?: string;
  /** host:port pairs Prometheus scrapes (/metrics). */
  targets: string[];
}

export interface MetricsActivities extends JudgeActivities {
  measure(query: MetricQuery, context: MeasureContext): Promise<Observation>;
  sampleRange(input: SampleRangeInput): Promise<Record<string, RangeResult>>;
  sampleSequential(input: SampleSequentialInput): Promise<SequentialSample>;
  validateAnalysis(input: { templates: unknown[] }): Promise<AnalysisTemplate[]>;
  registerTargets(input: TargetsInput): Promise<{ id: string }>;
  unregisterTargets(input: Omit<TargetsInput, 'targets' | 'version'>): Promise<{ id: string }>;
  /**
   * Waits until Prometheus scrapes the registered instances under their labels (discovery is
   * applied in batches). `targets` are their host:port pairs; histories recorded before it was
   * passed give `instances`, a count.
   */
  awaitScraped(input: Omit<TargetsInput, 'targets'> & { targets?: string[]; timeoutMs?: number; instances?: number }): Promise<{ waitedMs: number }>;
}

/** Bad input can never succeed on retry: fail the activity for good, with the reason. */
function nonRetryable(err: unknown, fallbackType: string = ErrorType.JudgeFailed): never {
  if (err instanceof ApplicationFailure) throw err;
  const type = err instanceof MetricInputError ? err.type : fallbackType;
  throw ApplicationFailure.create({ type, message: errorMessage(err), nonRetryable: true });
}

function signal(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined; // called outside an activity (scripts, benchmarks)
  }
}

const HOST_PORT = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):\d{1,5}$/;

export function createMetricsActivities(
  deps: MetricsDeps,
  providers: ProviderRegistry = createProviders({
    prometheus: { url: deps.prometheusUrl, timeoutMs: deps.timeoutMs },
    web: { timeoutMs: deps.timeoutMs },
  }),
): MetricsActivities {
  return {
    ...judgeActivities((err) => nonRetryable(err)),

    async measure(query, context) {
      try {
        return await providerFor(providers, query).measure(query, context, { signal: signal() });
      } catch (err) {
        return nonRetryable(err, ErrorType.InvalidAnalysisTemplate);
      }
    },

    async sampleRange(input) {
      try {
        const provider = providerFor(providers, input.query);
        if (!provider.range)
          throw new MetricInputError(ErrorType.UnsupportedQuery, `the ${provider.kind} provider has no time ranges; use a prometheus query for baseline-vs-canary metrics`);
        const range = provider.range.bind(provider);
        const entries = await Promise.all(
          input.roles.map(
            async (role) =>
              [role, await range(input.query, { ...input.context, role }, { startMs: input.startMs, endMs: input.endMs, stepMs: input.stepMs }, { signal: signal() })] as const,
          ),
        );
        return Object.fromEntries(entries);
      } catch (err) {
        return nonRetryable(err, ErrorType.InvalidAnalysisTemplate);
      }
    },

    async sampleSequential(input) {
      try {
        const query: MetricQuery = input.metric.provider ?? { kind: 'prometheus', query: defaultSequentialQuery(input.metric.kind) };
        const provider = providerFor(providers, query);
        if (!provider.series)
          throw new MetricInputError(ErrorType.UnsupportedQuery, `the ${provider.kind} provider has no labelled series; use a prometheus query for sequential metrics`);
        const series = provider.series.bind(provider);
        const snap = async (role: Role): Promise<RoleSnapshot> => {
          const r = await series(query, { ...input.context, role }, { signal: signal() });
          if (r.kind === 'error') return { kind: 'error', message: r.message };
          if (r.kind === 'no-data') return { kind: 'no-data', reason: r.reason };
          return input.metric.kind === 'count' ? countSnapshot(r.series) : latencySnapshot(r.series);
        };
        const [canary, baseline] = await Promise.all([snap('canary'), snap('baseline')]);
        return { canary, baseline, at: new Date().toISOString() };
      } catch (err) {
        return nonRetryable(err, ErrorType.InvalidAnalysisTemplate);
      }
    },

    async validateAnalysis(input) {
      const problems: string[] = [];
      const templates: AnalysisTemplate[] = [];
      input.templates.forEach((raw, i) => {
        const parsed = AnalysisTemplate.safeParse(raw);
        if (!parsed.success) {
          for (const issue of parsed.error.issues) problems.push(`templates[${i}].${issue.path.join('.')}: ${issue.message}`);
          return;
        }
        const t = parsed.data;
        for (const p of checkJudge(t.judge)) problems.push(`templates[${i}].judge.${p.path}: ${p.message}`);
        templates.push(t);
      });
      if (templates.length === 0 && problems.length === 0) problems.push('templates: at least one analysis template is required');
      if (problems.length > 0) {
        throw ApplicationFailure.create({
          type: ErrorType.InvalidAnalysisTemplate,
          message: `invalid analysis templates: ${problems.join('; ')}`,
          nonRetryable: true,
          details: [problems],
        });
      }
      return templates;
    },

    async registerTargets(input) {
      const bad = input.targets.find((t) => !HOST_PORT.test(t));
      if (bad !== undefined || input.targets.length === 0) {
        throw ApplicationFailure.create({
          type: ErrorType.InvalidScrapeTargets,
          message: `scrape targets must be host:port pairs, got ${JSON.stringify(bad ?? input.targets)}`,
          nonRetryable: true,
        });
      }
      const id = scrapeGroupId(input);
      const labels = groupLabels(input);
      try {
        // An instance the deploy activities registered for as long as it runs is scraped already,
        // with these labels: a second group would scrape it twice (and double every sum). Any
        // analysis group left from an earlier attempt goes too.
        const live = await liveGroup(deps.targetsDir, input);
        if (live && input.targets.every((t) => live.targets.includes(t)) && (!input.version || live.labels.version === input.version)) {
          await unregisterScrapeGroup(deps.targetsDir, id);
          return { id: liveGroupId(input) };
        }
        await registerScrapeGroup(deps.targetsDir, { id, targets: input.targets, labels });
      } catch (err) {
        return nonRetryable(err, ErrorType.InvalidScrapeTargets);
      }
      return { id };
    },

    async awaitScraped(input) {
      const labels: Record<string, string> = { service: input.service, environment: input.environment, role: input.role };
      if (input.version) labels.version = input.version;
      return awaitScraped(deps.prometheusUrl, {
        labels,
        timeoutMs: input.timeoutMs ?? 30000,
        ...(input.targets ? { addresses: input.targets } : {}),
        ...(input.instances ? { instances: input.instances } : {}),
      });
    },

    // Only the analysis group: the live one (if any) stays until the instance is removed.
    async unregisterTargets(input) {
      const id = scrapeGroupId(input);
      await unregisterScrapeGroup(deps.targetsDir, id);
      return { id };
    },
  };
}

export { createProviders, providerFor } from './providers';
export { scrapeGroupId, liveGroupId } from './scrape-groups';
export type { MeasureContext, Measurement, ProviderRegistry, Role, RangeResult } from './providers';
export type { RoleSnapshot, Snapshot } from './providers/snapshots';
export type {
  JudgeActivities,
  MeasurementOutcome,
  MeasurementRow,
  MetricTable,
  ThresholdLookArgs,
  ThresholdLookResult,
  KayentaWindowArgs,
  KayentaWindowResult,
  SequentialLookArgs,
  SequentialLookResult,
  SequentialRunState,
} from './judges';
