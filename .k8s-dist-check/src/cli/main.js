"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildProgram = buildProgram;
exports.reportError = reportError;
exports.run = run;
const commander_1 = require("commander");
const client_1 = require("../client");
const paths_1 = require("../lib/paths");
const control_1 = require("./commands/control");
const demo_1 = require("./commands/demo");
const deploy_1 = require("./commands/deploy");
const history_1 = require("./commands/history");
const releases_1 = require("./commands/releases");
const rollback_1 = require("./commands/rollback");
const worker_1 = require("./commands/worker");
const context_1 = require("./context");
const dev_1 = require("./dev");
const exit_codes_1 = require("./exit-codes");
function buildProgram() {
    const program = new commander_1.Command();
    program
        .name('sluice')
        .description('Durable deployments on Temporal: canary, blue-green and recreate releases with automatic rollback')
        .showHelpAfterError()
        // Subcommands own their options after the command name, so `deploy --version 1.2.3` is the
        // deploy option, not the program's --version.
        .enablePositionalOptions()
        .version((0, paths_1.packageVersion)())
        .addHelpText('after', `
Examples:
  sluice dev up                                  # start the embedded stack
  sluice demo                                    # three real releases: install, canary promote, automatic rollback
  sluice worker                                  # run a worker (task queue "sluice")
  sluice deploy --wait                           # release ./sluice.yaml; exit 0 promoted, 3 rolled back, 4 aborted, 1 failed
  sluice status checkout production
  sluice approve checkout production
  sluice rollback checkout production --to 1.4.2 --wait
  sluice history checkout production --phase rolled-back

Connection: --address/TEMPORAL_ADDRESS, --namespace/TEMPORAL_NAMESPACE, --api-key/TEMPORAL_API_KEY,
--tls-cert/TEMPORAL_TLS_CERT, --tls-key/TEMPORAL_TLS_KEY, --tls-ca/TEMPORAL_TLS_CA, or a Temporal
config file (--config/TEMPORAL_CONFIG_FILE, --profile). Default: the embedded stack, 127.0.0.1:7233.`);
    (0, dev_1.registerDevCommands)(program);
    (0, deploy_1.registerDeployCommand)(program);
    (0, control_1.registerControlCommands)(program);
    (0, rollback_1.registerRollbackCommand)(program);
    (0, history_1.registerHistoryCommand)(program);
    (0, releases_1.registerReleasesCommand)(program);
    (0, worker_1.registerWorkerCommand)(program);
    (0, demo_1.registerDemoCommand)(program);
    return program;
}
/** One line for people; stack traces only with SLUICE_DEBUG=1. */
function reportError(err) {
    if (process.env.SLUICE_DEBUG)
        console.error(err);
    const message = err instanceof Error ? err.message : String(err);
    if (err instanceof context_1.UsageError || (0, client_1.isClientError)(err))
        console.error(`sluice: ${message}`);
    else
        console.error(`sluice: ${message}`);
    return exit_codes_1.ExitCode.Failed;
}
async function run(argv = process.argv) {
    try {
        await buildProgram().parseAsync(argv);
    }
    catch (err) {
        process.exitCode = reportError(err);
    }
}
if (require.main === module) {
    void run();
}
//# sourceMappingURL=main.js.map