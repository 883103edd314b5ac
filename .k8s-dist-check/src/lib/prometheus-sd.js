"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.registerScrapeGroup = registerScrapeGroup;
exports.unregisterScrapeGroup = unregisterScrapeGroup;
const promises_1 = require("node:fs/promises");
const node_path_1 = require("node:path");
const ID_PATTERN = /^[a-zA-Z0-9_.-]+$/;
const LABEL_PATTERN = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
function fileFor(targetsDir, id) {
    if (!ID_PATTERN.test(id))
        throw new Error(`invalid scrape group id ${JSON.stringify(id)}`);
    return (0, node_path_1.join)(targetsDir, `${id}.json`);
}
/** Writes atomically (temp file + rename), so Prometheus never reads half a file. Idempotent. */
async function registerScrapeGroup(targetsDir, group) {
    for (const name of Object.keys(group.labels)) {
        if (!LABEL_PATTERN.test(name) || name.startsWith('__'))
            throw new Error(`invalid Prometheus label name ${JSON.stringify(name)}`);
    }
    await (0, promises_1.mkdir)(targetsDir, { recursive: true });
    const file = fileFor(targetsDir, group.id);
    // The temp name does not end in .json, so the *.json glob never matches it.
    const staged = `${file}.tmp-${process.pid}`;
    await (0, promises_1.writeFile)(staged, JSON.stringify([{ targets: group.targets, labels: group.labels }], null, 2));
    await (0, promises_1.rename)(staged, file);
}
async function unregisterScrapeGroup(targetsDir, id) {
    await (0, promises_1.rm)(fileFor(targetsDir, id), { force: true });
}
//# sourceMappingURL=prometheus-sd.js.map