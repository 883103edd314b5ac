"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registryComponent = void 0;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const yaml_1 = require("yaml");
const config_1 = require("../config");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
function registryConfig(config) {
    return (0, yaml_1.stringify)({
        version: 0.1,
        log: { level: 'info', formatter: 'json' },
        storage: {
            filesystem: { rootdirectory: config.registry.storageDir },
            // Retention prunes old releases by manifest digest.
            delete: { enabled: true },
        },
        http: { addr: (0, config_1.registryAddress)(config), headers: { 'X-Content-Type-Options': ['nosniff'] } },
    });
}
exports.registryComponent = {
    name: 'registry',
    readyTimeoutMs: 30000,
    url: (config) => `http://${(0, config_1.registryAddress)(config)}`,
    ports: (config) => [config.registry.port],
    healthy: (config) => (0, probe_1.httpOk)(`http://${(0, config_1.registryAddress)(config)}/v2/`, {
        looksRight: (a) => String(a.headers['docker-distribution-api-version'] ?? '').startsWith('registry/2'),
    }),
    async start(config) {
        const bin = (0, component_1.findExecutable)('docker-registry', `Docker registry (Debian package docker-registry); ${component_1.BOOTSTRAP_HINT}`);
        const dir = (0, node_path_1.join)(config.stateDir, 'registry');
        (0, node_fs_1.mkdirSync)(config.registry.storageDir, { recursive: true });
        const file = (0, node_path_1.join)(dir, 'config.yml');
        (0, node_fs_1.writeFileSync)(file, registryConfig(config));
        (0, process_1.spawnDaemon)({ command: bin, args: ['serve', file], logFile: (0, component_1.logFile)(config, 'registry'), pidFile: (0, component_1.pidFile)(config, 'registry') });
    },
};
//# sourceMappingURL=registry.js.map