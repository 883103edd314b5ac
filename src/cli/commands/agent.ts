import { join } from 'node:path';
import type { Command } from 'commander';
import { addConnectionOptions, connectionSettings, type ConnectionCliOptions } from '../context';
import { workerConnection } from '../../client';

interface AgentCliOptions extends ConnectionCliOptions {
  host: string;
  hostAddress: string;
  stateDir?: string;
  dockerSocket?: string;
  supervisor: string;
}

function withEngine<T>(engine: T | undefined): { dockerEngine?: T } {
  return engine ? { dockerEngine: engine } : {};
}

export function registerAgentCommand(program: Command): void {
  const cmd = program
    .command('agent')
    .description("run a Sluice agent on one host of a fleet: the host's own deploy steps, on its own task queue (docs/fleet.md)")
    .requiredOption('--host <name>', 'the host name the environment lists under hosts (task queue sluice.host.<name>)')
    .requiredOption('--host-address <addr>', 'the address its instances answer on (the environment lists it as the host address)')
    .option('--state-dir <dir>', "this host's processes, logs and retained binaries (default: <stack state>/hosts/<name>)")
    .option('--docker-socket <path>', "this host's Docker engine socket (default: the embedded stack's)")
    .option(
      '--supervisor <kind>',
      "what runs the process target's instances: supervisord (the host's own, started under <state-dir>/supervisord if it is not running, and left running when the agent stops) or pidfile",
      'supervisord',
    );
  addConnectionOptions(cmd);
  cmd.action(async (opts: AgentCliOptions) => {
    const settings = connectionSettings(opts);
    // Loaded on demand, like the worker: the other commands never need the activities.
    const { runAgent } = require('../../worker/agent') as typeof import('../../worker/agent');
    const { loadStackConfig } = require('../../dev/config') as typeof import('../../dev/config');
    const { adapterConfigFromStack, dockerEngineFromEnv } = require('../../worker/adapters') as typeof import('../../worker/adapters');
    const { createPinoLogger } = require('../../worker/logger') as typeof import('../../worker/logger');
    const { startSupervisord } = require('../../lib/supervisord-instance') as typeof import('../../lib/supervisord-instance');
    if (opts.supervisor !== 'supervisord' && opts.supervisor !== 'pidfile') throw new Error(`--supervisor must be supervisord or pidfile, got ${opts.supervisor}`);
    const stack = loadStackConfig(process.env);
    const stateDir = opts.stateDir ?? join(stack.stateDir, 'hosts', opts.host);
    // The host's services outlive its agent: supervisord runs detached, and a restarted agent finds it.
    const supervisord = opts.supervisor === 'supervisord' ? await startSupervisord(join(stateDir, 'supervisord')) : undefined;
    const adapters = {
      // The host's Docker engine: --docker-socket, else DOCKER_HOST / DOCKER_TLS_VERIFY / DOCKER_CERT_PATH as the docker CLI reads them, else the stack's.
      ...adapterConfigFromStack(stack, opts.dockerSocket ? { dockerSocket: opts.dockerSocket } : withEngine(dockerEngineFromEnv(process.env))),
      stateDir,
      processSupervisor: supervisord ? ({ kind: 'supervisord' } as const) : ({ kind: 'pidfile' } as const),
      ...(supervisord ? { supervisordSocket: supervisord.socket } : {}),
    };
    await runAgent({
      host: opts.host,
      address: opts.hostAddress,
      namespace: settings.namespace,
      connection: workerConnection(settings),
      adapters,
      logger: createPinoLogger(),
    });
  });
}
