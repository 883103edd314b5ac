import { createHash } from 'node:crypto';
import { z } from 'zod';
import { readSecrets, type SecretSources } from '../config-sources/secrets';
import type { Slot } from './target';
import { ErrorType, badInput } from '../../domain/errors';
import { InstanceAddress } from '../../domain/address';
import type { Release } from '../../domain/release';

const Port = z.number().int().min(1024).max(65535);

/**
 * Ports of the five slots. Either `basePort` (slots at base+0..base+4: stable-a, stable-b,
 * canary, baseline, preview) or explicit `ports`; neither = a base derived from the service and
 * environment names, so it is stable across runs without configuration.
 */
export const PortSettings = z.strictObject({
  host: InstanceAddress.default('127.0.0.1'),
  basePort: Port.max(65530).optional(),
  ports: z.strictObject({ stable: Port, stableAlt: Port, canary: Port, baseline: Port.optional(), preview: Port.optional() }).optional(),
});
export type PortSettings = z.infer<typeof PortSettings>;

export type PortLayout = Record<Slot, number>;

export function portLayout(settings: PortSettings, service: string, environment: string): PortLayout {
  if (settings.ports) {
    const p = settings.ports;
    const layout = { 'stable-a': p.stable, 'stable-b': p.stableAlt, canary: p.canary, baseline: p.baseline ?? 0, preview: p.preview ?? 0 };
    const used = Object.values(layout).filter((v) => v !== 0);
    if (new Set(used).size !== used.length) throw badInput(ErrorType.InvalidTargetSettings, `target ports must differ: ${JSON.stringify(p)}`);
    return layout;
  }
  const base = settings.basePort ?? derivedBasePort(service, environment);
  return { 'stable-a': base, 'stable-b': base + 1, canary: base + 2, baseline: base + 3, preview: base + 4 };
}

/** 20000..29995 in steps of 5, from a hash of the names: deterministic, rarely colliding. */
export function derivedBasePort(service: string, environment: string): number {
  const h = createHash('sha256').update(`${service}/${environment}`).digest().readUInt32BE(0);
  return 20000 + (h % 2000) * 5;
}

export function slotPort(layout: PortLayout, slot: Slot): number {
  const port = layout[slot];
  if (!port) throw badInput(ErrorType.InvalidTargetSettings, `no port configured for the ${slot} slot (set target.settings.ports.${slot})`);
  return port;
}

/**
 * Settings through their schema, or a non-retryable SluiceInvalidTargetSettings naming every bad
 * field. A refinement may name a more precise type from the catalogue in its issue's
 * `params.errorType` (the docker engine's plain-tcp refusal does), and that type is raised.
 */
export function parseSettings<T extends z.ZodType>(schema: T, raw: unknown, kind: string): z.infer<T> {
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ');
    throw badInput(issueErrorType(parsed.error.issues) ?? ErrorType.InvalidTargetSettings, `invalid ${kind} settings: ${detail}`);
  }
  return parsed.data;
}

const KNOWN_TYPES = new Set<string>(Object.values(ErrorType));

function issueErrorType(issues: readonly z.core.$ZodIssue[]): ErrorType | undefined {
  for (const issue of issues) {
    const type = issue.code === 'custom' ? (issue.params as { errorType?: unknown } | undefined)?.errorType : undefined;
    if (typeof type === 'string' && KNOWN_TYPES.has(type)) return type as ErrorType;
  }
  return undefined;
}

/** Names Docker, HAProxy and file systems all accept. */
export function safeName(...parts: string[]): string {
  return parts.map((p) => p.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-')).join('-');
}

export function configHash(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 16);
}

/** How a loopback target decides an instance is ready before it gets traffic. */
export const ReadinessSettings = z.object({
  readyPath: z.string().startsWith('/').default('/readyz'),
  readyTimeoutMs: z.number().int().positive().default(30000),
});

export const EnvSettings = z.strictObject({
  env: z.record(z.string(), z.string()).default({}),
  candidateEnv: z.record(z.string(), z.string()).default({}),
  releaseEnv: z.record(z.string(), z.record(z.string(), z.string())).default({}),
});
export type EnvSettings = z.infer<typeof EnvSettings>;

/**
 * Environment of an instance, configuration kept apart from code: `env` for every instance, the
 * release's configuration (`release.config`), `candidateEnv` for canary and preview instances
 * only, `releaseEnv[version]` for every instance of one release (fault injection follows the bad
 * release through promotion and rollback). Secrets are added by the target where it starts the
 * instance (instanceSecrets), never here: this env is hashed into labels.
 */
export function instanceEnv(s: EnvSettings, slot: Slot, release: Pick<Release, 'version' | 'config'>, extra: Record<string, string> | undefined): Record<string, string> {
  const candidate = slot === 'canary' || slot === 'preview' ? s.candidateEnv : {};
  // The release's configuration over the target's env; fault injection (candidateEnv, releaseEnv,
  // a drill's extra env) still wins, so a drill's fault is never masked by a config value.
  return { ...s.env, ...(release.config?.values ?? {}), ...candidate, ...(s.releaseEnv[release.version] ?? {}), ...(extra ?? {}) };
}

/**
 * The values of the secrets the release's configuration names, read now, where the instance
 * starts (src/activities/config-sources/secrets.ts), for that start only.
 */
export async function instanceSecrets(release: Pick<Release, 'config'>, sources: SecretSources): Promise<Record<string, string>> {
  const names = release.config?.version.secrets ?? [];
  return names.length > 0 ? readSecrets(names, sources) : {};
}
