"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UsageError = exports.DEFAULT_ENVIRONMENT = exports.DEFAULT_SPEC_FILE = void 0;
exports.addConnectionOptions = addConnectionOptions;
exports.addSpecOptions = addSpecOptions;
exports.addOutputOption = addOutputOption;
exports.connectionSettings = connectionSettings;
exports.withClient = withClient;
exports.loadSpec = loadSpec;
exports.resolveRef = resolveRef;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const commander_1 = require("commander");
const spec_1 = require("../domain/spec");
const client_1 = require("../client");
exports.DEFAULT_SPEC_FILE = 'sluice.yaml';
exports.DEFAULT_ENVIRONMENT = 'production';
function addConnectionOptions(cmd) {
    return cmd
        .addOption(new commander_1.Option('--address <host:port>', 'Temporal frontend address').env('TEMPORAL_ADDRESS'))
        .addOption(new commander_1.Option('--namespace <ns>', 'Temporal namespace').env('TEMPORAL_NAMESPACE'))
        .addOption(new commander_1.Option('--api-key <key>', 'API key (sent as a bearer token; implies TLS)').env('TEMPORAL_API_KEY'))
        .addOption(new commander_1.Option('--tls-cert <path>', 'mTLS client certificate (PEM)').env('TEMPORAL_TLS_CERT'))
        .addOption(new commander_1.Option('--tls-key <path>', 'mTLS client key (PEM)').env('TEMPORAL_TLS_KEY'))
        .addOption(new commander_1.Option('--tls-ca <path>', 'CA certificate of the server (PEM)').env('TEMPORAL_TLS_CA'))
        .addOption(new commander_1.Option('--tls-server-name <name>', 'override the TLS server name (SNI)'))
        .addOption(new commander_1.Option('--tls', 'force TLS on'))
        .addOption(new commander_1.Option('--no-tls', 'force TLS off'))
        .addOption(new commander_1.Option('--config <file>', 'Temporal client config file (TOML)').env('TEMPORAL_CONFIG_FILE'))
        .addOption(new commander_1.Option('--profile <name>', 'profile in the config file').env('TEMPORAL_PROFILE'))
        .addOption(new commander_1.Option('--ui-url <url>', 'Temporal Web UI base URL for links (default: the embedded stack\'s)').env('SLUICE_UI_URL'))
        .addOption(new commander_1.Option('--task-queue <queue>', 'task queue of the Sluice worker').env('SLUICE_TASK_QUEUE').default('sluice'));
}
function addSpecOptions(cmd) {
    return cmd
        .option('-f, --file <path>', `release spec (default ./${exports.DEFAULT_SPEC_FILE} when present)`)
        .option('-e, --env <environment>', `environment (default: the spec's, else ${exports.DEFAULT_ENVIRONMENT})`);
}
function addOutputOption(cmd) {
    return cmd.addOption(new commander_1.Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'));
}
function connectionSettings(opts) {
    const flags = {
        address: opts.address,
        namespace: opts.namespace,
        apiKey: opts.apiKey,
        tlsCert: opts.tlsCert,
        tlsKey: opts.tlsKey,
        tlsCa: opts.tlsCa,
        tlsServerName: opts.tlsServerName,
        tls: opts.tls,
        configFile: opts.config,
        profile: opts.profile,
        uiUrl: opts.uiUrl,
    };
    return (0, client_1.resolveConnectionSettings)(flags);
}
/** Connects, runs `fn`, and closes the connection whatever happens. */
async function withClient(opts, fn) {
    const client = await client_1.SluiceClient.connect(connectionSettings(opts), { taskQueue: opts.taskQueue });
    try {
        return await fn(client);
    }
    finally {
        await client.close();
    }
}
/** Loads and validates the spec for one environment; relative paths in it are made absolute (the worker's cwd differs). */
function loadSpec(opts) {
    const file = (0, node_path_1.resolve)(opts.file ?? exports.DEFAULT_SPEC_FILE);
    const loaded = (0, client_1.readSpecFile)(file, opts.env);
    if (loaded.raw.environment === undefined)
        loaded.raw.environment = exports.DEFAULT_ENVIRONMENT;
    absolutizeSource(loaded.raw, (0, node_path_1.dirname)(file));
    return { spec: (0, client_1.validateSpec)(loaded, spec_1.ReleaseSpec), loaded };
}
function absolutizeSource(raw, base) {
    const source = raw.source;
    if (!source || typeof source !== 'object')
        return;
    for (const key of ['repoDir', 'contextDir', 'binaryPath']) {
        const v = source[key];
        if (typeof v === 'string' && v !== '' && !(0, node_path_1.isAbsolute)(v))
            source[key] = (0, node_path_1.resolve)(base, v);
    }
}
/**
 * Service and environment for the control commands: positional arguments first, then --env, then
 * sluice.yaml (only read when something is missing, and only when it exists or -f names it).
 */
function resolveRef(service, environment, opts) {
    let env = environment ?? opts.env;
    let svc = service;
    if (!svc || !env) {
        const file = (0, node_path_1.resolve)(opts.file ?? exports.DEFAULT_SPEC_FILE);
        if (opts.file || (0, node_fs_1.existsSync)(file)) {
            const loaded = (0, client_1.readSpecFile)(file, env);
            svc ??= typeof loaded.raw.service === 'string' ? loaded.raw.service : undefined;
            env ??= loaded.environment;
        }
    }
    if (!svc)
        throw new UsageError(`name the service: \`<command> <service> [environment]\`, or run where ${exports.DEFAULT_SPEC_FILE} lives (-f <path>)`);
    return { service: svc, environment: env ?? exports.DEFAULT_ENVIRONMENT };
}
class UsageError extends Error {
    name = 'UsageError';
}
exports.UsageError = UsageError;
//# sourceMappingURL=context.js.map