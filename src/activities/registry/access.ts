import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { Agent } from 'undici';
import { ErrorType, badInput } from '../../domain/errors';
import { loadRegistryCredentials, type RegistryCredentials } from './credentials';

/**
 * How this worker reaches a registry, read from its environment at call time (never an activity
 * argument, so nothing of it reaches workflow history):
 *   credentials  SLUICE_REGISTRY_USERNAME/PASSWORD or SLUICE_REGISTRY_AUTH_FILE (./credentials.ts);
 *   caFile       SLUICE_REGISTRY_CA_FILE: PEM of the CA that signed the registry's certificate,
 *                trusted besides the system's roots. Setting it also makes a loopback registry
 *                https (loopback is plain http otherwise, as dockerd treats it).
 */
export interface RegistryAccess {
  credentials?: RegistryCredentials;
  caFile?: string;
}

export function registryAccessFromEnv(registryHost: string, env: NodeJS.ProcessEnv = process.env): RegistryAccess {
  const credentials = loadRegistryCredentials(registryHost, env);
  const caFile = env.SLUICE_REGISTRY_CA_FILE?.trim();
  return { ...(credentials ? { credentials } : {}), ...(caFile ? { caFile } : {}) };
}

/** One connection pool per CA (by file and content), shared by every client of this process. */
const agents = new Map<string, Agent>();

/** An undici dispatcher that trusts the system's roots and the CA in `caFile`. */
export function agentTrusting(caFile: string): Agent {
  let pem: string;
  try {
    pem = readFileSync(caFile, 'utf8');
  } catch (err) {
    throw badInput(ErrorType.RegistryTls, `SLUICE_REGISTRY_CA_FILE ${caFile} is not readable (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw badInput(ErrorType.RegistryTls, `SLUICE_REGISTRY_CA_FILE ${caFile} holds no PEM certificate`);
  const key = `${caFile}\n${pem}`;
  let agent = agents.get(key);
  if (!agent) {
    agent = new Agent({ connect: { ca: [...rootCertificates, pem] } });
    agents.set(key, agent);
  }
  return agent;
}

/** Node's codes for a certificate chain that does not verify (or does not name the host). */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/**
 * The typed error for a transport failure that configuration, not a retry, must fix: an
 * untrusted certificate, or https spoken to a plain-http registry. Undefined for the rest
 * (refused, reset, timed out), which stay retryable.
 */
export function tlsFailure(host: string, err: unknown, caFile: string | undefined): Error | undefined {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? '';
  if (UNTRUSTED.has(code)) {
    const trusted = caFile ? `the system's CAs and SLUICE_REGISTRY_CA_FILE ${caFile}` : `the system's CAs (SLUICE_REGISTRY_CA_FILE is not set)`;
    return badInput(
      ErrorType.RegistryTls,
      `registry ${host} presented a certificate that ${trusted} do not verify (${code}); set SLUICE_REGISTRY_CA_FILE to the PEM of the CA that signed it`,
    );
  }
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || /wrong version number/i.test(cause?.message ?? '')) {
    return badInput(ErrorType.RegistryTls, `registry ${host} does not speak TLS; a plain-http registry on loopback is reached without SLUICE_REGISTRY_CA_FILE`);
  }
  return undefined;
}

/** What a Go TLS server (distribution) answers to a plain-http request. */
export function isHttpToHttpsAnswer(status: number, body: string): boolean {
  return status === 400 && /HTTP request to an HTTPS server/i.test(body);
}

/**
 * The typed error for a registry failure dockerd reports (a push or pull stream's error, or the
 * API's error message), or undefined when it is none of ours to name: refused credentials, or a
 * certificate dockerd does not trust (dockerd keeps its own trust: /etc/docker/certs.d).
 */
export function dockerRegistryFailure(host: string, what: string, message: string): Error | undefined {
  if (/unauthorized|authentication required|no basic auth credentials|denied/i.test(message)) {
    return badInput(
      ErrorType.RegistryAuth,
      `registry ${host} refused ${what}: ${message}; set SLUICE_REGISTRY_USERNAME/SLUICE_REGISTRY_PASSWORD or SLUICE_REGISTRY_AUTH_FILE for the worker`,
    );
  }
  if (/x509:|certificate signed by unknown authority|tls: /i.test(message)) {
    return badInput(
      ErrorType.RegistryTls,
      `dockerd does not trust registry ${host} for ${what}: ${message}; put its CA in /etc/docker/certs.d/${host}/ca.crt on the engine's host`,
    );
  }
  return undefined;
}
