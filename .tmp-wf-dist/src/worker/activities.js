"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.createSluiceActivities = createSluiceActivities;
const build_1 = require("../activities/build");
const load_1 = require("../activities/load");
const metrics_1 = require("../activities/metrics");
const registry_1 = require("../activities/registry");
/** Fails loudly instead of letting Temporal retry a call that cannot work. */
function missingDeployActivities() {
    const missing = (name) => async () => {
        const { ApplicationFailure } = await import('@temporalio/common');
        throw ApplicationFailure.create({
            type: 'SluiceDeployActivitiesMissing',
            nonRetryable: true,
            message: `this worker has no deploy activities (${name}): src/activities/deploy is not wired into src/worker/activities.ts yet`,
        });
    };
    return {
        currentRelease: missing('currentRelease'),
        deployCandidate: missing('deployCandidate'),
        setTrafficWeight: missing('setTrafficWeight'),
        promoteCandidate: missing('promoteCandidate'),
        removeCandidate: missing('removeCandidate'),
        rollbackToRelease: missing('rollbackToRelease'),
        retireRelease: missing('retireRelease'),
        probeHealth: missing('probeHealth'),
    };
}
function createSluiceActivities(deps) {
    const build = (0, build_1.createBuildActivities)({ docker: deps.docker, artifactStore: deps.artifactStore, logger: deps.logger });
    const registry = (0, registry_1.createRegistryActivities)({ docker: deps.docker, artifactStore: deps.artifactStore, logger: deps.logger, env: deps.env });
    // Compile-time contract checks: a factory drifting from the port breaks the build here.
    const buildPort = build;
    const registryPort = registry;
    const deploy = deps.deploy ?? missingDeployActivities();
    const metrics = (0, metrics_1.createMetricsActivities)({ prometheusUrl: deps.prometheusUrl, targetsDir: deps.prometheusTargetsDir });
    const load = (0, load_1.createLoadActivities)();
    const activities = { ...build, ...registry, ...deploy, ...metrics, ...load };
    void buildPort;
    void registryPort;
    return activities;
}
//# sourceMappingURL=activities.js.map