/**
 * Query templates: {{service}}, {{environment}}, {{role}}, {{window}} and {{version}} are
 * substituted from the measurement context.
 *
 * Values go into PromQL label matchers and URLs, so instead of escaping for each language the
 * values are checked against a conservative alphabet: a service named `a"} or vector(1) #`
 * is refused, not quoted. Unknown variables are refused too, so a typo fails loudly.
 */
import { MetricInputError } from './provider';
import type { MeasureContext } from './provider';
import { ErrorType } from '../../../domain/errors';

const VALUE = /^[A-Za-z0-9_.:+-]{1,200}$/;
/** Prometheus durations ("30s", "1m30s", "500ms"); no day/week/year units needed for a canary. */
const WINDOW = /^(\d+(ms|s|m|h))+$/;
const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const DEFAULT_WINDOW = '1m';

export type Encode = (value: string) => string;

function variables(context: MeasureContext): Record<string, string | undefined> {
  return {
    service: context.service,
    environment: context.environment,
    role: context.role,
    window: context.window ?? DEFAULT_WINDOW,
    version: context.version,
  };
}

export function validateContext(context: MeasureContext): void {
  for (const [name, value] of Object.entries(variables(context))) {
    if (value === undefined) continue;
    const ok = name === 'window' ? WINDOW.test(value) : VALUE.test(value);
    if (!ok) {
      throw new MetricInputError(
        ErrorType.InvalidAnalysisTemplate,
        name === 'window'
          ? `window ${JSON.stringify(value)} is not a Prometheus duration such as "30s" or "1m"`
          : `${name} ${JSON.stringify(value)} may only contain letters, digits and _ . : + -`,
      );
    }
  }
}

/** Substitute the context into a template; `encode` adapts values to the target (URL, PromQL). */
export function renderTemplate(template: string, context: MeasureContext, encode: Encode = (v) => v): string {
  validateContext(context);
  const vars = variables(context);
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!(name in vars)) {
      throw new MetricInputError(ErrorType.InvalidAnalysisTemplate, `unknown template variable {{${name}}} (known: ${Object.keys(vars).join(', ')})`);
    }
    const value = vars[name];
    if (value === undefined) throw new MetricInputError(ErrorType.InvalidAnalysisTemplate, `template uses {{${name}}} but the analysis context has no ${name}`);
    return encode(value);
  });
}
