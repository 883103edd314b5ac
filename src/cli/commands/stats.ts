/**
 * `sluice stats`: the delivery record (DORA's five metrics and the drills) from Temporal alone.
 * Definitions: src/domain/delivery-record.ts and docs/stats.md.
 */
import { Option, type Command } from 'commander';
import { deliveryRecord, parseStatsWindow } from '../../client';
import type { DeliveryFigures } from '../../domain/delivery-record';
import { addConnectionOptions, withClient, type ConnectionCliOptions } from '../context';
import { formatMs, table } from '../render/format';

interface StatsCliOptions extends ConnectionCliOptions {
  since: string;
  output: 'table' | 'text' | 'json';
}

function pct(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

function ms(v: number | null): string {
  return v === null ? '-' : formatMs(v);
}

function row(service: string, environment: string, f: DeliveryFigures): string[] {
  return [
    service,
    environment,
    `${f.deploymentFrequency.deployments} (${f.deploymentFrequency.perDay.toFixed(2)}/day, ${f.deploymentFrequency.bucket})`,
    `${ms(f.changeLeadTime.medianMs)} / ${ms(f.changeLeadTime.p90Ms)}`,
    `${pct(f.changeFailRate.rate)} (${f.changeFailRate.failures}/${f.changeFailRate.deployments})`,
    `${ms(f.recoveryTime.medianMs)} / ${ms(f.recoveryTime.p90Ms)}`,
    `${pct(f.reworkRate.rate)} (${f.reworkRate.rework}/${f.reworkRate.deployments})`,
    f.drills.count === 0
      ? '-'
      : `${f.drills.count}, ${pct(f.drills.passRate)} passed, restore ${ms(f.drills.restoreMedianMs)} / worst ${ms(f.drills.restoreWorstMs)}${f.drills.skipped > 0 ? `, ${f.drills.skipped} skipped` : ''}`,
  ];
}

export function registerStatsCommand(program: Command): void {
  const cmd = program
    .command('stats')
    .description("the delivery record: DORA's five metrics and the drills, from Temporal visibility and release results (no other database)")
    .argument('[service]', 'only this service')
    .argument('[environment]', 'only this environment')
    .option('--since <window>', 'how far back, e.g. 90d, 12w, 48h', '90d')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'text', 'json']).default('table'));
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice stats                                   # every service and environment, last 90 days
  sluice stats checkout production --since 30d
  sluice stats --output json | jq '.total.changeFailRate.rate'

Deployments are promoted releases (drills never count). Lead time is commit → promotion (the
commit time is in each release's memo); change fail rate counts releases rolled back by a check,
analysis, bake or a person; recovery time is detection → traffic back on a good version. Medians
and p90s ignore values ≤ 0 (Four Keys). See docs/stats.md.`,
  );
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: StatsCliOptions) => {
    const windowMs = parseStatsWindow(opts.since);
    await withClient(opts, async (client) => {
      const record = await deliveryRecord(client.temporal, { windowMs, ...(service ? { service } : {}), ...(environment ? { environment } : {}) });
      if (opts.output === 'json') {
        console.log(JSON.stringify(record, null, 2));
        return;
      }
      const headers = ['service', 'environment', 'deployments', 'lead time (median / p90)', 'change fail rate', 'recovery (median / p90)', 'rework rate', 'drills'];
      const rows = record.groups.map((g) => row(g.service, g.environment, g.figures));
      if (record.groups.length > 1) rows.push(row('all', '', record.total));
      console.log(`delivery record ${record.since.slice(0, 10)} → ${record.until.slice(0, 10)} (${Math.round(record.days)} days)`);
      console.log(rows.length === 0 ? 'no releases, rollbacks or drills in this window' : table(headers, rows));
    });
  });
}
