/**
 * `sluice report`: one release (the latest, or `--run`) as a self-contained HTML page, or served
 * live on loopback with `--web`. Data: src/client/report/gather.ts; page: src/client/report/html.ts.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { parseStatsWindow, type DeploymentRef, type SluiceClient } from '../../client';
import { DEFAULT_BUDGET_MS, gatherDrillReport, gatherReport, renderReportHtml, serveReport, type ReportOptions } from '../../client/report';
import { loadStackConfig, prometheusUrl } from '../../dev/config';
import { toMs } from '../../domain/duration';
import { addConnectionOptions, addSpecOptions, resolveRef, UsageError, withClient, type ConnectionCliOptions, type SpecCliOptions } from '../context';

export interface WebOptions {
  web: boolean;
  port: number;
  refresh: number;
}

interface ReportCliOptions extends ConnectionCliOptions, SpecCliOptions, WebOptions {
  run?: string;
  drill: boolean;
  out?: string;
  since?: string;
  prometheus?: string;
  budget: string;
}

function budgetMs(value: string): number {
  try {
    return toMs(value);
  } catch (err) {
    throw new UsageError(`--budget ${(err as Error).message}`);
  }
}

export function registerReportCommand(program: Command): void {
  const cmd = program
    .command('report')
    .description('a release as one self-contained HTML page: timeline, canary vs baseline per metric, the evidence behind the decision')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name')
    .option('--run <runId>', 'this run of the release workflow, or of the drill workflow with --drill (default: the latest)')
    .option('--drill', 'report the rollback-restore drill of drill/<service>/<environment> instead of a release', false)
    .option('--out <file>', 'where to write the page (default: <service>-<environment>-report.html)')
    .option('--since <window>', 'add the delivery record over this window as small charts, e.g. 30d')
    .option('--prometheus <url>', 'Prometheus to ask for the metrics (default: SLUICE_PROMETHEUS_URL, else the embedded stack)')
    .option('--budget <duration>', 'time to detect and to restore are judged against this', '5m');
  addWebOptions(cmd, 'serve the page instead');
  addSpecOptions(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice report checkout production                       # the latest release → checkout-production-report.html
  sluice report checkout production --run 3f6c… --out rollback.html
  sluice report checkout production --since 30d           # with the delivery record as small charts
  sluice report checkout production --web                 # serve it live on 127.0.0.1 while it runs
  sluice report checkout production --drill               # the latest rollback-restore drill

The page makes no request when opened (uPlot and the data are inlined). Metrics are asked of
Prometheus now; where it no longer has them, each chart says so and shows what history holds.
See docs/report.md.`,
  );
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: ReportCliOptions) => {
    const ref = resolveRef(service, environment, opts);
    const sinceMs = opts.since ? parseStatsWindow(opts.since) : undefined;
    await withClient(opts, async (client) => {
      const options: ReportOptions = {
        ...reportOptions(client, { ...(opts.prometheus ? { prometheus: opts.prometheus } : {}), budgetMs: budgetMs(opts.budget) }),
        ...(opts.run ? { runId: opts.run } : {}),
        ...(sinceMs !== undefined ? { sinceMs } : {}),
      };
      const gather = opts.drill ? gatherDrillReport : gatherReport;
      if (opts.web) return serveLiveReport(client, ref, options, opts, gather);
      const report = await gather(client, ref, options);
      const out = resolve(opts.out ?? `${ref.service}-${ref.environment}-${opts.drill ? 'drill-' : ''}report.html`);
      writeFileSync(out, renderReportHtml(report));
      const outcome = (report.drill ? report.drill.result?.outcome : report.result?.outcome) ?? report.execution.toLowerCase();
      if (report.drill) console.log(`${out}: ${report.strategy} ${report.from ?? '?'} → ${report.to ?? '?'} and back, ${outcome}`);
      else {
        const charts = report.analyses.reduce((n, a) => n + a.metrics.reduce((k, m) => k + m.charts.length, 0), 0);
        console.log(`${out}: ${report.to ?? '?'} ${outcome}, ${report.analyses.length} analyses, ${charts} metric charts`);
      }
    });
  });
}

/** What every report asks of: Prometheus (flag, else SLUICE_PROMETHEUS_URL, else the stack's), the Web UI, the budget. */
export function reportOptions(client: SluiceClient, opts: { prometheus?: string; budgetMs?: number }): ReportOptions {
  return {
    prometheusUrl: opts.prometheus ?? process.env.SLUICE_PROMETHEUS_URL ?? prometheusUrl(loadStackConfig()),
    uiUrl: client.settings.uiUrl,
    namespace: client.namespace,
    budgetMs: opts.budgetMs ?? DEFAULT_BUDGET_MS,
  };
}

/** Serves the release's report on loopback, gathered afresh per request, until SIGINT or SIGTERM (`report --web`, `status --web`). */
export async function serveLiveReport(
  client: SluiceClient,
  ref: DeploymentRef,
  options: ReportOptions,
  web: Pick<WebOptions, 'port' | 'refresh'>,
  gather = gatherReport,
): Promise<void> {
  const server = await serveReport(() => gather(client, ref, options), { port: web.port, refreshSeconds: web.refresh });
  console.log(`serving the report of ${ref.service} in ${ref.environment} at ${server.url} (read-only; Ctrl-C to stop)`);
  await new Promise<void>((done) => {
    const stop = () => void server.close().then(done);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** Adds `--web`, `--port` and `--refresh`, the live page's options, to a command. */
export function addWebOptions(cmd: Command, what: string): Command {
  return cmd
    .option('--web', `${what} on loopback, refreshed while the release runs (read-only)`, false)
    .option('--port <n>', 'port for --web (0 = any free one)', (v) => Number.parseInt(v, 10), 0)
    .option('--refresh <seconds>', 'how often the --web page reloads while the release runs', (v) => Number.parseInt(v, 10), 5);
}
