import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withFileLock } from '../../lib/file-lock';
import { isAlive } from '../process';

/**
 * Every kubelet on a machine serves its device-plugin registry on this one path: a kubelet
 * constant, not under --root-dir. At start each kubelet removes the file and binds it again, so
 * two kubelets doing it at the same moment collide. One fails with "listen unix
 * .../kubelet.sock: bind: address already in use" and exits ("Failed to start ContainerManager";
 * CI run 52 here, two nodes of one `dev up` 2 ms apart).
 */
export const DEVICE_PLUGIN_SOCKET = '/var/lib/kubelet/device-plugins/kubelet.sock';
const LOCK = join(dirname(DEVICE_PLUGIN_SOCKET), 'sluice-kubelet-start.lock');
/** Longer than any kubelet takes to reach that bind; a lock this old was left by a killed process. */
const STALE_MS = 90000;

function boundSince(since: number): boolean {
  try {
    return statSync(DEVICE_PLUGIN_SOCKET).ctimeMs >= since;
  } catch {
    return false;
  }
}

/**
 * Starts one kubelet at a time, machine-wide (across processes and state dirs). `spawn` starts it
 * and returns its pid. The next start waits until this kubelet has bound the device-plugin socket,
 * has exited, or `timeoutMs` has passed.
 */
export async function startKubeletAlone(spawn: () => number, timeoutMs = 60000): Promise<void> {
  await withFileLock(LOCK, STALE_MS, async () => {
    // ctime has the file system's precision; a few ms of slack still excludes an older kubelet's bind.
    const since = Date.now() - 5;
    const pid = spawn();
    const deadline = Date.now() + timeoutMs;
    while (!boundSince(since) && isAlive(pid) && Date.now() < deadline) await sleep(50);
  });
}
