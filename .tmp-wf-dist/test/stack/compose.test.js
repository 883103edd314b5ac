"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const strict_1 = __importDefault(require("node:assert/strict"));
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const node_test_1 = require("node:test");
const yaml_1 = require("yaml");
const config_1 = require("../../src/dev/config");
const stack_1 = require("../../src/dev/stack");
const stack_2 = require("../helpers/stack");
// docker-compose.yml cannot be run here (no image pulls), so keep it honest against the stack
// manager it mirrors: same components, same loopback ports, same search attributes.
(0, node_test_1.test)('docker-compose.yml mirrors the embedded stack', () => {
    const compose = (0, yaml_1.parse)((0, node_fs_1.readFileSync)((0, node_path_1.join)((0, stack_2.repoRoot)(), 'docker-compose.yml'), 'utf8'));
    const expected = stack_1.COMPONENTS.map((c) => c.name).filter((name) => name !== 'dockerd');
    strict_1.default.deepEqual(Object.keys(compose.services).sort(), expected.sort());
    for (const [name, service] of Object.entries(compose.services)) {
        for (const port of service.ports ?? [])
            strict_1.default.match(port, /^127\.0\.0\.1:/, `${name} publishes ${port} on loopback only`);
    }
    const temporalArgs = compose.services.temporal.command.join(' ');
    for (const attribute of config_1.SEARCH_ATTRIBUTES)
        strict_1.default.ok(temporalArgs.includes(`${attribute}=Keyword`), attribute);
});
//# sourceMappingURL=compose.test.js.map