/**
 * `sluice drill …`: rollback drills (docs/drills.md). A command group: `run` lives here; the
 * schedule subcommands (schedule, list, pause, unpause, delete, trigger, history) register on
 * the same group (registerDrillCommands returns it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { SluiceClient } from '../../client';
import { DRILL_KINDS, type DrillKind, type DrillResult } from '../../domain/drill';
import type { ReleaseSpec } from '../../domain/spec';
import {
  addConnectionOptions,
  addOutputOption,
  addSpecOptions,
  DEFAULT_SPEC_FILE,
  loadSpec,
  resolveRef,
  withClient,
  type ConnectionCliOptions,
  type OutputFormat,
  type SpecCliOptions,
} from '../context';
import { ExitCode } from '../exit-codes';
import { formatMs } from '../render/format';

interface DrillRunCliOptions extends ConnectionCliOptions, SpecCliOptions {
  kind: DrillKind;
  wait?: boolean;
  output: OutputFormat;
}

/** Registers `sluice drill` and its `run` subcommand; returns the group for the other subcommands. */
export function registerDrillCommands(program: Command): Command {
  const drill = program.command('drill').description('rollback drills: break or move the live version on purpose and time the way back (docs/drills.md)');
  registerDrillRun(drill);
  return drill;
}

/** The exit code of a drill: 0 passed, 1 failed (loud on purpose), 4 aborted or skipped (only a scheduled drill skips). */
export function exitCodeForDrill(result: DrillResult): ExitCode {
  switch (result.outcome) {
    case 'passed':
      return ExitCode.Ok;
    case 'failed':
      return ExitCode.Failed;
    case 'aborted':
    case 'skipped':
      return ExitCode.Aborted;
    default: {
      const unhandled: never = result.outcome;
      return unhandled;
    }
  }
}

export function describeDrill(result: DrillResult): string {
  const share = (ms: number | null) => (ms === null ? '-' : `${formatMs(ms)} (${Math.round((100 * ms) / result.budgetMs)}% of budget)`);
  return [
    `${result.outcome.toUpperCase()} ${result.kind} drill of ${result.service} in ${result.environment}: ${result.reason}`,
    `  ${result.message}`,
    `  time to detect   ${share(result.timeToDetectMs)}`,
    `  time to restore  ${share(result.timeToRestoreMs)}`,
    `  budget           ${formatMs(result.budgetMs)}`,
    `  live before      ${result.live?.version ?? '-'}   after ${result.after?.version ?? '-'}`,
  ].join('\n');
}

/** The environment's spec: -f or ./sluice.yaml when there, else the input of its latest release. */
async function drillSpec(client: SluiceClient, service: string | undefined, environment: string | undefined, opts: SpecCliOptions): Promise<ReleaseSpec> {
  const ref = resolveRef(service, environment, opts);
  if (opts.file || existsSync(resolve(DEFAULT_SPEC_FILE))) return loadSpec({ ...opts, env: ref.environment }).spec;
  const last = await client.lastSpec(ref);
  if (!('capabilities' in last) || !('strategy' in last)) {
    throw new Error(`the latest release of ${ref.service} in ${ref.environment} carries no full spec; pass it with -f sluice.yaml`);
  }
  return last as unknown as ReleaseSpec;
}

function registerDrillRun(drill: Command): void {
  const cmd = drill
    .command('run')
    .description('run one drill now: bad-canary (the live version again, with the fault, through the real strategy and analysis) or rollback-restore')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name')
    .addOption(new Option('-k, --kind <kind>', 'what to drill').choices([...DRILL_KINDS]).makeOptionMandatory())
    .option('-w, --wait', 'wait for the drill; exit 0 when it passed, 1 when it failed, 4 when it was aborted');
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice drill run checkout production --kind bad-canary --wait
  sluice drill run checkout staging --kind rollback-restore -f sluice.yaml --wait

The spec (strategy, analysis, drill: fault and budget) comes from -f or ./sluice.yaml, else from
the latest release's input. A drill refuses to start while a release runs; a release started
during a drill aborts it (the drill restores the live version first).`,
  );
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: DrillRunCliOptions) => {
    process.exitCode = await withClient(opts, async (client) => {
      const spec = await drillSpec(client, service, environment, opts);
      const started = await client.drill(spec, opts.kind, { wait: opts.wait });
      if (opts.output === 'json') {
        console.log(JSON.stringify(started));
      } else {
        console.log(`workflow ${started.workflowId}\nweb ui   ${started.link}`);
        if (started.result) console.log(describeDrill(started.result));
        else console.log('started; pass --wait to wait for the result');
      }
      return started.result ? exitCodeForDrill(started.result) : ExitCode.Ok;
    });
  });
}
