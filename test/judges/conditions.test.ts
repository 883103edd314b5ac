import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileCondition, conditionProblem, ConditionError, evaluateCondition, ConditionEvalError } from '../../src/activities/metrics/conditions';

const ev = (src: string, result: unknown) => evaluateCondition(compileCondition(src), { result });

test('Argo-style conditions evaluate on scalars and vectors', () => {
  assert.equal(ev('result < 0.05', 0.01), true);
  assert.equal(ev('result < 0.05', 0.2), false);
  assert.equal(ev('result[0] <= 0.2 && result[1] > 3', [0.1, 4]), true);
  assert.equal(ev('result[0] <= 0.2 && result[1] > 3', [0.1, 2]), false);
  assert.equal(ev('isNaN(result)', NaN), true);
  assert.equal(ev('len(result) > 0', []), false);
  assert.equal(ev('len(result) == 0 || result[0] >= 0.95', []), true);
  assert.equal(ev('result[0] >= 0.9 and not isNaN(result[1])', [0.95, 1]), true);
  assert.equal(ev('result.successful == true', { successful: true }), true);
  assert.equal(ev('default(result, 0) < 1', NaN), true);
  assert.equal(ev('max(result) < 2 * min(result)', [3, 4, 5]), true);
  assert.equal(ev('avg(result) > 1 ? true : false', [1, 2]), true);
  assert.equal(ev('abs(result - 1) <= 0.1', 1.05), true);
  assert.equal(ev('asInt(result) >= 3', '3'), true);
});

test('bad expressions are rejected at compile time with an actionable message', () => {
  assert.throws(() => compileCondition('result <'), ConditionError);
  assert.throws(() => compileCondition('result < 0.05)'), ConditionError);
  assert.match(conditionProblem('process.exit(1)') ?? '', /only named functions/);
  assert.match(conditionProblem('process > 1') ?? '', /unknown name "process"/);
  assert.match(conditionProblem('constructor.constructor("x")()') ?? '', /unknown name|only named functions/);
  assert.match(conditionProblem('result.__proto__') ?? '', /not accessible/);
  assert.match(conditionProblem('eval("1")') ?? '', /unknown function "eval"/);
  assert.match(conditionProblem('len(result, 2)') ?? '', /takes 1 argument/);
  assert.match(conditionProblem('result = 1') ?? '', /invalid condition/);
  assert.match(conditionProblem('a; b') ?? '', /invalid condition/);
  assert.match(conditionProblem('') ?? '', /empty/);
  assert.equal(conditionProblem('result < 0.05'), undefined);
});

test('type errors at evaluation time throw ConditionEvalError (recorded as Error measurements)', () => {
  assert.throws(() => ev('result < 0.05', [0.01]), ConditionEvalError);
  assert.throws(() => ev('result[3] > 0', [1]), /out of range/);
  assert.throws(() => ev('result + 1', 1), /true or false/);
  assert.throws(() => ev('result && true', 1), /needs a boolean/);
  assert.throws(() => ev('result.constructor', {}), /not accessible/);
  assert.throws(() => ev('result.missing > 1', {}), /no field/);
});
