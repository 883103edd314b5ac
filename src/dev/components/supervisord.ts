import { type Component, BOOTSTRAP_HINT, findExecutable, logFile, pidFile } from '../component';
import type { StackConfig } from '../config';
import { spawnDaemon } from '../process';
import { supervisordAnswers, supervisordEnv, supervisordLayout, writeSupervisordConfig } from '../../lib/supervisord-instance';

/**
 * The stack's supervisord, for process targets whose spec asks for `supervisor: {kind:
 * 'supervisord'}` without naming a socket (the worker passes this one's socket as
 * AdapterConfig.supervisordSocket). Optional, like the Kubernetes control plane: `sluice dev up
 * --only supervisord`. A unix socket only, so it holds no port; `dev down` stops it, and
 * supervisord stops its programs first.
 */
const layout = (config: StackConfig) => supervisordLayout(config.supervisord.dir);

export const supervisordComponent: Component = {
  name: 'supervisord',
  readyTimeoutMs: 15000,
  url: (config) => `unix://${layout(config).socket} (supervisorctl -c ${layout(config).config} status)`,
  ports: () => [],
  healthy: (config) => supervisordAnswers(layout(config).socket),
  async start(config) {
    const bin = findExecutable('supervisord', `supervisord (Debian package supervisor); ${BOOTSTRAP_HINT}`);
    await writeSupervisordConfig(layout(config));
    spawnDaemon({
      command: bin,
      args: ['-c', layout(config).config],
      env: supervisordEnv(),
      logFile: logFile(config, 'supervisord'),
      pidFile: pidFile(config, 'supervisord'),
    });
  },
};
