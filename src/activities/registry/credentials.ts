import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrorType, badInput } from '../../domain/errors';

/**
 * Registry credentials come only from the worker's environment or a file it can read, so they
 * never travel as activity arguments or results and never land in workflow history.
 *   SLUICE_REGISTRY_USERNAME + SLUICE_REGISTRY_PASSWORD, or
 *   SLUICE_REGISTRY_AUTH_FILE: a Docker config.json ({"auths": {"host:port": {"auth": base64(user:pass)}}})
 *   or a plain {"username": "...", "password": "..."} file.
 * Never log a RegistryCredentials object.
 */
export interface RegistryCredentials {
  username: string;
  password: string;
}

const plainFileSchema = z.object({ username: z.string().min(1), password: z.string() });
const dockerConfigSchema = z.object({
  auths: z.record(z.string(), z.object({ auth: z.string().optional(), username: z.string().optional(), password: z.string().optional() })),
});

function fromDockerConfig(config: z.infer<typeof dockerConfigSchema>, registryHost: string): RegistryCredentials | undefined {
  const entry = Object.entries(config.auths).find(([key]) => key.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registryHost)?.[1];
  if (!entry) return undefined;
  if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
  const sep = decoded.indexOf(':');
  return sep > 0 ? { username: decoded.slice(0, sep), password: decoded.slice(sep + 1) } : undefined;
}

export function loadRegistryCredentials(registryHost: string, env: NodeJS.ProcessEnv = process.env): RegistryCredentials | undefined {
  const username = env.SLUICE_REGISTRY_USERNAME;
  const password = env.SLUICE_REGISTRY_PASSWORD;
  if (username && password !== undefined) return { username, password };
  const file = env.SLUICE_REGISTRY_AUTH_FILE;
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    // The message names the file, never its content.
    throw badInput(ErrorType.RegistryAuth, `SLUICE_REGISTRY_AUTH_FILE ${file} is not readable JSON (${(err as NodeJS.ErrnoException).code ?? 'parse error'})`);
  }
  const plain = plainFileSchema.safeParse(parsed);
  if (plain.success) return plain.data;
  const docker = dockerConfigSchema.safeParse(parsed);
  if (docker.success) return fromDockerConfig(docker.data, registryHost);
  throw badInput(ErrorType.RegistryAuth, `SLUICE_REGISTRY_AUTH_FILE ${file} has neither {username,password} nor a Docker "auths" map`);
}

/** The X-Registry-Auth payload for dockerd. dockerd 20.10 wants the header even when empty. */
export function dockerAuthConfig(registryHost: string, creds: RegistryCredentials | undefined): Record<string, string> {
  return creds ? { username: creds.username, password: creds.password, serveraddress: registryHost } : {};
}
