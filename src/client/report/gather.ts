/**
 * Gathers one release's report: the run's history (./history.ts), its result, the analysis
 * children's results (or, while one runs, its live status), Prometheus range queries over each
 * analysis window now (./prometheus.ts), and with `sinceMs` the delivery record. Client side:
 * no workflow code, nothing here changes anything.
 */
import type { Client } from '@temporalio/client';
import { fetchStartInput } from '../start-input';
import { ERROR_RATE_QUERY, LATENCY_MEAN_QUERY } from '../../activities/metrics/templates/queries';
import { AnalysisTemplate } from '../../domain/analysis';
import { computeDeliveryRecord } from '../../domain/delivery-record';
import type { DeploymentResult } from '../../domain/status';
import { readDeliveryHistory } from '../../lib/delivery-history';
import type { AnalysisContext, AnalysisResult, AnalysisStatus, AnalysisWorkflowInput, MetricTable, TemplateResult } from '../../workflows/analysis-types';
import type { DeploymentReader, DeploymentRef } from '../deployment';
import { historyQuery } from '../history';
import { visibilityUiLink, workflowUiLink } from '../links';
import { deploymentWorkflowId, SearchAttr, statusQuery } from '../protocol';
import { SluiceClientError } from '../errors';
import { ErrorType } from '../../domain/errors';
import { readRunHistory, type AnalysisChild } from './history';
import type { AnalysisSection, ChangelogLine, MetricChart, MetricSection, Ms, ReleaseReport, Series } from './model';
import { rangeQuery, type RangeAnswer } from './prometheus';

export interface ReportOptions {
  runId?: string;
  prometheusUrl: string;
  uiUrl: string;
  namespace: string;
  /** Also the delivery record over this many milliseconds up to now. */
  sinceMs?: number;
  /** Time to detect plus restore is judged against this (default 5 minutes, the drills' budget). */
  budgetMs?: number;
}

export const DEFAULT_BUDGET_MS = 5 * 60_000;
/** Prometheus is asked for a little before and after each analysis window. */
const PAD_MS = 15_000;
const GONE = 'Prometheus has no samples of this metric over the window any more (past its retention, or the series were never kept); what history holds is shown instead.';

const isoMs = (iso: string | undefined): Ms | undefined => (iso ? Date.parse(iso) : undefined);

/** `- subject (abc1234, Ada)` lines of the changelog memo (src/activities/build/changelog.ts). */
export function parseChangelog(markdown: unknown): ChangelogLine[] {
  if (typeof markdown !== 'string') return [];
  const out: ChangelogLine[] = [];
  for (const line of markdown.split('\n')) {
    const m = /^- (.*) \(([0-9a-f]{4,40}), ([^)]*)\)$/.exec(line.trim());
    if (m) out.push({ subject: m[1]!.replace(/\*\*/g, ''), sha: m[2]!, author: m[3]! });
  }
  return out;
}

/** A bound a condition names (`result[0] <= 0.05`, `result < 0.1`): drawn as a line beside the values. */
export function conditionBound(condition: string | undefined): number | undefined {
  const m = condition ? /(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)/.exec(condition) : null;
  return m ? Number(m[2]) : undefined;
}

function seriesOf(answer: RangeAnswer, label: string, role: Series['role']): Series | undefined {
  return answer.kind === 'points' ? { label, role, points: answer.points } : undefined;
}

function notice(answers: RangeAnswer[]): string | undefined {
  const errors = answers.filter((a) => a.kind === 'error');
  if (errors.length > 0) return `Prometheus query failed: ${errors.map((e) => (e.kind === 'error' ? e.message : '')).join('; ')}. What history holds is shown.`;
  if (answers.every((a) => a.kind === 'empty')) return GONE;
  return undefined;
}

interface Window {
  from: Ms;
  to: Ms;
}

function measurementSeries(table: MetricTable): Series {
  const rows = table.measurements.filter((r) => r.at && typeof r.value === 'number');
  return {
    label: `${table.name} measured`,
    role: 'measurement',
    points: rows.map((r) => ({ at: Date.parse(r.at!), value: r.value as number })),
    outcomes: rows.map((r) => r.outcome),
  };
}

async function thresholdSection(prom: string, t: AnalysisTemplate, result: TemplateResult | undefined, ctx: AnalysisContext, w: Window): Promise<MetricSection[]> {
  if (t.judge.kind !== 'threshold') return [];
  const out: MetricSection[] = [];
  for (const m of t.judge.metrics) {
    const table = result?.metrics.find((x) => x.name === m.name) ?? { name: m.name, phase: 'Pending' as const, reason: 'no measurement', measurements: [] };
    const role = ctx.role ?? 'canary';
    const answers: RangeAnswer[] = [];
    const series: Series[] = [];
    if (m.provider.kind === 'prometheus') {
      const a = await rangeQuery(prom, { template: m.provider.query, context: { ...ctx, role }, startMs: w.from - PAD_MS, endMs: w.to + PAD_MS });
      answers.push(a);
      const s = seriesOf(a, `${role} (Prometheus now)`, 'canary');
      if (s) series.push(s);
    }
    series.push(measurementSeries(table));
    const bound = conditionBound(m.failureCondition ?? m.successCondition);
    if (bound !== undefined)
      series.push({ label: `threshold ${m.failureCondition ?? m.successCondition}`, role: 'threshold', points: [w.from, w.to].map((at) => ({ at, value: bound })) });
    const chart: MetricChart = {
      id: '',
      title: `${m.name}: ${role} against the threshold`,
      source: 'prometheus',
      series,
      ...(answers.length ? { notice: notice(answers) } : { notice: 'a web metric: only what history holds' }),
    };
    out.push({ template: t.name, judge: 'threshold', metric: m.name, phase: table.phase, reason: table.reason, charts: [chart] });
  }
  return out;
}

async function rolesChart(prom: string, title: string, template: string, ctx: AnalysisContext, w: Window): Promise<{ chart: MetricChart; gone: boolean }> {
  const [canary, baseline] = await Promise.all(
    (['canary', 'baseline'] as const).map((role) => rangeQuery(prom, { template, context: { ...ctx, role }, startMs: w.from - PAD_MS, endMs: w.to + PAD_MS })),
  );
  const series = [seriesOf(canary!, 'canary', 'canary'), seriesOf(baseline!, 'baseline', 'baseline')].filter((s): s is Series => s !== undefined);
  const why = notice([canary!, baseline!]);
  return { chart: { id: '', title, source: 'prometheus', series, ...(why ? { notice: why } : {}) }, gone: series.length === 0 };
}

async function mannWhitneySection(prom: string, t: AnalysisTemplate, result: TemplateResult | undefined, ctx: AnalysisContext, w: Window): Promise<MetricSection[]> {
  if (t.judge.kind !== 'mann-whitney') return [];
  const out: MetricSection[] = [];
  for (const m of t.judge.metrics) {
    const table = result?.metrics.find((x) => x.name === m.name);
    const charts: MetricChart[] = [];
    const row = table?.measurements[0];
    if (m.provider?.kind === 'prometheus') {
      const { chart, gone } = await rolesChart(prom, `${m.name}: canary vs baseline`, m.provider.query, ctx, w);
      if (!gone) charts.push(chart);
      else if (row) {
        // The samples the judge compared, spread over the window they came from.
        const place = (values: (number | null)[]) => values.map((value, i) => ({ at: w.from + ((i + 1) * (w.to - w.from)) / values.length, value }));
        charts.push({
          ...chart,
          source: 'history',
          series: [
            { label: 'canary (judged)', role: 'canary', points: place(row.canary ?? []) },
            { label: 'baseline (judged)', role: 'baseline', points: place(row.baseline ?? []) },
          ],
        });
      } else charts.push(chart);
    }
    out.push({
      template: t.name,
      judge: 'mann-whitney',
      metric: m.name,
      phase: table?.phase ?? 'Pending',
      reason: table?.reason ?? 'not judged',
      ...(table ? { classification: table.reason } : {}),
      charts,
    });
  }
  return out;
}

async function sequentialSection(prom: string, t: AnalysisTemplate, result: TemplateResult | undefined, ctx: AnalysisContext, w: Window): Promise<MetricSection[]> {
  if (t.judge.kind !== 'sequential') return [];
  const alpha = t.judge.alpha;
  const out: MetricSection[] = [];
  for (const m of t.judge.metrics) {
    const table = result?.metrics.find((x) => x.name === m.name);
    const looks = (table?.measurements ?? []).filter((r) => r.at && r.evidence);
    const bound = 1 / alpha;
    const crossed = looks.find((r) => r.evidence!.eValue >= bound);
    const evidence: MetricChart = {
      id: '',
      title: `${m.name}: e-value per look against 1/α = ${bound.toFixed(0)}`,
      source: 'history',
      logScale: true,
      series: [
        // e-values below 1e-6 would flatten the log axis and mean nothing more than "no evidence".
        {
          label: 'e-value',
          role: 'evidence',
          points: looks.map((r) => ({ at: Date.parse(r.at!), value: Math.max(1e-6, r.evidence!.eValue) })),
          outcomes: looks.map((r) => r.outcome),
        },
        { label: '1/α', role: 'bound', points: [w.from, w.to].map((at) => ({ at, value: bound })) },
      ],
      ...(crossed ? { crossedAt: Date.parse(crossed.at!) } : {}),
    };
    const query = m.kind === 'count' ? ERROR_RATE_QUERY : LATENCY_MEAN_QUERY;
    const { chart } = await rolesChart(prom, `${m.name}: ${m.kind === 'count' ? 'error rate' : 'mean latency (s)'}, canary vs baseline`, query, ctx, w);
    out.push({ template: t.name, judge: 'sequential', metric: m.name, phase: table?.phase ?? 'Pending', reason: table?.reason ?? 'no look yet', charts: [evidence, chart] });
  }
  return out;
}

async function childInput(client: Client, child: AnalysisChild): Promise<AnalysisWorkflowInput | undefined> {
  return child.runId ? fetchStartInput<AnalysisWorkflowInput>(client, child.workflowId, child.runId) : undefined;
}

async function analysisSection(client: Client, child: AnalysisChild, prom: string, link: string, now: Ms): Promise<AnalysisSection> {
  const input = await childInput(client, child).catch(() => undefined);
  let result = child.result as AnalysisResult | undefined;
  let templates: TemplateResult[] = result?.templates ?? [];
  let phase: string = result?.phase ?? 'Running';
  let reason = result?.reason ?? '';
  if (!result && child.closedAt === undefined) {
    const live = await client.workflow
      .getHandle(child.workflowId, child.runId)
      .query<AnalysisStatus>('analysisStatus')
      .catch(() => undefined);
    if (live) ({ templates, phase, reason } = live);
  } else if (!result) {
    phase = 'Stopped';
    reason = 'the analysis ended without a result (the release was aborted or cancelled while it ran)';
  }
  const w: Window = { from: isoMs(result?.startedAt) ?? child.startedAt, to: isoMs(result?.finishedAt) ?? child.closedAt ?? now };
  const context: AnalysisContext = input?.context ?? { service: '', environment: '' };
  const metrics: MetricSection[] = [];
  for (const raw of input?.templates ?? []) {
    const parsed = AnalysisTemplate.safeParse(raw);
    if (!parsed.success) continue;
    const t = parsed.data;
    const tr = templates.find((x) => x.name === t.name);
    metrics.push(
      ...(await thresholdSection(prom, t, tr, context, w)),
      ...(await mannWhitneySection(prom, t, tr, context, w)),
      ...(await sequentialSection(prom, t, tr, context, w)),
    );
  }
  metrics.forEach((m, i) => m.charts.forEach((c, j) => (c.id = `${child.label}-${i}-${j}`)));
  const decidedAt = isoMs(result?.decidedAt);
  return {
    label: child.label,
    workflowId: child.workflowId,
    link,
    phase,
    decision: result?.decision ?? '',
    reason,
    from: w.from,
    ...(child.closedAt !== undefined || result ? { to: w.to } : {}),
    ...(decidedAt !== undefined ? { decidedAt } : {}),
    templates: templates.map((t) => ({ name: t.name, judge: t.judge, phase: t.phase, reason: t.reason, ...(t.score !== undefined ? { score: t.score } : {}) })),
    metrics,
  };
}

/** The report of one run of `deploy/<service>/<environment>` (the latest unless `runId`). */
export async function gatherReport(reader: DeploymentReader, ref: DeploymentRef, options: ReportOptions): Promise<ReleaseReport> {
  const client = reader.temporal;
  const workflowId = deploymentWorkflowId(ref.service, ref.environment);
  let description;
  try {
    description = await client.workflow.getHandle(workflowId, options.runId).describe();
  } catch (err) {
    throw new SluiceClientError(ErrorType.DeploymentNotFound, `no release ${options.runId ? `run ${options.runId} ` : ''}of ${ref.service} in ${ref.environment} (${workflowId})`, {
      cause: err,
    });
  }
  const runId = description.runId;
  const execution = description.status.name;
  const run = await readRunHistory(client, workflowId, runId);
  // A closed run has its result; only a running one is asked for its status (a query to a closed
  // run waits for a worker to replay it, and there may be none).
  const result: DeploymentResult | null = execution === 'RUNNING' ? null : await reader.result(ref, runId).catch(() => null);
  const status =
    execution === 'RUNNING'
      ? await client.workflow
          .getHandle(workflowId, runId)
          .query(statusQuery)
          .catch(() => undefined)
      : undefined;
  const spec = (run.input ?? {}) as { strategy?: { kind?: string } };
  const now = Date.now();
  const link = (id: string, r?: string) => workflowUiLink(options.uiUrl, options.namespace, id, r);
  const analyses: AnalysisSection[] = [];
  for (const child of run.children) analyses.push(await analysisSection(client, child, options.prometheusUrl, link(child.workflowId, child.runId), now));

  const report: ReleaseReport = {
    generatedAt: now,
    service: ref.service,
    environment: ref.environment,
    workflowId,
    runId,
    execution,
    from: (result?.previous ?? status?.previous)?.version ?? null,
    to: (result?.release ?? status?.release)?.version ?? description.typedSearchAttributes.get(SearchAttr.version) ?? null,
    strategy: spec.strategy?.kind ?? status?.strategy ?? null,
    result,
    budgetMs: options.budgetMs ?? DEFAULT_BUDGET_MS,
    changelog: parseChangelog(description.memo?.changelog),
    links: {
      run: link(workflowId, runId),
      history: visibilityUiLink(options.uiUrl, options.namespace, historyQuery(ref)),
      analyses: analyses.map((a) => ({ label: a.label, url: a.link })),
    },
    timeline: run.timeline,
    analyses,
  };
  if (options.sinceMs !== undefined) {
    const until = new Date(now);
    const since = new Date(now - options.sinceMs);
    const history = await readDeliveryHistory(client, { since, service: ref.service, environment: ref.environment });
    report.record = { figures: computeDeliveryRecord(history, since, until), history };
  }
  return report;
}
