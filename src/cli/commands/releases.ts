import type { Command } from 'commander';
import {
  addConnectionOptions,
  addOutputOption,
  addSpecOptions,
  DEFAULT_SPEC_FILE,
  loadSpec,
  resolveRef,
  type ConnectionCliOptions,
  type OutputFormat,
  type SpecCliOptions,
} from '../context';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { listRetainedReleasesForCli } from './releases-lookup';
import { table } from '../render/format';

interface ReleasesCliOptions extends ConnectionCliOptions, SpecCliOptions {
  imageRepo?: string;
  output: OutputFormat;
}

export function registerReleasesCommand(program: Command): void {
  const cmd = program
    .command('releases')
    .description('retained versions of a service (registry tags and artifact-store binaries), newest first — what `rollback --to` accepts')
    .argument('[service]', 'service name')
    .argument('[environment]', 'environment name (marks the live release)')
    .option('--image-repo <repo>', "image repository (default: the spec's source.imageRepo, else <embedded registry>/<service>)");
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  sluice releases checkout production\n  sluice releases checkout --image-repo 127.0.0.1:5000/checkout --output json\n');
  cmd.action(async (service: string | undefined, environment: string | undefined, opts: ReleasesCliOptions) => {
    const ref = resolveRef(service, environment, opts);
    let imageRepo = opts.imageRepo;
    if (!imageRepo && (opts.file || existsSync(resolve(DEFAULT_SPEC_FILE)))) {
      const { spec } = loadSpec({ ...opts, env: ref.environment });
      if (spec.service === ref.service && spec.source.kind === 'build') imageRepo = spec.source.imageRepo;
    }
    const { releases, pairs, live, liveConfig, hosts, workflowId, link } = await listRetainedReleasesForCli(ref, imageRepo, opts);
    // Build × config: the config versions each build went live with here, values left out.
    const pairRows = pairs.map((p) => ({ version: p.version, imageTag: p.imageTag, config: p.config.version, liveAt: p.liveAt }));
    if (opts.output === 'json') {
      console.log(
        JSON.stringify(
          {
            service: ref.service,
            environment: ref.environment,
            live: live ?? null,
            liveConfig: liveConfig ?? null,
            workflowId,
            link,
            releases,
            pairs: pairRows,
            ...(hosts ? { hosts } : {}),
          },
          null,
          2,
        ),
      );
      return;
    }
    if (releases.length === 0) console.log(`no retained releases of ${ref.service}`);
    else
      console.log(
        table(
          ['', 'version', 'config', 'live at', 'image tag', 'digest', 'binary', 'built'],
          // One row per pair of build and config version that went live here (the newest first),
          // one row for a build that went live with none recorded.
          releases.flatMap((r) => {
            const configs = pairRows.filter((p) => p.version === r.version);
            const isLive = (id: string | undefined) => r.version === live && (id === undefined || !liveConfig || liveConfig.id === id);
            const row = (id: string | undefined, liveAt: string) => [
              isLive(id) ? '*' : '',
              r.version,
              id ?? (r.version === live && liveConfig ? liveConfig.id : '-'),
              liveAt,
              r.imageTag,
              r.digest ? r.digest.slice(0, 19) : '-',
              r.binaryPath ? 'yes' : '-',
              r.builtAt ?? '',
            ];
            return configs.length > 0 ? configs.map((p) => row(p.config.id, p.liveAt)) : [row(undefined, '-')];
          }),
        ),
      );
    if (hosts) {
      console.log(`\nhosts (asked of their agents):`);
      console.log(
        table(
          ['host', 'address', 'live', 'kept on the host'],
          hosts.map((h) => [h.host, h.address, h.live ?? '-', h.error ? `agent did not answer: ${h.error}` : h.retained.join(', ') || '-']),
        ),
      );
    }
    const liveLine = live
      ? `* live in ${ref.environment}${liveConfig ? ` with config ${liveConfig.id} (${liveConfig.source}${liveConfig.revision !== null ? ` at revision ${liveConfig.revision}` : ''})` : ''}`
      : `live release in ${ref.environment} unknown`;
    if (workflowId) console.log(`\n${liveLine}\nworkflow ${workflowId}\nweb ui   ${link}`);
  });
}
