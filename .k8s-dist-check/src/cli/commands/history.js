"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerHistoryCommand = registerHistoryCommand;
const client_1 = require("../../client");
const context_1 = require("../context");
const format_1 = require("../render/format");
function registerHistoryCommand(program) {
    const cmd = program
        .command('history')
        .description('past and running releases (and rollbacks) of a service in an environment, newest first, from Temporal visibility')
        .argument('[service]', 'service name')
        .argument('[environment]', 'environment name')
        .option('-n, --limit <n>', 'at most this many', (v) => Number.parseInt(v, 10), 20)
        .option('--phase <phase>', 'only releases that ended in this phase, e.g. rolled-back, succeeded, aborted')
        .option('--no-rollbacks', 'leave out rollbackWorkflow runs');
    (0, context_1.addSpecOptions)(cmd);
    (0, context_1.addOutputOption)(cmd);
    (0, context_1.addConnectionOptions)(cmd);
    cmd.addHelpText('after', `
Examples:
  sluice history checkout production
  sluice history checkout production --phase rolled-back   # every production release of checkout that rolled back
  sluice history --output json | jq '.[0].outcome'

The visibility query it runs is printed with the table; paste it into the Web UI's search box.`);
    cmd.action(async (service, environment, opts) => {
        const ref = (0, context_1.resolveRef)(service, environment, opts);
        await (0, context_1.withClient)(opts, async (client) => {
            const entries = await client.history(ref, { limit: opts.limit, phase: opts.phase, includeRollbacks: opts.rollbacks });
            if (opts.output === 'json') {
                console.log(JSON.stringify(entries, null, 2));
                return;
            }
            const query = (0, client_1.historyQuery)(ref, { phase: opts.phase, includeRollbacks: opts.rollbacks });
            if (entries.length === 0)
                console.log(`no releases of ${ref.service} in ${ref.environment}`);
            else
                console.log((0, format_1.table)(['started', 'kind', 'version', 'outcome', 'reason', 'duration', 'restore', 'web ui'], entries.map((e) => [
                    e.startTime.replace('T', ' ').slice(0, 19),
                    e.kind,
                    e.version ?? '-',
                    e.outcome ?? e.phase ?? e.execution.toLowerCase(),
                    e.reason ?? '',
                    e.durationMs !== undefined ? (0, format_1.formatMs)(e.durationMs) : 'running',
                    e.timeToRollbackMs !== undefined ? (0, format_1.formatMs)(e.timeToRollbackMs) : '',
                    e.link,
                ])));
            console.log(`\nquery: ${query}\n${(0, client_1.visibilityUiLink)(client.settings.uiUrl, client.namespace, query)}`);
        });
    });
}
//# sourceMappingURL=history.js.map