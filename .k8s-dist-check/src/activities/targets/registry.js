"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.TARGETS = void 0;
exports.isLoopbackTargetKind = isLoopbackTargetKind;
exports.createTarget = createTarget;
const dockerode_1 = __importDefault(require("dockerode"));
const config_1 = require("../../dev/config");
const docker_1 = require("./docker");
const errors_1 = require("./errors");
const process_1 = require("./process");
const dockerClients = new Map();
exports.TARGETS = {
    docker: (settings, deps) => {
        const socket = typeof settings.socket === 'string' ? settings.socket : deps.stack.docker.socket;
        let docker = deps.docker;
        if (!docker) {
            docker = dockerClients.get(socket) ?? new dockerode_1.default({ socketPath: socket });
            dockerClients.set(socket, docker);
        }
        return new docker_1.DockerTarget(docker, settings);
    },
    process: (settings, deps) => new process_1.ProcessTarget(settings, deps.stack.stateDir),
};
function isLoopbackTargetKind(kind) {
    return Object.hasOwn(exports.TARGETS, kind);
}
function createTarget(kind, settings, deps = {}) {
    if (!isLoopbackTargetKind(kind))
        throw (0, errors_1.targetFailure)(errors_1.TargetErrorType.UnknownKind, `unknown target kind "${kind}" (known: ${Object.keys(exports.TARGETS).join(', ')})`);
    return exports.TARGETS[kind](settings ?? {}, { ...deps, stack: deps.stack ?? (0, config_1.loadStackConfig)() });
}
//# sourceMappingURL=registry.js.map