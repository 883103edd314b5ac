"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MEMO_CHANGELOG_LIMIT = void 0;
exports.obtainRelease = obtainRelease;
/**
 * Turning the spec's source into a Release: build and push it (phases building, pushing), or take
 * a prebuilt one as given. Nothing here needs an undo: an extra image in the registry or binary in
 * the artifact store harms nobody, and retention prunes it.
 */
const workflow_1 = require("@temporalio/workflow");
const release_1 = require("../domain/release");
const activities_1 = require("./activities");
const control_1 = require("./control");
/** Memo values are stored with every visibility record; keep the changelog to a readable size. */
exports.MEMO_CHANGELOG_LIMIT = 16_000;
async function obtainRelease(spec, control, tracker) {
    const source = spec.source;
    if (source.kind === 'prebuilt') {
        return {
            service: spec.service,
            version: source.version,
            imageTag: source.imageTag ?? (0, release_1.imageTagForVersion)(source.version),
            commit: source.commit ?? (0, release_1.commitFromVersion)(source.version),
            ...(source.imageRef ? { imageRef: source.imageRef } : {}),
            ...(source.binaryPath ? { binaryPath: source.binaryPath } : {}),
        };
    }
    tracker.setPhase('building');
    const resolved = await control.interruptible(() => activities_1.git.resolveVersion({ repoDir: source.repoDir, service: spec.service, tagPrefix: source.tagPrefix }));
    const version = { version: resolved.version, imageTag: resolved.imageTag, commit: resolved.commit };
    tracker.event('info', `version ${resolved.version} (commit ${resolved.shortCommit})`);
    try {
        const changelog = await control.interruptible(() => activities_1.git.generateChangelog({ repoDir: source.repoDir, toRef: resolved.commit, tagPrefix: source.tagPrefix }));
        (0, workflow_1.upsertMemo)({
            version: resolved.version,
            changelog: changelog.markdown.length > exports.MEMO_CHANGELOG_LIMIT ? `${changelog.markdown.slice(0, exports.MEMO_CHANGELOG_LIMIT)}\n…(truncated)` : changelog.markdown,
        });
        tracker.event('info', `changelog: ${changelog.entries.length} commits since ${changelog.fromRef ?? 'the beginning'}`);
    }
    catch (err) {
        if (err instanceof control_1.StopError)
            throw err;
        // A changelog is for people; a repository without tags or history must not block a release.
        tracker.event('info', `changelog unavailable: ${err.message}`);
    }
    const contextDir = source.contextDir ?? source.repoDir;
    if (spec.target.kind === 'process') {
        const binary = await control.interruptible(() => activities_1.build.buildBinary({ sourceDir: contextDir, service: spec.service, version }));
        return { service: spec.service, ...version, binaryPath: binary.binaryPath };
    }
    const imageRepo = source.imageRepo; // the spec schema requires it for image targets
    await control.interruptible(() => activities_1.build.buildImage({ contextDir, dockerfile: source.dockerfile, imageRepo, version, ...(source.buildArgs ? { buildArgs: source.buildArgs } : {}) }));
    control.throwIfStopped();
    tracker.setPhase('pushing');
    const pushed = await control.interruptible(() => activities_1.registry.pushImage({ imageRepo, tags: [resolved.imageTag] }));
    return { service: spec.service, ...version, imageRef: pushed.imageRef };
}
//# sourceMappingURL=source.js.map