import * as grpc from '@grpc/grpc-js';
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BOOTSTRAP_HINT, findExecutable, logFile, pidFile } from '../component';
import { registryAddress, type StackConfig } from '../config';
import { waitFor } from '../probe';
import { isAlive, livePid, spawnDaemon, stopDaemon } from '../process';
import type { KubeNodeConfig } from './kube-node-config';

const execFileAsync = promisify(execFile);

/** smol-toml is ESM-only while Sluice is CommonJS: loaded with a real dynamic import (as src/lib/kubernetes.ts does). */
async function toml(value: Record<string, unknown>): Promise<string> {
  const { stringify } = await import('smol-toml');
  return stringify(value);
}

/** The containerd namespace the CRI plugin keeps Kubernetes' containers in. */
const CRI_NAMESPACE = 'k8s.io';

export function containerdName(node: KubeNodeConfig): string {
  return `${node.name}-containerd`;
}

function containerdHint(): string {
  return `containerd (Debian package containerd, a dependency of docker.io); ${BOOTSTRAP_HINT}`;
}

/**
 * containerd 1.6's configuration for one node: every path under the node's dir, the CRI plugin's
 * sandbox image from the stack's registry, and the settings this machine needs (issue 15):
 * - `restrict_oom_score_adj`: the sandbox lacks CAP_SYS_RESOURCE, and lowering a container's OOM
 *   score is refused, which failed every pod sandbox (`can't get final child's PID from pipe: EOF`);
 * - runc with `SystemdCgroup = false` (no systemd here; the kubelet's driver is cgroupfs) and its
 *   own `Root`, so the nodes' containers never share runc's state dir.
 */
export function containerdConfigToml(node: KubeNodeConfig, opts: { sandboxImage: string; runc: string }): Promise<string> {
  return toml({
    version: 2,
    root: node.containerd.root,
    state: node.containerd.state,
    grpc: { address: node.containerd.socket },
    ttrpc: { address: `${node.containerd.socket}.ttrpc` },
    // No debug socket and no metrics listener: nothing else would bind per node.
    debug: { address: '', level: 'info' },
    metrics: { address: '' },
    plugins: {
      'io.containerd.grpc.v1.cri': {
        sandbox_image: opts.sandboxImage,
        restrict_oom_score_adj: true,
        // The CRI streaming server (exec/attach/port-forward) binds the node's own address.
        stream_server_address: node.address,
        stream_server_port: '0',
        // Network namespaces of non-hostNetwork sandboxes stay inside the node's state dir.
        netns_mounts_under_state_dir: true,
        containerd: {
          snapshotter: 'overlayfs',
          default_runtime_name: 'runc',
          runtimes: {
            runc: { runtime_type: 'io.containerd.runc.v2', options: { BinaryName: opts.runc, Root: node.containerd.runcRoot, SystemdCgroup: false } },
          },
        },
        cni: { bin_dir: node.cni.binDir, conf_dir: node.cni.confDir },
        registry: { config_path: node.containerd.certsDir },
      },
      'io.containerd.internal.v1.opt': { path: join(node.containerd.dir, 'opt') },
    },
  });
}

/** The stack's registry is plain HTTP on loopback: containerd is told so per host (certs.d). */
function registryHostsToml(registry: string): Promise<string> {
  return toml({ server: `http://${registry}`, host: { [`http://${registry}`]: { capabilities: ['pull', 'resolve'] } } });
}

/**
 * Pods here use hostNetwork and never call a CNI plugin, but the CRI plugin reports the runtime's
 * network NotReady (and the node with it) until some network config exists. This one names a
 * plugin that is not installed, so a pod that is not hostNetwork fails at sandbox creation,
 * saying so, instead of getting a network that does not work.
 */
const PLACEHOLDER_CNI = {
  cniVersion: '0.4.0',
  name: 'sluice-host-network-only',
  plugins: [{ type: 'sluice-host-network-only' }],
};

export async function writeContainerdFiles(config: StackConfig, node: KubeNodeConfig, sandboxImage: string): Promise<void> {
  const runc = findExecutable('runc', `runc (Debian package runc); ${BOOTSTRAP_HINT}`);
  for (const dir of [node.containerd.root, node.containerd.state, node.containerd.runcRoot, node.cni.confDir, node.cni.binDir]) mkdirSync(dir, { recursive: true });
  writeFileSync(node.containerd.config, await containerdConfigToml(node, { sandboxImage, runc }));
  const registry = registryAddress(config);
  mkdirSync(join(node.containerd.certsDir, registry), { recursive: true });
  writeFileSync(join(node.containerd.certsDir, registry, 'hosts.toml'), await registryHostsToml(registry));
  writeFileSync(join(node.cni.confDir, '10-sluice-host-network-only.conflist'), `${JSON.stringify(PLACEHOLDER_CNI, null, 2)}\n`);
}

/** True when containerd accepts connections on the node's socket. */
export function containerdAnswers(node: KubeNodeConfig): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: node.containerd.socket });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * True when containerd's CRI plugin serves requests: the runtime's Version call, which the kubelet
 * makes first and exits on when it fails. The socket answers earlier: the CRI plugin refuses every
 * call ("server is not initialized yet") until it has loaded its state, longer when earlier pods
 * left containers behind, and a kubelet started in that window exited (CI).
 */
export async function criAnswers(node: KubeNodeConfig, timeoutMs = 2000): Promise<boolean> {
  const client = new grpc.Client(`unix://${node.containerd.socket}`, grpc.credentials.createInsecure());
  try {
    return await new Promise<boolean>((resolve) => {
      // An empty VersionRequest encodes to no bytes; only success matters, so the answer stays raw.
      client.makeUnaryRequest(
        '/runtime.v1.RuntimeService/Version',
        () => Buffer.alloc(0),
        (answer: Buffer) => answer,
        {},
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err) => resolve(!err),
      );
    });
  } finally {
    client.close();
  }
}

/** Starts the node's containerd unless it already runs; returns once its CRI plugin serves requests. */
export async function startContainerd(config: StackConfig, node: KubeNodeConfig): Promise<void> {
  const bin = findExecutable('containerd', containerdHint());
  const pid = pidFile(config, containerdName(node));
  if (livePid(pid) === undefined) {
    // A socket left by a killed containerd would be taken for a live one.
    rmSync(node.containerd.socket, { force: true });
    rmSync(`${node.containerd.socket}.ttrpc`, { force: true });
    spawnDaemon({
      command: bin,
      args: ['--config', node.containerd.config],
      logFile: logFile(config, containerdName(node)),
      pidFile: pid,
      // containerd finds its shim (containerd-shim-runc-v2) on PATH.
      env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/usr/bin:/sbin:/bin` },
    });
  }
  await waitFor(containerdName(node), () => criAnswers(node), 60000, `see ${logFile(config, containerdName(node))}`);
}

async function ctr(node: KubeNodeConfig, args: string[]): Promise<string> {
  const bin = findExecutable('ctr', containerdHint());
  const { stdout } = await execFileAsync(bin, ['--address', node.containerd.socket, '--namespace', CRI_NAMESPACE, ...args], { timeout: 30000 });
  return stdout;
}

/** Pids of containerd shims that serve this node's containerd (their command line names its socket). */
function shimPids(node: KubeNodeConfig): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (argv[0]?.endsWith('containerd-shim-runc-v2') && argv.includes(node.containerd.socket)) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/**
 * Stops the node's containers, then its containerd. Containers outlive a killed containerd (their
 * shims are separate processes), so every task is killed and deleted first, through containerd;
 * shims that still serve this node's socket afterwards are killed.
 */
export async function stopContainerd(config: StackConfig, node: KubeNodeConfig): Promise<void> {
  const pid = pidFile(config, containerdName(node));
  if (livePid(pid) !== undefined && (await containerdAnswers(node))) {
    const tasks = (await ctr(node, ['tasks', 'ls', '-q']).catch(() => ''))
      .split('\n')
      .map((t) => t.trim())
      .filter(Boolean);
    // `rm --force` SIGKILLs a running task before deleting it; pods are being torn down anyway.
    for (const task of tasks) await ctr(node, ['tasks', 'rm', '--force', task]).catch(() => undefined);
  }
  await stopDaemon(pid);
  for (const shim of shimPids(node)) {
    try {
      process.kill(shim, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10000;
  while (shimPids(node).some(isAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  rmSync(node.containerd.socket, { force: true });
  rmSync(`${node.containerd.socket}.ttrpc`, { force: true });
}
