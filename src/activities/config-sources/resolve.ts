/**
 * Config resolution: read the spec's source once, refuse what no target could hand to a process
 * (a key that is not an environment variable name, a NUL in a value, a secret also held as a plain
 * value), and name the result by its content digest. Nothing is written anywhere: a refused
 * configuration has no effect at all.
 */
import { configProblems, type ConfigSpec, type ResolvedConfig } from '../../domain/config';
import { configVersion } from '../../domain/config-version';
import { ErrorType, badInput } from '../../domain/errors';
import { configSource } from './registry';
import type { ConfigSourceContext } from './source';

export async function resolveConfig(spec: ConfigSpec, context: ConfigSourceContext, revision?: number): Promise<ResolvedConfig> {
  const snapshot = await configSource(spec).read(spec, context, revision);
  const problems = configProblems(snapshot.values, spec.secrets);
  if (problems.length > 0) {
    throw badInput(ErrorType.InvalidConfig, `configuration from ${snapshot.source} refused, nothing deployed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
  return {
    version: configVersion({ values: snapshot.values, secrets: spec.secrets, source: snapshot.source, sourceKind: spec.source, revision: snapshot.revision }),
    values: snapshot.values,
  };
}
