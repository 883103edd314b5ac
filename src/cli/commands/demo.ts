import type { Command } from 'commander';
import { addConnectionOptions, connectionSettings, type ConnectionCliOptions } from '../context';
import { ExitCode } from '../exit-codes';
import { eventLine, formatMs, outcomeLabel, table } from '../render/format';

export function registerDemoCommand(program: Command): void {
  const cmd = program
    .command('demo')
    .description('on the embedded stack: three real releases of examples/go-service — v1 installed, v2 canary promoted, v3 (injected errors) rolled back automatically')
    .option('--keep', 'leave the demo service running at the end (default: remove it)')
    .option('--target <kind>', 'docker or process', 'docker')
    .option('--prepare', 'only prepare what the releases need without Temporal (the local base images; dockerd must run), then exit');
  addConnectionOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  sluice dev up && sluice demo\n  npm run demo\n');
  cmd.action(async (opts: ConnectionCliOptions & { keep?: boolean; target: string; prepare?: boolean }) => {
    // Loaded on use: the demo brings a worker (and its native runtime) that other commands do not need.
    const { prepareDemo, runDemo } = require('../../demo') as typeof import('../../demo');
    if (opts.prepare) {
      await prepareDemo();
      return;
    }
    const ok = await runDemo({ settings: connectionSettings(opts), view: { eventLine, outcomeLabel, formatMs, table }, keep: opts.keep, target: opts.target });
    process.exitCode = ok ? ExitCode.Ok : ExitCode.Failed;
  });
}
