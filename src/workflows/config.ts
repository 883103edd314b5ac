/**
 * The release's configuration, resolved once (issue 16, docs/config.md): one activity reads the
 * spec's config source at one point in time, before anything is built or deployed, so a bad key
 * or an unreachable config centre stops the release with nothing changed. The config version is
 * recorded in the memo (no values there); the plain values travel on the Release to the target.
 *
 * Behind `patched()`, and only for specs with `config:`, so every history recorded before config
 * versions existed replays unchanged.
 */
import { patched, upsertMemo, upsertSearchAttributes } from '@temporalio/workflow';
import type { ResolvedConfig } from '../domain/config';
import { sameConfig, sameRelease, type Release } from '../domain/release';
import { SluiceConfigVersion } from '../domain/search-attributes';
import type { ReleaseSpec } from '../domain/spec';
import { config, configActivity, withSummary } from './activities';
import type { Control } from './control';
import type { Tracker } from './tracker';

export const PATCH_CONFIG_VERSION = 'config-version';
export const PATCH_CONFIG_SEARCH_ATTRIBUTE = 'config-search-attribute';

export async function resolveReleaseConfig(spec: ReleaseSpec, control: Control, tracker: Tracker): Promise<ResolvedConfig | undefined> {
  const wanted = spec.config;
  if (!wanted || !patched(PATCH_CONFIG_VERSION)) return undefined;
  const resolved = await control.interruptible(() =>
    withSummary(config.resolveConfigVersion, configActivity, `resolve config (${wanted.source})`, { service: spec.service, environment: spec.environment, config: wanted }),
  );
  const version = resolved.version;
  upsertMemo({ configVersion: version.id, configDigest: version.digest, configSource: version.source, configRevision: version.revision });
  // Filterable (`SluiceConfigVersion = "cfg-…"`); a separate patch, so runs recorded before the
  // attribute existed replay without the command.
  if (patched(PATCH_CONFIG_SEARCH_ATTRIBUTE)) upsertSearchAttributes([{ key: SluiceConfigVersion, value: version.id }]);
  const secrets = version.secrets.length > 0 ? `, secrets ${version.secrets.join(', ')} (by name)` : '';
  tracker.event(
    'info',
    `config ${version.id} from ${version.source}${version.revision !== null ? ` at revision ${version.revision}` : ''}: ${version.keys.length} keys${secrets}`,
    {
      configVersion: version.id,
    },
  );
  return resolved;
}

export const PATCH_CONFIG_ONLY_RELEASE = 'config-only-release';

/**
 * Whether `release` is the live build with another configuration: then it is a real release
 * through the environment's strategy and analysis, not AlreadyLive. Only a spec with `config:`
 * can make one, and the patch is asked only then, so histories recorded before (where such a
 * release ended AlreadyLive) replay unchanged. A spec without `config:` on a build that runs with
 * one stays AlreadyLive: it asks for no configuration, so there is nothing to change.
 */
export function configOnlyRelease(previous: Release | null, release: Release, tracker: Tracker): boolean {
  if (!release.config || !sameRelease(previous, release) || sameConfig(previous, release)) return false;
  if (!patched(PATCH_CONFIG_ONLY_RELEASE)) return false;
  tracker.event('info', `config-only release: ${release.version} with ${release.config.version.id} (live: ${previous?.config?.version.id ?? 'no config version'})`, {
    configVersion: release.config.version.id,
  });
  return true;
}
