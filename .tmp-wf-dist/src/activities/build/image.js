"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.LABEL_MANAGED = exports.LABEL_IMAGE_TAG = exports.LABEL_CREATED = exports.LABEL_REVISION = exports.LABEL_VERSION = void 0;
exports.parseInput = parse;
exports.buildImage = buildImage;
const context_1 = require("./context");
const errors_1 = require("./errors");
const progress_1 = require("./progress");
const schema_1 = require("./schema");
/** Labels every Sluice-built image carries; idempotency and listings read them back. */
exports.LABEL_VERSION = 'org.opencontainers.image.version';
exports.LABEL_REVISION = 'org.opencontainers.image.revision';
exports.LABEL_CREATED = 'org.opencontainers.image.created';
exports.LABEL_IMAGE_TAG = 'io.sluice.image-tag';
exports.LABEL_MANAGED = 'io.sluice.managed';
function parse(schema, input, what) {
    const result = schema.safeParse(input);
    if (!result.success) {
        const detail = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.InvalidInput, `invalid ${what} input: ${detail}`);
    }
    return result.data;
}
async function inspectOrUndefined(docker, ref) {
    try {
        return await docker.getImage(ref).inspect();
    }
    catch (err) {
        if (err.statusCode === 404)
            return undefined;
        throw (0, errors_1.transient)(errors_1.BuildErrorType.ImageBuildFailed, `docker inspect ${ref}: ${(0, errors_1.errorMessage)(err)}`, err);
    }
}
/**
 * Builds contextDir into `<imageRepo>:<imageTag>` with the classic builder over the Docker API.
 * Re-running with the same tag and commit finds the image by its labels and builds nothing,
 * so a retry after a worker crash is free.
 */
async function buildImage(deps, raw) {
    const input = parse(schema_1.buildImageInputSchema, raw, 'buildImage');
    const { version } = input;
    const ref = `${input.imageRepo}:${version.imageTag}`;
    const log = (0, progress_1.activityLogger)(deps.logger, { image: ref, version: version.version });
    const started = Date.now();
    const existing = await inspectOrUndefined(deps.docker, ref);
    const labels = existing?.Config?.Labels ?? {};
    if (existing && labels[exports.LABEL_REVISION] === version.commit && labels[exports.LABEL_VERSION] === version.version) {
        log.info({ imageId: existing.Id }, 'image already built; skipping');
        return { image: ref, imageId: existing.Id, imageTag: version.imageTag, skipped: true, sizeBytes: existing.Size, durationMs: Date.now() - started };
    }
    const context = (0, context_1.packBuildContext)(input.contextDir, input.dockerfile);
    const created = new Date().toISOString();
    const buildargs = {
        ...deps.defaultBuildArgs,
        ...input.buildArgs,
        VERSION: version.version,
        COMMIT: version.commit,
        CREATED: created,
    };
    const heartbeat = (0, progress_1.throttledHeartbeat)();
    log.info({ dockerfile: context.dockerfile, buildArgs: Object.keys(buildargs) }, 'image build started');
    let stream;
    try {
        stream = await deps.docker.buildImage(context.stream, {
            t: ref,
            dockerfile: context.dockerfile,
            buildargs,
            labels: {
                ...input.labels,
                [exports.LABEL_VERSION]: version.version,
                [exports.LABEL_REVISION]: version.commit,
                [exports.LABEL_CREATED]: created,
                [exports.LABEL_IMAGE_TAG]: version.imageTag,
                [exports.LABEL_MANAGED]: 'true',
            },
            rm: true,
            forcerm: true,
            nocache: input.noCache ?? false,
            abortSignal: (0, progress_1.cancellationSignal)(),
        });
    }
    catch (err) {
        throw (0, errors_1.transient)(errors_1.BuildErrorType.ImageBuildFailed, `docker build ${ref} could not start: ${(0, errors_1.errorMessage)(err)}`, err);
    }
    let step = '';
    const tail = [];
    const stages = new StageTracker();
    const stopKeepAlive = (0, progress_1.keepAlive)(() => ({ step }));
    const events = await (0, progress_1.followDockerStream)(stream, (e) => {
        const line = e.stream?.trimEnd();
        if (!line)
            return;
        if (/^Step \d+\/\d+ :/.test(line))
            step = line;
        stages.line(line);
        tail.push(line);
        if (tail.length > 20)
            tail.shift();
        log.debug({ line }, 'build output');
        heartbeat({ step });
    })
        .catch((err) => {
        throw (0, errors_1.transient)(errors_1.BuildErrorType.ImageBuildFailed, `docker build ${ref} stream broke: ${err.message}`, err);
    })
        .finally(stopKeepAlive);
    const error = (0, progress_1.streamError)(events);
    if (error) {
        // A failing RUN step or a bad Dockerfile fails the same way on every retry.
        log.error({ error, step }, 'image build failed');
        throw (0, errors_1.badInput)(errors_1.BuildErrorType.ImageBuildFailed, `docker build ${ref} failed at "${step || 'start'}": ${error}\n${tail.slice(-10).join('\n')}`);
    }
    const built = await inspectOrUndefined(deps.docker, ref);
    if (!built)
        throw (0, errors_1.transient)(errors_1.BuildErrorType.ImageBuildFailed, `docker build ${ref} finished but the image is missing`);
    // The classic builder keeps every earlier stage's result as an untagged image; the ones this
    // build created (not cache hits) are unique to it, so drop them alone (noprune keeps the
    // shared cache layers underneath).
    for (const id of stages.createdStageResults()) {
        await deps.docker.getImage(id).remove({ noprune: true }).catch(() => undefined);
    }
    const durationMs = Date.now() - started;
    log.info({ imageId: built.Id, sizeBytes: built.Size, durationMs }, 'image built');
    return { image: ref, imageId: built.Id, imageTag: version.imageTag, skipped: false, sizeBytes: built.Size, durationMs };
}
/** Follows classic-builder output to find the final image of each non-final stage. */
class StageTracker {
    lastId;
    lastFromCache = false;
    lastStepIsFrom = false;
    results = [];
    line(line) {
        const stepMatch = /^Step (\d+)\/\d+ : (\w+)/.exec(line);
        if (stepMatch) {
            const isFrom = stepMatch[2].toUpperCase() === 'FROM';
            // The image before a later FROM ends the previous stage; keep it only if this build made it.
            if (isFrom && Number(stepMatch[1]) > 1 && this.lastId && !this.lastFromCache && !this.lastStepIsFrom)
                this.results.push(this.lastId);
            this.lastStepIsFrom = isFrom;
            this.lastFromCache = false;
            return;
        }
        if (/^ ---> Using cache$/.test(line))
            this.lastFromCache = true;
        const id = /^ ---> ([0-9a-f]{12,64})$/.exec(line)?.[1];
        if (id)
            this.lastId = id;
    }
    createdStageResults() {
        return this.results;
    }
}
//# sourceMappingURL=image.js.map