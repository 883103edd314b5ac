import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerAddress, alertmanagerUrl, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { livePid, spawnDaemon } from '../process';

function configFile(config: StackConfig): string {
  return join(config.stateDir, 'alertmanager', 'alertmanager.yml');
}

/**
 * One route, one receiver that drops everything: alerts are kept and shown (API, web UI) but
 * sent nowhere yet. Grouping per service and environment, with short waits, so a firing alert
 * moves on within seconds on the dev stack.
 */
export function alertmanagerConfig(): string {
  return stringify({
    route: {
      receiver: 'null',
      group_by: ['alertname', 'service', 'environment'],
      group_wait: '1s',
      group_interval: '5s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'null' }],
  });
}

export const alertmanagerComponent: Component = {
  name: 'alertmanager',
  readyTimeoutMs: 30000,
  url: (config) => alertmanagerUrl(config),
  ports: (config) => [config.alertmanager.port],
  // /-/ready answers a bare "OK"; the status API names the program, so a stranger on the port is not taken for it.
  healthy: async (config) =>
    (await httpOk(`${alertmanagerUrl(config)}/-/ready`)) && (await httpOk(`${alertmanagerUrl(config)}/api/v2/status`, { looksRight: (a) => a.body.includes('"versionInfo"') })),
  async start(config: StackConfig) {
    const bin = findExecutable('prometheus-alertmanager', `Alertmanager (Debian package prometheus-alertmanager); ${BOOTSTRAP_HINT}`);
    mkdirSync(config.alertmanager.dataDir, { recursive: true });
    const file = configFile(config);
    writeFileSync(file, alertmanagerConfig());
    const args = [
      `--config.file=${file}`,
      `--storage.path=${config.alertmanager.dataDir}`,
      `--web.listen-address=${alertmanagerAddress(config)}`,
      // A single instance: no gossip port to bind or to collide with another stack's.
      '--cluster.listen-address=',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'alertmanager'), pidFile: pidFile(config, 'alertmanager') });
  },
  // An Alertmanager this state dir started with an older configuration reads the new one
  // without a restart; one started by someone else is left alone.
  async ensureConfigured(config) {
    if (livePid(pidFile(config, 'alertmanager')) === undefined) return;
    const file = configFile(config);
    if (existsSync(file) && readFileSync(file, 'utf8') === alertmanagerConfig()) return;
    writeFileSync(file, alertmanagerConfig());
    const res = await fetch(`${alertmanagerUrl(config)}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(30000) });
    if (!res.ok) throw new Error(`Alertmanager refused to reload its configuration (${res.status}): ${(await res.text()).trim()}`);
  },
};
