import { logFile, pidFile, type Component } from '../component';
import { spawnDaemon } from '../process';
import { loadKubeStackConfig, requireBinary } from './kube-config';
import { httpsOk, waitForApiserver } from './kube-probe';

/** Binds pods to the fake kwok nodes. */
export const kubeSchedulerComponent: Component = {
  name: 'kube-scheduler',
  readyTimeoutMs: 60000,
  url: (config) => `https://127.0.0.1:${loadKubeStackConfig(config).scheduler.port}/healthz`,
  ports: (config) => [loadKubeStackConfig(config).scheduler.port],
  healthy: (config) => httpsOk(`https://127.0.0.1:${loadKubeStackConfig(config).scheduler.port}/healthz`, { insecure: true, expect: /^ok/ }),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.kubeScheduler, `kube-scheduler ${kube.versions.kubernetes}`);
    await waitForApiserver(kube);
    const kubeconfig = kube.componentKubeconfigs.scheduler;
    const args = [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kube.scheduler.port}`,
      '--leader-elect=false',
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      '--profiling=false',
      '--v=1',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'kube-scheduler'), pidFile: pidFile(config, 'kube-scheduler') });
  },
};
