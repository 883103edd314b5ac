"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BOOTSTRAP_HINT = exports.MissingDependencyError = void 0;
exports.findExecutable = findExecutable;
exports.logFile = logFile;
exports.pidFile = pidFile;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
class MissingDependencyError extends Error {
    constructor(what, fix) {
        super(`${what} is missing: ${fix}`);
        this.name = 'MissingDependencyError';
    }
}
exports.MissingDependencyError = MissingDependencyError;
/** Finds an executable on PATH (plus the sbin dirs Debian puts daemons in). */
function findExecutable(name, fix, env = process.env) {
    const dirs = [...(env.PATH ?? '').split(node_path_1.delimiter), '/usr/sbin', '/usr/local/sbin', '/sbin'];
    for (const dir of dirs) {
        if (!dir)
            continue;
        const candidate = (0, node_path_1.join)(dir, name);
        try {
            (0, node_fs_1.accessSync)(candidate, node_fs_1.constants.X_OK);
            return candidate;
        }
        catch {
            // keep looking
        }
    }
    throw new MissingDependencyError(`${name}`, fix);
}
exports.BOOTSTRAP_HINT = 'run `npm run bootstrap` (scripts/bootstrap.sh) to install it';
function logFile(config, name) {
    return (0, node_path_1.join)(config.stateDir, 'logs', `${name}.log`);
}
function pidFile(config, name) {
    return (0, node_path_1.join)(config.stateDir, 'pids', `${name}.pid`);
}
//# sourceMappingURL=component.js.map