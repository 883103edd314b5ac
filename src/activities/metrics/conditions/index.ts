export { compileCondition, conditionProblem, ConditionError, CONDITION_ERROR, FUNCTIONS, VARIABLES } from './compile';
export type { CompiledCondition, ConditionNode } from './compile';
export { evaluateCondition, ConditionEvalError, CONDITION_EVAL_ERROR } from './evaluate';
export type { ConditionScope } from './evaluate';
