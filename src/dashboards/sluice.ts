/**
 * Sluice's Grafana dashboard as typed data (@grafana/schema), so a panel with a misspelt field
 * fails to compile rather than to render. `npm run dashboard` writes it to
 * deploy/grafana/sluice.json; test/stack/dashboard.test.ts checks the file is current and runs
 * every panel's query against the live Prometheus after real releases.
 *
 * Queries use the metric names of docs/alerting.md and the recording rules of
 * deploy/prometheus/sluice-rules.yml, filtered by the $service and $environment variables.
 */
import type { Dashboard, DataSourceRef, Panel, RowPanel, VariableModel } from '@grafana/schema';

/** One Prometheus query of a panel, as Grafana stores it (a type alias, so it fits Panel's open target records). */
export type PrometheusTarget = {
  refId: string;
  expr: string;
  legendFormat?: string;
  /** Instant queries for stat and table panels, range queries for time series. */
  instant?: boolean;
  range?: boolean;
  datasource: DataSourceRef;
};

export type SluicePanel = Omit<Panel, 'targets'> & { targets: PrometheusTarget[] };

const datasource: DataSourceRef = { type: 'prometheus', uid: '${datasource}' };
const SEL = 'service=~"$service",environment=~"$environment"';

const WIDTH = 24;
const HEIGHT = 8;

interface PanelDraft {
  title: string;
  description: string;
  type: 'timeseries' | 'stat' | 'table';
  unit?: string;
  queries: { expr: string; legend?: string }[];
  /** Grid width in Grafana's 24 columns; panels fill rows left to right. */
  width?: number;
}

interface RowDraft {
  title: string;
  panels: PanelDraft[];
}

const ROWS: RowDraft[] = [
  {
    title: 'Releases',
    panels: [
      {
        title: 'Releases by outcome',
        description: 'Releases that ended in the selected range, by outcome (promoted, rolled-back, aborted, failed): the change failure rate at a glance.',
        type: 'stat',
        queries: [{ expr: `sum by (outcome) (increase(sluice_releases_total{${SEL}}[$__range]))`, legend: '{{outcome}}' }],
        width: 8,
      },
      {
        title: 'Time to restore',
        description: 'From the decision to roll back to the previous version serving all traffic again (p50 and p90 over the range).',
        type: 'stat',
        unit: 's',
        queries: [
          { expr: `histogram_quantile(0.5, sum by (le) (increase(sluice_time_to_restore_seconds_bucket{${SEL}}[$__range])))`, legend: 'p50' },
          { expr: `histogram_quantile(0.9, sum by (le) (increase(sluice_time_to_restore_seconds_bucket{${SEL}}[$__range])))`, legend: 'p90' },
        ],
        width: 8,
      },
      {
        title: 'Time to detect',
        description: 'From the moment a release first took traffic to the decision to roll it back (p50 and p90 over the range).',
        type: 'stat',
        unit: 's',
        queries: [
          { expr: `histogram_quantile(0.5, sum by (le) (increase(sluice_time_to_detect_seconds_bucket{${SEL}}[$__range])))`, legend: 'p50' },
          { expr: `histogram_quantile(0.9, sum by (le) (increase(sluice_time_to_detect_seconds_bucket{${SEL}}[$__range])))`, legend: 'p90' },
        ],
        width: 8,
      },
      {
        title: 'Releases in progress',
        description: 'Every running release with its version, strategy and phase (from Temporal visibility).',
        type: 'table',
        queries: [{ expr: `max by (service, environment, version, strategy, phase) (sluice_release_info{${SEL}})` }],
        width: 12,
      },
      {
        title: 'Canary weight',
        description: "The candidate's share of traffic while a release runs.",
        type: 'timeseries',
        unit: 'percent',
        queries: [{ expr: `max by (service, environment, version) (sluice_canary_weight{${SEL}})`, legend: '{{service}}/{{environment}} {{version}}' }],
        width: 12,
      },
    ],
  },
  {
    title: 'Service',
    panels: [
      {
        title: 'Error ratio by role',
        description: 'Share of 5xx answers per role (stable, canary, preview, baseline): a canary above its stable is what analysis and alerts look for.',
        type: 'timeseries',
        unit: 'percentunit',
        queries: [{ expr: `service_role:http_error_ratio:rate1m{${SEL}}`, legend: '{{service}}/{{environment}} {{role}}' }],
      },
      {
        title: 'p99 latency by role',
        description: '99th percentile of request duration per role.',
        type: 'timeseries',
        unit: 's',
        queries: [{ expr: `service_role:http_request_duration_seconds:p99_1m{${SEL}}`, legend: '{{service}}/{{environment}} {{role}}' }],
        width: 12,
      },
      {
        title: 'Requests per second by role',
        description: 'Traffic per role: how the router splits it during a canary.',
        type: 'timeseries',
        unit: 'reqps',
        queries: [{ expr: `service_role:http_requests:rate1m{${SEL}}`, legend: '{{service}}/{{environment}} {{role}}' }],
        width: 12,
      },
      {
        title: 'Instances by version',
        description: 'Instances Prometheus scrapes, by role and version: the stable, and any canary or preview.',
        type: 'timeseries',
        queries: [{ expr: `sum by (role, version) (up{job="sluice",${SEL}})`, legend: '{{role}} {{version}}' }],
      },
    ],
  },
  {
    title: 'Analysis and approvals',
    panels: [
      {
        title: 'Analysis measurements by phase',
        description: 'Measurements taken by analysis, per template, metric and result phase (Successful, Failed, Inconclusive, Error).',
        type: 'timeseries',
        queries: [
          {
            expr: `sum by (template, metric, phase) (increase(sluice_analysis_measurements_total{${SEL}}[$__rate_interval]))`,
            legend: '{{template}}/{{metric}} {{phase}}',
          },
        ],
        width: 12,
      },
      {
        title: 'Approval wait',
        description: 'How long releases waited for a person to approve (p90 over the range).',
        type: 'stat',
        unit: 's',
        queries: [{ expr: `histogram_quantile(0.9, sum by (le) (increase(sluice_approval_wait_seconds_bucket{${SEL}}[$__range])))`, legend: 'p90' }],
        width: 12,
      },
    ],
  },
  {
    title: 'Workers',
    panels: [
      {
        title: 'Workers up',
        description: 'Sluice workers Prometheus scrapes; 0 is a worker that stopped answering (alert SluiceWorkerDown).',
        type: 'timeseries',
        queries: [{ expr: 'up{job="sluice-worker"}', legend: '{{instance}}' }],
        width: 8,
      },
      {
        title: 'Workflow task schedule-to-start p99',
        description: "Temporal's worker-health signal: above 200 ms, workers fall behind (milliseconds, as the SDK exports it).",
        type: 'timeseries',
        unit: 'ms',
        queries: [
          {
            expr: 'histogram_quantile(0.99, sum by (task_queue, le) (rate(temporal_workflow_task_schedule_to_start_latency_bucket[$__rate_interval])))',
            legend: '{{task_queue}}',
          },
        ],
        width: 8,
      },
      {
        title: 'Activity executions',
        description: 'Activity executions per second by type and outcome (ok, error, cancelled).',
        type: 'timeseries',
        unit: 'ops',
        queries: [{ expr: 'sum by (activity, outcome) (rate(sluice_activity_duration_seconds_count[$__rate_interval]))', legend: '{{activity}} {{outcome}}' }],
        width: 8,
      },
    ],
  },
];

function panelOf(draft: PanelDraft, id: number, x: number, y: number): SluicePanel {
  const instant = draft.type !== 'timeseries';
  return {
    id,
    type: draft.type,
    title: draft.title,
    description: draft.description,
    datasource,
    gridPos: { x, y, w: draft.width ?? WIDTH, h: HEIGHT },
    fieldConfig: { defaults: draft.unit ? { unit: draft.unit } : {}, overrides: [] },
    options: {},
    targets: draft.queries.map((q, i) => ({
      refId: String.fromCharCode(65 + i),
      expr: q.expr,
      ...(q.legend ? { legendFormat: q.legend } : {}),
      instant,
      range: !instant,
      datasource,
    })),
  };
}

function variable(name: string, label: string, query: string): VariableModel {
  return {
    type: 'query',
    name,
    label,
    datasource,
    query: { query, refId: `${name}-variable` },
    definition: query,
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { text: 'All', value: '$__all' },
    sort: 1,
  } as VariableModel;
}

/** The dashboard: rows of panels laid out on Grafana's 24-column grid. */
export function sluiceDashboard(): Dashboard {
  const panels: (SluicePanel | RowPanel)[] = [];
  let id = 1;
  let y = 0;
  for (const row of ROWS) {
    panels.push({ type: 'row', id: id++, title: row.title, collapsed: false, gridPos: { x: 0, y, w: WIDTH, h: 1 }, panels: [] });
    y += 1;
    let x = 0;
    for (const draft of row.panels) {
      const width = draft.width ?? WIDTH;
      if (x + width > WIDTH) {
        x = 0;
        y += HEIGHT;
      }
      panels.push(panelOf(draft, id++, x, y));
      x += width;
    }
    y += HEIGHT;
  }
  return {
    uid: 'sluice-releases',
    title: 'Sluice releases',
    description: 'Releases, their outcomes and times to restore, canary against stable, analysis, approvals and worker health.',
    tags: ['sluice', 'deployments'],
    schemaVersion: 41,
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    timezone: 'browser',
    templating: {
      list: [
        { type: 'datasource', name: 'datasource', label: 'Prometheus', query: 'prometheus', current: {} } as VariableModel,
        variable('service', 'Service', 'label_values(up{job="sluice"}, service)'),
        variable('environment', 'Environment', 'label_values(up{job="sluice",service=~"$service"}, environment)'),
      ],
    },
    annotations: { list: [] },
    panels,
  };
}

/** Every Prometheus query of the dashboard, with the panel it belongs to. */
export function dashboardQueries(dashboard: Dashboard = sluiceDashboard()): { panel: string; target: PrometheusTarget }[] {
  return (dashboard.panels ?? [])
    .filter((p): p is SluicePanel => p.type !== 'row')
    .flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title ?? String(panel.id), target })));
}
