import { readFileSync, statSync } from 'node:fs';
import { Agent } from 'node:https';
import { isAbsolute, join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { inspect } from 'node:util';
import Docker from 'dockerode';
import { z } from 'zod';
import type { DockerEngine } from '../../config';
import { ErrorType, badInput } from '../../../domain/errors';

/** The three files of Docker's DOCKER_CERT_PATH layout. */
export const CERT_FILES = { ca: 'ca.pem', cert: 'cert.pem', key: 'key.pem' } as const;

// Absolute in practice (unix:///run/docker.sock); a relative socket setting stays relative to the worker.
const UNIX = /^unix:\/\/(.+)$/;
// An IPv4 address or a host name, or a bracketed IPv6 address, then a port.
const TCP = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export type EngineAddress = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; address: string; port: number };

/** Where `unix:///path` or `tcp://addr:port` points, or undefined when it is neither. */
export function parseEngineHost(host: string): EngineAddress | undefined {
  const unix = UNIX.exec(host);
  if (unix) return { kind: 'unix', socketPath: unix[1]! };
  const tcp = TCP.exec(host);
  if (!tcp) return undefined;
  const port = Number(tcp[2]);
  if (port < 1 || port > 65535) return undefined;
  return { kind: 'tcp', address: tcp[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * A Docker engine as settings: `unix:///path`, or `tcp://addr:port` with TLS client certificates.
 * Plain tcp is refused: whoever reaches an engine's API can run anything as root on its host, so
 * the engine must check our certificate and we must check its own (verification is always on).
 * The refusal carries SluiceInsecureDockerEngine (parseSettings raises that type).
 */
export const DockerEngineSettings = z
  .strictObject({
    host: z.string().refine((h) => parseEngineHost(h) !== undefined, 'must be unix:///<socket path> or tcp://<address>:<port>'),
    tls: z
      .strictObject({
        /** Holds ca.pem (the engine's CA), cert.pem and key.pem (our client certificate and key). */
        certDir: z.string().refine(isAbsolute, 'must be an absolute path'),
      })
      .optional(),
  })
  .superRefine((engine, ctx) => {
    const at = parseEngineHost(engine.host);
    if (at?.kind === 'tcp' && !engine.tls) {
      ctx.addIssue({
        code: 'custom',
        path: ['tls'],
        message: `plain tcp is refused: ${engine.host} needs tls.certDir (ca.pem, cert.pem, key.pem; the engine runs with --tlsverify)`,
        params: { errorType: ErrorType.InsecureDockerEngine },
      });
    }
    if (at?.kind === 'unix' && engine.tls) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls applies to tcp:// engines only' });
    }
  }) satisfies z.ZodType<DockerEngine>;
export type DockerEngineSettings = z.infer<typeof DockerEngineSettings>;

/** A tcp engine is on another host as far as we know: ports there cannot be bound from here to test them. */
export function isRemote(engine: DockerEngine): boolean {
  return parseEngineHost(engine.host)?.kind === 'tcp';
}

/** The engine's own address when it is a loopback IP (the simulated hosts 127.0.0.2, .3, ...). */
export function loopbackAddressOf(engine: DockerEngine): string | undefined {
  const at = parseEngineHost(engine.host);
  if (at?.kind !== 'tcp') return undefined;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(at.address) || at.address === '::1' ? at.address : undefined;
}

const clients = new Map<string, Docker>();

/**
 * One cached client per engine. For tcp the key also holds the certificate files' modification
 * times, so replaced certificates take effect on the next call without a worker restart.
 */
export function dockerClientFor(engine: DockerEngine): Docker {
  const at = parseEngineHost(engine.host);
  if (!at) throw badInput(ErrorType.InvalidTargetSettings, `docker engine host ${JSON.stringify(engine.host)} must be unix:///<socket path> or tcp://<address>:<port>`);
  if (at.kind === 'unix') return cached(`unix:${at.socketPath}`, () => new Docker({ socketPath: at.socketPath }));
  // Checked here too: an AdapterConfig is built by code (an agent, a test), not only by the schema.
  if (!engine.tls) throw badInput(ErrorType.InsecureDockerEngine, `plain tcp is refused: ${engine.host} needs tls.certDir (ca.pem, cert.pem, key.pem)`);
  const certDir = engine.tls.certDir;
  const files = Object.values(CERT_FILES).map((name) => join(certDir, name));
  const stamp = files.map((file) => fileStamp(file, engine.host)).join(',');
  return cached(`tcp:${at.address}:${at.port}:${certDir}:${stamp}`, () => {
    const [ca, cert, key] = files.map((file) => readCertFile(file, engine.host));
    // The key goes into a native TLS context, not into dockerode's options: docker-modem prints
    // its request options when DEBUG=modem is set, a SecureContext prints as an empty object.
    let secureContext;
    try {
      secureContext = createSecureContext({ ca, cert, key });
    } catch (err) {
      // OpenSSL's reason ("no start line", "key values mismatch") names no file content.
      throw badInput(
        ErrorType.DockerEngineCertificates,
        `TLS files in ${certDir} for the Docker engine ${engine.host} are not a usable client identity: ${(err as Error).message}`,
      );
    }
    const agent = new Agent({ secureContext, keepAlive: true });
    // docker-modem (5.0.x) formats its request options with util.inspect on every call, whether or
    // not its debug output is on. Inspected in full, a keep-alive agent prints every kept socket
    // and its TLS state, which grows with use: about a second of CPU per API call after a few
    // releases. The agent names itself in one line instead.
    Object.defineProperty(agent, inspect.custom, { value: () => `[https.Agent for ${engine.host}]` });
    // dockerode hands its options to docker-modem, which takes an agent; @types/dockerode omits it.
    const options: Docker.DockerOptions & { agent: Agent } = { protocol: 'https', host: at.address, port: at.port, agent };
    return new Docker(options);
  });
}

function cached(key: string, make: () => Docker): Docker {
  let docker = clients.get(key);
  if (!docker) {
    docker = make();
    clients.set(key, docker);
  }
  return docker;
}

function fileStamp(file: string, host: string): number {
  try {
    return statSync(file).mtimeMs;
  } catch (err) {
    throw certificateError(file, host, err);
  }
}

function readCertFile(file: string, host: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw certificateError(file, host, err);
  }
}

/** Names the file and the reason only; the contents never reach a message. */
function certificateError(file: string, host: string, err: unknown) {
  const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
  return badInput(
    ErrorType.DockerEngineCertificates,
    `TLS file ${file} for the Docker engine ${host} cannot be read (${code}); certDir must hold ${Object.values(CERT_FILES).join(', ')}`,
  );
}
