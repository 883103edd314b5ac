/**
 * Spec validation for the CLI and client: every problem as `path: message`, with the file name in
 * front when the spec came from one, so a person can find and fix the field.
 */
import type { z } from 'zod';
import type { AdapterCatalogue } from './adapters';
import { releaseSpecSchema, type ReleaseSpec, type ReleaseSpecInput } from './spec';

export interface FieldError {
  /** Dotted path with [n] for array items, e.g. `strategy.steps[2].duration`; `(root)` for the whole spec. */
  path: string;
  message: string;
}

export type SpecParseResult = { ok: true; spec: ReleaseSpec } | { ok: false; errors: FieldError[] };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message }));
}

/** One line per error: `sluice.yaml: strategy.steps[2].duration: must be a duration like …`. */
export function formatFieldErrors(errors: readonly FieldError[], source?: string): string {
  const prefix = source ? `${source}: ` : '';
  return errors.map((e) => `${prefix}${e.path}: ${e.message}`).join('\n');
}

/** `catalogue`: the targets and routers this installation has (src/activities/catalogue.ts builds it). */
export function parseReleaseSpec(input: unknown, catalogue: AdapterCatalogue): SpecParseResult {
  const result = releaseSpecSchema(catalogue).safeParse(input);
  return result.success ? { ok: true, spec: result.data } : { ok: false, errors: fieldErrors(result.error) };
}

/** Thrown by `validateReleaseSpec`; `errors` keeps the structured list for JSON output. */
export class SpecValidationError extends Error {
  constructor(
    readonly errors: FieldError[],
    readonly source?: string,
  ) {
    super(`invalid release spec${source ? ` in ${source}` : ''}:\n${formatFieldErrors(errors, source)}`);
    this.name = 'SpecValidationError';
  }
}

export function validateReleaseSpec(input: ReleaseSpecInput | unknown, catalogue: AdapterCatalogue, source?: string): ReleaseSpec {
  const result = parseReleaseSpec(input, catalogue);
  if (!result.ok) throw new SpecValidationError(result.errors, source);
  return result.spec;
}
