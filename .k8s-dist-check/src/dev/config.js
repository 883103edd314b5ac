"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SEARCH_ATTRIBUTES = exports.TEMPORAL_CLI_VERSION = void 0;
exports.defaultCacheDir = defaultCacheDir;
exports.loadStackConfig = loadStackConfig;
exports.temporalAddress = temporalAddress;
exports.temporalUiUrl = temporalUiUrl;
exports.registryAddress = registryAddress;
exports.prometheusUrl = prometheusUrl;
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
exports.TEMPORAL_CLI_VERSION = 'v1.5.1';
exports.SEARCH_ATTRIBUTES = ['SluiceService', 'SluiceEnvironment', 'SluiceVersion', 'SluicePhase'];
function intFromEnv(env, name, fallback) {
    const raw = env[name];
    if (raw === undefined || raw === '')
        return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || value > 65535) {
        throw new Error(`${name} must be a TCP port (1-65535), got ${JSON.stringify(raw)}`);
    }
    return value;
}
function defaultCacheDir(env = process.env) {
    return (0, node_path_1.resolve)(env.SLUICE_CACHE_DIR ?? (0, node_path_1.join)(env.XDG_CACHE_HOME ?? (0, node_path_1.join)((0, node_os_1.homedir)(), '.cache'), 'sluice'));
}
function loadStackConfig(env = process.env) {
    // Unix socket paths are limited to ~107 bytes, so the default state dir stays short.
    const stateDir = (0, node_path_1.resolve)(env.SLUICE_STATE_DIR ?? (0, node_path_1.join)((0, node_os_1.homedir)(), '.sluice', 'state'));
    const cacheDir = defaultCacheDir(env);
    return {
        stateDir,
        cacheDir,
        temporal: {
            host: '127.0.0.1',
            port: intFromEnv(env, 'SLUICE_TEMPORAL_PORT', 7233),
            uiPort: intFromEnv(env, 'SLUICE_TEMPORAL_UI_PORT', 8233),
            namespace: env.SLUICE_TEMPORAL_NAMESPACE ?? 'default',
            dbFile: (0, node_path_1.join)(stateDir, 'temporal', 'temporal.db'),
        },
        docker: {
            socket: (0, node_path_1.join)(stateDir, 'docker', 'docker.sock'),
            dataRoot: (0, node_path_1.join)(stateDir, 'docker', 'data'),
            execRoot: (0, node_path_1.join)(stateDir, 'docker', 'exec'),
            pidFile: (0, node_path_1.join)(stateDir, 'docker', 'dockerd.pid'),
        },
        registry: {
            host: '127.0.0.1',
            port: intFromEnv(env, 'SLUICE_REGISTRY_PORT', 5000),
            storageDir: (0, node_path_1.join)(stateDir, 'registry', 'data'),
        },
        prometheus: {
            host: '127.0.0.1',
            port: intFromEnv(env, 'SLUICE_PROMETHEUS_PORT', 9090),
            targetsDir: (0, node_path_1.join)(stateDir, 'prometheus', 'targets'),
            dataDir: (0, node_path_1.join)(stateDir, 'prometheus', 'data'),
            scrapeInterval: env.SLUICE_PROMETHEUS_SCRAPE_INTERVAL ?? '1s',
        },
        haproxy: {
            adminSocket: (0, node_path_1.join)(stateDir, 'haproxy', 'admin.sock'),
            masterSocket: (0, node_path_1.join)(stateDir, 'haproxy', 'master.sock'),
            confDir: (0, node_path_1.join)(stateDir, 'haproxy', 'conf.d'),
            pidFile: (0, node_path_1.join)(stateDir, 'haproxy', 'haproxy.pid'),
            statsPort: intFromEnv(env, 'SLUICE_HAPROXY_STATS_PORT', 8404),
        },
    };
}
function temporalAddress(config) {
    return `${config.temporal.host}:${config.temporal.port}`;
}
function temporalUiUrl(config) {
    return `http://${config.temporal.host}:${config.temporal.uiPort}`;
}
function registryAddress(config) {
    return `${config.registry.host}:${config.registry.port}`;
}
function prometheusUrl(config) {
    return `http://${config.prometheus.host}:${config.prometheus.port}`;
}
//# sourceMappingURL=config.js.map