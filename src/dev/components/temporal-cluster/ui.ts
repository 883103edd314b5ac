import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { logFile, pidFile, type Component } from '../../component';
import { temporalAddress, temporalUiUrl, type StackConfig } from '../../config';
import { httpOk } from '../../probe';
import { spawnDaemon } from '../../process';
import { ensureClusterPki } from './pki';
import { loadTemporalClusterConfig, requireClusterBinary, TEMPORAL_UI_SERVER_VERSION } from './config';

/** The UI server reads <root>/config/<env>.yaml; only what differs from its defaults is written. */
async function writeUiConfig(config: StackConfig): Promise<string> {
  const cluster = loadTemporalClusterConfig(config);
  const pki = await ensureClusterPki(config);
  const dir = join(cluster.ui.dir, 'config');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'sluice.yaml'),
    stringify({
      temporalGrpcAddress: temporalAddress(config),
      host: config.temporal.host,
      port: cluster.ui.port,
      enableUi: true,
      defaultNamespace: config.temporal.namespace,
      showTemporalSystemNamespace: false,
      notifyOnNewVersion: false,
      // Same origin only: the pages are served by this server.
      cors: { allowOrigins: [] },
      // A client of the frontend like any other: mTLS with the stack's client certificate.
      tls: { caFile: pki.ca.cert, certFile: pki.client.cert, keyFile: pki.client.key, enableHostVerification: true },
      // The pages decode Sluice's payloads through the codec server with the browser's cookies:
      // only someone who signed in there with its token sees them in the clear.
      ...(cluster.ui.codecEndpoint ? { codec: { endpoint: cluster.ui.codecEndpoint, passAccessToken: false, includeCredentials: true } } : {}),
    }),
  );
  return cluster.ui.dir;
}

/** Temporal's Web UI server (the one the dev server embeds), pointed at the cluster's frontend. */
export const temporalUiComponent: Component = {
  name: 'temporal-ui',
  readyTimeoutMs: 30000,
  url: temporalUiUrl,
  ports: (config) => [loadTemporalClusterConfig(config).ui.port],
  healthy: (config) => httpOk(temporalUiUrl(config), { looksRight: (a) => /<html/i.test(a.body) }),
  async start(config) {
    const cluster = loadTemporalClusterConfig(config);
    const bin = requireClusterBinary(cluster.bins.uiServer, `Temporal UI server ${TEMPORAL_UI_SERVER_VERSION}`);
    const root = await writeUiConfig(config);
    spawnDaemon({
      command: bin,
      args: ['--root', root, '--config', 'config', '--env', 'sluice', 'start'],
      logFile: logFile(config, 'temporal-ui'),
      pidFile: pidFile(config, 'temporal-ui'),
      cwd: root,
    });
  },
};
