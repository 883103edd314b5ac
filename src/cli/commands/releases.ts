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
    const { releases, live, liveConfig, hosts, workflowId, link } = await listRetainedReleasesForCli(ref, imageRepo, opts);
    if (opts.output === 'json') {
      console.log(
        JSON.stringify(
          { service: ref.service, environment: ref.environment, live: live ?? null, liveConfig: liveConfig ?? null, workflowId, link, releases, ...(hosts ? { hosts } : {}) },
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
          ['', 'version', 'config', 'image tag', 'digest', 'binary', 'built'],
          releases.map((r) => [
            r.version === live ? '*' : '',
            r.version,
            // The config version is recorded with a release, not with the build: known for the live one.
            r.version === live && liveConfig ? liveConfig.id : '-',
            r.imageTag,
            r.digest ? r.digest.slice(0, 19) : '-',
            r.binaryPath ? 'yes' : '-',
            r.builtAt ?? '',
          ]),
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
