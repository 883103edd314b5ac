import { join } from 'node:path';
import { locateExecutable } from '../lib/executables';
import type { StackConfig } from './config';

/** One daemon of the embedded stack. Each lives in its own file under components/. */
export interface Component {
  name: string;
  /** Where a person or a client reaches it. */
  url(config: StackConfig): string;
  /** Loopback TCP ports it binds; a foreign listener there is reported, never started over. */
  ports(config: StackConfig): number[];
  healthy(config: StackConfig): Promise<boolean>;
  /** Writes its configuration and spawns the daemon (detached); the stack waits for healthy(). */
  start(config: StackConfig): Promise<void>;
  /**
   * Writes the files and directories the daemon reads, and starts nothing. start() calls it, and
   * so does `sluice dev prepare` for docker-compose.yml, whose containers read the same files.
   */
  prepare?(config: StackConfig): void;
  /**
   * The arguments start() gives the daemon (after its program), naming the files prepare() writes;
   * docker-compose.yml gives its containers the same ones, and its test holds them equal.
   */
  daemonArgs?(config: StackConfig): string[];
  /** Runs once the component is healthy, also when an already-running one is reused. */
  ensureConfigured?(config: StackConfig): Promise<void>;
  /** Seconds to wait for readiness after start. */
  readyTimeoutMs: number;
  /** Extra shutdown work after the daemon is gone (stale sockets). */
  afterStop?(config: StackConfig): Promise<void>;
}

export class MissingDependencyError extends Error {
  constructor(what: string, fix: string) {
    super(`${what} is missing: ${fix}`);
    this.name = 'MissingDependencyError';
  }
}

/** Finds an executable on PATH (plus the sbin dirs Debian puts daemons in), or says how to install it. */
export function findExecutable(name: string, fix: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = locateExecutable(name, env);
  if (!found) throw new MissingDependencyError(`${name}`, fix);
  return found;
}

export const BOOTSTRAP_HINT = 'run `npm run bootstrap` (scripts/bootstrap.sh) to install it';

export function logFile(config: StackConfig, name: string): string {
  return join(config.stateDir, 'logs', `${name}.log`);
}

export function pidFile(config: StackConfig, name: string): string {
  return join(config.stateDir, 'pids', `${name}.pid`);
}
