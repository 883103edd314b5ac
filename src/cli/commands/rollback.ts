import type { Command } from 'commander';
import {
  addConnectionOptions,
  addOutputOption,
  addSpecOptions,
  loadSpec,
  resolveRef,
  withClient,
  type ConnectionCliOptions,
  type OutputFormat,
  type SpecCliOptions,
} from '../context';
import { ExitCode } from '../exit-codes';
import { formatMs } from '../render/format';
import { pairLabel } from '../../domain/release';

interface RollbackCliOptions extends ConnectionCliOptions, SpecCliOptions {
  to?: string;
  configVersion?: string;
  wait?: boolean;
  output: OutputFormat;
}

export function registerRollbackCommand(program: Command): void {
  const cmd = program
    .command('rollback')
    .description('put a retained release back at 100% (default: the one before the live one) — the scripted `kubectl set image …:v1.2.2`')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name')
    .option('--to <version>', 'retained version, image tag or digest ref (see `sluice releases`); its config version comes back with it')
    .option(
      '--config-version <id>',
      'a config version (cfg-…) the service went live with here: restored with the live build, or with --to (--config names the Temporal client config file)',
    )
    .option('-w, --wait', 'wait for the rollback to finish; exit 0 when done, 1 when it failed');
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice rollback checkout production --wait
  sluice rollback checkout production --to 1.4.2 --wait
  sluice rollback --to v1.4.2-a1b2c3d         # service and environment from ./sluice.yaml
  sluice rollback checkout production --config-version cfg-1a2b3c4d5e6f --wait   # config alone, live build

Target and router come from -f sluice.yaml when given, else from the latest release's input.`,
  );
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: RollbackCliOptions) => {
    const ref = resolveRef(service, environment, opts);
    const spec = opts.file ? loadSpec({ ...opts, env: ref.environment }).spec : undefined;
    process.exitCode = await withClient(opts, async (client) => {
      const started = await client.rollback(ref, { toVersion: opts.to, ...(opts.configVersion ? { toConfig: opts.configVersion } : {}), spec, wait: opts.wait });
      if (opts.output === 'json') {
        console.log(JSON.stringify(started));
      } else {
        console.log(`workflow ${started.workflowId}\nweb ui   ${started.link}`);
        const r = started.result;
        if (r) console.log(`${r.outcome}: ${r.message} (${r.from ? pairLabel(r.from) : '?'} → ${r.to ? pairLabel(r.to) : '?'} in ${formatMs(r.durationMs)})`);
        else console.log(`started; follow it in the Web UI, or pass --wait`);
      }
      return started.result && started.result.outcome !== 'rolled-back' ? ExitCode.Failed : ExitCode.Ok;
    });
  });
}
