"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ensureBaseImages = exports.commitTagFor = exports.versionFromImageTag = exports.imageTagFor = exports.BuildErrorType = void 0;
exports.defaultArtifactStore = defaultArtifactStore;
exports.createBuildActivities = createBuildActivities;
const node_path_1 = require("node:path");
const binary_1 = require("./binary");
const changelog_1 = require("./changelog");
const image_1 = require("./image");
const progress_1 = require("./progress");
const schema_1 = require("./schema");
const version_1 = require("./version");
/** Where binaries live by default: beside the embedded stack's state. */
function defaultArtifactStore(stateDir) {
    return (0, node_path_1.join)(stateDir, 'artifacts');
}
/** Activities that turn a commit into a version, a changelog, an image and a binary. */
function createBuildActivities(deps) {
    const logger = deps.logger ?? (0, progress_1.defaultLogger)('sluice-build');
    return {
        async resolveVersion(input) {
            return (0, version_1.resolveVersion)((0, image_1.parseInput)(schema_1.resolveVersionInputSchema, input, 'resolveVersion'));
        },
        async generateChangelog(input) {
            return (0, changelog_1.generateChangelog)((0, image_1.parseInput)(schema_1.generateChangelogInputSchema, input, 'generateChangelog'));
        },
        async buildImage(input) {
            return (0, image_1.buildImage)({ docker: deps.docker, logger, defaultBuildArgs: deps.defaultBuildArgs }, input);
        },
        async buildBinary(input) {
            return (0, binary_1.buildBinary)({ artifactStore: deps.artifactStore, logger, goEnv: deps.goEnv }, input);
        },
    };
}
var errors_1 = require("./errors");
Object.defineProperty(exports, "BuildErrorType", { enumerable: true, get: function () { return errors_1.BuildErrorType; } });
var version_2 = require("./version");
Object.defineProperty(exports, "imageTagFor", { enumerable: true, get: function () { return version_2.imageTagFor; } });
Object.defineProperty(exports, "versionFromImageTag", { enumerable: true, get: function () { return version_2.versionFromImageTag; } });
Object.defineProperty(exports, "commitTagFor", { enumerable: true, get: function () { return version_2.commitTagFor; } });
var base_images_1 = require("./base-images");
Object.defineProperty(exports, "ensureBaseImages", { enumerable: true, get: function () { return base_images_1.ensureBaseImages; } });
//# sourceMappingURL=index.js.map