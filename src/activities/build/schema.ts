import { z } from 'zod';
import { BuildArgs, CommitSha, DockerfilePath, ImageRepo, ImageTag, TagPrefix } from '../../domain/references';
import { ServiceName } from '../../domain/spec';

// The rules for names (repository, tag, commit, tag prefix, build args, service) live in
// src/domain, where the release spec checks them at the edge; the activities re-check with them.

/** The part of ResolvedVersion a build needs; the rest of it is accepted and ignored. */
export const versionRefSchema = z.object({
  version: z.string().min(5),
  imageTag: ImageTag,
  commit: CommitSha,
});
export type VersionRef = z.infer<typeof versionRefSchema>;

export const buildImageInputSchema = z.object({
  contextDir: z.string().min(1),
  /** Relative to contextDir. */
  dockerfile: DockerfilePath.optional(),
  imageRepo: ImageRepo,
  version: versionRefSchema,
  buildArgs: BuildArgs.optional(),
  labels: z.record(z.string(), z.string()).optional(),
  /** Build without Docker's layer cache (benchmarks, suspected cache poisoning). */
  noCache: z.boolean().optional(),
});
export type BuildImageInput = z.input<typeof buildImageInputSchema>;

export const buildBinaryInputSchema = z.object({
  sourceDir: z.string().min(1),
  service: ServiceName,
  version: versionRefSchema,
  /** Package to build, relative to sourceDir. */
  pkg: z.string().default('.'),
});
export type BuildBinaryInput = z.input<typeof buildBinaryInputSchema>;

const refSchema = z
  .string()
  .min(1)
  .max(256)
  .refine((r) => !r.startsWith('-'), 'a ref may not start with -');

export const resolveVersionInputSchema = z.object({
  repoDir: z.string().min(1),
  service: ServiceName,
  tagPrefix: TagPrefix.optional(),
});

export const generateChangelogInputSchema = z.object({
  repoDir: z.string().min(1),
  fromRef: refSchema.optional(),
  toRef: refSchema.optional(),
  tagPrefix: TagPrefix.optional(),
});
