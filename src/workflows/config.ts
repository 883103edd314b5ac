/**
 * The release's configuration, resolved once (issue 16, docs/config.md): one activity reads the
 * spec's config source at one point in time, before anything is built or deployed, so a bad key
 * or an unreachable config centre stops the release with nothing changed. The config version is
 * recorded in the memo (no values there); the plain values travel on the Release to the target.
 *
 * Behind `patched()`, and only for specs with `config:`, so every history recorded before config
 * versions existed replays unchanged.
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import type { ResolvedConfig } from '../domain/config';
import type { ReleaseSpec } from '../domain/spec';
import { config, configActivity, withSummary } from './activities';
import type { Control } from './control';
import type { Tracker } from './tracker';

export const PATCH_CONFIG_VERSION = 'config-version';

export async function resolveReleaseConfig(spec: ReleaseSpec, control: Control, tracker: Tracker): Promise<ResolvedConfig | undefined> {
  const wanted = spec.config;
  if (!wanted || !patched(PATCH_CONFIG_VERSION)) return undefined;
  const resolved = await control.interruptible(() =>
    withSummary(config.resolveConfigVersion, configActivity, `resolve config (${wanted.source})`, { service: spec.service, environment: spec.environment, config: wanted }),
  );
  const version = resolved.version;
  upsertMemo({ configVersion: version.id, configDigest: version.digest, configSource: version.source, configRevision: version.revision });
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
