"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.COMPONENTS = void 0;
exports.selectComponents = selectComponents;
exports.stackUp = stackUp;
exports.stackDown = stackDown;
exports.stackStatus = stackStatus;
const node_fs_1 = require("node:fs");
const component_1 = require("./component");
const dockerd_1 = require("./components/dockerd");
const haproxy_1 = require("./components/haproxy");
const prometheus_1 = require("./components/prometheus");
const registry_1 = require("./components/registry");
const temporal_1 = require("./components/temporal");
const probe_1 = require("./probe");
const process_1 = require("./process");
/** Start order; `down` stops in reverse. */
exports.COMPONENTS = [
    temporal_1.temporalComponent,
    dockerd_1.dockerdComponent,
    registry_1.registryComponent,
    prometheus_1.prometheusComponent,
    haproxy_1.haproxyComponent,
];
function tailOfLog(path, lines = 15) {
    if (!(0, node_fs_1.existsSync)(path))
        return '(no log yet)';
    return (0, node_fs_1.readFileSync)(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}
function selectComponents(names) {
    if (!names || names.length === 0)
        return [...exports.COMPONENTS];
    const known = new Map(exports.COMPONENTS.map((c) => [c.name, c]));
    return names.map((name) => {
        const component = known.get(name);
        if (!component)
            throw new Error(`unknown component "${name}"; known: ${[...known.keys()].join(', ')}`);
        return component;
    });
}
async function bringUp(config, component) {
    const ownPid = (0, process_1.livePid)((0, component_1.pidFile)(config, component.name));
    let ownership;
    if (await component.healthy(config)) {
        ownership = ownPid ? 'reused-own' : 'reused-external';
    }
    else if (ownPid) {
        // Ours and still starting (or hung): wait rather than start a second copy.
        ownership = 'reused-own';
    }
    else {
        for (const port of component.ports(config)) {
            if (await (0, probe_1.tcpOpen)('127.0.0.1', port)) {
                throw new Error(`${component.name}: port 127.0.0.1:${port} is already taken by a process that is not a healthy ${component.name}; ` +
                    'stop it or choose another port (see src/dev/config.ts for the SLUICE_*_PORT variables)');
            }
        }
        await component.start(config);
        ownership = 'started';
    }
    const log = (0, component_1.logFile)(config, component.name);
    await (0, probe_1.waitFor)(component.name, () => component.healthy(config), component.readyTimeoutMs, `last lines of ${log}:\n${tailOfLog(log)}`);
    await component.ensureConfigured?.(config);
    return ownership;
}
/** Starts every selected component that is not already healthy; safe to run again at any time. */
async function stackUp(config, components = [...exports.COMPONENTS]) {
    // Independent daemons: start them side by side, then report every failure, not just the first.
    const results = await Promise.allSettled(components.map((c) => bringUp(config, c)));
    const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${components[i].name}: ${r.reason.message}`] : []));
    if (failures.length > 0)
        throw new Error(`the stack did not come up:\n${failures.join('\n')}`);
    return new Map(results.map((r, i) => [components[i].name, r.value]));
}
/** Stops what this stack started, newest first; components it merely reused are left alone. */
async function stackDown(config, components = [...exports.COMPONENTS]) {
    const stopped = [];
    for (const component of [...components].reverse()) {
        if (await (0, process_1.stopDaemon)((0, component_1.pidFile)(config, component.name)))
            stopped.push(component.name);
        await component.afterStop?.(config);
    }
    return stopped;
}
async function stackStatus(config, components = [...exports.COMPONENTS]) {
    return Promise.all(components.map(async (component) => {
        const pid = (0, process_1.livePid)((0, component_1.pidFile)(config, component.name));
        return {
            name: component.name,
            healthy: await component.healthy(config),
            pid,
            managed: pid !== undefined,
            url: component.url(config),
            log: (0, component_1.logFile)(config, component.name),
        };
    }));
}
//# sourceMappingURL=stack.js.map