import { fetch, Response, type Agent } from 'undici';
import { z } from 'zod';
import { registryHostOf } from '../../domain/image-refs';
import { DIGEST_PATTERN } from '../../domain/references';
import { errorMessage } from '../build/errors';
import type { RegistryCredentials } from './credentials';
import { agentTrusting, isHttpToHttpsAnswer, tlsFailure } from './access';
import { ErrorType, badInput, transient } from '../../domain/errors';

/** Manifest media types we accept; the registry answers with the digest of what it stores. */
export const MANIFEST_ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

const tagsListSchema = z.object({ name: z.string(), tags: z.array(z.string()).nullable() });
const tokenSchema = z.object({ token: z.string().optional(), access_token: z.string().optional() });

export interface ImageRepo {
  /** host[:port] of the registry. */
  host: string;
  /** Repository path inside the registry, e.g. `go-service` or `team/go-service`. */
  name: string;
}

/** Splits `127.0.0.1:5000/team/svc`. A registry host is required: Sluice never pushes to a default hub. */
export function splitImageRepo(imageRepo: string): ImageRepo {
  const host = registryHostOf(imageRepo);
  if (!host) {
    throw badInput(ErrorType.InvalidBuildInput, `image repository ${JSON.stringify(imageRepo)} must start with a registry host, e.g. 127.0.0.1:5000/${imageRepo}`);
  }
  return { host, name: imageRepo.slice(host.length + 1) };
}

function isLoopback(host: string): boolean {
  const h = host.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\./.test(h);
}

export interface RegistryClientOptions {
  host: string;
  credentials?: RegistryCredentials;
  /**
   * PEM of the CA that signed the registry's certificate (SLUICE_REGISTRY_CA_FILE), trusted
   * besides the system's roots. Given, the registry is spoken to over https even on loopback.
   */
  caFile?: string;
  /** Default: https with a caFile or off loopback; http for loopback registries (as dockerd treats them insecure). */
  scheme?: 'http' | 'https';
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Minimal Docker Registry HTTP API v2 client: basic auth, or bearer tokens on a challenge; https with a private CA. */
export class RegistryClient {
  private readonly base: string;
  private readonly dispatcher: Agent | undefined;
  private bearer: string | undefined;

  constructor(private readonly opts: RegistryClientOptions) {
    this.base = `${opts.scheme ?? (opts.caFile || !isLoopback(opts.host) ? 'https' : 'http')}://${opts.host}`;
    this.dispatcher = opts.caFile ? agentTrusting(opts.caFile) : undefined;
  }

  /**
   * fetch through the CA-trusting dispatcher. A TLS failure becomes RegistryTls (configuration
   * must fix it); any other transport failure RegistryUnavailable (retryable), worded by `unreachable`.
   */
  private async fetch(
    url: string | URL,
    init: { method?: string; headers: Record<string, string>; signal: AbortSignal; redirect?: 'follow' },
    unreachable: (cause: string) => string,
  ): Promise<Response> {
    try {
      return await fetch(url, { ...init, ...(this.dispatcher ? { dispatcher: this.dispatcher } : {}) });
    } catch (err) {
      const tls = tlsFailure(this.opts.host, err, this.opts.caFile);
      if (tls) throw tls;
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      throw transient(ErrorType.RegistryUnavailable, unreachable(cause ?? errorMessage(err)), err as Error);
    }
  }

  private basicHeader(): string | undefined {
    const c = this.opts.credentials;
    return c ? `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` : undefined;
  }

  private async send(method: string, path: string, headers: Record<string, string> = {}, retried = false): Promise<Response> {
    const signals = [AbortSignal.timeout(this.opts.timeoutMs ?? 15000), ...(this.opts.signal ? [this.opts.signal] : [])];
    const auth = this.bearer ? `Bearer ${this.bearer}` : this.basicHeader();
    let res = await this.fetch(
      `${this.base}${path}`,
      { method, headers: { ...headers, ...(auth ? { Authorization: auth } : {}) }, signal: AbortSignal.any(signals), redirect: 'follow' },
      (cause) => `registry ${this.opts.host} is unreachable (${method} ${path}): ${cause}`,
    );
    if (res.status === 400 && this.base.startsWith('http:')) {
      const body = await res.text();
      if (isHttpToHttpsAnswer(res.status, body)) {
        throw badInput(ErrorType.RegistryTls, `registry ${this.opts.host} speaks https only: set SLUICE_REGISTRY_CA_FILE to the PEM of the CA that signed its certificate`);
      }
      res = new Response(body, { status: res.status, headers: res.headers });
    }
    if (res.status === 401 && !retried) {
      const challenge = res.headers.get('www-authenticate') ?? '';
      await res.body?.cancel();
      if (/^bearer /i.test(challenge)) {
        this.bearer = await this.fetchToken(challenge);
        return this.send(method, path, headers, true);
      }
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      // Which credentials were sent is said by their source, never by their value.
      throw badInput(
        ErrorType.RegistryAuth,
        `registry ${this.opts.host} refused ${method} ${path} (${res.status}) ${this.opts.credentials ? "with the worker's credentials" : 'without credentials'}; set SLUICE_REGISTRY_USERNAME/SLUICE_REGISTRY_PASSWORD or SLUICE_REGISTRY_AUTH_FILE for the worker`,
      );
    }
    if (res.status >= 500) {
      await res.body?.cancel();
      throw transient(ErrorType.RegistryUnavailable, `registry ${this.opts.host} answered ${res.status} to ${method} ${path}`);
    }
    return res;
  }

  private async fetchToken(challenge: string): Promise<string> {
    const params = Object.fromEntries([...challenge.slice(7).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (!params.realm) throw badInput(ErrorType.RegistryAuth, `registry ${this.opts.host} sent a bearer challenge without a realm`);
    const url = new URL(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    if (params.scope) url.searchParams.set('scope', params.scope);
    const basic = this.basicHeader();
    const res = await this.fetch(
      url,
      { headers: basic ? { Authorization: basic } : {}, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15000) },
      (cause) => `token service ${url.host} is unreachable: ${cause}`,
    );
    if (!res.ok) throw badInput(ErrorType.RegistryAuth, `token service ${url.host} refused the credentials (${res.status})`);
    const body = tokenSchema.parse(await res.json());
    const token = body.token ?? body.access_token;
    if (!token) throw badInput(ErrorType.RegistryAuth, `token service ${url.host} returned no token`);
    return token;
  }

  /** GET /v2/: the registry speaks API v2 and accepts our credentials. */
  async ping(): Promise<void> {
    const res = await this.send('GET', '/v2/');
    await res.body?.cancel();
    if (!res.ok) throw transient(ErrorType.RegistryUnavailable, `registry ${this.opts.host} answered ${res.status} to GET /v2/`);
  }

  /** Digest of the manifest a tag (or digest) points at, or undefined when it does not exist. */
  async manifestDigest(name: string, reference: string): Promise<string | undefined> {
    const res = await this.send('HEAD', `/v2/${name}/manifests/${encodeURIComponent(reference)}`, { Accept: MANIFEST_ACCEPT });
    await res.body?.cancel();
    if (res.status === 404) return undefined;
    const digest = res.headers.get('docker-content-digest') ?? '';
    if (!res.ok || !DIGEST_PATTERN.test(digest)) {
      throw transient(ErrorType.RegistryUnavailable, `registry ${this.opts.host} gave no digest for ${name}:${reference} (${res.status})`);
    }
    return digest;
  }

  /** All tags of a repository (following Link pagination); [] when the repository is unknown. */
  async listTags(name: string): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${name}/tags/list?n=1000`;
    while (path) {
      const res = await this.send('GET', path);
      if (res.status === 404) {
        await res.body?.cancel();
        return tags;
      }
      if (!res.ok) throw transient(ErrorType.RegistryUnavailable, `registry ${this.opts.host} answered ${res.status} to GET ${path}`);
      tags.push(...(tagsListSchema.parse(await res.json()).tags ?? []));
      const link = res.headers.get('link');
      path = link ? /<([^>]+)>;\s*rel="next"/.exec(link)?.[1] : undefined;
    }
    return tags;
  }

  /** Deletes a manifest by digest (which untags every tag on it). */
  async deleteManifest(name: string, digest: string): Promise<'deleted' | 'absent'> {
    if (!DIGEST_PATTERN.test(digest)) throw badInput(ErrorType.InvalidBuildInput, `not a digest: ${digest}`);
    const res = await this.send('DELETE', `/v2/${name}/manifests/${digest}`);
    await res.body?.cancel();
    if (res.status === 202 || res.status === 200) return 'deleted';
    if (res.status === 404) return 'absent';
    if (res.status === 405) {
      throw badInput(ErrorType.RegistryDeleteDisabled, `registry ${this.opts.host} does not allow deletes; enable storage.delete.enabled in its config`);
    }
    throw transient(ErrorType.RegistryUnavailable, `registry ${this.opts.host} answered ${res.status} to DELETE ${name}@${digest}`);
  }
}
