"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Measures the example service's image: size, cold build (no layer cache), cached build of a
 * new version (module layers cached, compile re-runs), and the idempotent re-run (skip).
 * Needs the embedded stack's dockerd. Run: npx tsx bench/build-image.ts
 */
const node_path_1 = require("node:path");
const dockerode_1 = __importDefault(require("dockerode"));
const pino_1 = __importDefault(require("pino"));
const base_images_1 = require("../src/activities/build/base-images");
const image_1 = require("../src/activities/build/image");
const version_1 = require("../src/activities/build/version");
const config_1 = require("../src/dev/config");
async function main() {
    const stack = (0, config_1.loadStackConfig)();
    const docker = new dockerode_1.default({ socketPath: stack.docker.socket });
    const contextDir = (0, node_path_1.join)(__dirname, '..', 'examples', 'go-service');
    const logger = (0, pino_1.default)({ level: 'silent' });
    const repo = `127.0.0.1:5000/bench-go-service-${process.pid}`;
    let t = Date.now();
    const base = await (0, base_images_1.ensureBaseImages)({ docker, goModuleDir: contextDir });
    const baseMs = Date.now() - t;
    const deps = { docker, logger, defaultBuildArgs: { BUILDER_IMAGE: base.builderImage, RUNTIME_IMAGE: base.runtimeImage } };
    const ref = (v, sha) => ({ version: `${v}+${sha}`, imageTag: (0, version_1.imageTagFor)(`${v}+${sha}`), commit: sha.repeat(6).slice(0, 40) });
    const built = [];
    try {
        const cold = await (0, image_1.buildImage)(deps, { contextDir, imageRepo: repo, version: ref('0.0.1', 'aaaaaaa'), noCache: true });
        built.push(cold.image);
        const cached = await (0, image_1.buildImage)(deps, { contextDir, imageRepo: repo, version: ref('0.0.2', 'bbbbbbb') });
        built.push(cached.image);
        t = Date.now();
        const again = await (0, image_1.buildImage)(deps, { contextDir, imageRepo: repo, version: ref('0.0.2', 'bbbbbbb') });
        const rerunMs = Date.now() - t;
        const result = {
            baseImagesMs: baseMs,
            imageSizeBytes: cold.sizeBytes,
            imageSizeMiB: +(cold.sizeBytes / 1048576).toFixed(2),
            coldBuildMs: cold.durationMs,
            cachedBuildNewVersionMs: cached.durationMs,
            idempotentRerunMs: rerunMs,
            rerunSkipped: again.skipped,
        };
        console.log(JSON.stringify(result, null, 2));
    }
    finally {
        for (const image of built)
            await docker.getImage(image).remove({ force: true }).catch(() => undefined);
        await (0, base_images_1.removeDanglingBuilderImages)(docker);
    }
}
main().catch((err) => {
    console.error(err);
    process.exit(1);
});
//# sourceMappingURL=build-image.js.map