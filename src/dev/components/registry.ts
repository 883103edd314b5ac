import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { registryAddress, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';

function registryConfig(config: StackConfig): string {
  return stringify({
    version: 0.1,
    log: { level: 'info', formatter: 'json' },
    storage: {
      filesystem: { rootdirectory: config.registry.storageDir },
      // Retention prunes old releases by manifest digest.
      delete: { enabled: true },
    },
    http: { addr: registryAddress(config), headers: { 'X-Content-Type-Options': ['nosniff'] } },
  });
}

function configFile(config: StackConfig): string {
  return join(config.stateDir, 'registry', 'config.yml');
}

function writeConfig(config: StackConfig): void {
  mkdirSync(config.registry.storageDir, { recursive: true });
  writeFileSync(configFile(config), registryConfig(config));
}

function registryArgs(config: StackConfig): string[] {
  return ['serve', configFile(config)];
}

export const registryComponent: Component = {
  name: 'registry',
  readyTimeoutMs: 30000,
  url: (config) => `http://${registryAddress(config)}`,
  ports: (config) => [config.registry.port],
  healthy: (config) =>
    httpOk(`http://${registryAddress(config)}/v2/`, {
      looksRight: (a) => String(a.headers['docker-distribution-api-version'] ?? '').startsWith('registry/2'),
    }),
  prepare: writeConfig,
  daemonArgs: registryArgs,
  async start(config) {
    const bin = findExecutable('docker-registry', `Docker registry (Debian package docker-registry); ${BOOTSTRAP_HINT}`);
    writeConfig(config);
    spawnDaemon({ command: bin, args: registryArgs(config), logFile: logFile(config, 'registry'), pidFile: pidFile(config, 'registry') });
  },
};
