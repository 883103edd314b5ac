"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.listRetainedReleases = listRetainedReleases;
const dockerode_1 = __importDefault(require("dockerode"));
const pino_1 = __importDefault(require("pino"));
const build_1 = require("../activities/build");
const registry_1 = require("../activities/registry");
const config_1 = require("../dev/config");
/**
 * Retained releases are read where they live, the registry's tag list and the artifact store,
 * by calling the build engineer's listReleases directly: it is read-only and needs no worker,
 * so `sluice releases` works even while no worker runs and adds nothing to Temporal history.
 */
async function listRetainedReleases(service, options = {}) {
    const stack = (0, config_1.loadStackConfig)();
    const imageRepo = options.imageRepo === null ? undefined : options.imageRepo ?? `${(0, config_1.registryAddress)(stack)}/${service}`;
    const artifactStore = options.artifactStore ?? process.env.SLUICE_ARTIFACT_STORE ?? (0, build_1.defaultArtifactStore)(stack.stateDir);
    // listReleases never touches Docker; the factory wants a client because pruning does.
    const registry = (0, registry_1.createRegistryActivities)({ docker: new dockerode_1.default({ socketPath: stack.docker.socket }), artifactStore, logger: (0, pino_1.default)({ level: 'silent' }) });
    return registry.listReleases({ service, imageRepo });
}
//# sourceMappingURL=releases.js.map