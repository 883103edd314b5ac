/**
 * Interpreter for compiled conditions. Strictly typed like Argo's expr: arithmetic and ordering
 * on numbers only, `&&`/`||`/`!` on booleans only, and a condition must produce a boolean. Any
 * type error throws ConditionEvalError, which the threshold judge records as an Error
 * measurement (never as a success).
 */
import type { CompiledCondition, ConditionNode } from './compile';

export const CONDITION_EVAL_ERROR = 'ConditionEvaluationFailed';

export class ConditionEvalError extends Error {
  readonly type = CONDITION_EVAL_ERROR;
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`condition ${JSON.stringify(expression)} failed: ${detail}`);
    this.name = 'ConditionEvalError';
  }
}

type Value = number | string | boolean | null | undefined | readonly Value[] | { readonly [k: string]: Value };
export type ConditionScope = { result: unknown };

function describe(v: unknown): string {
  if (Array.isArray(v)) return `array(${v.length})`;
  if (v === null) return 'null';
  return typeof v;
}

function numbersOf(v: unknown): number[] | undefined {
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
  return undefined;
}

export function evaluateCondition(condition: CompiledCondition, scope: ConditionScope): boolean {
  const src = condition.source;
  const fail = (detail: string): never => {
    throw new ConditionEvalError(src, detail);
  };
  const num = (v: unknown, what: string): number => (typeof v === 'number' ? v : fail(`${what} needs a number, got ${describe(v)}`));
  const bool = (v: unknown, what: string): boolean => (typeof v === 'boolean' ? v : fail(`${what} needs a boolean, got ${describe(v)}`));

  const call = (name: string, args: unknown[]): Value => {
    const [a, b] = args;
    switch (name) {
      case 'len':
        if (Array.isArray(a) || typeof a === 'string') return a.length;
        if (a === null || a === undefined) return 0;
        return fail(`len() needs an array or string, got ${describe(a)}`);
      case 'isNaN':
        return Number.isNaN(num(a, 'isNaN()'));
      case 'isInf':
        return Math.abs(num(a, 'isInf()')) === Infinity;
      case 'abs':
        return Math.abs(num(a, 'abs()'));
      case 'min':
      case 'max':
      case 'sum':
      case 'avg': {
        const xs = args.length === 1 ? numbersOf(a) : args.map((x) => num(x, `${name}()`));
        if (!xs) return fail(`${name}() needs numbers, got ${describe(a)}`);
        if (xs.length === 0) return name === 'sum' ? 0 : NaN;
        if (name === 'min') return Math.min(...xs);
        if (name === 'max') return Math.max(...xs);
        const s = xs.reduce((acc, x) => acc + x, 0);
        return name === 'sum' ? s : s / xs.length;
      }
      case 'asInt':
      case 'asFloat': {
        const n = typeof a === 'string' ? Number(a) : num(a, `${name}()`);
        if (Number.isNaN(n) && typeof a === 'string') return fail(`${name}() cannot convert ${JSON.stringify(a)}`);
        return name === 'asInt' ? Math.trunc(n) : n;
      }
      case 'default':
        return a === undefined || a === null || (typeof a === 'number' && Number.isNaN(a)) ? (b as Value) : (a as Value);
      default:
        return fail(`unknown function ${name}`);
    }
  };

  const ev = (node: ConditionNode): Value => {
    switch (node.type) {
      case 'Literal':
        return node.value;
      case 'Constant':
        return node.value;
      case 'Identifier':
        return scope[node.name as keyof ConditionScope] as Value;
      case 'Member': {
        const obj = ev(node.object);
        const key = typeof node.property === 'string' ? node.property : ev(node.property);
        if (Array.isArray(obj)) {
          const i = num(key, 'array index');
          if (!Number.isInteger(i) || i < 0 || i >= obj.length) return fail(`index ${i} out of range for ${describe(obj)}`);
          return obj[i] as Value;
        }
        if (obj !== null && typeof obj === 'object' && typeof key === 'string') {
          if (key === '__proto__' || key === 'constructor' || key === 'prototype') return fail(`property "${key}" is not accessible`);
          return Object.prototype.hasOwnProperty.call(obj, key) ? (obj as Record<string, Value>)[key] : fail(`no field "${key}"`);
        }
        return fail(`cannot index ${describe(obj)} with ${describe(key)}`);
      }
      case 'Call':
        return call(node.callee, node.args.map(ev));
      case 'Unary': {
        const v = ev(node.argument);
        if (node.operator === '!' || node.operator === 'not') return !bool(v, `"${node.operator}"`);
        const n = num(v, `unary "${node.operator}"`);
        return node.operator === '-' ? -n : n;
      }
      case 'Binary': {
        const op = node.operator;
        if (op === '&&' || op === 'and') return bool(ev(node.left), `"${op}"`) ? bool(ev(node.right), `"${op}"`) : false;
        if (op === '||' || op === 'or') return bool(ev(node.left), `"${op}"`) ? true : bool(ev(node.right), `"${op}"`);
        const l = ev(node.left);
        const r = ev(node.right);
        if (op === '==' || op === '===') return l === r;
        if (op === '!=' || op === '!==') return l !== r;
        const a = num(l, `"${op}"`);
        const b = num(r, `"${op}"`);
        switch (op) {
          case '+':
            return a + b;
          case '-':
            return a - b;
          case '*':
            return a * b;
          case '/':
            return a / b;
          case '%':
            return a % b;
          case '<':
            return a < b;
          case '<=':
            return a <= b;
          case '>':
            return a > b;
          case '>=':
            return a >= b;
          default:
            return fail(`operator ${op}`);
        }
      }
      case 'Conditional':
        return bool(ev(node.test), 'the ternary test') ? ev(node.consequent) : ev(node.alternate);
    }
  };

  const out = ev(condition.ast);
  if (typeof out !== 'boolean') return fail(`a condition must evaluate to true or false, got ${describe(out)}`);
  return out;
}
