import { readFileSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import { isMap, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { SluiceClientError } from './errors';
import { ErrorType } from '../domain/errors';

/**
 * `sluice.yaml`: a deployment spec, optionally with per-environment overrides:
 *
 *   service: checkout
 *   target: { kind: docker, ... }
 *   strategy: { ... }
 *   environments:
 *     staging:    { strategy: { kind: recreate } }
 *     production: { approval: { required: true } }
 *
 * The spec for one environment is the top level (without `environments`) deep-merged with
 * `environments.<env>` (maps merge, lists and scalars replace), plus `environment: <env>`.
 * Validation errors name the file, line and column of the offending field, so a CI log points
 * straight at it.
 */

export interface SpecIssue {
  /** Dotted path, e.g. strategy.steps[2].setWeight. */
  field: string;
  message: string;
  line?: number;
  column?: number;
}

export interface LoadedSpecFile {
  file: string;
  /** The merged plain object for the chosen environment, before schema validation. */
  raw: Record<string, unknown>;
  environment: string | undefined;
  environments: string[];
  doc: Document;
  lineCounter: LineCounter;
}

export class SpecError extends SluiceClientError {
  constructor(
    readonly file: string,
    readonly issues: SpecIssue[],
  ) {
    super(ErrorType.InvalidSpec, formatIssues(file, issues));
    this.name = 'SpecError';
  }
}

function displayPath(file: string): string {
  const rel = isAbsolute(file) ? relative(process.cwd(), file) : file;
  return rel && !rel.startsWith('..') ? rel : file;
}

export function formatIssues(file: string, issues: SpecIssue[]): string {
  const name = displayPath(file);
  const lines = issues.map((i) => {
    const at = i.line !== undefined ? `${name}:${i.line}:${i.column ?? 1}` : name;
    return `  ${at}: ${i.field ? `${i.field}: ` : ''}${i.message}`;
  });
  return `invalid spec ${name} (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

export function readSpecFile(file: string, environment?: string): LoadedSpecFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (pass -f <path> or run where sluice.yaml lives)' : (code ?? String(err));
    throw new SpecError(file, [{ field: '', message: why }]);
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(
      file,
      doc.errors.map((e) => {
        const at = lineCounter.linePos(e.pos[0]);
        return { field: '', message: `YAML ${e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '')}`, line: at.line, column: at.col };
      }),
    );
  }
  const data: unknown = doc.toJS();
  if (!isPlainObject(data)) throw new SpecError(file, [{ field: '', message: 'expected a mapping of spec fields at the top level', line: 1, column: 1 }]);

  const { environments, ...base } = data;
  if (environments !== undefined && !isPlainObject(environments)) {
    throw new SpecError(file, [{ field: 'environments', message: 'expected a mapping of environment name to overrides', ...position(doc, lineCounter, ['environments']) }]);
  }
  const names = environments ? Object.keys(environments) : [];
  const chosen = environment ?? (typeof base.environment === 'string' ? base.environment : names.length === 1 ? names[0] : undefined);
  let raw: Record<string, unknown> = base;
  if (environments && chosen !== undefined) {
    const over = environments[chosen];
    if (over === undefined && !(base.environment === chosen)) {
      throw new SpecError(file, [
        { field: 'environments', message: `no environment "${chosen}" (defined: ${names.join(', ') || 'none'})`, ...position(doc, lineCounter, ['environments']) },
      ]);
    }
    if (over !== undefined && over !== null && !isPlainObject(over)) {
      throw new SpecError(file, [{ field: `environments.${chosen}`, message: 'expected a mapping of overrides', ...position(doc, lineCounter, ['environments', chosen]) }]);
    }
    raw = deepMerge(base, (over as Record<string, unknown> | null) ?? {});
  }
  if (chosen !== undefined) raw = { ...raw, environment: chosen };
  return { file, raw, environment: chosen, environments: names, doc, lineCounter };
}

/** Line and column of the YAML node at `path` (or its nearest existing ancestor). */
export function position(doc: Document, lineCounter: LineCounter, path: readonly PropertyKey[]): { line?: number; column?: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n) as unknown[], true) as Node | undefined;
    if (node && (node.range || isMap(node) || isSeq(node))) {
      const offset = node.range?.[0];
      if (offset === undefined) continue;
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

/**
 * Validates the merged spec; each zod issue becomes a SpecIssue located in the file. A field set
 * under `environments.<env>` is reported there, where the user wrote it.
 */
export function validateSpec<S extends z.ZodType>(loaded: LoadedSpecFile, schema: S): z.output<S> {
  const result = schema.safeParse(loaded.raw);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => {
    const path = issue.path as PropertyKey[];
    const candidates = [path];
    if (loaded.environment !== undefined) candidates.unshift(['environments', loaded.environment, ...path]);
    // Point at the deepest part of the path the user actually wrote, in the override or the base.
    const best = candidates.map((p) => ({ p, depth: existingDepth(loaded.doc, p) - (p === path ? 0 : 2) })).sort((a, b) => b.depth - a.depth)[0]!;
    return { field: formatPath(path), message: issue.message, ...position(loaded.doc, loaded.lineCounter, best.p) };
  });
  throw new SpecError(loaded.file, issues);
}

function existingDepth(doc: Document, path: readonly PropertyKey[]): number {
  for (let n = path.length; n > 0; n--) if (doc.hasIn(path.slice(0, n) as unknown[])) return n;
  return 0;
}
