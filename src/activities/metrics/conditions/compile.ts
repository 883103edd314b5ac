/**
 * Parse and statically check Argo-style success/failure conditions, e.g.
 *   result < 0.05
 *   result[0] <= 0.2 && result[1] > 3
 *   len(result) > 0 and not isNaN(result[0])
 *
 * Parsing is jsep's (a small, widely used JavaScript-expression parser that only builds an AST);
 * the AST is then checked against a whitelist so nothing outside this tiny language can run:
 * no eval, no Function, no property walks to constructors or prototypes, no calls except the
 * functions in FUNCTIONS. Call `compileCondition` at spec-validation time so a typo fails the
 * deployment request, not the tenth measurement.
 */
import jsep from 'jsep';

// Argo's expression language (antonmedv/expr) spells boolean operators as words too.
// Registering them is idempotent and only affects jsep's operator table.
jsep.addBinaryOp('or', 1);
jsep.addBinaryOp('and', 2);
jsep.addUnaryOp('not');

export const CONDITION_ERROR = 'InvalidCondition';

export class ConditionError extends Error {
  readonly type = CONDITION_ERROR;
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`invalid condition ${JSON.stringify(expression)}: ${detail}`);
    this.name = 'ConditionError';
  }
}

/** Functions callable from a condition, with their accepted argument counts. */
export const FUNCTIONS: Readonly<Record<string, { min: number; max: number }>> = {
  len: { min: 1, max: 1 },
  isNaN: { min: 1, max: 1 },
  isInf: { min: 1, max: 1 },
  abs: { min: 1, max: 1 },
  min: { min: 1, max: 16 },
  max: { min: 1, max: 16 },
  sum: { min: 1, max: 1 },
  avg: { min: 1, max: 1 },
  asInt: { min: 1, max: 1 },
  asFloat: { min: 1, max: 1 },
  /** default(x, fallback): fallback when x is missing/NaN. */
  default: { min: 2, max: 2 },
};

const CONSTANTS: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY };
export const VARIABLES = ['result'] as const;

const BINARY = new Set(['+', '-', '*', '/', '%', '<', '<=', '>', '>=', '==', '!=', '===', '!==', '&&', '||', 'and', 'or']);
const UNARY = new Set(['!', '-', '+', 'not']);
const FORBIDDEN_PROPERTIES = new Set(['__proto__', 'prototype', 'constructor']);

/** The checked AST (a subset of jsep's node types). */
export type ConditionNode =
  | { type: 'Literal'; value: number | string | boolean | null }
  | { type: 'Identifier'; name: string }
  | { type: 'Constant'; value: number }
  | { type: 'Member'; object: ConditionNode; property: ConditionNode | string }
  | { type: 'Call'; callee: string; args: ConditionNode[] }
  | { type: 'Unary'; operator: string; argument: ConditionNode }
  | { type: 'Binary'; operator: string; left: ConditionNode; right: ConditionNode }
  | { type: 'Conditional'; test: ConditionNode; consequent: ConditionNode; alternate: ConditionNode };

export interface CompiledCondition {
  source: string;
  ast: ConditionNode;
}

function check(node: jsep.Expression, source: string): ConditionNode {
  const fail = (detail: string): never => {
    throw new ConditionError(source, detail);
  };
  switch (node.type) {
    case 'Literal': {
      const value = (node as jsep.Literal).value;
      if (value instanceof RegExp) return fail('regular expressions are not supported');
      if (typeof value === 'object' && value !== null) return fail('unsupported literal');
      return { type: 'Literal', value: value as number | string | boolean | null };
    }
    case 'Identifier': {
      const name = (node as jsep.Identifier).name;
      if (name in CONSTANTS) return { type: 'Constant', value: CONSTANTS[name]! };
      if ((VARIABLES as readonly string[]).includes(name)) return { type: 'Identifier', name };
      return fail(`unknown name "${name}" (available: ${VARIABLES.join(', ')}, NaN, Infinity)`);
    }
    case 'MemberExpression': {
      const m = node as jsep.MemberExpression;
      const object = check(m.object, source);
      if (m.computed) return { type: 'Member', object, property: check(m.property, source) };
      const name = (m.property as jsep.Identifier).name;
      if (FORBIDDEN_PROPERTIES.has(name)) return fail(`property "${name}" is not accessible`);
      return { type: 'Member', object, property: name };
    }
    case 'CallExpression': {
      const c = node as jsep.CallExpression;
      if (c.callee.type !== 'Identifier') return fail('only named functions can be called');
      const name = (c.callee as jsep.Identifier).name;
      const spec = Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
      if (!spec) return fail(`unknown function "${name}" (available: ${Object.keys(FUNCTIONS).join(', ')})`);
      if (c.arguments.length < spec.min || c.arguments.length > spec.max) {
        return fail(`${name}() takes ${spec.min === spec.max ? spec.min : `${spec.min}-${spec.max}`} argument(s), got ${c.arguments.length}`);
      }
      return { type: 'Call', callee: name, args: c.arguments.map((a) => check(a, source)) };
    }
    case 'UnaryExpression': {
      const u = node as jsep.UnaryExpression;
      if (!UNARY.has(u.operator)) return fail(`operator "${u.operator}" is not supported`);
      return { type: 'Unary', operator: u.operator, argument: check(u.argument, source) };
    }
    case 'BinaryExpression': {
      const b = node as jsep.BinaryExpression;
      if (!BINARY.has(b.operator)) return fail(`operator "${b.operator}" is not supported`);
      return { type: 'Binary', operator: b.operator, left: check(b.left, source), right: check(b.right, source) };
    }
    case 'ConditionalExpression': {
      const t = node as jsep.ConditionalExpression;
      return { type: 'Conditional', test: check(t.test, source), consequent: check(t.consequent, source), alternate: check(t.alternate, source) };
    }
    case 'Compound':
    case 'SequenceExpression':
      return fail('a condition must be a single expression');
    default:
      return fail(`${node.type} is not supported`);
  }
}

/** Parse and check a condition; throws ConditionError with a message a user can act on. */
export function compileCondition(source: string): CompiledCondition {
  if (typeof source !== 'string' || source.trim() === '') throw new ConditionError(String(source), 'empty expression');
  let tree: jsep.Expression;
  try {
    tree = jsep(source);
  } catch (err) {
    const e = err as Error & { index?: number };
    const where = typeof e.index === 'number' ? `\n  ${source}\n  ${' '.repeat(e.index)}^` : '';
    throw new ConditionError(source, `${e.message}${where}`);
  }
  return { source, ast: check(tree, source) };
}

/** Returns an error message, or undefined when the condition is valid (for zod refinements). */
export function conditionProblem(source: string): string | undefined {
  try {
    compileCondition(source);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
