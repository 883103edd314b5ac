import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { alertmanagerAddress, alertmanagerUrl, alertReceiverUrl, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { livePid, spawnDaemon } from '../process';
import { ensureReceiverToken } from './alert-receiver';

function configFile(config: StackConfig): string {
  return join(config.stateDir, 'alertmanager', 'alertmanager.yml');
}

/**
 * Every alert is grouped per service and environment and kept (API, web UI). Critical alerts
 * that name a service and an environment also go to Sluice's receiver (bearer token from the
 * state dir's token file), which rolls back that release if it is baking; warnings such as
 * SluiceReleaseRolledBack never do. Short waits, so a firing alert moves on within a second on
 * the dev stack: the rollback route sends a new group at once (group_wait 0s).
 */
export function alertmanagerConfig(config: StackConfig): string {
  return stringify({
    route: {
      receiver: 'null',
      group_by: ['alertname', 'service', 'environment'],
      group_wait: '1s',
      group_interval: '5s',
      repeat_interval: '1h',
      routes: [
        {
          receiver: 'sluice-rollback',
          matchers: ['service=~".+"', 'environment=~".+"', 'severity="critical"'],
          group_wait: '0s',
          group_interval: '5s',
        },
      ],
    },
    receivers: [
      { name: 'null' },
      {
        name: 'sluice-rollback',
        webhook_configs: [
          {
            url: `${alertReceiverUrl(config)}/alerts`,
            send_resolved: false,
            http_config: { authorization: { type: 'Bearer', credentials_file: config.alertReceiver.tokenFile } },
          },
        ],
      },
    ],
  });
}

function writeConfig(config: StackConfig): void {
  mkdirSync(config.alertmanager.dataDir, { recursive: true });
  ensureReceiverToken(config);
  writeFileSync(configFile(config), alertmanagerConfig(config));
}

function alertmanagerArgs(config: StackConfig): string[] {
  return [
    `--config.file=${configFile(config)}`,
    `--storage.path=${config.alertmanager.dataDir}`,
    `--web.listen-address=${alertmanagerAddress(config)}`,
    // A single instance: no gossip port to bind or to collide with another stack's.
    '--cluster.listen-address=',
  ];
}

export const alertmanagerComponent: Component = {
  name: 'alertmanager',
  readyTimeoutMs: 30000,
  url: (config) => alertmanagerUrl(config),
  ports: (config) => [config.alertmanager.port],
  // /-/ready answers a bare "OK"; the status API names the program, so a stranger on the port is not taken for it.
  healthy: async (config) =>
    (await httpOk(`${alertmanagerUrl(config)}/-/ready`)) && (await httpOk(`${alertmanagerUrl(config)}/api/v2/status`, { looksRight: (a) => a.body.includes('"versionInfo"') })),
  prepare: writeConfig,
  daemonArgs: alertmanagerArgs,
  async start(config: StackConfig) {
    const bin = findExecutable('prometheus-alertmanager', `Alertmanager (Debian package prometheus-alertmanager); ${BOOTSTRAP_HINT}`);
    writeConfig(config);
    spawnDaemon({ command: bin, args: alertmanagerArgs(config), logFile: logFile(config, 'alertmanager'), pidFile: pidFile(config, 'alertmanager') });
  },
  // An Alertmanager this state dir started with an older configuration reads the new one
  // without a restart; one started by someone else is left alone.
  async ensureConfigured(config) {
    if (livePid(pidFile(config, 'alertmanager')) === undefined) return;
    const file = configFile(config);
    if (existsSync(file) && readFileSync(file, 'utf8') === alertmanagerConfig(config)) return;
    writeConfig(config);
    const res = await fetch(`${alertmanagerUrl(config)}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(30000) });
    if (!res.ok) throw new Error(`Alertmanager refused to reload its configuration (${res.status}): ${(await res.text()).trim()}`);
  },
};
