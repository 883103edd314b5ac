import { logFile, pidFile, type Component } from '../component';
import { spawnDaemon } from '../process';
import { loadKubeStackConfig, requireBinary } from './kube-config';
import { httpsOk, waitForApiserver } from './kube-probe';

/** Runs the Deployment, ReplicaSet, garbage-collector and service-account controllers. */
export const kubeControllerManagerComponent: Component = {
  name: 'kube-controller-manager',
  readyTimeoutMs: 60000,
  url: (config) => `https://127.0.0.1:${loadKubeStackConfig(config).controllerManager.port}/healthz`,
  ports: (config) => [loadKubeStackConfig(config).controllerManager.port],
  healthy: (config) => httpsOk(`https://127.0.0.1:${loadKubeStackConfig(config).controllerManager.port}/healthz`, { insecure: true, expect: /^ok/ }),
  async start(config) {
    const kube = loadKubeStackConfig(config);
    const bin = requireBinary(kube.bins.kubeControllerManager, `kube-controller-manager ${kube.versions.kubernetes}`);
    await waitForApiserver(kube);
    const kubeconfig = kube.componentKubeconfigs.controllerManager;
    const args = [
      `--kubeconfig=${kubeconfig}`,
      `--authentication-kubeconfig=${kubeconfig}`,
      `--authorization-kubeconfig=${kubeconfig}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${kube.controllerManager.port}`,
      '--leader-elect=false',
      // Each controller acts under its own service account, as kubeadm sets it up, so the
      // bootstrap RBAC roles apply unchanged.
      '--use-service-account-credentials=true',
      `--service-account-private-key-file=${kube.pki.saKey}`,
      `--root-ca-file=${kube.pki.caCert}`,
      `--service-cluster-ip-range=${kube.apiserver.serviceClusterIpRange}`,
      // kwok renews the fake nodes' Leases every ~10 s (src/dev/components/kwok.ts); on a busy
      // shared machine a renewal can come late, and a node marked NotReady would stall every
      // rollout on it. Fake nodes never really die, so the margin is wide.
      '--node-monitor-grace-period=5m',
      '--kube-api-qps=100',
      '--kube-api-burst=200',
      '--profiling=false',
      '--v=1',
    ];
    spawnDaemon({ command: bin, args, logFile: logFile(config, 'kube-controller-manager'), pidFile: pidFile(config, 'kube-controller-manager') });
  },
};
