"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.generateChangelogInputSchema = exports.resolveVersionInputSchema = exports.buildBinaryInputSchema = exports.buildImageInputSchema = exports.versionRefSchema = exports.serviceSchema = exports.imageTagSchema = exports.imageRepoSchema = exports.SERVICE_NAME = exports.IMAGE_TAG = exports.IMAGE_REPO = void 0;
const zod_1 = require("zod");
/** Docker's reference grammar, narrowed: lowercase repository, optional registry host[:port]. */
exports.IMAGE_REPO = /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
exports.IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
exports.SERVICE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
exports.imageRepoSchema = zod_1.z.string().regex(exports.IMAGE_REPO, 'image repository must look like 127.0.0.1:5000/name (lowercase)');
exports.imageTagSchema = zod_1.z.string().regex(exports.IMAGE_TAG, 'image tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
exports.serviceSchema = zod_1.z.string().regex(exports.SERVICE_NAME, 'service must be a DNS label: lowercase letters, digits and dashes');
/** The part of ResolvedVersion a build needs; the rest of it is accepted and ignored. */
exports.versionRefSchema = zod_1.z.object({
    version: zod_1.z.string().min(5),
    imageTag: exports.imageTagSchema,
    commit: zod_1.z.string().regex(/^[0-9a-f]{7,64}$/, 'commit must be a hex SHA'),
});
exports.buildImageInputSchema = zod_1.z.object({
    contextDir: zod_1.z.string().min(1),
    /** Relative to contextDir. */
    dockerfile: zod_1.z.string().min(1).optional(),
    imageRepo: exports.imageRepoSchema,
    version: exports.versionRefSchema,
    buildArgs: zod_1.z.record(zod_1.z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), zod_1.z.string()).optional(),
    labels: zod_1.z.record(zod_1.z.string(), zod_1.z.string()).optional(),
    /** Build without Docker's layer cache (benchmarks, suspected cache poisoning). */
    noCache: zod_1.z.boolean().optional(),
});
exports.buildBinaryInputSchema = zod_1.z.object({
    sourceDir: zod_1.z.string().min(1),
    service: exports.serviceSchema,
    version: exports.versionRefSchema,
    /** Package to build, relative to sourceDir. */
    pkg: zod_1.z.string().default('.'),
});
const tagPrefixSchema = zod_1.z.string().regex(/^[A-Za-z0-9._/-]{0,64}$/, 'tag prefix may hold letters, digits, . _ / -').optional();
const refSchema = zod_1.z.string().min(1).max(256).refine((r) => !r.startsWith('-'), 'a ref may not start with -');
exports.resolveVersionInputSchema = zod_1.z.object({
    repoDir: zod_1.z.string().min(1),
    service: exports.serviceSchema,
    tagPrefix: tagPrefixSchema,
});
exports.generateChangelogInputSchema = zod_1.z.object({
    repoDir: zod_1.z.string().min(1),
    fromRef: refSchema.optional(),
    toRef: refSchema.optional(),
    tagPrefix: tagPrefixSchema,
});
//# sourceMappingURL=schema.js.map