/**
 * `sluice drill schedule|list|pause|unpause|delete|trigger|history`: drills on Temporal Schedules
 * (src/client/drills). `drill run` is registered beside these in the same group.
 */
import { Option, type Command } from 'commander';
import {
  DrillCadence,
  deleteDrillSchedule,
  describeCadence,
  drillHistoryQuery,
  listDrillHistory,
  listDrillSchedules,
  pauseDrillSchedule,
  scheduleDrill,
  triggerDrillSchedule,
  unpauseDrillSchedule,
  visibilityUiLink,
  defaultActor,
  SluiceClientError,
  type ScheduleContext,
  type SluiceClient,
} from '../../client';
import { DRILL_KINDS, type DrillKind } from '../../domain/drill';
import { ErrorType } from '../../domain/errors';
import {
  addConnectionOptions,
  addOutputOption,
  addSpecOptions,
  loadSpec,
  resolveRef,
  UsageError,
  withClient,
  type ConnectionCliOptions,
  type OutputFormat,
  type SpecCliOptions,
} from '../context';
import { formatMs, table } from '../render/format';
import { drillGroup } from './drill-group';

interface DrillCliOptions extends ConnectionCliOptions, SpecCliOptions {
  kind?: DrillKind;
  output: OutputFormat;
}

function kindOption(required: boolean): Option {
  const o = new Option('--kind <kind>', 'drill kind').choices([...DRILL_KINDS]);
  return required ? o.makeOptionMandatory() : o;
}

function context(client: SluiceClient): ScheduleContext {
  return { temporal: client.temporal, taskQueue: client.taskQueue, namespace: client.namespace, uiUrl: client.settings.uiUrl };
}

function print(opts: { output: OutputFormat }, json: unknown, text: string): void {
  console.log(opts.output === 'json' ? JSON.stringify(json, null, 2) : text);
}

function withOptions(cmd: Command): Command {
  addSpecOptions(cmd);
  addOutputOption(cmd);
  return addConnectionOptions(cmd);
}

export function registerDrillScheduleCommands(program: Command): void {
  const drill = drillGroup(program);

  const schedule = drill
    .command('schedule')
    .description('run a drill on a Temporal Schedule (created, or updated in place when it exists); the spec comes from sluice.yaml')
    .argument('[service]', "service name (default: the spec's)")
    .argument('[environment]', "environment (default: the spec's, else production)")
    .addOption(kindOption(true))
    .option('--every <interval>', 'interval, e.g. 168h, 7d, 30m')
    .option('--cron <expression>', "five-field cron in UTC, e.g. '0 3 * * 1' (Mondays 03:00)");
  withOptions(schedule).addHelpText(
    'after',
    `
Examples:
  sluice drill schedule checkout production --kind bad-canary --every 168h
  sluice drill schedule --kind rollback-restore --cron '0 3 * * 1' -f deploy/sluice.yaml

Overlap policy SKIP (a drill never starts while the previous one runs), catch-up window 1h, pause
on failure. Running it again updates the schedule (cadence and spec) and keeps it paused if it was.`,
  );
  schedule.action(async (service: string | undefined, environment: string | undefined, opts: DrillCliOptions & { every?: string; cron?: string }) => {
    const cadence = DrillCadence.safeParse({ ...(opts.every !== undefined ? { every: opts.every } : {}), ...(opts.cron !== undefined ? { cron: opts.cron } : {}) });
    if (!cadence.success) {
      const issue = cadence.error.issues[0]!;
      const flag = issue.path[0] === 'every' ? '--every ' : issue.path[0] === 'cron' ? '--cron ' : '';
      throw new SluiceClientError(ErrorType.InvalidDrillSchedule, `${flag}${issue.message}`);
    }
    const { spec } = loadSpec({ ...opts, env: environment ?? opts.env });
    if (service && service !== spec.service) throw new UsageError(`the spec ${opts.file ?? 'sluice.yaml'} is for service ${spec.service}, not ${service}`);
    await withClient(opts, async (client) => {
      const done = await scheduleDrill(context(client), spec, opts.kind!, cadence.data);
      print(
        opts,
        { ...done, service: spec.service, environment: spec.environment, kind: opts.kind, cadence: describeCadence(cadence.data) },
        `${done.created ? 'created' : 'updated'} ${done.scheduleId}: ${opts.kind} drill of ${spec.service} in ${spec.environment}, ${describeCadence(cadence.data)}\nweb ui  ${done.link}`,
      );
    });
  });

  const list = drill
    .command('list')
    .description('drill schedules, with their state, next runs and recent runs')
    .argument('[service]', 'only this service')
    .argument('[environment]', 'only this environment');
  withOptions(list);
  list.action(async (service: string | undefined, environment: string | undefined, opts: DrillCliOptions) => {
    await withClient(opts, async (client) => {
      const schedules = await listDrillSchedules(context(client), {
        ...(service ? { service } : {}),
        ...((environment ?? opts.env) ? { environment: environment ?? opts.env } : {}),
      });
      if (opts.output === 'json') return print(opts, schedules, '');
      if (schedules.length === 0) return console.log('no drill schedules');
      console.log(
        table(
          ['schedule', 'cadence', 'state', 'next run', 'runs', 'skipped (overlap)', 'last run'],
          schedules.map((s) => [
            s.scheduleId,
            s.cadence,
            s.paused ? `paused${s.note ? ` (${s.note})` : ''}` : s.running.length > 0 ? 'running' : 'active',
            s.nextRuns[0]?.replace('T', ' ').slice(0, 19) ?? '-',
            String(s.actionsTaken),
            String(s.skippedOverlap),
            s.recentRuns.at(-1)?.link ?? '-',
          ]),
        ),
      );
    });
  });

  const simple: { name: 'pause' | 'unpause' | 'delete' | 'trigger'; description: string; past: string }[] = [
    { name: 'pause', description: 'pause a drill schedule (no drills until unpaused)', past: 'paused' },
    { name: 'unpause', description: 'unpause a drill schedule', past: 'unpaused' },
    { name: 'delete', description: 'delete a drill schedule (past drills stay in history)', past: 'deleted' },
    { name: 'trigger', description: 'run the scheduled drill now (skipped while one runs)', past: 'triggered' },
  ];
  for (const { name, description, past } of simple) {
    const cmd = drill.command(name).description(description).argument('[service]', 'service name').argument('[environment]', 'environment name').addOption(kindOption(true));
    if (name === 'pause' || name === 'unpause') cmd.option('--note <text>', 'why (shown by `drill list` and in the Web UI)');
    withOptions(cmd);
    cmd.action(async (service: string | undefined, environment: string | undefined, opts: DrillCliOptions & { note?: string }) => {
      const ref = { ...resolveRef(service, environment, opts), kind: opts.kind! };
      await withClient(opts, async (client) => {
        const ctx = context(client);
        const note = opts.note ?? `${past} by ${defaultActor()}`;
        if (name === 'pause') await pauseDrillSchedule(ctx, ref, note);
        else if (name === 'unpause') await unpauseDrillSchedule(ctx, ref, note);
        else if (name === 'delete') await deleteDrillSchedule(ctx, ref);
        else await triggerDrillSchedule(ctx, ref);
        print(opts, { ...ref, action: name }, `${past} drill schedule of ${ref.service} in ${ref.environment} (${ref.kind})`);
      });
    });
  }

  const history = drill
    .command('history')
    .description('past and running drills of a service in an environment, newest first: outcome, time to detect, time to restore, budget')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name')
    .option('-n, --limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 20);
  withOptions(history);
  history.action(async (service: string | undefined, environment: string | undefined, opts: DrillCliOptions & { limit: number }) => {
    const ref = resolveRef(service, environment, opts);
    await withClient(opts, async (client) => {
      const entries = await listDrillHistory(context(client), ref, { limit: opts.limit });
      if (opts.output === 'json') return print(opts, entries, '');
      if (entries.length === 0) console.log(`no drills of ${ref.service} in ${ref.environment}`);
      else
        console.log(
          table(
            ['started', 'kind', 'outcome', 'detect', 'restore', 'budget', 'by', 'web ui'],
            entries.map((e) => [
              e.startTime.replace('T', ' ').slice(0, 19),
              e.kind ?? '-',
              e.outcome ?? e.execution.toLowerCase(),
              e.timeToDetectMs != null ? formatMs(e.timeToDetectMs) : '-',
              e.timeToRestoreMs != null ? formatMs(e.timeToRestoreMs) : '-',
              e.budgetMs != null ? formatMs(e.budgetMs) : '-',
              e.requestedBy ?? '',
              e.link,
            ]),
          ),
        );
      const query = drillHistoryQuery(ref.service, ref.environment);
      console.log(`\nquery: ${query}\n${visibilityUiLink(client.settings.uiUrl, client.namespace, query)}`);
    });
  });
}
