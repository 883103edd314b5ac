import type { Command } from 'commander';
import { historyQuery, visibilityUiLink } from '../../client';
import { addConnectionOptions, addOutputOption, addSpecOptions, resolveRef, withClient, type ConnectionCliOptions, type OutputFormat, type SpecCliOptions } from '../context';
import { formatMs, table } from '../render/format';

interface HistoryCliOptions extends ConnectionCliOptions, SpecCliOptions {
  limit: number;
  phase?: string;
  output: OutputFormat;
  rollbacks: boolean;
}

export function registerHistoryCommand(program: Command): void {
  const cmd = program
    .command('history')
    .description('past and running releases (and rollbacks) of a service in an environment, newest first, from Temporal visibility')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name')
    .option('-n, --limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 20)
    .option('--phase <phase>', 'only releases that ended in this phase, e.g. rolled-back, succeeded, aborted')
    .option('--no-rollbacks', 'leave out rollbackWorkflow runs');
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice history checkout production
  sluice history checkout production --phase rolled-back   # every production release of checkout that rolled back
  sluice history --output json | jq '.[0].outcome'

The visibility query it runs is printed with the table; paste it into the Web UI's search box.`,
  );
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: HistoryCliOptions) => {
    const ref = resolveRef(service, environment, opts);
    await withClient(opts, async (client) => {
      const entries = await client.history(ref, { limit: opts.limit, phase: opts.phase, includeRollbacks: opts.rollbacks });
      if (opts.output === 'json') {
        console.log(JSON.stringify(entries, null, 2));
        return;
      }
      const query = historyQuery(ref, { phase: opts.phase, includeRollbacks: opts.rollbacks });
      if (entries.length === 0) console.log(`no releases of ${ref.service} in ${ref.environment}`);
      else
        console.log(
          table(
            ['started', 'kind', 'version', 'outcome', 'reason', 'duration', 'restore', 'web ui'],
            entries.map((e) => [
              e.startTime.replace('T', ' ').slice(0, 19),
              e.kind,
              e.version ?? '-',
              e.outcome ?? e.phase ?? e.execution.toLowerCase(),
              e.reason ?? '',
              e.durationMs !== undefined ? formatMs(e.durationMs) : 'running',
              e.timeToRollbackMs !== undefined ? formatMs(e.timeToRollbackMs) : '',
              e.link,
            ]),
          ),
        );
      console.log(`\nquery: ${query}\n${visibilityUiLink(client.settings.uiUrl, client.namespace, query)}`);
    });
  });
}
