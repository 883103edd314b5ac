/**
 * Secret values, read only where an instance starts (the worker for a local target, the agent on
 * a fleet host), for that start only: never returned from an activity, so never in workflow
 * history, memos or logs. A secret is looked up by name in a secrets directory (one file per
 * name, as a mounted Kubernetes Secret or Docker secret lays them out) and then in the
 * environment. Messages name the secret, never its value.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigValues } from '../../domain/config';
import { ErrorType, badInput } from '../../domain/errors';

export interface SecretSources {
  /** The environment of the process that starts the instance. */
  env: NodeJS.ProcessEnv;
  /** A directory with one file per secret name (trailing newline dropped); checked first. */
  dir?: string;
}

export async function readSecrets(names: readonly string[], sources: SecretSources): Promise<ConfigValues> {
  const values: ConfigValues = {};
  const missing: string[] = [];
  for (const name of names) {
    const fromDir = sources.dir ? await readFile(join(sources.dir, name), 'utf8').catch(() => undefined) : undefined;
    const value = fromDir?.replace(/\r?\n$/, '') ?? sources.env[name];
    if (value === undefined || value === '') missing.push(name);
    else values[name] = value;
  }
  if (missing.length > 0) {
    const where = sources.dir ? `neither ${sources.dir} nor the environment` : 'the environment';
    throw badInput(ErrorType.ConfigSecretMissing, `secret${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not found: ${where} has ${missing.length > 1 ? 'them' : 'it'}`);
  }
  return values;
}

/** The secret sources of an adapter configuration (AdapterConfig's `secretsDir` and `env`). */
export function secretSourcesOf(config: { env?: NodeJS.ProcessEnv; secretsDir?: string }): SecretSources {
  return { env: config.env ?? process.env, ...(config.secretsDir ? { dir: config.secretsDir } : {}) };
}
