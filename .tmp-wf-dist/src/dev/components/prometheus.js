"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.prometheusComponent = void 0;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const yaml_1 = require("yaml");
const config_1 = require("../config");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
/** Scrape targets come from JSON files in targetsDir, so releases register instances at run time. */
function prometheusConfig(config) {
    const interval = config.prometheus.scrapeInterval;
    return (0, yaml_1.stringify)({
        global: { scrape_interval: interval, evaluation_interval: interval, scrape_timeout: interval },
        scrape_configs: [
            {
                job_name: 'sluice',
                file_sd_configs: [{ files: [(0, node_path_1.join)(config.prometheus.targetsDir, '*.json')], refresh_interval: '1s' }],
            },
        ],
    });
}
exports.prometheusComponent = {
    name: 'prometheus',
    readyTimeoutMs: 30000,
    url: (config) => (0, config_1.prometheusUrl)(config),
    ports: (config) => [config.prometheus.port],
    healthy: (config) => (0, probe_1.httpOk)(`${(0, config_1.prometheusUrl)(config)}/-/ready`, { looksRight: (a) => /Prometheus Server is Ready/.test(a.body) }),
    async start(config) {
        const bin = (0, component_1.findExecutable)('prometheus', `Prometheus (Debian package prometheus); ${component_1.BOOTSTRAP_HINT}`);
        const dir = (0, node_path_1.join)(config.stateDir, 'prometheus');
        for (const d of [config.prometheus.targetsDir, config.prometheus.dataDir])
            (0, node_fs_1.mkdirSync)(d, { recursive: true });
        const file = (0, node_path_1.join)(dir, 'prometheus.yml');
        (0, node_fs_1.writeFileSync)(file, prometheusConfig(config));
        const args = [
            `--config.file=${file}`,
            `--storage.tsdb.path=${config.prometheus.dataDir}`,
            '--storage.tsdb.retention.time=2d',
            `--web.listen-address=${config.prometheus.host}:${config.prometheus.port}`,
            '--web.enable-lifecycle',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'prometheus'), pidFile: (0, component_1.pidFile)(config, 'prometheus') });
    },
};
//# sourceMappingURL=prometheus.js.map