import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../lib/paths';
import { alertReceiverUrl, temporalAddress, type StackConfig } from '../config';
import { logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';

/**
 * The bearer token Alertmanager sends to the receiver: made once per state dir, readable by its
 * owner only (0600), read by both sides from the file and never printed.
 */
export function ensureReceiverToken(config: StackConfig): string {
  const file = config.alertReceiver.tokenFile;
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another `dev up` made it first: keep theirs.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  chmodSync(file, 0o600);
  return file;
}

/** `sluice` arguments of the receiver: loopback, the token file, the stack's Temporal (with the cluster's client certificate). */
function receiverArgs(config: StackConfig): string[] {
  return [
    'alerts',
    'receive',
    '--listen',
    `${config.alertReceiver.host}:${config.alertReceiver.port}`,
    '--token-file',
    config.alertReceiver.tokenFile,
    '--address',
    temporalAddress(config),
    '--namespace',
    config.temporal.namespace,
    // The cluster's mTLS (its files are made by the cluster's first start; read on first use).
    ...(config.temporal.tls ? ['--tls-cert', config.temporal.tls.cert, '--tls-key', config.temporal.tls.key, '--tls-ca', config.temporal.tls.ca] : []),
  ];
}

/**
 * Sluice's Alertmanager webhook receiver (`sluice alerts receive`), run from this package's CLI:
 * the stack's Alertmanager routes critical alerts of a service and environment to it, and it
 * signals the baking release. It connects to Temporal on first use, so it can start beside it.
 */
export const alertReceiverComponent: Component = {
  name: 'alert-receiver',
  readyTimeoutMs: 30000,
  url: (config) => alertReceiverUrl(config),
  ports: (config) => [config.alertReceiver.port],
  healthy: (config) => httpOk(`${alertReceiverUrl(config)}/healthz`, { looksRight: (a) => a.body.includes('"sluice-alertmanager"') }),
  prepare: (config) => void ensureReceiverToken(config),
  daemonArgs: receiverArgs,
  async start(config: StackConfig) {
    ensureReceiverToken(config);
    // Only the stack's own Temporal settings (above): a TLS or API-key setting of the caller's shell must not leak in.
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TEMPORAL_')));
    const args = [join(packageRoot(), 'bin', 'sluice.js'), ...receiverArgs(config)];
    spawnDaemon({ command: process.execPath, args, env, logFile: logFile(config, 'alert-receiver'), pidFile: pidFile(config, 'alert-receiver') });
  },
};
