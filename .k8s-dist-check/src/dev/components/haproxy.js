"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.haproxyComponent = void 0;
exports.haproxyFiles = haproxyFiles;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const component_1 = require("../component");
const haproxy_1 = require("../../lib/haproxy");
const process_1 = require("../process");
function haproxyFiles(config) {
    return {
        mainConfig: (0, node_path_1.join)(config.stateDir, 'haproxy', 'haproxy.cfg'),
        confDir: config.haproxy.confDir,
        masterSocket: config.haproxy.masterSocket,
        adminSocket: config.haproxy.adminSocket,
    };
}
/**
 * The global part only. Each service's frontend and backend is a fragment in confDir written by
 * the HAProxy router; weights change through the admin socket without a reload.
 */
function mainConfig(config) {
    return [
        'global',
        `  stats socket ${config.haproxy.adminSocket} mode 600 level admin expose-fd listeners`,
        '  stats timeout 30s',
        '  log stdout format raw local0 info',
        '',
        'defaults',
        '  mode http',
        '  log global',
        '  option httplog',
        '  option dontlognull',
        '  timeout connect 2s',
        '  timeout client 30s',
        '  timeout server 30s',
        // A request that hits a server being swapped out is retried on another one.
        '  retries 3',
        '  option redispatch 1',
        '  retry-on conn-failure empty-response response-timeout',
        '',
        'frontend sluice-stats',
        `  bind 127.0.0.1:${config.haproxy.statsPort}`,
        '  stats enable',
        '  stats uri /stats',
        '  stats refresh 5s',
        '  http-request return status 200 content-type text/plain string ok if { path /healthz }',
        '',
    ].join('\n');
}
exports.haproxyComponent = {
    name: 'haproxy',
    readyTimeoutMs: 20000,
    url: (config) => `http://127.0.0.1:${config.haproxy.statsPort}/stats (admin socket ${config.haproxy.adminSocket})`,
    ports: (config) => [config.haproxy.statsPort],
    async healthy(config) {
        try {
            const info = await (0, haproxy_1.haproxyCommand)(config.haproxy.adminSocket, 'show info', 1000);
            await (0, haproxy_1.haproxyCommand)(config.haproxy.masterSocket, 'show proc', 1000);
            return /^Name: HAProxy/m.test(info);
        }
        catch {
            return false;
        }
    },
    async start(config) {
        const bin = (0, component_1.findExecutable)('haproxy', `HAProxy (Debian package haproxy); ${component_1.BOOTSTRAP_HINT}`);
        const files = haproxyFiles(config);
        (0, node_fs_1.mkdirSync)(config.haproxy.confDir, { recursive: true });
        (0, node_fs_1.writeFileSync)(files.mainConfig, mainConfig(config));
        for (const socket of [config.haproxy.adminSocket, config.haproxy.masterSocket])
            (0, node_fs_1.rmSync)(socket, { force: true });
        // Master-worker mode in the foreground: the master CLI socket accepts `reload`.
        const args = ['-W', '-S', `${config.haproxy.masterSocket},mode,600`, '-f', files.mainConfig, '-f', files.confDir];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'haproxy'), pidFile: (0, component_1.pidFile)(config, 'haproxy') });
    },
    async afterStop(config) {
        for (const socket of [config.haproxy.adminSocket, config.haproxy.masterSocket])
            (0, node_fs_1.rmSync)(socket, { force: true });
    },
};
//# sourceMappingURL=haproxy.js.map