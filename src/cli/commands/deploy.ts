import { appendFileSync } from 'node:fs';
import { repositoryOf } from '../../domain/image-refs';
import type { Command } from 'commander';
import { matchesVersion } from '../../domain/release';
import { releaseSpecSchema, type ReleaseSpec } from '../../domain/spec';
import { adapterCatalogue } from '../../activities/catalogue';
import { SpecError, type DeploymentResult, type DeploymentStatus, type SluiceClient } from '../../client';
import { addConnectionOptions, addOutputOption, addSpecOptions, loadSpec, withClient, type ConnectionCliOptions, type OutputFormat, type SpecCliOptions } from '../context';
import { ExitCode, exitCodeForOutcome } from '../exit-codes';
import { formatMs, outcomeLabel } from '../render/format';
import { createRenderer } from '../render/progress';

interface DeployOptions extends ConnectionCliOptions, SpecCliOptions {
  version?: string;
  wait?: boolean;
  output: OutputFormat;
  summary?: string;
  dryRun?: boolean;
}

export function registerDeployCommand(program: Command): void {
  const cmd = program
    .command('deploy')
    .description('validate sluice.yaml and start a release (build → push → canary/preview → checks → promote)')
    .option('--version <version>', 'deploy an already built, retained version (e.g. 1.4.2 or v1.4.2-a1b2c3d) instead of building HEAD')
    .option('-w, --wait', 'stream progress and exit with the outcome: 0 promoted, 3 rolled back, 4 aborted, 1 failed')
    .option('--summary <file>', 'append a Markdown summary with the changelog to this file (e.g. $GITHUB_STEP_SUMMARY); needs --wait')
    .option('--dry-run', 'validate the spec and print it with defaults filled in; start nothing');
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  sluice deploy --wait                          # ./sluice.yaml, its environment (default production)
  sluice deploy -f deploy/sluice.yaml --env staging --wait --output json
  sluice deploy --version 1.4.2 --wait          # redeploy a retained release
  sluice deploy --wait --summary "$GITHUB_STEP_SUMMARY"

Exit codes: 0 promoted (or started, without --wait), 3 rolled back by analysis or a check,
4 aborted, 1 failed, invalid spec or Temporal unreachable.`,
  );
  cmd.action(async (opts: DeployOptions) => {
    process.exitCode = await deploy(opts);
  });
}

async function deploy(opts: DeployOptions): Promise<number> {
  let { spec } = loadSpec(opts);
  if (opts.dryRun && !opts.version) {
    console.log(opts.output === 'json' ? JSON.stringify(spec) : JSON.stringify(spec, null, 2));
    return ExitCode.Ok;
  }
  return withClient(opts, async (client) => {
    if (opts.version) spec = await pinRetainedVersion(client, spec, opts.version, opts.file ?? 'sluice.yaml');
    if (opts.dryRun) {
      console.log(JSON.stringify(spec, null, opts.output === 'json' ? undefined : 2));
      return ExitCode.Ok;
    }
    const started = await client.deploy(spec);
    if (started.abortedDrill) console.error(`aborted the running drill ${started.abortedDrill} first (a release takes precedence; the drill restored the live version)`);
    const ref = { service: spec.service, environment: spec.environment };
    if (!opts.wait) {
      if (opts.output === 'json') console.log(JSON.stringify({ ...started, service: spec.service, environment: spec.environment }));
      else console.log(`started ${started.workflowId}\nweb ui  ${started.link}\nfollow  sluice watch ${spec.service} ${spec.environment}`);
      return ExitCode.Ok;
    }
    const renderer = createRenderer(opts.output);
    renderer.start(started);
    let watched: DeploymentResult | undefined;
    let status: DeploymentStatus | undefined;
    for await (const event of client.watch(ref, { runId: started.runId })) {
      status = event.status ?? status;
      if (event.kind === 'result') watched = event.result;
      else renderer.update(event);
    }
    if (!watched) throw new Error(`lost track of ${started.workflowId} before it finished`);
    const result = withWhatWasSeen(watched, status, spec);
    renderer.finish(result, started.link);
    if (opts.summary) writeSummary(opts.summary, result, started.link, await changelogOf(client, started.workflowId, started.runId));
    return exitCodeForOutcome(result.outcome);
  });
}

/**
 * A run that ended without Sluice's result (terminated, timed out) comes back from the client
 * with no service or release; fill them from the spec and the last status seen, so the outcome
 * line and the summary still name the version.
 */
function withWhatWasSeen(result: DeploymentResult, status: DeploymentStatus | undefined, spec: ReleaseSpec): DeploymentResult {
  return {
    ...result,
    service: result.service || spec.service,
    environment: result.environment || spec.environment,
    release: result.release ?? status?.release ?? null,
    previous: result.previous ?? status?.previous ?? null,
  };
}

/**
 * `--version`: deploy a release that was built before. It must be retained (registry tag or
 * artifact-store binary), and the spec's source becomes `prebuilt`, pinned by digest.
 */
async function pinRetainedVersion(client: SluiceClient, spec: ReleaseSpec, wanted: string, file: string): Promise<ReleaseSpec> {
  const imageRepo = spec.source.kind === 'build' ? spec.source.imageRepo : spec.source.imageRef ? repositoryOf(spec.source.imageRef) : undefined;
  const retained = await client.releases(spec.service, { imageRepo: imageRepo ?? null });
  const match = retained.find((r) => matchesVersion({ version: r.version, imageTag: r.imageTag, imageRef: r.imageRef ?? undefined }, wanted));
  if (!match) {
    throw new SpecError(file, [
      { field: '--version', message: `${wanted} is not a retained release of ${spec.service} (retained: ${retained.map((r) => r.version).join(', ') || 'none'})` },
    ]);
  }
  const source = {
    kind: 'prebuilt' as const,
    version: match.version,
    imageTag: match.imageTag,
    ...(match.commit ? { commit: match.commit } : {}),
    ...(match.imageRef && spec.capabilities.artifact === 'image' ? { imageRef: match.imageRef } : {}),
    ...(match.binaryPath && spec.capabilities.artifact === 'binary' ? { binaryPath: match.binaryPath } : {}),
  };
  const { capabilities: _derived, ...fields } = spec;
  return releaseSpecSchema(adapterCatalogue()).parse({ ...fields, source });
}

async function changelogOf(client: SluiceClient, workflowId: string, runId: string): Promise<string | undefined> {
  try {
    const memo = (await client.temporal.workflow.getHandle(workflowId, runId).describe()).memo ?? {};
    return typeof memo.changelog === 'string' ? memo.changelog : undefined;
  } catch {
    return undefined;
  }
}

function writeSummary(file: string, result: DeploymentResult, link: string, changelog: string | undefined): void {
  const icon = result.outcome === 'promoted' ? '✅' : result.outcome === 'rolled-back' ? '↩️' : result.outcome === 'aborted' ? '⏹️' : '❌';
  const phases = Object.entries(result.phaseDurations)
    .map(([phase, ms]) => `| ${phase} | ${formatMs(ms)} |`)
    .join('\n');
  const text = [
    `## ${icon} ${result.service} ${result.release?.version ?? ''} → ${result.environment}: ${result.outcome}`,
    '',
    outcomeLabel(result),
    '',
    `[Temporal Web UI](${link})${result.timeToRollbackMs !== null ? ` · time to restore ${formatMs(result.timeToRollbackMs)}` : ''}`,
    '',
    ...(phases ? ['| phase | duration |', '|---|---|', phases, ''] : []),
    '### Changelog',
    '',
    changelog?.trim() || '_no changelog (prebuilt release or no git history)_',
    '',
  ].join('\n');
  appendFileSync(file, text);
}
