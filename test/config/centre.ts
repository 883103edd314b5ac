import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackConfig } from '../../src/dev/config';
import { loadKubeStackConfig } from '../../src/dev/components/kube-config';
import { runCli, type CliResult } from '../cli/helpers';
import { freePortBlock } from '../helpers/ports';

/**
 * A config centre of the test's own: the stack's real config-etcd component, started with
 * `sluice dev up --only config-etcd` on a scratch state dir and its own loopback ports, so tests
 * never write into (or stop) the shared stack's. Stopped and deleted by `stop()`.
 */
export interface ScratchCentre {
  /** The environment that points the CLI (and the stack code) at this centre. */
  env: NodeJS.ProcessEnv;
  url: string;
  stateDir: string;
  /** What `dev up` answered. */
  up: CliResult;
  stop(): Promise<void>;
}

const etcdBinary = loadKubeStackConfig(loadStackConfig()).bins.etcd;

/** Only a missing etcd build is a reason to skip (the full bootstrap builds it); a centre that fails to start fails. */
export function skipReason(): string | undefined {
  return existsSync(etcdBinary) ? undefined : `etcd is not built (${etcdBinary}); run bash scripts/bootstrap-kubernetes.sh`;
}

export async function startScratchCentre(): Promise<ScratchCentre> {
  const stateDir = await mkdtemp(join(tmpdir(), 'sluice-config-'));
  const port = await freePortBlock(2);
  const env = { SLUICE_STATE_DIR: stateDir, SLUICE_CONFIG_ETCD_PORT: String(port), SLUICE_CONFIG_ETCD_PEER_PORT: String(port + 1) };
  const up = await runCli(['dev', 'up', '--only', 'config-etcd', '--output', 'json'], { env });
  const stop = async () => {
    await runCli(['dev', 'down', '--only', 'config-etcd'], { env });
    await rm(stateDir, { recursive: true, force: true });
  };
  if (up.code !== 0) {
    await stop();
    throw new Error(`dev up --only config-etcd failed (${up.code}):\n${up.stdout}\n${up.stderr}`);
  }
  return { env, url: `http://127.0.0.1:${port}`, stateDir, up, stop };
}
