"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RegistryClient = exports.splitImageRepo = void 0;
exports.createRegistryActivities = createRegistryActivities;
const progress_1 = require("../build/progress");
const credentials_1 = require("./credentials");
const push_1 = require("./push");
const releases_1 = require("./releases");
/** Activities that publish images and keep the set of retained releases in shape. */
function createRegistryActivities(deps) {
    const logger = deps.logger ?? (0, progress_1.defaultLogger)('sluice-registry');
    const credentials = (host) => (0, credentials_1.loadRegistryCredentials)(host, deps.env ?? process.env);
    const releaseDeps = { docker: deps.docker, artifactStore: deps.artifactStore, logger, credentials };
    return {
        async pushImage(input) {
            return (0, push_1.pushImage)({ docker: deps.docker, logger, credentials }, input);
        },
        async listReleases(input) {
            return (0, releases_1.listReleases)(releaseDeps, input);
        },
        async pruneReleases(input) {
            return (0, releases_1.pruneReleases)(releaseDeps, input);
        },
    };
}
var client_1 = require("./client");
Object.defineProperty(exports, "splitImageRepo", { enumerable: true, get: function () { return client_1.splitImageRepo; } });
Object.defineProperty(exports, "RegistryClient", { enumerable: true, get: function () { return client_1.RegistryClient; } });
//# sourceMappingURL=index.js.map