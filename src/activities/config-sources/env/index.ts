/** The env config source: literal values in sluice.yaml, `{ source: env, values: { LOG_LEVEL: info } }`. */
import type { EnvConfigSpec } from '../../../domain/config';
import type { ConfigSourceAdapter } from '../source';

export const envSource: ConfigSourceAdapter<EnvConfigSpec> = {
  kind: 'env',
  read(spec) {
    return Promise.resolve({ values: { ...spec.values }, revision: null, source: 'env' });
  },
};
