import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerAddress, prometheusUrl, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpGet, httpOk } from '../probe';
import { spawnDaemon } from '../process';
import { loadTemporalClusterConfig, TEMPORAL_SERVICES } from './temporal-cluster/config';

/**
 * Scrape targets come from JSON files: service instances in targetsDir (job sluice), registered
 * by releases at run time; workers' own /metrics in workersDir (job sluice-worker), registered by
 * each worker at start (src/worker/scrape-registration.ts); Temporal's own metrics (job temporal)
 * from the dev server or each of a cluster's four services, whichever this state dir runs.
 * Rules: the shipped deploy/prometheus/*.yml plus this state dir's own rules dir. Alerts go to
 * the stack's Alertmanager.
 */
export function prometheusConfig(config: StackConfig): string {
  const interval = config.prometheus.scrapeInterval;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    rule_files: [join(config.prometheus.rulesDir, '*.yml'), join(config.prometheus.localRulesDir, '*.yml')],
    alerting: { alertmanagers: [{ api_version: 'v2', static_configs: [{ targets: [alertmanagerAddress(config)] }] }] },
    scrape_configs: [
      {
        job_name: 'sluice',
        file_sd_configs: [{ files: [join(config.prometheus.targetsDir, '*.json')], refresh_interval: '1s' }],
      },
      {
        job_name: 'sluice-worker',
        file_sd_configs: [{ files: [join(config.prometheus.workersDir, '*.json')], refresh_interval: '1s' }],
      },
      {
        job_name: 'temporal',
        // Thousands of series per process, read by people and dashboards rather than by a
        // release's analysis: every 15 s, not at the stack's analysis pace.
        scrape_interval: '15s',
        scrape_timeout: '10s',
        static_configs: temporalScrapeTargets(config),
      },
    ],
  });
}

/** The Temporal this state dir runs: the dev server's one endpoint, or a cluster's four services (label temporal_service). */
function temporalScrapeTargets(config: StackConfig): Array<{ targets: string[]; labels: Record<string, string> }> {
  if (config.temporal.mode !== 'cluster') return [{ targets: [`127.0.0.1:${config.temporal.metricsPort}`], labels: { temporal_service: 'dev-server' } }];
  const services = loadTemporalClusterConfig(config).services;
  return TEMPORAL_SERVICES.map((service) => ({ targets: [`127.0.0.1:${services[service].metrics}`], labels: { temporal_service: service } }));
}

function configFile(config: StackConfig): string {
  return join(config.stateDir, 'prometheus', 'prometheus.yml');
}

function prometheusArgs(config: StackConfig): string[] {
  return [
    `--config.file=${configFile(config)}`,
    `--storage.tsdb.path=${config.prometheus.dataDir}`,
    '--storage.tsdb.retention.time=2d',
    `--web.listen-address=${config.prometheus.host}:${config.prometheus.port}`,
    '--web.enable-lifecycle',
  ];
}

function writeConfig(config: StackConfig): void {
  for (const d of [config.prometheus.targetsDir, config.prometheus.workersDir, config.prometheus.dataDir, config.prometheus.localRulesDir]) mkdirSync(d, { recursive: true });
  writeFileSync(configFile(config), prometheusConfig(config));
}

/** Asks a running Prometheus to read its configuration (and so its rule files) again. */
export async function reloadPrometheus(config: StackConfig): Promise<void> {
  const res = await fetch(`${prometheusUrl(config)}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(30000) });
  if (!res.ok) throw new Error(`Prometheus refused to reload its configuration (${res.status}): ${(await res.text()).trim()}`);
}

/** The config file the running Prometheus was started with, from its flags. */
async function runningConfigFile(config: StackConfig): Promise<string | undefined> {
  const answer = await httpGet(`${prometheusUrl(config)}/api/v1/status/flags`);
  if (answer.status !== 200) return undefined;
  return (JSON.parse(answer.body) as { data?: Record<string, string> }).data?.['config.file'];
}

/** When the running Prometheus last loaded its configuration, if that load succeeded. */
async function lastGoodLoadMs(config: StackConfig): Promise<number | undefined> {
  const answer = await httpGet(`${prometheusUrl(config)}/api/v1/status/runtimeinfo`);
  if (answer.status !== 200) return undefined;
  const info = (JSON.parse(answer.body) as { data?: { reloadConfigSuccess?: boolean; lastConfigTime?: string } }).data;
  if (!info?.reloadConfigSuccess || !info.lastConfigTime) return undefined;
  const ms = Date.parse(info.lastConfigTime);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The newest modification time among the rule files Prometheus loads. */
function newestRuleFileMs(config: StackConfig): number {
  let newest = 0;
  for (const dir of [config.prometheus.rulesDir, config.prometheus.localRulesDir]) {
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      if (name.endsWith('.yml')) newest = Math.max(newest, statSync(join(dir, name)).mtimeMs);
    }
  }
  return newest;
}

export const prometheusComponent: Component = {
  name: 'prometheus',
  readyTimeoutMs: 30000,
  url: (config) => prometheusUrl(config),
  ports: (config) => [config.prometheus.port],
  healthy: (config) => httpOk(`${prometheusUrl(config)}/-/ready`, { looksRight: (a) => /Prometheus Server is Ready/.test(a.body) }),
  prepare: writeConfig,
  daemonArgs: prometheusArgs,
  async start(config) {
    const bin = findExecutable('prometheus', `Prometheus (Debian package prometheus); ${BOOTSTRAP_HINT}`);
    writeConfig(config);
    spawnDaemon({ command: bin, args: prometheusArgs(config), logFile: logFile(config, 'prometheus'), pidFile: pidFile(config, 'prometheus') });
  },
  // A Prometheus of this state dir started by an older Sluice keeps its old configuration (no
  // rules, no Alertmanager), and one started before a rule file changed keeps the old rules:
  // rewrite the file if it differs and reload. lastConfigTime has whole seconds, so a rule file
  // from the same second counts as newer (one reload too many, never one too few). A Prometheus
  // started with another config file (someone else's) is left alone.
  async ensureConfigured(config) {
    const file = configFile(config);
    if ((await runningConfigFile(config)) !== file) return;
    const current = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    const configChanged = current !== prometheusConfig(config);
    if (configChanged) writeConfig(config);
    const loadedMs = await lastGoodLoadMs(config);
    if (configChanged || loadedMs === undefined || newestRuleFileMs(config) >= loadedMs) await reloadPrometheus(config);
  },
};
