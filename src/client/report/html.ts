/**
 * The release report as one self-contained HTML page: uPlot's script and stylesheet (read from
 * the npm package) and the page's own script are inlined, the report's data is embedded as JSON,
 * so opening the file makes no request at all (no fonts, images or scripts from anywhere).
 */
import { readFileSync } from 'node:fs';
import type { DeliveryHistory } from '../../domain/delivery-record';
import type { AnalysisSection, MetricChart, MetricSection, ReleaseReport } from './model';
import { PAGE_SCRIPT } from './page-script';

let uplotAssets: { js: string; css: string } | undefined;

function uplot(): { js: string; css: string } {
  uplotAssets ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return uplotAssets;
}

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** JSON inside <script>: no `</script>` or `<!--` can end or confuse the element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return `${ms} ms`;
  const s = ms / 1000;
  return s < 120 ? `${s.toFixed(1)} s` : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19) + 'Z';

function budgetCell(label: string, ms: number | null | undefined, budgetMs: number): string {
  if (ms === null || ms === undefined) return `<div class="figure"><span>${label}</span><b>–</b></div>`;
  const pct = Math.min(100, (ms / budgetMs) * 100);
  const over = ms > budgetMs;
  return `<div class="figure${over ? ' over' : ''}"><span>${label}</span><b>${duration(ms)}</b><div class="bar"><i style="width:${pct.toFixed(1)}%"></i></div><small>${over ? 'over' : 'within'} the ${duration(budgetMs)} budget</small></div>`;
}

interface Verdict {
  outcome: string;
  reason: string;
  message: string;
  detectMs: number | null;
  restoreMs: number | null;
}

/** How the run ended, from a release's result or a drill's; undefined while it runs. */
function verdictOf(r: ReleaseReport): Verdict | undefined {
  if (r.drill) {
    const d = r.drill.result;
    return d ? { outcome: d.outcome, reason: d.reason, message: d.message, detectMs: d.timeToDetectMs, restoreMs: d.timeToRestoreMs } : undefined;
  }
  const res = r.result;
  return res ? { outcome: res.outcome, reason: res.reason, message: res.message, detectMs: res.timeToDetectMs ?? null, restoreMs: res.timeToRollbackMs ?? null } : undefined;
}

function header(r: ReleaseReport): string {
  const res = verdictOf(r);
  const outcome = res?.outcome ?? (r.execution === 'RUNNING' ? `running (${r.timeline.phases.at(-1)?.phase ?? 'pending'})` : r.execution.toLowerCase());
  const restore = res?.restoreMs ?? null;
  const detect = res?.detectMs ?? null;
  const changelog = r.changelog.length
    ? `<ul class="changelog">${r.changelog.map((c) => `<li><code>${escapeHtml(c.sha)}</code> ${escapeHtml(c.subject)} <span class="author">${escapeHtml(c.author)}</span></li>`).join('')}</ul>`
    : r.drill
      ? '<p class="muted">A drill releases nothing new: no changelog.</p>'
      : '<p class="muted">No changelog recorded for this release (a prebuilt release, or the repository had no history).</p>';
  const every = r.drill ? 'every drill' : 'every release';
  return `<header>
  <h1>${escapeHtml(r.service)} <span class="muted">in</span> ${escapeHtml(r.environment)}</h1>
  <p class="versions"><b>${escapeHtml(r.from ?? '(nothing live)')}</b> → <b>${escapeHtml(r.to ?? '?')}</b> <span class="muted">${escapeHtml(r.strategy ?? '')}</span></p>
  <p class="outcome outcome-${escapeHtml(res?.outcome ?? 'running')}" data-outcome="${escapeHtml(res?.outcome ?? r.execution)}">${escapeHtml(outcome)}${res ? ` · ${escapeHtml(res.reason)}` : ''}</p>
  ${res?.message ? `<p class="message">${escapeHtml(res.message)}</p>` : ''}
  <div class="figures">${budgetCell('time to detect', detect, r.budgetMs)}${budgetCell('time to restore', restore, r.budgetMs)}
    <div class="figure"><span>started</span><b>${time(r.timeline.startedAt)}</b><small>${r.timeline.closedAt ? `ended ${time(r.timeline.closedAt)}` : 'still running'}</small></div></div>
  <p class="links"><a href="${escapeHtml(r.links.run)}">this run in the Temporal Web UI</a> · <a href="${escapeHtml(r.links.history)}">${every} of ${escapeHtml(r.service)} in ${escapeHtml(r.environment)}</a>${r.links.analyses.map((a) => ` · <a href="${escapeHtml(a.url)}">analysis ${escapeHtml(a.label)}</a>`).join('')}</p>
  <details open><summary>Changelog (${r.changelog.length})</summary>${changelog}</details>
</header>`;
}

const RELEASE_TIMELINE =
  "Canary weight over time; phases shaded; signals (approve, pause, resume, abort) dashed; the decision solid. Analysis windows shaded violet. The weight is the one the workflow recorded (SluiceWeight): undo steps restore the router's weight without recording it, so after a rollback the line stays at the last forward weight.";
const DRILL_TIMELINE =
  "The older version's share of traffic: all of it once the rollback has finished, none once the return has. Each rollback child and the health check after it shaded; the first rollback's start solid. Read from the drill workflow's history.";

function chartBlock(c: MetricChart): string {
  return `<figure class="chart-box"><figcaption>${escapeHtml(c.title)} <span class="source">${c.source === 'prometheus' ? 'Prometheus, queried now' : 'from history'}</span></figcaption>
  ${c.notice ? `<p class="notice" data-notice>${escapeHtml(c.notice)}</p>` : ''}<div class="chart" data-chart="${escapeHtml(c.id)}"></div></figure>`;
}

function metricBlock(m: MetricSection): string {
  return `<section class="metric"><h4>${escapeHtml(m.metric)} <span class="phase phase-${escapeHtml(m.phase)}">${escapeHtml(m.phase)}</span> <span class="muted">${escapeHtml(m.template)} · ${escapeHtml(m.judge)}</span></h4>
  <p class="reason">${escapeHtml(m.classification ?? m.reason)}</p>${m.charts.map(chartBlock).join('')}</section>`;
}

function analysisBlock(a: AnalysisSection): string {
  const rows = a.templates
    .map(
      (t) =>
        `<tr><td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.judge)}</td><td class="phase-${escapeHtml(t.phase)}">${escapeHtml(t.phase)}</td><td>${t.score !== undefined ? t.score.toFixed(1) : ''}</td><td>${escapeHtml(t.reason)}</td></tr>`,
    )
    .join('');
  return `<section class="analysis" data-analysis="${escapeHtml(a.label)}"><h3>Analysis ${escapeHtml(a.label)}: ${escapeHtml(a.phase)}${a.decision ? ` → ${escapeHtml(a.decision)}` : ''}</h3>
  <p class="muted">${time(a.from)} – ${a.to ? time(a.to) : 'running'} · <a href="${escapeHtml(a.link)}">child workflow</a> · ${escapeHtml(a.reason)}</p>
  <table><thead><tr><th>template</th><th>judge</th><th>phase</th><th>score</th><th>reason</th></tr></thead><tbody>${rows}</tbody></table>
  ${a.metrics.map(metricBlock).join('')}</section>`;
}

/** The delivery record as small charts: each release's duration by outcome, each drill's restore time against its budget. */
export function recordCharts(history: DeliveryHistory): MetricChart[] {
  const outcomes = ['promoted', 'rolled-back', 'aborted', 'failed'] as const;
  const releases: MetricChart = {
    id: 'record-releases',
    title: 'releases: minutes from start to end, by outcome',
    source: 'history',
    series: outcomes
      .map((o) => ({
        label: o,
        role: 'measurement' as const,
        points: history.deploys.filter((d) => d.outcome === o).map((d) => ({ at: Date.parse(d.finishedAt), value: (Date.parse(d.finishedAt) - Date.parse(d.startedAt)) / 60_000 })),
        outcomes: history.deploys.filter((d) => d.outcome === o).map(() => (o === 'promoted' ? 'pass' : o === 'rolled-back' ? 'fail' : 'inconclusive')),
      }))
      .filter((s) => s.points.length > 0),
  };
  const drills = history.drills.filter((d) => d.timeToRestoreMs !== null);
  const drillChart: MetricChart = {
    id: 'record-drills',
    title: 'drills: seconds to restore, against the budget',
    source: 'history',
    series: drills.length
      ? [
          {
            label: 'time to restore',
            role: 'measurement',
            points: drills.map((d) => ({ at: Date.parse(d.finishedAt), value: d.timeToRestoreMs! / 1000 })),
            outcomes: drills.map((d) => (d.outcome === 'passed' ? 'pass' : 'fail')),
          },
          { label: 'budget', role: 'bound', points: drills.map((d) => ({ at: Date.parse(d.finishedAt), value: (d.budgetMs ?? 300_000) / 1000 })) },
        ]
      : [],
  };
  return [releases, drillChart];
}

function recordBlock(r: ReleaseReport): string {
  if (!r.record) return '';
  const f = r.record.figures.total;
  const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);
  return `<section class="record"><h2>Delivery record since ${escapeHtml(r.record.figures.since.slice(0, 10))}</h2>
  <div class="figures"><div class="figure"><span>deployments</span><b>${f.deploymentFrequency.deployments}</b><small>${f.deploymentFrequency.perDay.toFixed(2)}/day</small></div>
  <div class="figure"><span>change fail rate</span><b>${pct(f.changeFailRate.rate)}</b><small>${f.changeFailRate.failures}/${f.changeFailRate.deployments}</small></div>
  <div class="figure"><span>recovery (median)</span><b>${duration(f.recoveryTime.medianMs)}</b></div>
  <div class="figure"><span>lead time (median)</span><b>${duration(f.changeLeadTime.medianMs)}</b></div>
  <div class="figure"><span>drills</span><b>${f.drills.count}</b><small>${pct(f.drills.passRate)} passed</small></div></div>
  <div class="small-charts">${recordCharts(r.record.history).map(chartBlock).join('')}</div></section>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px 48px; color: #212529; }
h1 { margin: 0 0 4px; font-size: 24px; } h2 { margin-top: 32px; } h3 { margin: 24px 0 4px; } h4 { margin: 16px 0 2px; }
.muted, .source, .author { color: #868e96; font-weight: normal; } .source { font-size: 12px; margin-left: 8px; }
.versions { font-size: 18px; margin: 0; }
.outcome { display: inline-block; padding: 2px 10px; border-radius: 4px; font-weight: 600; background: #e9ecef; }
.outcome-promoted, .outcome-passed { background: #d3f9d8; color: #2b8a3e; } .outcome-rolled-back, .outcome-failed { background: #ffe3e3; color: #c92a2a; } .outcome-aborted { background: #fff4e6; color: #d9480f; }
.figures { display: flex; gap: 16px; flex-wrap: wrap; margin: 12px 0; }
.figure { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 12px; min-width: 170px; } .figure span { display: block; color: #868e96; font-size: 12px; }
.figure b { font-size: 18px; } .figure small { display: block; color: #868e96; } .figure.over b { color: #c92a2a; }
.bar { height: 6px; background: #e9ecef; border-radius: 3px; margin-top: 4px; } .bar i { display: block; height: 6px; background: #40c057; border-radius: 3px; } .over .bar i { background: #fa5252; }
.notice { background: #fff9db; border-left: 4px solid #fab005; padding: 6px 10px; margin: 4px 0; }
table { border-collapse: collapse; margin: 8px 0; } td, th { border-bottom: 1px solid #e9ecef; padding: 4px 10px; text-align: left; vertical-align: top; }
.phase-Successful { color: #2b8a3e; } .phase-Failed { color: #c92a2a; } .phase-Inconclusive, .phase-Error { color: #e8590c; }
figure { margin: 8px 0 16px; } figcaption { font-weight: 600; margin-bottom: 4px; } .chart { width: 100%; min-height: 100px; }
.small-charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
code { font-size: 12px; background: #f1f3f5; padding: 1px 4px; border-radius: 3px; } .changelog { margin: 4px 0; }
footer { margin-top: 40px; color: #868e96; font-size: 12px; }
`;

/** The whole page; `refreshSeconds` (the live server) reloads it while the run is open. */
export function renderReportHtml(report: ReleaseReport): string {
  const { js, css } = uplot();
  const live = report.refreshSeconds !== undefined && report.execution === 'RUNNING';
  const data = { ...report, ...(report.record ? { recordCharts: recordCharts(report.record.history) } : {}) };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
${live ? `<meta http-equiv="refresh" content="${report.refreshSeconds}">` : ''}
<title>${escapeHtml(report.service)} ${escapeHtml(report.to ?? '')}: ${escapeHtml(report.result?.outcome ?? 'running')} · Sluice release report</title>
<style>${css}</style><style>${STYLE}</style></head>
<body data-execution="${escapeHtml(report.execution)}">
${header(report)}
<section class="timeline"><h2>Timeline</h2><p class="muted">${report.drill ? DRILL_TIMELINE : RELEASE_TIMELINE}</p>
<div class="chart" data-timeline></div></section>
${report.analyses.length ? `<h2>Analysis</h2>${report.analyses.map(analysisBlock).join('')}` : `<h2>Analysis</h2><p class="muted">${report.drill ? 'A rollback-restore drill runs no analysis: it times the way back.' : 'This release ran no analysis.'}</p>`}
${recordBlock(report)}
<footer>Generated ${time(report.generatedAt)} by sluice report from workflow ${escapeHtml(report.workflowId)} run ${escapeHtml(report.runId)}${live ? ` · refreshes every ${report.refreshSeconds} s while the release runs` : ''}.</footer>
<script>window.SLUICE_REPORT = ${scriptJson(data)};</script>
<script>${js}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
