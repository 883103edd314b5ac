"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.printSnapshot = printSnapshot;
exports.registerControlCommands = registerControlCommands;
const client_1 = require("../../client");
const context_1 = require("../context");
const exit_codes_1 = require("../exit-codes");
const format_1 = require("../render/format");
const progress_1 = require("../render/progress");
const REF_HELP = `
<service> and [environment] default to sluice.yaml's (-f to name it); environment defaults to production.`;
/** A command addressing one deployment: `[service] [environment]` plus spec, output and connection options. */
function deploymentCommand(program, name, description, examples) {
    const cmd = program.command(name).description(description).argument('[service]', 'service name').argument('[environment]', 'environment name');
    (0, context_1.addSpecOptions)(cmd);
    (0, context_1.addOutputOption)(cmd);
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', `\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}\n${REF_HELP}`);
    return cmd;
}
function printHeader(workflowId, link) {
    console.log(`workflow ${workflowId}\nweb ui   ${link}`);
}
function printSnapshot(snap) {
    printHeader(snap.workflowId, snap.link);
    const s = snap.status;
    console.log(`run      ${snap.runId} (${snap.execution})`);
    if (s) {
        console.log(`release  ${s.service} ${(0, format_1.versionLabel)(s)} → ${s.environment} (${s.strategy}; previous ${s.previous?.version ?? 'none'})`);
        console.log(`phase    ${s.phase} ${(0, format_1.stepLabel)(s)}${s.paused ? ' PAUSED' : ''}`);
        console.log(`weight   ${(0, format_1.weightBar)(s.weight)}`);
        const check = (0, format_1.checkLabel)(s);
        if (check)
            console.log(`check    ${check}`);
        const analysis = (0, format_1.analysisLabel)(s);
        if (analysis)
            console.log(`analysis ${analysis}`);
        if (s.awaitingApproval)
            console.log(`approval waiting at ${s.awaitingApproval.gate} since ${s.awaitingApproval.since} → sluice approve ${s.service} ${s.environment}`);
        if (s.abortRequested)
            console.log(`abort    requested by ${s.abortRequested.by}: ${s.abortRequested.reason}`);
        const recent = s.events.slice(-8);
        if (recent.length)
            console.log(`events (last ${recent.length}):\n${recent.map((e) => (0, format_1.eventLine)(e, s.startedAt)).join('\n')}`);
    }
    if (snap.result)
        console.log(`result   ${(0, format_1.outcomeLabel)(snap.result)}`);
}
function registerControlCommands(program) {
    deploymentCommand(program, 'status', 'show where a release is: phase, step, weight, last check, recent events', [
        'sluice status checkout production',
        'sluice status --output json            # service and environment from ./sluice.yaml',
    ]).action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        await (0, context_1.withClient)(opts, async (client) => {
            const snap = await client.status(ref);
            if (opts.output === 'json')
                console.log(JSON.stringify(snap, null, 2));
            else
                printSnapshot(snap);
        });
    });
    deploymentCommand(program, 'watch', 'follow a running release until it ends; exits like deploy --wait (0 promoted, 3 rolled back, 4 aborted, 1 failed)', [
        'sluice watch checkout production',
        'sluice watch checkout production --output json | jq .status.phase',
    ]).action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        process.exitCode = await (0, context_1.withClient)(opts, async (client) => {
            const renderer = (0, progress_1.createRenderer)(opts.output);
            let result;
            let link = '';
            for await (const event of client.watch(ref)) {
                if (!link) {
                    link = client.link(event.workflowId, event.runId);
                    renderer.start({ workflowId: event.workflowId, runId: event.runId, link });
                }
                if (event.kind === 'result')
                    result = event.result;
                else
                    renderer.update(event);
            }
            if (!result)
                return exit_codes_1.ExitCode.Failed;
            renderer.finish(result, link);
            return (0, exit_codes_1.exitCodeForOutcome)(result.outcome);
        });
    });
    deploymentCommand(program, 'abort', 'stop a release and undo it: the previous version gets all traffic back', [
        'sluice abort checkout production --reason "error budget burning"',
    ])
        .option('--reason <text>', 'why (kept in the event log and the result)', 'aborted from the CLI')
        .option('--by <name>', 'who (default $SLUICE_ACTOR, $GITHUB_ACTOR, $USER)')
        .action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        await (0, context_1.withClient)(opts, async (client) => {
            await client.abort(ref, opts.reason, opts.by ?? (0, client_1.defaultActor)());
            report(opts.output, 'abort sent', client.workflowId(ref), client.link(client.workflowId(ref)));
        });
    });
    deploymentCommand(program, 'approve', 'open the gate a release waits at (manual pause, blue-green promotion); refused when nothing waits', [
        'sluice approve checkout production',
        'sluice approve checkout production --by alice',
    ])
        .option('--by <name>', 'who approves (checked against the spec\'s approvers)')
        .action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        await (0, context_1.withClient)(opts, async (client) => {
            const ack = await client.approve(ref, opts.by ?? (0, client_1.defaultActor)());
            const id = client.workflowId(ref);
            if (opts.output === 'json')
                console.log(JSON.stringify({ workflowId: id, link: client.link(id), ack }));
            else {
                console.log(`approved ${ack.gate} as ${ack.approvedBy} at ${ack.at}`);
                printHeader(id, client.link(id));
            }
        });
    });
    for (const [name, description] of [
        ['pause', 'hold a release at the next step boundary (running timers finish)'],
        ['resume', 'continue a paused release'],
    ]) {
        deploymentCommand(program, name, description, [`sluice ${name} checkout production`])
            .option('--by <name>', 'who')
            .action(async (service, environment, opts) => {
            const ref = (0, context_1.resolveRef)(service, environment, opts);
            await (0, context_1.withClient)(opts, async (client) => {
                const by = opts.by ?? (0, client_1.defaultActor)();
                if (name === 'pause')
                    await client.pause(ref, by);
                else
                    await client.resume(ref, by);
                report(opts.output, `${name} sent`, client.workflowId(ref), client.link(client.workflowId(ref)));
            });
        });
    }
}
function report(output, what, workflowId, link) {
    if (output === 'json')
        console.log(JSON.stringify({ ok: true, action: what, workflowId, link }));
    else {
        console.log(what);
        printHeader(workflowId, link);
    }
}
//# sourceMappingURL=control.js.map