import { Command } from 'commander';
import { packageVersion } from '../lib/paths';
import { registerDevCommands } from './dev';

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('sluice')
    .description('Durable deployments on Temporal: canary, blue-green and recreate releases with automatic rollback')
    .showHelpAfterError()
    .version(packageVersion());
  registerDevCommands(program);
  return program;
}

if (require.main === module) {
  buildProgram()
    .parseAsync(process.argv)
    .catch((err: unknown) => {
      console.error(`sluice: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    });
}
