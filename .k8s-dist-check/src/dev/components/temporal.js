"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.temporalComponent = void 0;
exports.temporalBinary = temporalBinary;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const client_1 = require("@temporalio/client");
const proto_1 = require("@temporalio/proto");
const config_1 = require("../config");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
/** The dev server binary built by scripts/bootstrap.sh, cached outside the repo by version. */
function temporalBinary(config, env = process.env) {
    const path = env.SLUICE_TEMPORAL_BIN ?? (0, node_path_1.join)(config.cacheDir, `temporal-${config_1.TEMPORAL_CLI_VERSION}`, 'temporal');
    if (!(0, node_fs_1.existsSync)(path)) {
        throw new component_1.MissingDependencyError(`Temporal CLI ${config_1.TEMPORAL_CLI_VERSION} (${path})`, component_1.BOOTSTRAP_HINT);
    }
    return path;
}
async function registerSearchAttributes(config) {
    const connection = await client_1.Connection.connect({ address: (0, config_1.temporalAddress)(config) });
    try {
        const namespace = config.temporal.namespace;
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = config_1.SEARCH_ATTRIBUTES.filter((name) => !(name in (existing.customAttributes ?? {})));
        if (missing.length === 0)
            return;
        await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing.map((n) => [n, proto_1.temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD])),
        });
    }
    finally {
        await connection.close();
    }
}
exports.temporalComponent = {
    name: 'temporal',
    readyTimeoutMs: 60000,
    url: (config) => `grpc://${(0, config_1.temporalAddress)(config)} (Web UI ${(0, config_1.temporalUiUrl)(config)})`,
    ports: (config) => [config.temporal.port, config.temporal.uiPort],
    async healthy(config) {
        if (!(await (0, probe_1.tcpOpen)(config.temporal.host, config.temporal.port)))
            return false;
        if (!(await (0, probe_1.httpOk)((0, config_1.temporalUiUrl)(config), { looksRight: (a) => /<html/i.test(a.body) })))
            return false;
        try {
            const connection = await client_1.Connection.connect({ address: (0, config_1.temporalAddress)(config), connectTimeout: 2000 });
            try {
                await connection.workflowService.getSystemInfo({});
                return true;
            }
            finally {
                await connection.close();
            }
        }
        catch {
            return false;
        }
    },
    async start(config) {
        const bin = temporalBinary(config);
        (0, node_fs_1.mkdirSync)((0, node_path_1.dirname)(config.temporal.dbFile), { recursive: true });
        const args = [
            'server', 'start-dev',
            '--ip', config.temporal.host,
            '--port', String(config.temporal.port),
            '--ui-ip', config.temporal.host,
            '--ui-port', String(config.temporal.uiPort),
            '--db-filename', config.temporal.dbFile,
            '--namespace', config.temporal.namespace,
            '--log-format', 'json',
            '--log-level', 'warn',
            // Search attributes become visible to queries at once instead of after a cache refresh.
            '--dynamic-config-value', 'system.forceSearchAttributesCacheRefreshOnRead=true',
            ...config_1.SEARCH_ATTRIBUTES.flatMap((name) => ['--search-attribute', `${name}=Keyword`]),
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'temporal'), pidFile: (0, component_1.pidFile)(config, 'temporal') });
    },
    ensureConfigured: registerSearchAttributes,
};
//# sourceMappingURL=temporal.js.map