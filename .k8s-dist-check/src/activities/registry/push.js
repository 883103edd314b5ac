"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.pushImageInputSchema = void 0;
exports.pushImage = pushImage;
const zod_1 = require("zod");
const errors_1 = require("../build/errors");
const image_1 = require("../build/image");
const progress_1 = require("../build/progress");
const schema_1 = require("../build/schema");
const credentials_1 = require("./credentials");
const client_1 = require("./client");
exports.pushImageInputSchema = zod_1.z.object({
    imageRepo: schema_1.imageRepoSchema,
    /** The first tag names the local image to push; the rest are added as aliases (e.g. sha-a1b2c3d). */
    tags: zod_1.z.array(schema_1.imageTagSchema).min(1).max(10),
});
function isNotFound(err) {
    return err.statusCode === 404;
}
/** Digest of one pushed tag, from the final aux line ({"aux":{"Tag","Digest","Size"}}) or the status line. */
function pushedDigest(events, tag) {
    for (const e of events) {
        const aux = e.aux;
        if (aux?.Digest && (aux.Tag === undefined || aux.Tag === tag))
            return aux.Digest;
    }
    for (const e of events) {
        const m = e.status ? /digest: (sha256:[0-9a-f]{64})/.exec(e.status) : null;
        if (m)
            return m[1];
    }
    return undefined;
}
/**
 * Pushes `<imageRepo>:<tags[0]>` under every tag and returns the manifest digest, verified
 * against the registry (HEAD manifest → Docker-Content-Digest). If the registry already holds
 * every tag at a digest the local image is known by, nothing is pushed.
 */
async function pushImage(deps, raw) {
    const input = (0, image_1.parseInput)(exports.pushImageInputSchema, raw, 'pushImage');
    const { host, name } = (0, client_1.splitImageRepo)(input.imageRepo);
    const tags = [...new Set(input.tags)];
    const source = `${input.imageRepo}:${tags[0]}`;
    const log = (0, progress_1.activityLogger)(deps.logger, { image: source, tags });
    const creds = deps.credentials(host);
    const registry = new client_1.RegistryClient({ host, credentials: creds, signal: (0, progress_1.cancellationSignal)() });
    let local;
    try {
        local = await deps.docker.getImage(source).inspect();
    }
    catch (err) {
        if (isNotFound(err))
            throw (0, errors_1.badInput)(errors_1.BuildErrorType.ImageNotFound, `no local image ${source}; build it before pushing`);
        throw (0, errors_1.transient)(errors_1.BuildErrorType.RegistryUnavailable, `docker inspect ${source}: ${(0, errors_1.errorMessage)(err)}`, err);
    }
    // Reachability and credentials first, so a dead registry leaves no new local tags behind.
    await registry.ping();
    const localDigests = new Set((local.RepoDigests ?? []).filter((d) => d.startsWith(`${input.imageRepo}@`)).map((d) => d.slice(d.indexOf('@') + 1)));
    const remote = await Promise.all(tags.map((t) => registry.manifestDigest(name, t)));
    if (remote.every((d) => d !== undefined && d === remote[0] && localDigests.has(d))) {
        const digest = remote[0];
        log.info({ digest }, 'registry already has this image; skipping push');
        return { digest, imageRef: `${input.imageRepo}@${digest}`, tags, skipped: true };
    }
    const heartbeat = (0, progress_1.throttledHeartbeat)();
    const authconfig = (0, credentials_1.dockerAuthConfig)(host, creds);
    let digest;
    for (const tag of tags) {
        if (tag !== tags[0])
            await deps.docker.getImage(source).tag({ repo: input.imageRepo, tag });
        let events;
        let last = '';
        const stopKeepAlive = (0, progress_1.keepAlive)(() => ({ tag, status: last }));
        try {
            // @types/dockerode types push() as void; at runtime it resolves to the progress stream.
            const stream = (await deps.docker.getImage(input.imageRepo).push({ tag, authconfig, abortSignal: (0, progress_1.cancellationSignal)() }));
            events = await (0, progress_1.followDockerStream)(stream, (e) => {
                if (e.status) {
                    last = e.status;
                    heartbeat({ tag, status: e.status, id: e.id });
                }
            });
        }
        catch (err) {
            throw (0, errors_1.transient)(errors_1.BuildErrorType.RegistryUnavailable, `docker push ${input.imageRepo}:${tag}: ${(0, errors_1.errorMessage)(err)}`, err);
        }
        finally {
            stopKeepAlive();
        }
        const error = (0, progress_1.streamError)(events);
        if (error) {
            if (/unauthorized|authentication required|denied/i.test(error)) {
                throw (0, errors_1.badInput)(errors_1.BuildErrorType.RegistryAuth, `registry ${host} refused the push of ${input.imageRepo}:${tag}: ${error}`);
            }
            throw (0, errors_1.transient)(errors_1.BuildErrorType.RegistryUnavailable, `docker push ${input.imageRepo}:${tag} failed: ${error}`);
        }
        const d = pushedDigest(events, tag);
        if (!d)
            throw (0, errors_1.transient)(errors_1.BuildErrorType.DigestMismatch, `docker push ${input.imageRepo}:${tag} reported no digest`);
        if (digest && d !== digest)
            throw (0, errors_1.transient)(errors_1.BuildErrorType.DigestMismatch, `tags of one image pushed with different digests: ${digest} and ${d}`);
        digest = d;
        log.info({ tag, digest: d }, 'pushed');
    }
    for (const tag of tags) {
        const remoteDigest = await registry.manifestDigest(name, tag);
        if (remoteDigest !== digest) {
            throw (0, errors_1.transient)(errors_1.BuildErrorType.DigestMismatch, `registry ${host} has ${name}:${tag} at ${remoteDigest ?? 'nothing'}, but the push reported ${digest}`);
        }
    }
    return { digest: digest, imageRef: `${input.imageRepo}@${digest}`, tags, skipped: false };
}
//# sourceMappingURL=push.js.map