import { Command } from 'commander';
import { isClientError } from '../client';
import { packageVersion } from '../lib/paths';
import { registerAlertsCommands } from './commands/alerts';
import { registerApproverCommands } from './commands/approver';
import { registerCodecCommands } from './commands/codec';
import { registerConfigCommands } from './commands/config';
import { registerControlCommands } from './commands/control';
import { registerDemoCommand } from './commands/demo';
import { registerDrillScheduleCommands } from './commands/drill-schedule';
import { registerDeployCommand } from './commands/deploy';
import { registerDrillCommands } from './commands/drill';
import { registerHistoryCommand } from './commands/history';
import { registerReleasesCommand } from './commands/releases';
import { registerReportCommand } from './commands/report';
import { registerRollbackCommand } from './commands/rollback';
import { registerStatsCommand } from './commands/stats';
import { registerWorkerCommand } from './commands/worker';
import { registerAgentCommand } from './commands/agent';
import { UsageError } from './context';
import { registerDevCommands } from './dev';
import { ExitCode } from './exit-codes';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sluice')
    .description('Durable deployments on Temporal: canary, blue-green and recreate releases with automatic rollback')
    .showHelpAfterError()
    // Subcommands own their options after the command name, so `deploy --version 1.2.3` is the
    // deploy option, not the program's --version.
    .enablePositionalOptions()
    .version(packageVersion())
    .addHelpText(
      'after',
      `
Examples:
  sluice dev up                                  # start the embedded stack
  sluice demo                                    # three real releases: install, canary promote, automatic rollback
  sluice worker                                  # run a worker (task queue "sluice")
  sluice deploy --wait                           # release ./sluice.yaml; exit 0 promoted, 3 rolled back, 4 aborted, 1 failed
  sluice status checkout production
  sluice approve checkout production
  sluice rollback checkout production --to 1.4.2 --wait
  sluice history checkout production --phase rolled-back
  sluice report checkout production              # the latest release as one HTML page
  sluice drill schedule checkout production --kind bad-canary --every 168h
  sluice stats checkout production --since 30d
  sluice config set checkout production LOG_LEVEL=debug

Connection: --address/TEMPORAL_ADDRESS, --namespace/TEMPORAL_NAMESPACE, --api-key/TEMPORAL_API_KEY,
--tls-cert/TEMPORAL_TLS_CERT, --tls-key/TEMPORAL_TLS_KEY, --tls-ca/TEMPORAL_TLS_CA, or a Temporal
config file (--config/TEMPORAL_CONFIG_FILE, --profile). Default: the embedded stack, 127.0.0.1:7233.`,
    );
  registerDevCommands(program);
  registerDeployCommand(program);
  registerControlCommands(program);
  registerApproverCommands(program);
  registerRollbackCommand(program);
  registerDrillCommands(program);
  registerHistoryCommand(program);
  registerReportCommand(program);
  registerReleasesCommand(program);
  registerDrillScheduleCommands(program);
  registerStatsCommand(program);
  registerWorkerCommand(program);
  registerAgentCommand(program);
  registerDemoCommand(program);
  registerAlertsCommands(program);
  registerConfigCommands(program);
  registerCodecCommands(program);
  return program;
}

/** One line for people; stack traces only with SLUICE_DEBUG=1. */
export function reportError(err: unknown): number {
  if (process.env.SLUICE_DEBUG) console.error(err);
  const message = err instanceof Error ? err.message : String(err);
  // Usage and client errors are written for people already; anything else gets its type too.
  const known = err instanceof UsageError || isClientError(err) || !(err instanceof Error) || err.name === 'Error';
  console.error(`sluice: ${known ? '' : `${(err as Error).name}: `}${message}`);
  return ExitCode.Failed;
}

/**
 * Shell completion from the command tree (@bomb.sh/tab): `sluice completion bash|zsh|fish|powershell`
 * prints the script to source; at each TAB the shell asks `sluice complete -- <words>`, so the
 * completions follow the installed version's commands and options.
 */
export async function addCompletion(program: Command): Promise<Command> {
  const { default: tab } = await import('@bomb.sh/tab/commander');
  tab(program, { completionCommandName: 'completion' });
  program.commands
    .find((c) => c.name() === 'completion')
    ?.addHelpText(
      'after',
      '\nExamples:\n  source <(sluice completion bash)   # in ~/.bashrc (with the bash-completion package)\n  source <(sluice completion zsh)    # in ~/.zshrc\n',
    );
  return program;
}

export async function run(argv: string[] = process.argv): Promise<void> {
  // `sluice status | head` closes the pipe early; that is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  try {
    await (await addCompletion(buildProgram())).parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err);
  }
}

if (require.main === module) {
  void run();
}
