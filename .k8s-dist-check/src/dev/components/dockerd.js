"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.dockerdComponent = void 0;
const node_fs_1 = require("node:fs");
const component_1 = require("../component");
const probe_1 = require("../probe");
const process_1 = require("../process");
/**
 * A private Docker engine: its own socket, data root and exec root, so it never touches a
 * system engine. No bridge and no iptables: containers share the host network and bind loopback.
 */
exports.dockerdComponent = {
    name: 'dockerd',
    readyTimeoutMs: 60000,
    url: (config) => `unix://${config.docker.socket}`,
    ports: () => [],
    healthy: (config) => (0, probe_1.httpOk)('http://docker/_ping', { socketPath: config.docker.socket, looksRight: (a) => a.headers['api-version'] !== undefined }),
    async start(config) {
        const bin = (0, component_1.findExecutable)('dockerd', `Docker engine (Debian package docker.io); ${component_1.BOOTSTRAP_HINT}`);
        for (const dir of [config.docker.dataRoot, config.docker.execRoot])
            (0, node_fs_1.mkdirSync)(dir, { recursive: true });
        // A socket or pid file left by a killed engine would make dockerd refuse to start.
        if ((0, process_1.livePid)(config.docker.pidFile) === undefined) {
            (0, node_fs_1.rmSync)(config.docker.pidFile, { force: true });
            (0, node_fs_1.rmSync)(config.docker.socket, { force: true });
        }
        const args = [
            '--host', `unix://${config.docker.socket}`,
            '--data-root', config.docker.dataRoot,
            '--exec-root', config.docker.execRoot,
            '--pidfile', config.docker.pidFile,
            '--bridge=none',
            '--iptables=false',
            '--ip6tables=false',
            '--storage-driver', 'overlay2',
            // A private containerd under the exec root, so a system containerd is never shared.
            '--containerd-namespace', 'sluice',
            '--containerd-plugins-namespace', 'sluice-plugins',
        ];
        (0, process_1.spawnDaemon)({ command: bin, args, logFile: (0, component_1.logFile)(config, 'dockerd'), pidFile: (0, component_1.pidFile)(config, 'dockerd') });
    },
    async afterStop(config) {
        (0, node_fs_1.rmSync)(config.docker.socket, { force: true });
    },
};
//# sourceMappingURL=dockerd.js.map