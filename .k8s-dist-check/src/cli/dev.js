"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerDevCommands = registerDevCommands;
const config_1 = require("../dev/config");
const stack_1 = require("../dev/stack");
function componentList(value) {
    return value.split(',').map((s) => s.trim()).filter(Boolean);
}
function registerDevCommands(program) {
    const dev = program
        .command('dev')
        .description('manage the embedded local stack (Temporal dev server, dockerd, registry, Prometheus, HAProxy)')
        .addHelpText('after', '\nExamples:\n  sluice dev up\n  sluice dev status --output json\n  sluice dev down\n\n' +
        'State lives in $SLUICE_STATE_DIR (default ~/.sluice/state), one log per component under logs/.');
    dev
        .command('up')
        .description('start every component that is not already running and healthy (idempotent)')
        .option('--only <components>', 'comma-separated subset, e.g. temporal,prometheus', componentList)
        .option('-o, --output <format>', 'text or json (json maps each component to started | reused-own | reused-external)', 'text')
        .action(async (opts) => {
        const config = (0, config_1.loadStackConfig)();
        const started = Date.now();
        const result = await (0, stack_1.stackUp)(config, (0, stack_1.selectComponents)(opts.only));
        if (opts.output === 'json') {
            console.log(JSON.stringify(Object.fromEntries(result)));
            return;
        }
        for (const [name, how] of result)
            console.log(`${name.padEnd(11)} ${how}`);
        console.log(`stack ready in ${((Date.now() - started) / 1000).toFixed(1)} s (state: ${config.stateDir})`);
    });
    dev
        .command('down')
        .description('stop the components this stack started (reused external ones are left running)')
        .option('--only <components>', 'comma-separated subset', componentList)
        .action(async (opts) => {
        const stopped = await (0, stack_1.stackDown)((0, config_1.loadStackConfig)(), (0, stack_1.selectComponents)(opts.only));
        console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing to stop');
    });
    dev
        .command('status')
        .description('list each component with its URL and health; exits 1 when one is unhealthy')
        .option('-o, --output <format>', 'text or json', 'text')
        .action(async (opts) => {
        const rows = await (0, stack_1.stackStatus)((0, config_1.loadStackConfig)());
        if (opts.output === 'json') {
            console.log(JSON.stringify(rows, null, 2));
        }
        else {
            for (const row of rows) {
                const health = row.healthy ? 'healthy' : 'DOWN';
                const owner = row.managed ? `pid ${row.pid}` : row.healthy ? 'external' : '-';
                console.log(`${row.name.padEnd(11)} ${health.padEnd(8)} ${owner.padEnd(11)} ${row.url}`);
            }
        }
        if (rows.some((r) => !r.healthy))
            process.exitCode = 1;
    });
}
//# sourceMappingURL=dev.js.map