import { Option, type Command } from 'commander';
import { APPROVER_KEY_ENV, defaultActor, readApproverKey, type DeploymentResult, type DeploymentSnapshot } from '../../client';
import { addConnectionOptions, addOutputOption, addSpecOptions, resolveRef, withClient, type ConnectionCliOptions, type OutputFormat, type SpecCliOptions } from '../context';
import { ExitCode, exitCodeForOutcome } from '../exit-codes';
import { analysisLabel, checkLabel, eventLine, outcomeLabel, stepLabel, versionLabel, weightBar } from '../render/format';
import { createRenderer } from '../render/progress';
import { addWebOptions, reportOptions, serveLiveReport, type WebOptions } from './report';

type Opts = ConnectionCliOptions & SpecCliOptions & { output: OutputFormat };

const REF_HELP = `
<service> and [environment] default to sluice.yaml's (-f to name it); environment defaults to production.`;

/** A command addressing one deployment: `[service] [environment]` plus spec, output and connection options. */
function deploymentCommand(program: Command, name: string, description: string, examples: string[]): Command {
  const cmd = program.command(name).description(description).argument('[service]', 'service name').argument('[environment]', 'environment name');
  addSpecOptions(cmd);
  addOutputOption(cmd);
  addConnectionOptions(cmd);
  cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n${REF_HELP}`);
  return cmd;
}

function printHeader(workflowId: string, link: string): void {
  console.log(`workflow ${workflowId}\nweb ui   ${link}`);
}

export function printSnapshot(snap: DeploymentSnapshot): void {
  printHeader(snap.workflowId, snap.link);
  const s = snap.status;
  console.log(`run      ${snap.runId} (${snap.execution})`);
  if (s) {
    console.log(`release  ${s.service} ${versionLabel(s)} → ${s.environment} (${s.strategy}; previous ${s.previous?.version ?? 'none'})`);
    console.log(`phase    ${s.phase} ${stepLabel(s)}${s.paused ? ' PAUSED' : ''}`);
    console.log(`weight   ${weightBar(s.weight)}`);
    const check = checkLabel(s);
    if (check) console.log(`check    ${check}`);
    const analysis = analysisLabel(s);
    if (analysis) console.log(`analysis ${analysis}`);
    if (s.awaitingApproval) console.log(`approval waiting at ${s.awaitingApproval.gate} since ${s.awaitingApproval.since} → sluice approve ${s.service} ${s.environment}`);
    if (s.bake) {
      const watching = s.bake.templates.length ? `analysis ${s.bake.templates.join(', ')}` : 'health window';
      console.log(`bake     until ${s.bake.until} on ${s.bake.instance}: ${watching}${s.bake.alerts ? ', alerts roll back' : ''} → sluice approve ends it early`);
    }
    if (s.abortRequested) console.log(`abort    requested by ${s.abortRequested.by}: ${s.abortRequested.reason}`);
    const recent = s.events.slice(-8);
    if (recent.length) console.log(`events (last ${recent.length}):\n${recent.map((e) => eventLine(e, s.startedAt)).join('\n')}`);
  }
  if (snap.result) console.log(`result   ${outcomeLabel(snap.result)}`);
}

export function registerControlCommands(program: Command): void {
  const status = deploymentCommand(program, 'status', 'show where a release is: phase, step, weight, last check, recent events', [
    'sluice status checkout production',
    'sluice status --output json            # service and environment from ./sluice.yaml',
    'sluice status checkout production --web  # the release report, live in a browser (as sluice report --web)',
  ]);
  addWebOptions(status, 'serve the release report (sluice report) instead').action(
    async (service: string | undefined, environment: string | undefined, opts: Opts & WebOptions) => {
      const ref = resolveRef(service, environment, opts);
      await withClient(opts, async (client) => {
        if (opts.web) return serveLiveReport(client, ref, reportOptions(client, {}), opts);
        const snap = await client.status(ref);
        if (opts.output === 'json') console.log(JSON.stringify(snap, null, 2));
        else printSnapshot(snap);
      });
    },
  );

  deploymentCommand(program, 'watch', 'follow a running release until it ends; exits like deploy --wait (0 promoted, 3 rolled back, 4 aborted, 1 failed)', [
    'sluice watch checkout production',
    'sluice watch checkout production --output json | jq .status.phase',
  ]).action(async (service: string | undefined, environment: string | undefined, opts: Opts) => {
    const ref = resolveRef(service, environment, opts);
    process.exitCode = await withClient(opts, async (client) => {
      const renderer = createRenderer(opts.output);
      let result: DeploymentResult | undefined;
      let link = '';
      for await (const event of client.watch(ref)) {
        if (!link) {
          link = client.link(event.workflowId, event.runId);
          renderer.start({ workflowId: event.workflowId, runId: event.runId, link });
        }
        if (event.kind === 'result') result = event.result;
        else renderer.update(event);
      }
      if (!result) return ExitCode.Failed;
      renderer.finish(result, link);
      return exitCodeForOutcome(result.outcome);
    });
  });

  deploymentCommand(program, 'abort', 'stop a release and undo it: the previous version gets all traffic back', [
    'sluice abort checkout production --reason "error budget burning"',
  ])
    .option('--reason <text>', 'why (kept in the event log and the result)', 'aborted from the CLI')
    .option('--by <name>', 'who (default $SLUICE_ACTOR, $GITHUB_ACTOR, $USER)')
    .action(async (service: string | undefined, environment: string | undefined, opts: Opts & { reason: string; by?: string }) => {
      const ref = resolveRef(service, environment, opts);
      await withClient(opts, async (client) => {
        await client.abort(ref, opts.reason, opts.by ?? defaultActor());
        report(opts.output, 'abort sent', client.workflowId(ref), client.link(client.workflowId(ref)));
      });
    });

  deploymentCommand(program, 'approve', 'open the gate a release waits at (manual pause, blue-green promotion); refused when nothing waits', [
    'sluice approve checkout production',
    'sluice approve checkout production --by alice',
    'sluice approve checkout production --key ~/.sluice/approver/alice.key   # signed: the worker checks it is alice',
  ])
    .option('--by <name>', "who approves (checked against the spec's approvers); with --key, the key's name")
    .addOption(new Option('--key <file>', 'sign the approval with this approver key (<name>.key from sluice approver keygen)').env(APPROVER_KEY_ENV))
    .action(async (service: string | undefined, environment: string | undefined, opts: Opts & { by?: string; key?: string }) => {
      const ref = resolveRef(service, environment, opts);
      // Read before connecting: a key others may read, or of the wrong kind, stops here.
      const key = opts.key ? readApproverKey(opts.key) : undefined;
      await withClient(opts, async (client) => {
        const ack = key ? await client.approve(ref, opts.by, { key }) : await client.approve(ref, opts.by ?? defaultActor());
        const id = client.workflowId(ref);
        if (opts.output === 'json') console.log(JSON.stringify({ workflowId: id, link: client.link(id), ack }));
        else {
          const how = ack.verified === undefined ? '' : ack.verified ? ' (verified)' : ' (unverified)';
          console.log(`approved ${ack.gate} as ${ack.approvedBy}${how} at ${ack.at}`);
          printHeader(id, client.link(id));
        }
      });
    });

  for (const [name, description] of [
    ['pause', 'hold a release at the next step boundary (running timers finish)'],
    ['resume', 'continue a paused release'],
  ] as const) {
    deploymentCommand(program, name, description, [`sluice ${name} checkout production`])
      .option('--by <name>', 'who')
      .action(async (service: string | undefined, environment: string | undefined, opts: Opts & { by?: string }) => {
        const ref = resolveRef(service, environment, opts);
        await withClient(opts, async (client) => {
          const by = opts.by ?? defaultActor();
          if (name === 'pause') await client.pause(ref, by);
          else await client.resume(ref, by);
          report(opts.output, `${name} sent`, client.workflowId(ref), client.link(client.workflowId(ref)));
        });
      });
  }
}

function report(output: OutputFormat, what: string, workflowId: string, link: string): void {
  if (output === 'json') console.log(JSON.stringify({ ok: true, action: what, workflowId, link }));
  else {
    console.log(what);
    printHeader(workflowId, link);
  }
}
