"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.buildAndPushWorkflow = buildAndPushWorkflow;
// Test-only workflow: the build → push part of a deployment, with activities that "crash"
// once after doing their work, as a worker killed before reporting completion would.
const workflow_1 = require("@temporalio/workflow");
const quick = (0, workflow_1.proxyActivities)({ startToCloseTimeout: '1m' });
const slow = (0, workflow_1.proxyActivities)({
    startToCloseTimeout: '10m',
    heartbeatTimeout: '1m',
    retry: { initialInterval: '200ms', maximumAttempts: 3 },
});
async function buildAndPushWorkflow(input) {
    const version = await quick.resolveVersion({ repoDir: input.repoDir, service: input.service });
    const changelog = await quick.generateChangelog({ repoDir: input.repoDir });
    const build = await slow.buildImageCrashOnce({ contextDir: input.repoDir, imageRepo: input.imageRepo, version });
    const push = await slow.pushImageCrashOnce({ imageRepo: input.imageRepo, tags: [version.imageTag, `sha-${version.shortCommit}`] });
    return { version, changelog: { bump: changelog.bump, nextVersion: changelog.nextVersion, fromRef: changelog.fromRef }, build, push };
}
//# sourceMappingURL=workflows.js.map