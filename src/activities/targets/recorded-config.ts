import { z } from 'zod';
import type { ResolvedConfig } from '../../domain/config';

/**
 * The configuration an instance was started with, as the targets record it on the world (a
 * container label, a pid-file or supervisord program field) and read it back: the config version
 * and the plain values, never a secret's value. It is what lets `currentRelease` tell a
 * config-only release from the live one, and a rollback restore the pair that was live, after any
 * crash (issue 16, docs/config.md).
 */
export const RecordedConfig = z.object({
  version: z.object({
    digest: z.string(),
    id: z.string(),
    source: z.string(),
    sourceKind: z.enum(['etcd', 'dir', 'env']),
    revision: z.number().int().nullable(),
    keys: z.array(z.string()),
    secrets: z.array(z.string()),
  }),
  values: z.record(z.string(), z.string()),
}) satisfies z.ZodType<ResolvedConfig>;

/** The label or field text of a release's config ('' without one). */
export function recordConfig(config: ResolvedConfig | undefined): string {
  return config ? JSON.stringify(config) : '';
}

/** The config read back from a label; undefined when absent or not ours (an instance started before config versions). */
export function readRecordedConfig(text: string | undefined): ResolvedConfig | undefined {
  if (!text) return undefined;
  try {
    const parsed = RecordedConfig.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
