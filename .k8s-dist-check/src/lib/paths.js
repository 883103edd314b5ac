"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.packageRoot = packageRoot;
exports.packageVersion = packageVersion;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
let cached;
/**
 * The Sluice package root. Code runs both from src/ (tsx) and from dist/src/ (compiled), so
 * relative paths differ; walking up to our own package.json works for both.
 */
function packageRoot() {
    if (cached)
        return cached;
    let dir = __dirname;
    for (;;) {
        const manifest = (0, node_path_1.join)(dir, 'package.json');
        if ((0, node_fs_1.existsSync)(manifest) && JSON.parse((0, node_fs_1.readFileSync)(manifest, 'utf8')).name === 'sluice') {
            cached = dir;
            return dir;
        }
        const parent = (0, node_path_1.dirname)(dir);
        if (parent === dir)
            throw new Error(`the sluice package.json was not found above ${__dirname}`);
        dir = parent;
    }
}
function packageVersion() {
    return JSON.parse((0, node_fs_1.readFileSync)((0, node_path_1.join)(packageRoot(), 'package.json'), 'utf8')).version;
}
//# sourceMappingURL=paths.js.map