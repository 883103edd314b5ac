import type { Command } from 'commander';
import { loadStackConfig, recordTemporalMode, type TemporalMode } from '../dev/config';
import { DEFAULT_KUBE_NODES, kubeNodeCountFromEnv, MAX_KUBE_NODES, parseKubeNodeCount } from '../dev/components/kube-node-config';
import pino from 'pino';
import { runServiceProxy } from '../dev/service-proxy/daemon';
import { chownTree } from '../dev/ownership';
import { parseTemporalMode } from '../dev/components/temporal-cluster';
import { ALL_COMPONENTS, componentsInUse, selectComponents, stackDown, stackPrepare, stackStatus, stackUp, temporalModeInUse } from '../dev/stack';

function componentList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

interface Owner {
  uid: number;
  gid: number;
}

function parseOwner(value: string): Owner {
  const match = /^(\d+):(\d+)$/.exec(value);
  if (!match) throw new Error(`--owner wants numeric uid:gid, e.g. 65532:65532, not ${JSON.stringify(value)}`);
  return { uid: Number(match[1]), gid: Number(match[2]) };
}

export function registerDevCommands(program: Command): void {
  const dev = program
    .command('dev')
    .description('manage the embedded local stack (Temporal dev server, dockerd, registry, Prometheus, Alertmanager, HAProxy)')
    .addHelpText(
      'after',
      '\nExamples:\n  sluice dev up\n  sluice dev up --temporal cluster\n  sluice dev up --kubernetes\n  sluice dev up --kubernetes --kube-nodes 3\n  sluice dev up --only registry-secure\n  sluice dev status --output json\n  sluice dev down\n\n' +
        'State lives in $SLUICE_STATE_DIR (default ~/.sluice/state), one log per component under logs/.',
    );

  dev
    .command('up')
    .description('start every component that is not already running and healthy (idempotent)')
    .option('--only <components>', 'comma-separated subset, e.g. temporal,prometheus; also the optional supervisord, config-etcd, registry-secure', componentList)
    .option('--kubernetes', 'also start a local Kubernetes control plane (etcd, kube-apiserver, controller-manager, scheduler, kwok, a stand-in for kube-proxy) and its real nodes')
    .option(
      '--kube-nodes <count>',
      `with --kubernetes: also run this many real nodes (containerd + kubelet each, on 127.0.0.2 and up; 0-${MAX_KUBE_NODES}, default $SLUICE_KUBE_NODES or ${DEFAULT_KUBE_NODES}; 0 = kwok's fake nodes only)`,
      (value: string) => parseKubeNodeCount(value, '--kube-nodes'),
    )
    .option(
      '--temporal <mode>',
      'dev: the Temporal dev server (default); cluster: Temporal as separate frontend, history, matching and worker processes on PostgreSQL, with its Web UI, on the same ports (default: whichever this state dir runs)',
      parseTemporalMode,
    )
    .option('-o, --output <format>', 'text or json (json maps each component to started | reused-own | reused-external)', 'text')
    .action(async (opts: { only?: string[]; kubernetes?: boolean; kubeNodes?: number; temporal?: TemporalMode; output: string }) => {
      let config = loadStackConfig();
      const temporal = opts.temporal ?? temporalModeInUse(config);
      if (temporal !== config.temporal.mode) {
        recordTemporalMode(config, temporal);
        // Read again: the cluster's clients (health checks, the receiver) then use its mTLS files.
        config = loadStackConfig();
      }
      const started = Date.now();
      // Real nodes join the local control plane: SLUICE_KUBE_NODES applies only with --kubernetes.
      if ((opts.kubeNodes ?? 0) > 0 && !opts.kubernetes) throw new Error('--kube-nodes needs --kubernetes: real nodes join the local control plane');
      const kubeNodes = opts.kubeNodes ?? (opts.kubernetes ? kubeNodeCountFromEnv() : 0);
      const result = await stackUp(config, selectComponents(opts.only, { kubernetes: opts.kubernetes, kubeNodes, temporal }));
      if (opts.output === 'json') {
        console.log(JSON.stringify(Object.fromEntries(result)));
        return;
      }
      const width = Math.max(...[...result.keys()].map((n) => n.length)) + 1;
      for (const [name, how] of result) console.log(`${name.padEnd(width)} ${how}`);
      console.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (state: ${config.stateDir})`);
    });

  dev
    .command('prepare')
    .description("write the stack's configuration files and directories into the state dir and start nothing (docker-compose.yml runs the components in containers that read them)")
    .option('--only <components>', 'comma-separated subset', componentList)
    .option('--owner <uid:gid>', 'then hand the state dir to this numeric user and group (the containers run as 65532:65532)', parseOwner)
    .action((opts: { only?: string[]; owner?: Owner }) => {
      const config = loadStackConfig();
      const prepared = stackPrepare(config, opts.only ? selectComponents(opts.only) : undefined);
      if (opts.owner) chownTree(config.stateDir, opts.owner.uid, opts.owner.gid);
      console.log(`prepared ${prepared.join(', ')} in ${config.stateDir}${opts.owner ? ` (owner ${opts.owner.uid}:${opts.owner.gid})` : ''}`);
    });

  dev
    .command('down')
    .description('stop the components this stack started (reused external ones are left running)')
    .option('--only <components>', 'comma-separated subset', componentList)
    .action(async (opts: { only?: string[] }) => {
      // Without --only: everything this state dir started, the Kubernetes control plane included.
      // `--only temporal` names whichever Temporal the state dir runs, as it does for `up`.
      const config = loadStackConfig();
      const stopped = await stackDown(config, opts.only ? selectComponents(opts.only, { temporal: temporalModeInUse(config) }) : [...ALL_COMPONENTS]);
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing to stop');
    });

  dev
    .command('status')
    .description('list each component with its URL and health; exits 1 when one is unhealthy')
    .option('--kubernetes', 'include the Kubernetes control plane even when it is not running')
    .option('--kube-nodes <count>', 'include this many real nodes even when they are not running', (value: string) => parseKubeNodeCount(value, '--kube-nodes'))
    .option('-o, --output <format>', 'text or json', 'text')
    .action(async (opts: { kubernetes?: boolean; kubeNodes?: number; output: string }) => {
      const config = loadStackConfig();
      const rows = await stackStatus(config, componentsInUse(config, { kubernetes: opts.kubernetes, kubeNodes: opts.kubeNodes }));
      if (opts.output === 'json') {
        console.log(JSON.stringify(rows, null, 2));
      } else {
        const width = Math.max(...rows.map((r) => r.name.length)) + 1;
        for (const row of rows) {
          const health = row.healthy ? 'healthy' : 'DOWN';
          const owner = row.managed ? `pid ${row.pid}` : row.healthy ? 'external' : '-';
          console.log(`${row.name.padEnd(width)} ${health.padEnd(8)} ${owner.padEnd(11)} ${row.url}`);
        }
      }
      if (rows.some((r) => !r.healthy)) process.exitCode = 1;
    });

  dev
    .command('service-proxy')
    .description(
      "run the stack's stand-in for kube-proxy (the kube-service-proxy component starts it): NodePort Services on 127.0.0.1:<nodePort>, balanced over their ready pods by one HAProxy per port",
    )
    .requiredOption('--kubeconfig <file>', 'its own identity: read Services and Pods')
    .requiredOption('--run-dir <dir>', "where each port's HAProxy keeps its configuration and admin socket")
    .option('--listen <host:port>', 'where /healthz answers', '127.0.0.1:10256')
    .action(async (opts: { kubeconfig: string; runDir: string; listen: string }) => {
      const match = /^(.+):(\d+)$/.exec(opts.listen);
      if (!match) throw new Error(`--listen wants host:port, not ${opts.listen}`);
      const logger = pino({ base: { component: 'kube-service-proxy' } });
      const proxy = await runServiceProxy({ kubeconfig: opts.kubeconfig, runDir: opts.runDir, listen: { host: match[1]!, port: Number(match[2]) }, logger });
      const stop = () => void proxy.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
