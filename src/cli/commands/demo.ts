import type { Command } from 'commander';
import { addConnectionOptions, type ConnectionCliOptions } from '../context';

export function registerDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .description('on the embedded stack: three real releases of examples/go-service — v1 installed, v2 canary promoted, v3 (injected errors) rolled back automatically')
    .option('--keep', 'leave the demo service running at the end (default: remove it)')
    .option('--target <kind>', 'docker or process', 'docker');
  addConnectionOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  sluice dev up && sluice demo\n  npm run demo\n');
  cmd.action(async (opts: ConnectionCliOptions & { keep?: boolean; target: string }) => {
    const { runDemo } = require('../../demo') as typeof import('../../demo');
    process.exitCode = await runDemo(opts);
  });
}
