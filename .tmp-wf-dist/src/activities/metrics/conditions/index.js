"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CONDITION_EVAL_ERROR = exports.ConditionEvalError = exports.evaluateCondition = exports.VARIABLES = exports.FUNCTIONS = exports.CONDITION_ERROR = exports.ConditionError = exports.conditionProblem = exports.compileCondition = void 0;
var compile_1 = require("./compile");
Object.defineProperty(exports, "compileCondition", { enumerable: true, get: function () { return compile_1.compileCondition; } });
Object.defineProperty(exports, "conditionProblem", { enumerable: true, get: function () { return compile_1.conditionProblem; } });
Object.defineProperty(exports, "ConditionError", { enumerable: true, get: function () { return compile_1.ConditionError; } });
Object.defineProperty(exports, "CONDITION_ERROR", { enumerable: true, get: function () { return compile_1.CONDITION_ERROR; } });
Object.defineProperty(exports, "FUNCTIONS", { enumerable: true, get: function () { return compile_1.FUNCTIONS; } });
Object.defineProperty(exports, "VARIABLES", { enumerable: true, get: function () { return compile_1.VARIABLES; } });
var evaluate_1 = require("./evaluate");
Object.defineProperty(exports, "evaluateCondition", { enumerable: true, get: function () { return evaluate_1.evaluateCondition; } });
Object.defineProperty(exports, "ConditionEvalError", { enumerable: true, get: function () { return evaluate_1.ConditionEvalError; } });
Object.defineProperty(exports, "CONDITION_EVAL_ERROR", { enumerable: true, get: function () { return evaluate_1.CONDITION_EVAL_ERROR; } });
//# sourceMappingURL=index.js.map