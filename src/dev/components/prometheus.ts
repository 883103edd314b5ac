import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { prometheusUrl, type StackConfig } from '../config';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile, type Component } from '../component';
import { httpOk } from '../probe';
import { spawnDaemon } from '../process';

/** Scrape targets come from JSON files in targetsDir, so releases register instances at run time. */
function prometheusConfig(config: StackConfig): string {
  const interval = config.prometheus.scrapeInterval;
  return stringify({
    global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
    scrape_configs: [
      {
        job_name: 'sluice',
        file_sd_configs: [{ files: [join(config.prometheus.targetsDir, '*.json')], refresh_interval: '1s' }],
      },
    ],
  });
}

export const prometheusComponent: Component = {
  name: 'prometheus',
  readyTimeoutMs: 30000,
  url: (config) => prometheusUrl(config),
  ports: (config) => [config.prometheus.port],
  healthy: (config) => httpOk(`${prometheusUrl(config)}/-/ready`, { looksRight: (a) => /Prometheus Server is Ready/.test(a.body) }),
  async start(config) {
    const bin = findExecutable('prometheus', `Prometheus (Debian package prometheus); ${BOOTSTRAP_HINT}`);
    const dir = join(config.stateDir, 'prometheus');
    for (const d of [config.prometheus.targetsDir, config.prometheus.dataDir]) mkdirSync(d, { recursive: true });
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, prometheusConfig(config));
    const args = [
      `--config.file=${file}`,
      `--storage.tsdb.path=${config.prometheus.dataDir}`,
      '--storage.tsdb.retention.time=2d',
      `--web.listen-address=${config.prometheus.host}:${config.prometheus.port}`,
      '--web.enable-lifecycle',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'prometheus'), pidFile: pidFile(config, 'prometheus') });
  },
};
