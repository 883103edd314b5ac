import { Option, type Command } from 'commander';
import { ApplicationFailure } from '@temporalio/common';
import { withEtcd } from '../../activities/config-sources/etcd/client';
import { readHistory, readPrefix, writePrefix, type PrefixHistory } from '../../activities/config-sources/etcd/store';
import { SluiceClientError } from '../../client';
import { loadStackConfig } from '../../dev/config';
import { CONFIG_KEY_RULE, ConfigValue, configProblems, isConfigKey, type ConfigValues } from '../../domain/config';
import { diffConfig } from '../../domain/config-diff';
import { configVersion } from '../../domain/config-version';
import { ErrorType, type ErrorType as ErrorTypeName } from '../../domain/errors';
import { EnvironmentName, ServiceName } from '../../domain/spec';
import { configCentreEndpoints } from '../../worker/adapters';
import { DEFAULT_ENVIRONMENT, UsageError, addOutputOption, type OutputFormat } from '../context';
import { renderDiff, renderHistory, renderValues } from '../render/config';

interface ConfigCliOptions {
  etcd?: string;
  prefix?: string;
  output: OutputFormat;
}

/** Where one service's configuration lives in etcd, and how to reach it. */
interface ConfigLocation {
  service: string;
  environment: string;
  prefix: string;
  endpoints: string[];
  /** The embedded stack's config-etcd (so an unreachable one gets the command that starts it). */
  embedded: boolean;
}

export function defaultConfigPrefix(service: string, environment: string): string {
  return `/config/${service}/${environment}/`;
}

function locate(service: string, environment: string | undefined, opts: ConfigCliOptions): ConfigLocation {
  const env = environment ?? DEFAULT_ENVIRONMENT;
  if (!ServiceName.safeParse(service).success) throw new UsageError(`service "${service}" must be a DNS label: lowercase letters, digits and dashes`);
  if (!EnvironmentName.safeParse(env).success) throw new UsageError(`environment "${env}" must be a DNS label: lowercase letters, digits and dashes`);
  const prefix = opts.prefix ?? defaultConfigPrefix(service, env);
  if (!/^\/(?:[^/\s]+\/)+$/.test(prefix)) throw new UsageError(`--prefix "${prefix}" must be an absolute key prefix ending in "/", e.g. /config/checkout/production/`);
  const listed = (opts.etcd ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const endpoints = listed.length > 0 ? listed : configCentreEndpoints(loadStackConfig());
  return { service, environment: env, prefix, endpoints, embedded: listed.length === 0 && !process.env.SLUICE_CONFIG_ETCD_ENDPOINTS };
}

/** Runs `fn` against the location's etcd; a typed failure becomes a message for people. */
async function againstEtcd<T>(location: ConfigLocation, fn: Parameters<typeof withEtcd<T>>[1]): Promise<T> {
  try {
    return await withEtcd(location.endpoints, fn);
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type) {
      const hint = err.type === ErrorType.ConfigSourceUnavailable && location.embedded ? '\nthe embedded config centre is started by `sluice dev up --only config-etcd`' : '';
      throw new SluiceClientError(err.type as ErrorTypeName, `${err.message}${hint}`);
    }
    throw err;
  }
}

function revisionOption(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--revision must be a positive etcd revision, got "${value}"`);
  return n;
}

function addLocationOptions(cmd: Command): Command {
  cmd
    .addOption(new Option('--etcd <urls>', "the config centre's etcd client URLs, comma-separated (default: the embedded stack's config-etcd)").env('SLUICE_CONFIG_ETCD_ENDPOINTS'))
    .option('--prefix <prefix>', 'key prefix (default /config/<service>/<environment>/)');
  return addOutputOption(cmd);
}

/** `set` takes `[environment] KEY=VALUE...`: a first word without "=" is the environment. */
function parseAssignments(words: string[]): { environment?: string; set: ConfigValues } {
  const [first, ...rest] = words;
  const environment = first !== undefined && !first.includes('=') ? first : undefined;
  const set: ConfigValues = {};
  for (const word of environment === undefined ? words : rest) {
    const eq = word.indexOf('=');
    if (eq < 0) throw new UsageError(`"${word}" is not KEY=VALUE`);
    set[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return { environment, set };
}

/** Every bad key and value at once, before anything is written. */
function refuseBadInput(set: ConfigValues, unset: readonly string[]): void {
  const problems = [
    ...Object.keys(set)
      .filter((k) => !isConfigKey(k))
      .map((k) => `key ${JSON.stringify(k)} ${CONFIG_KEY_RULE}`),
    ...Object.entries(set)
      .filter(([k, v]) => isConfigKey(k) && !ConfigValue.safeParse(v).success)
      .map(([k]) => `the value of ${k} contains a NUL character`),
    ...unset.filter((k) => !isConfigKey(k)).map((k) => `--unset ${JSON.stringify(k)} ${CONFIG_KEY_RULE}`),
  ];
  if (problems.length > 0) throw new SluiceClientError(ErrorType.InvalidConfig, `nothing written:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
}

/** A revision number, or a config version id (`cfg-…`) looked up in the history. */
function pointIn(history: PrefixHistory, ref: string, flag: string): { revision: number; values: ConfigValues } {
  if (/^\d+$/.test(ref)) return { revision: Number(ref), values: valuesAt(history, Number(ref)) };
  const entry = [...history.entries].reverse().find((e) => e.id === ref || e.digest === ref);
  if (entry) return { revision: entry.revision, values: entry.values };
  if (history.base && (history.base.id === ref || history.base.digest === ref)) return { revision: history.base.revision, values: history.base.values };
  throw new UsageError(`${flag} "${ref}" is neither a revision nor a config version in the history of ${history.prefix}`);
}

function valuesAt(history: PrefixHistory, revision: number): ConfigValues {
  if (history.compactedAt !== null && revision < history.compactedAt) {
    throw new SluiceClientError(ErrorType.ConfigRevisionCompacted, `revision ${revision} is older than the last compaction (${history.compactedAt}): its values are gone`);
  }
  return [...history.entries].reverse().find((e) => e.revision <= revision)?.values ?? history.base?.values ?? {};
}

export function registerConfigCommands(program: Command): void {
  const config = program
    .command('config')
    .description("read and change a service's configuration in the config centre (etcd), with its versions and history")
    .addHelpText(
      'after',
      `
Examples:
  sluice dev up --only config-etcd                      # the embedded config centre
  sluice config set checkout production LOG_LEVEL=debug ERROR_RATE=0
  sluice config get checkout production
  sluice config get checkout production --revision 12   # as it was at etcd revision 12
  sluice config history checkout production
  sluice config diff checkout production                # what the last change changed
  sluice config diff checkout production --from 12 --to cfg-1a2b3c4d5e6f

Keys live under /config/<service>/<environment>/ (--prefix to change it); each key must be an
environment variable name. Every set is one etcd transaction: one revision, one config version.
docs/config.md says more.`,
    );

  addLocationOptions(
    config
      .command('get')
      .description('the configuration now, or at an etcd revision, with its config version')
      .argument('<service>')
      .argument('[environment]', `default ${DEFAULT_ENVIRONMENT}`)
      .option('--revision <n>', 'read at this etcd revision (later writes ignored)', revisionOption),
  ).action(async (service: string, environment: string | undefined, opts: ConfigCliOptions & { revision?: number }) => {
    const location = locate(service, environment, opts);
    const snapshot = await againstEtcd(location, (client) => readPrefix(client, location.prefix, opts.revision));
    const version = configVersion({ values: snapshot.values, source: `etcd ${location.endpoints.join(',')} ${location.prefix}`, sourceKind: 'etcd', revision: snapshot.revision });
    const problems = configProblems(snapshot.values);
    if (opts.output === 'json') {
      console.log(
        JSON.stringify(
          { service: location.service, environment: location.environment, prefix: location.prefix, revision: snapshot.revision, version, values: snapshot.values, problems },
          null,
          2,
        ),
      );
    } else {
      console.log(renderValues(location.prefix, version, snapshot.values));
    }
    for (const problem of problems) console.error(`sluice: warning: ${problem} (a release would refuse this configuration)`);
  });

  addLocationOptions(
    config
      .command('set')
      .description('set (and --unset) keys in one transaction: one new revision and config version')
      .argument('<service>')
      .argument('[assignments...]', '[environment] KEY=VALUE ...')
      .option('--unset <key>', 'delete this key (repeatable)', (v: string, all: string[] = []) => [...all, v]),
  ).action(async (service: string, words: string[], opts: ConfigCliOptions & { unset?: string[] }) => {
    const { environment, set } = parseAssignments(words);
    const unset = opts.unset ?? [];
    if (Object.keys(set).length === 0 && unset.length === 0) throw new UsageError('nothing to set: give KEY=VALUE pairs or --unset KEY');
    const location = locate(service, environment, opts);
    refuseBadInput(set, unset);
    const { revision, values } = await againstEtcd(location, async (client) => {
      const written = await writePrefix(client, location.prefix, { set, unset });
      return { revision: written, values: (await readPrefix(client, location.prefix, written)).values };
    });
    const version = configVersion({ values, source: `etcd ${location.endpoints.join(',')} ${location.prefix}`, sourceKind: 'etcd', revision });
    if (opts.output === 'json') {
      console.log(JSON.stringify({ prefix: location.prefix, revision, version, set: Object.keys(set).sort(), unset: [...unset].sort() }, null, 2));
    } else {
      console.log(`${location.prefix}: ${[...Object.keys(set).map((k) => `set ${k}`), ...unset.map((k) => `unset ${k}`)].join(', ')} at revision ${revision} (${version.id})`);
    }
  });

  addLocationOptions(
    config
      .command('diff')
      .description('what changed between two revisions or config versions (default: the last change)')
      .argument('<service>')
      .argument('[environment]', `default ${DEFAULT_ENVIRONMENT}`)
      .option('--from <revision|cfg-id>', 'older side (default: the version before the last change)')
      .option('--to <revision|cfg-id>', 'newer side (default: now)'),
  ).action(async (service: string, environment: string | undefined, opts: ConfigCliOptions & { from?: string; to?: string }) => {
    const location = locate(service, environment, opts);
    const history = await againstEtcd(location, (client) => readHistory(client, location.prefix));
    const latest = history.entries.at(-1);
    const to = opts.to ? pointIn(history, opts.to, '--to') : { revision: history.revision, values: latest?.values ?? history.base?.values ?? {} };
    const before = history.entries.at(-2) ?? (history.base ? { revision: history.base.revision, values: history.base.values } : { revision: 0, values: {} });
    const from = opts.from ? pointIn(history, opts.from, '--from') : { revision: before.revision, values: before.values };
    const diff = diffConfig(from.values, to.values);
    const side = (p: { revision: number; values: ConfigValues }) => ({ revision: p.revision, ...pickVersion(p.values) });
    if (opts.output === 'json') console.log(JSON.stringify({ prefix: location.prefix, from: side(from), to: side(to), diff }, null, 2));
    else console.log(renderDiff(side(from), side(to), diff));
  });

  addLocationOptions(
    config
      .command('history')
      .description('every write to the prefix, oldest first, from etcd revisions (until etcd compacts them)')
      .argument('<service>')
      .argument('[environment]', `default ${DEFAULT_ENVIRONMENT}`),
  ).action(async (service: string, environment: string | undefined, opts: ConfigCliOptions) => {
    const location = locate(service, environment, opts);
    const history = await againstEtcd(location, (client) => readHistory(client, location.prefix));
    if (opts.output === 'json') console.log(JSON.stringify(history, null, 2));
    else console.log(renderHistory(history));
  });
}

function pickVersion(values: ConfigValues): { id: string; digest: string } {
  const { id, digest } = configVersion({ values, source: '', sourceKind: 'etcd' });
  return { id, digest };
}
