"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.resolveConnectionSettings = resolveConnectionSettings;
exports.toConnectionOptions = toConnectionOptions;
const node_fs_1 = require("node:fs");
const envconfig_1 = require("@temporalio/envconfig");
const config_1 = require("../dev/config");
const errors_1 = require("./errors");
/** Temporal CLI spellings accepted as aliases for envconfig's *_PATH variables. */
const ENV_ALIASES = {
    TEMPORAL_TLS_CERT: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
    TEMPORAL_TLS_KEY: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
    TEMPORAL_TLS_CA: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
};
function withAliases(env) {
    const out = {};
    for (const [k, v] of Object.entries(env))
        if (v !== undefined && v !== '')
            out[k] = v;
    for (const [alias, canonical] of Object.entries(ENV_ALIASES)) {
        if (out[alias] !== undefined && out[canonical] === undefined)
            out[canonical] = out[alias];
    }
    return out;
}
function pathOf(source) {
    return source && 'path' in source ? source.path : undefined;
}
function loadProfile(flags, env) {
    try {
        return (0, envconfig_1.loadClientConfigProfile)({
            profile: flags.profile,
            configSource: flags.configFile ? { path: flags.configFile } : undefined,
            overrideEnvVars: withAliases(env),
        });
    }
    catch (err) {
        const where = flags.configFile ?? env.TEMPORAL_CONFIG_FILE ?? 'the Temporal client config file';
        throw new errors_1.SluiceClientError(errors_1.ClientErrorType.InvalidSettings, `cannot read connection settings from ${where}: ${err.message}`, { cause: err });
    }
}
function resolveConnectionSettings(flags = {}, env = process.env) {
    const profile = loadProfile(flags, env);
    const stack = (0, config_1.loadStackConfig)(env);
    const address = flags.address ?? profile.address ?? (0, config_1.temporalAddress)(stack);
    const namespace = flags.namespace ?? profile.namespace ?? stack.temporal.namespace;
    const apiKey = flags.apiKey ?? profile.apiKey;
    const files = {
        cert: flags.tlsCert ?? pathOf(profile.tls?.clientCert),
        key: flags.tlsKey ?? pathOf(profile.tls?.clientKey),
        ca: flags.tlsCa ?? pathOf(profile.tls?.serverCACert),
        serverName: flags.tlsServerName ?? profile.tls?.serverName,
    };
    if (Boolean(files.cert) !== Boolean(files.key)) {
        throw new errors_1.SluiceClientError(errors_1.ClientErrorType.InvalidSettings, 'mTLS needs both a client certificate and a key (--tls-cert and --tls-key, or TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY)');
    }
    const anyTls = Boolean(files.cert || files.ca || files.serverName || apiKey || (profile.tls && !profile.tls.disabled));
    const tlsOn = flags.tls ?? (profile.tls?.disabled ? false : anyTls);
    const uiUrl = (flags.uiUrl ?? env.SLUICE_UI_URL ?? (0, config_1.temporalUiUrl)(stack)).replace(/\/+$/, '');
    return { address, namespace, apiKey, tls: tlsOn ? files : false, uiUrl };
}
function readPem(path, what) {
    try {
        return (0, node_fs_1.readFileSync)(path);
    }
    catch (err) {
        throw new errors_1.SluiceClientError(errors_1.ClientErrorType.InvalidSettings, `cannot read the ${what} ${path}: ${err.code ?? err.message}`);
    }
}
/** Options for `Connection.connect`; certificate files are read here so a wrong path fails early and by name. */
function toConnectionOptions(settings) {
    const tls = settings.tls
        ? {
            serverNameOverride: settings.tls.serverName,
            serverRootCACertificate: settings.tls.ca ? readPem(settings.tls.ca, 'TLS CA certificate') : undefined,
            clientCertPair: settings.tls.cert && settings.tls.key
                ? { crt: readPem(settings.tls.cert, 'TLS client certificate'), key: readPem(settings.tls.key, 'TLS client key') }
                : undefined,
        }
        : false;
    return { address: settings.address, apiKey: settings.apiKey, tls, connectTimeout: '5s' };
}
//# sourceMappingURL=settings.js.map