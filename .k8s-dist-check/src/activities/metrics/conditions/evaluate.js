"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConditionEvalError = exports.CONDITION_EVAL_ERROR = void 0;
exports.evaluateCondition = evaluateCondition;
exports.CONDITION_EVAL_ERROR = 'ConditionEvaluationFailed';
class ConditionEvalError extends Error {
    expression;
    type = exports.CONDITION_EVAL_ERROR;
    constructor(expression, detail) {
        super(`condition ${JSON.stringify(expression)} failed: ${detail}`);
        this.expression = expression;
        this.name = 'ConditionEvalError';
    }
}
exports.ConditionEvalError = ConditionEvalError;
function describe(v) {
    if (Array.isArray(v))
        return `array(${v.length})`;
    if (v === null)
        return 'null';
    return typeof v;
}
function numbersOf(v) {
    if (typeof v === 'number')
        return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number'))
        return v;
    return undefined;
}
function evaluateCondition(condition, scope) {
    const src = condition.source;
    const fail = (detail) => {
        throw new ConditionEvalError(src, detail);
    };
    const num = (v, what) => (typeof v === 'number' ? v : fail(`${what} needs a number, got ${describe(v)}`));
    const bool = (v, what) => (typeof v === 'boolean' ? v : fail(`${what} needs a boolean, got ${describe(v)}`));
    const call = (name, args) => {
        const [a, b] = args;
        switch (name) {
            case 'len':
                if (Array.isArray(a) || typeof a === 'string')
                    return a.length;
                if (a === null || a === undefined)
                    return 0;
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
                if (!xs)
                    return fail(`${name}() needs numbers, got ${describe(a)}`);
                if (xs.length === 0)
                    return name === 'sum' ? 0 : NaN;
                if (name === 'min')
                    return Math.min(...xs);
                if (name === 'max')
                    return Math.max(...xs);
                const s = xs.reduce((acc, x) => acc + x, 0);
                return name === 'sum' ? s : s / xs.length;
            }
            case 'asInt':
            case 'asFloat': {
                const n = typeof a === 'string' ? Number(a) : num(a, `${name}()`);
                if (Number.isNaN(n) && typeof a === 'string')
                    return fail(`${name}() cannot convert ${JSON.stringify(a)}`);
                return name === 'asInt' ? Math.trunc(n) : n;
            }
            case 'default':
                return a === undefined || a === null || (typeof a === 'number' && Number.isNaN(a)) ? b : a;
            default:
                return fail(`unknown function ${name}`);
        }
    };
    const ev = (node) => {
        switch (node.type) {
            case 'Literal':
                return node.value;
            case 'Constant':
                return node.value;
            case 'Identifier':
                return scope[node.name];
            case 'Member': {
                const obj = ev(node.object);
                const key = typeof node.property === 'string' ? node.property : ev(node.property);
                if (Array.isArray(obj)) {
                    const i = num(key, 'array index');
                    if (!Number.isInteger(i) || i < 0 || i >= obj.length)
                        return fail(`index ${i} out of range for ${describe(obj)}`);
                    return obj[i];
                }
                if (obj !== null && typeof obj === 'object' && typeof key === 'string') {
                    if (key === '__proto__' || key === 'constructor' || key === 'prototype')
                        return fail(`property "${key}" is not accessible`);
                    return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : fail(`no field "${key}"`);
                }
                return fail(`cannot index ${describe(obj)} with ${describe(key)}`);
            }
            case 'Call':
                return call(node.callee, node.args.map(ev));
            case 'Unary': {
                const v = ev(node.argument);
                if (node.operator === '!' || node.operator === 'not')
                    return !bool(v, `"${node.operator}"`);
                const n = num(v, `unary "${node.operator}"`);
                return node.operator === '-' ? -n : n;
            }
            case 'Binary': {
                const op = node.operator;
                if (op === '&&' || op === 'and')
                    return bool(ev(node.left), `"${op}"`) ? bool(ev(node.right), `"${op}"`) : false;
                if (op === '||' || op === 'or')
                    return bool(ev(node.left), `"${op}"`) ? true : bool(ev(node.right), `"${op}"`);
                const l = ev(node.left);
                const r = ev(node.right);
                if (op === '==' || op === '===')
                    return l === r;
                if (op === '!=' || op === '!==')
                    return l !== r;
                const a = num(l, `"${op}"`);
                const b = num(r, `"${op}"`);
                switch (op) {
                    case '+': return a + b;
                    case '-': return a - b;
                    case '*': return a * b;
                    case '/': return a / b;
                    case '%': return a % b;
                    case '<': return a < b;
                    case '<=': return a <= b;
                    case '>': return a > b;
                    case '>=': return a >= b;
                    default: return fail(`operator ${op}`);
                }
            }
            case 'Conditional':
                return bool(ev(node.test), 'the ternary test') ? ev(node.consequent) : ev(node.alternate);
        }
    };
    const out = ev(condition.ast);
    if (typeof out !== 'boolean')
        return fail(`a condition must evaluate to true or false, got ${describe(out)}`);
    return out;
}
//# sourceMappingURL=evaluate.js.map