"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
const node_test_1 = require("node:test");
const strict_1 = __importDefault(require("node:assert/strict"));
const conditions_1 = require("../../src/activities/metrics/conditions");
const ev = (src, result) => (0, conditions_1.evaluateCondition)((0, conditions_1.compileCondition)(src), { result });
(0, node_test_1.test)('Argo-style conditions evaluate on scalars and vectors', () => {
    strict_1.default.equal(ev('result < 0.05', 0.01), true);
    strict_1.default.equal(ev('result < 0.05', 0.2), false);
    strict_1.default.equal(ev('result[0] <= 0.2 && result[1] > 3', [0.1, 4]), true);
    strict_1.default.equal(ev('result[0] <= 0.2 && result[1] > 3', [0.1, 2]), false);
    strict_1.default.equal(ev('isNaN(result)', NaN), true);
    strict_1.default.equal(ev('len(result) > 0', []), false);
    strict_1.default.equal(ev('len(result) == 0 || result[0] >= 0.95', []), true);
    strict_1.default.equal(ev('result[0] >= 0.9 and not isNaN(result[1])', [0.95, 1]), true);
    strict_1.default.equal(ev('result.successful == true', { successful: true }), true);
    strict_1.default.equal(ev('default(result, 0) < 1', NaN), true);
    strict_1.default.equal(ev('max(result) < 2 * min(result)', [3, 4, 5]), true);
    strict_1.default.equal(ev('avg(result) > 1 ? true : false', [1, 2]), true);
    strict_1.default.equal(ev('abs(result - 1) <= 0.1', 1.05), true);
    strict_1.default.equal(ev('asInt(result) >= 3', '3'), true);
});
(0, node_test_1.test)('bad expressions are rejected at compile time with an actionable message', () => {
    strict_1.default.throws(() => (0, conditions_1.compileCondition)('result <'), conditions_1.ConditionError);
    strict_1.default.throws(() => (0, conditions_1.compileCondition)('result < 0.05)'), conditions_1.ConditionError);
    strict_1.default.match((0, conditions_1.conditionProblem)('process.exit(1)') ?? '', /only named functions/);
    strict_1.default.match((0, conditions_1.conditionProblem)('process > 1') ?? '', /unknown name "process"/);
    strict_1.default.match((0, conditions_1.conditionProblem)('constructor.constructor("x")()') ?? '', /unknown name|only named functions/);
    strict_1.default.match((0, conditions_1.conditionProblem)('result.__proto__') ?? '', /not accessible/);
    strict_1.default.match((0, conditions_1.conditionProblem)('eval("1")') ?? '', /unknown function "eval"/);
    strict_1.default.match((0, conditions_1.conditionProblem)('len(result, 2)') ?? '', /takes 1 argument/);
    strict_1.default.match((0, conditions_1.conditionProblem)('result = 1') ?? '', /invalid condition/);
    strict_1.default.match((0, conditions_1.conditionProblem)('a; b') ?? '', /invalid condition/);
    strict_1.default.match((0, conditions_1.conditionProblem)('') ?? '', /empty/);
    strict_1.default.equal((0, conditions_1.conditionProblem)('result < 0.05'), undefined);
});
(0, node_test_1.test)('type errors at evaluation time throw ConditionEvalError (recorded as Error measurements)', () => {
    strict_1.default.throws(() => ev('result < 0.05', [0.01]), conditions_1.ConditionEvalError);
    strict_1.default.throws(() => ev('result[3] > 0', [1]), /out of range/);
    strict_1.default.throws(() => ev('result + 1', 1), /true or false/);
    strict_1.default.throws(() => ev('result && true', 1), /needs a boolean/);
    strict_1.default.throws(() => ev('result.constructor', {}), /not accessible/);
    strict_1.default.throws(() => ev('result.missing > 1', {}), /no field/);
});
//# sourceMappingURL=conditions.test.js.map