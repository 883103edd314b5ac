import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { locateExecutable } from '../../lib/executables';
import { lockfileCacheFiles } from './npm-cache';
import type { Logger } from './progress';
import {
  BASE_IMAGE_REPO,
  contentKey,
  ensureImage,
  importRootfs,
  linkCaBundle,
  linkHostPath,
  sharedLibraries,
  stageExecutables,
  stageShell,
  withStaging,
  writeIdentityFiles,
} from './rootfs';

const execFileAsync = promisify(execFile);

/**
 * Local stand-ins for the official `node` image and a runtime for the Sluice worker image (the
 * Dockerfile at the repository root), for machines that cannot pull: both are `docker import`ed
 * from files already on this host, like the Go ones in base-images.ts.
 * - The builder holds the host's node and npm, a shell and `env` (npm runs package bins through
 *   `#!/usr/bin/env node`), and an npm cache with exactly what `npm ci` needs for one
 *   package-lock.json (npm-cache.ts), with npm offline, so the Dockerfile's `npm ci` works with
 *   no network.
 * - The runtime holds what the worker runs: node, tini, git (versions come from git), haproxy
 *   (the HAProxy router starts one per service next to the worker), a shell for the
 *   Dockerfile's RUN line, the CA bundle and the `nonroot` user.
 * Tags are content keys (node version + lockfile, or + the host binaries), so ensure* is
 * idempotent and cheap after the first time.
 */
export const NODE_BUILDER_REPO = `${BASE_IMAGE_REPO}/node-builder`;
export const NODE_RUNTIME_REPO = `${BASE_IMAGE_REPO}/node-runtime`;
/** Bump when a recipe below changes, so old images are not reused. */
const BUILDER_RECIPE = '1';
const RUNTIME_RECIPE = '1';
const NPM_CACHE = '/var/cache/npm';
const PATH = 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * glibc's libraries, libstdc++ and libgcc_s, as distroless/cc has them: native add-ons (Temporal's
 * core bridge, swc) load librt, which node itself does not, and name lookups load libnss_*.
 */
const C_LIBRARIES = [
  'libc.so.6',
  'libm.so.6',
  'libdl.so.2',
  'libpthread.so.0',
  'librt.so.1',
  'libresolv.so.2',
  'libnss_files.so.2',
  'libnss_dns.so.2',
  'libstdc++.so.6',
  'libgcc_s.so.1',
];

export interface NodeBaseImages {
  /** The build stage's base: NODE_IMAGE. */
  nodeImage: string;
  /** The final stage's base: RUNTIME_IMAGE. */
  runtimeImage: string;
}

export interface EnsureNodeBaseImagesInput {
  docker: Docker;
  /** The directory of package.json and package-lock.json whose dependencies the builder must hold. */
  packageDir: string;
  logger?: Logger;
}

interface HostNpm {
  /** The npm package directory (bin/npm-cli.js inside). */
  dir: string;
  /** cacache, `$(npm config get cache)/_cacache`. */
  cacheDir: string;
  registry: string;
}

async function hostNpm(): Promise<HostNpm> {
  const npm = requireExecutable('npm', 'npm');
  // bin/npm is a link to <npm package>/bin/npm-cli.js.
  const dir = dirname(dirname(realpathSync(npm)));
  if (!existsSync(join(dir, 'bin', 'npm-cli.js'))) throw new Error(`cannot find npm's package directory from ${npm} (looked in ${dir})`);
  const { stdout } = await execFileAsync(npm, ['config', 'get', 'cache', 'registry']);
  const config = Object.fromEntries(stdout.split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]));
  const registry = config.registry ?? 'https://registry.npmjs.org/';
  return { dir, cacheDir: join(config.cache ?? join(process.env.HOME ?? '/root', '.npm'), '_cacache'), registry: registry.endsWith('/') ? registry : `${registry}/` };
}

function requireExecutable(name: string, debianPackage: string): string {
  const found = locateExecutable(name);
  if (!found) throw new Error(`${name} is not installed (Debian package ${debianPackage}); the local Node base images copy it from this host`);
  return found;
}

function nodeVersion(): string {
  return process.version.replace(/^v/, '');
}

/** Tag of the builder for this node and this package-lock.json. */
export async function nodeBuilderImageTag(packageDir: string): Promise<string> {
  const { registry } = await hostNpm();
  return `${NODE_BUILDER_REPO}:${nodeVersion()}-${contentKey(BUILDER_RECIPE, registry, readFileSync(join(packageDir, 'package-lock.json')))}`;
}

/** The host binaries the runtime holds, as [host path, path in the image]. */
function runtimeExecutables(): [string, string][] {
  // The static tini needs no libraries; Debian's tini package ships both.
  const tini = existsSync('/usr/bin/tini-static') ? '/usr/bin/tini-static' : requireExecutable('tini', 'tini');
  return [
    [process.execPath, '/usr/local/bin/node'],
    [tini, '/usr/bin/tini'],
    [requireExecutable('git', 'git'), '/usr/bin/git'],
    [requireExecutable('haproxy', 'haproxy'), '/usr/sbin/haproxy'],
  ];
}

/** Tag of the runtime for these host binaries: an upgraded haproxy or git makes a new one. */
export function nodeRuntimeImageTag(): string {
  const identities = runtimeExecutables().map(([host]) => {
    const st = statSync(host);
    return `${realpathSync(host)}:${st.size}:${st.mtimeMs}`;
  });
  return `${NODE_RUNTIME_REPO}:${nodeVersion()}-${contentKey(RUNTIME_RECIPE, ...identities)}`;
}

/** C_LIBRARIES from the directory this host's libc lives in. */
async function stageCLibraries(staging: string): Promise<void> {
  const libc = (await sharedLibraries([process.execPath])).find((lib) => lib.endsWith('/libc.so.6'));
  if (!libc) throw new Error(`ldd found no libc.so.6 for ${process.execPath}`);
  for (const name of C_LIBRARIES) {
    const lib = join(dirname(libc), name);
    if (existsSync(lib)) linkHostPath(staging, lib);
  }
}

export async function ensureNodeBuilderImage(input: EnsureNodeBaseImagesInput): Promise<string> {
  const ref = await nodeBuilderImageTag(input.packageDir);
  return ensureImage(input.docker, ref, () => withStaging('node-builder', (staging) => createNodeBuilderImage(input, ref, staging)));
}

async function createNodeBuilderImage(input: EnsureNodeBaseImagesInput, ref: string, staging: string): Promise<void> {
  const npm = await hostNpm();
  // Fails, naming the packages, when the host cache lacks one: nothing would fetch it later.
  const cache = lockfileCacheFiles({ lockfile: join(input.packageDir, 'package-lock.json'), cacheDir: npm.cacheDir, registry: npm.registry });
  input.logger?.info({ files: cache.files.length, skippedOptional: cache.skippedOptional.length }, 'npm cache for the node builder');
  writeIdentityFiles(staging);
  await stageShell(staging);
  await stageExecutables(staging, [
    [process.execPath, '/usr/local/bin/node'],
    [requireExecutable('env', 'coreutils'), '/usr/bin/env'],
  ]);
  await stageCLibraries(staging);
  // npm where the official image has it. Its bins are relative links, kept as links so that
  // npm-cli.js finds its own lib/ beside it.
  linkHostPath(staging, npm.dir, '/usr/local/lib/node_modules/npm');
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(staging, 'usr/local/bin/npm'));
  symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(staging, 'usr/local/bin/npx'));
  for (const file of cache.files) linkHostPath(staging, join(npm.cacheDir, file), join(NPM_CACHE, '_cacache', file));
  await importRootfs(input.docker, staging, ref, {
    changes: [
      PATH,
      'ENV HOME=/tmp',
      `ENV npm_config_cache=${NPM_CACHE}`,
      // Offline: packages come only from the cache baked in above; npm still checks integrity.
      'ENV npm_config_offline=true',
      // The cache's index is keyed by URL: the registry must be the one that filled it.
      `ENV npm_config_registry=${npm.registry}`,
      'ENV npm_config_update_notifier=false',
      'ENV npm_config_audit=false',
      'ENV npm_config_fund=false',
    ],
    keepLinks: (rel) => rel === 'usr/local/bin/npm' || rel === 'usr/local/bin/npx' || rel.startsWith('usr/local/lib/node_modules/npm/'),
    logger: input.logger,
  });
}

export async function ensureNodeRuntimeImage(docker: Docker, logger?: Logger): Promise<string> {
  const ref = nodeRuntimeImageTag();
  return ensureImage(docker, ref, () =>
    withStaging('node-runtime', async (staging) => {
      writeIdentityFiles(staging);
      linkCaBundle(staging);
      await stageShell(staging);
      await stageExecutables(staging, runtimeExecutables());
      await stageCLibraries(staging);
      // git's helpers (its exec path). Most are links to `git` itself, kept as links; the remote
      // helpers' libraries (curl) are left out, since versions come from local repositories.
      const { stdout } = await execFileAsync('git', ['--exec-path']);
      linkHostPath(staging, stdout.trim());
      const gitCore = stdout.trim().replace(/^\//, '');
      // No USER: the Dockerfile's RUN line installs packages as root on a pulled base, and
      // the Dockerfile ends with its own USER.
      await importRootfs(docker, staging, ref, { changes: [PATH], keepLinks: (rel) => rel.startsWith(`${gitCore}/`), logger });
    }),
  );
}

export async function ensureNodeBaseImages(input: EnsureNodeBaseImagesInput): Promise<NodeBaseImages> {
  const runtimeImage = await ensureNodeRuntimeImage(input.docker, input.logger);
  const nodeImage = await ensureNodeBuilderImage(input);
  return { nodeImage, runtimeImage };
}
