import Docker from 'dockerode';
import { Connection, Client } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection } from '@temporalio/worker';
import { dataConverterFromEnv } from '../../src/lib/payload-encryption';
import { packageRoot } from '../../src/lib/paths';
import { adapterCatalogue } from '../../src/activities/catalogue';
import type { AdapterConfig } from '../../src/activities/config';
import { loadStackConfig, temporalAddress, temporalConnectionOptions, temporalUiUrl, type StackConfig } from '../../src/dev/config';
import type { ConnectionSettings } from '../../src/client';
import { adapterConfigFromStack } from '../../src/worker/adapters';

/** The shared embedded stack every end-to-end test talks to (started by scripts/test.sh). */
export const stack: StackConfig = loadStackConfig();

/** The stack's addresses as the adapters' configuration, as the worker injects them. */
export const adapterConfig: AdapterConfig = adapterConfigFromStack(stack);

/** The production targets and routers (no test fakes), for validating specs of real-target tests. */
export const catalogue = adapterCatalogue();

/** The repository root, found from both test/ (tsx) and dist/test/ (compiled). */
export const repoRoot = packageRoot;

export function dockerClient(): Docker {
  return new Docker({ socketPath: stack.docker.socket });
}

/** A client of the shared stack's Temporal, or of `config`'s (the cluster test's, with its mTLS). */
export async function temporalClient(config: StackConfig = stack, options: { dataConverter?: DataConverter } = {}): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect(temporalConnectionOptions(config));
  const converter = options.dataConverter ? { dataConverter: options.dataConverter } : dataConverterOption();
  return { client: new Client({ connection, namespace: config.temporal.namespace, ...converter }), connection };
}

/**
 * A worker's connection to the stack's Temporal as the stack says to connect (with its client
 * certificate when it runs the cluster), so every test runs unchanged against either.
 */
export function nativeConnection(config: StackConfig = stack): Promise<NativeConnection> {
  return NativeConnection.connect(temporalConnectionOptions(config));
}

/**
 * Payload encryption for the tests' clients and workers when SLUICE_CODEC_KEYS_FILE is set (the
 * suite run against the cluster sets it, so every payload of every test is encrypted), as the
 * CLI and the production worker do; undefined otherwise.
 */
export function testDataConverter(): DataConverter | undefined {
  return dataConverterFromEnv(process.env);
}

/** The stack's Temporal as a SluiceClient's settings: with its client certificate when it runs the cluster. */
export function stackConnectionSettings(config: StackConfig = stack): ConnectionSettings {
  return { address: temporalAddress(config), namespace: config.temporal.namespace, tls: config.temporal.tls ?? false, uiUrl: temporalUiUrl(config) };
}

/** `{ dataConverter }` for a worker's or client's options when payloads are encrypted, else nothing. */
export function dataConverterOption(): { dataConverter?: DataConverter } {
  const dataConverter = testDataConverter();
  return dataConverter ? { dataConverter } : {};
}

/** A name no other test (or earlier run) uses: lowercase, safe for Docker, HAProxy and Temporal ids. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${process.pid.toString(36)}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** A loopback TCP port that is free now and claimed for this test process (./ports). */
export { freePort } from './ports';

/** `what` may be a function, read when the wait times out (to say where things stood then). */
export async function eventually<T>(what: string | (() => string), fn: () => Promise<T | undefined>, timeoutMs = 30000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}${lastError ? `: ${(lastError as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
