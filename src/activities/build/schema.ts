import { z } from 'zod';

/** Docker's reference grammar, narrowed: lowercase repository, optional registry host[:port]. */
export const IMAGE_REPO = /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const SERVICE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const imageRepoSchema = z.string().regex(IMAGE_REPO, 'image repository must look like 127.0.0.1:5000/name (lowercase)');
export const imageTagSchema = z.string().regex(IMAGE_TAG, 'image tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}');
export const serviceSchema = z.string().regex(SERVICE_NAME, 'service must be a DNS label: lowercase letters, digits and dashes');

/** The part of ResolvedVersion a build needs; the rest of it is accepted and ignored. */
export const versionRefSchema = z.object({
  version: z.string().min(5),
  imageTag: imageTagSchema,
  commit: z.string().regex(/^[0-9a-f]{7,64}$/, 'commit must be a hex SHA'),
});
export type VersionRef = z.infer<typeof versionRefSchema>;

export const buildImageInputSchema = z.object({
  contextDir: z.string().min(1),
  /** Relative to contextDir. */
  dockerfile: z.string().min(1).optional(),
  imageRepo: imageRepoSchema,
  version: versionRefSchema,
  buildArgs: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.string()).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Build without Docker's layer cache (benchmarks, suspected cache poisoning). */
  noCache: z.boolean().optional(),
});
export type BuildImageInput = z.input<typeof buildImageInputSchema>;

export const buildBinaryInputSchema = z.object({
  sourceDir: z.string().min(1),
  service: serviceSchema,
  version: versionRefSchema,
  /** Package to build, relative to sourceDir. */
  pkg: z.string().default('.'),
});
export type BuildBinaryInput = z.input<typeof buildBinaryInputSchema>;

const tagPrefixSchema = z.string().regex(/^[A-Za-z0-9._/-]{0,64}$/, 'tag prefix may hold letters, digits, . _ / -').optional();
const refSchema = z.string().min(1).max(256).refine((r) => !r.startsWith('-'), 'a ref may not start with -');

export const resolveVersionInputSchema = z.object({
  repoDir: z.string().min(1),
  service: serviceSchema,
  tagPrefix: tagPrefixSchema,
});

export const generateChangelogInputSchema = z.object({
  repoDir: z.string().min(1),
  fromRef: refSchema.optional(),
  toRef: refSchema.optional(),
  tagPrefix: tagPrefixSchema,
});
