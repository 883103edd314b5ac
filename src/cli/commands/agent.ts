import { join } from 'node:path';
import type { Command } from 'commander';
import { addConnectionOptions, connectionSettings, type ConnectionCliOptions } from '../context';

interface AgentCliOptions extends ConnectionCliOptions {
  host: string;
  hostAddress: string;
  stateDir?: string;
  dockerSocket?: string;
}

export function registerAgentCommand(program: Command): void {
  const cmd = program
    .command('agent')
    .description("run a Sluice agent on one host of a fleet: the host's own deploy steps, on its own task queue (docs/fleet.md)")
    .requiredOption('--host <name>', 'the host name the environment lists under hosts (task queue sluice.host.<name>)')
    .requiredOption('--host-address <addr>', 'the address its instances answer on (the environment lists it as the host address)')
    .option('--state-dir <dir>', "this host's processes, logs and retained binaries (default: <stack state>/hosts/<name>)")
    .option('--docker-socket <path>', "this host's Docker engine socket (default: the embedded stack's)");
  addConnectionOptions(cmd);
  cmd.action(async (opts: AgentCliOptions) => {
    const settings = connectionSettings(opts);
    if (settings.tls || settings.apiKey) throw new Error('the agent does not support TLS or API keys yet; run it next to a plaintext frontend');
    // Loaded on demand, like the worker: the other commands never need the activities.
    const { runAgent } = require('../../worker/agent') as typeof import('../../worker/agent');
    const { loadStackConfig } = require('../../dev/config') as typeof import('../../dev/config');
    const { adapterConfigFromStack } = require('../../worker/adapters') as typeof import('../../worker/adapters');
    const { createPinoLogger } = require('../../worker/logger') as typeof import('../../worker/logger');
    const stack = loadStackConfig(process.env);
    const adapters = {
      ...adapterConfigFromStack(stack, opts.dockerSocket ? { dockerSocket: opts.dockerSocket } : {}),
      stateDir: opts.stateDir ?? join(stack.stateDir, 'hosts', opts.host),
    };
    await runAgent({
      host: opts.host,
      address: opts.hostAddress,
      namespace: settings.namespace,
      connection: { address: settings.address },
      adapters,
      logger: createPinoLogger(),
    });
  });
}
