"use strict";
var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", { value: true });
exports.pruneReleasesInputSchema = exports.listReleasesInputSchema = void 0;
exports.listReleases = listReleases;
exports.pruneReleases = pruneReleases;
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const semver = __importStar(require("semver"));
const zod_1 = require("zod");
const binary_1 = require("../build/binary");
const image_1 = require("../build/image");
const progress_1 = require("../build/progress");
const schema_1 = require("../build/schema");
const version_1 = require("../build/version");
const client_1 = require("./client");
exports.listReleasesInputSchema = zod_1.z.object({
    service: schema_1.serviceSchema,
    /** Omit to list only the artifact store. */
    imageRepo: schema_1.imageRepoSchema.optional(),
});
exports.pruneReleasesInputSchema = exports.listReleasesInputSchema.extend({
    keep: zod_1.z.number().int().min(1).max(1000),
    /** Releases never deleted, whatever their age: the live one and the previous one at least.
     * Each entry may be an image tag, a version, a digest or an imageRef. */
    protect: zod_1.z.array(zod_1.z.string().min(1)).max(100),
});
function registryFor(deps, imageRepo) {
    const { host, name } = (0, client_1.splitImageRepo)(imageRepo);
    return { name, client: new client_1.RegistryClient({ host, credentials: deps.credentials(host), signal: (0, progress_1.cancellationSignal)() }) };
}
/** Newest first by semver precedence; equal versions (never expected) by build time. */
function newestFirst(a, b) {
    return semver.rcompare(a.version, b.version) || (b.builtAt ?? '').localeCompare(a.builtAt ?? '') || a.imageTag.localeCompare(b.imageTag);
}
/** Releases held in the registry and/or the artifact store, merged by image tag, newest first. */
async function listReleases(deps, raw) {
    const input = (0, image_1.parseInput)(exports.listReleasesInputSchema, raw, 'listReleases');
    const byTag = new Map();
    const entry = (imageTag) => {
        const parsed = (0, version_1.versionFromImageTag)(imageTag);
        if (!parsed)
            return undefined;
        let r = byTag.get(imageTag);
        if (!r) {
            r = { imageTag, version: parsed.version, shortCommit: parsed.shortCommit, digest: null, imageRef: null, binaryPath: null, sha256: null, commit: null, builtAt: null };
            byTag.set(imageTag, r);
        }
        return r;
    };
    if (input.imageRepo) {
        const { name, client } = registryFor(deps, input.imageRepo);
        const tags = (await client.listTags(name)).filter((t) => (0, version_1.versionFromImageTag)(t));
        const digests = await Promise.all(tags.map((t) => client.manifestDigest(name, t)));
        tags.forEach((t, i) => {
            const r = entry(t);
            if (r && digests[i]) {
                r.digest = digests[i];
                r.imageRef = `${input.imageRepo}@${digests[i]}`;
            }
        });
    }
    const serviceDir = (0, node_path_1.join)(deps.artifactStore, input.service);
    if ((0, node_fs_1.existsSync)(serviceDir)) {
        for (const dirent of (0, node_fs_1.readdirSync)(serviceDir, { withFileTypes: true })) {
            if (!dirent.isDirectory() || dirent.name.startsWith('.'))
                continue;
            const meta = (0, binary_1.readArtifactMetadata)((0, node_path_1.join)(serviceDir, dirent.name));
            const r = meta ? entry(dirent.name) : undefined;
            if (!r || !meta)
                continue;
            r.binaryPath = (0, node_path_1.join)(serviceDir, dirent.name, input.service);
            r.sha256 = meta.sha256;
            r.commit = meta.commit;
            r.builtAt = meta.builtAt;
        }
    }
    return [...byTag.values()].sort(newestFirst);
}
function isProtected(r, protect) {
    return [r.imageTag, r.version, r.digest, r.imageRef].some((k) => k !== null && protect.has(k));
}
/**
 * Keeps the newest `keep` releases plus every protected one and deletes the rest from the
 * registry (manifest by digest, which drops its tags) and the artifact store. Blob space comes
 * back after the registry's garbage collection, which is the registry operator's job.
 */
async function pruneReleases(deps, raw) {
    const input = (0, image_1.parseInput)(exports.pruneReleasesInputSchema, raw, 'pruneReleases');
    const log = (0, progress_1.activityLogger)(deps.logger, { service: input.service });
    const releases = await listReleases(deps, input);
    const protect = new Set(input.protect);
    const keep = releases.filter((r, i) => i < input.keep || isProtected(r, protect));
    const drop = releases.filter((r) => !keep.includes(r));
    // A digest shared with a kept release (same image, two version tags) must survive.
    const keptDigests = new Set(keep.map((r) => r.digest).filter((d) => d !== null));
    const deleted = [];
    for (const r of drop) {
        let registry = false;
        if (input.imageRepo && r.digest && !keptDigests.has(r.digest)) {
            const { name, client } = registryFor(deps, input.imageRepo);
            registry = (await client.deleteManifest(name, r.digest)) === 'deleted';
            // Local copies go too (best effort: an image used by a container stays).
            for (const tag of [r.imageTag, (0, version_1.commitTagFor)(r.shortCommit)]) {
                await deps.docker.getImage(`${input.imageRepo}:${tag}`).remove().catch(() => undefined);
            }
        }
        let binary = false;
        if (r.binaryPath) {
            (0, node_fs_1.rmSync)((0, binary_1.releaseDir)(deps.artifactStore, input.service, r.imageTag), { recursive: true, force: true });
            binary = true;
        }
        log.info({ imageTag: r.imageTag, registry, binary }, 'release pruned');
        deleted.push({ imageTag: r.imageTag, registry, binary });
    }
    return { kept: keep.map((r) => r.imageTag), deleted };
}
//# sourceMappingURL=releases.js.map